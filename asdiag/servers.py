"""Which index server answered, and what its refusals say, from what asdiag already received.

No extra request: the headers of any answer name most servers (devpi's ``X-Devpi-*``,
Artifactory's ``X-JFrog-Version``, Nexus's ``Server``), and the vendor's catalog is known by its
host. A server's layout follows from its name: devpi serves its index at ``+simple/``, so its
404 at ``simple/`` is the layout, not a missing index.

Error bodies say more than the status: devpi's ``{"error": "..."}``, Artifactory's
``{"errors": [{"message": "..."}]}``, Nexus's HTML title, a short text. :func:`server_message`
reads that sentence, and :func:`says_index_missing` tells a refusal of the whole index
("index not found", "repository ... not found") from a missing project.
"""

from __future__ import annotations

import html
import json
import re
from collections.abc import Mapping
from dataclasses import dataclass

from asdiag.evidence import Exchange, FetchResult
from asdiag.findings import Finding
from asdiag.managers import detect
from asdiag.registry import kind
from asdiag.urls import CATALOG_HOSTS, Origin

#: The longest server message quoted back to the user.
_MESSAGE_LIMIT = 200
_TITLE = re.compile(rb"<title[^>]*>(?P<title>.*?)</title>", re.IGNORECASE | re.DOTALL)
#: Nexus's error page puts the message in its content section (tests/data/nexus/behaviour/).
_NEXUS_SECTION = re.compile(rb'class="content-section">(?P<text>[^<]*)<', re.IGNORECASE)
_AFTER_HEADING = re.compile(rb"</h1>(?P<text>[^<]*(?:<br\s*/?>)?[^<]*)", re.IGNORECASE)
_TAGS = re.compile(rb"<[^>]*>")
#: A message about the index (devpi stage, a manager's repository), not about a project in it.
_INDEX_MISSING = re.compile(
    r"\b(?:index|stage|repository|repo|user)\b[^.]{0,80}?"
    r"\b(?:not found|does not exist|could not be found|unknown|no such)\b"
    r"|\b(?:no such|unknown) (?:index|stage|repository)\b",
    re.IGNORECASE,
)


@dataclass(frozen=True)
class Server:
    """The software that answered at an index URL, as far as its answers tell."""

    #: ``devpi``, ``artifactory``, ``nexus``, ``catalog``, or ``""`` (not identified).
    product: str
    version: str = ""
    #: What told it apart (a header, the host), for the report.
    evidence: str = ""

    @property
    def label(self) -> str:
        names = {
            "devpi": "devpi-server",
            "artifactory": "Artifactory",
            "nexus": "Nexus Repository",
            "catalog": "the vendor's catalog",
        }
        name = names.get(self.product, "an unidentified server")
        return f"{name} {self.version}" if self.version else name

    @property
    def index_segment(self) -> str:
        """The segment after the base where this server serves its index root."""
        return "+simple" if self.product == "devpi" else "simple"

    def own_segment_after(self, status: int | None, segment: str) -> str | None:
        """The segment to ask once after ``status`` at ``segment``: the server's own, when its
        layout explains a 404 there (devpi's ``simple/``); else ``None``."""
        return self.index_segment if status == 404 and segment != self.index_segment else None


def layout_finding(
    server: Server, asked: str, found: str, used: str, evidence: tuple[Exchange, ...]
) -> Finding:
    """``net.server-layout``: ``asked`` answered 404 and the server's own path ``found`` is the
    index; ``used`` says what asdiag asked instead."""
    return kind("net.server-layout").finding(
        f"{server.label} serves this index at {found}; {asked} answered 404.",
        detail=f"{used} A client given {asked} finds nothing there.",
        remediation=f"Configure pip and uv with the index URL {found} (pip's index-url, uv's "
        "[[tool.uv.index]] url); asdiag takes either that or the base URL.",
        evidence=evidence,
    )


def identify(url: str, headers: Mapping[str, str]) -> Server:
    """Name the server from one answer's headers (lower-case names) and the URL asked.

    Headers first (a reverse proxy may strip them, so the URL shape is the fallback for the
    managers); the vendor's catalog by its host.
    """
    devpi = headers.get("x-devpi-server-version")
    if devpi or any(name.startswith("x-devpi-") for name in headers):
        evidence = f"X-Devpi-Server-Version: {devpi}" if devpi else "X-Devpi-* headers"
        return Server("devpi", devpi or "", evidence)
    manager = detect(url, headers)
    if manager.product != "unknown":
        return Server(manager.product, manager.version, manager.evidence)
    host = Origin.of(url).host
    if host in CATALOG_HOSTS:
        return Server("catalog", "", f"the host {host}")
    return Server("", "", "no header or URL shape names it")


