"""Read a project's dependencies from requirements files, ``pylock.toml`` and ``pyproject.toml``.

``asdiag requirements`` triages every dependency of a project at once; this module turns the
files it is given into typed :class:`Entry` values (one per requirement, with the file and line it
came from), the index options those files carry (:class:`IndexLine`), and problem notes. It reads
files and nothing else: no network, no subprocess, and it never raises for file content.

Each requirement is parsed by ``packaging.requirements.Requirement``, a lock by
``packaging.pylock`` (packaging >= 26.1) and ``[dependency-groups]`` by
``packaging.dependency_groups`` (packaging >= 26.1); TOML by ``tomllib``. Only the *structure* of
a requirements file is parsed here, because no maintained library reads it without importing
pip's private ``pip._internal``. That part follows pip 26.3's ``pip/_internal/req/req_file.py``
and reuses the helpers :mod:`asdiag.client_config` already wrote from it (its line parser with
pip's option table, its decoding and its ``preprocess``); how a requirement string becomes a
URL, a path or a named requirement follows ``req/constructors.py`` (``parse_req_from_line``).
Where pip stops with an error the whole file is refused; here the offending line becomes a
problem and the rest of the file is still read, so that one run reports everything.

URLs may hold passwords: :class:`IndexLine` keeps its ``url`` out of ``repr``, :class:`Entry`
redacts its ``repr``, and problems are redacted before they are kept.
"""

from __future__ import annotations

import functools
import os
import re
import tomllib
import urllib.parse
import urllib.request
from collections.abc import Iterable, Iterator, Mapping, Sequence
from dataclasses import dataclass, field, replace
from pathlib import Path
from typing import Any, Literal

from packaging.dependency_groups import DependencyGroupResolver
from packaging.markers import (
    InvalidMarker,
    Marker,
    UndefinedComparison,
    UndefinedEnvironmentName,
)
from packaging.pylock import Package, Pylock, PylockValidationError, is_valid_pylock_path
from packaging.requirements import InvalidRequirement, Requirement
from packaging.specifiers import SpecifierSet
from packaging.utils import (
    InvalidSdistFilename,
    InvalidWheelFilename,
    NormalizedName,
    canonicalize_name,
    parse_sdist_filename,
    parse_wheel_filename,
)
from packaging.version import InvalidVersion, Version

from asdiag.distfiles import SDIST_EXTENSIONS
from asdiag.platforms import PRESETS
from asdiag.redact import Redactor, redact_url
from asdiag.requirements_lines import (
    OptionError,
    decode_requirements,
    given_options,
    parse_line,
    requirement_lines,
)
from asdiag.simple_api import PROJECT_NAME, egg_fragment
from asdiag.urls import url_passwords

__all__ = [
    "UNCHECKABLE_EDITABLE",
    "UNCHECKABLE_PATH",
    "UNCHECKABLE_SELF",
    "UNCHECKABLE_URL",
    "UNCHECKABLE_VCS",
    "Entry",
    "FileKind",
    "IndexLine",
    "LockScope",
    "OptionLine",
    "Origin",
    "ParsedFiles",
    "file_kind",
    "marker_environment",
    "projects_for",
    "read_requirement_files",
]

#: Why an entry cannot be checked against an index (:attr:`Entry.uncheckable`).
UNCHECKABLE_URL = "a URL requirement"
UNCHECKABLE_VCS = "a VCS URL"
UNCHECKABLE_PATH = "a local path"
UNCHECKABLE_EDITABLE = "an editable install"
#: A pyproject dependency on the project itself (``myproject[test]`` in a group).
UNCHECKABLE_SELF = "the project itself"

#: How a file is read: chosen by its name, and for other ``*.toml`` names by its content.
FileKind = Literal["requirements", "pylock", "pyproject"]

# pip utils/hashes.py STRONG_HASHES: the only algorithms ``--hash`` accepts.
_STRONG_HASHES = ("sha256", "sha384", "sha512")
# pip utils/filetypes.py ARCHIVE_EXTENSIONS: a requirement ending so is a file, not a name.
_ARCHIVE_EXTENSIONS = (*SDIST_EXTENSIONS, ".whl")
# pip vcs/versioncontrol.py ``is_url``: these schemes, plus every VCS's ``schemes``.
_URL_SCHEMES = frozenset({"http", "https", "file", "ftp"})
_VCS_SCHEMES = frozenset(
    {
        *(f"git+{s}" for s in ("http", "https", "ssh", "git", "file")),
        *(f"hg+{s}" for s in ("file", "http", "https", "ssh", "static-http")),
        *(f"svn+{s}" for s in ("ssh", "http", "https", "svn", "file")),
        *(f"bzr+{s}" for s in ("http", "https", "ssh", "sftp", "ftp", "lp", "file")),
    }
)
# Global options of a requirements file that are kept as :class:`OptionLine` values: dest and
# the spelling reported (pip req_file.py SUPPORTED_OPTIONS, minus the index and include ones, and
# minus --no-binary and --only-binary, which read_line keeps from every line, in order).
_GLOBAL_OPTIONS: Mapping[str, str] = {
    "no_index": "--no-index",
    "prefer_binary": "--prefer-binary",
    "require_hashes": "--require-hashes",
    "no_require_hashes": "--no-require-hashes",
    "pre": "--pre",
    "all_releases": "--all-releases",
    "only_final": "--only-final",
    "trusted_host": "--trusted-host",
    "use_feature": "--use-feature",
}
# pip req_file.py SUPPORTED_OPTIONS_REQ: the only options a requirement line keeps.
_REQUIREMENT_OPTIONS = frozenset({"hash", "config_settings", "editables"})


# --- the model ----------------------------------------------------------------------------------


@dataclass(frozen=True)
class Origin:
    """Where an entry, an index line or a problem came from."""

    #: The file as it was named (top-level) or as an include resolves relative to its includer.
    path: str
    #: 1-based line; for a ``\\``-continued requirement, its first line (as pip counts).
    line: int | None = None

    def describe(self) -> str:
        """``reqs/base.txt:12``, or just the path when the line is unknown."""
        return f"{self.path}:{self.line}" if self.line is not None else self.path


