"""Target machines, their wheel tag sets, and which of a project's files fits each one, purely.

A *target* is a machine asdiag answers for (``--platform linux --python 3.12``): an ordered list
of platform tags and a CPython version. Its tag set is built exactly as pip builds one for
``pip download --platform ... --python-version ... --implementation cp --abi cpXY`` (pip's
``get_supported`` in ``pip/_internal/utils/compatibility_tags.py``)::

    [*cpython_tags(py, [f"cp{X}{Y}"], platforms), *compatible_tags(py, f"cp{X}{Y}", platforms)]

so that asdiag's verdict "a wheel fits" is pip's verdict (an integration test runs real pip
against a real index to keep it so). Every argument is passed explicitly because packaging fills
a missing one from *this* machine (``style-anchors.md`` section 6.4): ``platforms=[]`` silently
means the host's platforms up to packaging 26.3, ``abis=None`` means the host's ABI flags, a
falsy ``python_version`` means the host's Python, and ``compatible_tags`` without
``interpreter`` drops ``cpXY-none-any``. :class:`Target` refuses an empty platform list and a
malformed version for that reason.

packaging has no public API for the manylinux or musllinux tags of *another* machine (its
``_manylinux`` and ``_musllinux`` modules are private and read the host's libc), so this module
writes those lists itself, by the same rule ``packaging._manylinux.platform_tags`` applies:
glibc minors from the target's down to 2.5 on x86 (2.17 elsewhere), with the legacy
``manylinux2014``/``2010``/``1`` aliases right after 2.17, 2.12 and 2.5.

pip widens a ``--platform`` value less than a machine's own tag set does: ``manylinux_2_28_x86_64``
accepts only that exact tag, never ``manylinux_2_17``. :func:`pip_expands` mirrors pip's
``_get_custom_platforms``, so asdiag can say when pip would miss a wheel that exists and which
``--platform`` values make pip see it (:func:`pip_would_miss`, :func:`pip_platform_flags`).
"""

from __future__ import annotations

import functools
import re
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from typing import Literal

from packaging.tags import (
    Tag,
    android_platforms,
    compatible_tags,
    cpython_tags,
    ios_platforms,
    mac_platforms,
)
from packaging.utils import (
    BuildTag,
    InvalidWheelFilename,
    parse_wheel_filename,
)

from asdiag.distfiles import SDIST_EXTENSIONS, splitext
from asdiag.errors import UsageError

__all__ = [
    "DEFAULT_PLATFORMS",
    "DEFAULT_PYTHONS",
    "PRESETS",
    "Fit",
    "FitKind",
    "OsName",
    "Platform",
    "PythonVersion",
    "Target",
    "WheelMatch",
    "best_file",
    "classify",
    "make_targets",
    "parse_platform",
    "parse_python",
    "pip_download_args",
    "pip_expands",
    "pip_platform_flags",
    "pip_single_platform",
    "pip_would_miss",
    "supported_tags",
]

#: ``(3, 12)``: major and minor only; the tag set does not depend on the micro version.
PythonVersion = tuple[int, int]
#: The operating system family of a target (asdiag reports missing macOS builds on its own).
OsName = Literal["linux", "windows", "macos", "other"]
#: What a project offers a target: a platform wheel, only a pure-Python wheel, only an sdist,
#: or nothing at all.
FitKind = Literal["wheel", "pure", "sdist-only", "none"]

_OS_NAMES: frozenset[str] = frozenset({"linux", "windows", "macos", "other"})

#: Newest minor accepted by ``--python``: a typo such as ``3.120`` must not become a silent,
#: meaningless tag set, and 3.20 is years beyond any CPython release.
_MAX_PYTHON_MINOR = 20
#: Newest glibc minor accepted in a ``manylinux_2_X`` tag, for the same reason (typos such as
#: ``manylinux_2_280`` would otherwise expand to hundreds of platforms).
_MAX_GLIBC_MINOR = 99
#: Newest musl minor accepted in a ``musllinux_1_X`` tag.
_MAX_MUSL_MINOR = 20
#: Newest macOS major accepted in a ``macosx_X_Y`` tag.
_MAX_MACOS_MAJOR = 40

