"""asdiag's requirements-file reader against pip's own parser, over a corpus of real files.

Every top-level ``*.txt`` of ``tests/data/requirements/`` (the files they include live in its
``inc/`` folder; provenance in its README) is read twice: by pip 26.3's
``pip._internal.req.req_file.parse_requirements`` with a real ``PackageFinder`` and each
``ParsedRequirement`` turned into an ``InstallRequirement`` by
``install_req_from_parsed_requirement``, and by ``asdiag.requirements_files``. Compared: the
multiset of requirements (canonical name, specifier, marker, constraint, editable, and the link
for a URL, a path or an editable), the index URLs and find-links the finder is left with,
``--no-index``, ``--pre`` and ``--no-binary``/``--only-binary``, and that pip refuses exactly the
files where asdiag reports a problem saying "pip refuses".

pip is isolated: ``tests/conftest.py`` points ``PIP_CONFIG_FILE`` at devnull and empties every
``PIP_*`` variable; nothing here opens a network connection (the finder is only configured).
pip checks the file system while it parses (a directory requirement must exist, an editable
path must be a directory), asdiag deliberately does not; so pip runs in a scratch directory in
which every relative directory the file names exists, holding a ``pyproject.toml``.

A difference is either fixed or listed in ``KNOWN_DIFFERENCES`` with its reason; a listed file
must still differ (the entry is removed once it does not).
"""

from __future__ import annotations

import os
import urllib.parse
from collections import Counter
from dataclasses import dataclass
from pathlib import Path

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from packaging.utils import canonicalize_name

from asdiag.requirements_files import (
    UNCHECKABLE_EDITABLE,
    UNCHECKABLE_PATH,
    Entry,
    ParsedFiles,
    read_requirement_files,
)

CORPUS = Path(__file__).parent / "data" / "requirements"
TOP_LEVEL = sorted(path.name for path in CORPUS.glob("*.txt"))
#: The variables the corpus's ``${VAR}`` lines name (pip's own test sets these two).
ENVIRON = {"GITHUB_TOKEN": "notarealtoken", "DO_12_FACTOR": "awwyeah"}

#: A difference either fixed or listed here with its reason.
_NO_FILE_SYSTEM = (
    "pip refuses an editable path that is not an existing directory; asdiag reads paths without "
    "looking at the file system (requirements_files._parse_requirement), so it keeps "
)
KNOWN_DIFFERENCES: dict[str, str] = {
    "uv-editable.txt": _NO_FILE_SYSTEM
    + "'-e ./editable[d, dev]', which shlex cuts at the space into the directory './editable[d,'",
    "uv-hash.txt": _NO_FILE_SYSTEM
    + "'-e ./editable# comment' (no space before '#': not a comment), the directory './editable#'",
    "uv-semicolon.txt": _NO_FILE_SYSTEM
    + "'-e ./editable;python_version >= ...', the directory './editable;python_version'",
}

#: (canonical name, specifier, marker, constraint, editable, link)
Key = tuple[str | None, str, str, bool, bool, str | None]


@dataclass(frozen=True)
class View:
    """What a reader makes of a file; ``refused`` is None when the file is accepted."""

    refused: str | None
    entries: Counter[Key]
    index_urls: tuple[str, ...] = ()
    find_links: tuple[str, ...] = ()
    no_index: bool = False
    #: pip's ReleaseControl (--pre, --all-releases, --only-final): the two sets.
    all_releases: frozenset[str] = frozenset()
    only_final: frozenset[str] = frozenset()
    no_binary: frozenset[str] = frozenset()
    only_binary: frozenset[str] = frozenset()


def _link(url: str) -> str:
    """A link compared without its fragment and with its path unquoted (pip quotes it)."""
    parts = urllib.parse.urlsplit(url)
    return urllib.parse.urlunsplit(
        parts._replace(path=urllib.parse.unquote(parts.path), fragment="")
    )


