"""The HTTP layer, with respx in place of the network.

TLS failures are tested through :func:`classify_transport_error` only: on a TLS failure the
client opens its own socket to read the server's certificate, which respx cannot intercept.
"""

from __future__ import annotations

import base64
import itertools
import json
import socket
import ssl
import threading

import certifi
import httpx
import pytest
import respx
import trustme
from hypothesis import given, settings
from hypothesis import strategies as st

from asdiag import __version__
from asdiag.errors import UsageError
from asdiag.evidence import CaBundle, FailureKind, ProxyChoice, Withheld
from asdiag.http import (
    PIP_ACCEPT,
    BasicCredentials,
    HttpClient,
    HttpOptions,
    choose_ca_bundle,
    choose_proxy,
    classify_transport_error,
    credentials_refusal,
    resolve_host,
)
from asdiag.redact import Redactor, Secret
from asdiag.urls import Origin

PASSWORD = "pw-Qx7-never-shown"
USER = "b5865a43-1f24-48df-b6f3-8c932c7aae29"
HOME = "https://catalog.example/org/pypi/simple/"
CREDENTIALS = BasicCredentials(USER, Secret(PASSWORD), Origin.of(HOME))
BASIC = "Basic " + base64.b64encode(f"{USER}:{PASSWORD}".encode()).decode()


# --- CA bundle ------------------------------------------------------------------------------


@pytest.fixture
def ca_files(tmp_path):
    paths = {}
    for name in ("flag", "SSL_CERT_FILE", "REQUESTS_CA_BUNDLE"):
        paths[name] = tmp_path / f"{name}.pem"
        paths[name].write_text("PEM", encoding="ascii")
    paths["SSL_CERT_DIR"] = tmp_path / "certs"
    paths["SSL_CERT_DIR"].mkdir()
    return {name: str(path) for name, path in paths.items()}


@pytest.mark.parametrize(
    ("given", "winner"),
    [
        (("flag", "SSL_CERT_FILE", "REQUESTS_CA_BUNDLE", "SSL_CERT_DIR"), "flag"),
        (("SSL_CERT_FILE", "REQUESTS_CA_BUNDLE", "SSL_CERT_DIR"), "SSL_CERT_FILE"),
        (("REQUESTS_CA_BUNDLE", "SSL_CERT_DIR"), "REQUESTS_CA_BUNDLE"),
        (("SSL_CERT_DIR",), "SSL_CERT_DIR"),
    ],
)
def test_ca_bundle_precedence(ca_files, given, winner):
    environ = {name: ca_files[name] for name in given if name != "flag"}
    explicit = ca_files["flag"] if "flag" in given else None
    bundle = choose_ca_bundle(explicit, "--ca-bundle", environ)
    assert bundle.path == ca_files[winner]
    assert bundle.source == ("--ca-bundle" if winner == "flag" else winner)
    assert bundle.is_directory is (winner == "SSL_CERT_DIR")


def test_ca_bundle_defaults_to_certifi():
    bundle = choose_ca_bundle(None, "--ca-bundle", {"SSL_CERT_FILE": ""})
    assert bundle == CaBundle(certifi.where(), "certifi (default)")


@pytest.mark.parametrize("missing", ["flag", "SSL_CERT_FILE", "SSL_CERT_DIR"])
def test_a_missing_ca_bundle_is_a_usage_error_not_a_silent_fallback(ca_files, tmp_path, missing):
    """A later candidate (a file that exists, or certifi) must not replace the one asked for."""
    gone = str(tmp_path / "gone.pem")
    explicit = gone if missing == "flag" else None
    environ = (
        {} if missing == "SSL_CERT_DIR" else {"REQUESTS_CA_BUNDLE": ca_files["REQUESTS_CA_BUNDLE"]}
    )
    if missing != "flag":
        environ[missing] = gone
    with pytest.raises(UsageError) as caught:
        choose_ca_bundle(explicit, "flag", environ)
    assert missing in str(caught.value)
    assert gone in str(caught.value)