#: Architectures with manylinux wheels (PEP 599/600, auditwheel's list).
_MANYLINUX_ARCHS = frozenset(
    {"x86_64", "i686", "aarch64", "armv7l", "ppc64", "ppc64le", "s390x", "riscv64", "loongarch64"}
)
#: Architectures where manylinux goes back to glibc 2.5; elsewhere it starts at 2.17.
_X86_ARCHS = frozenset({"x86_64", "i686"})
#: Legacy manylinux names: the glibc they stand for and the architectures their PEP defines.
_LEGACY_MANYLINUX: Mapping[str, tuple[int, frozenset[str]]] = {
    "manylinux1": (5, _X86_ARCHS),  # PEP 513
    "manylinux2010": (12, _X86_ARCHS),  # PEP 571
    "manylinux2014": (  # PEP 599
        17,
        frozenset({"x86_64", "i686", "aarch64", "armv7l", "ppc64", "ppc64le", "s390x"}),
    ),
}
_LEGACY_BY_GLIBC_MINOR = {minor: name for name, (minor, _) in _LEGACY_MANYLINUX.items()}
#: Architectures with musllinux wheels (PEP 656, auditwheel's list).
_MUSLLINUX_ARCHS = frozenset(
    {"x86_64", "i686", "aarch64", "armv7l", "ppc64le", "s390x", "riscv64", "loongarch64"}
)
_MACOS_ARCHS = frozenset({"arm64", "x86_64"})
_WINDOWS_LABELS: Mapping[str, str] = {
    "win_amd64": "Windows amd64",
    "win32": "Windows x86",
    "win_arm64": "Windows arm64",
}

_MANYLINUX_RE = re.compile(r"manylinux_2_(\d+)_([a-z0-9_]+)")
_LEGACY_RE = re.compile(r"(manylinux1|manylinux2010|manylinux2014)_([a-z0-9_]+)")
_MUSLLINUX_RE = re.compile(r"musllinux_1_(\d+)_([a-z0-9_]+)")
_MACOS_RE = re.compile(r"macosx_(\d+)_(\d+)_([a-z0-9_]+)")
#: pip's own pattern for Apple platforms (``_apple_arch_pat``), used only to mirror pip.
_PIP_APPLE_RE = re.compile(r"(.+)_(\d+)_(\d+)_(.+)")


@dataclass(frozen=True)
class Platform:
    """A target machine without its Python: what one ``--platform`` value stands for."""

    #: For humans: ``"Linux x86_64"``, ``"macOS arm64"``.
    label: str
    #: The preset name (``"linux"``) or the platform tag as given (``"win_arm64"``).
    key: str
    os: OsName
    #: Platform tags the machine accepts, best first.
    platforms: tuple[str, ...]


@dataclass(frozen=True)
class Target:
    """A target machine and Python version, with the ordered tag set it accepts.

    The tag set and its rank index are built once, at construction, with pip's recipe.

    :raises ValueError: for an empty platform list, a malformed Python version or an unknown
        ``os`` (each would otherwise make packaging silently describe this machine instead).
    """

    label: str
    key: str
    os: OsName
    #: Platform tags the machine accepts, best first; never empty.
    platforms: tuple[str, ...] = field(repr=False)
    #: The CPython version, ``(3, 12)``.
    python: PythonVersion
    #: Every tag the target accepts, best first (pip's order).
    tags: tuple[Tag, ...] = field(init=False, repr=False, compare=False)
    _rank: Mapping[Tag, int] = field(init=False, repr=False, compare=False, hash=False)

    def __post_init__(self) -> None:
        if self.os not in _OS_NAMES:
            raise ValueError(f"unknown os {self.os!r} for target {self.key!r}")
        tags = supported_tags(self.python, self.platforms)
        # Frozen: the derived fields are set once, here, through object.__setattr__.
        object.__setattr__(self, "tags", tags)
        object.__setattr__(self, "_rank", _rank_index(tags))

    @classmethod
    def for_platform(cls, platform: Platform, python: PythonVersion) -> Target:
        """The target ``platform`` running CPython ``python``."""
        return cls(platform.label, platform.key, platform.os, platform.platforms, python)

    @property
    def python_text(self) -> str:
        """``"3.12"``, as ``--python`` and pip's ``--python-version`` take it."""
        return f"{self.python[0]}.{self.python[1]}"

    @property
    def abi(self) -> str:
        """``"cp312"``: the ABI passed to packaging and to pip's ``--abi``."""
        return f"cp{self.python[0]}{self.python[1]}"

    def rank(self, tags: Iterable[Tag]) -> int | None:
        """The best (lowest) rank among ``tags`` in this target's set; ``None`` if none fits."""
        ranks = [self._rank[tag] for tag in tags if tag in self._rank]
        return min(ranks) if ranks else None


