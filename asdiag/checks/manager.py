"""The repository manager in front of the catalog, seen through its own URL.

Most of the vendor's failure stories live in the manager: public PyPI mixed in, users without
Deploy/Cache, caching off, wrong upstream credentials, a Nexus hash lookup that fails. Each is
decided from what came through the manager compared with what the catalog answers directly,
and, when admin credentials were given, from the manager's configuration (the rules of
``managers/audit.py``): the configuration names the exact setting, the behaviour proves it
matters. When both say the same thing, one finding carries both.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import replace

from asdiag.checks.base import Context, Evidence, ManagerEvidence
from asdiag.checks.transport import fetch_problem, page_problem
from asdiag.evidence import BUSY_STATUSES, FetchResult
from asdiag.findings import Finding
from asdiag.managers import WELL_KNOWN_PUBLIC
from asdiag.managers.audit import config_findings, is_catalog
from asdiag.managers.config import Upstream
from asdiag.registry import kind
from asdiag.servers import blocked, said, says_deploy_refused
from asdiag.simple_api import NotAnIndex, listed_files, listed_projects, parse_index_root


def catalog_projects(evidence: Evidence) -> tuple[str, ...] | None:
    """The catalog's project list, from the catalog probes (authenticated answer first)."""
    for fetch in (evidence.authenticated, evidence.anonymous):
        names = listed_projects(fetch)
        if names is not None:
            return names
    return None


def check_manager(ctx: Context) -> Sequence[Finding]:
    """Each manager diagnosed; with several, each finding names the manager it is about."""
    managers = ctx.evidence.managers
    if len(managers) <= 1:
        return [f for seen in managers for f in _one_manager(ctx, seen)]
    findings = []
    for seen in managers:
        for finding in _one_manager(ctx, seen):
            if finding.id == "manager.detected":
                shared = (
                    f"The {len(managers)} managers diagnosed here share the catalog's 2000 "
                    "requests per 5 minutes per address (their request logs show the combined "
                    "rate)."
                )
                finding = replace(finding, detail=f"{finding.detail}\n{shared}".strip())
            findings.append(replace(finding, summary=f"[{seen.url}] {finding.summary}"))
    return findings


def _one_manager(ctx: Context, seen: ManagerEvidence) -> list[Finding]:
    failure = root_problem(seen.url, seen.root)
    if failure is not None:
        return [failure]
    findings = _detected(seen)
    read = seen.config
    if read is not None and read.problem:
        failed = None
        if read.failed is not None:  # a failed request, reported as such
            what, fetch = read.failed
            failed = fetch_problem(fetch, f"The configuration API, for {what}")
        findings.append(
            failed
            or kind("manager.admin-api-forbidden").finding(
                read.problem[0].upper() + read.problem[1:] + ".", evidence=read.exchanges
            )
        )
    config = read.config if read is not None else None
    catalog_base = ctx.url.base if ctx.url is not None else None
    from_config = config_findings(config, seen.info.product, catalog_base) if config else []
    upstreams = [u for u in (config.upstreams if config else ()) if is_catalog(u, catalog_base)]
    catalog = catalog_projects(ctx.evidence)
    behaviour = [
        *_mixed(seen, catalog),
        *_fetching(seen, upstreams, catalog),
        *_blocked(seen),
        *_files(seen),
    ]
    return findings + _broken_probes(seen) + _combined(from_config, behaviour)


def _broken_probes(seen: ManagerEvidence) -> list[Finding]:
    """Pages asked for through the manager that got no usable answer, each named."""
    probes = [(f"The project page {name} through the manager", f) for name, f in seen.pages]
    if seen.public_probe is not None:
        name, fetch = seen.public_probe
        probes.append((f"The public project {name} through the manager", fetch))
    found = (page_problem(fetch, what) for what, fetch in probes)
    return [f for f in found if f is not None]


def _combined(from_config: list[Finding], behaviour: list[Finding]) -> list[Finding]:
    """One finding per id: the configuration's (it names the setting), with what was seen."""
    seen: dict[str, list[Finding]] = {}
    for finding in behaviour:
        seen.setdefault(finding.id, []).append(finding)
    out = []
    for finding in from_config:
        also = seen.pop(finding.id, [])
        if also:
            lines = [finding.detail, *(x for f in also for x in (f"Seen: {f.summary}", f.detail))]
            evidence = tuple(e for f in also for e in f.evidence)
            finding = replace(finding, detail="\n".join(x for x in lines if x), evidence=evidence)
        out.append(finding)
    for same in seen.values():  # behaviour alone: one finding per id, the others as detail
        first, *more = same
        lines = [first.detail, *(x for f in more for x in (f"Also: {f.summary}", f.detail))]
        evidence = tuple(e for f in same for e in f.evidence)
        out.append(replace(first, detail="\n".join(x for x in lines if x), evidence=evidence))
    return out


