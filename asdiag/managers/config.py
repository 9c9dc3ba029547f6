"""A repository manager's configuration, as its REST API gives it to an administrator.

Artifactory (``GET /api/repositories/{key}``, ``/api/v2/security/permissions``) and Nexus
(``GET /service/rest/v1/repositories/pypi/{group|proxy}/{name}``) describe the same things in
different words; this module reads both into one model, purely (``read_config`` is the only
function that makes requests). Field names and units follow ``shared/reference/
repository-managers.md`` sections 1.5, 1.7 and 2.3; fields that vary between versions
(``pyPIRegistryUrl``/``pypiRegistryUrl``) are read in both spellings.
"""

from __future__ import annotations

import json
from collections.abc import Mapping
from dataclasses import dataclass, replace
from typing import TYPE_CHECKING
from urllib.parse import quote

from asdiag.evidence import Exchange, FetchResult
from asdiag.managers import ManagerInfo
from asdiag.managers.permissions import (
    PermissionTarget,
    Principal,
    read_principal,
    read_target,
)

if TYPE_CHECKING:  # httpx stays out of the import of the checks (asdiag explain, --list-checks)
    from asdiag.http import BasicCredentials, HttpClient

JSON = "application/json"
#: What Artifactory shows a non-admin of a repository (reference 1.5, third-party measurement).
PARTIAL_FIELDS = frozenset({"key", "packageType", "description", "rclass", "url", "repositories"})


@dataclass(frozen=True)
class Upstream:
    """A remote (Artifactory) or proxy (Nexus) repository: where it fetches from, and how."""

    name: str
    url: str
    registry_url: str | None = None  # Artifactory's pyPIRegistryUrl
    #: Artifactory's pyPIRepositorySuffix: what it appends to the registry URL (devpi: +simple).
    registry_suffix: str = "simple"
    has_credentials: bool = False
    store_locally: bool | None = None
    available: bool | None = None  # not offline / blacked out / blocked, and online
    metadata_cache_seconds: int | None = None
    missed_cache_seconds: int | None = None
    xray: bool | None = None


@dataclass(frozen=True)
class Access:
    """Artifactory: the manager user's record, the permission targets and the groups' admin
    flags, as read; :func:`asdiag.managers.permissions.decide` judges them."""

    principal: Principal
    targets: tuple[PermissionTarget, ...]
    admin_groups: Mapping[str, bool]
    #: Why the permission targets could not be read ("" when they were).
    unread: str = ""


@dataclass(frozen=True)
class ManagerConfig:
    """The repository the manager URL names, its members and their upstreams."""

    repository: str
    kind: str  # "remote", "virtual", "local" (Artifactory); "proxy", "group", "hosted" (Nexus)
    members: tuple[str, ...] = ()
    upstreams: tuple[Upstream, ...] = ()
    #: Artifactory: what decides the manager user's permissions (``None``: no user given).
    access: Access | None = None


@dataclass(frozen=True)
class ConfigRead:
    """The configuration, or why it could not be read; and the requests made."""

    config: ManagerConfig | None
    problem: str = ""
    exchanges: tuple[Exchange, ...] = ()
    #: The request that got no usable answer (a failure on the network, a refusal from another
    #: origin), and what it asked for: the check reports it as that failure, not as a refusal.
    failed: tuple[str, FetchResult] | None = None


def json_body(fetched: FetchResult) -> object | None:
    response = fetched.response
    if response is None or response.status != 200:
        return None
    try:
        value: object = json.loads(response.body)
    except (ValueError, UnicodeDecodeError, RecursionError):
        return None
    return value


def _int(value: object) -> int | None:
    return value if isinstance(value, int) and not isinstance(value, bool) else None


def _bool(value: object) -> bool | None:
    return value if isinstance(value, bool) else None


def table(data: Mapping[str, object], key: str) -> Mapping[str, object]:
    """``data[key]`` when it is a JSON object, else an empty one: a field a version omits."""
    value = data.get(key)
    return value if isinstance(value, dict) else {}


def members(value: object) -> tuple[str, ...]:
    """The repository names of a virtual repository's or a group's member list."""
    return tuple(str(m) for m in value) if isinstance(value, list) else ()


