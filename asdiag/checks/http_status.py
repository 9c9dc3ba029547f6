"""HTTP-level trouble in any of asdiag's requests: rate limits, server errors, loops, size."""

from __future__ import annotations

from collections.abc import Sequence

from asdiag.checks.base import Context
from asdiag.checks.schedule import maintenance_note
from asdiag.checks.transport import failure_finding
from asdiag.evidence import Exchange, FetchResult
from asdiag.findings import Finding
from asdiag.registry import kind

#: Statuses that the auth and index checks interpret; anything else needs explaining here.
HANDLED_STATUSES = frozenset({200, 401, 403, 404, 429})
HTTP_BLOCKING = (
    "http.rate-limited",
    "http.server-error",
    "http.redirect-loop",
    "http.bad-redirect",
    "http.body-too-large",
    "http.unexpected-status",
)
_RATE_HEADER_PREFIXES = ("x-ratelimit-", "ratelimit-", "x-rate-limit-")


def _rate_headers(exchange: Exchange) -> list[str]:
    return [
        f"{name}: {value}"
        for name, value in exchange.headers
        if name == "retry-after" or name.startswith(_RATE_HEADER_PREFIXES)
    ]


def check_http(ctx: Context) -> Sequence[Finding]:
    fetches = ctx.evidence.fetches
    findings: list[Finding] = []
    for fetch in fetches:
        finding = _problem(ctx, fetch)
        if finding is not None:
            findings.append(finding)
            break  # the first problem explains the rest; later probes were not made
    if findings:
        return findings
    headers = [line for f in fetches for e in f.exchanges for line in _rate_headers(e)]
    shown = f" Rate-limit headers: {'; '.join(headers)}." if headers else ""
    count = sum(len(f.exchanges) for f in fetches)
    noun = "request" if count == 1 else "requests"
    return [kind("http.ok").finding(f"{count} {noun}, none rate limited or failing.{shown}")]


def _problem(ctx: Context, fetch: FetchResult) -> Finding | None:
    response = fetch.response
    if response is None:
        return None  # no answer at all: the connect check reports it
    if fetch.failure is not None:  # a redirect that cannot be followed to its end
        chain = " -> ".join(e.url for e in fetch.exchanges[:6])
        return failure_finding(
            fetch,
            fetch.exchanges[0].probe.capitalize() + " request",
            detail=f"Redirect chain: {chain}",
        )
    last = fetch.exchanges[-1]
    status = response.status
    if status == 429:
        return _rate_limited(fetch, last)
    if 500 <= status < 600:
        return kind("http.server-error").finding(
            f"{response.url} answered {status}.",
            detail=f"Body starts: {last.body_start()}.{maintenance_note(ctx.now)}",
            evidence=fetch.exchanges,
        )
    if response.truncated:
        return kind("http.body-too-large").finding(
            f"The answer from {response.url} exceeded {len(response.body) // (1024 * 1024)} MiB; "
            "asdiag stopped reading.",
            evidence=fetch.exchanges,
        )
    if status not in HANDLED_STATUSES:
        hint = ""
        if status == 407:
            hint = " 407 comes from a proxy that wants its own credentials (in HTTPS_PROXY)."
        return kind("http.unexpected-status").finding(
            f"{response.url} answered {status}.",
            detail=f"Body starts: {last.body_start()}.{hint}",
            evidence=fetch.exchanges,
        )
    return None


def _rate_limited(fetch: FetchResult, last: Exchange) -> Finding:
    retry_after = last.header("retry-after")
    wait = f" Retry-After: {retry_after}." if retry_after else " No Retry-After header was sent."
    headers = _rate_headers(last)
    detail = (
        "The catalog allows 2000 requests per 5 minutes per client address, shared by every "
        "repository manager and client behind that address."
    )
    if headers:
        detail += " Headers: " + "; ".join(headers) + "."
    return kind("http.rate-limited").finding(
        f"{last.url} answered 429 Too Many Requests.{wait}", detail=detail, evidence=fetch.exchanges
    )
