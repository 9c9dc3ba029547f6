"""asdiag/package.py, the pure part: requests, releases, matching, fits, decisions, near misses,
the vendor request, the manager cross-check and the indexes to ask. No network: every page is
a ``ProjectPage`` built here."""

from __future__ import annotations

import os
from dataclasses import replace

import pytest
from packaging.specifiers import SpecifierSet
from packaging.version import Version

from asdiag.errors import UsageError
from asdiag.evidence import Exchange, FetchResult, Response
from asdiag.findings import Finding, Severity
from asdiag.package import (
    Cell,
    Index,
    Matrix,
    Options,
    PackageRequest,
    PackageResult,
    Release,
    Row,
    cross_check,
    decide,
    indexes_for,
    judge_page,
    matching,
    near_misses,
    not_found,
    parse_requests,
    releases,
)
from asdiag.platforms import make_targets
from asdiag.registry import REGISTRY
from asdiag.settings import Flags, resolve_settings
from asdiag.simple_api import DistFile, ProjectPage

S = Severity
SHA = "c" * 64
MD5 = "d" * 32
FILES = "https://idx.example/files/"
CATALOG = Index("catalog", "https://idx.example/simple/")
MANAGER = Index("manager", "https://nexus.example/repository/pypi/simple/")
EVIDENCE = (Exchange("page demo", "GET", "https://idx.example/simple/demo/", 200, 10.0),)

LINUX_WHEEL = "demo-1.0-cp312-cp312-manylinux_2_17_x86_64.manylinux2014_x86_64.whl"
LINUX_310 = "demo-1.0-cp310-cp310-manylinux_2_17_x86_64.manylinux2014_x86_64.whl"
WIN_WHEEL = "demo-1.0-cp312-cp312-win_amd64.whl"
WIN_310 = "demo-1.0-cp310-cp310-win_amd64.whl"
MAC_WHEEL = "demo-1.0-cp312-cp312-macosx_11_0_arm64.whl"
PURE = "demo-1.0-py3-none-any.whl"
SDIST = "demo-1.0.tar.gz"


def dist(
    filename: str,
    *,
    yanked: str | None = None,
    requires_python: str | None = None,
    hashes: tuple[tuple[str, str], ...] = (("sha256", SHA),),
) -> DistFile:
    return DistFile(filename, FILES + filename, hashes, requires_python, yanked)


def page(*files: DistFile, notes: tuple[str, ...] = ()) -> ProjectPage:
    return ProjectPage("json", "demo", "1.1", files, notes=notes)


def request(text: str = "demo") -> PackageRequest:
    (parsed,) = parse_requests([text])
    return parsed


def targets(platforms: list[str], pythons: list[str]):
    return make_targets(platforms, pythons)


def run(
    files: list[DistFile],
    *,
    spec: str = "demo",
    platforms: list[str] | None = None,
    pythons: list[str] | None = None,
    **options: object,
) -> tuple[PackageResult, tuple[DistFile, ...]]:
    opts = Options(targets(platforms or ["linux"], pythons or ["3.12"]), **options)
    return decide(request(spec), CATALOG, page(*files), CATALOG.project_url("demo"), opts, EVIDENCE)


def ids(result: PackageResult) -> list[str]:
    return [f.id for f in result.findings]


def by_id(result: PackageResult, finding_id: str) -> Finding:
    (found,) = [f for f in result.findings if f.id == finding_id]
    return found


def assert_actionable(findings: tuple[Finding, ...]) -> None:
    """Every id is registered, and every warning or failure says what to do."""
    for finding in findings:
        assert finding.id in REGISTRY, finding.id
        assert finding.title == REGISTRY[finding.id].title
        if finding.is_problem:
            assert finding.remediation is not None, finding.id
            assert finding.remediation.text, finding.id
            assert finding.remediation.docs.endswith(finding.id.replace(".", "-"))


# --- parse_requests and pinned ---------------------------------------------------------------


@pytest.mark.parametrize(
    ("text", "name", "project", "spec"),
    [
        ("numpy", "numpy", "numpy", ""),
        ("NumPy>=1.26", "NumPy", "numpy", ">=1.26"),
        ("zope.interface==5.*", "zope.interface", "zope-interface", "==5.*"),
        ("Foo_Bar[extra]~=1.0", "Foo_Bar", "foo-bar", "~=1.0"),
        ("demo>=1.0,<2", "demo", "demo", "<2,>=1.0"),
        ("demo (>=1.0)", "demo", "demo", ">=1.0"),
        ("demo===1.0.post1", "demo", "demo", "===1.0.post1"),
        # Oddity: an environment marker is accepted and silently ignored.
    ],
)
def test_parse_requests_valid(text, name, project, spec):
    assert parse_requests([text]) == (PackageRequest(text, name, project, SpecifierSet(spec)),)
    assert str(request(text).specifier) == spec


def test_parse_requests_keeps_order_and_duplicates():
    assert [r.project for r in parse_requests(["b", "A_1", "b"])] == ["b", "a-1", "b"]
    assert parse_requests([]) == ()


@pytest.mark.parametrize(
    ("text", "message"),
    [
        ("", "is not a package name"),
        ("-numpy", "is not a package name"),
        ("numpy>=", "is not a package name"),
        ("numpy>>1", "is not a package name"),
        ("nu mpy", "is not a package name"),
        ("numpy==1.0 2", "is not a package name"),
        ("https://example.org/demo-1.0.tar.gz", "is not a package name"),
        ("demo @ https://example.org/demo-1.0.tar.gz", "names a URL"),
        ("demo@file:///tmp/demo-1.0.tar.gz", "names a URL"),
        ("demo; python_version > '3'", "has an environment marker"),
    ],
)
def test_parse_requests_invalid(text, message):
    with pytest.raises(UsageError, match=message) as caught:
        parse_requests(["ok", text])
    assert repr(text) in str(caught.value)
    assert caught.value.exit_code == 2


def test_an_invalid_request_is_a_one_line_usage_error():
    with pytest.raises(UsageError) as caught:
        parse_requests(["numpy>>1"])
    assert "\n" not in str(caught.value)


