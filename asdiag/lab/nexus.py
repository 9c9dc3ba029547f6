"""A simulated Sonatype Nexus Repository 3 with a PyPI proxy for the catalog and a group.

Facts followed (``shared/reference/repository-managers.md`` section 2, and the answers in
``tests/data/nexus/``): ``Server: Nexus/<version> (COMMUNITY)`` and ``X-Content-Type-Options:
nosniff`` on every answer; ``BASIC realm="Sonatype Nexus Repository Manager"`` challenges; PyPI at
``/repository/<name>/simple/``; project pages re-rendered ("Links for <name>", ``api-version``
meta 2, ``rel="internal"``, only ``data-requires-python`` kept) with links rewritten to
``../../packages/<name>/<version>/<file>``; a download is resolved back through the cached project
index (the "hash lookup": find the link whose file name matches, fetch its original href
upstream; no match is a 404 and a ``Failed to resolve package`` log line); groups merge members by
file name, first member wins, members that fail are skipped; the status and repository REST
APIs, with the format-specific configuration for admins only (anyone else, like an unknown name
or the wrong type, gets the JSON 404 "Repository not found"); ``authentication`` is ``null``
for a proxy without credentials.
"""

from __future__ import annotations

import html
import threading
from collections.abc import Callable
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta

from asdiag.lab.manager import Outcome, ProxyRepo, User, authenticate, merge, version_of
from asdiag.lab.pages import Link, root_html
from asdiag.lab.upstream import Upstream
from asdiag.lab.web import App, Reply, Request, json_reply, text

VERSION = "3.77.1-01"
#: Community builds say COMMUNITY from 3.77 on (tests/data/nexus/server-header-forms.json).
IDENTITY = (
    ("Server", f"Nexus/{VERSION} (COMMUNITY)"),
    ("X-Content-Type-Options", "nosniff"),
)
REALM = "Sonatype Nexus Repository Manager"
ADMIN = User("admin", "lab-nexus-Admin-5Tq", admin=True)
DEVELOPER = User("developer", "lab-nexus-Dev-2Wr")
CATALOG_PROXY = "activestate"
PUBLIC_PROXY = "pypi-proxy"
GROUP = "pypi-group"


@dataclass(frozen=True)
class ProxyConfig:
    name: str
    remote_url: str  # with a trailing slash, as Nexus advises
    username: str
    password: str
    #: What the configuration API reports beyond the URL (a test may misconfigure them).
    online: bool = True
    blocked: bool = False
    metadata_max_age_minutes: int = 1440
    #: The remote cannot be reached at all (a test's fault): 502, then an auto-block.
    unreachable: bool = False


