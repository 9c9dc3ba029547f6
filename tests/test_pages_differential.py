"""Index pages read as pip reads them (issue 24): a differential test against pip's own finder.

For every page in ``tests/data/pages/`` (real PEP 503 HTML and PEP 691 JSON captures, provenance in
its README) and for generated pages, the oracle is pip's own code, never a re-implementation:

- the links: ``pip._internal.index.collector.parse_links`` over an ``IndexContent`` (no session, no
  network, no pip configuration is read: the collector's fetching half is not used; link-parsing
  cache off);
- each link's version, as ``LinkEvaluator.evaluate_link`` computes it, minus the steps that depend
  on this machine (wheel tag support, the target Python, ``--only-binary`` and upload-time
  filters): the ``#egg=`` fragment or ``Link.splitext``, pip's ``SUPPORTED_EXTENSIONS`` and its
  "macosx10" ``.zip`` rule, ``Wheel(link.filename)`` with its project-name check, else
  ``_extract_version_from_fragment``, the ``-pyX.Y`` suffix cut, and ``InstallationCandidate``'s
  refusal of a string that is not a PEP 440 version; duplicate links dropped as
  ``PackageFinder._sort_links`` drops them;
- ``link.is_yanked``, ``link.hash_name`` / ``link.hash``, ``link.requires_python`` and the URL pip
  requests (``link.url_without_fragment``: the fragment never goes on the wire).

asdiag's view is ``parse_project_page`` then ``package.releases``. Per file name, the two views must
agree on the version pip would take the file as (``None``: not a candidate), and, for every file
pip takes, on the yank flag, hash presence (and pip's hash being one asdiag knows), the declared
Requires-Python (surrounding whitespace aside, which ``SpecifierSet`` ignores) and the URL.

A difference is either fixed in asdiag or listed in ``KNOWN_DIFFERENCES`` with its reason.
"""

from __future__ import annotations

import html
import json
import re
from collections import defaultdict
from dataclasses import dataclass
from pathlib import Path
from urllib.parse import quote, urldefrag

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from packaging.utils import canonicalize_name, canonicalize_version
from packaging.version import InvalidVersion, Version
from pip._internal.exceptions import InvalidWheelFilename
from pip._internal.index.collector import IndexContent, parse_links
from pip._internal.index.package_finder import LinkEvaluator, _extract_version_from_fragment
from pip._internal.models.link import Link
from pip._internal.models.wheel import Wheel
from pip._internal.utils.filetypes import WHEEL_EXTENSION
from pip._internal.utils.unpacking import SUPPORTED_EXTENSIONS

from asdiag.package import releases
from asdiag.simple_api import ProjectPage, parse_project_page

PAGES = Path(__file__).parent / "data" / "pages"
CORPUS: dict[str, dict[str, str]] = json.loads((PAGES / "index.json").read_text())
CONTENT_TYPES = {"html": "text/html", "json": "application/vnd.pypi.simple.v1+json"}

#: A difference either fixed or listed here with its reason:
#: ``(page file, dist file name, field, reason)``. Empty: every difference is a bug to fix.
KNOWN_DIFFERENCES: list[tuple[str, str, str, str]] = []

FIELDS = ("version", "yanked", "hash", "requires_python", "url")


@dataclass(frozen=True)
class View:
    """One file as one side reads it. ``version`` is ``None`` when it is not a candidate."""

    filename: str
    version: str | None
    yanked: bool
    #: pip: its one ``(hash_name, hash)``; asdiag: every hash it keeps.
    hashes: tuple[tuple[str, str], ...]
    requires_python: str | None
    url: str


@dataclass(frozen=True)
class Difference:
    page: str
    filename: str
    field: str
    pip: object
    asdiag: object

    def __str__(self) -> str:
        return (
            f"{self.page}: {self.filename}: {self.field}: pip={self.pip!r} asdiag={self.asdiag!r}"
        )


# --- pip's view ----------------------------------------------------------------------------


