"""The repository manager in front of the catalog, seen through its own URL.

Most of the vendor's failure stories live in the manager: public PyPI mixed in, users without
Deploy/Cache, caching off, wrong upstream credentials, a Nexus hash lookup that fails. Each is
decided here from what came through the manager compared with what the catalog answers
directly, and, when admin credentials were given, from the manager's configuration: the
configuration names the exact setting, the behaviour proves it matters.
"""

from __future__ import annotations

from collections.abc import Sequence
from urllib.parse import urlsplit

from packaging.utils import canonicalize_name

from asdiag.checks.base import Context, Evidence, ManagerEvidence
from asdiag.findings import Finding
from asdiag.managers import WELL_KNOWN_PUBLIC
from asdiag.managers.config import ManagerConfig, Upstream
from asdiag.registry import kind
from asdiag.simple_api import NotAnIndex, parse_index_root
from asdiag.urls import CATALOG_HOSTS

_NO_RETRY = frozenset({429}) | frozenset(range(500, 600))


def catalog_projects(evidence: Evidence) -> tuple[str, ...] | None:
    """The catalog's project list, from the catalog probes (authenticated answer first)."""
    for fetch in (evidence.authenticated, evidence.anonymous):
        response = fetch.response if fetch is not None else None
        if response is not None and response.status == 200:
            parsed = parse_index_root(response.body, response.content_type)
            if not isinstance(parsed, NotAnIndex):
                return parsed.projects
    return None


def check_manager(ctx: Context) -> Sequence[Finding]:
    seen = ctx.evidence.manager
    if seen is None:
        return []  # no --manager-url: nothing to say
    failure = _root_failure(seen)
    if failure is not None:
        return [failure]
    config = seen.config.config if seen.config is not None else None
    findings = [_detected(seen)]
    if seen.config is not None and seen.config.problem:
        findings.append(
            kind("manager.admin-api-forbidden").finding(
                seen.config.problem[0].upper() + seen.config.problem[1:] + ".",
                evidence=seen.config.exchanges,
            )
        )
    catalog = catalog_projects(ctx.evidence)
    catalog_upstreams = [u for u in (config.upstreams if config else ()) if _is_catalog(ctx, u)]
    findings += _mixed(ctx, seen, config, catalog)
    findings += _fetching(seen, config, catalog_upstreams, catalog)
    findings += _caching(catalog_upstreams)
    findings += _files(seen)
    return findings


def _root_failure(seen: ManagerEvidence) -> Finding | None:
    root = seen.root
    evidence = root.exchanges
    if root.failure is not None:
        return kind("manager.unavailable").finding(
            f"{seen.url}: {root.failure.kind}: {root.failure.message}", evidence=evidence
        )
    response = root.response
    assert response is not None
    if response.status in (401, 403):
        sent = any(e.sent_credentials for e in evidence)
        return kind("manager.refused").finding(
            f"{seen.url} answered {response.status} "
            f"{'with' if sent else 'without'} the manager credentials.",
            evidence=evidence,
        )
    if response.status != 200:
        retry = response.header("retry-after")
        return kind("manager.unavailable").finding(
            f"{seen.url} answered {response.status}{f'; Retry-After: {retry}' if retry else ''}.",
            evidence=evidence,
        )
    parsed = parse_index_root(response.body, response.content_type)
    if isinstance(parsed, NotAnIndex):
        return kind("manager.not-simple").finding(
            f"{seen.url} answered 200, but {parsed.reason}.", evidence=evidence
        )
    return None


def _detected(seen: ManagerEvidence) -> Finding:
    info = seen.info
    repository = f", repository {info.repository}" if info.repository else ""
    response = seen.root.response
    assert response is not None
    parsed = parse_index_root(response.body, response.content_type)
    count = (
        f"; its index lists {len(parsed.projects)} projects"
        if not isinstance(parsed, NotAnIndex)
        else ""
    )
    return kind("manager.detected").finding(
        f"{info.label}{repository}{count}.",
        detail=f"Identified by {info.evidence}.",
        evidence=seen.root.exchanges,
    )


def _location(url: str) -> tuple[str, str]:
    parts = urlsplit(url)
    path = parts.path.rstrip("/")
    for suffix in ("/simple", "/+simple"):
        path = path.removesuffix(suffix)
    return ((parts.hostname or "").lower(), path.rstrip("/"))


def _is_catalog(ctx: Context, upstream: Upstream) -> bool:
    host, _ = _location(upstream.url)
    if host in CATALOG_HOSTS:
        return True
    return ctx.url is not None and _location(upstream.url) == _location(ctx.url.base)