class Nexus:
    def __init__(
        self,
        dispatch: App,
        proxies: tuple[ProxyConfig, ...],
        group_members: tuple[str, ...],
        *,
        base_url: str,
        hash_lookup_broken: bool = False,
    ) -> None:
        self.base_url = base_url  # this Nexus's own address, for the URLs its APIs return
        self.configs = {p.name: p for p in proxies}
        self.proxies = {
            p.name: ProxyRepo(
                p.name, p.remote_url + "simple/", Upstream(dispatch, p.username, p.password)
            )
            for p in proxies
        }
        self.group_members = group_members
        self.hash_lookup_broken = hash_lookup_broken
        self.log: list[str] = []  # nexus.log lines the lab writes
        self._lock = threading.Lock()
        #: Each proxy's auto-block: when it ends, and the next step of its duration.
        self._blocked: dict[str, tuple[datetime, int]] = {}

    def __call__(self, request: Request) -> Reply:
        return self._answer(request).with_headers(*IDENTITY)

    def _answer(self, request: Request) -> Reply:
        path = request.path
        if path in ("/service/rest/v1/status", "/service/rest/v1/status/writable"):
            return Reply(200)
        user = authenticate(request, (ADMIN, DEVELOPER))
        if not isinstance(user, User):
            return text(401, "Unauthorized", ("WWW-Authenticate", f'BASIC realm="{REALM}"'))
        parts = path.strip("/").split("/")
        if parts[:4] == ["service", "rest", "v1", "repositories"]:
            return self._repositories(user, parts[4:])
        if parts[0] == "repository" and len(parts) >= 3 and parts[1] in self._names():
            # Keep the trailing slash as an empty last segment: the root needs it.
            return self._pypi(parts[1], path.split("/")[3:])
        return text(404, "Not Found")

    def _names(self) -> tuple[str, ...]:
        return (*self.proxies, GROUP)

    # --- REST ----------------------------------------------------------------------------------

    def _short(self, name: str) -> dict[str, object]:
        short: dict[str, object] = {
            "name": name,
            "format": "pypi",
            "type": "group" if name == GROUP else "proxy",
            "url": f"{self.base_url}/repository/{name}",
            "attributes": {},
        }
        if name in self.configs:
            short["attributes"] = {"proxy": {"remoteUrl": self.configs[name].remote_url}}
        return short

    def _full(self, name: str) -> dict[str, object]:
        full = self._short(name) | {
            "online": self.configs[name].online if name in self.configs else True,
            "storage": {"blobStoreName": "default", "strictContentTypeValidation": True},
        }
        if name == GROUP:
            return full | {"group": {"memberNames": list(self.group_members)}}
        config = self.configs[name]
        return full | {
            "cleanup": None,
            "proxy": {
                "remoteUrl": config.remote_url,
                "contentMaxAge": 1440,
                "metadataMaxAge": config.metadata_max_age_minutes,
            },
            "negativeCache": {"enabled": True, "timeToLive": 1440},
            "httpClient": {
                "blocked": config.blocked,
                "autoBlock": True,
                "connection": {
                    "retries": None,
                    "userAgentSuffix": None,
                    "timeout": None,
                    "enableCircularRedirects": False,
                    "enableCookies": False,
                },
                # What a GET shows: the type and the username (the password is write-only);
                # null when the proxy has no credentials.
                "authentication": {
                    "type": "username",
                    "username": config.username,
                    "ntlmHost": None,
                    "ntlmDomain": None,
                }
                if config.username
                else None,
            },
            "routingRuleName": None,
        }

    def _repositories(self, user: User, rest: list[str]) -> Reply:
        if not rest:
            return json_reply(200, [self._short(n) for n in self._names()])
        if len(rest) == 1 and rest[0] in self._names():
            return json_reply(200, self._short(rest[0]))
        if len(rest) == 3 and rest[0] == "pypi" and rest[2] in self._names():
            kind = "group" if rest[2] == GROUP else "proxy"
            # Another type than the path names, and a caller without repository-admin read,
            # get the same JSON 404 as an unknown name (3.49+).
            if rest[1] == kind and user.admin:
                return json_reply(200, self._full(rest[2]))
        return json_reply(404, {"id": "*", "message": '"Repository not found"'})

    # --- PyPI ----------------------------------------------------------------------------------

    def _members(self, name: str) -> tuple[str, ...]:
        return self.group_members if name == GROUP else (name,)

    def _pypi(self, repo: str, rest: list[str]) -> Reply:
        members = self._members(repo)
        if rest == ["simple", ""]:
            # A group lists what its members list (empty when none answers); a proxy's root
            # fails as its upstream does.
            outcome = merge([self._member_root(m) for m in members], root=repo == GROUP)
            return _page(outcome, lambda: root_html(outcome.names))
        if rest[0] == "simple" and len(rest) in (2, 3) and rest[1]:
            project = rest[1]
            outcome = merge([self._member_page(m, project) for m in members])
            if repo == GROUP:
                # The group handler merges the members that answered 200 and always answers
                # ok: no member with the project, or every member failing, is an empty page.
                return Reply(200, _project_page(project, outcome).encode(), HTML)
            return _page(outcome, lambda: _project_page(project, outcome))
        if rest[0] == "packages" and len(rest) == 4:
            project, _version, filename = rest[1:]
            return self._download(members, project, filename)
        return text(404, "Not Found")

    # --- a proxy's upstream, as ProxyHandler and BlockingHttpClient treat it -----------------
    # (tests/data/nexus/behaviour/: 401, 407 and 5xx upstream are 503 and start an auto-block of
    # 40 s, then 40, 80, 120 ... while it lasts uncached content is 404 "Remote Auto Blocked
    # until <ISO time>"; 403, 404 and other 4xx are 404; a manual block is 404 "Remote
    # Manually Blocked"; cached content is served throughout.)

    def _member_root(self, member: str) -> Outcome:
        return self._through_proxy(member, self.proxies[member].root, cached=None)

    def _member_page(self, member: str, project: str) -> Outcome:
        proxy = self.proxies[member]
        cached = proxy.cached_page(project)
        return self._through_proxy(member, lambda: proxy.page(project), cached=cached)

    def _through_proxy(
        self, member: str, fetch: Callable[[], Outcome], cached: tuple[Link, ...] | None
    ) -> Outcome:
        if cached is not None:
            return Outcome(200, links=cached)
        config = self.configs.get(member)
        if config is not None and config.blocked:
            return Outcome(404, message="Remote Manually Blocked")
        now = datetime.now(UTC)
        with self._lock:
            until, step = self._blocked.get(member, (now, 0))
        if until > now:
            stamp = until.isoformat(timespec="milliseconds").replace("+00:00", "Z")
            return Outcome(404, message=f"Remote Auto Blocked until {stamp}")
        if config is not None and config.unreachable:  # connection refused, timeout, TLS
            self._block(member, now, step)
            return Outcome(502, message="Bad Gateway")
        outcome = fetch()
        status = outcome.status
        if status in (401, 407) or status >= 500:
            self._block(member, now, step)
            return Outcome(503, message="Service Unavailable")
        if status == 402:
            return Outcome(503, message="Service Unavailable")
        if status != 200:
            return Outcome(404, message="Not Found")
        with self._lock:
            self._blocked.pop(member, None)  # a success resets the block
        return outcome

    def _block(self, member: str, now: datetime, step: int) -> None:
        """Start the proxy's next auto-block: each lasts the next step of the sequence."""
        seconds = _AUTO_BLOCK_STEPS[min(step, len(_AUTO_BLOCK_STEPS) - 1)]
        with self._lock:
            self._blocked[member] = (now + timedelta(seconds=seconds), step + 1)

    def _download(self, members: tuple[str, ...], project: str, filename: str) -> Reply:
        for member in members:
            proxy = self.proxies[member]
            page = proxy.page(project).links
            link = next((entry for entry in page if entry.filename == filename), None)
            if link is None or self.hash_lookup_broken:
                self._log(
                    f"WARN  [qtp-{member}] *UNKNOWN org.sonatype.nexus.repository.pypi.internal."
                    f"PyPiProxyFacetImpl - Failed to resolve package Unable to find reference for "
                    f"{filename} in package {project}"
                )
                continue
            outcome = proxy.file(link)
            if outcome.status == 200:
                return Reply(200, outcome.content, "application/octet-stream")
        return text(404, "Not Found")

    def _log(self, line: str) -> None:
        with self._lock:
            self.log.append(line)