def root_problem(url: str, root: FetchResult) -> Finding | None:
    """What is wrong with the manager's answer for its index ``url``, if anything: a failed
    request, a refusal, a busy or broken server, or an answer that is no index."""
    evidence = root.exchanges
    problem = page_problem(root, f"The manager's index {url}")
    if problem is not None:
        return problem
    response = root.response
    assert response is not None
    if response.status in (401, 403):
        sent = any(e.sent_credentials for e in evidence)
        return kind("manager.refused").finding(
            f"{url} answered {response.status} "
            f"{'with' if sent else 'without'} the manager credentials.",
            evidence=evidence,
        )
    message = said(root)
    blocked_root = remote_blocked(f"at {url}", root)  # a Nexus proxy as the manager URL
    if blocked_root is not None:
        return blocked_root
    if response.status == 404:
        sent = any(e.sent_credentials for e in evidence)
        return kind("manager.index-not-found").finding(
            f"{url} answered 404 {'with' if sent else 'without'} the manager credentials.",
            detail=f"The manager says: {message}" if message else "",
            evidence=evidence,
        )
    if response.status != 200:
        retry = response.header("retry-after")
        nexus = (response.header("server") or "").startswith("Nexus/")
        meaning = _NEXUS_STATUSES.get(response.status, "") if nexus else ""
        summary = f"{url} answered {response.status}{f'; Retry-After: {retry}' if retry else ''}."
        if not meaning:
            return kind("manager.unavailable").finding(summary, evidence=evidence)
        return kind("manager.unavailable").finding(
            summary,
            detail=f"Nexus is up, and this proxy's {meaning}.",
            remediation="Check the proxy's stored username and password for the catalog (or, for "
            "502, that Nexus can reach it); Nexus blocks the proxy after such failures.",
            evidence=evidence,
        )
    parsed = parse_index_root(response.body, response.content_type)
    if isinstance(parsed, NotAnIndex):
        return kind("manager.not-simple").finding(
            f"{url} answered 200, but {parsed.reason}.", evidence=evidence
        )
    return None


def _listed(seen: ManagerEvidence) -> tuple[str, ...]:
    return listed_projects(seen.root) or ()


def _detected(seen: ManagerEvidence) -> list[Finding]:
    info = seen.info
    repository = f", repository {info.repository}" if info.repository else ""
    findings = [
        kind("manager.detected").finding(
            f"{info.label}{repository}; its index lists {len(_listed(seen))} projects.",
            detail=f"Identified by {info.evidence}.",
            evidence=seen.root.exchanges,
        )
    ]
    if not any(e.sent_credentials for e in seen.root.exchanges):
        findings.append(
            kind("manager.anonymous-access").finding(
                f"{info.label} answered its index without credentials: anonymous access is on.",
                detail="pip without credentials gets what the manager's anonymous user may do. "
                "In Artifactory as installed, that is Read everywhere and Deploy/Cache on "
                "remote repositories; in Nexus, the anonymous user's roles.",
                evidence=seen.root.exchanges,
            )
        )
    return findings


def _mixed(seen: ManagerEvidence, catalog: tuple[str, ...] | None) -> list[Finding]:
    """Well-known public projects the manager serves and the catalog does not hold."""
    from packaging.utils import canonicalize_name  # packaging.tags stays out of `asdiag explain`

    if catalog is None:
        return []
    held = {canonicalize_name(n) for n in catalog}
    extra = sorted({canonicalize_name(n) for n in _listed(seen)} - held)
    public: list[str] = [n for n in extra if n in WELL_KNOWN_PUBLIC]
    if seen.public_probe is not None and seen.public_probe[1].status == 200:
        public.append(seen.public_probe[0])
    if not public:
        return []
    own = [n for n in extra if n not in public]
    detail = f"Also not in the catalog, perhaps your own: {', '.join(own)}." if own else ""
    return [
        kind("manager.public-pypi-mixed").finding(
            f"{seen.info.label} serves {', '.join(public)}, which the catalog does not hold.",
            detail=detail,
            evidence=seen.root.exchanges,
        )
    ]