@dataclass(frozen=True)
class LockScope:
    """The extras and dependency groups a lock's ``extras``/``dependency_groups`` markers see.

    A PEP 751 marker may ask ``'dev' in dependency_groups``; asdiag triages everything a lock can
    install, so it evaluates them with every extra and group the lock declares.
    """

    extras: frozenset[str] = frozenset()
    dependency_groups: frozenset[str] = frozenset()
    #: The lock's own limits (PEP 751 ``requires-python``, ``environments``) and the package's
    #: ``requires-python``: an installer refuses the lock, or skips the package, outside them.
    requires_python: SpecifierSet | None = None
    environments: tuple[Marker, ...] | None = None
    package_requires_python: SpecifierSet | None = None

    def admits(self, environment: Mapping[str, str]) -> bool:
        """Whether an installer would install this package in ``environment`` as far as the
        lock's and the package's limits go (packaging's ``Pylock.select`` order). A target is
        one Python ``X.Y``: a limit admits it when some ``X.Y.z`` meets it."""
        python = environment.get("python_version", "")
        for limit in (self.requires_python, self.package_requires_python):
            if limit is not None and python and not _admits_python(limit, python):
                return False
        if self.environments is None:
            return True
        try:
            return any(
                marker.evaluate(dict(environment), context="requirement")
                for marker in self.environments
            )
        except (UndefinedComparison, UndefinedEnvironmentName):
            return True  # as for a requirement's marker: check one project too many


@functools.lru_cache(maxsize=256)
def _admits_python(limit: SpecifierSet, python: str) -> bool:
    """Whether some ``python``.z release (``3.12`` -> 3.12.0 ... 3.12.39) meets ``limit``."""
    return any(limit.contains(Version(f"{python}.{patch}")) for patch in range(40))


@dataclass(frozen=True)
class Entry:
    """One requirement (or constraint, or locked package), as written in one place."""

    #: The parsed requirement; None for a bare URL, a path or an editable (no name to look up).
    requirement: Requirement | None
    #: The requirement as written: continuations joined, comment and options removed,
    #: ``${VAR}`` expanded. May hold a URL with a password: use :attr:`shown_text` for output.
    text: str
    origin: Origin
    #: From a ``-c`` file: narrows a requirement, never adds a project.
    constraint: bool = False
    #: ``--hash`` values as written, ``sha256:<hex>``.
    hashes: tuple[str, ...] = ()
    #: pylock: the exact wheel and sdist file names the lock names for this package.
    pinned_files: tuple[str, ...] = ()
    #: Why it cannot be checked against an index (``UNCHECKABLE_*``), "" when it can.
    uncheckable: str = ""
    #: The environment marker, for every kind of entry (``requirement.marker`` when there is a
    #: requirement; for a bare URL or path, the marker pip splits off after ``;``).
    marker: Marker | None = None
    #: pyproject: ``optional-dependencies.test`` or ``dependency-groups.dev``; "" elsewhere.
    group: str = ""
    #: pylock: what its ``extras``/``dependency_groups`` markers are evaluated against.
    lock_scope: LockScope | None = None

    #: For a URL, a path or an editable without ``name @``: the project pip will install from
    #: it, when its ``#egg=`` fragment or its wheel or sdist file name says (else None).
    link_project: NormalizedName | None = None

    @property
    def project(self) -> NormalizedName | None:
        """The canonical project name: the requirement's, or the one a link names; None when
        neither says."""
        if self.requirement is not None:
            return canonicalize_name(self.requirement.name)
        return self.link_project

    @property
    def shown_text(self) -> str:
        """:attr:`text` with any URL password masked."""
        return redact_url(self.text)

    def applies(self, environment: Mapping[str, str]) -> bool:
        """Whether the marker is true in ``environment`` (a :func:`marker_environment`).

        Keys missing from ``environment`` are filled by packaging from the running interpreter,
        so pass a complete one. A marker that cannot be evaluated (a comparison packaging calls
        undefined) counts as true: triage would rather check one project too many.
        """
        if self.lock_scope is not None and not self.lock_scope.admits(environment):
            return False
        if self.marker is None:
            return True
        try:
            if self.lock_scope is not None:
                scoped: dict[str, Any] = {
                    **environment,
                    "extras": self.lock_scope.extras,
                    "dependency_groups": self.lock_scope.dependency_groups,
                }
                return self.marker.evaluate(scoped, context="lock_file")
            # pip's InstallRequirement.match_markers: no extras requested means extra == "";
            # an optional dependency of pyproject's [project.optional-dependencies] X is
            # installed when X is asked for, so its marker sees extra == "X".
            extra = (
                self.group.removeprefix("optional-dependencies.")
                if self.group.startswith("optional-dependencies.")
                else ""
            )
            return self.marker.evaluate({**environment, "extra": extra}, context="metadata")
        except (UndefinedComparison, UndefinedEnvironmentName):
            return True

    def __repr__(self) -> str:
        # Not the dataclass repr: ``text`` and the requirement's URL may hold a password.
        extra = "".join(
            f", {name}={value!r}"
            for name, value in (
                ("constraint", self.constraint),
                ("uncheckable", self.uncheckable),
                ("group", self.group),
            )
            if value
        )
        return f"Entry({self.shown_text!r}, origin={self.origin.describe()!r}{extra})"


@dataclass(frozen=True)
class IndexLine:
    """An ``--index-url``, ``--extra-index-url`` or ``--find-links`` line of a requirements file."""

    #: ``--index-url``, ``--extra-index-url`` or ``--find-links`` (whatever spelling was used).
    option: str
    #: Exactly as written (after ``${VAR}`` expansion): it may hold a password, never print it.
    url: str = field(repr=False)
    origin: Origin

    @property
    def shown_url(self) -> str:
        """:attr:`url` with its userinfo and secret query parameters masked."""
        return redact_url(self.url)


@dataclass(frozen=True)
class OptionLine:
    """Another global option of a requirements file (``--pre``, ``--only-binary :all:``, ...)."""

    option: str
    #: The option's argument, "" for a flag.
    value: str
    origin: Origin