@pytest.mark.parametrize(
    ("text", "pinned"),
    [
        ("demo==1.0", True),
        ("demo===1.0", True),
        ("demo==1.0+local", True),
        ("demo==1.*", False),
        ("demo>=1.0", False),
        ("demo", False),
        ("demo==1.0,<2", True),  # pip's rule: any == (no wildcard) or === pins
        ("demo~=1.0", False),
        ("demo!=1.0", False),
    ],
)
def test_pinned(text, pinned):
    assert request(text).pinned is pinned


# --- releases --------------------------------------------------------------------------------


def test_releases_group_by_version_newest_first():
    files = [
        dist("demo-1.0.tar.gz"),
        dist("demo-2.0-py3-none-any.whl"),
        dist("demo-1.0-py3-none-any.whl"),
        dist("Demo_Pkg-9.0.tar.gz"),  # another project
        dist("demo-10.0.zip"),
        dist("demo-2.0rc1.tar.gz"),
    ]
    found, notes = releases(page(*files), "demo")
    assert [(str(r.version), [f.filename for f in r.files]) for r in found] == [
        ("10.0", ["demo-10.0.zip"]),
        ("2.0", ["demo-2.0-py3-none-any.whl"]),
        ("2.0rc1", ["demo-2.0rc1.tar.gz"]),
        ("1.0", ["demo-1.0.tar.gz", "demo-1.0-py3-none-any.whl"]),
    ]
    assert notes == ("Demo_Pkg-9.0.tar.gz: ignored because its name is not demo-<version>",)


def test_releases_compare_normalised_names_and_versions():
    files = [dist("Demo_Pkg-1.0.tar.gz"), dist("demo.pkg-1.0.0-py3-none-any.whl")]
    found, notes = releases(page(*files), "demo-pkg")
    assert notes == ()
    assert [(r.version, len(r.files)) for r in found] == [(Version("1.0"), 2)]


def test_unreadable_files_become_notes_after_the_page_notes():
    files = [
        dist("demo-1.0.exe"),
        dist("README.txt"),
        dist("demo-1.0-py3-none-any.whl.metadata"),
        dist("demo-x-y-z.whl"),
        dist("demo-notaversion.tar.gz"),
        dist(""),
        dist("other-1.0-py3-none-any.whl"),
        dist(PURE),
    ]
    found, notes = releases(page(*files, notes=("file entry 3 has no url; skipped",)), "demo")
    assert [str(r.version) for r in found] == ["1.0"]
    assert notes == (
        "file entry 3 has no url; skipped",
        "demo-1.0.exe: ignored because pip installs no .exe files",
        "README.txt: ignored because pip installs no .txt files",
        "demo-1.0-py3-none-any.whl.metadata: ignored because pip installs no .metadata files",
        "demo-x-y-z.whl: ignored because it is not a valid wheel name",
        "demo-notaversion.tar.gz: ignored because 'notaversion' is not a version",
        ": ignored because it has no extension: not a file pip installs",
        "other-1.0-py3-none-any.whl: ignored because it is a wheel of other, not of demo",
    )


@pytest.mark.parametrize(
    ("yanked", "expected"),
    [
        ((None, None), None),
        (("bad", None), None),
        (("", ""), ""),
        (("", "broken"), "broken"),
        (("first", "second"), "first"),
    ],
)
def test_release_yanked_only_when_every_file_is(yanked, expected):
    release = Release(Version("1.0"), (dist(PURE, yanked=yanked[0]), dist(SDIST, yanked=yanked[1])))
    assert release.yanked == expected


def test_a_release_without_files_is_not_yanked():
    assert Release(Version("1.0"), ()).yanked is None


# --- matching --------------------------------------------------------------------------------


def _found(*versions: str, yanked: tuple[str, ...] = ()) -> tuple[Release, ...]:
    return tuple(
        Release(Version(v), (dist(f"demo-{v}.tar.gz", yanked="old" if v in yanked else None),))
        for v in sorted(versions, key=Version, reverse=True)
    )


MIXED = _found("1.0", "1.1", "2.0b1", "2.0", yanked=("2.0",))


@pytest.mark.parametrize(
    ("found", "spec", "pre", "expected"),
    [
        # Pre-releases are left out while a final release matches (pip and packaging agree).
        (MIXED, "demo", False, ["1.1", "1.0"]),
        (MIXED, "demo", True, ["2.0b1", "1.1", "1.0"]),
        (MIXED, "demo<2", False, ["1.1", "1.0"]),
        (MIXED, "demo>=1.1", False, ["1.1"]),
        # A specifier that names a pre-release admits pre-releases (PEP 440).
        (MIXED, "demo>=2.0b1", False, ["2.0b1"]),
        (MIXED, "demo==2.0b1", False, ["2.0b1"]),
        # Yanked files count only for an exact pin (PEP 592).
        (MIXED, "demo==2.0", False, ["2.0"]),
        (MIXED, "demo===2.0", False, ["2.0"]),
        (MIXED, "demo==2.*", False, []),
        (MIXED, "demo>=3", False, []),
        (MIXED, "demo>=3", True, []),
        # Only pre-releases match: packaging (and so pip) falls back to them without --pre.
        (_found("2.0b1", "2.0rc1"), "demo", False, ["2.0rc1", "2.0b1"]),
        (_found("1.0", "2.0b1"), "demo>1.0", False, ["2.0b1"]),
        ((), "demo", False, []),
    ],
)
def test_matching(found, spec, pre, expected):
    assert [str(r.version) for r in matching(request(spec), found, pre)] == expected