# --- proxy ----------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("url", "environ", "expected"),
    [
        ("https://h.example/", {}, ProxyChoice(None)),
        (
            "https://h.example/",
            {"HTTPS_PROXY": "http://proxy:3128"},
            ProxyChoice("http://proxy:3128", "HTTPS_PROXY"),
        ),
        (
            "https://h.example/",
            {"https_proxy": "http://lower:1", "HTTPS_PROXY": "http://upper:2"},
            ProxyChoice("http://lower:1", "https_proxy"),
        ),
        (
            "https://h.example/",
            {"ALL_PROXY": "http://all:1", "HTTPS_PROXY": "http://https:2"},
            ProxyChoice("http://https:2", "HTTPS_PROXY"),
        ),
        (
            "https://h.example/",
            {"all_proxy": "http://all:1"},
            ProxyChoice("http://all:1", "all_proxy"),
        ),
        ("http://h.example/", {"HTTPS_PROXY": "http://https:2"}, ProxyChoice(None)),
        (
            "http://h.example/",
            {"HTTP_PROXY": "http://plain:2"},
            ProxyChoice("http://plain:2", "HTTP_PROXY"),
        ),
        (
            "https://h.example/",
            {"HTTPS_PROXY": "proxy.corp:8080"},
            ProxyChoice("http://proxy.corp:8080", "HTTPS_PROXY"),
        ),
        ("https://h.example/", {"HTTPS_PROXY": ""}, ProxyChoice(None)),
    ],
)
def test_choose_proxy(url, environ, expected):
    assert choose_proxy(url, environ) == expected


@pytest.mark.parametrize(
    ("url", "no_proxy", "bypassed"),
    [
        ("https://repo.example.com/x", "repo.example.com", True),
        ("https://repo.example.com/x", ".example.com", True),
        ("https://repo.example.com/x", "example.com", True),
        ("https://repo.example.com/x", "other.org, repo.example.com", True),
        ("https://repo.example.com/x", "*", True),
        ("https://repo.example.com:8443/x", "repo.example.com:8443", True),
        ("https://repo.example.com/x", "other.org", False),
        ("https://repo.example.com/x", "ample.com", False),
    ],
)
def test_no_proxy(url, no_proxy, bypassed):
    choice = choose_proxy(url, {"HTTPS_PROXY": "http://proxy:3128", "NO_PROXY": no_proxy})
    if bypassed:
        assert choice == ProxyChoice(None, "NO_PROXY", bypassed=True)
    else:
        assert choice == ProxyChoice("http://proxy:3128", "HTTPS_PROXY")


def test_lower_case_no_proxy_wins():
    environ = {"HTTPS_PROXY": "http://p:1", "no_proxy": "h.example", "NO_PROXY": "other.org"}
    assert choose_proxy("https://h.example/", environ).variable == "no_proxy"


def test_proxy_display_hides_proxy_credentials():
    choice = choose_proxy("https://h.example/", {"HTTPS_PROXY": f"http://me:{PASSWORD}@p:3128"})
    assert PASSWORD not in choice.display
    assert choice.display == "http://me:****@p:3128"


# --- the client -----------------------------------------------------------------------------


@pytest.fixture
def router():
    # assert_all_mocked (the default) turns any request without a route into an error.
    with respx.mock(assert_all_called=False) as mock:
        yield mock


@pytest.fixture(scope="module")
def small_ca_bundle(tmp_path_factory):
    """One CA certificate: loading certifi's hundreds for every client would be slow."""
    path = tmp_path_factory.mktemp("ca") / "ca.pem"
    trustme.CA().cert_pem.write_to_path(str(path))
    return CaBundle(str(path), "test CA")


@pytest.fixture
def make_client(small_ca_bundle):
    clients = []

    def make(redactor=None, **options):
        opts = HttpOptions(3.0, small_ca_bundle, ProxyChoice(None), **options)
        client = HttpClient(opts, redactor or Redactor())
        clients.append(client)
        return client

    yield make
    for client in clients:
        client.__exit__(None, None, None)


def test_request_shape(router, make_client):
    route = router.get(HOME).respond(200, html="<html></html>")
    result = make_client().get(HOME, probe="anonymous")
    request = route.calls.last.request
    assert request.headers["user-agent"] == f"asdiag/{__version__}"
    assert request.headers["accept"] == PIP_ACCEPT
    assert "authorization" not in request.headers
    assert request.extensions["timeout"] == {"connect": 3.0, "read": 3.0, "write": 3.0, "pool": 3.0}
    assert result.status == 200
    assert result.response.body == b"<html></html>"
    assert result.response.content_type == "text/html"
    assert result.failure is None