def _mutual_excludes(value: str, own: set[str], other: set[str]) -> None:
    """pip's ``handle_mutual_excludes`` (FormatControl and ReleaseControl alike), for one
    comma-separated value: ``:all:`` empties both sets, is kept, and ends the value unless a
    ``:none:`` follows; ``:none:`` empties its own set; a name leaves the other set."""
    names = value.split(",")
    while ":all:" in names:
        other.clear()
        own.clear()
        own.add(":all:")
        del names[: names.index(":all:") + 1]
        if ":none:" not in names:
            return
    for name in names:
        if name == ":none:":
            own.clear()
            continue
        other.discard(canonicalize_name(name))
        own.add(canonicalize_name(name))


def _exclusive_sets(
    options: Iterable[OptionLine], first: str, second: str, *, adds_all_to_first: str = ""
) -> tuple[frozenset[str], frozenset[str]]:
    """Two options whose values exclude each other, applied in file order as pip applies them
    (``adds_all_to_first``: an option that adds ``:all:`` to the first set and nothing else,
    as ``--pre`` does)."""
    sets: dict[str, set[str]] = {first: set(), second: set()}
    for line in options:
        if line.option == adds_all_to_first:
            sets[first].add(":all:")
        elif line.option in sets:
            other = sets[second if line.option == first else first]
            _mutual_excludes(line.value, sets[line.option], other)
    return frozenset(sets[first]), frozenset(sets[second])


def _which(project: str, first: frozenset[str], second: frozenset[str]) -> int | None:
    """pip's precedence over two such sets: the project's own name, then ``:all:``; 0 for the
    first set, 1 for the second, None for neither."""
    for key in (project, ":all:"):
        if key in first:
            return 0
        if key in second:
            return 1
    return None


@dataclass(frozen=True)
class FormatControl:
    """``--no-binary`` and ``--only-binary`` as pip's ``FormatControl`` holds them: project
    names (canonical) or ``:all:``."""

    no_binary: frozenset[str] = frozenset()
    only_binary: frozenset[str] = frozenset()

    @classmethod
    def of(cls, options: Iterable[OptionLine]) -> FormatControl:
        """The options in file order, as pip's ``handle_mutual_excludes`` applies them."""
        only_binary, no_binary = _exclusive_sets(options, "--only-binary", "--no-binary")
        return cls(no_binary, only_binary)

    def allowed(self, project: str) -> frozenset[str]:
        """pip's ``get_allowed_formats``: ``binary`` (wheels) and/or ``source`` (sdists)."""
        which = _which(project, self.only_binary, self.no_binary)
        if which is None:
            return frozenset({"binary", "source"})
        return frozenset({"binary"}) if which == 0 else frozenset({"source"})


@dataclass(frozen=True)
class ReleaseControl:
    """``--pre``, ``--all-releases`` and ``--only-final`` as pip 26.3's ``ReleaseControl``
    holds them: project names (canonical) or ``:all:``."""

    all_releases: frozenset[str] = frozenset()
    only_final: frozenset[str] = frozenset()

    @classmethod
    def of(cls, options: Iterable[OptionLine]) -> ReleaseControl:
        """The options in file order: ``--all-releases`` / ``--only-final`` by pip's
        ``handle_mutual_excludes``, ``--pre`` by adding ``:all:`` to the pre-release set
        without touching the other (pip's ``handle_option_line``)."""
        return cls(
            *_exclusive_sets(options, "--all-releases", "--only-final", adds_all_to_first="--pre")
        )

    def allows_prereleases(self, project: str) -> bool | None:
        """pip's ``allows_prereleases``: True, False (final releases only), or None (pip's
        default: pre-releases only when nothing final matches)."""
        which = _which(project, self.all_releases, self.only_final)
        return None if which is None else which == 0


@dataclass(frozen=True)
class ParsedFiles:
    """Everything read from the files given, in the order pip would meet it."""

    entries: tuple[Entry, ...]
    index_lines: tuple[IndexLine, ...]
    #: Every file read, includes too, in order of first reading.
    files: tuple[str, ...]
    #: Unreadable or invalid files and lines, each ``file:line: what`` and redacted.
    problems: tuple[str, ...]
    options: tuple[OptionLine, ...] = ()
    #: The ``${VAR}`` variables the files expanded, and their values: secrets to redact.
    expanded: Mapping[str, str] = field(default_factory=dict, repr=False)

    @property
    def effective_index_lines(self) -> tuple[IndexLine, ...]:
        """The index options pip is left with after reading the files in order, as its
        ``handle_option_line`` applies them: ``--no-index`` drops every index and ignores the
        later ones, an ``--index-url`` replaces every index before it (extras too), an
        ``--extra-index-url`` adds one; ``--find-links`` always adds."""
        no_index = False
        indexes: list[IndexLine] = []
        find_links: list[IndexLine] = []
        for line in self.index_lines:
            if line.option == "--no-index":
                no_index, indexes = True, []
            elif line.option == "--index-url" and not no_index:
                indexes = [line]
            elif line.option == "--extra-index-url" and not no_index:
                indexes.append(line)
            elif line.option == "--find-links":
                find_links.append(line)
        return (*indexes, *find_links)

    @property
    def releases(self) -> ReleaseControl:
        """What ``--pre``, ``--all-releases`` and ``--only-final`` in the files allow."""
        return ReleaseControl.of(self.options)

    @property
    def formats(self) -> FormatControl:
        return FormatControl.of(self.options)

    @property
    def prefer_binary(self) -> bool:
        return any(line.option == "--prefer-binary" for line in self.options)


# --- file kinds ---------------------------------------------------------------------------------


