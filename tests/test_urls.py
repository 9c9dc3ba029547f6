"""Catalog URL parsing: the corrected base, and each deviation from the vendor's shape."""

from __future__ import annotations

import pytest

from asdiag.redact import Secret
from asdiag.urls import (
    CATALOG_HOSTS,
    Origin,
    UrlError,
    index_location,
    is_catalog_url,
    is_loopback_host,
    is_public_url,
    is_uuid,
    manager_index_url,
    parse_catalog_url,
    url_passwords,
)

ORG = "b5865a43-1f24-48df-b6f3-8c932c7aae29"
BASE = f"https://repository.activestate.com/{ORG}/pypi"


def test_the_vendor_host_is_a_catalog_host():
    assert "repository.activestate.com" in CATALOG_HOSTS
    assert parse_catalog_url(BASE).is_catalog_host
    assert not parse_catalog_url("https://artifactory.example.com/api/pypi/x").is_catalog_host


def test_a_well_formed_catalog_url():
    url = parse_catalog_url(BASE)
    assert url.base == BASE
    assert url.simple_url == f"{BASE}/simple/"
    assert url.org_id == ORG
    assert url.segments == (ORG, "pypi")
    assert url.origin == Origin("https", "repository.activestate.com", 443)
    assert not url.given_as_index
    assert not url.had_stray_slash
    assert not url.has_embedded_credentials


@pytest.mark.parametrize(
    ("typed", "given_as_index", "repeated", "stray_slash"),
    [
        (BASE + "/", False, False, True),
        (BASE + "/simple", True, False, False),
        (BASE + "/simple/", True, False, False),
        (BASE + "/SIMPLE/", True, False, False),
        (BASE + "/simple/simple/", True, True, False),
        (BASE + "/+simple/simple", True, True, False),
        (BASE + "//simple", True, False, True),
        (f"https://repository.activestate.com//{ORG}/pypi", False, False, True),
        ("  " + BASE + "  ", False, False, False),
    ],
)
def test_deviations_are_remembered_and_the_base_is_corrected(
    typed, given_as_index, repeated, stray_slash
):
    url = parse_catalog_url(typed)
    assert url.base == BASE
    assert url.simple_url == f"{BASE}/simple/"
    assert (url.given_as_index, url.repeated_index_segment, url.had_stray_slash) == (
        given_as_index,
        repeated,
        stray_slash,
    )


@pytest.mark.parametrize(
    "typed", ["http://127.0.0.1:3141/org/dev/+simple/", "http://127.0.0.1:3141/org/dev/+simple"]
)
def test_devpi_index_url_keeps_its_plus_simple(typed):
    url = parse_catalog_url(typed)
    assert url.base == "http://127.0.0.1:3141/org/dev"
    assert url.simple_url == "http://127.0.0.1:3141/org/dev/+simple/"
    assert url.given_as_index and not url.repeated_index_segment
    assert url.at_segment("simple").simple_url == "http://127.0.0.1:3141/org/dev/simple/"


@pytest.mark.parametrize(
    ("typed", "index"),
    [
        ("https://h.example/artifactory/api/pypi/pypi-virtual", "/api/pypi/pypi-virtual/simple/"),
        ("https://h.example/artifactory/api/pypi/pypi-virtual/simple", "/pypi-virtual/simple/"),
        ("https://h.example/repository/pypi-group/", "/repository/pypi-group/simple/"),
        ("https://h.example/repository/pypi-group/simple/", "/repository/pypi-group/simple/"),
        ("https://h.example/pypi/", "/pypi/"),
    ],
)
def test_a_manager_url_in_either_form_gives_its_index_root(typed, index):
    assert manager_index_url(typed).endswith(index)


def test_a_segment_that_only_starts_with_simple_is_not_a_suffix():
    url = parse_catalog_url("https://host.example/simplex")
    assert not url.given_as_index
    assert url.base == "https://host.example/simplex"


def test_query_and_fragment_are_not_part_of_the_base():
    assert parse_catalog_url(BASE + "?x=1#top").base == BASE


def test_host_is_lower_cased_and_an_explicit_port_kept():
    url = parse_catalog_url(f"https://Repository.ActiveState.com:8443/{ORG}/pypi")
    assert url.host == "repository.activestate.com"
    assert url.port == 8443
    assert url.base == f"https://repository.activestate.com:8443/{ORG}/pypi"


@pytest.mark.parametrize(
    ("typed", "port"), [("http://host.example/x/pypi", 80), ("https://host.example/x/pypi", 443)]
)
def test_default_port_follows_the_scheme(typed, port):
    url = parse_catalog_url(typed)
    assert url.port == port
    assert url.base == typed


@pytest.mark.parametrize(
    "typed",
    [
        "https://repository.activestate.com/not-a-uuid/pypi/simple/",
        "https://repository.activestate.com/myorg/pypi",
    ],
)
def test_org_id_is_the_first_segment_even_when_it_is_not_a_uuid(typed):
    """The check, not the parser, decides that a non-UUID org is wrong."""
    url = parse_catalog_url(typed)
    assert url.org_id is not None
    assert not is_uuid(url.org_id)


