"""The lab's HTTP vocabulary: a request, a reply, and the small helpers every simulated server uses.

The simulated servers are plain functions from :class:`Request` to :class:`Reply`, so they can
call each other in-process (a manager proxying the catalog) and be tested without sockets; only
``server.py`` speaks HTTP. Standard library only: the lab adds no runtime dependency.
"""

from __future__ import annotations

import base64
import binascii
import json
from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from urllib.parse import parse_qsl, unquote, urlsplit

JSON_SIMPLE = "application/vnd.pypi.simple.v1+json"
HTML_SIMPLE = "application/vnd.pypi.simple.v1+html"
LATEST_JSON = "application/vnd.pypi.simple.latest+json"
LATEST_HTML = "application/vnd.pypi.simple.latest+html"


@dataclass(frozen=True)
class Request:
    """One request as a simulated server sees it; header names are lower-case."""

    method: str
    path: str
    query: Mapping[str, str] = field(default_factory=dict)
    headers: Mapping[str, str] = field(default_factory=dict)
    client: str = "127.0.0.1"

    @classmethod
    def for_url(
        cls, method: str, url: str, headers: Mapping[str, str] | None = None, client: str = ""
    ) -> Request:
        """A request for an absolute or path-only URL (how a manager calls its upstream)."""
        parts = urlsplit(url)
        return cls(
            method=method,
            path=unquote(parts.path) or "/",
            query=dict(parse_qsl(parts.query)),
            headers={k.lower(): v for k, v in (headers or {}).items()},
            client=client or "127.0.0.1",
        )

    def header(self, name: str) -> str | None:
        return self.headers.get(name.lower())

    def basic_auth(self) -> tuple[str, str] | None:
        """The Basic credentials sent, or ``None`` (also for a malformed header)."""
        value = self.header("authorization") or ""
        scheme, _, token = value.partition(" ")
        if scheme.lower() != "basic":
            return None
        try:
            user, sep, password = base64.b64decode(token, validate=True).decode().partition(":")
        except (binascii.Error, UnicodeDecodeError):
            return None
        return (user, password) if sep else None


@dataclass(frozen=True)
class Reply:
    """What a simulated server answers."""

    status: int
    body: bytes = b""
    content_type: str = "text/plain; charset=utf-8"
    headers: tuple[tuple[str, str], ...] = ()

    def header(self, name: str) -> str | None:
        for key, value in self.headers:
            if key.lower() == name.lower():
                return value
        return None

    def with_headers(self, *extra: tuple[str, str]) -> Reply:
        return Reply(self.status, self.body, self.content_type, self.headers + extra)


#: A simulated server: the catalog, a manager, or the whole lab's router.
App = Callable[[Request], Reply]


def text(status: int, message: str, *headers: tuple[str, str]) -> Reply:
    return Reply(status, message.encode(), "text/plain; charset=utf-8", headers)


def html(status: int, page: str, *headers: tuple[str, str]) -> Reply:
    return Reply(status, page.encode(), "text/html; charset=utf-8", headers)


def json_reply(
    status: int, document: object, content_type: str = "application/json", *headers: tuple[str, str]
) -> Reply:
    return Reply(status, json.dumps(document, indent=1).encode(), content_type, headers)


def redirect(location: str, status: int = 302) -> Reply:
    return Reply(status, b"", "text/plain; charset=utf-8", (("Location", location),))


def wants_json(accept: str | None) -> bool:
    """PEP 691 content negotiation: JSON only when the client ranks it above every HTML type."""
    ranks: dict[str, float] = {}
    for item in (accept or "").split(","):
        media, *params = (part.strip() for part in item.split(";"))
        quality = 1.0
        for param in params:
            key, _, value = param.partition("=")
            if key.strip() == "q":
                try:
                    quality = float(value)
                except ValueError:
                    quality = 0.0
        ranks[media.lower()] = quality
    # PEP 691: the "latest" aliases stand for the newest version, v1 (the answer names v1).
    best_json = max(ranks.get(JSON_SIMPLE, 0.0), ranks.get(LATEST_JSON, 0.0))
    best_html = max(
        ranks.get(HTML_SIMPLE, 0.0), ranks.get(LATEST_HTML, 0.0), ranks.get("text/html", 0.0)
    )
    return best_json > best_html