def file_kind(path: str | Path, data: Mapping[str, Any] | None = None) -> FileKind | None:
    """How ``path`` is read: ``pyproject.toml`` and ``pylock.toml``/``pylock.NAME.toml`` by
    name (PEP 751's naming rule, ``packaging.pylock.is_valid_pylock_path``); another ``*.toml``
    by its parsed content ``data`` (``lock-version`` makes a lock, ``[project]`` or
    ``[dependency-groups]`` a pyproject), None when it is neither; anything else is a
    requirements file."""
    name = Path(path)
    if name.name == "pyproject.toml":
        return "pyproject"
    if is_valid_pylock_path(name):
        return "pylock"
    if name.suffix.lower() != ".toml":
        return "requirements"
    if data is None:
        return None
    if "lock-version" in data:
        return "pylock"
    if "project" in data or "dependency-groups" in data:
        return "pyproject"
    return None


# --- requirement strings ------------------------------------------------------------------------


def _url_scheme(text: str) -> str | None:
    """The scheme when pip's ``is_url`` would call ``text`` a URL, else None."""
    try:
        scheme = urllib.parse.urlsplit(text).scheme
    except ValueError:
        return None
    if scheme in _URL_SCHEMES or scheme in _VCS_SCHEMES:
        return scheme
    return None


def _link_kind(url: str) -> str:
    """Why a requirement's URL (``name @ URL``, or a bare URL) cannot be checked."""
    try:
        scheme = urllib.parse.urlsplit(url).scheme.lower()
    except ValueError:
        scheme = ""
    if len(scheme) <= 1 or scheme == "file":  # no scheme, or a Windows drive letter
        return UNCHECKABLE_PATH
    return UNCHECKABLE_VCS if "+" in scheme else UNCHECKABLE_URL


def link_project(link: str) -> NormalizedName | None:
    """The project a bare URL, path or editable installs, as far as its text says: the
    ``#egg=`` fragment (pip's way to name a VCS or directory requirement), else a wheel's or an
    sdist's file name. pip learns the rest only by building it."""
    base = link.partition("#")[0]
    egg = egg_fragment(link)
    if egg:
        name = re.split(r"[\[<>=!~;\s]", egg, maxsplit=1)[0]
        return canonicalize_name(name) if name else None
    filename = urllib.parse.unquote(base.replace("\\", "/").rstrip("/").rsplit("/", 1)[-1])
    try:
        if filename.endswith(".whl"):
            return parse_wheel_filename(filename)[0]
        return parse_sdist_filename(filename)[0]
    except (InvalidWheelFilename, InvalidSdistFilename, InvalidVersion):
        return None


def _egg_refusal(url: str) -> str:
    """Why pip's ``Link`` raises ``InvalidEggFragment`` for a URL (``#egg=r;python_version``,
    a marker without the space pip needs before ``;``), "" when it does not."""
    if _url_scheme(url) is None:
        return ""  # a path: pip quotes its "#" into the file: URL
    egg = egg_fragment(url)
    if egg is None or PROJECT_NAME.match(egg):
        return ""
    return f"#egg={egg!r} is not a project name"


def _looks_like_path(text: str) -> bool:
    """pip's ``_looks_like_path``, for both separators: a file may be written for Windows."""
    return "/" in text or "\\" in text or text.startswith(".")


def _is_archive(text: str) -> bool:
    return text.lower().endswith(_ARCHIVE_EXTENSIONS)


def _first_line(exc: Exception) -> str:
    """packaging's messages add the input and a caret on later lines; keep the reason."""
    text = str(exc).strip()
    return text.splitlines()[0] if text else type(exc).__name__


@dataclass(frozen=True)
class _Parsed:
    requirement: Requirement | None
    uncheckable: str
    marker: Marker | None


def _parse_requirement(text: str) -> _Parsed | str:
    """A requirement string as pip's ``parse_req_from_line`` sees it; a str is the problem.

    Unlike pip, no file system check: pip turns ``./pkg`` into a path only when the directory
    exists (and fails otherwise); here anything that looks like a path is a local path, so the
    answer does not depend on the directory asdiag runs in.
    """
    # A URL's marker must follow "; " (a URL may contain ";"); any other line's follows ";".
    url_part, _, after = text.partition("; ")
    scheme = _url_scheme(url_part.strip())
    if scheme is None:
        name_part, _, after = text.partition(";")
    else:
        name_part = url_part
    name_part = name_part.strip()
    at_name, at, _ = name_part.partition("@")
    pep508_url = bool(at) and not _looks_like_path(at_name)
    if scheme is not None or (
        not pep508_url and (_looks_like_path(name_part) or _is_archive(name_part))
    ):
        marker: Marker | None = None
        if after.strip():
            try:
                marker = Marker(after.strip())
            except InvalidMarker as exc:
                return f"invalid marker in {name_part!r}: {_first_line(exc)}"
        kind = _link_kind(name_part) if scheme is not None else UNCHECKABLE_PATH
        return _Parsed(None, kind, marker)
    # pip's parse_req_from_line splits the marker off at the first ";" and parses the rest:
    # ``x @ https://h/x.whl;python_version<"3.12"`` has its marker (packaging alone would take
    # the ";" into the URL), and ``x==1.0;`` has an empty one, that is none.
    text = name_part
    marker_text = after.strip()
    try:
        requirement = Requirement(text)
        marker = Marker(marker_text) if marker_text else None
    except (InvalidRequirement, InvalidMarker) as exc:
        hint = ""
        if "=" in text and not any(op in text for op in ("~=", "==", "!=", "<", ">")):
            hint = " (= is not a valid operator; did you mean ==?)"  # pip's hint too
        return f"invalid requirement {text!r}: {_first_line(exc)}{hint}"
    uncheckable = _link_kind(requirement.url) if requirement.url else ""
    return _Parsed(requirement, uncheckable, marker)


# --- reading ------------------------------------------------------------------------------------


