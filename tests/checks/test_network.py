"""checks/network.py: proxy, DNS, connection and TLS, from the evidence the probes gathered."""

from __future__ import annotations

from dataclasses import replace
from datetime import datetime

import pytest

from asdiag.checks import CHECKS
from asdiag.checks.base import Context, Relocation
from asdiag.checks.network import check_connect, check_dns, check_proxy
from asdiag.checks.transport import FAILURE_IDS
from asdiag.evidence import Certificate, DnsResult, FailureKind, ProxyChoice
from asdiag.findings import Severity
from asdiag.servers import Server
from tests.checks.conftest import (
    LOOPBACK_URL,
    MONDAY_NOON,
    SUNDAY_0230,
    VENDOR_URL,
    answer,
    assert_actionable,
    failed,
    make_context,
    only,
)

MAINTENANCE = "weekly maintenance window"
HOST = "repository.activestate.com"


def _declared(name: str) -> set[str]:
    return set(next(c for c in CHECKS if c.name == name).ids)


# --- proxy ---------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("proxy", "summary"),
    [
        (
            ProxyChoice("http://user:proxy-Pa55@proxy.corp:3128", "HTTPS_PROXY"),
            "Requests go through the proxy http://user:****@proxy.corp:3128 (from HTTPS_PROXY).",
        ),
        (
            ProxyChoice(None, "NO_PROXY", bypassed=True),
            "Direct connection: NO_PROXY excludes the host.",
        ),
        (ProxyChoice(None), "Direct connection: no proxy variable is set."),
    ],
    ids=["proxy", "bypassed", "direct"],
)
def test_proxy_is_reported_as_info(proxy: ProxyChoice, summary: str) -> None:
    finding = only(check_proxy(make_context(proxy=proxy)))
    assert (finding.id, finding.severity, finding.summary) == ("net.proxy", Severity.INFO, summary)
    assert "proxy-Pa55" not in repr(finding)


def test_proxy_check_reports_nothing_without_a_url() -> None:
    assert check_proxy(make_context(None)) == []


# --- dns -----------------------------------------------------------------------------------


def test_dns_ok_lists_at_most_four_addresses() -> None:
    addresses = tuple(f"192.0.2.{i}" for i in range(1, 7))
    ctx = make_context(dns=DnsResult(HOST, addresses, 4.2))
    finding = only(check_dns(ctx))
    assert (finding.id, finding.severity) == ("net.dns-ok", Severity.OK)
    assert finding.summary == (
        f"{HOST} resolves to 192.0.2.1, 192.0.2.2, 192.0.2.3, 192.0.2.4 ... (4 ms)."
    )


def test_dns_failed() -> None:
    ctx = make_context(dns=DnsResult(HOST, (), 3.0, error="Name or service not known"))
    finding = only(check_dns(ctx))
    assert (finding.id, finding.severity) == ("net.dns-failed", Severity.FAIL)
    assert finding.summary == f"{HOST} does not resolve: Name or service not known."
    assert_actionable(finding)
    assert finding.remediation is not None
    assert finding.remediation.commands == (f"getent hosts {HOST}",)


@pytest.mark.parametrize(
    ("proxy", "dns", "reason"),
    [
        (ProxyChoice("http://proxy.corp:3128", "HTTPS_PROXY"), None, "the proxy resolves"),
        (ProxyChoice(None), None, "no lookup was made"),
    ],
)
def test_dns_skips(proxy: ProxyChoice, dns: DnsResult | None, reason: str) -> None:
    finding = only(check_dns(make_context(proxy=proxy, dns=dns)))
    assert finding.severity is Severity.SKIP
    assert reason in finding.summary


# --- connect -------------------------------------------------------------------------------


