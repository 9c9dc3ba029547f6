"""``asdiag manager``: audit the manager's PyPI repositories with an administrator's credentials.

The rules are pure functions of the configuration (``config.py`` reads it into one model for
Artifactory and Nexus) and the catalog's base URL; ``check`` applies the same rules to the one
repository its manager URL names, ``asdiag manager`` to every PyPI repository the manager has.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from typing import TYPE_CHECKING
from urllib.parse import urlsplit

from asdiag.evidence import Exchange, FetchResult
from asdiag.findings import Finding
from asdiag.managers import ManagerInfo
from asdiag.managers.config import (
    PARTIAL_FIELDS,
    Access,
    AdminApi,
    ManagerConfig,
    Upstream,
    artifactory_access,
    artifactory_upstream,
    json_body,
    members,
    nexus_upstream,
    repository_class,
    table,
)
from asdiag.managers.permissions import Decision, decide, grant_lines, where_to_grant
from asdiag.registry import kind
from asdiag.urls import index_location, is_catalog_url, is_public_url

if TYPE_CHECKING:
    from asdiag.http import BasicCredentials, HttpClient

#: A negative cache longer than this delays a newly added package noticeably (seconds).
NEGATIVE_CACHE_NOTICE = 3600


def is_catalog(upstream: Upstream, catalog_base: str | None) -> bool:
    return is_catalog_url(upstream.url, catalog_base)


def is_public(upstream: Upstream) -> bool:
    return any(is_public_url(url) for url in (upstream.url, upstream.registry_url or "") if url)


def _path(url: str) -> str:
    """The path of a URL a manager's configuration holds; "" when it does not parse."""
    try:
        return urlsplit(url).path
    except ValueError:
        return ""


def remote_findings(upstream: Upstream, product: str) -> list[Finding]:
    """What is wrong with one remote/proxy repository that points at the catalog."""
    name = upstream.name
    findings = []
    if _path(upstream.url).rstrip("/").endswith(("/simple", "/+simple")):
        findings.append(
            kind("manager.remote-url-simple-suffix").finding(
                f"{name}: the URL {upstream.url} ends in /simple."
            )
        )
    registry = upstream.registry_url or ""
    suffix = upstream.registry_suffix
    # Artifactory asks <Registry URL>/<suffix>/: a suffix already in the URL doubles it.
    if product == "artifactory" and suffix and _path(registry).rstrip("/").endswith(f"/{suffix}"):
        findings.append(
            kind("manager.remote-url-simple-suffix").finding(
                f"{name}: the Registry URL {registry} ends in /{suffix}, and Artifactory "
                f"appends the PyPI repository suffix {suffix!r}: it asks "
                f"{registry.rstrip('/')}/{suffix}/."
            )
        )
    if product == "artifactory" and (
        upstream.registry_url is None
        or index_location(upstream.registry_url) != index_location(upstream.url)
    ):
        findings.append(
            kind("manager.registry-url-missing").finding(
                f"{name}: Registry URL is {upstream.registry_url or '(not set)'}, URL is "
                f"{upstream.url}."
            )
        )
    if not upstream.has_credentials:
        findings.append(
            kind("manager.remote-credentials-missing").finding(f"{name}: no username is set.")
        )
    if upstream.available is False:
        findings.append(
            kind("manager.remote-offline").finding(f"{name} is offline, blacked out or blocked.")
        )
    if upstream.store_locally is False:
        findings.append(
            kind("manager.caching-disabled").finding(
                f"The remote {name} has storeArtifactsLocally off: nothing from the catalog is "
                "kept."
            )
        )
    if upstream.metadata_cache_seconds == 0:
        findings.append(
            kind("manager.metadata-cache-off").finding(
                f"{name}: index pages are cached for 0 seconds."
            )
        )
    if upstream.xray:
        findings.append(kind("manager.xray-enabled").finding(f"{name}: xrayIndex is on."))
    missed = upstream.missed_cache_seconds
    if missed is not None and missed > NEGATIVE_CACHE_NOTICE:
        findings.append(
            kind("manager.negative-cache-long").finding(
                f"{name} remembers a 404 for {missed // 60} minutes."
            )
        )
    return findings


def mixing_findings(
    repository: str, kind_name: str, upstreams: Sequence[Upstream], catalog_base: str | None
) -> list[Finding]:
    """A virtual/group repository with the catalog and another remote (public PyPI above all)."""
    catalog = [u for u in upstreams if is_catalog(u, catalog_base)]
    others = [u for u in upstreams if not is_catalog(u, catalog_base)]
    if not catalog or not others:
        return []
    lines = [
        f"{u.name}: {u.url} ({'public PyPI' if is_public(u) else 'another upstream'})"
        for u in others
    ]
    return [
        kind("manager.public-pypi-mixed").finding(
            f"The {kind_name} repository {repository} has the remote "
            f"{', '.join(u.name for u in others)} beside the catalog's "
            f"{', '.join(u.name for u in catalog)}.",
            detail="\n".join(lines),
        )
    ]