def said(fetched: FetchResult | None) -> str | None:
    """The message of an answer's body (devpi's ``error``, Artifactory's ``errors[].message``)."""
    response = fetched.response if fetched is not None else None
    if response is None:
        return None
    return server_message(response.body, response.content_type)


def server_message(body: bytes, content_type: str | None) -> str | None:
    """The sentence an error body carries, if any: devpi's ``error``, Artifactory's
    ``errors[].message``, a JSON ``message``/``detail``, an HTML title, or a short text."""
    text = body[:4096]
    kind = (content_type or "").split(";", 1)[0].strip().lower()
    message: str | None = None
    if kind.endswith("json") or text.lstrip().startswith(b"{"):
        message = _json_message(text)
    elif b"<" in text:
        message = _html_message(text)
    elif text.strip() and b"\n" not in text.strip():
        message = text.decode("utf-8", "replace")
    if not message:
        return None
    message = " ".join(message.split())
    return message[:_MESSAGE_LIMIT] + ("…" if len(message) > _MESSAGE_LIMIT else "")


def _html_message(text: bytes) -> str | None:
    """The sentence after the heading of a framework's error page (pyramid, webob: ``<h1>404
    Not Found</h1> The stage … could not be found.``), else the page's title."""
    section = _NEXUS_SECTION.search(text)
    if section is not None:
        sentence = " ".join(html.unescape(section["text"].decode("utf-8", "replace")).split())
        if sentence:
            return sentence
    after = _AFTER_HEADING.search(text)
    if after is not None:
        sentence = " ".join(_TAGS.sub(b" ", after["text"]).decode("utf-8", "replace").split())
        if 0 < len(sentence) <= _MESSAGE_LIMIT:
            return sentence
    title = _TITLE.search(text)
    return title["title"].decode("utf-8", "replace") if title else None


def _json_message(text: bytes) -> str | None:
    try:
        data = json.loads(text)
    except ValueError:
        return None
    if not isinstance(data, dict):
        return None
    errors = data.get("errors")
    if isinstance(errors, list) and errors and isinstance(errors[0], dict):
        message = errors[0].get("message")
        return message if isinstance(message, str) else None
    for key in ("error", "message", "detail"):
        value = data.get(key)
        if isinstance(value, str):
            return value
    return None


def says_index_missing(message: str | None) -> bool:
    """Whether a server's message says the index (or repository) itself is missing or hidden,
    rather than a project in it: then a 404 is a refusal or a wrong URL, never a missing
    package."""
    return bool(message) and _INDEX_MISSING.search(message or "") is not None


#: Artifactory's refusal of an uncached file to a user without Deploy/Cache (uv#16662).
_DEPLOY_REFUSED = re.compile(r"\bis not permitted to deploy\b", re.IGNORECASE)


def says_deploy_refused(message: str | None) -> bool:
    """Whether the message is Artifactory's "User <u> is not permitted to deploy '<path>' into
    '<repo>-cache:<path>'": the user lacks Deploy/Cache on the remote, in the product's words."""
    return bool(message) and _DEPLOY_REFUSED.search(message or "") is not None


#: A Nexus proxy that stopped asking its upstream (3.38+: the 404's message).
_BLOCKED = re.compile(r"\bRemote (?P<how>Auto|Manually) Blocked(?: until (?P<until>\S+))?")


@dataclass(frozen=True)
class Block:
    """A Nexus proxy's block: automatic (after upstream failures, until a time) or manual."""

    automatic: bool
    until: str = ""

    @property
    def sentence(self) -> str:
        if self.automatic:
            return f"auto-blocked until {self.until}" if self.until else "auto-blocked"
        return "blocked by hand"


def blocked(message: str | None) -> Block | None:
    """The block a Nexus message reports ("Remote Auto Blocked until <ISO time>", "Remote
    Manually Blocked"), if any."""
    match = _BLOCKED.search(message or "")
    if match is None:
        return None
    return Block(match["how"] == "Auto", match["until"] or "")


def most_telling(*messages: str | None) -> str | None:
    """The message that speaks of the index itself, else the first message at all."""
    said = [message for message in messages if message]
    return next((m for m in said if says_index_missing(m)), said[0] if said else None)
