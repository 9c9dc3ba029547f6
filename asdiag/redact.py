"""The one redactor: secrets are removed where outside values enter a report.

Outside values are what asdiag did not write: URLs, response headers and bodies, config lines,
exception messages, log records. Each passes through :class:`Redactor` as it enters a finding,
an exchange or a log: :meth:`Redactor.text` for free text (every known secret, by value, and
every secret recognisable by shape), :meth:`Redactor.url` for URLs. asdiag's own sentences are
never rewritten: a password that is an ordinary word (``wrong``, ``admin``) must not turn "the
password is wrong" into "the password is ****". The last pass over the final output,
:meth:`Redactor.output`, is a safety net that only masks what cannot be prose: secrets by
shape, and known secrets that no sentence could contain (not a plain word or number).

Shapes: URL userinfo (the password, and the user part when it is a token), ``Authorization``
and cookie headers, credentials after ``Basic``/``Bearer``/``Token``, ``token=`` query
parameters. :class:`Secret` keeps a value out of ``repr`` and ``str`` in the first place.
"""

from __future__ import annotations

import base64
import re
from collections.abc import Iterable, Mapping
from urllib.parse import quote, unquote

MASK = "****"

#: Known secrets shorter than this are not replaced by value: masking every "a" in the output
#: would make it unreadable. Such secrets are still caught by shape.
_MIN_SECRET_LENGTH = 3

_URL_USERINFO = re.compile(r"(?P<scheme>[a-zA-Z][a-zA-Z0-9+.-]*://)(?P<userinfo>[^/?#\s]*)@")
_AUTH_HEADER = re.compile(
    r"(?P<name>(?:proxy-)?authorization)(?P<sep>[\"']?\s*[:=]\s*[\"']?)(?P<scheme>[A-Za-z]+)"
    r"\s+[^\s\"',}]+",
    re.IGNORECASE,
)
# A credential after the scheme word: not an auth-param such as realm="pypi" in a challenge,
# and not a word of prose ("Basic authentication"): a credential has a digit, a capital after
# its first letter, or base64's "+/=".
_AUTH_VALUE = re.compile(
    r"\b(?P<scheme>Basic|Bearer|Token)\s+(?!\*{4})(?![A-Za-z0-9_-]+=[\"A-Za-z])"
    r"(?=[A-Za-z0-9._~+/=-]*[0-9+/=]|[A-Za-z0-9._~+/=-]+[A-Z])[A-Za-z0-9._~+/=-]{8,}"
)
_COOKIE_HEADER = re.compile(
    r"(?P<name>set-cookie|cookie)(?P<sep>[\"']?\s*[:=]\s*[\"']?)[^\n\"]+", re.IGNORECASE
)
_SECRET_QUERY = re.compile(
    r"(?P<key>[?&](?:token|access_token|auth|password|passwd|pwd|secret|api_?key|key|sig|"
    r"signature|(?:x-amz-|x-goog-)(?:signature|credential|security-token))=)[^&\s#\"']+",
    re.IGNORECASE,
)
#: Passwords that say "the user part is the token" (GitHub's and GitLab's conventions).
TOKEN_PLACEHOLDERS = frozenset({"x-oauth-basic", "x-access-token", "oauth2", "x-token-auth"})
_TOKEN_PREFIXES = ("ghp_", "gho_", "ghu_", "ghs_", "ghr_", "github_pat_", "glpat-", "pypi-")
_UUID = re.compile(r"^[0-9a-fA-F]{8}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{12}$")
_VARIABLE = re.compile(r"^\$\{[A-Za-z0-9_]+\}$")
#: What a sentence can contain: a word, a number or a version.
_PROSE_LIKE = re.compile(r"^(?:[A-Za-z][a-z]*|[0-9][0-9.]*)$")


class Secret:
    """A value that must never be printed: its ``repr`` and ``str`` are masked."""

    __slots__ = ("_value",)

    def __init__(self, value: str) -> None:
        self._value = value

    def reveal(self) -> str:
        """The value itself, for the one place that needs it (an ``Authorization`` header)."""
        return self._value

    def __repr__(self) -> str:
        return f"Secret({MASK!r})"

    def __str__(self) -> str:
        return MASK

    def __eq__(self, other: object) -> bool:
        return isinstance(other, Secret) and other._value == self._value

    def __hash__(self) -> int:
        return hash(self._value)

    def __bool__(self) -> bool:
        return bool(self._value)


def user_is_token(user: str, password: str | None) -> bool:
    """Whether a URL's user part is itself the secret: the password is empty or a well-known
    placeholder (``https://${TOKEN}:x-oauth-basic@host``), or the user looks like a token
    (a known token prefix, or 20+ characters of letters and digits that are not a UUID)."""
    if not user:
        return False
    if password is None or password == "" or unquote(password).lower() in TOKEN_PLACEHOLDERS:
        return True
    plain = unquote(user)
    if plain.startswith(_TOKEN_PREFIXES):
        return True
    if _UUID.match(plain) or "@" in plain or "." in plain:
        return False
    return len(plain) >= 20 and any(c.isdigit() for c in plain) and any(c.isalpha() for c in plain)


