"""Parse simple-repository answers (PEP 503 HTML, PEP 691 JSON, PEP 629 versions), purely.

Untrusted bodies are parsed once, here, into frozen models; nothing downstream sees raw HTML
or a raw dict. The index root (``<base>/simple/``): is the body a simple index at all (a login
page, a web UI or a proxy's error page also answer 200)? A project page
(``<base>/simple/<name>/``): its files, by the rules of PEP 503 (links relative to the page or
its ``<base href>``, hash fragments, ``data-requires-python``), PEP 592 (yanked, with a reason),
PEP 658/714 (``core-metadata`` and the older ``dist-info-metadata``, boolean or hashes), PEP 691
(JSON) and PEP 700 (``versions``, ``size``, ``upload-time``). Entries that cannot be used are
skipped with a note, never an exception.
"""

from __future__ import annotations

import functools
import json
import re
from collections.abc import Mapping
from dataclasses import dataclass
from html.parser import HTMLParser
from typing import TYPE_CHECKING
from urllib.parse import quote, unquote, urldefrag, urljoin, urlsplit

if TYPE_CHECKING:
    from asdiag.evidence import FetchResult

JSON_CONTENT_TYPE = "application/vnd.pypi.simple.v1+json"
HTML_CONTENT_TYPES = frozenset({"text/html", "application/vnd.pypi.simple.v1+html"})
#: The newest simple API version asdiag understands: 1.1 (PEP 700), 1.2 (PEP 708),
#: 1.3 (PEP 740), 1.4 (PEP 792). PEP 629: a higher major is incompatible, a higher minor is not.
SUPPORTED_API_VERSION = (1, 4)

#: A PEP 508 project name as pip's ``Link._project_name_re`` has it: what an index root's link
#: text is when it names a project, and what a link's ``#egg=`` value must be (or pip raises
#: ``InvalidEggFragment`` and reads nothing of the page).
PROJECT_NAME = re.compile(r"^([A-Z0-9]|[A-Z0-9][A-Z0-9._-]*[A-Z0-9])$", re.IGNORECASE)
#: pip's ``Link._egg_fragment_re``.
_EGG = re.compile(r"[#&]egg=([^&]*)")


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


class _PageParser(HTMLParser):
    """What both kinds of page are judged by: links (attributes and text), ``<base href>``, the
    PEP 629 version, and the marks of a web page (forms, password fields)."""

    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.anchors: list[tuple[dict[str, str | None], str]] = []
        self.base: str | None = None
        self.api_version: str | None = None
        #: PEP 792: ``pypi:project-status`` and ``pypi:project-status-reason``.
        self.status: str | None = None
        self.status_reason: str | None = None
        self.has_password_field = False
        self.has_form = False
        self.tag_count = 0
        self._open: dict[str, str | None] | None = None
        self._text: list[str] = []

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        values = {name.lower(): value for name, value in attrs}
        self.tag_count += 1
        if tag == "a":
            self._close_anchor()  # an <a> inside an open <a> closes it, as browsers and pip do
            self._open = values
            self._text = []
        elif tag == "base" and values.get("href") and self.base is None:
            self.base = values["href"]
        elif tag == "meta":
            name = (values.get("name") or "").lower()
            content = (values.get("content") or "").strip() or None
            if name == "pypi:repository-version":
                self.api_version = content
            elif name == "pypi:project-status":
                self.status = content.lower() if content else None
            elif name == "pypi:project-status-reason":
                self.status_reason = content
        elif tag == "form":
            self.has_form = True
        elif tag == "input" and (values.get("type") or "").lower() == "password":
            self.has_password_field = True

    def handle_endtag(self, tag: str) -> None:
        if tag == "a":
            self._close_anchor()

    def _close_anchor(self) -> None:
        if self._open is not None:
            self.anchors.append((self._open, "".join(self._text).strip()))
            self._open = None

    def handle_data(self, data: str) -> None:
        if self._open is not None:
            self._text.append(data)


def _read_html(text: str) -> _PageParser:
    parser = _PageParser()
    try:
        parser.feed(text)
        parser.close()
    except AssertionError:
        pass  # html.parser asserts on a marked section it does not know (<![foo ...>): keep
        # what came before it, as a browser would show the page up to there
    parser._close_anchor()  # an unclosed last link still counts
    return parser