def test_connect_ok_and_tls_ok_over_https() -> None:
    cert = Certificate(subject="CN=repository.activestate.com", issuer="CN=R11, O=Let's Encrypt")
    ctx = make_context(
        anonymous=answer(401, certificate=cert), ca_bundle=("/etc/ssl/certs.pem", "certifi")
    )
    findings = check_connect(ctx)
    assert [(f.id, f.severity) for f in findings] == [
        ("net.connect-ok", Severity.OK),
        ("tls.ok", Severity.OK),
    ]
    assert findings[0].summary.endswith("answered 401 in 12 ms.")
    assert findings[0].evidence == ctx.evidence.anonymous.exchanges  # type: ignore[union-attr]
    assert findings[1].summary == (
        "Certificate verified with /etc/ssl/certs.pem (from certifi); "
        "issuer CN=R11, O=Let's Encrypt."
    )


def test_connect_ok_over_plain_http_has_no_tls_finding() -> None:
    ctx = make_context(LOOPBACK_URL, anonymous=answer(200, url="http://127.0.0.1:8080/simple/"))
    assert [f.id for f in check_connect(ctx)] == ["net.connect-ok"]


def test_connect_skips_without_a_request() -> None:
    assert only(check_connect(make_context())).severity is Severity.SKIP


CONNECTION_FAILURES = [
    (
        FailureKind.REFUSED,
        "[Errno 111] Connection refused",
        "net.connect-refused",
        f"{HOST} refused the connection on port 443.",
    ),
    (
        FailureKind.CONNECT_TIMEOUT,
        "within 10 s",
        "net.connect-timeout",
        f"No connection to {HOST} within 10 s.",
    ),
    (
        FailureKind.READ_TIMEOUT,
        "within 10 s",
        "net.read-timeout",
        f"{HOST} sent no complete answer within 10 s.",
    ),
    (
        FailureKind.RESET,
        "[Errno 104] Connection reset by peer",
        "net.connection-reset",
        f"The connection to {HOST} broke before the answer was complete.",
    ),
    (
        FailureKind.TRUNCATED,
        "peer closed connection without sending complete message body",
        "net.body-truncated",
        f"The answer from {HOST} stopped at 0 bytes of body: the connection closed before the "
        "rest.",
    ),
    (
        FailureKind.SLOW_BODY,
        "within 10 s",
        "net.slow-body",
        f"The answer from {HOST} did not finish within 10 s: 0 bytes of body in 0.0 s (0 bytes/s).",
    ),
    (
        FailureKind.DECODE,
        "Error -3 while decompressing data",
        "http.undecodable-body",
        f"The answer from {HOST} could not be decoded (Error -3 while decompressing data).",
    ),
    (
        FailureKind.DEADLINE,
        "not sent: the command's deadline of 5 s had passed",
        "run.deadline-reached",
        "Not sent: the command's deadline of 5 s had passed.",
    ),
    (
        FailureKind.DNS,
        "[Errno -2] Name or service not known",
        "net.dns-failed",
        f"{HOST} does not resolve.",
    ),
    (FailureKind.OTHER, "boom", "net.connect-failed", f"The request to {HOST} failed."),
]


@pytest.mark.parametrize(("kind", "message", "finding_id", "summary"), CONNECTION_FAILURES)
def test_connection_failures(
    kind: FailureKind, message: str, finding_id: str, summary: str
) -> None:
    fetch = failed(kind, message)
    finding = only(check_connect(make_context(anonymous=fetch)))
    assert (finding.id, finding.summary) == (finding_id, summary)
    expected = Severity.ERROR if kind is FailureKind.DEADLINE else Severity.FAIL
    assert finding.severity is expected
    if kind in (FailureKind.REFUSED, FailureKind.RESET, FailureKind.TRUNCATED, FailureKind.OTHER):
        assert finding.detail.startswith(f"The client said: {message}.")
    assert finding.evidence == fetch.exchanges
    assert_actionable(finding)
    assert MAINTENANCE not in finding.detail