def repository_class(data: Mapping[str, object]) -> str:
    """``remote``, ``virtual`` or ``local``: ``rclass`` in API v1, ``type`` in v2 (reference
    1.5), upper-case in listings."""
    return str(data.get("rclass", data.get("type", ""))).lower()


def artifactory_upstream(data: Mapping[str, object]) -> Upstream:
    registry = data.get("pyPIRegistryUrl", data.get("pypiRegistryUrl"))
    suffix = data.get("pyPIRepositorySuffix", data.get("pypiRepositorySuffix"))
    offline, blacked = data.get("offline"), data.get("blackedOut")
    return Upstream(
        name=str(data.get("key", "")),
        url=str(data.get("url", "")),
        registry_url=str(registry) if isinstance(registry, str) and registry else None,
        registry_suffix=suffix.strip("/") if isinstance(suffix, str) else "simple",
        has_credentials=bool(data.get("username")),
        store_locally=_bool(data.get("storeArtifactsLocally")),
        available=None if offline is None and blacked is None else not (offline or blacked),
        metadata_cache_seconds=_int(data.get("retrievalCachePeriodSecs")),
        missed_cache_seconds=_int(data.get("missedRetrievalCachePeriodSecs")),
        xray=_bool(data.get("xrayIndex")),
    )


def nexus_upstream(data: Mapping[str, object]) -> Upstream:
    proxy, client = table(data, "proxy"), table(data, "httpClient")
    negative = table(data, "negativeCache")
    auth = client.get("authentication")
    metadata = _int(proxy.get("metadataMaxAge"))
    negative_ttl = _int(negative.get("timeToLive")) if negative.get("enabled") else 0
    blocked = bool(client.get("blocked"))
    online = data.get("online")
    return Upstream(
        name=str(data.get("name", "")),
        url=str(proxy.get("remoteUrl", "")),
        # ``null``: none; a username, or (Nexus 3.x with bearer tokens) no username at all.
        has_credentials=isinstance(auth, dict)
        and (bool(auth.get("username")) or auth.get("type") == "bearerToken"),
        store_locally=True,  # Nexus proxies always cache
        available=(online is not False) and not blocked,
        metadata_cache_seconds=metadata * 60 if metadata is not None else None,
        missed_cache_seconds=negative_ttl * 60 if negative_ttl is not None else None,
    )


def read_config(
    info: ManagerInfo,
    client: HttpClient,
    admin: BasicCredentials,
    manager_user: str | None,
) -> ConfigRead:
    """Read the configuration of the repository ``info`` names, as ``admin``."""
    before = len(client.exchanges)
    if info.product == "artifactory":
        outcome = _read_artifactory(AdminApi(info.api_root, client, admin), info, manager_user)
    elif info.product == "nexus":
        outcome = _read_nexus(AdminApi(info.api_root, client, admin), info)
    else:
        outcome = ConfigRead(None, "the manager is neither Artifactory nor Nexus")
    exchanges = client.exchanges[before:]
    return replace(outcome, exchanges=exchanges)


def _refusal(fetched: FetchResult, what: str) -> ConfigRead:
    """No configuration: why, and the request to report when it got no usable answer."""
    status = fetched.status
    if fetched.failure is not None or fetched.refused_elsewhere:
        return ConfigRead(
            None, f"the admin API gave no usable answer for {what}", failed=(what, fetched)
        )
    if status in (401, 403):
        return ConfigRead(
            None, f"the admin API answered {status} for {what}: the user is not an administrator"
        )
    if status == 404:
        return ConfigRead(
            None,
            f"the admin API answered 404 for {what}: no such repository under that name and "
            "type, or the user is not an administrator (Nexus answers both with 404)",
        )
    return ConfigRead(None, f"the admin API answered {status} for {what}")


@dataclass(frozen=True)
class AdminApi:
    """One manager's REST API, asked for JSON as an administrator."""

    root: str  # ``https://host/artifactory`` or ``https://host`` (ManagerInfo.api_root)
    client: HttpClient
    admin: BasicCredentials

    def get(self, path: str, probe: str) -> FetchResult:
        return self.client.get(
            f"{self.root}{path}", probe=probe, credentials=self.admin, accept=JSON
        )