def test_accept_can_be_chosen(router, make_client):
    route = router.get(HOME).respond(200)
    make_client().get(HOME, probe="p", accept="application/json")
    assert route.calls.last.request.headers["accept"] == "application/json"


def test_every_request_is_recorded_in_order(router, make_client):
    router.get(HOME).respond(401)
    client = make_client()
    client.get(HOME, probe="anonymous")
    client.get(HOME, probe="authenticated", credentials=CREDENTIALS)
    assert [(e.probe, e.status, e.sent_credentials) for e in client.exchanges] == [
        ("anonymous", 401, False),
        ("authenticated", 401, True),
    ]


def test_credentials_are_sent_as_basic_auth(router, make_client):
    route = router.get(HOME).respond(200)
    result = make_client().get(HOME, probe="p", credentials=CREDENTIALS)
    assert route.calls.last.request.headers["authorization"] == BASIC
    assert result.credentials_withheld is None
    assert CREDENTIALS.header() == BASIC
    assert PASSWORD not in repr(CREDENTIALS)


def test_redirects_are_followed_one_hop_at_a_time(router, make_client):
    router.get(HOME).respond(301, headers={"Location": "/org/pypi/simple/v2/"})
    router.get("https://catalog.example/org/pypi/simple/v2/").respond(
        302, headers={"Location": "https://catalog.example/final/"}
    )
    router.get("https://catalog.example/final/").respond(200, text="ok")
    client = make_client()
    result = client.get(HOME, probe="anonymous")
    assert [(e.url, e.status) for e in result.exchanges] == [
        (HOME, 301),
        ("https://catalog.example/org/pypi/simple/v2/", 302),
        ("https://catalog.example/final/", 200),
    ]
    assert result.exchanges[0].header("location") == "/org/pypi/simple/v2/"
    assert client.exchanges == result.exchanges
    assert result.response.url == "https://catalog.example/final/"
    assert result.response.body == b"ok"


def test_a_redirect_without_location_is_the_answer(router, make_client):
    router.get(HOME).respond(302)
    result = make_client().get(HOME, probe="p")
    assert result.status == 302
    assert result.failure is None
    assert len(result.exchanges) == 1


def test_credentials_follow_a_same_origin_redirect(router, make_client):
    router.get(HOME).respond(308, headers={"Location": "/elsewhere/"})
    final = router.get("https://catalog.example/elsewhere/").respond(200)
    result = make_client().get(HOME, probe="p", credentials=CREDENTIALS)
    assert final.calls.last.request.headers["authorization"] == BASIC
    assert [e.sent_credentials for e in result.exchanges] == [True, True]
    assert result.credentials_withheld is None


@pytest.mark.parametrize(
    "target",
    [
        "https://cdn.example/files/x",  # another host
        "https://catalog.example:8443/x",  # another port
        "http://catalog.example/x",  # a downgrade to plain http
    ],
)
def test_credentials_are_dropped_on_a_cross_origin_redirect(router, make_client, target):
    router.get(HOME).respond(302, headers={"Location": target})
    elsewhere = router.get(target).respond(200)
    result = make_client().get(HOME, probe="p", credentials=CREDENTIALS)
    assert "authorization" not in elsewhere.calls.last.request.headers
    assert [e.sent_credentials for e in result.exchanges] == [True, False]
    assert result.credentials_withheld is Withheld.OTHER_ORIGIN
    assert result.exchanges[1].credentials_withheld is Withheld.OTHER_ORIGIN
    assert result.status == 200


def test_credentials_never_go_over_plain_http_to_another_machine(router, make_client):
    url = "http://catalog.example/org/pypi/simple/"
    route = router.get(url).respond(401)
    credentials = BasicCredentials(USER, Secret(PASSWORD), Origin.of(url))
    result = make_client().get(url, probe="p", credentials=credentials)
    assert "authorization" not in route.calls.last.request.headers
    assert not result.exchanges[0].sent_credentials
    assert result.credentials_withheld is Withheld.PLAIN_HTTP