class _Reader:
    """Accumulates what the files say; one instance per :func:`read_requirement_files` call."""

    def __init__(self, environ: Mapping[str, str]) -> None:
        self.environ = environ
        self.expanded: dict[str, str] = {}
        self.entries: list[Entry] = []
        self.index_lines: list[IndexLine] = []
        self.options: list[OptionLine] = []
        self.files: dict[str, None] = {}
        self.problems: list[str] = []

    def problem(self, where: Origin | str, what: str) -> None:
        place = where.describe() if isinstance(where, Origin) else where
        self.problems.append(f"{place}: {what}")

    def read_bytes(self, path: str, where: Origin | str, kind: str) -> bytes | None:
        try:
            data = Path(path).read_bytes()
        except OSError as exc:
            reason = exc.strerror or type(exc).__name__
            self.problem(where, f"cannot open {kind} file {path} ({reason})")
            return None
        except ValueError:  # a NUL byte in the name
            self.problem(where, f"cannot open {kind} file {path!r} (invalid name)")
            return None
        self.files.setdefault(path, None)
        return data

    # -- top level -------------------------------------------------------------------------------

    def read_top(self, path: str) -> None:
        kind = file_kind(path)
        if kind == "requirements":
            self.read_requirements(path, constraint=False, ancestors={os.path.abspath(path): None})
            return
        data = self.read_bytes(path, path, "TOML")
        if data is None:
            return
        try:
            text = data.decode("utf-8")
            document = tomllib.loads(text)
        except UnicodeDecodeError:
            self.problem(path, "cannot be decoded as UTF-8, as TOML requires")
            return
        except tomllib.TOMLDecodeError as exc:
            self.problem(path, f"not valid TOML ({_first_line(exc)})")
            return
        except ValueError:  # tomllib lets int()'s digit limit through
            self.problem(path, "not valid TOML (an integer is too long to read)")
            return
        kind = kind or file_kind(path, document)
        if kind == "pylock":
            self.read_pylock(path, text, document)
        elif kind == "pyproject":
            self.read_pyproject(path, text, document)
        else:
            self.problem(
                path,
                "a TOML file that is neither a lock (no lock-version) nor a pyproject "
                "(no [project] or [dependency-groups]); name it pylock.toml or pyproject.toml",
            )

    # -- requirements files ----------------------------------------------------------------------

    def read_requirements(
        self,
        path: str,
        *,
        constraint: bool,
        ancestors: dict[str, str | None],
        included_at: Origin | None = None,
    ) -> None:
        """pip's ``RequirementsFileParser._parse_and_recurse`` for one file.

        ``ancestors`` maps each file on the current include path (absolute) to the file that
        included it, as pip's ``parsed_files_stack[0]``: a file included twice from different
        places is read twice (pip does too); a file on its own include path is a cycle.
        """
        kind = "constraint" if constraint else "requirements"
        data = self.read_bytes(path, included_at or path, kind)
        if data is None:
            return
        try:
            text = decode_requirements(data)
        except (UnicodeError, LookupError, ValueError):
            self.problem(path, "cannot be decoded (declare its encoding with a PEP 263 comment)")
            return
        for number, line in requirement_lines(text, self.environ, self.expanded):
            self.read_line(path, number, line, constraint, ancestors)

    def read_line(
        self,
        path: str,
        number: int,
        line: str,
        constraint: bool,
        ancestors: dict[str, str | None],
    ) -> None:
        origin = Origin(path, number)
        try:
            args, options = parse_line(line)
        except (OptionError, ValueError) as exc:
            self.problem(origin, f"{_first_line(exc)}; pip refuses the file")
            return
        # pip's line parser defaults --no-binary/--only-binary to the finder's own
        # FormatControl and its callbacks change it in place, in command-line order: on any
        # line, a requirement's or an include's too, they apply to every project.
        self.options.extend(
            OptionLine(flag, value, origin) for flag, value in options.formats or ()
        )
        # pip's ParsedLine.requirement: the arguments, else the first -e value; an -e beside
        # arguments makes the arguments the editable (pip 26.3's ParsedLine.is_editable).
        if args and options.editables:
            if _url_scheme(args) is None and not _looks_like_path(args):
                self.problem(
                    origin,
                    f"{args!r} is not a valid editable requirement (the -e on its line makes it "
                    "one); pip refuses it",
                )
                return
            self.read_editable_line(origin, [args], constraint)
        elif args:
            self.read_requirement_line(origin, args, options, constraint)
        elif options.editables:
            self.read_editable_line(origin, options.editables, constraint)
        elif options.requirements or options.constraints:
            self.read_include_line(origin, options, ancestors)
        else:
            self.read_option_line(origin, options)

    def read_requirement_line(
        self, origin: Origin, args: str, options: Any, constraint: bool
    ) -> None:
        # pip's handle_requirement_line keeps only --hash and --config-settings (the format
        # options are not ignored: read_line keeps them).
        ignored = given_options(
            options, except_dests=(*_REQUIREMENT_OPTIONS, "no_binary", "only_binary")
        )
        if ignored:
            self.problem(
                origin,
                f"{', '.join(ignored)} on a requirement line is ignored by pip; "
                "put it on a line of its own",
            )
        parsed = _parse_requirement(args)
        if isinstance(parsed, str):
            self.problem(origin, parsed)
            return
        link = parsed.requirement.url if parsed.requirement else args.partition("; ")[0].strip()
        if link and (refusal := _egg_refusal(link)):
            self.problem(origin, f"{refusal}; pip refuses the file")
            return
        if constraint and (refusal := _constraint_refusal(parsed)):
            self.problem(origin, f"{refusal}; pip refuses it")
            return
        hashes = []
        for value in options.hash or ():
            algorithm, colon, digest = value.partition(":")
            if not colon or not digest:
                refusal = f"--hash {value!r} is not algorithm:digest (like sha256:abcd...)"
            elif algorithm not in _STRONG_HASHES:
                refusal = f"--hash algorithm {algorithm!r}: pip accepts {', '.join(_STRONG_HASHES)}"
            else:
                hashes.append(value)
                continue
            # pip's option parser rejects the value: the whole file is refused, this line
            # is not a requirement asdiag may check.
            self.problem(origin, f"{refusal}; pip refuses the file")
            return
        self.entries.append(
            Entry(
                requirement=parsed.requirement,
                text=args,
                origin=origin,
                constraint=constraint,
                hashes=tuple(hashes),
                uncheckable=parsed.uncheckable,
                marker=parsed.marker,
                link_project=None
                if parsed.requirement
                else link_project(args.split(";")[0].strip()),
            )
        )

    def read_editable_line(self, origin: Origin, editables: list[str], constraint: bool) -> None:
        if constraint:
            self.problem(
                origin, "an editable requirement is not a valid constraint; pip refuses it"
            )
            return
        if _url_scheme(editables[0]) in _URL_SCHEMES - {"file"}:
            # pip's parse_editable: a URL must be a VCS URL (a file: URL or a directory may be
            # an editable project; an archive URL may not).
            self.problem(
                origin,
                f"{redact_url(editables[0])!r} is not a valid editable requirement (an editable "
                "URL must be a VCS URL such as git+https://); pip refuses it",
            )
            return
        if refusal := _egg_refusal(editables[0]):
            self.problem(origin, f"{refusal}; pip refuses the file")
            return
        if len(editables) > 1:
            self.problem(origin, "several -e values on one line: pip reads only the first")
        self.entries.append(
            Entry(
                None,
                editables[0],
                origin,
                uncheckable=UNCHECKABLE_EDITABLE,
                link_project=link_project(editables[0]),
            )
        )

    def read_include_line(
        self, origin: Origin, options: Any, ancestors: dict[str, str | None]
    ) -> None:
        # pip's _parse_and_recurse: -r wins over -c, only the first value counts, and the line's
        # other options are dropped.
        values: list[str] = [*(options.requirements or ()), *(options.constraints or ())]
        if len(values) > 1:
            self.problem(origin, f"several includes on one line: pip reads only {values[0]!r}")
        nested_constraint = not options.requirements
        included = values[0]
        kind = "constraints" if nested_constraint else "requirements"
        scheme = _url_scheme(included)
        if scheme == "file":  # pip reads a file: URL as the local file it names
            included = urllib.request.url2pathname(urllib.parse.urlsplit(included).path)
        elif scheme is not None:
            self.problem(origin, f"includes {redact_url(included)}, a URL asdiag does not fetch")
            return
        # pip joins relative to the including file, then makes it absolute to find cycles.
        target = os.path.normpath(os.path.join(os.path.dirname(origin.path), included))
        try:
            absolute = os.path.abspath(target)
        except ValueError:
            self.problem(origin, f"cannot open {kind} file {included!r} (invalid name)")
            return
        if absolute in ancestors:
            first = ancestors[absolute]
            tail = f" and again in {first}" if first is not None else ""
            self.problem(
                origin,
                f"{target} recursively references itself in {origin.path}{tail}; "
                "pip refuses the file, asdiag skips the include",
            )
            return
        self.read_requirements(
            target,
            constraint=nested_constraint,
            ancestors={**ancestors, absolute: origin.path},
            included_at=origin,
        )

    def read_option_line(self, origin: Origin, options: Any) -> None:
        if options.hash:
            self.problem(origin, "--hash without a requirement is ignored by pip")
        if options.no_index:  # first, as pip's handle_option_line applies it
            self.index_lines.append(IndexLine("--no-index", "", origin))
        if options.index_url:
            self.index_lines.append(IndexLine("--index-url", options.index_url, origin))
        self.index_lines.extend(
            IndexLine("--extra-index-url", url, origin) for url in options.extra_index_urls or ()
        )
        if options.find_links:
            # pip's handle_option_line adds only the first --find-links of a line.
            if len(options.find_links) > 1:
                self.problem(origin, "several --find-links on one line: pip uses only the first")
            self.index_lines.append(IndexLine("--find-links", options.find_links[0], origin))
        for dest, spelling in _GLOBAL_OPTIONS.items():
            value = getattr(options, dest)
            if value is True:
                self.options.append(OptionLine(spelling, "", origin))
            elif isinstance(value, list):
                self.options.extend(OptionLine(spelling, str(v), origin) for v in value)

    # -- pylock.toml -----------------------------------------------------------------------------

    def read_pylock(self, path: str, text: str, document: Mapping[str, Any]) -> None:
        try:
            lock = Pylock.from_dict(document)
        except PylockValidationError as exc:
            self.problem(path, f"not a valid PEP 751 lock ({_first_line(exc)})")
            return
        # Everything the lock can install: every extra, every group, the default ones too (PEP
        # 751 advises keeping default-groups out of dependency-groups).
        groups = {*(lock.dependency_groups or ()), *(lock.default_groups or ())}
        scope = LockScope(
            frozenset(lock.extras or ()),
            frozenset(groups),
            lock.requires_python,
            tuple(lock.environments) if lock.environments is not None else None,
        )
        lines = _pylock_package_lines(text)
        if len(lines) != len(lock.packages):
            lines = [None] * len(lock.packages)  # an inline-table layout: no line per package
        for package, line in zip(lock.packages, lines, strict=True):
            self.entries.append(_pylock_entry(package, Origin(path, line), scope))

    # -- pyproject.toml --------------------------------------------------------------------------

    def read_pyproject(self, path: str, text: str, document: Mapping[str, Any]) -> None:
        finder = _LineFinder(text)
        project = document.get("project", {})
        if not isinstance(project, dict):
            self.problem(path, "[project] is not a table")
            project = {}
        raw_name = project.get("name")
        own = canonicalize_name(raw_name) if isinstance(raw_name, str) else None
        dynamic = project.get("dynamic", [])
        if isinstance(dynamic, list):
            for key in ("dependencies", "optional-dependencies"):
                if key in dynamic:
                    self.problem(
                        path,
                        f"[project] {key} are dynamic (computed by the build backend); "
                        "asdiag cannot list them",
                    )
        self.read_pyproject_list(path, finder, project.get("dependencies"), "", own)
        optional = project.get("optional-dependencies", {})
        if not isinstance(optional, dict):
            self.problem(path, "[project.optional-dependencies] is not a table")
            optional = {}
        for extra, items in optional.items():
            group = f"optional-dependencies.{extra}"
            self.read_pyproject_list(path, finder, items, group, own)
        groups = document.get("dependency-groups")
        if groups is not None:
            self.read_dependency_groups(path, finder, groups, own)
        if "dependencies" not in project and not optional and groups is None:
            self.problem(path, "lists no dependencies ([project] or [dependency-groups])")

    def read_pyproject_list(
        self, path: str, finder: _LineFinder, items: object, group: str, own: str | None
    ) -> None:
        if items is None:
            return
        where = f"[project.{group}]" if group else "[project] dependencies"
        if not isinstance(items, list):
            self.problem(path, f"{where} is not a list")
            return
        for item in items:
            if not isinstance(item, str):
                self.problem(path, f"{where}: {item!r} is not a string")
                continue
            origin = Origin(path, finder.line_of(item))
            try:
                requirement = Requirement(item)
            except InvalidRequirement as exc:
                self.problem(origin, f"invalid requirement {item!r}: {_first_line(exc)}")
                continue
            self.entries.append(_pyproject_entry(requirement, item, origin, group, own))

    def read_dependency_groups(
        self, path: str, finder: _LineFinder, groups: object, own: str | None
    ) -> None:
        if not isinstance(groups, dict):
            self.problem(path, "[dependency-groups] is not a table")
            return
        try:
            resolver = DependencyGroupResolver(groups)
        except ExceptionGroup as group_error:
            for message in _messages(group_error):
                self.problem(path, f"[dependency-groups]: {message}")
            return
        spelled = finder.spellings(
            item
            for items in groups.values()
            if isinstance(items, list)
            for item in items
            if isinstance(item, str)
        )
        for name in groups:
            try:
                requirements = resolver.resolve(name)
            except ExceptionGroup as group_error:
                for message in _messages(group_error):
                    self.problem(path, f"[dependency-groups] {name}: {message}")
                continue
            for requirement in requirements:
                raw = spelled.get(str(requirement), str(requirement))
                origin = Origin(path, finder.line_of(raw))
                entry = _pyproject_entry(requirement, raw, origin, f"dependency-groups.{name}", own)
                self.entries.append(entry)

    # -- result ----------------------------------------------------------------------------------

    def result(self) -> ParsedFiles:
        urls = [line.url for line in self.index_lines]
        urls += [token for entry in self.entries for token in entry.text.split()]
        redactor = Redactor(url_passwords(urls))
        redactor.add_expanded(self.expanded)
        return ParsedFiles(
            entries=tuple(self.entries),
            index_lines=tuple(self.index_lines),
            files=tuple(self.files),
            problems=tuple(redactor.text(problem) for problem in self.problems),
            options=tuple(self.options),
            expanded=dict(self.expanded),
        )