# --- Release.fit --------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("files", "platform", "python", "kind", "file"),
    [
        ([LINUX_WHEEL, WIN_WHEEL, SDIST], "linux", "3.12", "wheel", LINUX_WHEEL),
        ([LINUX_WHEEL, WIN_WHEEL, SDIST], "linux", "3.10", "sdist", SDIST),
        ([LINUX_WHEEL, WIN_WHEEL, SDIST], "windows", "3.12", "wheel", WIN_WHEEL),
        ([LINUX_WHEEL, WIN_WHEEL, SDIST], "macos", "3.12", "sdist", SDIST),
        ([LINUX_WHEEL, WIN_WHEEL], "macos", "3.12", "none", None),
        ([LINUX_WHEEL, WIN_WHEEL], "windows", "3.10", "none", None),
        ([MAC_WHEEL], "macos", "3.12", "wheel", MAC_WHEEL),
        ([PURE, SDIST], "macos", "3.10", "pure", PURE),
        ([PURE, WIN_WHEEL], "windows", "3.12", "wheel", WIN_WHEEL),
        (["demo-1.0-cp38-abi3-manylinux_2_17_x86_64.whl"], "linux", "3.10", "wheel", None),
        (["demo-1.0-py2-none-any.whl"], "linux", "3.12", "none", None),
        ([SDIST], "windows", "3.10", "sdist", SDIST),
        ([], "linux", "3.12", "none", None),
    ],
)
def test_release_fit(files, platform, python, kind, file):
    (target,) = targets([platform], [python])
    cell = Release(Version("1.0"), tuple(dist(f) for f in files)).fit(target)
    assert (cell.target, cell.python, cell.kind) == (platform, python, kind)
    if file is not None or kind == "none":
        assert cell.file == file
    else:
        assert cell.file in files


@pytest.mark.parametrize(
    ("requires", "python", "kind"),
    [
        (">=3.11", "3.10", "python"),
        (">=3.11", "3.12", "pure"),
        ("<3.11", "3.12", "python"),
        ("", "3.10", "pure"),
        ("not a specifier", "3.10", "pure"),  # unparseable: ignored, as pip does
        (">=3.12.1", "3.12", "python"),  # the target is 3.12.0
        (">=3.12.0rc1", "3.12", "pure"),
    ],
)
def test_release_fit_requires_python(requires, python, kind):
    (target,) = targets(["linux"], [python])
    release = Release(Version("1.0"), (dist(PURE, requires_python=requires),))
    assert release.fit(target).kind == kind


def test_release_fit_falls_back_to_files_the_python_admits():
    (target,) = targets(["linux"], ["3.10"])
    release = Release(
        Version("1.0"), (dist(PURE, requires_python=">=3.11"), dist(SDIST, requires_python=None))
    )
    assert release.fit(target) == Cell("linux", "3.10", "sdist", SDIST)


# --- decide: one scenario per finding ----------------------------------------------------------


def test_decide_ok():
    result, probes = run([dist(PURE), dist(SDIST)], spec="demo>=1.0")
    assert ids(result) == ["package.ok"]
    ok = result.findings[0]
    assert ok.severity is S.OK
    assert ok.summary == "demo>=1.0: 1 matching version; newest 1.0."
    assert ok.evidence == EVIDENCE
    assert result.versions == ("1.0",)
    assert result.chosen == (("Linux x86_64", "1.0"),)
    assert result.page_url == "https://idx.example/simple/demo/"
    assert result.index == "catalog"
    assert result.matrix == Matrix(
        targets=(("linux", "Linux x86_64"),),
        pythons=("3.12",),
        rows=(Row("1.0", None, (Cell("linux", "3.12", "pure", PURE),)),),
    )
    assert probes == (dist(PURE),)


def test_decide_ok_carries_the_notes_as_detail():
    result, _ = run([dist(PURE), dist("README.txt"), dist("other-1.0.tar.gz")])
    assert ids(result) == ["package.ok"]
    assert result.findings[0].detail == (
        "README.txt: ignored because pip installs no .txt files\n"
        "other-1.0.tar.gz: ignored because its name is not demo-<version>"
    )


def test_decide_rows_are_the_newest_matching_versions():
    files = [dist(f"demo-{v}-py3-none-any.whl") for v in ("1.0", "1.1", "1.2", "2.0", "3.0b1")]
    result, _ = run(files, spec="demo<3", rows=2)
    assert result.matrix is not None
    assert [row.version for row in result.matrix.rows] == ["2.0", "1.2"]
    assert result.versions == ("3.0b1", "2.0", "1.2", "1.1", "1.0")
    assert by_id(result, "package.ok").summary == "demo<3: 4 matching versions; newest 2.0."


def test_decide_version_not_found_when_the_page_has_no_usable_file():
    result, probes = run([dist("README.txt")])
    assert ids(result) == ["package.version-not-found"]
    finding = result.findings[0]
    assert finding.severity is S.FAIL
    assert finding.summary == (
        "demo: the page lists no usable files (why each entry was ignored: see the detail)."
    )
    assert finding.detail == "README.txt: ignored because pip installs no .txt files"
    assert result.matrix is not None and result.matrix.rows == ()
    assert probes == ()
    assert_actionable(result.findings)


def test_decide_version_not_found_shows_what_the_index_has():
    files = [dist(f"demo-{v}.tar.gz") for v in ("1.0", "1.1", "1.2", "1.3", "1.4", "1.5")]
    result, probes = run(files, spec="demo>=2")
    assert ids(result) == ["package.version-not-found"]
    finding = result.findings[0]
    assert finding.summary == (
        "demo: no version matches >=2; the index has 1.5, 1.4, 1.3, 1.2, 1.1."
    )
    assert finding.detail == ""
    # The matrix still shows the newest versions the index has.
    assert result.matrix is not None
    assert [row.version for row in result.matrix.rows] == ["1.5", "1.4", "1.3"]
    assert probes == ()
    assert result.chosen == ()
    assert_actionable(result.findings)


def test_only_pre_releases_are_found_without_pre_as_pip_does():
    result, _ = run([dist("demo-2.0b1-py3-none-any.whl")])
    assert ids(result) == ["package.ok"]
    assert result.findings[0].summary.endswith("newest 2.0b1.")


def test_version_not_found_hints_at_pre_when_only_pre_releases_are_left():
    result, _ = run([dist("demo-1.0.tar.gz", yanked="broken"), dist("demo-2.0b1.tar.gz")])
    assert ids(result) == ["package.version-not-found"]
    assert "--pre" in result.findings[0].detail


def test_pre_finds_the_pre_release_a_yanked_final_hides():
    files = [dist("demo-1.0.tar.gz", yanked="broken"), dist("demo-2.0b1.tar.gz")]
    without, _ = run(files)
    with_pre, _ = run(files, pre=True)
    assert ids(without) == ["package.version-not-found"]
    assert ids(with_pre)[0] == "package.ok"
    assert with_pre.findings[0].summary.endswith("newest 2.0b1.")