@pytest.mark.parametrize("host", ["127.0.0.1:8080", "localhost:8080", "[::1]:8080"])
def test_credentials_may_go_over_plain_http_to_this_machine(router, make_client, host):
    url = f"http://{host}/org/pypi/simple/"
    route = router.get(url).respond(200)
    credentials = BasicCredentials(USER, Secret(PASSWORD), Origin.of(url))
    result = make_client().get(url, probe="p", credentials=credentials)
    assert route.calls.last.request.headers["authorization"] == BASIC
    assert result.credentials_withheld is None


def test_a_redirect_loop_is_a_failure(router, make_client):
    router.get(HOME).respond(302, headers={"Location": "https://catalog.example/b"})
    router.get("https://catalog.example/b").respond(302, headers={"Location": HOME})
    result = make_client().get(HOME, probe="p")
    assert result.failure is not None
    assert result.failure.kind is FailureKind.REDIRECT_LOOP
    assert len(result.exchanges) == 2
    assert result.status == 302


def test_too_many_redirects_is_a_failure(router, make_client):
    for i in range(10):
        router.get(f"https://catalog.example/{i}").respond(302, headers={"Location": f"/{i + 1}"})
    result = make_client(max_redirects=3).get("https://catalog.example/0", probe="p")
    assert result.failure is not None
    assert result.failure.kind is FailureKind.REDIRECT_LOOP
    assert len(result.exchanges) == 4
    assert "stopped after 4 redirects" in result.failure.message


def test_exactly_max_redirects_is_allowed(router, make_client):
    router.get("https://catalog.example/0").respond(302, headers={"Location": "/1"})
    router.get("https://catalog.example/1").respond(302, headers={"Location": "/2"})
    router.get("https://catalog.example/2").respond(200)
    result = make_client(max_redirects=2).get("https://catalog.example/0", probe="p")
    assert result.failure is None
    assert result.status == 200


@pytest.mark.parametrize(("size", "truncated"), [(99, False), (100, False), (101, True)])
def test_body_size_cap(router, make_client, size, truncated):
    router.get(HOME).respond(200, content=b"x" * size)
    result = make_client(max_body_bytes=100).get(HOME, probe="p")
    assert result.response.truncated is truncated
    assert result.response.body == b"x" * min(size, 100)


def test_an_endless_body_is_cut_at_the_cap(router, make_client):
    router.get(HOME).mock(return_value=httpx.Response(200, content=itertools.repeat(b"y" * 1024)))
    result = make_client(max_body_bytes=10_000).get(HOME, probe="p")
    assert result.response.truncated
    assert len(result.response.body) == 10_000


@pytest.mark.parametrize(
    ("error", "kind"),
    [
        (httpx.ConnectError("[Errno 111] Connection refused"), FailureKind.REFUSED),
        (httpx.ConnectTimeout("timed out"), FailureKind.CONNECT_TIMEOUT),
        (httpx.ReadTimeout("timed out"), FailureKind.READ_TIMEOUT),
        (httpx.RemoteProtocolError("Server disconnected"), FailureKind.RESET),
    ],
)
def test_transport_errors_become_failures(router, make_client, error, kind):
    router.get(HOME).mock(side_effect=error)
    result = make_client().get(HOME, probe="p", credentials=CREDENTIALS)
    assert result.response is None
    assert result.failure is not None
    assert result.failure.kind is kind
    (exchange,) = result.exchanges
    assert exchange.status is None
    assert exchange.error.startswith(f"{kind}: ")
    assert exchange.sent_credentials


def test_requests_without_a_route_never_reach_the_network(make_client):
    """Guards this module: respx is strict, so an unmocked URL fails instead of connecting."""
    with respx.mock, pytest.raises(respx.models.AllMockedAssertionError):
        make_client().get("https://unmocked.example/", probe="p")


# --- redaction of what is recorded ----------------------------------------------------------


def _shown(result):
    """Everything a renderer shows from one result: its exchanges and its failure."""
    return "\n".join(
        [repr(result.failure)]
        + [repr(e) for e in result.exchanges]
        + [json.dumps(e.to_dict()) for e in result.exchanges]
    )


