"""How a simulated manager fetches from its upstream: challenge-response auth and redirects.

Repository managers send each upstream request without credentials first and retry with them
after a 401 challenge (the vendor's FAQ calls the pair normal; two 401s in a row mean wrong
credentials). The lab's managers do the same, in-process, through the lab's router, so the
catalog's request log and rate-limit ledger see what a real catalog would.
"""

from __future__ import annotations

import base64
from dataclasses import dataclass
from urllib.parse import urljoin

from asdiag.lab.web import JSON_SIMPLE, App, Reply, Request

MAX_REDIRECTS = 5


@dataclass(frozen=True)
class Fetched:
    reply: Reply
    url: str  # after redirects


@dataclass(frozen=True)
class Upstream:
    dispatch: App
    username: str = ""
    password: str = ""

    def get(self, url: str, accept: str = JSON_SIMPLE) -> Fetched:
        for _ in range(MAX_REDIRECTS + 1):
            reply = self._get_once(url, accept)
            location = reply.header("Location")
            if reply.status not in (301, 302, 303, 307, 308) or not location:
                return Fetched(reply, url)
            url = urljoin(url, location)
        return Fetched(Reply(508, b"too many redirects upstream"), url)

    def _get_once(self, url: str, accept: str) -> Reply:
        headers = {"Accept": accept, "User-Agent": "asdiag-lab-manager"}
        reply = self.dispatch(Request.for_url("GET", url, headers))
        if reply.status == 401 and reply.header("WWW-Authenticate") and self.username:
            token = base64.b64encode(f"{self.username}:{self.password}".encode()).decode()
            headers["Authorization"] = f"Basic {token}"
            reply = self.dispatch(Request.for_url("GET", url, headers))
        return reply