def pip_view(path: Path) -> View:
    from pip._internal.exceptions import PipError
    from pip._internal.index.collector import LinkCollector
    from pip._internal.index.package_finder import PackageFinder
    from pip._internal.models.search_scope import SearchScope
    from pip._internal.models.selection_prefs import SelectionPreferences
    from pip._internal.network.session import PipSession
    from pip._internal.req.constructors import install_req_from_parsed_requirement
    from pip._internal.req.req_file import OptionParsingError, parse_requirements
    from pip._internal.req.req_install import check_invalid_constraint_type
    from pip._vendor.packaging.requirements import InvalidRequirement

    entries: Counter[Key] = Counter()
    with PipSession() as session:
        finder = PackageFinder.create(
            link_collector=LinkCollector(session, SearchScope.create([], [], False)),
            selection_prefs=SelectionPreferences(allow_yanked=True),
        )
        try:
            for parsed in parse_requirements(str(path), session, finder=finder):
                ireq = install_req_from_parsed_requirement(parsed)
                if parsed.constraint and (problem := check_invalid_constraint_type(ireq)):
                    # pip's resolver raises InstallationError for it before resolving.
                    return View(problem, Counter())
                named = ireq.req is not None and (ireq.link is None or bool(ireq.req.url))
                req = ireq.req if named else None
                entries[
                    (
                        canonicalize_name(req.name) if req else None,
                        str(req.specifier) if req else "",
                        str(ireq.markers) if ireq.markers else "",
                        parsed.constraint,
                        parsed.is_editable,
                        _link(ireq.link.url) if ireq.link else None,
                    )
                ] += 1
        except (PipError, OptionParsingError, InvalidRequirement, SystemExit) as exc:
            return View(f"{type(exc).__name__}: {exc}", Counter())
    release = finder.release_control
    return View(
        None,
        entries,
        tuple(finder.index_urls),
        tuple(finder.find_links),
        finder.search_scope.no_index,
        frozenset(release.all_releases) if release is not None else frozenset(),
        frozenset(release.only_final) if release is not None else frozenset(),
        frozenset(finder.format_control.no_binary),
        frozenset(finder.format_control.only_binary),
    )


def _local_part(entry: Entry) -> str:
    """The path an unnamed local entry names: its text without marker, comment or extras."""
    text = entry.text.split(";")[0].split("#")[0].strip()
    if text.endswith("]") and "[" in text:
        text = text[: text.rindex("[")]
    return text


def _asdiag_link(entry: Entry, cwd: Path) -> str | None:
    from pip._internal.utils.urls import path_to_url

    if entry.requirement is not None:
        return _link(entry.requirement.url) if entry.requirement.url else None
    if entry.uncheckable == UNCHECKABLE_PATH or (
        entry.uncheckable == UNCHECKABLE_EDITABLE and "://" not in entry.text
    ):
        if "://" in entry.text:  # file:///...
            return _link(entry.text.split("; ")[0].split(" #")[0].strip())
        return _link(path_to_url(os.path.normpath(cwd / _local_part(entry))))
    return _link(entry.text.split("; ")[0].split(" #")[0].strip())


def asdiag_view(parsed: ParsedFiles, cwd: Path) -> View:
    refusals = [problem for problem in parsed.problems if "pip refuses" in problem]
    if refusals:
        return View(refusals[0], Counter())
    entries: Counter[Key] = Counter()
    for entry in parsed.entries:
        req = entry.requirement
        entries[
            (
                canonicalize_name(req.name) if req else None,
                str(req.specifier) if req else "",
                str(entry.marker) if entry.marker else "",
                entry.constraint,
                entry.uncheckable == UNCHECKABLE_EDITABLE,
                _asdiag_link(entry, cwd),
            )
        ] += 1
    effective = parsed.effective_index_lines
    formats = parsed.formats
    return View(
        None,
        entries,
        tuple(line.url for line in effective if line.option != "--find-links"),
        tuple(line.url for line in effective if line.option == "--find-links"),
        any(line.option == "--no-index" for line in parsed.index_lines),
        parsed.releases.all_releases,
        parsed.releases.only_final,
        formats.no_binary,
        formats.only_binary,
    )


def _prepare_local_directories(parsed: ParsedFiles, cwd: Path) -> None:
    """Make every relative directory the entries name, so that pip's file-system checks pass."""
    for entry in parsed.entries:
        if entry.requirement is not None or "://" in entry.text:
            continue
        if entry.uncheckable not in (UNCHECKABLE_PATH, UNCHECKABLE_EDITABLE):
            continue
        local = _local_part(entry).split("[")[0]
        if local.lower().endswith((".whl", ".zip", ".tar.gz", ".tgz", ".tar.bz2", ".tar")):
            continue  # pip accepts a missing archive (with a warning)
        directory = cwd / local
        directory.mkdir(parents=True, exist_ok=True)
        (directory / "pyproject.toml").write_text("[project]\nname = 'x'\n", encoding="utf-8")


def compare(path: Path, cwd: Path, monkeypatch: pytest.MonkeyPatch) -> tuple[View, View]:
    for name, value in ENVIRON.items():
        monkeypatch.setenv(name, value)
    parsed = read_requirement_files([str(path)], environ=ENVIRON)
    _prepare_local_directories(parsed, cwd)
    monkeypatch.chdir(cwd)
    return pip_view(path), asdiag_view(parsed, cwd)


