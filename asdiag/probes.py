"""Gather the evidence the checks read: the fewest requests that answer the question.

In order, each step only when the previous one leaves something to learn: a DNS lookup (not
when a proxy resolves names), an anonymous GET of ``<base>/simple/``, and, when that was
refused and a password is known, the same GET with credentials. Two requests in the common
case; a 429 or a 5xx stops the probing, so asdiag never adds load to a struggling server.
When a server whose index lives elsewhere (devpi: ``+simple/``) answers 404, the same pair is
asked once at its own index path.
"""

from __future__ import annotations

from dataclasses import replace

from asdiag.checks.base import Evidence, ManagerEvidence, Relocation
from asdiag.evidence import BUSY_STATUSES, FetchResult, ProxyChoice
from asdiag.http import BasicCredentials, HttpClient, HttpOptions, resolve_host
from asdiag.managers import WELL_KNOWN_PUBLIC, ManagerInfo, detect
from asdiag.managers.config import ConfigRead, read_config
from asdiag.servers import Server, identify
from asdiag.simple_api import ProjectPage, listed_files, listed_projects, parse_project_page
from asdiag.urls import CatalogUrl


def gather(
    url: CatalogUrl,
    credentials: BasicCredentials | None,
    client: HttpClient,
    options: HttpOptions,
    proxy: ProxyChoice,
) -> Evidence:
    """Run the probes against ``url``; never raises for what the network does."""
    dns = None
    if proxy.url is None:
        limit = options.deadline.left(options.timeout) if options.deadline else options.timeout
        dns = resolve_host(url.host, url.port, limit)
        if dns.error:
            return Evidence(dns=dns)
    ca_bundle = (
        (options.ca_bundle.path, options.ca_bundle.source) if url.scheme == "https" else None
    )
    evidence = replace(_ask(url, credentials, client), dns=dns, ca_bundle=ca_bundle)
    first = evidence.last
    server = evidence.server
    own = server.own_segment_after(first.status, url.index_segment) if server and first else None
    if first is None or server is None or own is None:
        return evidence
    moved = url.at_segment(own)
    again = _ask(moved, credentials, client)
    # Any answer there but 404 (devpi's 403 to anonymous with a read ACL) shows the index is
    # there; what it then says with credentials is for the auth check to judge.
    if any(f.response is not None and f.status != 404 for f in again.fetches):
        relocation = Relocation(server, first, moved.simple_url, found=True)
        return replace(again, dns=dns, ca_bundle=ca_bundle, relocation=relocation)
    relocation = Relocation(server, first, moved.simple_url, found=False, miss=again.last)
    return replace(evidence, relocation=relocation)


def _ask(url: CatalogUrl, credentials: BasicCredentials | None, client: HttpClient) -> Evidence:
    """The anonymous GET of the index root and, when it was refused, the authenticated one."""
    anonymous = client.get(url.simple_url, probe="anonymous")
    evidence = Evidence(anonymous=anonymous, url=url, server=_server(url, anonymous))
    status = anonymous.status
    settled = anonymous.failure is not None or (
        anonymous.response is not None and anonymous.response.truncated
    )
    if settled or status is None or status == 200 or status in BUSY_STATUSES or credentials is None:
        return evidence
    authenticated = client.get(url.simple_url, probe="authenticated", credentials=credentials)
    server = _server(url, authenticated) or evidence.server
    return replace(evidence, authenticated=authenticated, server=server)


def _server(url: CatalogUrl, fetched: FetchResult) -> Server | None:
    """The server named by the answer's first exchange (the catalog's own host, before any
    redirect); ``None`` when nothing answered."""
    if not fetched.exchanges or fetched.exchanges[0].status is None:
        return None
    return identify(url.simple_url, dict(fetched.exchanges[0].headers))


# --- through the repository manager ---------------------------------------------------------------

#: How many of the catalog's projects are asked for through the manager: enough to see some
#: cached and some not, few enough to stay far from any rate limit.
MANAGER_SAMPLE = 4


def gather_manager(
    url: str,
    credentials: BasicCredentials | None,
    catalog_projects: tuple[str, ...] | None,
    client: HttpClient,
    admin: BasicCredentials | None,
) -> ManagerEvidence:
    """Ask the manager for its index, a few of the catalog's projects, one of their files and,
    with admin credentials, its configuration; never raises for what the network does."""
    from packaging.utils import canonicalize_name

    root = client.get(url, probe="manager root", credentials=credentials)
    headers = dict(root.response.headers) if root.response is not None else {}
    info = detect(url, headers)
    if root.status != 200:
        return ManagerEvidence(url, root, info)
    listed = listed_projects(root)
    sample = [n for n in dict.fromkeys(map(canonicalize_name, catalog_projects or ())) if n]
    pages = tuple(
        (name, client.get(f"{url}{name}/", probe=f"manager page {name}", credentials=credentials))
        for name in sample[:MANAGER_SAMPLE]
    )
    public_probe = None
    if listed is None and catalog_projects is not None:
        held = {canonicalize_name(n) for n in catalog_projects}
        sentinel = next((n for n in WELL_KNOWN_PUBLIC if n not in held), None)
        if sentinel is not None:
            public_probe = (
                sentinel,
                client.get(
                    f"{url}{sentinel}/", probe="manager public probe", credentials=credentials
                ),
            )
    file_probe = _file_probe(pages, client, credentials)
    config = (
        read_config(info, client, admin, credentials.username if credentials else None)
        if admin is not None
        else None
    )
    members = _member_probes(info, pages, config, client, credentials)
    return ManagerEvidence(url, root, info, pages, public_probe, file_probe, config, members)


def _member_probes(
    info: ManagerInfo,
    pages: tuple[tuple[str, FetchResult], ...],
    config: ConfigRead | None,
    client: HttpClient,
    credentials: BasicCredentials | None,
) -> tuple[tuple[str, str, FetchResult], ...]:
    """Nexus: the first project its group served as an empty page, asked of each proxy member
    (known from the configuration), whose own answer says why (503, "Remote Auto Blocked")."""
    group = config.config if config is not None else None
    if info.product != "nexus" or group is None or group.kind != "group":
        return ()
    empty = next((name for name, fetched in pages if listed_files(fetched) == 0), None)
    if empty is None:
        return ()
    return tuple(
        (
            upstream.name,
            empty,
            client.get(
                f"{info.api_root}/repository/{upstream.name}/simple/{empty}/",
                probe=f"manager member {upstream.name} page {empty}",
                credentials=credentials,
            ),
        )
        for upstream in group.upstreams
    )


def _file_probe(
    pages: tuple[tuple[str, FetchResult], ...],
    client: HttpClient,
    credentials: BasicCredentials | None,
) -> tuple[str, FetchResult] | None:
    """GET the first byte of the first file of the first page the manager served."""
    for _, fetched in pages:
        response = fetched.response
        if response is None or response.status != 200 or not fetched.exchanges:
            continue
        page = parse_project_page(
            response.body, response.content_type, fetched.final_url, response.charset
        )
        if isinstance(page, ProjectPage) and page.files:
            dist = page.files[0]
            probe = client.get(
                dist.url,
                probe=f"manager file {dist.filename}",
                credentials=credentials,
                byte_range=True,
            )
            return (dist.filename, probe)
    return None
