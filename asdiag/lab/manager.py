"""What the simulated Artifactory and Nexus share: users, Basic auth, and a caching proxy repo."""

from __future__ import annotations

import json
import threading
from collections.abc import Mapping
from dataclasses import dataclass
from urllib.parse import urljoin

from asdiag.lab.pages import Link, links_from_json, names_from_json
from asdiag.lab.upstream import Upstream
from asdiag.lab.web import Request


@dataclass(frozen=True)
class User:
    name: str
    password: str
    admin: bool = False


def authenticate(request: Request, users: tuple[User, ...]) -> User | bool | None:
    """The user the request proves to be; ``None`` if anonymous; ``False`` if it failed."""
    credentials = request.basic_auth()
    if credentials is None:
        return None
    for user in users:
        if (user.name, user.password) == credentials:
            return user
    return False


def version_of(filename: str) -> str:
    """The version in a wheel or sdist file name (how Nexus builds its /packages/ paths)."""
    if filename.endswith(".whl"):
        return filename.split("-")[1]
    stem = filename.removesuffix(".tar.gz").removesuffix(".zip")
    return stem.rpartition("-")[2]


@dataclass(frozen=True)
class Outcome:
    """A proxy repository's answer: the data, or the status its upstream (or policy) gave."""

    status: int
    links: tuple[Link, ...] = ()
    names: tuple[str, ...] = ()
    content: bytes = b""
    #: The product's message for a refusal (Nexus: "Remote Auto Blocked until ...").
    message: str = ""


class ProxyRepo:
    """A remote (Artifactory) or proxy (Nexus) repository in front of an index.

    ``store`` is Artifactory's "Store Artifacts Locally": when off, nothing is kept and every
    request goes upstream. Pages are cached under the name as requested (Nexus does not
    normalise); files under their name.
    """

    def __init__(self, name: str, index_url: str, upstream: Upstream, *, store: bool = True):
        self.name = name
        self.index_url = index_url.rstrip("/") + "/"
        self.upstream = upstream
        self.store = store
        self._pages: dict[str, tuple[Link, ...]] = {}
        self._files: dict[str, bytes] = {}
        self._seen: dict[str, Link] = {}  # every file any fetched page listed, cached or not
        self._lock = threading.Lock()

    def cached_page(self, project: str) -> tuple[Link, ...] | None:
        with self._lock:
            return self._pages.get(project)

    def link_for(self, filename: str) -> Link | None:
        with self._lock:
            return self._seen.get(filename)

    def root(self) -> Outcome:
        fetched = self.upstream.get(self.index_url)
        if fetched.reply.status != 200:
            return Outcome(fetched.reply.status)
        data = _json(fetched.reply.body)
        if data is None:  # a sign-in page or a web UI upstream: nothing usable came
            return Outcome(502)
        return Outcome(200, names=tuple(names_from_json(data)))

    def page(self, project: str, *, may_fetch: bool = True) -> Outcome:
        cached = self.cached_page(project)
        if cached is not None:
            return Outcome(200, links=cached)
        if not may_fetch:
            return Outcome(404)
        fetched = self.upstream.get(urljoin(self.index_url, project + "/"))
        if fetched.reply.status != 200:
            return Outcome(fetched.reply.status)
        data = _json(fetched.reply.body)
        if data is None:
            return Outcome(502)
        links = tuple(links_from_json(data, fetched.url))
        with self._lock:
            self._seen.update((link.filename, link) for link in links)
            if self.store:
                self._pages[project] = links
        return Outcome(200, links=links)

    def file(self, link: Link, *, may_fetch: bool = True) -> Outcome:
        with self._lock:
            cached = self._files.get(link.filename)
        if cached is not None:
            return Outcome(200, content=cached)
        if not may_fetch:
            return Outcome(403)  # the user may not deploy it into the cache
        fetched = self.upstream.get(link.href, accept="*/*")
        if fetched.reply.status != 200:
            return Outcome(fetched.reply.status)
        if self.store:
            with self._lock:
                self._files[link.filename] = fetched.reply.body
        return Outcome(200, content=fetched.reply.body)

    def warm(self, projects: tuple[str, ...]) -> None:
        """Fill the cache as earlier installs would have: each page, and the one file an
        install downloaded (the page's last, its newest); the other files stay uncached."""
        for project in projects:
            links = self.page(project).links
            if links:
                self.file(links[-1])


def _json(body: bytes) -> Mapping[str, object] | None:
    """The upstream's PEP 691 answer, or ``None`` when it is not a JSON object (a sign-in
    page)."""
    try:
        value: object = json.loads(body)
    except (ValueError, UnicodeDecodeError):
        return None
    return value if isinstance(value, dict) else None


def merge(outcomes: list[Outcome], *, root: bool = False) -> Outcome:
    """A virtual/group repository's page: members in order, first file name wins, failures
    skipped (Nexus and Artifactory both do this; a broken member only shrinks the list). The
    root index is still answered, empty, when no member could list its projects."""
    answered = [o for o in outcomes if o.status == 200]
    if not answered and root:
        return Outcome(200)
    if not answered:
        first = outcomes[0] if outcomes else Outcome(404)
        return Outcome(first.status, message=first.message)
    links: dict[str, Link] = {}
    names: dict[str, str] = {}
    for outcome in answered:
        for link in outcome.links:
            links.setdefault(link.filename.lower(), link)
        for name in outcome.names:
            names.setdefault(name.lower(), name)
    return Outcome(200, links=tuple(links.values()), names=tuple(names.values()))