def _fetching(
    seen: ManagerEvidence, catalog_upstreams: list[Upstream], catalog: tuple[str, ...] | None
) -> list[Finding]:
    """Catalog projects through the manager: none came (upstream), some came (Deploy/Cache)."""
    # A Nexus proxy's 502 and 503 (its index answered) are its upstream failing, not load.
    upstream_failed = {502, 503} if seen.info.product == "nexus" else set()
    answered = [
        (name, fetch)
        for name, fetch in seen.pages
        if (fetch.status in upstream_failed or fetch.status not in BUSY_STATUSES)
        and page_problem(fetch, name) is None
    ]
    files = {name: listed_files(fetch) for name, fetch in answered}  # each page parsed once
    served = [name for name, _ in answered if files[name]]
    # A Nexus group answers 200 with an empty page when no member could fetch the project.
    refused = [
        (name, "200, no files" if fetch.status == 200 else str(fetch.status))
        for name, fetch in answered
        if fetch.status in (401, 403, 404, *upstream_failed) or files[name] == 0
    ]
    if catalog is None or not refused:
        return []
    evidence = tuple(e for _, fetch in seen.pages for e in fetch.exchanges)
    what = ", ".join(f"{name} ({status})" for name, status in refused)
    if served and seen.info.product == "artifactory":
        return [
            kind("manager.deploy-cache-missing").finding(
                f"Through {seen.info.label}, {', '.join(served)} came (cached), but {what} did "
                "not, although the catalog lists them.",
                evidence=evidence,
            )
        ]
    if served:
        return []  # Nexus: a negative cache or a routing rule; `asdiag package` tells more
    missing = [u for u in catalog_upstreams if not u.has_credentials]
    if missing:
        detail = f"The remote {missing[0].name} has no credentials stored."
    elif seen.info.product == "nexus":
        detail = "\n".join(
            [
                "The proxy's stored credentials, its URL, or a block after upstream failures "
                "are the usual cause; a Nexus group answers 200 with an empty page when no "
                "member could fetch the project.",
                *_member_lines(seen),
            ]
        )
    else:
        detail = (
            "The remote's stored credentials, or its URL, are the usual cause; in Artifactory, "
            "users without Deploy/Cache see the same for packages nobody installed before."
        )
    return [
        kind("manager.upstream-auth-failed").finding(
            f"None of {what} came through {seen.info.label}, although the catalog lists them.",
            detail=detail,
            evidence=evidence,
        )
    ]


#: What a Nexus proxy's own status says of its upstream (ProxyHandler, 3.38-3.77).
_NEXUS_STATUSES = {
    503: "upstream answered 401, 402, 407 or a server error (Nexus answers 503 for those)",
    502: "upstream could not be reached (Nexus answers 502)",
    404: "upstream answered 403 or 404 for it, or it is not there",
}


def _member_lines(seen: ManagerEvidence) -> list[str]:
    """What each proxy member said when asked directly for a project the group served empty."""
    lines = []
    for member, project, fetch in seen.member_probes:
        status = fetch.status
        message = said(fetch)
        block = blocked(message)
        meaning = block.sentence if block is not None else _NEXUS_STATUSES.get(status or 0, "")
        meaning = f"its {meaning}" if block is None and meaning else meaning
        lines.append(
            f"Asked directly, the proxy {member} answered {status or 'nothing'} for {project}"
            + (f": {meaning}" if meaning else "")
            + (f' ("{message}")' if message and block is None and message != "Not Found" else "")
            + "."
        )
    return lines


def _blocked(seen: ManagerEvidence) -> list[Finding]:
    """A Nexus proxy that stopped asking its upstream, seen through its own answers: the pages
    asked through the manager URL (a proxy) or the members asked directly (behind a group)."""
    answers = [(seen.info.repository, fetch) for _, fetch in seen.pages]
    answers += [(member, fetch) for member, _, fetch in seen.member_probes]
    found = (remote_blocked(repository, fetch) for repository, fetch in answers)
    return [finding for finding in found if finding is not None][:1]


def remote_blocked(which: str, fetch: FetchResult) -> Finding | None:
    """``manager.remote-blocked`` when ``fetch`` is a Nexus proxy's "Remote ... Blocked" 404;
    ``which`` names the proxy ("activestate", "at <url>")."""
    message = said(fetch)
    block = blocked(message)
    if block is None:
        return None
    return kind("manager.remote-blocked").finding(
        f"The Nexus proxy {which} is {block.sentence}: it asks the catalog for nothing, and "
        "uncached packages answer 404.",
        detail=f"Nexus says: {message}",
        evidence=fetch.exchanges,
    )


def _files(seen: ManagerEvidence) -> list[Finding]:
    if seen.file_probe is None:
        return []
    filename, fetch = seen.file_probe
    if fetch.failure is None and fetch.status in (200, 206):
        return []
    problem = fetch_problem(fetch, f"The file {filename} through the manager")
    if problem is not None:
        return [problem]
    message = said(fetch)
    if says_deploy_refused(message):
        return [
            kind("manager.deploy-cache-missing").finding(
                f"{seen.info.label} refused {filename}, which its page lists: the user may read "
                "but not cache from the catalog's remote.",
                detail=f"Artifactory says: {message}",
                evidence=fetch.exchanges,
            )
        ]
    outcome = str(fetch.status)
    return [
        kind("manager.files-unreachable").finding(
            f"{filename}: the page through {seen.info.label} lists it; the download answered "
            f"{outcome}.",
            evidence=fetch.exchanges,
        )
    ]