def _constraint_refusal(parsed: _Parsed) -> str:
    """pip's ``check_invalid_constraint_type`` (req/req_install.py), which the resolver turns
    into an error (resolution/resolvelib/factory.py)."""
    if parsed.requirement is None:
        return "an unnamed requirement is not a valid constraint"
    if parsed.requirement.extras:
        return "a constraint cannot have extras"
    return ""


def _messages(error: BaseException) -> Iterator[str]:
    """The leaf messages of an exception group, first line each."""
    if isinstance(error, BaseExceptionGroup):
        for inner in error.exceptions:
            yield from _messages(inner)
    else:
        yield _first_line(error) if isinstance(error, Exception) else type(error).__name__


class _LineFinder:
    """Finds the line of a quoted string in a TOML document, for :class:`Origin`."""

    def __init__(self, text: str) -> None:
        self.lines = text.splitlines()

    def line_of(self, raw: str) -> int | None:
        quoted = (f'"{raw}"', f"'{raw}'")
        return next(
            (n for n, line in enumerate(self.lines, 1) if any(q in line for q in quoted)), None
        )

    @staticmethod
    def spellings(raws: Iterable[str]) -> dict[str, str]:
        """``str(Requirement(raw))`` to the first ``raw`` spelled so."""
        found: dict[str, str] = {}
        for raw in raws:
            try:
                found.setdefault(str(Requirement(raw)), raw)
            except InvalidRequirement:
                continue
        return found