def _pip_version(link: Link, canonical: str) -> str | None:
    """``LinkEvaluator.evaluate_link``'s version, without its platform-dependent steps."""
    version: str | None = None
    if link.egg_fragment:
        egg_info, ext = link.egg_fragment, link.ext
    else:
        egg_info, ext = link.splitext()
        if not ext or ext not in SUPPORTED_EXTENSIONS:
            return None
        if "macosx10" in link.path and ext == ".zip":
            return None
        if ext == WHEEL_EXTENSION:
            try:
                wheel = Wheel(link.filename)
            except InvalidWheelFilename:
                return None
            if wheel.name != canonical:
                return None
            version = wheel.version
    if not version:
        version = _extract_version_from_fragment(egg_info, canonical)
    if not version:
        return None
    # pip cuts "-py3.8" and keeps the link only for that Python; the cut is what it compares.
    match = LinkEvaluator._py_version_re.search(version)
    if match:
        version = version[: match.start()]
    try:
        # InstallationCandidate drops what is not PEP 440; 1.0 and 1.0.0 are one version.
        return canonicalize_version(Version(version))
    except InvalidVersion:
        return None


def pip_view(body: bytes, content_type: str, page_url: str, project: str) -> list[View]:
    canonical = canonicalize_name(project)
    # cache_link_parsing=False: parse_links otherwise memoises its answer by page URL, and
    # several corpus pages (and every generated one) share a URL.
    page = IndexContent(body, content_type, encoding=None, url=page_url, cache_link_parsing=False)
    seen: set[Link] = set()
    views = []
    for link in parse_links(page):
        if link in seen:  # PackageFinder._sort_links drops repeated links
            continue
        seen.add(link)
        views.append(
            View(
                filename=link.filename,
                version=_pip_version(link, canonical),
                yanked=link.is_yanked,
                hashes=((link.hash_name, link.hash),) if link.hash_name and link.hash else (),
                requires_python=link.requires_python,
                url=link.url_without_fragment,
            )
        )
    return views


# --- asdiag's view -------------------------------------------------------------------------


def asdiag_view(body: bytes, content_type: str, page_url: str, project: str) -> list[View] | str:
    """The files asdiag reads, or why it read no page at all."""
    page = parse_project_page(body, content_type, page_url)
    if not isinstance(page, ProjectPage):
        return page.reason
    found, _ = releases(page, canonicalize_name(project))
    version_of = {
        id(dist): canonicalize_version(release.version)
        for release in found
        for dist in release.files
    }
    return [
        View(
            filename=dist.filename,
            version=version_of.get(id(dist)),
            yanked=dist.yanked is not None,
            hashes=dist.hashes,
            requires_python=dist.requires_python,
            url=urldefrag(dist.url)[0],
        )
        for dist in page.files
    ]


# --- the comparison ------------------------------------------------------------------------


def _strip(text: str | None) -> str | None:
    return (text.strip() or None) if text is not None else None


def compare(name: str, pip: list[View], ours: list[View] | str) -> list[Difference]:
    if isinstance(ours, str):
        return [
            Difference(name, view.filename, "page", view.version, f"not a project page: {ours}")
            for view in pip
            if view.version is not None
        ]
    by_pip: dict[str, list[View]] = defaultdict(list)
    by_ours: dict[str, list[View]] = defaultdict(list)
    for view in pip:
        by_pip[view.filename].append(view)
    for view in ours:
        by_ours[view.filename].append(view)
    differences = []
    for filename in dict.fromkeys([*by_pip, *by_ours]):
        theirs_all = [v for v in by_pip.get(filename, []) if v.version is not None]
        ours_all = [v for v in by_ours.get(filename, []) if v.version is not None]
        if not theirs_all and not ours_all:
            continue  # neither side takes it: nothing pip would install
        if len(theirs_all) != len(ours_all):
            differences.append(
                Difference(
                    name,
                    filename,
                    "candidates",
                    [(v.version, v.url) for v in theirs_all],
                    [(v.version, v.url) for v in ours_all],
                )
            )
            # Still compare what can be paired, so the reason shows.
            if not theirs_all or not ours_all:
                continue
        for theirs, mine in zip(theirs_all, ours_all, strict=False):
            differences.extend(_compare_one(name, filename, theirs, mine))
    return [d for d in differences if not _known(d)]