def test_a_failed_authenticated_request_is_a_failure_after_a_good_anonymous_one() -> None:
    """A reset or a truncated body on the authenticated request alone must not leave the
    diagnosis without a failure (it once ended 'healthy', exit 0)."""
    fetch = failed(FailureKind.TRUNCATED, "incomplete chunked read")
    ctx = make_context(anonymous=answer(401), authenticated=fetch)
    findings = check_connect(ctx)
    assert [f.id for f in findings] == ["net.connect-ok", "tls.ok", "net.body-truncated"]
    assert findings[-1].summary.startswith("The authenticated request to https://")
    assert findings[-1].severity is Severity.FAIL


DEVPI_BASE = "http://127.0.0.1:3141/org/dev"
DEVPI_HEADERS = (("x-devpi-server-version", "6.20.3"), ("content-type", "application/json"))


def _devpi_context(*, found: bool) -> Context:
    """The probes after devpi's 404 at ``simple/``: its ``+simple/`` found, or a 404 too."""
    first = answer(404, url=f"{DEVPI_BASE}/simple/", headers=DEVPI_HEADERS)
    server = Server("devpi", "6.20.3", "X-Devpi-Server-Version: 6.20.3")
    tried = f"{DEVPI_BASE}/+simple/"
    ctx = make_context(DEVPI_BASE + "/+simple/" if found else DEVPI_BASE)
    again = answer(200 if found else 404, url=tried, headers=DEVPI_HEADERS)
    relocation = Relocation(server, first, tried, found, miss=None if found else again)
    evidence = replace(
        ctx.evidence,
        anonymous=again if found else first,
        server=server,
        relocation=relocation,
    )
    return replace(ctx, evidence=evidence)


def test_the_server_is_named_with_what_told_it_apart() -> None:
    findings = check_connect(_devpi_context(found=True))
    server = next(f for f in findings if f.id == "net.server")
    assert server.severity is Severity.INFO
    assert server.summary == (
        f"devpi-server 6.20.3 answers at {DEVPI_BASE}/+simple/ (X-Devpi-Server-Version: 6.20.3)."
    )


def test_the_server_layout_names_the_index_url_to_use() -> None:
    findings = check_connect(_devpi_context(found=True))
    layout = next(f for f in findings if f.id == "net.server-layout")
    assert layout.severity is Severity.WARN
    assert layout.summary == (
        f"devpi-server 6.20.3 serves this index at {DEVPI_BASE}/+simple/; "
        f"{DEVPI_BASE}/simple/ answered 404."
    )
    assert layout.remediation is not None
    assert f"the index URL {DEVPI_BASE}/+simple/" in layout.remediation.text
    assert_actionable(layout)


def test_no_layout_finding_when_the_servers_own_path_is_missing_too() -> None:
    assert "net.server-layout" not in {f.id for f in check_connect(_devpi_context(found=False))}


def test_every_declared_connect_id_has_a_case() -> None:
    covered = {"net.connect-ok", "tls.ok", "tls.verify-failed", "net.server", "net.server-layout"}
    covered |= {finding_id for _, _, finding_id, _ in CONNECTION_FAILURES}
    assert _declared("connect") <= covered
    redirects = {"http.redirect-loop", "http.bad-redirect"}
    assert set(FAILURE_IDS.values()) - redirects <= covered


@pytest.mark.parametrize("kind", [FailureKind.CONNECT_TIMEOUT, FailureKind.READ_TIMEOUT])
def test_timeouts_name_the_timeout_and_its_source(kind: FailureKind) -> None:
    ctx = make_context(anonymous=failed(kind, "within 0.5 s"), timeout=0.5)
    finding = only(check_connect(ctx))
    assert "within 0.5 s" in finding.summary
    assert "Each request may take 0.5 s in all (flag (--timeout)); --timeout changes it." in (
        finding.detail
    )


