"""The route to the server: proxy, name resolution, connection and TLS."""

from __future__ import annotations

from collections.abc import Sequence

from asdiag.checks.base import Context
from asdiag.checks.schedule import maintenance_note
from asdiag.checks.transport import CONNECTION_IDS, failure_finding
from asdiag.evidence import FailureKind, FetchResult
from asdiag.findings import Finding, Severity
from asdiag.registry import kind
from asdiag.servers import layout_finding

#: What blocks the checks after ``connect``: any catalog probe that got no usable answer.
CONNECT_BLOCKING = CONNECTION_IDS


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
    """The first answer proves the route; any catalog probe that then failed on the way
    (reset, truncated, stalled, slow, undecodable) is reported here,
    naming the probe, so that nothing after it is judged from a broken answer."""
    fetch = ctx.evidence.anonymous
    if fetch is None:
        return [skip("Not evaluated: no request was made.")]
    if fetch.response is None and fetch.failure is not None:
        return [_connection_failure(ctx, fetch, "")]
    first = fetch.exchanges[0]
    findings = [
        kind("net.connect-ok").finding(
            f"{first.url} answered {first.status} in {first.elapsed_ms:.0f} ms.",
            evidence=fetch.exchanges,
        )
    ]
    if ctx.url is not None and ctx.url.scheme == "https":
        findings.append(_tls_ok(ctx, fetch))
    findings += _server_findings(ctx)
    authenticated = ctx.evidence.authenticated
    if authenticated is not None and authenticated.response is None:
        what = f"The authenticated request to {authenticated.exchanges[0].url}"
        findings.append(_connection_failure(ctx, authenticated, what))
    return findings


def _server_findings(ctx: Context) -> list[Finding]:
    """Which server answered, and the index path its layout put the probes on."""
    server = ctx.evidence.server
    if server is None or not server.product or ctx.url is None:
        return []  # an unidentified server: nothing worth a line
    findings = [
        kind("net.server").finding(
            f"{server.label} answers at {ctx.url.simple_url} ({server.evidence})."
        )
    ]
    moved = ctx.evidence.relocation
    if moved is not None and moved.found:
        asked = moved.first.exchanges[0].url if moved.first.exchanges else ""
        used = f"The checks below used {moved.tried}."
        findings.append(
            layout_finding(moved.server, asked, moved.tried, used, moved.first.exchanges)
        )
    return findings


def _connection_failure(ctx: Context, fetch: FetchResult, what: str) -> Finding:
    failure = fetch.failure
    assert failure is not None
    if failure.kind is FailureKind.TLS:
        return _tls_failure(ctx, fetch)
    lines = []
    if failure.kind in (
        FailureKind.CONNECT_TIMEOUT,
        FailureKind.READ_TIMEOUT,
        FailureKind.SLOW_BODY,
    ):
        source = ctx.settings.timeout.describe()
        lines.append(
            f"Each request may take {ctx.settings.timeout.value:g} s in all ({source}); "
            "--timeout changes it."
        )
    if ctx.proxy is not None and ctx.proxy.url is not None:
        lines.append(f"The request went through the proxy {ctx.proxy.display}.")
    note = maintenance_note(ctx.now).strip()
    if note:
        lines.append(note)
    return failure_finding(fetch, what, detail="\n".join(lines))


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