def _compare_one(name: str, filename: str, theirs: View, mine: View) -> list[Difference]:
    out = []
    if theirs.version != mine.version:
        out.append(Difference(name, filename, "version", theirs.version, mine.version))
    if theirs.yanked != mine.yanked:
        out.append(Difference(name, filename, "yanked", theirs.yanked, mine.yanked))
    known = {(k.lower(), v.lower()) for k, v in mine.hashes}
    if bool(theirs.hashes) != bool(mine.hashes) or any(
        (k.lower(), v.lower()) not in known for k, v in theirs.hashes
    ):
        out.append(Difference(name, filename, "hash", theirs.hashes, mine.hashes))
    if _strip(theirs.requires_python) != _strip(mine.requires_python):
        out.append(
            Difference(
                name, filename, "requires_python", theirs.requires_python, mine.requires_python
            )
        )
    if theirs.url != mine.url:
        out.append(Difference(name, filename, "url", theirs.url, mine.url))
    return out


def _known(difference: Difference) -> bool:
    return any(
        (page, filename, field) == (difference.page, difference.filename, difference.field)
        for page, filename, field, _ in KNOWN_DIFFERENCES
    )


def _report(differences: list[Difference]) -> str:
    return f"{len(differences)} difference(s) from pip:\n" + "\n".join(
        f"  {d}" for d in differences
    )


# --- the corpus ----------------------------------------------------------------------------


def test_corpus_is_indexed_and_described() -> None:
    files = {p.name for p in PAGES.iterdir() if p.suffix in (".html", ".json")}
    files.discard("index.json")
    assert files == set(CORPUS), "index.json must list every page and nothing else"
    readme = (PAGES / "README.md").read_text()
    for name, entry in CORPUS.items():
        assert f"`{name}`" in readme, f"{name} has no provenance line in README.md"
        assert entry["format"] in CONTENT_TYPES
        assert entry["page_url"].startswith(("http://", "https://"))
    assert 30 <= len(CORPUS) <= 80


def test_known_differences_name_corpus_pages() -> None:
    for page, _, field, reason in KNOWN_DIFFERENCES:
        assert page in CORPUS or page == "<generated>"
        assert field in (*FIELDS, "candidates", "page")
        assert reason.strip(), "every listed difference says why"


@pytest.mark.parametrize("name", sorted(CORPUS))
def test_page_reads_as_pip_reads_it(name: str) -> None:
    entry = CORPUS[name]
    body = (PAGES / name).read_bytes()
    content_type = CONTENT_TYPES[entry["format"]]
    pip = pip_view(body, content_type, entry["page_url"], entry["project"])
    ours = asdiag_view(body, content_type, entry["page_url"], entry["project"])
    differences = compare(name, pip, ours)
    assert not differences, _report(differences)


# --- generated pages -----------------------------------------------------------------------

_WORD = st.text(alphabet="abcdefghijklmnopqrstuvwxyz0123456789", min_size=1, max_size=6)
_NAMES = st.lists(_WORD.filter(lambda w: w[0].isalpha()), min_size=1, max_size=3)
_EXTENSIONS = [
    ".tar.gz", ".tgz", ".tar.bz2", ".tbz", ".tar.xz", ".txz", ".tlz", ".tar.lz", ".tar.lzma",
    ".tar", ".zip", ".egg", ".exe", ".tar.Z",
]  # fmt: skip


@st.composite
def _versions(draw: st.DrawFn) -> str:
    release = ".".join(str(n) for n in draw(st.lists(st.integers(0, 20), min_size=1, max_size=3)))
    text = draw(st.sampled_from(["", "v"])) + release
    text += draw(st.sampled_from(["", "a1", "b2", "rc1", ".pre3"]))
    text += draw(st.sampled_from(["", ".post1", "-2", ".post", "post4"]))
    text += draw(st.sampled_from(["", ".dev0", ".dev5", "dev"]))
    text += draw(st.sampled_from(["", "+local", "+cpu.1", "+cu118"]))
    return text


@st.composite
def _spellings(draw: st.DrawFn, words: list[str]) -> str:
    """The project name as an uploader might have written it in a file name."""
    separator = draw(st.sampled_from(["-", "_", "."]))
    name = separator.join(words)
    return draw(st.sampled_from([name, name.upper(), name.title()]))


