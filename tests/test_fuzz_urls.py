"""Fuzzed URL parsing and lint (issue 12): ``parse_catalog_url`` and ``manager_index_url`` raise
only ``UrlError``; the lint helpers never raise; what they return has the documented shape, and
no password generated into a URL's userinfo survives in what is shown (``given``, ``UrlError``,
``redact_url``).

URLs are built from random schemes, userinfo, hosts (names, IPv4, bracketed IPv6, unicode,
broken brackets), ports, paths (``/simple`` suffixes, percent escapes) and tails, plus raw text.
"""

from __future__ import annotations

import string
from urllib.parse import quote, unquote, urlsplit

from hypothesis import HealthCheck, assume, given, settings
from hypothesis import strategies as st

from asdiag.redact import redact_url
from asdiag.urls import (
    UNSAFE_PASSWORD_CHARS,
    CatalogUrl,
    UrlError,
    has_credentials,
    index_location,
    is_catalog_url,
    is_loopback_host,
    is_public_url,
    is_uuid,
    manager_index_url,
    parse_catalog_url,
    password_of,
    unencoded_password_chars,
    url_passwords,
)

FAST = settings(max_examples=200, deadline=None, suppress_health_check=[HealthCheck.too_slow])

_SCHEMES = st.sampled_from(
    ["https", "http", "HTTPS", "Http", "ftp", "file", "git+https", "h", "", "https:", "1http"]
)
_HOSTS = st.one_of(
    st.sampled_from(
        [
            "repository.activestate.com",
            "REPOSITORY.ActiveState.com",
            "pypi.org",
            "localhost",
            "app.localhost",
            "127.0.0.1",
            "[::1]",
            "[fe80::1%25eth0]",
            "[v1.fe]",
            "[::1",
            "::1]",
            "[]",
            "[not-ipv6]",
            "xn--bcher-kva.example",
            "bücher.example",
            "\uff25\uff38\uff21\uff2d\uff30\uff2c\uff25.com",  # fullwidth "EXAMPLE"
            "\uff03x",
            "a_b",
            "host name",
            "",
            "%41.example",
        ]
    ),
    st.from_regex(r"[a-z0-9-]{1,10}(\.[a-z0-9-]{1,8}){0,2}", fullmatch=True),
    st.ip_addresses(v=4).map(str),
    st.ip_addresses(v=6).map(lambda address: f"[{address}]"),
    st.text(max_size=8),
)
_PORTS = st.one_of(
    st.just(""),
    st.integers(0, 70000).map(lambda port: f":{port}"),
    st.sampled_from([":", ":-1", ":abc", ":\u0663", ": 80", ":00080", ":8080:1"]),
)
_SEGMENTS = st.one_of(
    st.sampled_from(
        [
            "simple",
            "SIMPLE",
            "+simple",
            "pypi",
            "",
            "%2F",
            "%zz",
            "..",
            ".",
            "a b",
            "ü",
            "artifactory",
            "api",
            "repository",
            "pkg@1.0",
        ]
    ),
    st.uuids().map(str),
    st.text(max_size=5),
)
_PATHS = st.lists(_SEGMENTS, max_size=5).map(lambda segments: "".join("/" + s for s in segments))
_TAILS = st.sampled_from(["", "/", "//", "?x=1", "#frag", "?token=abc", "?a=b#c", " "])
_USERINFO_TEXT = st.text(max_size=8)
_USERINFO = st.one_of(
    st.just(""),
    st.builds(lambda user, password: f"{user}:{password}@", _USERINFO_TEXT, _USERINFO_TEXT),
    st.builds(lambda token: f"{token}@", _USERINFO_TEXT),
    st.builds(lambda token: f"{token}:@", _USERINFO_TEXT),
)


@st.composite
def _urls(draw: st.DrawFn) -> str:
    if draw(st.integers(0, 9)) == 0:
        return draw(st.text(max_size=40))
    separator = draw(st.sampled_from(["://", "://", "://", ":", ":///", ""]))
    parts = (
        draw(_SCHEMES),
        separator,
        draw(_USERINFO),
        draw(_HOSTS),
        draw(_PORTS),
        draw(_PATHS),
        draw(_TAILS),
    )
    return draw(st.sampled_from(["", " ", "\t"])) + "".join(parts)


#: Characters a password may hold once percent-encoded; "*" is left out, the mask is made of it.
_PASSWORD_CHARS = st.characters(codec="utf-8", exclude_categories=("Cs",), exclude_characters="*")


@st.composite
def _credentialed_urls(draw: st.DrawFn) -> tuple[str, str, str]:
    """A URL with ``user:password@`` (both percent-encoded as they must be), the password as
    written and the password decoded; the password appears nowhere else in the URL."""
    password = "Pw" + draw(st.text(_PASSWORD_CHARS, min_size=6, max_size=16))
    written = quote(password, safe="")
    user = quote(draw(st.text(_PASSWORD_CHARS, max_size=8)), safe="")
    host = draw(st.sampled_from(["repository.activestate.com", "127.0.0.1", "[::1]", "h.example"]))
    port = draw(st.sampled_from(["", ":", ":443", ":8080"]))
    rest = f"{port}{draw(_PATHS)}{draw(_TAILS.filter(str.strip))}"
    # A documented limit of password_of: an "@" later in the path is read as the password's.
    assume("@" not in rest)
    scheme = draw(st.sampled_from(["https", "http", "ftp"]))
    url = f"{scheme}://{user}:{written}@{host}{rest}"
    without = url.replace(written, "", 1)
    assume(written not in without and password not in without)
    assume(written.lower() not in url.lower().replace(written.lower(), "", 1))
    return url, written, password