def _read_artifactory(api: AdminApi, info: ManagerInfo, manager_user: str | None) -> ConfigRead:
    get = api.get
    top = get(f"/api/repositories/{info.repository}", "admin: repository")
    data = json_body(top)
    if not isinstance(data, dict):
        return _refusal(top, f"repository {info.repository}")
    kind = repository_class(data)
    if not set(data) - PARTIAL_FIELDS:
        return ConfigRead(
            None, "the API gave only the partial configuration it gives non-administrators"
        )
    names = members(data.get("repositories")) if kind == "virtual" else ()
    upstreams = []
    for name in names or (info.repository,):
        if name == info.repository:
            member: object = data
        else:
            fetched = get(f"/api/repositories/{name}", f"admin: {name}")
            if fetched.failure is not None:  # an audit must not rest on a broken answer
                return _refusal(fetched, f"repository {name}")
            member = json_body(fetched)
        if isinstance(member, dict) and repository_class(member) == "remote":
            upstreams.append(artifactory_upstream(member))
    return ConfigRead(
        ManagerConfig(
            info.repository,
            kind,
            names,
            tuple(upstreams),
            artifactory_access(api, manager_user) if manager_user else None,
        )
    )


def artifactory_access(api: AdminApi, user: str) -> Access:
    """The manager user's record and groups, and every permission target (v2 API)."""
    get = api.get
    record = get(f"/api/security/users/{user}", f"admin: user {user}")
    unread = (
        ""
        if record.status == 200
        else _unread(record, "the user's record", "a user from an external realm, or no such user")
    )
    principal = read_principal(user, json_body(record), unread)
    admin_groups: dict[str, bool] = {}
    for group in principal.groups or ():
        data = json_body(get(f"/api/security/groups/{group}", f"admin: group {group}"))
        if isinstance(data, dict) and isinstance(data.get("adminPrivileges"), bool):
            admin_groups[group] = bool(data["adminPrivileges"])
    if principal.admin:
        return Access(principal, (), admin_groups)
    listing_fetch = get("/api/v2/security/permissions", "admin: permissions")
    listing = json_body(listing_fetch)
    if not isinstance(listing, list):
        why = _unread(
            listing_fetch,
            "the permission targets",
            "this Artifactory has no v2 permissions API; a JFrog Platform keeps its own at "
            "/access/api/v2/permissions, which asdiag does not read yet",
        )
        return Access(principal, (), admin_groups, why)
    targets = []
    for item in listing:
        name = item.get("name") if isinstance(item, dict) else None
        if not isinstance(name, str):
            continue
        data = json_body(
            get(f"/api/v2/security/permissions/{quote(name)}", f"admin: permission {name}")
        )
        target = read_target(data) if isinstance(data, dict) else None
        if target is not None:
            targets.append(target)
    return Access(principal, tuple(targets), admin_groups)


def _unread(fetched: FetchResult, what: str, missing: str) -> str:
    """Why an admin API answer could not be read, in words; ``missing``: what a 404 means."""
    if fetched.status is None:
        return f"{what}: no answer"
    if fetched.status == 404:
        return f"{what}: 404 ({missing})"
    return f"{what}: {fetched.status}"


def _read_nexus(api: AdminApi, info: ManagerInfo) -> ConfigRead:
    def get(kind: str, name: str) -> FetchResult:
        return api.get(f"/service/rest/v1/repositories/pypi/{kind}/{name}", f"admin: {kind} {name}")

    first = get("group", info.repository)
    data = json_body(first)
    if isinstance(data, dict):
        names = members(table(data, "group").get("memberNames"))
        upstreams = []
        for name in names:
            fetched = get("proxy", name)
            if (
                fetched.failure is not None
            ):  # a hosted member answers 404 here; a failure is not that
                return _refusal(fetched, f"repository {name}")
            member = json_body(fetched)
            if isinstance(member, dict):
                upstreams.append(nexus_upstream(member))
        return ConfigRead(ManagerConfig(info.repository, "group", names, tuple(upstreams)))
    proxy_fetch = get("proxy", info.repository)
    proxy = json_body(proxy_fetch)
    if isinstance(proxy, dict):
        return ConfigRead(ManagerConfig(info.repository, "proxy", (), (nexus_upstream(proxy),)))
    if first.failure is not None or first.status in (401, 403) or proxy_fetch.status in (401, 403):
        return _refusal(first, f"repository {info.repository}")
    return _refusal(proxy_fetch, f"repository {info.repository}")
