"""The simulated catalog: a devpi-shaped, authenticated, rate-limited simple index.

Shape (from the vendor's FAQ and ``shared/reference/index-servers.md``): each organisation's
index lives at ``/<org-uuid>/pypi``; ``/simple/`` and devpi's ``/+simple/`` serve the same pages,
HTML or PEP 691 JSON by ``Accept``; files live under ``+f/<3 hex>/<13 hex>/<file>`` and are linked
relatively; pages carry ``data-requires-python`` (empty when none), hashes, yanked reasons and core
metadata. Authentication is checked before existence.

Real servers disagree on what a refusal looks like, so :data:`AUTH_STYLES` offers each variant:

============  ==================  ===========================  ================================
style         no credentials      wrong password               valid user, another org's index
============  ==================  ===========================  ================================
catalog       401 + challenge     401 + challenge (again)      403
pypiserver    401 + challenge     403, no challenge            403
devpi         403 JSON            403 JSON                     404 JSON "index not found"
============  ==================  ===========================  ================================
"""

from __future__ import annotations

import threading
import time
from collections import deque
from collections.abc import Callable, Iterable
from dataclasses import dataclass
from urllib.parse import quote

from asdiag.lab.packages import Dist, Project, normalize
from asdiag.lab.pages import Link, project_html, project_json, root_html, root_json
from asdiag.lab.web import JSON_SIMPLE, Reply, Request, html, json_reply, redirect, text, wants_json

AUTH_STYLES = ("catalog", "pypiserver", "devpi")
REALM = "pypi"
#: The vendor's published limit: 2000 requests per 5 minutes per client address.
RATE_LIMIT = 2000
RATE_WINDOW = 300.0

LOGIN_PAGE = (
    "<!DOCTYPE html>\n<html><head><title>Sign in</title></head><body>"
    '<form method="post" action="/login"><label>Email <input name="email"></label>'
    '<label>Password <input type="password" name="password"></label>'
    "<button>Sign in</button></form></body></html>\n"
)


@dataclass(frozen=True)
class Org:
    """An organisation: its id is both its username and its index's first path segment."""

    org_id: str
    password: str
    projects: tuple[Project, ...]

    def project(self, name: str) -> Project | None:
        wanted = normalize(name)
        return next((p for p in self.projects if p.normalized == wanted), None)

    def dist(self, filename: str) -> Dist | None:
        for project in self.projects:
            for dist in project.dists:
                if dist.filename == filename:
                    return dist
        return None


@dataclass(frozen=True)
class Faults:
    """What is broken in the catalog right now (all off: a healthy catalog)."""

    outage: bool = False  # every request answers 503
    login_page: bool = False  # a sign-in portal answers instead of the index
    files_missing: bool = False  # pages list files whose download answers 404


class RateLedger:
    """Requests per client address in a sliding window, refused with 429 once spent."""

    def __init__(
        self,
        limit: int = RATE_LIMIT,
        window: float = RATE_WINDOW,
        clock: Callable[[], float] = time.monotonic,
    ) -> None:
        self.limit = limit
        self.window = window
        self.clock = clock
        self._seen: dict[str, deque[float]] = {}
        self._lock = threading.Lock()

    def spend(self, client: str, count: int, *, over: float = 60.0) -> None:
        """Record ``count`` requests from ``client`` spread over the last ``over`` seconds (a
        burst, such as parallel CI jobs with a cold cache)."""
        now = self.clock()
        with self._lock:
            seen = self._seen.setdefault(client, deque())
            step = over / max(count, 1)
            earlier = (now - over + step * (i + 1) for i in range(count))
            self._seen[client] = deque(sorted([*seen, *earlier]))

    def admit(self, client: str) -> int | None:
        """Count one request; ``None`` if allowed, else the seconds until one is."""
        now = self.clock()
        with self._lock:
            seen = self._seen.setdefault(client, deque())
            while seen and seen[0] <= now - self.window:
                seen.popleft()
            if len(seen) >= self.limit:
                return max(1, int(seen[0] + self.window - now + 0.999))
            seen.append(now)
            return None


@dataclass(frozen=True)
class Visit:
    """One line of the catalog's request log."""

    client: str
    user: str
    method: str
    path: str
    status: int