# --- parse_catalog_url -------------------------------------------------------------------------


@FAST
@given(_urls())
def test_parse_catalog_url_raises_only_url_error(text: str) -> None:
    try:
        parsed = parse_catalog_url(text)
    except UrlError as exc:
        assert exc.reason
        assert str(exc)
        return
    assert isinstance(parsed, CatalogUrl)
    assert parsed.scheme in ("http", "https")
    assert parsed.host and parsed.host == parsed.host.lower()
    assert 0 <= parsed.port <= 65535
    assert not parsed.base.endswith("/")
    assert not parsed.base.lower().endswith(("/simple", "/+simple"))
    assert parsed.simple_url in (parsed.base + "/simple/", parsed.base + "/+simple/")
    # The index URL names the same index: parsing it keeps the base and the index root.
    index = parse_catalog_url(parsed.simple_url)
    assert (index.base, index.simple_url, index.given_as_index) == (
        parsed.base,
        parsed.simple_url,
        True,
    )
    base = urlsplit(parsed.base)
    assert "@" not in base.netloc and not base.query and not base.fragment
    # The base is the corrected URL: parsing it again changes nothing and finds no deviation.
    again = parse_catalog_url(parsed.base)
    assert again.base == parsed.base
    assert again.origin == parsed.origin
    assert again.segments == parsed.segments
    assert not (again.given_as_index or again.had_stray_slash)
    assert not again.has_embedded_credentials
    assert isinstance(parsed.is_loopback, bool) and isinstance(parsed.is_catalog_host, bool)


@FAST
@given(_credentialed_urls())
def test_no_userinfo_password_survives_parsing_or_redaction(case: tuple[str, str, str]) -> None:
    url, written, password = case
    assert written not in redact_url(url)
    assert password_of(url) == written
    assert written in url_passwords([url]) and unquote(written) in url_passwords([url])
    assert has_credentials(url)
    assert unencoded_password_chars(url) == ""
    try:
        parsed = parse_catalog_url(url)
    except UrlError as exc:
        assert written not in str(exc) and password not in str(exc)
        assert written not in repr(exc.url)
        return
    assert written not in parsed.given and password not in parsed.given
    assert written not in repr(parsed) and password not in repr(parsed)
    assert parsed.userinfo_password is not None
    assert parsed.userinfo_password.reveal() == password


# --- manager_index_url -------------------------------------------------------------------------


@FAST
@given(_urls())
def test_manager_index_url_raises_only_url_error(text: str) -> None:
    try:
        url = manager_index_url(text)
    except UrlError as exc:
        assert exc.reason
        return
    parts = urlsplit(url)
    assert parts.scheme in ("http", "https")
    assert parts.hostname
    assert "@" not in parts.netloc
    assert not parts.query and not parts.fragment
    assert url.endswith("/")
    assert manager_index_url(url) == url


# --- lint helpers ------------------------------------------------------------------------------


@FAST
@given(_urls(), st.none() | _urls())
def test_lint_helpers_never_raise(text: str, other: str | None) -> None:
    assert isinstance(has_credentials(text), bool)
    password = password_of(text)
    assert password is None or isinstance(password, str)
    if password is not None:
        assert has_credentials(text)
    chars = unencoded_password_chars(text)
    assert chars == "".join(c for c in UNSAFE_PASSWORD_CHARS if c in chars)
    assert all(isinstance(p, str) and p for p in url_passwords([text]))
    host, path = index_location(text)
    assert isinstance(host, str) and not path.endswith("/")
    assert isinstance(is_catalog_url(text, other), bool)
    assert isinstance(is_public_url(text), bool)
    assert isinstance(redact_url(text), str)
    assert isinstance(is_loopback_host(text), bool)
    assert isinstance(is_uuid(text), bool)


#: Password characters: unreserved ones and the four that must be encoded.
_RAW_PASSWORDS = st.text(string.ascii_letters + string.digits + "-._~" + "@:/#", min_size=1)


@FAST
@given(_RAW_PASSWORDS, st.sampled_from(["/simple", "/org/pypi/simple/", ""]))
def test_unencoded_password_chars_names_each_raw_character(password: str, path: str) -> None:
    # The documented limit: a password whose text before its first "/" or "#" is digits (or
    # nothing) reads as a port, and there is then no userinfo.
    head = password.split("/", 1)[0].split("#", 1)[0]
    assume(not (("/" in password or "#" in password) and (head.isdigit() or not head)))
    url = f"https://org:{password}@repository.activestate.com{path}"
    assert password_of(url) == password
    assert unencoded_password_chars(url) == "".join(
        c for c in UNSAFE_PASSWORD_CHARS if c in password
    )


@FAST
@given(st.uuids(), st.text(max_size=40))
def test_is_uuid_accepts_the_hyphenated_form_only(value: object, text: str) -> None:
    assert is_uuid(str(value)) and is_uuid(str(value).upper())
    assert not is_uuid(str(value).replace("-", ""))
    if is_uuid(text):
        assert len(text) == 36 and text.count("-") == 4