HTML = "text/html; charset=utf-8"


#: Seconds of each successive auto-block (DefaultAutoBlockConfiguration: Fibonacci from 40).
_AUTO_BLOCK_STEPS = (40, 40, 80, 120, 200, 320, 520, 840)


def _page(outcome: Outcome, render: Callable[[], str]) -> Reply:
    if outcome.status != 200:
        return error_page(outcome.status, outcome.message or _REASONS.get(outcome.status, ""))
    return Reply(200, render().encode(), HTML)


_REASONS = {404: "Not Found", 502: "Bad Gateway", 503: "Service Unavailable"}


def error_page(status: int, message: str) -> Reply:
    """Nexus's error page (3.55-3.77's error.html, trimmed of its icons and styles): the
    message is in the content section (tests/data/nexus/behaviour/)."""
    reason = _REASONS.get(status, "Error")
    page = (
        '<!DOCTYPE html>\n<html lang="en">\n<head>\n'
        f"  <title>{status} - Sonatype Nexus Repository</title>\n"
        '  <meta http-equiv="Content-Type" content="text/html; charset=UTF-8"/>\n</head>\n'
        '<body>\n<div class="nexus-body">\n  <div class="content-header">\n'
        f'    <span class="title">Error {status}</span>\n'
        f'    <span class="description">{html.escape(reason)}</span>\n  </div>\n'
        '  <div class="content-body">\n    <div class="content-section">\n'
        f"      {html.escape(message)}\n    </div>\n  </div>\n</div>\n</body>\n</html>\n"
    )
    return Reply(
        status,
        page.encode(),
        "text/html",
        (("Cache-Control", "no-cache, no-store, max-age=0, must-revalidate"),),
    )


def _project_page(project: str, outcome: Outcome) -> str:
    rows = []
    for link in outcome.links:
        path = f"{project}/{version_of(link.filename)}/{link.filename}"
        href = f"../../packages/{path}#sha256={link.sha256}"
        attrs = f'href="{html.escape(href)}" rel="internal"'
        if link.requires_python:
            attrs += f' data-requires-python="{html.escape(link.requires_python)}"'
        rows.append(f"    <a {attrs}>{html.escape(link.filename)}</a><br/>")
    return (
        '<html lang="en">\n  <head><title>Links for '
        f"{html.escape(project)}</title>\n"
        '    <meta name="api-version" value="2"/>\n  </head>\n  <body><h1>Links for '
        f"{html.escape(project)}</h1>\n" + "\n".join(rows) + "\n  </body>\n</html>\n"
    )