@pytest.mark.parametrize(
    "typed",
    [
        "https://repository.activestate.com/",
        f"https://repository.activestate.com/{ORG}",
        f"https://repository.activestate.com/{ORG}/pypi/extra",
        "https://artifactory.example.com/artifactory/api/pypi/catalog",
    ],
)
def test_no_org_id_outside_the_org_pypi_shape(typed):
    assert parse_catalog_url(typed).org_id is None


def test_host_root_with_simple_suffix():
    url = parse_catalog_url("https://pypi.example/simple/")
    assert url.base == "https://pypi.example"
    assert url.simple_url == "https://pypi.example/simple/"
    assert url.given_as_index
    assert not url.had_stray_slash


# --- credentials ----------------------------------------------------------------------------


def test_embedded_user_and_password_are_split_out_and_hidden():
    url = parse_catalog_url(f"https://{ORG}:s3cr%40t-pw@repository.activestate.com/{ORG}/pypi")
    assert url.userinfo_username == ORG
    assert url.userinfo_password == Secret("s3cr@t-pw")
    assert url.has_embedded_credentials
    assert url.base == BASE
    assert "s3cr" not in url.given
    assert "s3cr" not in repr(url)


@pytest.mark.parametrize("userinfo", ["tok3n@", "tok3n:@"])
def test_a_lone_token_is_the_username_and_no_password(userinfo):
    url = parse_catalog_url(f"https://{userinfo}host.example/x/pypi")
    assert url.userinfo_username == "tok3n"
    assert url.userinfo_password is None
    assert url.has_embedded_credentials
    assert "tok3n" not in url.given


# --- hosts ----------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("host", "expected"),
    [
        ("localhost", True),
        ("LOCALHOST", True),
        ("lab.localhost", False),  # the resolver may ask DNS for it
        ("127.0.0.1", True),
        ("127.8.9.10", True),
        ("::1", True),
        ("[::1]", True),
        ("0.0.0.0", False),
        ("10.0.0.1", False),
        ("::", False),
        ("localhost.example.com", False),
        ("repository.activestate.com", False),
        ("", False),
    ],
)
def test_is_loopback_host(host, expected):
    assert is_loopback_host(host) is expected


def test_ipv6_loopback_url():
    url = parse_catalog_url("http://[::1]:8080/org/pypi/simple/")
    assert url.host == "::1"
    assert url.is_loopback
    assert url.base == "http://[::1]:8080/org/pypi"
    assert url.origin == Origin("http", "::1", 8080)
    assert str(url.origin) == "http://[::1]:8080"


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        (ORG, True),
        (ORG.upper(), True),
        (ORG.replace("-", ""), False),
        ("{" + ORG + "}", False),
        ("urn:uuid:" + ORG, False),
        (ORG[:-1], False),
        ("not-a-uuid", False),
        ("", False),
    ],
)
def test_is_uuid_accepts_only_the_canonical_hyphenated_form(text, expected):
    assert is_uuid(text) is expected


# --- invalid input --------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("typed", "reason"),
    [
        ("", "no scheme"),
        ("   ", "no scheme"),
        ("repository.activestate.com/x/pypi", "no scheme"),
        ("localhost:8080/pypi", "no scheme"),
        ("ftp://host.example/pypi", "'ftp' is not http or https"),
        ("garbage", "no scheme"),
        ("https://", "no host"),
        ("https:///x/pypi", "no host"),
        ("https://host.example:99999/", "does not parse"),
        ("https://host.example:port/", "does not parse"),
        ("https://[::1/", "does not parse"),
        ("https://host.example/a b/pypi", "white space"),
        ("https://host.example/a\tb/pypi", "white space"),
    ],
)
def test_unusable_urls_raise_url_error_with_a_reason(typed, reason):
    with pytest.raises(UrlError) as caught:
        parse_catalog_url(typed)
    assert reason in caught.value.reason
    assert isinstance(caught.value, ValueError)


def test_url_error_never_shows_embedded_credentials():
    with pytest.raises(UrlError) as caught:
        parse_catalog_url("ftp://org:pw-12345@host.example/pypi")
    assert "pw-12345" not in str(caught.value)
    assert "pw-12345" not in caught.value.url


def test_url_passwords_are_the_written_and_the_decoded_forms():
    urls = [
        "https://user:p%40ss@host/simple/",
        "https://token@host/simple/",  # a lone token is a username to pip
        "https://host/simple/",
        "https://other:plain@host/simple/",
    ]
    assert url_passwords(urls) == {"p%40ss", "p@ss", "plain"}


@pytest.mark.parametrize("typed", ["http://[::1", "https://u:p@[::1/simple/", "https://\uff03x/"])
def test_a_manager_url_that_does_not_parse_raises_url_error(typed):
    # urllib's own ValueError ("Invalid IPv6 URL", the NFKC check) came through unchanged.
    with pytest.raises(UrlError, match="does not parse"):
        manager_index_url(typed)


def test_a_url_that_does_not_parse_is_no_known_index():
    # An upstream URL read from a manager, or an index URL in pip.conf, may be anything.
    assert index_location("https://[::1/simple/") == ("", "https://[::1/simple")
    assert not is_catalog_url("https://[::1/simple/", BASE)
    assert not is_public_url("https://[pypi.org/simple")
