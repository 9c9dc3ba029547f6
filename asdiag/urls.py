"""Parse and classify a catalog URL, offline and pure.

The catalog's base URL is ``https://repository.activestate.com/<org-uuid>/pypi``; clients and
repository managers append ``/simple/``. Users have the URL in whichever form their tool took:
the base (what a manager's remote URL takes) or the index URL pip is configured with
(``…/simple/``, devpi's ``…/+simple/``). This module turns what the user typed into a
:class:`CatalogUrl` that remembers how it was given (base or index, a stray slash, embedded
credentials) and the index root the network checks ask. The checks in ``checks/url.py`` turn
those facts into findings.
"""

from __future__ import annotations

import ipaddress
import re
import uuid
from collections.abc import Iterable
from dataclasses import dataclass, replace
from urllib.parse import unquote, urlsplit, urlunsplit

from asdiag.redact import Secret, redact_url

#: Hosts that serve the vendor's curated catalog; vendor-specific rules apply only there.
CATALOG_HOSTS = frozenset({"repository.activestate.com"})
#: Public PyPI's index and file hosts.
PUBLIC_HOSTS = frozenset({"pypi.org", "pypi.python.org", "files.pythonhosted.org"})

#: The index root's last segment, as pip's index URL ends: ``/simple`` (PEP 503's convention,
#: Artifactory, Nexus, pypiserver, the catalog) or ``/+simple`` (devpi).
#: Repeated (``/simple/simple``), it is what a manager given an index URL as its base builds.
_INDEX_SUFFIX = re.compile(r"(?:/\+?simple)*/(?P<segment>\+?simple)/*$", re.IGNORECASE)
#: Artifactory's and Nexus's repository URLs without the index segment: bases a user may give
#: for a manager, where the index is ``<base>/simple/``.
_MANAGER_BASE = re.compile(r"(?:/api/pypi/[^/]+|/repository/[^/]+)/*$")


class UrlError(ValueError):
    """The URL cannot be used at all; ``reason`` says why in words a user understands."""

    def __init__(self, url: str, reason: str) -> None:
        super().__init__(url, reason)
        self.url = redact_url(url)
        self.reason = reason

    def __str__(self) -> str:
        return f"{self.url!r}: {self.reason}"


def is_loopback_host(host: str) -> bool:
    """Whether ``host`` names this machine (credentials may then travel over plain http):
    ``localhost`` or a loopback address. Not ``*.localhost``: RFC 6761 reserves it, but the
    system resolver may still ask DNS, which can answer with another machine."""
    if host.lower() == "localhost":
        return True
    try:
        return ipaddress.ip_address(host.strip("[]")).is_loopback
    except ValueError:
        return False


@dataclass(frozen=True)
class Origin:
    """Scheme, host and port (RFC 6454): the unit a credential belongs to.

    A credential configured for one origin is never sent to another, whatever the URL came from
    (the settings, a redirect, a link on a page, a JSON ``url``).
    """

    scheme: str
    host: str
    port: int

    @classmethod
    def of(cls, url: str) -> Origin:
        """The origin of ``url``; an unparseable port or host gives an origin nothing matches."""
        try:
            parts = urlsplit(url)
            scheme = parts.scheme.lower()
            port = parts.port or (443 if scheme == "https" else 80)
            host = (parts.hostname or "").lower()
        except ValueError:
            return cls("", "", 0)
        return cls(scheme, host, port)

    @property
    def is_loopback(self) -> bool:
        return is_loopback_host(self.host)

    def __str__(self) -> str:
        default = 443 if self.scheme == "https" else 80
        host = f"[{self.host}]" if ":" in self.host else self.host
        return f"{self.scheme}://{host}" + ("" if self.port == default else f":{self.port}")


def is_uuid(text: str) -> bool:
    """Whether ``text`` is a UUID in its canonical hyphenated form."""
    try:
        return str(uuid.UUID(text)) == text.lower() and len(text) == 36
    except ValueError:
        return False