def _secret_echo(router):
    """A 401 whose headers and body repeat the secrets, as a misbehaving server might."""
    router.get(HOME).respond(
        401,
        headers={
            "WWW-Authenticate": 'Basic realm="pypi"',
            "Set-Cookie": f"sid={PASSWORD}",
            "Authorization": BASIC,
            "X-RateLimit-Remaining": "1999",
        },
        text=f"no: {USER}:{PASSWORD} sent {BASIC.split()[1]} and Authorization: {BASIC}",
    )


def test_recorded_exchanges_are_redacted(router, make_client):
    encoded = BASIC.split()[1]
    _secret_echo(router)
    redactor = Redactor()
    redactor.add(PASSWORD, username=USER)
    result = make_client(redactor).get(HOME, probe="p", credentials=CREDENTIALS)
    shown = _shown(result)
    assert PASSWORD not in shown
    assert encoded not in shown
    (exchange,) = result.exchanges
    assert exchange.header("www-authenticate") == 'Basic realm="pypi"'
    assert exchange.header("x-ratelimit-remaining") == "1999"
    assert exchange.header("set-cookie") is None
    assert exchange.header("authorization") is None
    assert exchange.body_head.startswith(f"no: {USER}:****")


def test_secrets_in_locations_and_errors_are_redacted(router, make_client):
    router.get(HOME).respond(
        307, headers={"Location": f"https://{USER}:{PASSWORD}@catalog.example/x?token=abc123"}
    )
    result = make_client(Redactor([PASSWORD]), max_redirects=0).get(HOME, probe="p")
    assert result.failure.kind is FailureKind.REDIRECT_LOOP
    assert PASSWORD not in _shown(result)
    assert "abc123" not in _shown(result)


def test_the_response_repr_is_redacted(router, make_client):
    _secret_echo(router)
    redactor = Redactor()
    redactor.add(PASSWORD, username=USER)
    result = make_client(redactor).get(HOME, probe="p", credentials=CREDENTIALS)
    assert PASSWORD not in repr(result.response)
    assert BASIC.split()[1] not in repr(result.response)


def test_transport_error_messages_are_redacted(router, make_client):
    router.get(HOME).mock(side_effect=httpx.ConnectError(f"refused by https://u:{PASSWORD}@h/"))
    result = make_client(Redactor([PASSWORD])).get(HOME, probe="p")
    assert PASSWORD not in result.failure.message
    assert PASSWORD not in _shown(result)


# --- classifying transport errors -----------------------------------------------------------


def _caused_by(error, cause):
    error.__cause__ = cause
    return error


@pytest.mark.parametrize(
    ("error", "kind"),
    [
        (httpx.ConnectTimeout(""), FailureKind.CONNECT_TIMEOUT),
        (httpx.ReadTimeout(""), FailureKind.READ_TIMEOUT),
        (httpx.WriteTimeout(""), FailureKind.READ_TIMEOUT),
        (
            _caused_by(httpx.ConnectError("x"), ssl.SSLCertVerificationError("verify failed")),
            FailureKind.TLS,
        ),
        (
            _caused_by(httpx.ConnectError("x"), socket.gaierror(-2, "Name or service not known")),
            FailureKind.DNS,
        ),
        (_caused_by(httpx.ConnectError("x"), ConnectionRefusedError(111, "")), FailureKind.REFUSED),
        (_caused_by(httpx.ReadError("x"), ConnectionResetError(104, "")), FailureKind.RESET),
        (_caused_by(httpx.WriteError("x"), BrokenPipeError(32, "")), FailureKind.RESET),
        (httpx.ReadError(""), FailureKind.RESET),
        (
            httpx.RemoteProtocolError("peer closed connection without sending complete message"),
            FailureKind.RESET,
        ),
        (httpx.RemoteProtocolError("illegal status line: b'SSH-2.0'"), FailureKind.OTHER),
        (httpx.ConnectError("[Errno 111] Connection refused"), FailureKind.REFUSED),
        (httpx.ConnectError("[Errno -2] Name or service not known"), FailureKind.DNS),
        (httpx.ConnectError("nodename nor servname provided"), FailureKind.DNS),
        (httpx.ConnectError("something else"), FailureKind.OTHER),
    ],
)
def test_classify_transport_error(error, kind):
    assert classify_transport_error(error) is kind


