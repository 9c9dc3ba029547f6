"""What the lab's catalogs hold: projects, releases and real, installable (empty) files.

The organisation's catalog covers every case ``asdiag package`` triages: pure wheels, binary
wheels for Linux and Windows only (the vendor builds macOS only on request), a package whose
macOS build was requested, an sdist-only package, names with dots, capitals and underscores, a
yanked version with a reason, a ``requires-python`` that excludes old Pythons, a pre-release and
several versions. A second, anonymous index plays public PyPI for the mixed-repository scenario.

Names are those of well-known projects so the stories read naturally; the files are built here,
hold metadata and nothing else, and are byte-for-byte reproducible (fixed timestamps).
"""

from __future__ import annotations

import gzip
import hashlib
import io
import re
import tarfile
import zipfile
from dataclasses import dataclass
from functools import cached_property

_ZIP_TIME = (2020, 2, 2, 0, 0, 0)

MANYLINUX = "manylinux_2_17_x86_64.manylinux2014_x86_64"
WINDOWS = "win_amd64"
MACOS = "macosx_11_0_arm64"


def normalize(name: str) -> str:
    """PEP 503 normalisation (the lab keeps its own copy rather than depend on ``packaging``)."""
    return re.sub(r"[-_.]+", "-", name).lower()


@dataclass(frozen=True)
class Dist:
    """One file of a release: a wheel (with its tag triple) or an sdist."""

    project: str
    version: str
    tag: str | None  # "py3-none-any", "cp312-cp312-win_amd64"; None for an sdist
    requires_python: str | None = None
    yanked: str | None = None  # the reason, or None

    @property
    def filename(self) -> str:
        stem = normalize(self.project).replace("-", "_")  # the wheel and PEP 625 sdist spelling
        if self.tag is None:
            return f"{stem}-{self.version}.tar.gz"
        return f"{stem}-{self.version}-{self.tag}.whl"

    @property
    def metadata(self) -> bytes:
        """The core metadata (PEP 658 serves it beside the file)."""
        lines = ["Metadata-Version: 2.1", f"Name: {self.project}", f"Version: {self.version}"]
        if self.requires_python:
            lines.append(f"Requires-Python: {self.requires_python}")
        lines.append("Summary: A file built by the asdiag lab; it holds no code.")
        return ("\n".join(lines) + "\n").encode()

    @cached_property
    def content(self) -> bytes:
        return self._sdist() if self.tag is None else self._wheel()

    @cached_property
    def sha256(self) -> str:
        return hashlib.sha256(self.content).hexdigest()

    def _wheel(self) -> bytes:
        assert self.tag is not None
        dist_info = self.filename.split("-")[0] + f"-{self.version}.dist-info"
        files = {
            f"{dist_info}/METADATA": self.metadata,
            f"{dist_info}/WHEEL": (
                "Wheel-Version: 1.0\nGenerator: asdiag-lab\n"
                f"Root-Is-Purelib: {'true' if self.tag.endswith('any') else 'false'}\n"
                f"Tag: {self.tag}\n"
            ).encode(),
        }
        record = "".join(f"{name},,\n" for name in files) + f"{dist_info}/RECORD,,\n"
        files[f"{dist_info}/RECORD"] = record.encode()
        buffer = io.BytesIO()
        with zipfile.ZipFile(buffer, "w", zipfile.ZIP_DEFLATED) as archive:
            for name, data in files.items():
                archive.writestr(zipfile.ZipInfo(name, _ZIP_TIME), data)
        return buffer.getvalue()

    def _sdist(self) -> bytes:
        root = self.filename.removesuffix(".tar.gz")
        buffer = io.BytesIO()
        with (
            gzip.GzipFile(fileobj=buffer, mode="wb", mtime=0) as zipped,
            tarfile.open(fileobj=zipped, mode="w") as archive,
        ):
            info = tarfile.TarInfo(f"{root}/PKG-INFO")
            info.size = len(self.metadata)
            archive.addfile(info, io.BytesIO(self.metadata))
        return buffer.getvalue()