def _mixed(
    ctx: Context,
    seen: ManagerEvidence,
    config: ManagerConfig | None,
    catalog: tuple[str, ...] | None,
) -> list[Finding]:
    """Public projects served beside the catalog: from the configuration, or from the lists."""
    lines: list[str] = []
    if config is not None:
        others = [u for u in config.upstreams if not _is_catalog(ctx, u)]
        if others and len(others) < len(config.upstreams):
            lines += [
                f"{config.kind} repository {config.repository} has the remote {u.name} "
                f"({u.url}) beside the catalog's"
                for u in others
            ]
    if catalog is not None:
        held = {canonicalize_name(n) for n in catalog}
        response = seen.root.response
        assert response is not None
        parsed = parse_index_root(response.body, response.content_type)
        if not isinstance(parsed, NotAnIndex):
            extra = sorted({canonicalize_name(n) for n in parsed.projects} - held)
            public = [n for n in extra if n in WELL_KNOWN_PUBLIC]
            if public:
                lines.append(
                    f"the manager lists {', '.join(public)}, which the catalog does not hold"
                )
        if seen.public_probe is not None and seen.public_probe[1].status == 200:
            lines.append(
                f"the manager serves {seen.public_probe[0]}, which the catalog does not hold"
            )
    if not lines:
        return []
    evidence = seen.root.exchanges + (seen.config.exchanges if seen.config else ())
    return [
        kind("manager.public-pypi-mixed").finding(
            f"{seen.info.label} serves public projects beside the catalog.",
            detail="\n".join(line[0].upper() + line[1:] + "." for line in lines),
            evidence=evidence,
        )
    ]


def _fetching(
    seen: ManagerEvidence,
    config: ManagerConfig | None,
    catalog_upstreams: list[Upstream],
    catalog: tuple[str, ...] | None,
) -> list[Finding]:
    """Catalog projects through the manager: none (upstream broken), some (Deploy/Cache)."""
    answered = [(name, fetch) for name, fetch in seen.pages if fetch.status not in _NO_RETRY]
    served = [name for name, fetch in answered if fetch.status == 200]
    refused = [(name, fetch.status) for name, fetch in answered if fetch.status in (401, 403, 404)]
    evidence = tuple(e for _, fetch in seen.pages for e in fetch.exchanges)
    lacking_write = _lacking_write(seen, config, catalog_upstreams)
    if catalog is None or (not refused and not lacking_write):
        return []
    what = ", ".join(f"{name} ({status})" for name, status in refused)
    if lacking_write:
        return [
            kind("manager.deploy-cache-missing").finding(
                f"{seen.info.label}: the user {lacking_write[0]!r} has "
                f"{'/'.join(lacking_write[1]) or 'no permission'} on {lacking_write[2]}, "
                "not Deploy/Cache.",
                detail=(
                    f"Through the manager: {', '.join(served) or 'nothing'} served; "
                    f"{what or 'no refusal seen yet'}."
                ),
                evidence=evidence,
            )
        ]
    if served and seen.info.product == "artifactory":
        return [
            kind("manager.deploy-cache-missing").finding(
                f"Through {seen.info.label}, {', '.join(served)} came (cached), but {what} did "
                "not, although the catalog lists them.",
                evidence=evidence,
            )
        ]
    if served:
        return []  # Nexus: a negative cache or a routing rule; the package command tells more
    credentials = [u for u in catalog_upstreams if not u.has_credentials]
    detail = (
        f"The remote {credentials[0].name} has no credentials stored."
        if credentials
        else "Without admin credentials asdiag cannot see the remote's stored credentials; "
        "in Artifactory, users without Deploy/Cache see the same."
    )
    return [
        kind("manager.upstream-auth-failed").finding(
            f"None of {', '.join(name for name, _ in refused)} came through {seen.info.label}, "
            "although the catalog lists them.",
            detail=detail,
            evidence=evidence,
        )
    ]


def _lacking_write(
    seen: ManagerEvidence, config: ManagerConfig | None, catalog_upstreams: list[Upstream]
) -> tuple[str, tuple[str, ...], str] | None:
    """``(user, actions, remote)`` when the configuration shows no Deploy/Cache on the remote."""
    if config is None or config.user_actions is None or seen.info.product != "artifactory":
        return None
    for upstream in catalog_upstreams:
        actions = config.user_actions.get(upstream.name, ())
        if "write" not in actions:
            return (config.user or "", actions, upstream.name)
    return None


def _caching(catalog_upstreams: list[Upstream]) -> list[Finding]:
    off = [u for u in catalog_upstreams if u.store_locally is False]
    return [
        kind("manager.caching-disabled").finding(
            f"The remote {u.name} has storeArtifactsLocally off: nothing from the catalog is kept."
        )
        for u in off
    ]


def _files(seen: ManagerEvidence) -> list[Finding]:
    if seen.file_probe is None:
        return []
    filename, fetch = seen.file_probe
    if fetch.failure is None and fetch.status in (200, 206):
        return []
    outcome = (
        f"{fetch.failure.kind}: {fetch.failure.message}" if fetch.failure else str(fetch.status)
    )
    return [
        kind("manager.files-unreachable").finding(
            f"{filename}: the page through {seen.info.label} lists it; the download answered "
            f"{outcome}.",
            evidence=fetch.exchanges,
        )
    ]
