"""The route to the server: proxy, name resolution, connection and TLS."""

from __future__ import annotations

from collections.abc import Sequence

from asdiag.checks.base import Context
from asdiag.checks.schedule import maintenance_note
from asdiag.evidence import FailureKind, FetchResult
from asdiag.findings import Finding, Severity
from asdiag.registry import kind

#: The finding id each connection-level failure is reported as.
FAILURE_IDS = {
    FailureKind.DNS: "net.dns-failed",
    FailureKind.REFUSED: "net.connect-refused",
    FailureKind.CONNECT_TIMEOUT: "net.connect-timeout",
    FailureKind.TLS: "tls.verify-failed",
    FailureKind.READ_TIMEOUT: "net.read-timeout",
    FailureKind.RESET: "net.connection-reset",
    FailureKind.OTHER: "net.connect-failed",
}
CONNECT_BLOCKING = tuple(FAILURE_IDS.values())


def skip(summary: str, *, blocked_by: str = "") -> Finding:
    """A skip finding; the doctor fills in the id and title of the check that skipped."""
    return Finding(id="", severity=Severity.SKIP, title="", summary=summary, blocked_by=blocked_by)


def check_proxy(ctx: Context) -> Sequence[Finding]:
    proxy = ctx.proxy
    if proxy is None:
        return []
    if proxy.url is not None:
        return [
            kind("net.proxy").finding(
                f"Requests go through the proxy {proxy.display} (from {proxy.variable}).",
                remediation="Nothing to change if this proxy is the intended route; pip reads "
                "the same variables unless --proxy or a pip.conf proxy overrides them.",
            )
        ]
    if proxy.bypassed:
        return [
            kind("net.proxy").finding(f"Direct connection: {proxy.variable} excludes the host.")
        ]
    return [kind("net.proxy").finding("Direct connection: no proxy variable is set.")]


def check_dns(ctx: Context) -> Sequence[Finding]:
    if ctx.proxy is not None and ctx.proxy.url is not None:
        return [skip("Not applicable: the proxy resolves the host name.")]
    dns = ctx.evidence.dns
    if dns is None:
        return [skip("Not evaluated: no lookup was made.")]
    if dns.error:
        return [
            kind("net.dns-failed").finding(
                f"{dns.host} does not resolve: {dns.error}.",
                commands=(f"getent hosts {dns.host}",),
            )
        ]
    shown = ", ".join(dns.addresses[:4]) + (" ..." if len(dns.addresses) > 4 else "")
    return [
        kind("net.dns-ok").finding(f"{dns.host} resolves to {shown} ({dns.elapsed_ms:.0f} ms).")
    ]


def check_connect(ctx: Context) -> Sequence[Finding]:
    fetch = ctx.evidence.anonymous
    if fetch is None:
        return [skip("Not evaluated: no request was made.")]
    failure = fetch.failure
    if fetch.response is None and failure is not None:
        return [_connection_failure(ctx, fetch)]
    first = fetch.exchanges[0]
    findings = [
        kind("net.connect-ok").finding(
            f"{first.url} answered {first.status} in {first.elapsed_ms:.0f} ms.",
            evidence=fetch.exchanges,
        )
    ]
    if ctx.url is not None and ctx.url.scheme == "https":
        findings.append(_tls_ok(ctx, fetch))
    return findings


def _connection_failure(ctx: Context, fetch: FetchResult) -> Finding:
    failure = fetch.failure
    assert failure is not None
    finding_id = FAILURE_IDS.get(failure.kind, "net.connect-failed")
    host = ctx.url.host if ctx.url is not None else "the server"
    timeout = ctx.settings.timeout.value
    note = maintenance_note(ctx.now)
    if failure.kind is FailureKind.TLS:
        return _tls_failure(ctx, fetch)
    summaries = {
        FailureKind.REFUSED: f"{host} refused the connection on port {_port(ctx)}.",
        FailureKind.CONNECT_TIMEOUT: f"No connection to {host} within {timeout:g} s.",
        FailureKind.READ_TIMEOUT: f"{host} sent no answer within {timeout:g} s.",
        FailureKind.RESET: f"The connection to {host} broke before the answer was complete.",
        FailureKind.DNS: f"{host} does not resolve.",
    }
    summary = summaries.get(failure.kind, f"The request to {host} failed.")
    detail = f"{failure.message}.{note}"
    if failure.kind in (FailureKind.CONNECT_TIMEOUT, FailureKind.READ_TIMEOUT):
        source = ctx.settings.timeout.describe()
        detail += f" The timeout is {timeout:g} s ({source}); --timeout changes it."
    if ctx.proxy is not None and ctx.proxy.url is not None:
        detail += f" The request went through the proxy {ctx.proxy.display}."
    return kind(finding_id).finding(summary, detail=detail, evidence=fetch.exchanges)


def _port(ctx: Context) -> int | str:
    return ctx.url.port if ctx.url is not None else "?"


def _tls_failure(ctx: Context, fetch: FetchResult) -> Finding:
    """Name the TLS failure's cause; each cause has its own fix."""
    failure = fetch.failure
    assert failure is not None
    bundle = ctx.evidence.ca_bundle
    lines = [f"TLS error: {failure.message}"]
    if bundle is not None:
        lines.append(f"CA bundle used: {bundle[0]} (from {bundle[1]}).")
    cert = failure.certificate
    if cert is not None:
        lines.append(f"Certificate subject: {cert.subject}")
        lines.append(f"Certificate issuer: {cert.issuer}")
        if cert.not_after:
            lines.append(f"Valid until: {cert.not_after}")
    message = failure.message.lower()
    remediation: str | None = None
    if "wrong version number" in message or "record layer" in message:
        summary = "The server did not answer in TLS: does this port serve plain http?"
        remediation = "Use the https port of the server, or http:// if it only serves plain http."
    elif "hostname mismatch" in message or "doesn't match" in message:
        summary = "The certificate does not name this host."
        remediation = "Use the host name the certificate was issued for (see the subject)."
    elif "expired" in message:
        summary = "The server's certificate has expired."
        remediation = "The server's administrator must renew its certificate."
    elif cert is not None:
        summary = (
            f"The certificate is issued by {cert.issuer}, which the CA bundle does not trust: "
            "likely a corporate proxy intercepting https."
        )
    else:
        summary = "The server's certificate is not trusted by the CA bundle."
    return kind("tls.verify-failed").finding(
        summary,
        detail="\n".join(lines) + maintenance_note(ctx.now),
        remediation=remediation,
        commands=() if remediation else None,
        evidence=fetch.exchanges,
    )


def _tls_ok(ctx: Context, fetch: FetchResult) -> Finding:
    bundle = ctx.evidence.ca_bundle
    trust = f" with {bundle[0]} (from {bundle[1]})" if bundle is not None else ""
    cert = fetch.certificate
    issuer = f"; issuer {cert.issuer}" if cert is not None else ""
    return kind("tls.ok").finding(f"Certificate verified{trust}{issuer}.")