def _agree(pip: View, ours: View) -> bool:
    if pip.refused is not None or ours.refused is not None:
        return (pip.refused is None) == (ours.refused is None)
    return pip == ours


def test_the_corpus_is_real_and_documented() -> None:
    readme = (CORPUS / "README.md").read_text(encoding="utf-8")
    assert 25 <= len(TOP_LEVEL) <= 60
    for name in [*TOP_LEVEL, *(str(p.relative_to(CORPUS)) for p in CORPUS.glob("inc/**/*.txt"))]:
        assert f"`{name}`" in readme, name
    assert set(KNOWN_DIFFERENCES) <= set(TOP_LEVEL)
    assert all(len(reason) > 30 for reason in KNOWN_DIFFERENCES.values())


@pytest.mark.parametrize("name", TOP_LEVEL)
def test_asdiag_reads_each_corpus_file_as_pip_does(
    name: str, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    cwd = tmp_path / "cwd"
    cwd.mkdir()
    pip, ours = compare(CORPUS / name, cwd, monkeypatch)
    if name in KNOWN_DIFFERENCES:
        assert not _agree(pip, ours), f"{name} now agrees with pip: drop it from KNOWN_DIFFERENCES"
        return
    if pip.refused is not None or ours.refused is not None:
        assert (pip.refused, ours.refused) != (None, None)
        assert pip.refused is not None, f"asdiag says pip refuses {name}: {ours.refused}"
        assert ours.refused is not None, f"pip refuses {name} ({pip.refused}); asdiag does not"
        return
    assert ours.entries == pip.entries
    assert ours == pip


# --- random lines -------------------------------------------------------------------------------

_NAMES = st.sampled_from(["requests", "Zope.Interface", "typing_extensions", "a-b", "x1"])
_SPECIFIERS = st.sampled_from(["", "==1.0", ">=2,<3", "~=1.4.2", "!=1.5.*", " >= 1.0 ", "===x"])
_MARKERS = st.sampled_from(
    [
        'python_version < "3.12"',
        "sys_platform == 'win32'",
        'os_name == "posix" and platform_machine != "s390x"',
        "extra == 'test'",
    ]
)
_URLS = st.sampled_from(
    [
        "https://example.com/pkg/x-1.0-py3-none-any.whl",
        "https://example.com/x-1.0.tar.gz",
        "git+https://github.com/o/r.git@v1#egg=r",
        "file:///tmp/x-1.0.tar.gz",
    ]
)
_OPTIONS = st.sampled_from(
    [
        "--pre",
        "--no-index",
        "--index-url https://i.example/simple",
        "--extra-index-url https://x.example/simple",
        "-f https://f.example/links",
        "--find-links=https://g.example/links",
        "--only-binary :all:",
        "--no-binary requests",
        "--prefer-binary",
        "--hash=sha256:" + "a" * 64,
        "--unknown-option",
    ]
)


@st.composite
def _line(draw: st.DrawFn) -> str:
    kind = draw(st.integers(0, 4))
    if kind == 0:
        line = draw(_NAMES) + draw(_SPECIFIERS)
    elif kind == 1:
        line = f"{draw(_NAMES)} @ {draw(_URLS)}"
    elif kind == 2:
        line = draw(_URLS)
    elif kind == 3:
        return " ".join(draw(st.lists(_OPTIONS, min_size=1, max_size=3)))
    else:
        line = f"-e {draw(_URLS)}"
    if draw(st.booleans()):
        space = draw(st.sampled_from(["", " ", "  "]))
        line = f"{line}{space};{draw(st.sampled_from(['', ' ']))}{draw(_MARKERS)}"
    if draw(st.booleans()):
        line += f" {draw(_OPTIONS)}"
    if draw(st.booleans()):
        line += " # comment"
    if draw(st.booleans()) and " " in line:
        head, _, tail = line.partition(" ")
        line = f"{head} \\\n    {tail}"
    return line


@settings(
    max_examples=300, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture]
)
@given(lines=st.lists(_line(), min_size=1, max_size=5))
def test_random_lines_are_read_as_pip_reads_them(
    lines: list[str], tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    path = tmp_path / "r.txt"
    path.write_text("".join(f"{line}\n" for line in lines), encoding="utf-8")
    cwd = tmp_path / "cwd"
    cwd.mkdir(exist_ok=True)
    with monkeypatch.context() as patch:
        pip, ours = compare(path, cwd, patch)
    if pip.refused is not None or ours.refused is not None:
        assert (pip.refused is None, ours.refused is None) == (False, False), (pip, ours)
        return
    assert ours == pip