def _mask_userinfo(match: re.Match[str]) -> str:
    userinfo = match["userinfo"]
    user, colon, password = userinfo.partition(":")
    if _VARIABLE.match(user):  # already shown by its name: ``${GITHUB_TOKEN}``
        return f"{match['scheme']}{user}{':' + MASK if colon else ''}@"
    if not colon:
        masked = MASK  # a lone user part is a token as often as a name: pip masks it too
    elif user_is_token(user, password):
        masked = f"{MASK}:{MASK}" if password else f"{MASK}:"
    else:
        masked = f"{user}:{MASK}"
    return f"{match['scheme']}{masked}@"


def redact_url(url: str) -> str:
    """A URL with its userinfo and secret-looking query parameters masked (by shape only)."""
    return _SECRET_QUERY.sub(lambda m: f"{m['key']}{MASK}", _URL_USERINFO.sub(_mask_userinfo, url))


def _shapes(text: str) -> str:
    """Every secret recognisable by its shape, masked; prose is left as it is."""
    text = _AUTH_HEADER.sub(lambda m: f"{m['name']}{m['sep']}{m['scheme']} {MASK}", text)
    text = _AUTH_VALUE.sub(lambda m: f"{m['scheme']} {MASK}", text)
    text = _COOKIE_HEADER.sub(lambda m: f"{m['name']}{m['sep']}{MASK}", text)
    return redact_url(text)


def _replace_all(text: str, values: Iterable[str]) -> str:
    # Repeat: masking can itself spell a secret that starts or ends with "*" again.
    for _ in range(3):
        replaced = text
        for value in values:
            replaced = replaced.replace(value, MASK)
        if replaced == text:
            break
        text = replaced
    return text


class Redactor:
    """Masks secrets in outside values as they enter a report; see the module docstring."""

    def __init__(self, secrets: Iterable[str] = ()) -> None:
        self._values: tuple[str, ...] = ()
        self._distinctive: tuple[str, ...] = ()
        #: Values shown by a name instead of the mask (``${TOKEN}`` for what it expanded to),
        #: longest first, so that a value containing another is named whole.
        self._named: tuple[tuple[str, str], ...] = ()
        self.add(*secrets)

    def add(self, *secrets: str, username: str | None = None) -> None:
        """Learn more secret values; with ``username``, also their Basic-auth encodings."""
        values = set(self._values)
        for secret in secrets:
            if len(secret) < _MIN_SECRET_LENGTH:
                continue
            values.update({secret, quote(secret, safe=""), quote(secret)})
            if username is not None:
                pair = f"{username}:{secret}".encode()
                values.add(base64.b64encode(pair).decode("ascii"))
        # Longest first, so that a secret containing another is masked whole.
        self._values = tuple(sorted(values, key=len, reverse=True))
        self._distinctive = tuple(v for v in self._values if not _PROSE_LIKE.match(v))

    def add_named(self, value: str, name: str) -> None:
        """Learn a secret that is shown as ``name`` (``${GITHUB_TOKEN}``) rather than masked."""
        if len(value) >= _MIN_SECRET_LENGTH:
            named = dict(self._named) | {value: name}
            self._named = tuple(sorted(named.items(), key=lambda item: -len(item[0])))
            if not _UUID.match(value):  # an organisation id is named, never masked
                self.add(value)

    def add_expanded(self, expanded: Mapping[str, str]) -> None:
        """Learn the values ``${NAME}`` expanded to in requirements files, each shown by its
        ``${NAME}``."""
        for name, value in expanded.items():
            self.add_named(value, f"${{{name}}}")

    def _names(self, text: str, *, distinctive_only: bool) -> str:
        """Named values replaced by their names; with ``distinctive_only`` (asdiag's own text),
        only those no sentence could hold: not a word, a number, or a UUID (an organisation id
        from ``${ORG_ID}`` is quoted in asdiag's sentences and is no secret)."""
        for value, name in self._named:
            if not distinctive_only or not (_PROSE_LIKE.match(value) or _UUID.match(value)):
                text = text.replace(value, name)
        return text

    def text(self, text: str) -> str:
        """An outside text (a body, a header, a config line, an exception message, a log
        record) with every known secret and every secret shape masked."""
        return _shapes(_replace_all(self._names(text, distinctive_only=False), self._values))

    def url(self, url: str) -> str:
        """A URL as evidence may show it: the userinfo and secret query parameters masked, and
        known secrets that cannot be an ordinary path word (a token expanded into the path)."""
        named = self._names(url, distinctive_only=True)
        return redact_url(_replace_all(named, self._distinctive))

    def output(self, text: str) -> str:
        """The safety net over asdiag's final output: secret shapes, and known secrets that no
        sentence could contain. Never rewrites prose."""
        named = self._names(text, distinctive_only=True)
        return _shapes(_replace_all(named, self._distinctive))

    def __repr__(self) -> str:
        return f"Redactor(<{len(self._values)} secrets>)"