def test_failure_through_a_proxy_names_the_proxy() -> None:
    proxy = ProxyChoice("http://proxy.corp:3128", "HTTPS_PROXY")
    ctx = make_context(anonymous=failed(FailureKind.RESET, "reset"), proxy=proxy)
    assert "through the proxy http://proxy.corp:3128" in only(check_connect(ctx)).detail


@pytest.mark.parametrize(
    "kind",
    [
        FailureKind.REFUSED,
        FailureKind.CONNECT_TIMEOUT,
        FailureKind.READ_TIMEOUT,
        FailureKind.RESET,
        FailureKind.OTHER,
        FailureKind.TLS,
    ],
)
@pytest.mark.parametrize(("now", "noted"), [(SUNDAY_0230, True), (MONDAY_NOON, False)])
def test_maintenance_note_beside_connection_failures(
    kind: FailureKind, now: datetime, noted: bool
) -> None:
    ctx = make_context(anonymous=failed(kind, "down"), now=now)
    assert (MAINTENANCE in only(check_connect(ctx)).detail) is noted


# --- tls -----------------------------------------------------------------------------------

CORP_CERT = Certificate(
    subject="CN=repository.activestate.com",
    issuer="CN=Corp Intercept CA, O=Example Corp",
    not_after="2027-01-01",
)

TLS_CASES = [
    (
        "wrong-version",
        "[SSL: WRONG_VERSION_NUMBER] wrong version number (_ssl.c:1000)",
        None,
        "does this port serve plain http?",
        "Use the https port",
    ),
    (
        "mismatch",
        "certificate verify failed: Hostname mismatch, certificate is not valid for 'x'",
        CORP_CERT,
        "does not name this host",
        "Use the host name the certificate was issued for",
    ),
    (
        "expired",
        "certificate verify failed: certificate has expired",
        CORP_CERT,
        "has expired",
        "must renew",
    ),
    (
        "intercepted",
        "certificate verify failed: unable to get local issuer certificate",
        CORP_CERT,
        "issued by CN=Corp Intercept CA, O=Example Corp, which the CA bundle does not trust: "
        "likely a corporate proxy",
        "--ca-bundle",
    ),
    (
        "untrusted",
        "certificate verify failed: self signed certificate",
        None,
        "not trusted by the CA bundle",
        "--ca-bundle",
    ),
]


@pytest.mark.parametrize(
    ("message", "cert", "summary", "fix"),
    [case[1:] for case in TLS_CASES],
    ids=[case[0] for case in TLS_CASES],
)
def test_tls_failure_names_its_cause(
    message: str, cert: Certificate | None, summary: str, fix: str
) -> None:
    fetch = failed(FailureKind.TLS, message, certificate=cert)
    ctx = make_context(anonymous=fetch, ca_bundle=("/etc/ssl/cert.pem", "SSL_CERT_FILE"))
    finding = only(check_connect(ctx))
    assert (finding.id, finding.severity) == ("tls.verify-failed", Severity.FAIL)
    assert summary in finding.summary
    assert_actionable(finding)
    assert finding.remediation is not None
    assert fix in finding.remediation.text
    assert f"TLS error: {message}" in finding.detail
    assert "CA bundle used: /etc/ssl/cert.pem (from SSL_CERT_FILE)." in finding.detail
    if cert is not None:
        assert f"Certificate issuer: {cert.issuer}" in finding.detail
        assert f"Certificate subject: {cert.subject}" in finding.detail
        assert "Valid until: 2027-01-01" in finding.detail


def test_intercepting_proxy_fix_suggests_a_ca_bundle_command() -> None:
    fetch = failed(FailureKind.TLS, "unable to get local issuer certificate", certificate=CORP_CERT)
    finding = only(check_connect(make_context(VENDOR_URL, anonymous=fetch)))
    assert finding.remediation is not None
    assert finding.remediation.commands == (
        "asdiag check --ca-bundle /path/to/company-root-ca.pem",
    )