def parse_api_version(text: str) -> tuple[int, int] | None:
    """``"1.4"`` as ``(1, 4)``; ``None`` for anything PEP 629 does not allow."""
    match = re.fullmatch(r"\s*([0-9]{1,9})\.([0-9]{1,9})\s*", text)
    return (int(match[1]), int(match[2])) if match else None


#: Every byte but the control ones (tab, newline, form feed and carriage return are text):
#: deleting these leaves the control bytes to count, without a Python loop per byte.
_NOT_CONTROL = bytes(
    b for b in range(256) if not (b < 32 and b not in (9, 10, 12, 13)) and b != 127
)


def binary_reason(body: bytes, charset: str | None = None) -> str:
    """Why ``body`` is not text (empty when it is): a NUL byte, many control characters, or
    bytes that are not UTF-8 (when no other charset is declared). Judged on the first 8 KiB;
    an index page is always text. UTF-16 and UTF-32 pages hold NUL bytes by design."""
    sample = body[:8192]
    wide = (charset or "").lower().replace("-", "").startswith(("utf16", "utf32"))
    if wide:
        return ""
    if b"\x00" in sample:
        return "the body is binary data (it holds NUL bytes), not text"
    controls = len(sample.translate(None, _NOT_CONTROL))
    if controls > len(sample) // 100:
        return "the body is binary data (control bytes), not text"
    if (charset or "utf-8").lower().replace("_", "-") in ("utf-8", "utf8"):
        invalid = sample.decode("utf-8", errors="replace").count("\ufffd")
        if invalid > max(16, len(sample) // 10):  # a few latin-1 letters are still text
            return "the body is binary data (not UTF-8 text)"
    return ""


@functools.lru_cache(maxsize=8)
def parse_index_root(body: bytes, content_type: str) -> IndexRoot | NotAnIndex:
    """Decide what an index root's body is, by its declared type and then by its content.

    Cached: one run judges the same root in several checks (authentication, the index, the
    manager's comparison with the catalog), and a root that mirrors PyPI is megabytes of HTML.
    The result is immutable, so sharing it is safe.
    """
    if not body.strip():
        return NotAnIndex("the body is empty")
    if content_type == JSON_CONTENT_TYPE or content_type.endswith("json"):
        return _parse_json_root(body, content_type)
    if content_type in HTML_CONTENT_TYPES or (not content_type and body.lstrip()[:1] == b"<"):
        binary = binary_reason(body)
        return NotAnIndex(binary) if binary else _parse_html_root(body)
    return NotAnIndex(f"the Content-Type is {content_type or 'missing'}, not HTML or PEP 691 JSON")


def listed_projects(fetched: FetchResult | None) -> tuple[str, ...] | None:
    """The projects an index root lists, when it answered 200 with an index; else ``None``."""
    response = fetched.response if fetched is not None else None
    if response is None or response.status != 200:
        return None
    parsed = parse_index_root(response.body, response.content_type)
    return None if isinstance(parsed, NotAnIndex) else parsed.projects


def _parse_json_root(body: bytes, content_type: str) -> IndexRoot | NotAnIndex:
    try:
        data = json.loads(body)
    except (ValueError, UnicodeDecodeError, RecursionError):
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
    # No client reads the root; asdiag does, leniently (pip would never see a decoding error).
    parser = _read_html(body.decode("utf-8", errors="replace"))
    if parser.tag_count == 0:
        return NotAnIndex("the body, declared as HTML, contains no HTML")
    if parser.has_password_field:
        return NotAnIndex("the page asks for a password: a login page, not an index")
    texts = [text for attrs, text in parser.anchors if attrs.get("href")]
    names = [text for text in texts if PROJECT_NAME.match(text)]
    others = len(texts) - len(names)
    # An index is a list of links named after projects; a web page has prose links and forms.
    if parser.has_form or others > max(2, len(names) // 10):
        return NotAnIndex("the page is a web page (forms or prose links), not a list of projects")
    return IndexRoot("html", tuple(names), parser.api_version)


# --- project pages ---------------------------------------------------------------------------


@dataclass(frozen=True)
class DistFile:
    """One file a project page lists."""

    filename: str
    #: Absolute, without the hash fragment.
    url: str
    #: ``(("sha256", "ab12..."),)``; empty when the index gives none.
    hashes: tuple[tuple[str, str], ...] = ()
    #: ``None`` when not declared (an empty attribute counts as not declared).
    requires_python: str | None = None
    #: The reason (``""`` when none is given) for a yanked file; ``None`` when not yanked.
    yanked: str | None = None
    #: Whether core metadata is served beside the file (PEP 658/714).
    core_metadata: bool = False
    size: int | None = None
    upload_time: str | None = None
    #: A ``#egg=name-version`` fragment: pip reads the version from it, not from the name.
    egg: str | None = None

    def hash(self, name: str) -> str | None:
        return next((value for key, value in self.hashes if key == name), None)


@dataclass(frozen=True)
class ProjectPage:
    format: str  # "json" or "html"
    name: str | None
    api_version: str | None
    files: tuple[DistFile, ...]
    #: PEP 700 ``versions`` (JSON only): may list versions that have no files.
    versions: tuple[str, ...] = ()
    #: What was skipped and why (unusable entries, unknown shapes).
    notes: tuple[str, ...] = ()
    #: PEP 792 project status (``active``, ``archived``, ``quarantined``, ``deprecated``, or
    #: another value the index sent), and its reason; ``None`` when the page says nothing.
    status: str | None = None
    status_reason: str | None = None


@dataclass(frozen=True)
class NotAProjectPage:
    reason: str


def parse_project_page(
    body: bytes, content_type: str, page_url: str, charset: str | None = None
) -> ProjectPage | NotAProjectPage:
    """Parse a project page fetched from ``page_url`` (after redirects), its HTML decoded in
    ``charset`` (the Content-Type's, when it names one)."""
    if not body.strip():
        return NotAProjectPage("the body is empty")
    # pip 26.3 (_ensure_api_header) reads a page only with these types and skips any other,
    # application/json and a missing Content-Type included: it then finds no version at all.
    if content_type == JSON_CONTENT_TYPE:
        return _parse_json_project(body, content_type, page_url)
    if content_type in HTML_CONTENT_TYPES:
        binary = binary_reason(body, charset)
        if binary:
            return NotAProjectPage(binary)
        return _parse_html_project(body, page_url, charset)
    return NotAProjectPage(
        f"the Content-Type is {content_type or 'missing'}, not text/html or the simple API's "
        "own types: pip 26.3 skips such a page and finds no version"
    )


def _metadata_flag(value: object) -> bool:
    """PEP 714: ``true``, or a mapping of hashes; ``false``/absent means no metadata file."""
    if isinstance(value, bool):
        return value
    if isinstance(value, Mapping):
        return True
    if isinstance(value, str):
        return value.strip().lower() not in ("", "false")
    return False


#: The hash names pip accepts in a link fragment (``#egg=`` and the like are not hashes).
HASH_NAMES = frozenset({"sha512", "sha384", "sha256", "sha224", "sha1", "md5"})
#: pip's ``LinkHash._hash_url_fragment_re``: the first ``name=value`` of a known hash anywhere in
#: the fragment (``#egg=x&sha256=...`` too). pip does not check the value is hex; nor does this.
_HASH_IN_FRAGMENT = re.compile(rf"[#&]({'|'.join(sorted(HASH_NAMES))})=([^&]*)")
#: pip's ``_reserved_chars_re``: path parts are quoted between these, never across them.
_RESERVED = re.compile(r"(@|%2F)", re.IGNORECASE)


def egg_fragment(url: str) -> str | None:
    """pip's ``Link._egg_fragment``: the value of ``egg=`` after a ``#`` or an ``&`` anywhere
    in ``url`` (``""`` when empty, which pip refuses too); None when there is none."""
    match = _EGG.search(url)
    return match[1] if match else None


class _PipStops(Exception):
    """A page pip 26.3 cannot read at all (its parser raises): the reason, in words."""


def _checked_egg(href: str, fragment: str) -> str | None:
    """The ``#egg=`` value pip reads; :class:`_PipStops` when it is not a project name."""
    egg = egg_fragment("#" + fragment)
    if egg is not None and not PROJECT_NAME.match(egg):
        raise _PipStops(
            f"the link {href!r} has #egg={egg!r}, which is not a project name: pip 26.3 stops "
            "on the whole page (InvalidEggFragment)"
        )
    return egg


def _hash_fragment(url: str, fragment: str) -> tuple[tuple[str, str], ...]:
    """The hash pip reads from a link: the first known ``name=value`` after a ``#`` or an ``&``
    anywhere in the URL (the query too). Names are lower case, as pip matches them; an empty
    value is no hash (pip would then refuse the download as a mismatch)."""
    match = _HASH_IN_FRAGMENT.search(f"{url}#{fragment}")
    return ((match[1], match[2].lower()),) if match and match[2] else ()


def _clean_url(url: str) -> str:
    """pip's ``_clean_link``: each part of the path unquoted then quoted again, so that a
    literal ``+`` or space is requested as ``%2B`` or ``%20``, as pip requests it (some servers
    answer a raw ``+`` with 403)."""
    parts = urlsplit(url)
    pieces = _RESERVED.split(parts.path)
    cleaned = "".join(
        piece if index % 2 else quote(unquote(piece)) for index, piece in enumerate(pieces)
    )
    return parts._replace(path=cleaned).geturl()


def _resolve(base: str, href: str) -> tuple[str, str] | None:
    """``href`` made absolute against ``base`` and cleaned as pip cleans it, and its fragment;
    ``None`` when the URL cannot be parsed or is not http(s) (``javascript:``, ``mailto:``,
    ``ftp:``): no installer uses it."""
    try:
        url, fragment = urldefrag(urljoin(base, href))
        scheme = urlsplit(url).scheme
        url = _clean_url(url)
    except ValueError:
        return None
    return (url, fragment) if scheme in ("http", "https") else None


def _filename_of(url: str) -> str:
    """pip's ``Link.filename``: the last path segment, a trailing slash ignored, unquoted."""
    return unquote(urlsplit(url).path.rstrip("/").rsplit("/", 1)[-1])


def _parse_json_project(
    body: bytes, content_type: str, page_url: str
) -> ProjectPage | NotAProjectPage:
    try:
        return _read_json_project(body, content_type, page_url)
    except _PipStops as stop:
        return NotAProjectPage(str(stop))


def _read_json_project(
    body: bytes, content_type: str, page_url: str
) -> ProjectPage | NotAProjectPage:
    try:
        data = json.loads(body)
    except (ValueError, UnicodeDecodeError, RecursionError):
        return NotAProjectPage(f"the body is declared as {content_type} but is not valid JSON")
    if not isinstance(data, dict) or not isinstance(data.get("files"), list):
        return NotAProjectPage("the JSON has no 'files' list: it is not a PEP 691 project page")
    files: list[DistFile] = []
    notes: list[str] = []
    seen: set[tuple[str, str]] = set()
    for number, entry in enumerate(data["files"], start=1):
        if not isinstance(entry, dict) or not isinstance(entry.get("url"), str) or not entry["url"]:
            notes.append(f"file entry {number} has no url; skipped")
            continue
        resolved = _resolve(page_url, entry["url"])
        if resolved is None:
            notes.append(f"file entry {number}: {entry['url']!r} is not an http(s) URL; skipped")
            continue
        url, fragment = resolved
        if resolved in seen:
            continue  # the same file twice is one candidate, as pip's _sort_links keeps it
        seen.add(resolved)
        # pip 26.3 (Link.from_json) names a file by its URL, not by the "filename" key.
        filename = _filename_of(url)
        declared = entry.get("filename")
        if isinstance(declared, str) and declared and declared != filename:
            notes.append(
                f"file entry {number}: its filename {declared!r} is not the name in its URL, "
                f"{filename!r}; pip goes by the URL, uv by the filename"
            )
        raw_hashes = entry.get("hashes")
        hashes = (
            tuple(
                (str(k).lower(), str(v).lower())
                for k, v in raw_hashes.items()
                if isinstance(v, str)
            )
            if isinstance(raw_hashes, dict)
            else ()
        ) or _hash_fragment(url, fragment)  # pip's Link reads the URL's fragment too
        yanked = entry.get("yanked", False)
        requires = entry.get("requires-python")
        size = entry.get("size")
        upload = entry.get("upload-time")
        files.append(
            DistFile(
                filename=filename,
                url=url,
                hashes=hashes,
                requires_python=requires.strip() or None if isinstance(requires, str) else None,
                yanked=(yanked if isinstance(yanked, str) else "") if yanked else None,
                core_metadata=_metadata_flag(
                    entry.get("core-metadata", entry.get("dist-info-metadata"))
                ),
                size=size if isinstance(size, int) and not isinstance(size, bool) else None,
                upload_time=upload if isinstance(upload, str) else None,
                egg=_checked_egg(entry["url"], fragment),
            )
        )
    meta = data.get("meta")
    version = meta.get("api-version") if isinstance(meta, dict) else None
    versions = data.get("versions")
    status = data.get("project-status")
    state = status.get("status") if isinstance(status, dict) else None
    reason = status.get("reason") if isinstance(status, dict) else None
    return ProjectPage(
        format="json",
        name=str(data["name"]) if isinstance(data.get("name"), str) else None,
        api_version=str(version) if version is not None else None,
        files=tuple(files),
        versions=tuple(str(v) for v in versions) if isinstance(versions, list) else (),
        notes=tuple(notes),
        status=state.strip().lower() if isinstance(state, str) and state.strip() else None,
        status_reason=reason if isinstance(reason, str) and reason else None,
    )


def _parse_html_project(
    body: bytes, page_url: str, charset: str | None = None
) -> ProjectPage | NotAProjectPage:
    # pip decodes the page strictly, in its charset or UTF-8, and stops on any error.
    try:
        text = body.decode(charset or "utf-8")
    except LookupError:
        return NotAProjectPage(f"its charset {charset!r} is unknown: pip 26.3 cannot read it")
    except UnicodeDecodeError:
        return NotAProjectPage(
            f"it is not valid {charset or 'UTF-8'} text: pip 26.3 cannot decode it and stops"
        )
    try:
        return _read_html_project(text, page_url)
    except _PipStops as stop:
        return NotAProjectPage(str(stop))


def _read_html_project(text: str, page_url: str) -> ProjectPage | NotAProjectPage:
    parser = _read_html(text)
    if parser.tag_count == 0:
        return NotAProjectPage("the body, declared as HTML, contains no HTML")
    if parser.has_password_field:
        return NotAProjectPage("the page asks for a password: a login page, not a project page")
    notes: list[str] = []
    resolved_base = _resolve(page_url, parser.base) if parser.base else None
    if parser.base and resolved_base is None:
        notes.append(f"<base href={parser.base!r}> is not an http(s) URL; ignored")
    base = resolved_base[0] if resolved_base else page_url
    files: list[DistFile] = []
    seen: set[tuple[str, str]] = set()
    for attrs, _ in parser.anchors:
        href = attrs.get("href")
        if not href:
            continue
        resolved = _resolve(base, href)
        if resolved is None:
            notes.append(f"link {href!r} is not an http(s) URL; skipped")
            continue
        url, fragment = resolved
        filename = _filename_of(url)
        if not filename or urlsplit(url).path == urlsplit(page_url).path:
            continue  # a link to the page itself (#top, ?page=2) or to the root: not a file
        if (url, fragment) in seen:
            continue  # the same link twice is one candidate, as pip's _sort_links keeps it
        seen.add((url, fragment))
        requires = attrs.get("data-requires-python")
        # PEP 714 renamed data-dist-info-metadata; servers send either or both. A bare
        # attribute (no value) counts as "true".
        metadata = next(
            (
                attrs[key]
                for key in ("data-core-metadata", "data-dist-info-metadata")
                if key in attrs
            ),
            False,
        )
        files.append(
            DistFile(
                filename=filename,
                url=url,
                hashes=_hash_fragment(url, fragment),
                egg=_checked_egg(href, fragment),
                requires_python=requires.strip() or None if requires else None,
                yanked=_yanked(attrs, filename, notes),
                core_metadata=True if metadata is None else _metadata_flag(metadata),
            )
        )
    return ProjectPage(
        "html",
        None,
        parser.api_version,
        tuple(files),
        notes=tuple(notes),
        status=parser.status,
        status_reason=parser.status_reason,
    )


def _yanked(attrs: Mapping[str, str | None], filename: str, notes: list[str]) -> str | None:
    """``data-yanked`` as pip 26.3 reads it: with a value (even empty), yanked for that reason;
    a bare attribute is *not* yanked for pip (``anchor.get`` gives None), although PEP 592 and
    uv count it as yanked. The verdict follows pip and the note says both."""
    if "data-yanked" not in attrs:
        return None
    value = attrs["data-yanked"]
    if value is None:
        notes.append(
            f"{filename}: data-yanked has no value: pip 26.3 installs it as not yanked; PEP 592 "
            "and uv count it as yanked (uv then skips it unless it is pinned)"
        )
    return value


def listed_files(fetched: FetchResult | None) -> int | None:
    """How many files a project page that answered 200 lists; ``None`` for any other answer
    (a Nexus group's 200 with no file is 0: no member answered with the project)."""
    response = fetched.response if fetched is not None else None
    if fetched is None or response is None or response.status != 200:
        return None
    page = parse_project_page(
        response.body, response.content_type, fetched.final_url or response.url, response.charset
    )
    return len(page.files) if isinstance(page, ProjectPage) else None