@dataclass(frozen=True)
class WheelMatch:
    """The best wheel for a target, with its rank in the target's tag set (0 is best)."""

    filename: str
    rank: int
    #: The wheel's tag that matched at that rank, e.g. ``cp312-abi3-win_amd64``.
    tag: Tag

    @property
    def is_pure(self) -> bool:
        """Whether the match is platform-independent (``any``): a pure-Python wheel."""
        return self.tag.platform == "any"


@dataclass(frozen=True)
class Fit:
    """What a project's files offer one target (a cell of the platform matrix)."""

    kind: FitKind
    #: The best wheel when ``kind`` is ``"wheel"`` or ``"pure"``.
    wheel: WheelMatch | None = None
    #: The first sdist found, when there is one (whatever ``kind`` is).
    sdist: str | None = None


# --------------------------------------------------------------------------- tag sets


def supported_tags(python: PythonVersion, platforms: Sequence[str]) -> tuple[Tag, ...]:
    """The tags CPython ``python`` accepts on ``platforms``, best first: pip's recipe.

    :raises ValueError: if ``platforms`` is empty or ``python`` is not ``(3, minor)``; packaging
        would silently describe this machine instead.
    """
    return _supported_tags(_checked_python(python), _checked_platforms(platforms))


@functools.lru_cache(maxsize=256)
def _supported_tags(python: PythonVersion, platforms: tuple[str, ...]) -> tuple[Tag, ...]:
    interpreter = f"cp{python[0]}{python[1]}"
    return (
        *cpython_tags(python, [interpreter], platforms),
        *compatible_tags(python, interpreter, platforms),
    )


@functools.lru_cache(maxsize=256)
def _rank_index(tags: tuple[Tag, ...]) -> Mapping[Tag, int]:
    index: dict[Tag, int] = {}
    for position, tag in enumerate(tags):
        index.setdefault(tag, position)
    return index


def _checked_python(python: PythonVersion) -> PythonVersion:
    if (
        not isinstance(python, tuple)
        or len(python) != 2
        or not all(isinstance(part, int) and not isinstance(part, bool) for part in python)
        or python[0] != 3
        or not 0 <= python[1] <= _MAX_PYTHON_MINOR
    ):
        raise ValueError(f"a target Python must be (3, minor), not {python!r}")
    return python


def _checked_platforms(platforms: Sequence[str]) -> tuple[str, ...]:
    checked = tuple(platforms)
    if not checked or not all(isinstance(p, str) and p for p in checked):
        # An empty list means "this machine" to packaging <= 26.3 (pitfall 1).
        raise ValueError(f"a target needs at least one non-empty platform tag, not {checked!r}")
    return checked


# --------------------------------------------------------------------------- platforms


def _manylinux_platforms(glibc_minor: int, arch: str) -> tuple[str, ...]:
    """packaging's manylinux rule for glibc 2.``glibc_minor`` on ``arch``, from any host."""
    oldest = 5 if arch in _X86_ARCHS else 17
    platforms: list[str] = []
    for minor in range(glibc_minor, oldest - 1, -1):
        platforms.append(f"manylinux_2_{minor}_{arch}")
        legacy = _LEGACY_BY_GLIBC_MINOR.get(minor)
        if legacy is not None and arch in _LEGACY_MANYLINUX[legacy][1]:
            platforms.append(f"{legacy}_{arch}")
    return tuple(platforms)


def _musllinux_platforms(musl_minor: int, arch: str) -> tuple[str, ...]:
    return tuple(f"musllinux_1_{minor}_{arch}" for minor in range(musl_minor, -1, -1))


def _macos_platforms(version: tuple[int, int], arch: str) -> tuple[str, ...]:
    return tuple(mac_platforms(version, arch))


