"""Parse simple-repository answers (PEP 503 HTML, PEP 691 JSON, PEP 629 versions), purely.

Untrusted bodies are parsed once, here, into frozen models; nothing downstream sees raw HTML
or a raw dict. This first part reads the index root (``<base>/simple/``) and decides whether a
body is a simple index at all: a login page, a web UI or a proxy's error page also answer 200.
"""

from __future__ import annotations

import json
import re
from dataclasses import dataclass
from html.parser import HTMLParser

JSON_CONTENT_TYPE = "application/vnd.pypi.simple.v1+json"
HTML_CONTENT_TYPES = frozenset({"text/html", "application/vnd.pypi.simple.v1+html"})
#: The newest simple API version asdiag understands: 1.1 (PEP 700), 1.2 (PEP 708),
#: 1.3 (PEP 740), 1.4 (PEP 792). PEP 629: a higher major is incompatible, a higher minor is not.
SUPPORTED_API_VERSION = (1, 4)

_NAME_LIKE = re.compile(r"^[A-Za-z0-9](?:[A-Za-z0-9._-]*[A-Za-z0-9])?$")


@dataclass(frozen=True)
class IndexRoot:
    """A parsed index root: which projects it lists, in which format, at which API version."""

    format: str  # "json" or "html"
    projects: tuple[str, ...]
    api_version: str | None


@dataclass(frozen=True)
class NotAnIndex:
    """A body that is not a simple index, and what it looks like instead."""

    reason: str


class _RootHtmlParser(HTMLParser):
    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.anchor_texts: list[str] = []
        self.api_version: str | None = None
        self.has_password_field = False
        self.has_form = False
        self.tag_count = 0
        self._in_anchor = False
        self._text: list[str] = []

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        values = {name.lower(): value or "" for name, value in attrs}
        self.tag_count += 1
        if tag == "a":
            self._in_anchor = True
            self._text = []
        elif tag == "meta" and values.get("name", "").lower() == "pypi:repository-version":
            self.api_version = values.get("content", "").strip() or None
        elif tag == "form":
            self.has_form = True
        elif tag == "input" and values.get("type", "").lower() == "password":
            self.has_password_field = True

    def handle_endtag(self, tag: str) -> None:
        if tag == "a" and self._in_anchor:
            self._in_anchor = False
            self.anchor_texts.append("".join(self._text).strip())

    def handle_data(self, data: str) -> None:
        if self._in_anchor:
            self._text.append(data)


def parse_api_version(text: str) -> tuple[int, int] | None:
    """``"1.4"`` as ``(1, 4)``; ``None`` for anything PEP 629 does not allow."""
    match = re.fullmatch(r"\s*(\d+)\.(\d+)\s*", text)
    return (int(match[1]), int(match[2])) if match else None


def parse_index_root(body: bytes, content_type: str) -> IndexRoot | NotAnIndex:
    """Decide what an index root's body is, by its declared type and then by its content."""
    if not body.strip():
        return NotAnIndex("the body is empty")
    if content_type == JSON_CONTENT_TYPE or content_type.endswith("json"):
        return _parse_json_root(body, content_type)
    if content_type in HTML_CONTENT_TYPES or (not content_type and body.lstrip()[:1] == b"<"):
        return _parse_html_root(body)
    return NotAnIndex(f"the Content-Type is {content_type or 'missing'}, not HTML or PEP 691 JSON")


def _parse_json_root(body: bytes, content_type: str) -> IndexRoot | NotAnIndex:
    try:
        data = json.loads(body)
    except (ValueError, UnicodeDecodeError):
        return NotAnIndex(f"the body is declared as {content_type} but is not valid JSON")
    if not isinstance(data, dict) or not isinstance(data.get("projects"), list):
        return NotAnIndex("the JSON has no 'projects' list: it is another API, not PEP 691")
    names = tuple(
        str(item["name"]) for item in data["projects"] if isinstance(item, dict) and "name" in item
    )
    meta = data.get("meta")
    version = meta.get("api-version") if isinstance(meta, dict) else None
    return IndexRoot("json", names, str(version) if version is not None else None)


def _parse_html_root(body: bytes) -> IndexRoot | NotAnIndex:
    parser = _RootHtmlParser()
    parser.feed(body.decode("utf-8", errors="replace"))
    parser.close()
    if parser.tag_count == 0:
        return NotAnIndex("the body, declared as HTML, contains no HTML")
    if parser.has_password_field:
        return NotAnIndex("the page asks for a password: a login page, not an index")
    names = [text for text in parser.anchor_texts if _NAME_LIKE.match(text)]
    others = len(parser.anchor_texts) - len(names)
    # An index is a list of links named after projects; a web page has prose links and forms.
    if parser.has_form or others > max(2, len(names) // 10):
        return NotAnIndex("the page is a web page (forms or prose links), not a list of projects")
    return IndexRoot("html", tuple(names), parser.api_version)