@dataclass(frozen=True)
class CatalogUrl:
    """A catalog URL as typed, and the facts asdiag derives from it."""

    #: What the user gave, redacted (for display only).
    given: str
    #: The base URL: no userinfo, no ``/simple`` (``/+simple``), no trailing slash.
    base: str
    scheme: str
    host: str
    port: int
    #: Path segments of the corrected base.
    segments: tuple[str, ...]
    #: Given as the index URL (ending in ``/simple`` or ``/+simple``) rather than the base.
    given_as_index: bool
    #: The index segment given more than once (``…/simple/simple/``): a manager's mistake.
    repeated_index_segment: bool
    #: A trailing slash or an empty segment (``//``) in the path as given.
    had_stray_slash: bool
    userinfo_username: str | None
    userinfo_password: Secret | None
    #: The index root's segment after the base: ``simple``, or ``+simple`` on devpi.
    index_segment: str = "simple"

    @property
    def simple_url(self) -> str:
        """``<base>/simple/`` (``<base>/+simple/``): the index root every client asks first."""
        return f"{self.base}/{self.index_segment}/"

    def at_segment(self, segment: str) -> CatalogUrl:
        """The same catalog with its index root at ``<base>/<segment>/`` (a server's layout)."""
        return replace(self, index_segment=segment)

    @property
    def origin(self) -> Origin:
        """Scheme, host and port: credentials are never sent outside this origin."""
        return Origin(self.scheme, self.host, self.port)

    @property
    def is_catalog_host(self) -> bool:
        return self.host in CATALOG_HOSTS

    @property
    def is_loopback(self) -> bool:
        return is_loopback_host(self.host)

    @property
    def has_embedded_credentials(self) -> bool:
        return self.userinfo_username is not None or self.userinfo_password is not None

    @property
    def org_id(self) -> str | None:
        """The first path segment when the path has the catalog's ``/<org>/pypi`` shape."""
        if len(self.segments) == 2 and self.segments[1] == "pypi":
            return self.segments[0]
        return None


def parse_catalog_url(url: str) -> CatalogUrl:
    """Parse a catalog URL; raise :class:`UrlError` when nothing can be requested from it."""
    text = url.strip()
    try:
        parts = urlsplit(text)
        port = parts.port
    except ValueError as exc:
        raise UrlError(text, f"it does not parse ({exc})") from None
    scheme = parts.scheme.lower()
    if scheme not in ("http", "https"):
        if not scheme or "//" not in text:  # "host:8080/pypi" parses as scheme "host"
            raise UrlError(text, "it has no scheme; start it with https://")
        raise UrlError(text, f"the scheme {scheme!r} is not http or https")
    host = (parts.hostname or "").lower()
    if not host:
        raise UrlError(text, "it has no host name")
    if any(ch.isspace() for ch in text):
        raise UrlError(text, "it contains white space")
    if port is None:
        port = 443 if scheme == "https" else 80

    path = parts.path
    suffix = _INDEX_SUFFIX.search(path)
    # The slash after /simple belongs to the index URL's form, not to a stray slash.
    rest = path[: suffix.start()] if suffix else path
    had_stray_slash = "//" in rest or (rest.endswith("/") and rest != "/")
    segments = tuple(segment for segment in rest.split("/") if segment)

    netloc = host if ":" not in host else f"[{host}]"
    if parts.port is not None:
        netloc = f"{netloc}:{parts.port}"
    base = urlunsplit((scheme, netloc, "/".join(("", *segments)), "", ""))

    username = unquote(parts.username) if parts.username else None
    password = Secret(unquote(parts.password)) if parts.password else None
    return CatalogUrl(
        given=redact_url(text),
        base=base.rstrip("/"),
        scheme=scheme,
        host=host,
        port=port,
        segments=segments,
        given_as_index=suffix is not None,
        repeated_index_segment=suffix is not None and suffix[0].strip("/").count("/") > 0,
        had_stray_slash=had_stray_slash,
        userinfo_username=username,
        userinfo_password=password,
        index_segment=suffix["segment"].lower() if suffix else "simple",
    )


def manager_index_url(text: str) -> str:
    """A manager's PyPI index URL as asdiag asks it: no userinfo, query or fragment, ending in
    ``/``. An Artifactory or Nexus repository URL given without its index segment
    (``…/api/pypi/<key>``, ``…/repository/<name>``) gets ``simple/``: that is where its index is.

    :raises UrlError: for anything that is not an http(s) URL with a host (and a valid port).
    """
    try:
        parts = urlsplit(text.strip())
    except ValueError as exc:  # "http://[::1", a netloc NFKC turns into "/" or "#"
        raise UrlError(text, f"it does not parse ({exc})") from None
    try:
        parts.port  # noqa: B018 (the property validates the port)
    except ValueError:
        raise UrlError(text, "its port is not a number from 0 to 65535") from None
    if parts.scheme not in ("http", "https") or not parts.hostname:
        raise UrlError(text, "it is not an http(s) URL with a host")
    netloc = parts.netloc.rpartition("@")[2].lower()  # no userinfo; IPv6 brackets kept
    path = parts.path.rstrip("/") + "/"
    if _MANAGER_BASE.search(parts.path):
        path += "simple/"
    return urlunsplit((parts.scheme, netloc, path, "", ""))


def index_location(url: str) -> tuple[str, str]:
    """Host and path, without a trailing slash or ``/simple`` (``/+simple``): what makes two
    URLs name one index, whether written as a base (the catalog) or as pip's index URL.
    A URL that does not parse (``https://[::1``) has no host: it names only itself."""
    try:
        parts = urlsplit(url)
    except ValueError:
        return ("", url.strip().rstrip("/"))
    path = parts.path.rstrip("/")
    for suffix in ("/simple", "/+simple"):
        path = path.removesuffix(suffix)
    return ((parts.hostname or "").lower(), path.rstrip("/"))