def test_decide_yanked_only_fails_when_not_pinned():
    files = [
        dist("demo-1.0.tar.gz"),
        dist("demo-2.0.tar.gz", yanked="broken wheel tags"),
        dist("demo-2.1.tar.gz", yanked=""),
    ]
    result, probes = run(files, spec="demo>=2")
    assert ids(result) == ["package.yanked-only"]
    finding = result.findings[0]
    assert finding.severity is S.FAIL
    assert finding.summary == "demo: every version matching >=2 is yanked."
    assert finding.detail == "Yanked: 2.1: no reason given; 2.0: broken wheel tags"
    assert finding.remediation is not None
    assert finding.remediation.text.endswith("choose another version: 1.0.")
    assert probes == ()
    assert_actionable(result.findings)


def test_decide_yanked_only_when_nothing_is_left():
    result, _ = run([dist(SDIST, yanked="gone")])
    finding = by_id(result, "package.yanked-only")
    assert finding.remediation is not None
    assert finding.remediation.text.endswith("choose another version: none is left.")


def test_decide_a_pinned_yanked_version_is_a_warning():
    files = [dist(PURE, yanked="broken."), dist("demo-0.9-py3-none-any.whl")]
    result, probes = run(files, spec="demo==1.0")
    assert ids(result) == ["package.ok", "package.yanked-only"]
    warning = by_id(result, "package.yanked-only")
    assert warning.severity is S.WARN
    assert warning.summary == "demo 1.0 is yanked: broken."
    assert result.matrix is not None
    assert [(row.version, row.yanked) for row in result.matrix.rows] == [("1.0", "broken.")]
    assert probes == (dist(PURE, yanked="broken."),)
    assert_actionable(result.findings)


def test_decide_a_pinned_yanked_version_without_reason():
    result, _ = run([dist(PURE, yanked="")], spec="demo==1.0")
    assert by_id(result, "package.yanked-only").summary == "demo 1.0 is yanked: no reason given."


@pytest.mark.parametrize(("requested_pythons", "severity"), [(False, S.WARN), (True, S.FAIL)])
def test_decide_requires_python(requested_pythons, severity):
    files = [dist(PURE, requires_python=">=3.11"), dist(SDIST, requires_python=">=3.11")]
    result, probes = run(files, pythons=["3.10", "3.12"], requested_pythons=requested_pythons)
    assert ids(result) == ["package.ok", "package.requires-python"]
    finding = by_id(result, "package.requires-python")
    assert finding.severity is severity
    assert finding.summary == "demo does not support Python 3.10."
    assert finding.detail == "Python 3.10: excluded by Requires-Python >=3.11"
    assert result.chosen == (("Linux x86_64", "1.0"),)
    assert probes == (dist(PURE, requires_python=">=3.11"),)
    assert_actionable(result.findings)


def test_an_older_release_that_supports_the_python_is_no_finding():
    files = [
        dist("demo-2.0-py3-none-any.whl", requires_python=">=3.11"),
        dist("demo-1.0-py3-none-any.whl"),
    ]
    result, _ = run(files, pythons=["3.10", "3.12"])
    assert ids(result) == ["package.ok"]
    assert result.matrix is not None
    assert [[c.kind for c in row.cells] for row in result.matrix.rows] == [
        ["python", "pure"],
        ["pure", "pure"],
    ]


@pytest.mark.parametrize(
    ("requested_platforms", "requested_pythons", "severity"),
    [(False, False, S.WARN), (True, False, S.FAIL), (False, True, S.FAIL)],
)
def test_decide_no_compatible_wheel(requested_platforms, requested_pythons, severity):
    result, probes = run(
        [dist(WIN_WHEEL)],
        platforms=["linux", "windows"],
        pythons=["3.10", "3.12"],
        requested_platforms=requested_platforms,
        requested_pythons=requested_pythons,
    )
    assert ids(result) == [
        "package.ok",
        "package.no-compatible-wheel",
        "package.no-compatible-wheel",
    ]
    gaps = [f for f in result.findings if f.id == "package.no-compatible-wheel"]
    assert [f.summary for f in gaps] == [
        "demo: no wheel for Linux x86_64, Python 3.10, 3.12.",
        "demo: no wheel for Windows amd64, Python 3.10.",
    ]
    assert {f.severity for f in gaps} == {severity}
    assert result.chosen == (("Windows amd64", "1.0"),)
    assert probes == (dist(WIN_WHEEL),)
    assert_actionable(result.findings)


def test_decide_no_compatible_wheel_says_pip_would_build_the_sdist():
    result, _ = run([dist(WIN_WHEEL), dist(SDIST)])
    assert ids(result) == ["package.ok", "package.no-compatible-wheel"]
    assert by_id(result, "package.no-compatible-wheel").summary == (
        "demo: no wheel for Linux x86_64, Python 3.12 "
        "(pip would build the sdist: compilers and headers needed)."
    )


def test_decide_no_macos_builds():
    result, probes = run(
        [dist(LINUX_WHEEL), dist(WIN_WHEEL)],
        platforms=["linux", "windows", "macos", "macos-x86_64"],
    )
    assert ids(result) == [
        "package.ok",
        "package.no-compatible-wheel",
        "package.no-compatible-wheel",
        "package.no-macos-builds",
    ]
    macos = by_id(result, "package.no-macos-builds")
    assert macos.severity is S.WARN
    assert macos.summary == (
        "demo has wheels for other systems but none for macOS arm64, macOS x86_64."
    )
    assert [dist.filename for dist in probes] == [LINUX_WHEEL, WIN_WHEEL]
    assert_actionable(result.findings)


@pytest.mark.parametrize(
    ("files", "platforms"),
    [
        # A macOS wheel exists (for another Python): the vendor does build macOS.
        (
            [LINUX_WHEEL, "demo-1.0-cp311-cp311-macosx_11_0_arm64.whl"],
            ["linux", "macos"],
        ),
        # No binary wheel for any other system either.
        (["demo-1.0-py2-none-any.whl"], ["linux", "macos"]),
        # macOS is not a target.
        ([LINUX_WHEEL], ["linux", "windows"]),
        # macOS has what it needs.
        ([LINUX_WHEEL, PURE], ["linux", "macos"]),
    ],
)
def test_no_macos_builds_only_when_other_systems_have_wheels_and_macos_none(files, platforms):
    result, _ = run([dist(f) for f in files], platforms=platforms)
    assert "package.no-macos-builds" not in ids(result)