def permission_findings(access: Access, catalog_remotes: Sequence[Upstream]) -> list[Finding]:
    """Artifactory: Read alone serves only the cache; fetching new packages needs Deploy/Cache,
    granted to the user, to one of its groups, or by being an administrator."""
    findings = []
    user = access.principal.name
    for upstream in catalog_remotes:
        if access.unread:
            decision = Decision(upstream.name, user, None, undecided=access.unread)
        else:
            decision = decide(
                access.principal, access.targets, upstream.name, "remote", access.admin_groups
            )
        lines = grant_lines(decision)
        if decision.may_cache is False:
            held = "/".join(decision.actions) or "no permission"
            findings.append(
                kind("manager.deploy-cache-missing").finding(
                    f"The user {user!r} has {held} on {upstream.name}, not Deploy/Cache.",
                    detail="\n".join(["Granted by:", *lines] if lines else [_no_grant(access)]),
                    remediation=_deploy_cache_fix(access, upstream.name),
                )
            )
        elif decision.may_cache is None:
            findings.append(
                kind("manager.permissions-undecided").finding(
                    f"Whether {user!r} may cache from {upstream.name} could not be decided: "
                    f"{decision.undecided}.",
                    detail="\n".join(["Granted by:", *lines]) if lines else "",
                )
            )
    return findings


def _no_grant(access: Access) -> str:
    groups = access.principal.groups or ()
    member = f"a member of {', '.join(groups)}" if groups else "in no group"
    return f"No permission target names the user or its groups for it (the user is {member})."


def _deploy_cache_fix(access: Access, remote: str) -> str:
    """Which box to tick, on which target, for which group or user."""
    target, who = where_to_grant(access.principal, access.targets, remote, "remote")
    if target is not None:
        return (
            f"In Administration > Permissions, open {target} and give {who} Read and "
            f"Deploy/Cache (it covers {remote})."
        )
    return (
        f"Add {remote} to a permission target (or edit Any Remote) and give {who} Read and "
        "Deploy/Cache."
    )


def config_findings(config: ManagerConfig, product: str, catalog_base: str | None) -> list[Finding]:
    """Every rule, for the repository one manager URL names (used by ``check``)."""
    catalog = [u for u in config.upstreams if is_catalog(u, catalog_base)]
    findings = mixing_findings(config.repository, config.kind, config.upstreams, catalog_base)
    for upstream in catalog:
        findings += remote_findings(upstream, product)
    if config.access is not None and product == "artifactory":
        findings += permission_findings(config.access, catalog)
    return findings


# --- the whole manager -------------------------------------------------------------------------


@dataclass(frozen=True)
class Audit:
    findings: tuple[Finding, ...]
    requests: tuple[Exchange, ...]


def audit(
    info: ManagerInfo,
    client: HttpClient,
    admin: BasicCredentials,
    catalog_base: str | None,
    user: str | None,
) -> Audit:
    """Audit every PyPI repository of the manager ``info`` describes."""
    api = AdminApi(info.api_root, client, admin)
    if info.product == "artifactory":
        findings = _audit_artifactory(api, catalog_base, user)
    elif info.product == "nexus":
        findings = _audit_nexus(api, catalog_base)
    else:
        findings = [
            kind("manager.admin-api-forbidden").finding(
                "The manager is neither Artifactory nor Nexus: no configuration API to read."
            )
        ]
    if not any(f.is_problem or f.id == "manager.admin-api-forbidden" for f in findings):
        findings.insert(0, kind("manager.audit-ok").finding(f"{info.label}: nothing to change."))
    return Audit(tuple(findings), client.exchanges)


def _forbidden(fetched: FetchResult, what: str) -> Finding:
    """Why the configuration API gave no usable answer: a failed request, or its refusal."""
    from asdiag.checks.transport import fetch_problem

    problem = fetch_problem(fetched, f"The configuration API, for {what}")
    if problem is not None:
        return problem
    return kind("manager.admin-api-forbidden").finding(
        f"The configuration API answered {fetched.status} for {what}."
    )


