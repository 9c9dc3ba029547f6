"""Before a project is called missing, the index itself is asked: is there an index at all?

A 404 for a project page means "not here" only when the index answers. devpi with a read ACL
answers 404 ``{"error": "index not found"}`` to a user who may not read it; Artifactory and
Nexus hide what a user may not read behind 404; a wrong URL answers 404 everywhere; devpi
answers 404 at ``simple/`` because its index is at ``+simple/``. So after a page's 404,
``package`` and ``requirements`` ask the index root once per run (:class:`IndexRoots`) and
:func:`root_verdict` decides, purely, whether the 404 is about the project or about the index.
When the server's own layout puts the index elsewhere, its root there is asked once too and,
when it answers, the run goes on at that index (:attr:`RootAnswer.moved_to`).
"""

from __future__ import annotations

import threading
from dataclasses import dataclass, field, replace
from functools import cached_property

from asdiag.checks.transport import page_problem
from asdiag.evidence import FetchResult
from asdiag.findings import Finding
from asdiag.http import BasicCredentials, HttpClient
from asdiag.registry import kind
from asdiag.servers import (
    Server,
    identify,
    layout_finding,
    most_telling,
    said,
    says_index_missing,
)
from asdiag.simple_api import listed_projects


@dataclass(frozen=True)
class Index:
    """Where a project page is asked for: the catalog, or the manager in front of it."""

    name: str  # "catalog" or "manager"
    simple_url: str  # ends with "/"
    credentials: BasicCredentials | None = field(default=None, repr=False)

    def project_url(self, project: str) -> str:
        return f"{self.simple_url}{project}/"

    def at_segment(self, segment: str) -> Index:
        """The same index with its last path segment (``simple``) replaced by ``segment``."""
        head = self.simple_url.rstrip("/").rpartition("/")[0]
        return replace(self, simple_url=f"{head}/{segment}/")


@dataclass(frozen=True)
class RootAnswer:
    """What the index root answered, and where the server's own layout put the index."""

    fetched: FetchResult
    server: Server
    #: The index at the server's own path, when the first root answered 404 and that one did not.
    moved_to: Index | None = None
    #: The server's own root when it was asked (``moved_to`` or not).
    elsewhere: FetchResult | None = None

    @cached_property
    def projects(self) -> tuple[str, ...] | None:
        """The projects the root lists, when it is an index: parsed once, since every missing
        project of a run asks (a catalog's root lists thousands)."""
        return listed_projects(self.fetched)

    def layout_finding(self, index: Index) -> Finding | None:
        """``net.server-layout`` when the run moved to the server's own index path."""
        if self.moved_to is None:
            return None
        found = self.moved_to.simple_url
        used = f"asdiag asked {found} for every package instead."
        return layout_finding(self.server, index.simple_url, found, used, self.fetched.exchanges)


class IndexRoots:
    """Each index's root, asked at most once per run and only after a project page's 404."""

    def __init__(self, client: HttpClient) -> None:
        self.client = client
        self._lock = threading.Lock()
        self._answers: dict[str, RootAnswer] = {}

    def current(self, index: Index) -> Index:
        """``index``, or the index its server's layout moved the run to."""
        with self._lock:
            answer = self._answers.get(index.simple_url)
        return answer.moved_to if answer is not None and answer.moved_to else index

    def root(self, index: Index) -> RootAnswer:
        with self._lock:
            if index.simple_url not in self._answers:
                self._answers[index.simple_url] = self._ask(index)
            return self._answers[index.simple_url]

    def _ask(self, index: Index) -> RootAnswer:
        fetched = self._get(index, "index-root")
        headers = dict(fetched.exchanges[0].headers) if fetched.exchanges else {}
        server = identify(index.simple_url, headers)
        own = server.own_segment_after(
            fetched.status, index.simple_url.rstrip("/").rpartition("/")[2]
        )
        if own is None:
            return RootAnswer(fetched, server)
        moved = index.at_segment(own)
        elsewhere = self._get(moved, "index-root (the server's own path)")
        if elsewhere.status is None or elsewhere.status == 404:
            return RootAnswer(fetched, server, elsewhere=elsewhere)
        return RootAnswer(fetched, server, moved, elsewhere)

    def _get(self, index: Index, probe: str) -> FetchResult:
        return self.client.get(index.simple_url, probe=probe, credentials=index.credentials)


def root_verdict(
    index: Index, page_url: str, page: FetchResult, root: RootAnswer
) -> Finding | None:
    """After ``page`` answered 404: ``None`` when the index root answers as an index (the
    project is missing), else the finding that names what is wrong with the index."""
    fetched = root.fetched
    response = fetched.response
    root_url = index.simple_url
    evidence = page.exchanges + fetched.exchanges
    if root.projects is not None:
        page_says = said(page)
        if not says_index_missing(page_says):
            return None
        return kind("package.index-refused").finding(
            f"{page_url} answered 404 saying {page_says!r}, although the index root {root_url} "
            "lists projects: the server refuses this project to this user rather than saying "
            "it is missing.",
            evidence=evidence,
        )
    message = most_telling(said(page), said(root.elsewhere), said(fetched))
    problem = page_problem(fetched, f"The index root {root_url}")
    if problem is not None:
        return replace(
            problem,
            summary=f"{page_url} answered 404, but {problem.summary[0].lower()}"
            f"{problem.summary[1:]} asdiag cannot tell whether the project is missing.",
        )
    assert response is not None
    status = response.status
    quoted = f"The server says: {message}" if message else ""
    if status in (401, 403):
        return kind("package.index-refused").finding(
            f"{page_url} answered 404, and the index root {root_url} answered {status}: the "
            "index refuses this user, so a 404 says nothing about the project.",
            detail=quoted,
            evidence=evidence,
        )
    if status not in (200, 404):
        return kind("package.index-unavailable").finding(
            f"{page_url} answered 404, and the index root {root_url} answered {status}: asdiag "
            "cannot tell whether the project is missing.",
            evidence=evidence,
        )
    lines = [quoted] if quoted else []
    if status == 200:
        what = "answered 200 with something that is not an index (a sign-in page?)"
    else:
        what = "answered 404 too"
        if root.elsewhere is not None and root.moved_to is None:
            tried = root.elsewhere.exchanges[0].url if root.elsewhere.exchanges else ""
            lines.append(
                f"{root.server.label}'s own index path {tried} answered "
                f"{root.elsewhere.status or 'nothing'} as well."
            )
    lines.append(
        "The index URL is wrong, or the server hides an index this user may not read behind "
        "404 (devpi with a read ACL, Artifactory and Nexus can)."
    )
    return kind("package.index-not-found").finding(
        f"{page_url} answered 404, and the index root {root_url} {what}: the index is missing "
        "or hidden from this user, not the project.",
        detail="\n".join(lines),
        evidence=evidence,
    )