def _pyproject_entry(
    requirement: Requirement, raw: str, origin: Origin, group: str, own: str | None
) -> Entry:
    uncheckable = ""
    if canonicalize_name(requirement.name) == own:
        uncheckable = UNCHECKABLE_SELF
    elif requirement.url:
        uncheckable = _link_kind(requirement.url)
    return Entry(
        requirement,
        raw,
        origin,
        uncheckable=uncheckable,
        marker=requirement.marker,
        group=group,
    )


_TABLE_HEADER = re.compile(r"^\s*\[")
_PACKAGE_NAME = re.compile(r"^\s*name\s*=")


def _pylock_package_lines(text: str) -> list[int | None]:
    """The line of ``name = ...`` in each ``[[packages]]`` table, in order."""
    lines: list[int | None] = []
    in_package = False
    for number, line in enumerate(text.splitlines(), 1):
        if _TABLE_HEADER.match(line):
            in_package = line.strip() == "[[packages]]"
        elif in_package and _PACKAGE_NAME.match(line):
            lines.append(number)
            in_package = False
    return lines


def _pylock_entry(package: Package, origin: Origin, scope: LockScope) -> Entry:
    """One locked package: ``name==version`` (or the name), its files, and its marker."""
    text = f"{package.name}=={package.version}" if package.version else str(package.name)
    requirement = Requirement(text)  # a normalized name and a parsed Version: always valid
    requirement.marker = package.marker
    files = [wheel.filename for wheel in package.wheels or ()]
    if package.sdist is not None:
        files.append(package.sdist.filename)
    uncheckable = ""
    if package.vcs is not None:
        uncheckable = UNCHECKABLE_VCS
    elif package.directory is not None:
        uncheckable = UNCHECKABLE_EDITABLE if package.directory.editable else UNCHECKABLE_PATH
    elif package.archive is not None:
        uncheckable = UNCHECKABLE_URL if package.archive.url else UNCHECKABLE_PATH
    return Entry(
        requirement,
        str(requirement),
        origin,
        pinned_files=tuple(files),
        uncheckable=uncheckable,
        marker=package.marker,
        lock_scope=replace(scope, package_requires_python=package.requires_python),
    )


