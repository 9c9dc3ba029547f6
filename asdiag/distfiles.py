"""The file names on a project page, read as pip reads them: which version each file is.

pip 26.3 (``LinkEvaluator.evaluate_link`` in ``pip/_internal/index/package_finder.py``) reads a
wheel name with packaging, and any other file by its extension and the name of the project the
page is for: the version is what follows the first ``-`` whose prefix is that project's name
once normalised. So ``aws-adfs-ebsco-0.3.6-2.tar.gz`` on the page of ``aws-adfs-ebsco`` is
0.3.6.post2, and ``.tar.bz2``, ``.tgz``, ``.tar.xz`` or ``.tar`` sdists count as much as
``.tar.gz``; packaging's stricter ``parse_sdist_filename`` would drop them all. A file that
cannot be read is never dropped silently: its reason is a note beside the verdict.
"""

from __future__ import annotations

import posixpath
import re
from dataclasses import dataclass
from urllib.parse import unquote, urlsplit

from packaging.utils import InvalidWheelFilename, canonicalize_name, parse_wheel_filename
from packaging.version import InvalidVersion, Version

#: pip's ``SUPPORTED_EXTENSIONS`` (``utils/unpacking.py``), with bz2 and lzma available.
SDIST_EXTENSIONS = (
    ".zip",
    ".tar.gz",
    ".tgz",
    ".tar",
    ".tar.bz2",
    ".tbz",
    ".tar.xz",
    ".txz",
    ".tlz",
    ".tar.lz",
    ".tar.lzma",
)
#: pip's ``_py_version_re``: an egg-style ``-py3.8`` suffix after the version. pip offers such a
#: file only to that Python; asdiag reads the version and does not judge the suffix (egg-era
#: names, absent from current indexes).
_PY_VERSION = re.compile(r"-py([123]\.?[0-9]?)$")


@dataclass(frozen=True)
class FileVersion:
    """What one file name says: its version, or why it cannot be used."""

    version: Version | None
    #: Why the file is not a candidate (empty when it is one).
    reason: str = ""


def splitext(filename: str) -> tuple[str, str]:
    """pip's ``splitext``: ``name-1.0.tar.gz`` is ``("name-1.0", ".tar.gz")``."""
    base, ext = posixpath.splitext(filename)
    if base.lower().endswith(".tar"):
        return base[:-4], base[-4:] + ext
    return base, ext


def _version_part(stem: str, project: str) -> str | None:
    """pip's ``_extract_version_from_fragment``: what follows the first ``-`` whose prefix
    normalises to ``project``."""
    for index, char in enumerate(stem):
        if char == "-" and canonicalize_name(stem[:index]) == project:
            return stem[index + 1 :] or None
    return None


def file_version(
    filename: str, project: str, *, egg: str | None = None, url: str = ""
) -> FileVersion:
    """The version ``filename`` is for on the page of ``project`` (a normalised name).

    ``egg``: a ``#egg=`` fragment, which pip reads instead of the name (and then checks no
    extension); ``url``: the file's URL, for pip's rule against ``macosx10`` zips.
    """
    if egg is not None:
        return _version_of(egg, project)
    if filename.endswith(".whl"):
        try:
            name, version, _, _ = parse_wheel_filename(filename)
        except (InvalidWheelFilename, InvalidVersion):
            return FileVersion(None, "it is not a valid wheel name")
        if name != project:
            return FileVersion(None, f"it is a wheel of {name}, not of {project}")
        return FileVersion(version)
    stem, ext = splitext(filename)
    if not ext:
        return FileVersion(None, "it has no extension: not a file pip installs")
    if ext not in SDIST_EXTENSIONS:
        return FileVersion(None, f"pip installs no {ext} files")
    if ext == ".zip" and "macosx10" in (unquote(urlsplit(url).path) if url else filename):
        return FileVersion(None, "pip skips macosx10 .zip files")
    return _version_of(stem, project)


def _version_of(stem: str, project: str) -> FileVersion:
    text = _version_part(stem, project)
    if text is None:
        return FileVersion(None, f"its name is not {project}-<version>")
    suffix = _PY_VERSION.search(text)
    if suffix:
        text = text[: suffix.start()]
    try:
        return FileVersion(Version(text))
    except InvalidVersion:
        return FileVersion(None, f"{text!r} is not a version")