def test_no_macos_builds_counts_an_sdist_only_macos_target():
    result, _ = run([dist(LINUX_WHEEL), dist(SDIST)], platforms=["linux", "macos"])
    assert ids(result) == [
        "package.ok",
        "package.no-compatible-wheel",
        "package.no-macos-builds",
    ]


def test_decide_sdist_only():
    result, probes = run([dist(SDIST)], platforms=["linux", "windows"], pythons=["3.10", "3.12"])
    assert ids(result) == ["package.ok", "package.sdist-only"]
    finding = by_id(result, "package.sdist-only")
    assert finding.severity is S.WARN
    assert finding.summary == "demo: no wheels, only a source distribution; pip must build it."
    assert result.matrix is not None
    assert {c.kind for c in result.matrix.rows[0].cells} == {"sdist"}
    # pip would download the sdist: it is probed, once for both platforms (one URL).
    assert probes == (dist(SDIST),)
    assert result.chosen == ()
    assert_actionable(result.findings)


@pytest.mark.parametrize(
    ("hashes", "expected"),
    [
        ([(), ()], ["package.no-hashes"]),
        ([(("md5", MD5),), (("md5", MD5),)], ["package.md5-only"]),
        ([(("md5", MD5),), ()], ["package.md5-only"]),
        ([(("md5", MD5),), (("sha256", SHA),)], []),
        ([(("md5", MD5), ("sha256", SHA)), (("md5", MD5),)], []),
        ([(("sha256", SHA),), ()], []),
    ],
)
def test_decide_hash_findings(hashes, expected):
    files = [dist(PURE, hashes=hashes[0]), dist(SDIST, hashes=hashes[1])]
    result, _ = run(files)
    assert ids(result) == ["package.ok", *expected]
    for finding in result.findings[1:]:
        assert finding.severity is S.WARN
    assert_actionable(result.findings)


def test_hash_findings_cover_versions_that_do_not_match():
    files = [dist(PURE, hashes=()), dist("demo-0.1.tar.gz", hashes=())]
    result, _ = run(files, spec="demo>=5")
    assert ids(result) == ["package.version-not-found", "package.no-hashes"]
    assert by_id(result, "package.no-hashes").summary == "None of the 2 files has a hash."


def test_decide_pip_platform_narrow():
    result, probes = run([dist(LINUX_WHEEL)], platforms=["manylinux_2_28_x86_64"])
    assert ids(result) == ["package.ok", "package.pip-platform-narrow"]
    finding = by_id(result, "package.pip-platform-narrow")
    assert finding.severity is S.INFO
    assert finding.summary == (
        f"{LINUX_WHEEL} fits manylinux_2_28_x86_64, but pip download --platform "
        "manylinux_2_28_x86_64 alone would not take it."
    )
    flags = finding.detail.removeprefix("pip flags that match the target: ").split(" ")
    assert flags[:2] == ["--platform", "manylinux_2_28_x86_64"]
    assert "manylinux_2_17_x86_64" in flags
    assert "manylinux2014_x86_64" in flags
    assert probes == (dist(LINUX_WHEEL),)


@pytest.mark.parametrize(
    ("wheel", "platform"),
    [
        (LINUX_WHEEL, "linux"),  # a preset: asdiag gives pip every flag already
        ("demo-1.0-cp312-cp312-manylinux_2_28_x86_64.whl", "manylinux_2_28_x86_64"),
        (PURE, "manylinux_2_28_x86_64"),
        (LINUX_WHEEL, "manylinux2014_x86_64"),
    ],
)
def test_no_pip_platform_narrow_when_pip_would_take_the_wheel(wheel, platform):
    result, _ = run([dist(wheel)], platforms=[platform])
    assert ids(result) == ["package.ok"]


# --- probes and chosen versions ----------------------------------------------------------------


def test_probes_one_file_per_target_platform():
    options = Options(
        (*targets(["linux"], ["3.10", "3.12"]), *targets(["windows", "macos"], ["3.12"]))
    )
    files = (dist(LINUX_310), dist(LINUX_WHEEL), dist(WIN_WHEEL), dist(SDIST))
    result, probes = decide(request(), CATALOG, page(*files), "u", options, EVIDENCE)
    # Linux is probed once (with its first Python's wheel), Windows with its wheel, macOS with
    # the sdist pip would build.
    assert [d.filename for d in probes] == [LINUX_310, WIN_WHEEL, SDIST]
    assert result.chosen == (("Linux x86_64", "1.0"), ("Windows amd64", "1.0"))


def test_a_platform_is_probed_with_its_wheel_before_its_sdist():
    """Windows 3.10 has only the sdist, Windows 3.12 a wheel: the wheel is what most installs
    download, so it is the platform's one probe."""
    files = [dist(WIN_WHEEL), dist(SDIST)]
    result, probes = run(files, platforms=["windows"], pythons=["3.10", "3.12"])
    assert probes == (dist(WIN_WHEEL),)
    assert result.chosen == (("Windows amd64", "1.0"),)


def test_probes_are_deduplicated_by_url():
    result, probes = run(
        [dist(PURE)], platforms=["linux", "windows", "macos"], pythons=["3.10", "3.12"]
    )
    assert probes == (dist(PURE),)
    assert [label for label, _ in result.chosen] == ["Linux x86_64", "Windows amd64", "macOS arm64"]


def test_a_target_takes_the_newest_release_that_fits_it():
    files = [
        dist("demo-2.0-cp312-cp312-manylinux_2_17_x86_64.whl"),
        dist("demo-1.0-cp312-cp312-win_amd64.whl"),
    ]
    result, probes = run(files, platforms=["linux", "windows"])
    assert result.chosen == (("Linux x86_64", "2.0"), ("Windows amd64", "1.0"))
    assert [d.filename for d in probes] == [f.filename for f in files]
    assert ids(result) == ["package.ok"]


# --- not_found and near_misses -----------------------------------------------------------------