class Catalog:
    """The catalog as a function from request to reply; see the module docstring."""

    def __init__(
        self,
        orgs: Iterable[Org],
        *,
        auth_style: str = "catalog",
        faults: Faults = Faults(),
        ledger: RateLedger | None = None,
    ) -> None:
        if auth_style not in AUTH_STYLES:
            raise ValueError(f"unknown auth style {auth_style!r}")
        self.orgs = {org.org_id: org for org in orgs}
        self.auth_style = auth_style
        self.faults = faults
        self.ledger = ledger or RateLedger()
        self.visits: list[Visit] = []
        self._lock = threading.Lock()

    def __call__(self, request: Request) -> Reply:
        reply = self._answer(request)
        credentials = request.basic_auth()
        visit = Visit(
            request.client,
            credentials[0] if credentials else "-",
            request.method,
            request.path,
            reply.status,
        )
        with self._lock:
            self.visits.append(visit)
        return reply

    # --- the decision, in the order a real front end takes it -----------------------------------

    def _answer(self, request: Request) -> Reply:
        retry_after = self.ledger.admit(request.client)
        if retry_after is not None:
            return text(
                429,
                f"Too many requests: the limit is {self.ledger.limit} requests per "
                f"{int(self.ledger.window)} seconds per address.\n",
                ("Retry-After", str(retry_after)),
            )
        if self.faults.outage:
            return html(503, "<html><body><h1>503 Service Unavailable</h1></body></html>\n")
        if request.path == "/login":
            return html(200, LOGIN_PAGE)
        if self.faults.login_page:
            return redirect("/login?next=" + quote(request.path))
        parts = request.path.split("/")  # "/org/pypi/simple/x/" -> ["", org, "pypi", ...]
        if len(parts) < 3 or not parts[1]:
            return text(404, "Not Found\n")
        org_id, rest = parts[1], parts[2:]
        refusal = self._authorize(request, org_id)
        if refusal is not None:
            return refusal
        org = self.orgs[org_id]
        if not rest or rest[0] != "pypi":
            return self._not_found(request, f"no index {'/'.join([org_id, *rest[:1]])}")
        return self._route(request, org, f"/{org_id}/pypi", rest[1:])

    def _authorize(self, request: Request, org_id: str) -> Reply | None:
        credentials = request.basic_auth()
        user = self.orgs.get(credentials[0]) if credentials else None
        valid = user is not None and credentials is not None and credentials[1] == user.password
        if self.auth_style == "devpi":
            if not valid:
                return json_reply(403, {"error": "authentication required"})
            if org_id != credentials[0]:  # type: ignore[index]
                return json_reply(404, {"error": "index not found"})
            return None
        challenge = ("WWW-Authenticate", f'Basic realm="{REALM}"')
        if credentials is None:
            return text(401, "Unauthorized\n", challenge)
        if not valid:
            if self.auth_style == "pypiserver":
                return text(403, "Forbidden\n")
            return text(401, "Unauthorized\n", challenge)
        if org_id != credentials[0]:
            return text(403, "Forbidden: this index belongs to another organisation.\n")
        return None

    def _not_found(self, request: Request, message: str) -> Reply:
        if wants_json(request.header("accept")):
            return json_reply(404, {"error": message})
        return text(404, message + "\n")

    def _route(self, request: Request, org: Org, base: str, rest: list[str]) -> Reply:
        if not rest or rest == [""]:
            return self._not_found(request, "no page here; clients use the simple/ index below")
        head, tail = rest[0], rest[1:]
        if head in ("simple", "+simple"):
            if not tail:
                return redirect(f"{base}/{head}/")
            if tail == [""]:
                return self._root(request, org)
            name = tail[0]
            if tail == [name, ""] and name == normalize(name):
                return self._project(request, org, name)
            if tail in ([name], [name, ""]):  # add the slash, normalise the name, as devpi does
                return redirect(f"{base}/{head}/{normalize(name)}/")
            return self._not_found(request, f"no page {'/'.join(tail)}")
        if head == "+f" and len(tail) == 3:
            return self._file(org, tail)
        return self._not_found(request, f"no page {head}")

    def _root(self, request: Request, org: Org) -> Reply:
        names = [p.name for p in org.projects]
        if wants_json(request.header("accept")):
            return json_reply(200, root_json(names), JSON_SIMPLE)
        return html(200, root_html(names))

    def _project(self, request: Request, org: Org, name: str) -> Reply:
        project = org.project(name)
        if project is None:
            return self._not_found(request, f"The project {name} does not exist.")
        links = [
            Link(
                filename=dist.filename,
                href=f"../../+f/{dist.sha256[:3]}/{dist.sha256[3:16]}/{dist.filename}",
                sha256=dist.sha256,
                requires_python=dist.requires_python,
                yanked=dist.yanked,
                core_metadata=dist.tag is not None,
            )
            for dist in project.dists
        ]
        if wants_json(request.header("accept")):
            return json_reply(200, project_json(project.normalized, links), JSON_SIMPLE)
        return html(200, project_html(project.name, links))

    def _file(self, org: Org, tail: list[str]) -> Reply:
        short, middle, filename = tail
        metadata = filename.endswith(".metadata")
        dist = org.dist(filename.removesuffix(".metadata"))
        if (
            dist is None
            or self.faults.files_missing
            or (short, middle) != (dist.sha256[:3], dist.sha256[3:16])
            or (metadata and dist.tag is None)
        ):
            return text(404, "Not Found\n")
        if metadata:
            return Reply(200, dist.metadata, "text/plain; charset=utf-8")
        return Reply(200, dist.content, "application/octet-stream")