#: The ``--platform`` presets, in the order the help text lists them.
PRESETS: Mapping[str, Platform] = {
    "linux": Platform("Linux x86_64", "linux", "linux", _manylinux_platforms(28, "x86_64")),
    "linux-aarch64": Platform(
        "Linux aarch64", "linux-aarch64", "linux", _manylinux_platforms(28, "aarch64")
    ),
    "windows": Platform("Windows amd64", "windows", "windows", ("win_amd64",)),
    "macos": Platform("macOS arm64", "macos", "macos", _macos_platforms((14, 0), "arm64")),
    "macos-x86_64": Platform(
        "macOS x86_64", "macos-x86_64", "macos", _macos_platforms((14, 0), "x86_64")
    ),
    "musllinux": Platform(
        "Linux x86_64 (musl)", "musllinux", "linux", _musllinux_platforms(2, "x86_64")
    ),
}
#: Targets when no ``--platform`` is given: what the catalog vendor builds by default, plus macOS.
DEFAULT_PLATFORMS: tuple[str, ...] = ("linux", "linux-aarch64", "windows", "macos", "macos-x86_64")
#: Pythons when no ``--python`` is given.
DEFAULT_PYTHONS: tuple[PythonVersion, ...] = ((3, 10), (3, 11), (3, 12), (3, 13))


def _platform_error(value: str, why: str) -> UsageError:
    presets = ", ".join(PRESETS)
    return UsageError(
        f"--platform {value!r}: {why}. Use a preset ({presets}) or a platform tag such as "
        "manylinux_2_28_x86_64, musllinux_1_2_aarch64, macosx_14_0_arm64, win_amd64, win_arm64"
    )


def parse_platform(value: str) -> Platform:
    """One ``--platform`` value as a :class:`Platform`: a preset name or a platform tag.

    Tags are read case-insensitively, with ``-`` and ``.`` taken as ``_`` (the spelling of
    ``sysconfig.get_platform()``, e.g. ``macosx-14.0-arm64``). A manylinux or musllinux tag
    stands for a machine with that libc, so it accepts every older tag too; a macOS tag expands
    as ``mac_platforms`` (and pip) expand it; a Windows tag stands for itself.

    :raises UsageError: for anything else, naming the presets.
    """
    text = value.strip().lower()
    if text in PRESETS:
        return PRESETS[text]
    tag = re.sub(r"[-.]", "_", text)
    if not tag:
        raise _platform_error(value, "it is empty")
    if tag in _WINDOWS_LABELS:
        return Platform(_WINDOWS_LABELS[tag], tag, "windows", (tag,))
    if match := _MANYLINUX_RE.fullmatch(tag):
        minor, arch = int(match[1]), match[2]
        _check_arch(value, arch, _MANYLINUX_ARCHS)
        oldest = 5 if arch in _X86_ARCHS else 17
        if not oldest <= minor <= _MAX_GLIBC_MINOR:
            raise _platform_error(value, f"manylinux on {arch} starts at glibc 2.{oldest}")
        label = f"Linux {arch} (glibc 2.{minor})"
        return Platform(label, tag, "linux", _manylinux_platforms(minor, arch))
    if match := _LEGACY_RE.fullmatch(tag):
        name, arch = match[1], match[2]
        minor, archs = _LEGACY_MANYLINUX[name]
        _check_arch(value, arch, archs)
        label = f"Linux {arch} (glibc 2.{minor})"
        return Platform(label, tag, "linux", _manylinux_platforms(minor, arch))
    if match := _MUSLLINUX_RE.fullmatch(tag):
        minor, arch = int(match[1]), match[2]
        _check_arch(value, arch, _MUSLLINUX_ARCHS)
        if minor > _MAX_MUSL_MINOR:
            raise _platform_error(value, f"musl 1.{minor} does not exist")
        label = f"Linux {arch} (musl 1.{minor})"
        return Platform(label, tag, "linux", _musllinux_platforms(minor, arch))
    if match := _MACOS_RE.fullmatch(tag):
        major, minor, arch = int(match[1]), int(match[2]), match[3]
        _check_arch(value, arch, _MACOS_ARCHS)
        # arm64 Macs started with macOS 11; before 11 the version was 10.x, and 10.16 is 11.
        first_release = (11, 0) if arch == "arm64" else (10, 0)
        valid = (major == 10 and minor <= 16) or 11 <= major <= _MAX_MACOS_MAJOR
        if not valid or (major, minor) < first_release:
            raise _platform_error(value, f"macOS {major}.{minor} on {arch} does not exist")
        label = f"macOS {major}.{minor} {arch}"
        return Platform(label, tag, "macos", _macos_platforms((major, minor), arch))
    if tag.startswith("linux_"):
        # A linux_<arch> wheel is a local build that promises nothing about the libc it needs and
        # cannot be uploaded to PyPI; no catalog serves it, so a target of it answers nothing.
        raise _platform_error(value, "linux_<arch> wheels are local builds, not portable")
    raise _platform_error(value, "it is neither a preset nor a supported platform tag")