def _unreadable(fetched: FetchResult, what: str, *, hides_with_404: bool = False) -> Finding:
    """One repository's configuration that could not be read: the audit goes on without it.

    ``hides_with_404``: Nexus answers 404 for a repository the listing just named when the
    caller lacks its repository-admin read privilege (the same 404 as an unknown name)."""
    from asdiag.checks.transport import fetch_problem

    problem = fetch_problem(fetched, f"The configuration API, for {what}")
    if problem is not None:
        return problem
    if fetched.status in (401, 403):
        return kind("manager.admin-api-forbidden").finding(
            f"The configuration API answered {fetched.status} for {what}."
        )
    if fetched.status == 404 and hides_with_404:
        return kind("manager.admin-api-forbidden").finding(
            f"The configuration API answered 404 for {what}, which its own listing names: "
            "Nexus hides a repository's configuration from users without its repository-admin "
            "read privilege."
        )
    return kind("manager.repository-unreadable").finding(
        f"The configuration API answered {fetched.status} for {what}; the other repositories "
        "were audited without it."
    )


def _audit_artifactory(api: AdminApi, catalog_base: str | None, user: str | None) -> list[Finding]:
    listing_fetch = api.get("/api/repositories?packageType=pypi", "admin: repositories")
    listing = json_body(listing_fetch)
    if not isinstance(listing, list):
        return [_forbidden(listing_fetch, "the repository list")]
    configs: dict[str, dict[str, object]] = {}
    unreadable: list[Finding] = []
    for row in listing:
        key = row.get("key") if isinstance(row, dict) else None
        if not isinstance(key, str):
            continue
        fetched = api.get(f"/api/repositories/{key}", f"admin: {key}")
        data = json_body(fetched)
        if not isinstance(data, dict):
            unreadable.append(_unreadable(fetched, f"the repository {key}"))
            continue
        if not set(data) - PARTIAL_FIELDS:
            unreadable.append(
                kind("manager.admin-api-forbidden").finding(
                    f"The configuration API gave only the partial view of {key} that "
                    "non-administrators get."
                )
            )
            continue
        configs[key] = data
    remotes = {
        key: artifactory_upstream(data)
        for key, data in configs.items()
        if repository_class(data) == "remote"
    }
    return _audit_common(
        remotes,
        {
            key: members(data.get("repositories"))
            for key, data in configs.items()
            if repository_class(data) == "virtual"
        },
        "virtual",
        "artifactory",
        catalog_base,
        artifactory_access(api, user) if user else None,
        unreadable,
    )


def _audit_nexus(api: AdminApi, catalog_base: str | None) -> list[Finding]:
    listing_fetch = api.get("/service/rest/v1/repositories", "admin: repositories")
    listing = json_body(listing_fetch)
    if not isinstance(listing, list):
        return [_forbidden(listing_fetch, "the repository list")]
    proxies: dict[str, Upstream] = {}
    groups: dict[str, tuple[str, ...]] = {}
    unreadable: list[Finding] = []
    for row in listing:
        if not isinstance(row, dict) or row.get("format") != "pypi":
            continue
        name, repo_type = str(row.get("name")), str(row.get("type"))
        if repo_type not in ("proxy", "group"):
            continue
        fetched = api.get(
            f"/service/rest/v1/repositories/pypi/{repo_type}/{name}", f"admin: {name}"
        )
        data = json_body(fetched)
        if not isinstance(data, dict):
            what = f"the {repo_type} repository {name}"
            unreadable.append(_unreadable(fetched, what, hides_with_404=True))
            continue
        if repo_type == "proxy":
            proxies[name] = nexus_upstream(data)
        else:
            groups[name] = members(table(data, "group").get("memberNames"))
    return _audit_common(proxies, groups, "group", "nexus", catalog_base, None, unreadable)


def _audit_common(
    remotes: Mapping[str, Upstream],
    aggregates: Mapping[str, tuple[str, ...]],
    aggregate_kind: str,
    product: str,
    catalog_base: str | None,
    access: Access | None,
    unreadable: Sequence[Finding] = (),
) -> list[Finding]:
    """The rules over every repository read; those that could not be read are reported on
    their own, and "no remote points at the catalog" is not claimed while any is unread."""
    if (
        unreadable
        and len(unreadable) == len(remotes) + len(unreadable)
        and all(f.id == "manager.admin-api-forbidden" for f in unreadable)
    ):
        return [unreadable[0]]  # not an administrator: one finding says it
    catalog = [u for u in remotes.values() if is_catalog(u, catalog_base)]
    if not catalog and unreadable:
        return list(unreadable)
    if not catalog:
        return [
            kind("manager.no-catalog-remote").finding(
                f"None of the {len(remotes)} PyPI remote/proxy repositories points at the catalog.",
                detail="\n".join(f"{u.name}: {u.url}" for u in remotes.values()),
            )
        ]
    findings: list[Finding] = list(unreadable)
    for upstream in catalog:
        findings += remote_findings(upstream, product)
    for name, names in aggregates.items():
        upstreams = [remotes[m] for m in names if m in remotes]
        findings += mixing_findings(name, aggregate_kind, upstreams, catalog_base)
    if access is not None:
        findings += permission_findings(access, catalog)
    return findings