def read_requirement_files(
    paths: Sequence[str | Path], environ: Mapping[str, str] | None = None
) -> ParsedFiles:
    """Read requirements files, locks and pyproject files, with the files they include.

    :param paths: the files, in order; each is read by its :func:`file_kind`.
    :param environ: the variables ``${VAR}`` expands from in requirements files (pip reads
        ``os.environ``, which is the default here too). An unset or empty variable is left as
        written, as pip leaves it.

    Never raises for a missing, unreadable or invalid file or line: each is a problem.
    """
    reader = _Reader(os.environ if environ is None else environ)
    for path in paths:
        reader.read_top(str(path))
    return reader.result()


# --- per target ---------------------------------------------------------------------------------


def projects_for(
    parsed: ParsedFiles, environment: Mapping[str, str]
) -> tuple[tuple[str, SpecifierSet, tuple[Entry, ...]], ...]:
    """The distinct projects to look up in an index for one target environment.

    Each is ``(canonical name, combined specifier, entries)``, in order of first appearance as a
    requirement. Entries whose marker is false in ``environment`` are left out. The specifiers of
    a project's requirements and of its constraints are combined (all must hold); a constraint
    adds no project of its own, as pip's ``-c`` does not. A project with a URL, path or
    editable entry (:attr:`Entry.uncheckable`) is not installed from an index, so it is left
    out entirely: list those entries from ``parsed.entries`` instead.
    """
    entries_of: dict[str, list[Entry]] = {}  # in file order, constraints included
    required: dict[str, None] = {}  # the projects some requirement names, in order
    excluded: set[str] = set()
    for entry in parsed.entries:
        if entry.project is None or not entry.applies(environment):
            continue
        if entry.uncheckable:
            excluded.add(entry.project)
        entries_of.setdefault(entry.project, []).append(entry)
        if not entry.constraint:
            required.setdefault(entry.project, None)
    result = []
    for name in required:
        if name in excluded:
            continue
        found = entries_of[name]
        specifier = SpecifierSet()
        for entry in found:
            assert entry.requirement is not None  # entry.project was not None
            specifier &= entry.requirement.specifier
        result.append((name, specifier, tuple(found)))
    return tuple(result)


# What platform.machine() says on Windows for each Windows tag.
_WINDOWS_MACHINES: Mapping[str, str] = {"win_amd64": "AMD64", "win32": "x86", "win_arm64": "ARM64"}
_TAG_ARCH = re.compile(
    r"(?:manylinux_\d+_\d+|manylinux1|manylinux2010|manylinux2014|musllinux_\d+_\d+"
    r"|macosx_\d+_\d+)_(?P<arch>[a-z0-9_]+)"
)
_MACOS_TAG = re.compile(r"macosx_(?P<major>\d+)_(?P<minor>\d+)_")
#: The macOS assumed for a macOS target whose key names no version.
_DEFAULT_MACOS = (14, 0)


def marker_environment(platform_key: str, os_name: str, python: tuple[int, int]) -> dict[str, str]:
    """The PEP 508 marker environment of a target, ``default_environment()``'s shape.

    :param platform_key: a preset (``linux``, ``macos-x86_64``, ...) or a platform tag
        (``manylinux_2_28_aarch64``, ``win_arm64``, ``macosx_13_0_x86_64``), as ``Target.key``.
    :param os_name: ``linux``, ``windows``, ``macos`` or ``other`` (``Target.os``).
    :param python: the CPython version, ``(3, 12)``.

    Choices: CPython (``implementation_name`` ``cpython``); ``python_full_version`` is
    ``X.Y.0``, the oldest of that line, so ``python_full_version >= "3.12.1"`` is false;
    ``platform_machine`` is what ``platform.machine()`` prints on that machine (``AMD64``,
    ``x86``, ``ARM64`` on Windows; ``x86_64``, ``aarch64``, ``arm64`` elsewhere; universal2
    counts as ``arm64``); ``platform_release`` is the Darwin release of the macOS version
    (macOS 14 is ``23.0.0``), ``10`` on Windows (what Windows 10 and 11 report) and unknown
    (``""``) on Linux; ``platform_version`` is unknown everywhere. An ``other`` OS gets empty
    platform values, so platform markers are false for it.
    """
    key = platform_key.strip().lower()
    if key in PRESETS:  # a preset means what its first platform tag means
        key = PRESETS[key].platforms[0]
    tag = re.sub(r"[-.]", "_", key)
    major, minor = python
    version = f"{major}.{minor}"
    full = f"{version}.0"
    machine = _WINDOWS_MACHINES.get(tag)
    if machine is None:
        match = _TAG_ARCH.fullmatch(tag)
        arch = match["arch"] if match else ""
        machine = {"universal2": "arm64", "universal": "x86_64", "intel": "x86_64"}.get(arch, arch)
    platform: dict[str, str]
    if os_name == "windows":
        platform = {"sys_platform": "win32", "platform_system": "Windows", "os_name": "nt"}
        release = "10"
        machine = machine or "AMD64"
    elif os_name == "macos":
        platform = {"sys_platform": "darwin", "platform_system": "Darwin", "os_name": "posix"}
        release = _darwin_release(tag)
        machine = machine or "arm64"
    elif os_name == "linux":
        platform = {"sys_platform": "linux", "platform_system": "Linux", "os_name": "posix"}
        release = ""
        machine = machine or "x86_64"
    else:
        platform = {"sys_platform": "", "platform_system": "", "os_name": ""}
        release = ""
    return {
        "implementation_name": "cpython",
        "implementation_version": full,
        "os_name": platform["os_name"],
        "platform_machine": machine,
        "platform_release": release,
        "platform_system": platform["platform_system"],
        "platform_version": "",
        "python_full_version": full,
        "platform_python_implementation": "CPython",
        "python_version": version,
        "sys_platform": platform["sys_platform"],
    }


def _darwin_release(tag: str) -> str:
    """The Darwin kernel release of a macOS version: 11+ is major + 9, 10.x is x + 4."""
    match = _MACOS_TAG.match(tag)
    major, minor = (int(match["major"]), int(match["minor"])) if match else _DEFAULT_MACOS
    darwin = major + 9 if major >= 11 else minor + 4
    return f"{darwin}.0.0"