def test_classification_looks_through_the_whole_chain():
    """httpx wraps httpcore's exception, which wraps the OS error: the cause can be deep."""
    inner = _caused_by(RuntimeError("httpcore"), ssl.SSLError("wrong version number"))
    assert classify_transport_error(_caused_by(httpx.ConnectError("x"), inner)) is FailureKind.TLS


@pytest.mark.parametrize(
    ("url", "proxy", "withheld"),
    [
        ("http://127.0.0.1:8080/simple/", None, None),
        ("http://localhost:8080/simple/", "http://127.0.0.1:3128", None),
        # The proxy reads a plain-http request, Authorization header included.
        ("http://localhost:8080/simple/", "http://proxy.corp.example:3128", Withheld.PLAIN_HTTP),
        ("http://lab.localhost:8080/simple/", None, Withheld.PLAIN_HTTP),
        ("https://catalog.example/simple/", "http://proxy.corp.example:3128", None),
        ("https://catalog.example:443/simple/", None, None),
        ("https://CATALOG.example/x", None, None),
        ("https://catalog.example:8443/x", None, Withheld.OTHER_ORIGIN),
        ("http://catalog.example/x", None, Withheld.OTHER_ORIGIN),
    ],
)
def test_credentials_refusal(url: str, proxy: str | None, withheld: Withheld | None) -> None:
    home = url if url.startswith("http://") and "catalog" not in url else HOME
    credentials = BasicCredentials(USER, Secret(PASSWORD), Origin.of(home))
    assert credentials_refusal(url, credentials, proxy) is withheld


@pytest.fixture
def stuck_resolver(monkeypatch):
    """A system resolver that never answers until the test ends (as a dead DNS server)."""
    release = threading.Event()
    real = socket.getaddrinfo

    def stuck(host, *args, **kwargs):
        if host == "stuck.example":
            release.wait()
            raise socket.gaierror(socket.EAI_AGAIN, "released")
        return real(host, *args, **kwargs)

    monkeypatch.setattr(socket, "getaddrinfo", stuck)
    yield
    release.set()


def test_a_resolver_that_never_answers_is_a_dns_failure_within_the_time_limit(
    stuck_resolver, small_ca_bundle
):
    """Inside socket.create_connection a name lookup has no time limit at all."""
    options = HttpOptions(0.3, small_ca_bundle, ProxyChoice(None))
    with HttpClient(options, Redactor()) as client:
        result = client.get("http://stuck.example:8080/simple/", probe="p")
    assert result.failure is not None
    assert result.failure.kind is FailureKind.DNS
    assert "no answer within 0.3 s" in result.failure.message
    assert result.exchanges[0].elapsed_ms < 5000


def test_resolve_host_gives_up_on_a_stuck_resolver(stuck_resolver):
    dns = resolve_host("stuck.example", 443, 0.2)
    assert dns.addresses == ()
    assert dns.error == "no answer within 0.2 s"


@settings(max_examples=150, deadline=None)
@given(
    location=st.one_of(
        st.text(max_size=40),
        st.builds(
            lambda scheme, host, rest: f"{scheme}{host}{rest}",
            st.sampled_from(["http://", "https://", "//", "ftp://", "", "HTTPS://", "http:/"]),
            st.sampled_from(
                ["catalog.example", "[::1", "[::1]", "h:99999", "h:x", "xn--e.example", "", "@h"]
            ),
            st.text(max_size=12),
        ),
    )
)
def test_any_location_header_ends_in_an_answer_or_a_failure(location, small_ca_bundle):
    """A hostile redirect never escapes the client as an exception."""
    options = HttpOptions(1.0, small_ca_bundle, ProxyChoice(None), max_redirects=2)
    with respx.mock(assert_all_called=False) as mock:
        # respx encodes header values as ASCII; a real server's bytes arrive as latin-1.
        value = location.encode("ascii", "replace").decode().replace("\n", "").replace("\r", "")
        mock.route().respond(302, headers={"Location": value})
        with HttpClient(options, Redactor()) as client:
            result = client.get(HOME, probe="p", credentials=CREDENTIALS)
    assert result.response is not None or result.failure is not None
    sent = [e for e in result.exchanges if e.sent_credentials]
    assert all(Origin.of(e.url) == CREDENTIALS.origin for e in sent)