@dataclass(frozen=True)
class Project:
    name: str  # as registered (may be non-normalised, like "Zope.Interface")
    dists: tuple[Dist, ...]

    @property
    def normalized(self) -> str:
        return normalize(self.name)


def _release(
    project: str,
    version: str,
    tags: tuple[str, ...],
    *,
    sdist: bool = True,
    requires_python: str | None = None,
    yanked: str | None = None,
) -> tuple[Dist, ...]:
    wheels = tuple(Dist(project, version, tag, requires_python, yanked) for tag in tags)
    source = (Dist(project, version, None, requires_python, yanked),) if sdist else ()
    return wheels + source


def _binary(pythons: tuple[str, ...], platforms: tuple[str, ...]) -> tuple[str, ...]:
    return tuple(f"{py}-{py}-{platform}" for py in pythons for platform in platforms)


_LINUX_WINDOWS = (MANYLINUX, WINDOWS)
_PURE = ("py3-none-any",)


def _project(name: str, *releases: tuple[Dist, ...]) -> Project:
    return Project(name, tuple(dist for release in releases for dist in release))


#: The organisation's curated catalog.
CATALOG = (
    _project(
        "numpy",  # binary, Linux and Windows only; several versions; a pre-release
        _release(
            "numpy",
            "2.2.6",
            _binary(("cp310", "cp311", "cp312"), _LINUX_WINDOWS),
            requires_python=">=3.10",
        ),
        _release(
            "numpy",
            "2.3.1",
            _binary(("cp311", "cp312", "cp313"), _LINUX_WINDOWS),
            requires_python=">=3.11",
        ),
        _release(
            "numpy",
            "2.4.0rc1",
            _binary(("cp312", "cp313"), _LINUX_WINDOWS),
            sdist=False,
            requires_python=">=3.11",
        ),
    ),
    _project(
        "cryptography",  # the organisation asked for macOS builds of this one
        _release(
            "cryptography",
            "44.0.2",
            ("cp39-abi3-" + MANYLINUX, "cp39-abi3-" + WINDOWS, "cp39-abi3-" + MACOS),
            requires_python=">=3.9",
        ),
    ),
    _project("docopt", _release("docopt", "0.6.2", (), requires_python=None)),  # sdist only
    _project(
        "Zope.Interface",  # dots and capitals
        _release(
            "Zope.Interface", "7.2", _binary(("cp312",), _LINUX_WINDOWS), requires_python=">=3.8"
        ),
    ),
    _project(
        "typing_extensions",  # underscores; pure
        _release("typing_extensions", "4.12.2", _PURE, requires_python=">=3.8"),
    ),
    _project(
        "requests",  # pure, several versions, one yanked with a reason
        _release("requests", "2.31.0", _PURE, requires_python=">=3.7"),
        _release(
            "requests",
            "2.32.0",
            _PURE,
            requires_python=">=3.8",
            yanked="Broken release: use 2.32.3 or later.",
        ),
        _release("requests", "2.32.3", _PURE, requires_python=">=3.8"),
    ),
)

#: Another organisation's catalog (the wrong-org scenario points at it).
OTHER_CATALOG = (_project("internal-tools", _release("internal-tools", "1.0.0", _PURE)),)

#: The lab's stand-in for public PyPI: anonymous, uncurated, and newer than the catalog.
PUBLIC = (
    _project(
        "numpy",
        _release(
            "numpy",
            "2.3.2",
            _binary(("cp311", "cp312", "cp313"), (*_LINUX_WINDOWS, MACOS)),
            requires_python=">=3.11",
        ),
    ),
    _project("pandas", _release("pandas", "2.3.1", _binary(("cp312",), (*_LINUX_WINDOWS, MACOS)))),
)
