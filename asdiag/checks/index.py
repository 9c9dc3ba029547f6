"""Is ``<base>/simple/`` a simple index, and what does it hold?"""

from __future__ import annotations

from collections.abc import Sequence

from asdiag.checks.base import Context
from asdiag.checks.network import skip
from asdiag.evidence import FetchResult
from asdiag.findings import Finding, Severity
from asdiag.registry import kind
from asdiag.servers import most_telling, said
from asdiag.simple_api import SUPPORTED_API_VERSION, NotAnIndex, parse_api_version, parse_index_root


def _answer(ctx: Context) -> FetchResult | None:
    """The most informative answer: the authenticated one when it exists (also when it was
    served by another origin that needed no credentials), else the anonymous."""
    for fetch in (ctx.evidence.authenticated, ctx.evidence.anonymous):
        if fetch is not None and fetch.response is not None and not fetch.refused_elsewhere:
            return fetch
    return ctx.evidence.anonymous


def check_index(ctx: Context) -> Sequence[Finding]:
    fetch = _answer(ctx)
    if fetch is None or fetch.response is None:
        return [skip("Not evaluated: the index gave no answer.")]
    response = fetch.response
    if response.status == 404:
        return [_not_found(ctx, fetch)]
    if response.status != 200:
        return [skip(f"Not evaluated: the index answered {response.status}.")]
    return _contents(fetch)


def _not_found(ctx: Context, fetch: FetchResult) -> Finding:
    assert fetch.response is not None
    response = fetch.response
    lines = []
    moved = ctx.evidence.relocation
    miss = moved.miss if moved is not None else None
    message = most_telling(said(fetch), said(miss))
    if message:
        lines.append(f"The server says: {message}")
    evidence = fetch.exchanges
    if moved is not None and not moved.found:
        lines.append(f"{moved.server.label}'s own index path {moved.tried} answered 404 too.")
        evidence += moved.miss.exchanges if moved.miss is not None else ()
    lines.append(
        "Check the path: give the base URL (the one /simple/ is appended to) or the index URL "
        "pip is configured with."
    )
    return kind("index.not-found").finding(
        f"{response.url} answered 404.", detail="\n".join(lines), evidence=evidence
    )


def _contents(fetch: FetchResult) -> list[Finding]:
    """What a 200 at the index root holds: a simple index, and at which API version."""
    assert fetch.response is not None
    response = fetch.response
    parsed = parse_index_root(response.body, response.content_type)
    if isinstance(parsed, NotAnIndex):
        head = fetch.exchanges[-1].body_start()
        return [
            kind("index.not-simple").finding(
                f"{response.url} answered 200, but {parsed.reason}.",
                detail=f"Content-Type: {response.content_type or '(none)'}\nBody starts: {head}",
                evidence=fetch.exchanges,
            )
        ]
    version = f", API version {parsed.api_version}" if parsed.api_version else ""
    label = "PEP 691 JSON" if parsed.format == "json" else "HTML"
    findings: list[Finding] = []
    count = len(parsed.projects)
    if count == 0:
        findings.append(kind("index.empty").finding(f"{response.url} lists no projects ({label})."))
    else:
        noun = "project" if count == 1 else "projects"
        findings.append(kind("index.ok").finding(f"{count} {noun} listed ({label}{version})."))
    findings.extend(repository_version_findings(parsed.api_version))
    return findings


def repository_version_findings(declared: str | None) -> list[Finding]:
    """PEP 629: a higher major version is incompatible (fail), a higher minor one is not
    (warn); used for the index root here and for project pages by ``asdiag package``."""
    if declared is None:
        return []
    version = parse_api_version(declared)
    supported = ".".join(map(str, SUPPORTED_API_VERSION))
    if version is None:
        return [
            kind("index.repository-version").finding(
                f"The index declares the API version {declared!r}, which is not MAJOR.MINOR."
            )
        ]
    if version[0] > SUPPORTED_API_VERSION[0]:
        return [
            kind("index.repository-version").finding(
                f"The index declares API version {declared}; asdiag understands {supported}.",
                severity=Severity.FAIL,
            )
        ]
    if version > SUPPORTED_API_VERSION:
        return [
            kind("index.repository-version").finding(
                f"The index declares API version {declared}, newer than {supported}: it may "
                "offer features asdiag ignores."
            )
        ]
    return []