def test_not_found_fills_in_the_vendor_request():
    options = Options(targets(["linux", "windows", "macos"], ["3.12", "3.10"]))
    found = not_found(
        request("NumPy>=1.26,<2"),
        CATALOG,
        CATALOG.project_url("numpy"),
        ["django", "flask"],
        options,
        EVIDENCE,
    )
    assert [f.id for f in found] == ["package.not-found"]
    (finding,) = found
    assert finding.severity is S.FAIL
    assert finding.summary == (
        "The catalog does not hold NumPy: https://idx.example/simple/numpy/ answered 404."
    )
    assert finding.detail.splitlines() == [
        "Request for the catalog vendor:",
        "  Package: NumPy",
        "  Version or range: <2,>=1.26",
        "  Target operating systems: Linux x86_64, Windows amd64, macOS arm64",
        "  Python versions: 3.10, 3.12",
        "  Dependency: direct (asked for by name)",
        "  Business justification: <why the organisation needs it>",
        "  Security or compliance requirements: <if any>",
    ]
    assert finding.evidence == EVIDENCE
    assert_actionable(found)


def test_not_found_without_a_range_asks_for_the_latest():
    options = Options(targets(["linux"], ["3.12"]))
    (finding,) = not_found(request("demo"), MANAGER, "u", None, options, ())
    assert "  Version or range: the latest" in finding.detail.splitlines()
    assert "The manager does not hold demo" in finding.summary


def test_not_found_adds_near_misses_when_there_are_any():
    options = Options(targets(["linux"], ["3.12"]))
    found = not_found(
        request("dateutil"), CATALOG, "u", ["python-dateutil", "six"], options, EVIDENCE
    )
    assert [f.id for f in found] == ["package.not-found", "package.near-miss"]
    near = found[1]
    assert near.severity is S.INFO
    assert near.summary == "Did you mean python-dateutil?"
    assert near.detail == "python-dateutil: the same name with or without a 'python-' prefix"


@pytest.mark.parametrize(
    ("project", "names", "expected"),
    [
        ("numpy", ["num-py"], [("num-py", "the same name with other separators")]),
        ("num-py", ["NumPy"], [("NumPy", "the same name with other separators")]),
        (
            "zope-interface",
            ["zopeinterface"],
            [("zopeinterface", "the same name with other separators")],
        ),
        (
            "dateutil",
            ["python-dateutil"],
            [("python-dateutil", "the same name with or without a 'python-' prefix")],
        ),
        (
            "python-dateutil",
            ["dateutil"],
            [("dateutil", "the same name with or without a 'python-' prefix")],
        ),
        ("yaml", ["PyYAML"], [("PyYAML", "the same name with or without a 'py' prefix")]),
        ("pyyaml", ["yaml"], [("yaml", "the same name with or without a 'py' prefix")]),
        ("requests", ["reqeusts", "django"], [("reqeusts", "a close spelling")]),
        ("requests", ["Request"], [("Request", "a close spelling")]),
        # The name itself, in any spelling, is no near miss.
        ("numpy", ["numpy", "NumPy", "NUMPY"], []),
        ("zope-interface", ["Zope.Interface"], []),
        ("numpy", ["django", "flask", "scipy"], []),
        ("numpy", [], []),
    ],
)
def test_near_misses(project, names, expected):
    assert near_misses(project, names) == expected


def test_near_misses_are_limited():
    names = ["abcdef", "abcd-ef", "python-abc-def", "abc-def2", "abc-deff"]
    assert near_misses("abc-def", names) == [
        ("abcdef", "the same name with other separators"),
        ("abcd-ef", "the same name with other separators"),
        ("python-abc-def", "the same name with or without a 'python-' prefix"),
    ]
    assert near_misses("abc-def", names, limit=1) == [
        ("abcdef", "the same name with other separators")
    ]
    assert len(near_misses("abc-def", names, limit=10)) == 5


# --- cross_check ---------------------------------------------------------------------------------

NOT_FOUND_OPTIONS = Options(targets(["linux"], ["3.12"]))


def _missing(req: PackageRequest, index: Index, names: list[str] | None = None) -> PackageResult:
    url = index.project_url(req.project)
    return PackageResult(
        req, index.name, url, not_found(req, index, url, names, NOT_FOUND_OPTIONS, EVIDENCE)
    )


def _present(req: PackageRequest, index: Index) -> PackageResult:
    result, _ = decide(
        req, index, page(dist(PURE)), index.project_url(req.project), NOT_FOUND_OPTIONS, EVIDENCE
    )
    return result


def test_cross_check_missing_in_manager_replaces_not_found():
    req = request("demo")
    managed = _missing(req, MANAGER, ["demo2"])
    assert [f.id for f in managed.findings] == ["package.not-found", "package.near-miss"]
    direct = _present(req, CATALOG)
    out = cross_check([managed, direct])
    assert [r.index for r in out] == ["manager", "catalog"]
    assert [f.id for f in out[0].findings] == ["package.missing-in-manager"]
    finding = out[0].findings[0]
    assert finding.severity is S.FAIL
    assert finding.summary == (
        "The catalog lists demo (1 versions); "
        "https://nexus.example/repository/pypi/simple/demo/ does not serve it."
    )
    assert finding.evidence == EVIDENCE
    assert out[1] == direct
    assert_actionable(out[0].findings)


def test_cross_check_missing_in_manager_keeps_a_refusal():
    req = request("demo")
    refused = REGISTRY["package.index-refused"].finding("403", evidence=EVIDENCE)
    managed = PackageResult(req, "manager", MANAGER.project_url("demo"), (refused,))
    out = cross_check([managed, _present(req, CATALOG)])
    assert [f.id for f in out[0].findings] == [
        "package.index-refused",
        "package.missing-in-manager",
    ]


def test_cross_check_outside_catalog():
    req = request("demo")
    managed = _present(req, MANAGER)
    direct = _missing(req, CATALOG)
    out = cross_check([managed, direct])
    assert [f.id for f in out[0].findings] == ["package.ok", "package.outside-catalog"]
    outside = out[0].findings[-1]
    assert outside.severity is S.FAIL
    assert outside.summary == ("The manager serves demo (1.0), but the catalog does not hold it.")
    assert out[1] == direct
    assert_actionable(out[0].findings)