def _check_arch(value: str, arch: str, archs: frozenset[str]) -> None:
    if arch not in archs:
        known = ", ".join(sorted(archs))
        raise _platform_error(value, f"{arch!r} is not one of its architectures ({known})")


def parse_python(value: str) -> PythonVersion:
    """One ``--python`` value, ``"3.12"``, as ``(3, 12)``.

    Only ``3.X`` with X from 0 to 20: the catalog builds nothing for Python 2, a micro version
    (``3.12.1``) would be silently ignored by the tag set, and a bigger minor is a typo.

    :raises UsageError: for anything else.
    """
    match = re.fullmatch(r"\s*3\.(\d{1,2})\s*", value)
    if match is None or int(match[1]) > _MAX_PYTHON_MINOR:
        raise UsageError(
            f"--python {value!r}: expected a CPython 3 version as 3.X (X from 0 to "
            f"{_MAX_PYTHON_MINOR}), such as 3.12"
        )
    return (3, int(match[1]))


def make_targets(
    platforms: Sequence[str] = (), pythons: Sequence[str | PythonVersion] = ()
) -> tuple[Target, ...]:
    """Every requested platform by every requested Python, platform-major, duplicates dropped.

    An empty ``platforms`` means :data:`DEFAULT_PLATFORMS`, an empty ``pythons``
    :data:`DEFAULT_PYTHONS`. Python strings go through :func:`parse_python`.

    :raises UsageError: for a platform or Python that :func:`parse_platform` or
        :func:`parse_python` rejects.
    """
    resolved = [parse_platform(value) for value in platforms or DEFAULT_PLATFORMS]
    versions = [
        parse_python(value) if isinstance(value, str) else _usage_python(value)
        for value in pythons or DEFAULT_PYTHONS
    ]
    unique_platforms = list({platform.key: platform for platform in resolved}.values())
    unique_versions = list(dict.fromkeys(versions))
    return tuple(
        Target.for_platform(platform, version)
        for platform in unique_platforms
        for version in unique_versions
    )


def _usage_python(python: PythonVersion) -> PythonVersion:
    try:
        return _checked_python(python)
    except ValueError as exc:
        raise UsageError(str(exc)) from None


# --------------------------------------------------------------------------- files


def best_file(filenames: Iterable[str], target: Target) -> WheelMatch | None:
    """The wheel among ``filenames`` that ``target`` prefers, or ``None`` if no wheel fits.

    Wheels rank by their best tag in the target's order (as pip ranks them); a tie goes to the
    higher build tag, then to the earlier file. Names that are not valid wheel file names
    (sdists, junk) are ignored.
    """
    best: WheelMatch | None = None
    best_build: BuildTag = ()
    for filename in filenames:
        try:
            _, _, build, tags = parse_wheel_filename(filename)
        except InvalidWheelFilename:
            continue
        rank = target.rank(tags)
        if rank is None:
            continue
        if best is None or rank < best.rank or (rank == best.rank and _newer(build, best_build)):
            best = WheelMatch(filename, rank, target.tags[rank])
            best_build = build
    return best


def _newer(build: BuildTag, other: BuildTag) -> bool:
    # Build tags compare as (number, rest); no build tag sorts before any build tag (PEP 427).
    return _build_key(build) > _build_key(other)


def _build_key(build: BuildTag) -> tuple[int, str]:
    return (build[0], build[1]) if build else (-1, "")


def classify(filenames: Iterable[str], target: Target) -> Fit:
    """What a project's files (usually one version's) offer ``target``.

    ``"wheel"`` when a platform wheel fits, ``"pure"`` when only a platform-independent wheel
    (``py3-none-any``, ``cp312-none-any``) fits, ``"sdist-only"`` when no wheel fits but there
    is an sdist (any archive pip builds from: ``.tar.gz``, ``.zip``, ``.tar.bz2``...),
    ``"none"`` otherwise.
    Invalid file names are ignored.
    """
    names = list(filenames)
    sdist = next((name for name in names if _is_sdist(name)), None)
    wheel = best_file(names, target)
    if wheel is not None:
        return Fit("pure" if wheel.is_pure else "wheel", wheel, sdist)
    return Fit("sdist-only" if sdist is not None else "none", None, sdist)