def is_catalog_url(url: str, catalog_base: str | None) -> bool:
    """The vendor's host, or the same index as the catalog URL being diagnosed."""
    location = index_location(url)
    if location[0] in CATALOG_HOSTS:
        return True
    return catalog_base is not None and location == index_location(catalog_base)


def is_public_url(url: str) -> bool:
    """A URL on public PyPI's hosts (never one that does not parse)."""
    try:
        host = urlsplit(url).hostname
    except ValueError:
        return False
    return (host or "").lower() in PUBLIC_HOSTS


# --- passwords written in URLs (pip and uv configuration) -----------------------------------

#: The characters that must be percent-encoded in a password, in the order they are reported.
#: Characters that break a URL when written raw in its password, for pip and uv alike: each
#: ends the authority. A raw "@" or ":" does not (pip's split_auth_from_netloc splits at the
#: last "@" and the first ":"; uv reads them the same way).
UNSAFE_PASSWORD_CHARS = "/?#"

_SCHEME = re.compile(r"[A-Za-z][A-Za-z0-9+.-]*://")
_AUTHORITY_END = re.compile(r"[/?#]")
_HOST = re.compile(r"(?:\[[0-9A-Fa-f:.]+\]|[^\s@/?#:\[\]]+)(?::\d*)?")
_HOST_PORT = re.compile(r"[^:@]*:\d*")


def _userinfo(url: str) -> str | None:
    """The userinfo of ``url`` as written, or None; see :func:`unencoded_password_chars`."""
    scheme = _SCHEME.match(url)
    if scheme is None:
        return None
    rest = url[scheme.end() :]
    at = len(rest)
    while (at := rest.rfind("@", 0, at)) >= 0:
        end = _AUTHORITY_END.search(rest, at + 1)
        if _HOST.fullmatch(rest[at + 1 : end.start() if end else len(rest)]):
            break
    else:
        return None
    userinfo = rest[:at]
    stray = _AUTHORITY_END.search(userinfo)
    if stray is not None:
        head = userinfo[: stray.start()]
        # "host/a@b" or "host:8080/a@b": the '@' is in the path, there is no userinfo.
        if ":" not in head or _HOST_PORT.fullmatch(head):
            return None
    return userinfo


def has_credentials(url: str) -> bool:
    """Whether ``url`` carries userinfo (``user:pass@``, ``token@`` or ``token:@``)."""
    return bool(_userinfo(url))


def password_of(url: str) -> str | None:
    """The password part of ``url``'s userinfo, exactly as written (percent-encoded or not).

    None when there is no userinfo or it has no ``:`` (a lone token is a username to pip).
    The userinfo is found as :func:`unencoded_password_chars` describes.
    """
    userinfo = _userinfo(url)
    if userinfo is None or ":" not in userinfo:
        return None
    return userinfo.partition(":")[2]


def url_passwords(urls: Iterable[str]) -> set[str]:
    """Every password written in ``urls``, as written and percent-decoded: what a redactor must
    learn before it shows text quoting those URLs or their decoded form."""
    written = {password for url in urls if (password := password_of(url))}
    return written | {unquote(password) for password in written}


def unencoded_password_chars(url: str) -> str:
    """Which of ``/ ? #`` (:data:`UNSAFE_PASSWORD_CHARS`) appear raw in the password of
    ``url``, in that order; "" if none.

    Work on the raw text, because a raw ``/`` or ``#`` changes how the URL parses (urllib then
    sees a host ``org`` with port ``p``, and pip fails before it sends anything):

    1. the URL must start with ``scheme://``; the rest is what follows;
    2. the userinfo ends at the *last* ``@`` of the rest that is followed by a host name (or
       ``[IPv6]``), an optional ``:port``, then ``/``, ``?``, ``#`` or the end; pip's
       ``split_auth_from_netloc`` also splits at the last ``@`` (``rpartition``);
    3. the password is what follows the userinfo's first ``:``;
    4. when the userinfo so found holds a ``/``, ``?`` or ``#`` and what precedes it has no
       ``:`` or looks like ``host:port``, the ``@`` was in the path or query
       (``https://host/pkg@1.0``, ``https://host:8080/a@b``): there is no userinfo.

    Known limits, chosen because a password with raw special characters is likelier than an
    index path with an ``@``: with credentials *and* an ``@`` later in the path or query
    (``https://u:pw@host/a@b``) the path is taken as part of the password; a password of
    digits followed by a raw ``/`` (``https://u:12/x@host``) is read as a port and missed.

    Examples: ``https://org:p#ss@host/simple`` -> ``"#"``; ``https://org:p/ss@host/simple``
    -> ``"/"``; ``https://org:p@ss@host/simple`` and ``https://org:a:b@host/simple`` -> ``""``
    (pip and uv read those passwords right).
    """
    password = password_of(url)
    if not password:
        return ""
    return "".join(char for char in UNSAFE_PASSWORD_CHARS if char in password)