@pytest.mark.parametrize(
    "results",
    [
        # Catalog-only runs.
        lambda: [_present(request("demo"), CATALOG)],
        lambda: [_missing(request("demo"), CATALOG, ["demo2"])],
        # Manager-only runs.
        lambda: [_missing(request("demo"), MANAGER)],
        # Both agree.
        lambda: [_present(request("demo"), MANAGER), _present(request("demo"), CATALOG)],
        lambda: [_missing(request("demo"), MANAGER), _missing(request("demo"), CATALOG)],
        # Different packages are never compared.
        lambda: [_missing(request("demo"), MANAGER), _present(request("demo>=1"), CATALOG)],
        lambda: [_present(request("demo"), MANAGER), _missing(request("other"), CATALOG)],
    ],
    ids=[
        "catalog-present",
        "catalog-missing",
        "manager-missing",
        "both-present",
        "both-missing",
        "other-request-1",
        "other-request-2",
    ],
)
def test_cross_check_leaves_other_runs_unchanged(results):
    given = results()
    assert cross_check(given) == tuple(given)


def test_cross_check_compares_each_manager_result_with_its_own_catalog_result():
    demo, other = request("demo"), request("other")
    given = [
        _missing(demo, MANAGER),
        _missing(other, MANAGER),
        _present(demo, CATALOG),
        _missing(other, CATALOG),
    ]
    out = cross_check(given)
    assert [f.id for f in out[0].findings] == ["package.missing-in-manager"]
    assert out[1:] == tuple(given[1:])


# --- indexes_for ---------------------------------------------------------------------------------

ORG = "b5865a43-1f24-48df-b6f3-8c932c7aae29"
VENDOR = f"https://repository.activestate.com/{ORG}/pypi"


def settings(catalog: str | None = None, manager: str | None = None, **environ: str):
    return resolve_settings(
        Flags(catalog_url=catalog, manager_url=manager, config=os.devnull), environ=environ
    )


def test_indexes_for_the_catalog():
    (index,) = indexes_for(settings(VENDOR, ASDIAG_PASSWORD="pw-cat"), "auto")
    assert (index.name, index.simple_url) == ("catalog", f"{VENDOR}/simple/")
    assert index.credentials is not None
    assert (index.credentials.username, index.credentials.password.reveal()) == (ORG, "pw-cat")
    assert "pw-cat" not in repr(index)
    assert index.project_url("numpy") == f"{VENDOR}/simple/numpy/"


@pytest.mark.parametrize("given", [f"{VENDOR}/simple/", f"{VENDOR}/", f"{VENDOR}/simple"])
def test_indexes_for_the_catalog_normalises_its_url(given):
    (index,) = indexes_for(settings(given), "catalog")
    assert index.simple_url == f"{VENDOR}/simple/"
    assert index.credentials is None


@pytest.mark.parametrize(
    ("given", "simple_url"),
    [
        (
            "https://nexus.example/repository/pypi/simple",
            "https://nexus.example/repository/pypi/simple/",
        ),
        (
            "https://nexus.example/repository/pypi/simple/",
            "https://nexus.example/repository/pypi/simple/",
        ),
        ("https://nexus.example/simple//", "https://nexus.example/simple/"),
        ("https://nexus.example", "https://nexus.example/"),
        ("https://Nexus.Example:8443/x/simple?q=1#f", "https://nexus.example:8443/x/simple/"),
        (
            "https://ci:p%40ss@nexus.example:8443/repository/pypi/simple",
            "https://nexus.example:8443/repository/pypi/simple/",
        ),
    ],
)
def test_indexes_for_the_manager_url(given, simple_url):
    (index,) = indexes_for(settings(manager=given), "auto")
    assert (index.name, index.simple_url) == ("manager", simple_url)


def test_manager_userinfo_is_stripped_from_the_url_and_kept_as_credentials():
    given = "https://ci:p%40ss@nexus.example/repository/pypi/simple"
    (index,) = indexes_for(settings(manager=given), "manager")
    assert "ci" not in index.simple_url and "p%40ss" not in index.simple_url
    assert index.credentials is not None
    assert (index.credentials.username, index.credentials.password.reveal()) == ("ci", "p@ss")
    assert "p@ss" not in repr(index)


def test_manager_credentials_from_the_environment_win_over_userinfo():
    given = "https://ci:url-pw@nexus.example/simple/"
    (index,) = indexes_for(
        settings(manager=given, ASDIAG_MANAGER_PASSWORD="env-pw", ASDIAG_MANAGER_USERNAME="robot"),
        "manager",
    )
    assert index.credentials is not None
    assert (index.credentials.username, index.credentials.password.reveal()) == ("robot", "env-pw")


def test_manager_without_password_has_no_credentials():
    (index,) = indexes_for(settings(manager="https://ci@nexus.example/simple/"), "manager")
    assert index.credentials is None


@pytest.mark.parametrize(
    ("via", "names"),
    [
        ("auto", ["manager", "catalog"]),
        ("both", ["manager", "catalog"]),
        ("catalog", ["catalog"]),
        ("manager", ["manager"]),
    ],
)
def test_indexes_for_via(via, names):
    found = indexes_for(settings(VENDOR, "https://nexus.example/simple/"), via)
    assert [index.name for index in found] == names


@pytest.mark.parametrize(
    ("catalog", "manager", "via", "message"),
    [
        (None, None, "auto", "no index to ask"),
        (None, None, "catalog", "--via catalog needs the catalog URL"),
        (None, None, "both", "--via catalog needs the catalog URL"),
        (None, "https://nexus.example/simple/", "catalog", "--via catalog needs"),
        (VENDOR, None, "manager", "--via manager needs the manager URL"),
        (VENDOR, None, "both", "--via manager needs the manager URL"),
        (None, None, "manager", "--via manager needs"),
        ("ftp://idx.example/pypi", None, "auto", "catalog URL 'ftp://idx.example/pypi'"),
        ("idx.example/pypi", None, "catalog", "it has no scheme"),
        (None, "ftp://nexus.example/simple/", "auto", "is not an http\\(s\\) URL"),
        (None, "https:///simple/", "manager", "is not an http\\(s\\) URL"),
    ],
)
def test_indexes_for_usage_errors(catalog, manager, via, message):
    with pytest.raises(UsageError, match=message):
        indexes_for(settings(catalog, manager), via)