def _is_sdist(filename: str) -> bool:
    """An archive pip builds from: every extension it accepts (``.tar.bz2`` and ``.tgz`` too)."""
    return splitext(filename)[1] in SDIST_EXTENSIONS and not filename.endswith(".whl")


# --------------------------------------------------------------------------- pip


def pip_expands(platform_tag: str) -> tuple[str, ...]:
    """The platforms pip accepts for one ``--platform`` value, mirroring its
    ``_get_custom_platforms`` (pip 26.3).

    ``manylinux2014_x`` adds ``manylinux2010_x`` and ``manylinux1_x`` on x86 only,
    ``manylinux2010_x`` adds ``manylinux1_x``, macOS/iOS/Android tags expand like packaging's
    ``mac_platforms``/``ios_platforms``/``android_platforms``; everything else, including
    ``manylinux_2_X`` and ``musllinux_1_X``, stands only for itself.
    """
    prefix, _, suffix = platform_tag.partition("_")
    if platform_tag.startswith(("macosx", "ios")):
        match = _PIP_APPLE_RE.match(platform_tag)
        if match is None:
            return (platform_tag,)
        name, major, minor, arch = match.groups()
        version = (int(major), int(minor))
        if platform_tag.startswith("macosx"):
            # pip keeps whatever prefix the user typed ("macosxcustom_..."), as here.
            return tuple(f"{name}_{p[len('macosx_') :]}" for p in mac_platforms(version, arch))
        return tuple(f"{name}_{p[len('ios_') :]}" for p in ios_platforms(version, arch))
    if prefix == "android":
        match = re.fullmatch(r"android_(\d+)_(.+)", platform_tag)
        if match is None:
            return (platform_tag,)
        return tuple(android_platforms(int(match[1]), match[2]))
    if prefix == "manylinux2014":
        if suffix in _X86_ARCHS:
            return (platform_tag, f"manylinux2010_{suffix}", f"manylinux1_{suffix}")
        return (platform_tag,)
    if prefix == "manylinux2010":
        return (platform_tag, f"manylinux1_{suffix}")
    return (platform_tag,)


def pip_platform_flags(target: Target) -> tuple[str, ...]:
    """The ``--platform`` values that make pip accept exactly ``target``'s platforms.

    The target's platforms in order, minus those an earlier value already makes pip accept
    (``macosx_14_0_arm64`` alone covers the whole macOS preset; ``manylinux2014_x86_64``
    brings ``manylinux2010`` and ``manylinux1``): the shortest command line that works.
    """
    flags: list[str] = []
    covered: set[str] = set()
    for platform in target.platforms:
        if platform not in covered:
            flags.append(platform)
            covered.update(pip_expands(platform))
    return tuple(flags)


def pip_single_platform(target: Target) -> str:
    """The one ``--platform`` value a user would naturally pass for ``target``.

    The tag the user gave (``manylinux_2_28_x86_64``), or a preset's best platform.
    """
    return target.key if target.key in target.platforms else target.platforms[0]


def pip_download_args(target: Target) -> tuple[str, ...]:
    """The pip options that ask for exactly ``target``'s tag set (for ``pip download`` or
    ``pip install --target``): binary only, every needed ``--platform``, the version and ABI."""
    platform_args = [arg for flag in pip_platform_flags(target) for arg in ("--platform", flag)]
    return (
        "--only-binary=:all:",
        *platform_args,
        "--python-version",
        target.python_text,
        "--implementation",
        "cp",
        "--abi",
        target.abi,
    )


def pip_would_miss(target: Target, filename: str) -> bool:
    """Whether the wheel ``filename`` fits ``target`` but ``pip --platform X`` with only
    :func:`pip_single_platform` would not accept it.

    The classic case: target ``manylinux_2_28_x86_64``, a wheel tagged ``manylinux_2_17`` only;
    pip never widens ``manylinux_2_X`` to older glibc. Invalid wheel names give ``False``.
    """
    try:
        _, _, _, tags = parse_wheel_filename(filename)
    except InvalidWheelFilename:
        return False
    if target.rank(tags) is None:
        return False
    pip_platforms = tuple(dict.fromkeys(pip_expands(pip_single_platform(target))))
    pip_tags = _tag_set(target.python, pip_platforms)
    return pip_tags.isdisjoint(tags)


@functools.lru_cache(maxsize=256)
def _tag_set(python: PythonVersion, platforms: tuple[str, ...]) -> frozenset[Tag]:
    return frozenset(_supported_tags(python, platforms))