@st.composite
def _files(draw: st.DrawFn, words: list[str]) -> dict[str, object]:
    other = draw(st.booleans()) and draw(st.integers(0, 9)) == 0
    spelled = "otherproject" if other else draw(_spellings(words))
    version = draw(_versions())
    if draw(st.booleans()):
        tag = draw(st.sampled_from(["py3-none-any", "cp311-cp311-manylinux_2_17_x86_64"]))
        build = draw(st.sampled_from(["", "-1", "-2b"]))
        # Wheel names escape the project name with underscores (the spec; not every uploader).
        filename = f"{spelled.replace('-', '_')}-{version}{build}-{tag}.whl"
    else:
        filename = f"{spelled}-{version}{draw(st.sampled_from(_EXTENSIONS))}"
    keys = []
    for key in draw(
        st.lists(st.sampled_from(["sha256", "md5", "egg", "subdirectory"]), max_size=3)
    ):
        if key == "sha256":
            keys.append("sha256=" + draw(st.sampled_from(["ab" * 32, "CD" * 32])))
        elif key == "md5":
            keys.append("md5=" + "ef" * 16)
        elif key == "egg":
            egg_version = re.sub(r"[^A-Za-z0-9._-]", "", version)
            egg = f"{spelled}-{egg_version}" if egg_version else spelled
            if Link._project_name_re.match(egg):  # pip raises InvalidEggFragment otherwise
                keys.append(f"egg={egg}")
        else:
            keys.append("subdirectory=src")
    directory = draw(st.sampled_from(["", "files/", "dir with space/", "a+b/", "../../f/"]))
    quote_href = draw(st.booleans())
    href = directory + (quote(filename) if quote_href else filename)
    if draw(st.booleans()):
        href = "https://files.example/" + href.removeprefix("../../")
    if draw(st.integers(0, 5)) == 0:
        href += "/"
    if keys:
        href += "#" + "&".join(keys)
    return {
        "filename": filename,
        "href": href,
        "yanked": draw(st.sampled_from([None, None, "", "broken & bad"])),
        "requires_python": draw(st.sampled_from([None, None, "", ">=3.8", " >=3.9, <4 "])),
    }


def _render_html(files: list[dict[str, object]]) -> bytes:
    anchors = []
    for f in files:
        attrs = f'href="{html.escape(str(f["href"]))}"'
        if f["requires_python"] is not None:
            attrs += f' data-requires-python="{html.escape(str(f["requires_python"]))}"'
        if f["yanked"] == "":
            attrs += " data-yanked"
        elif f["yanked"] is not None:
            attrs += f' data-yanked="{html.escape(str(f["yanked"]))}"'
        anchors.append(f"<a {attrs}>{html.escape(str(f['filename']))}</a><br/>")
    return ("<!DOCTYPE html><html><body>\n" + "\n".join(anchors) + "\n</body></html>").encode()


def _render_json(name: str, files: list[dict[str, object]]) -> bytes:
    entries = []
    for f in files:
        url, fragment = urldefrag(str(f["href"]))
        hashes = dict(part.split("=", 1) for part in fragment.split("&") if part.startswith("sha"))
        entry: dict[str, object] = {"filename": f["filename"], "url": url, "hashes": hashes}
        if f["yanked"] is not None:
            entry["yanked"] = f["yanked"] or True
        if f["requires_python"] is not None:
            entry["requires-python"] = f["requires_python"]
        entries.append(entry)
    return json.dumps({"meta": {"api-version": "1.1"}, "name": name, "files": entries}).encode()


@settings(
    max_examples=150,
    deadline=None,
    suppress_health_check=[HealthCheck.too_slow, HealthCheck.data_too_large],
)
@given(data=st.data())
def test_generated_pages_read_as_pip_reads_them(data: st.DataObject) -> None:
    words = data.draw(_NAMES, label="project words")
    project = "-".join(words)
    files = data.draw(st.lists(_files(words), min_size=1, max_size=6), label="files")
    page_url = f"https://index.example/simple/{project}/"
    if data.draw(st.booleans(), label="json"):
        body, content_type = _render_json(project, files), CONTENT_TYPES["json"]
    else:
        body, content_type = _render_html(files), CONTENT_TYPES["html"]
    pip = pip_view(body, content_type, page_url, project)
    ours = asdiag_view(body, content_type, page_url, project)
    differences = compare("<generated>", pip, ours)
    assert not differences, f"page:\n{body.decode()}\n" + _report(differences)