def test_a_rejected_manager_url_is_shown_without_its_password():
    with pytest.raises(UsageError) as caught:
        indexes_for(settings(manager="ftp://ci:hunter2@nexus.example/simple/"), "manager")
    assert "hunter2" not in str(caught.value)


def test_an_ipv6_manager_url_keeps_its_brackets():
    (index,) = indexes_for(settings(manager="http://[::1]:8081/simple/"), "manager")
    assert index.simple_url == "http://[::1]:8081/simple/"


@pytest.mark.parametrize("port", ["abc", "99999"])
def test_a_bad_manager_port_is_a_usage_error(port):
    with pytest.raises(UsageError):
        indexes_for(settings(manager=f"https://nexus.example:{port}/simple/"), "manager")


# --- every finding decide and friends produce is actionable -------------------------------------


def test_all_scenarios_cover_every_pure_finding_id():
    """The ids the pure functions can produce, each reached by one of the scenarios above."""
    produced: set[str] = set()
    scenarios = [
        run([dist(PURE)]),
        run([dist("README.txt")]),
        run([dist(SDIST, yanked="x")]),
        run([dist(PURE, yanked="x")], spec="demo==1.0"),
        run([dist(PURE, requires_python=">=3.13")]),
        run([dist(LINUX_WHEEL)], platforms=["macos"]),
        run([dist(SDIST, hashes=())]),
        run([dist(PURE, hashes=(("md5", MD5),))]),
        run([dist(LINUX_WHEEL)], platforms=["manylinux_2_28_x86_64"]),
    ]
    for result, _ in scenarios:
        assert_actionable(result.findings)
        produced.update(ids(result))
    managed = _missing(request("demo"), MANAGER, ["demo2"])
    produced.update(f.id for f in managed.findings)
    out = cross_check([managed, _present(request("demo"), CATALOG)])
    out += cross_check([_present(request("demo"), MANAGER), _missing(request("demo"), CATALOG)])
    for result in out:
        assert_actionable(result.findings)
        produced.update(ids(result))
    assert produced == {
        "package.ok",
        "package.not-found",
        "package.near-miss",
        "package.missing-in-manager",
        "package.outside-catalog",
        "package.version-not-found",
        "package.yanked-only",
        "package.requires-python",
        "package.no-compatible-wheel",
        "package.no-macos-builds",
        "package.sdist-only",
        "package.no-hashes",
        "package.md5-only",
        "package.pip-platform-narrow",
    }


def test_results_serialise_with_their_matrix():
    result, _ = run([dist(PURE)], spec="demo>=1")
    data = result.to_dict(verbose=False)
    assert data["package"] == "demo>=1"
    assert data["matrix"] == {
        "targets": [{"key": "linux", "label": "Linux x86_64"}],
        "pythons": ["3.12"],
        "rows": [
            {
                "version": "1.0",
                "yanked": None,
                "cells": [{"target": "linux", "python": "3.12", "fit": "pure", "file": PURE}],
            }
        ],
    }
    assert replace(result, matrix=None).to_dict(verbose=False)["matrix"] is None


@pytest.mark.parametrize(
    ("declared", "severity"), [("1.0", None), ("1.9", S.WARN), ("2.0", S.FAIL), ("two", S.WARN)]
)
def test_a_project_page_s_api_version_is_judged(declared, severity):
    url = CATALOG.project_url("demo")
    body = (
        f'<html><head><meta name="pypi:repository-version" content="{declared}"></head>'
        f'<body><a href="{FILES}{PURE}">x</a></body></html>'
    ).encode()
    fetched = FetchResult(EVIDENCE, Response(url, 200, (("content-type", "text/html"),), body))
    opts = Options(targets(["linux"], ["3.12"]))
    result, _ = judge_page(request("demo"), CATALOG, url, fetched, None, opts)
    found = [f for f in result.findings if f.id == "index.repository-version"]
    assert [f.severity for f in found] == ([] if severity is None else [severity])
    assert "package.ok" in {f.id for f in result.findings}


def test_pip_builds_a_newer_sdist_rather_than_take_an_older_wheel_unless_told():
    """pip picks the newest version it can install: 2.0 from source here, although 1.0 has a
    wheel. --prefer-binary (in a requirements file) takes 1.0's wheel instead."""
    files = [dist("demo-2.0.tar.gz"), dist("demo-1.0-py3-none-any.whl"), dist("demo-1.0.tar.gz")]
    result, probes = run(files, platforms=["linux"], pythons=["3.12"])
    finding = by_id(result, "package.no-compatible-wheel")
    assert "pip would build the sdist" in finding.summary
    assert [p.filename for p in probes] == ["demo-2.0.tar.gz"]
    preferred, probes = run(files, platforms=["linux"], pythons=["3.12"], prefer_binary=True)
    assert "package.no-compatible-wheel" not in ids(preferred)
    assert [p.filename for p in probes] == ["demo-1.0-py3-none-any.whl"]


def test_a_quarantined_page_that_still_lists_files_warns_that_pip_installs_them():
    """pip 26.3 does not read PEP 792 status: files on the page are installed all the same."""
    quarantined = replace(page(dist("demo-1.0-py3-none-any.whl")), status="quarantined")
    result, _ = decide(
        request(), CATALOG, quarantined, CATALOG.project_url("demo"),
        Options(targets(["linux"], ["3.12"])), EVIDENCE,
    )  # fmt: skip
    finding = by_id(result, "package.project-status")
    assert finding.severity is S.WARN
    assert "pip 26.3 does not read PEP 792 status" in finding.summary
    assert "package.ok" in ids(result)


def test_only_final_takes_no_pre_release_even_when_nothing_else_matches():
    """pip's --only-final: "Could not find a final version"; its default takes 2.0b1."""
    files = [dist("demo-2.0b1-py3-none-any.whl")]
    default, _ = run(files)
    assert "package.ok" in ids(default)
    final_only, _ = run(files, only_final=True)
    assert "package.version-not-found" in ids(final_only)
