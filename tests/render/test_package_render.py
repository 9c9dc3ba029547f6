"""render/package.py: the ``asdiag package`` report as JSON, markdown and a Rich renderable.

The report is built by hand from ``decide`` and ``not_found`` results (no network), so the
renderers see the same findings and matrices a real run produces.
"""

from __future__ import annotations

import io
import json
import os
from dataclasses import replace
from datetime import UTC, datetime

import pytest
from rich.console import Console

from asdiag import __version__
from asdiag.evidence import Exchange
from asdiag.package import (
    Cell,
    Index,
    Matrix,
    Options,
    PackageReport,
    PackageResult,
    Row,
    decide,
    not_found,
    parse_requests,
)
from asdiag.platforms import make_targets
from asdiag.render.json import SCHEMA
from asdiag.render.package import (
    matrix_table,
    render_package_json,
    render_package_markdown,
    render_package_report,
)
from asdiag.settings import Flags, resolve_settings
from asdiag.simple_api import DistFile, ProjectPage

STARTED = datetime(2026, 11, 23, 12, 0, tzinfo=UTC)
CATALOG = Index("catalog", "https://idx.example/simple/")
CATALOG_PASSWORD = "cat-S3cret-pw"
MANAGER_PASSWORD = "mgr-S3cret-pw"
SHA = "e" * 64
TARGETS = make_targets(["linux", "windows", "macos"], ["3.10", "3.12"])
LABELS = ["Linux x86_64", "Windows amd64", "macOS arm64"]


def exchange(url: str, status: int) -> Exchange:
    return Exchange(f"page {url}", "GET", url, status, 9.5)


def dist(filename: str, *, hashes: bool = True, **kw: object) -> DistFile:
    digest = (("sha256", SHA),) if hashes else ()
    return DistFile(filename, f"https://idx.example/files/{filename}", digest, **kw)


def decided(text: str, *files: DistFile, **options: object) -> PackageResult:
    (req,) = parse_requests([text])
    url = CATALOG.project_url(req.project)
    page = ProjectPage("json", req.project, "1.1", files)
    result, _ = decide(req, CATALOG, page, url, Options(TARGETS, **options), (exchange(url, 200),))
    return result


def missing(text: str, names: list[str]) -> PackageResult:
    (req,) = parse_requests([text])
    url = CATALOG.project_url(req.project)
    findings = not_found(req, CATALOG, url, names, Options(TARGETS), (exchange(url, 404),))
    return PackageResult(req, "catalog", url, findings)


def results() -> tuple[PackageResult, ...]:
    return (
        # Linux and Windows wheels for 3.12 only, an sdist, an older yanked version.
        decided(
            "fastnum>=1.0",
            dist("fastnum-2.0-cp312-cp312-manylinux_2_17_x86_64.whl"),
            dist("fastnum-2.0-cp312-cp312-win_amd64.whl"),
            dist("fastnum-2.0.tar.gz"),
            dist("fastnum-1.0-py3-none-any.whl", yanked="broken"),
        ),
        # Pure Python, but only for 3.11+; no hashes.
        decided(
            "purelib",
            dist("purelib-1.0-py3-none-any.whl", hashes=False, requires_python=">=3.11"),
        ),
        missing("nunpy", ["numpy", "scipy"]),
    )


def make_report(**kw: object) -> PackageReport:
    values: dict[str, object] = {
        "results": results(),
        "targets": TARGETS,
        "requests": (
            exchange("https://idx.example/simple/fastnum/", 200),
            exchange("https://idx.example/simple/purelib/", 200),
            exchange("https://idx.example/simple/nunpy/", 404),
            exchange("https://idx.example/simple/", 200),
        ),
        "started_at": STARTED,
        "duration_ms": 42.26,
    }
    values.update(kw)
    return PackageReport(**values)


def make_settings():
    return resolve_settings(
        Flags(
            catalog_url="https://idx.example/pypi",
            manager_url="https://ci:url-pw@nexus.example/simple/",
            config=os.devnull,
        ),
        environ={
            "ASDIAG_PASSWORD": CATALOG_PASSWORD,
            "ASDIAG_MANAGER_PASSWORD": MANAGER_PASSWORD,
        },
    )


def to_text(renderable: object) -> str:
    console = Console(file=io.StringIO(), width=100, no_color=True)
    console.print(renderable)
    assert isinstance(console.file, io.StringIO)
    return console.file.getvalue()


ALL_IDS = {
    "package.ok",
    "package.no-compatible-wheel",
    "package.no-macos-builds",
    "package.requires-python",
    "package.no-hashes",
    "package.not-found",
    "package.near-miss",
}


def test_the_sample_report_has_every_kind_of_finding():
    assert {f.id for f in make_report().findings} == ALL_IDS


# --- JSON ---------------------------------------------------------------------------------


def test_json_document():
    report = make_report()
    data = json.loads(render_package_json(report, make_settings(), verbose=False, strict=False))
    assert data["schema"] == SCHEMA == "asdiag.v1"
    assert data["tool"] == {"name": "asdiag", "version": __version__}
    assert data["command"] == "package"
    assert data["started_at"] == "2026-11-23T12:00:00+00:00"
    assert data["duration_ms"] == 42.3
    assert data["exit_code"] == 1
    assert data["request_count"] == 4
    assert [r["url"] for r in data["requests"]] == [e.url for e in report.requests]
    assert data["summary"] == {"error": 0, "fail": 1, "warn": 6, "info": 1, "skip": 0, "ok": 2}
    assert [f["id"] for f in data["findings"]] == [f.id for f in report.findings]
    assert [(t["key"], t["python"]) for t in data["targets"]] == [
        (key, python) for key in ("linux", "windows", "macos") for python in ("3.10", "3.12")
    ]
    assert data["targets"][0]["label"] == "Linux x86_64"
    assert data["targets"][0]["platforms"][:2] == ["manylinux_2_28_x86_64", "manylinux_2_27_x86_64"]


def test_json_packages_carry_the_matrix():
    data = json.loads(
        render_package_json(make_report(), make_settings(), verbose=False, strict=False)
    )
    fastnum, purelib, nunpy = data["packages"]
    assert (fastnum["package"], fastnum["project"], fastnum["index"]) == (
        "fastnum>=1.0",
        "fastnum",
        "catalog",
    )
    assert fastnum["page_url"] == "https://idx.example/simple/fastnum/"
    assert fastnum["versions"] == ["2.0", "1.0"]
    matrix = fastnum["matrix"]
    assert matrix["targets"] == [
        {"key": "linux", "label": "Linux x86_64"},
        {"key": "windows", "label": "Windows amd64"},
        {"key": "macos", "label": "macOS arm64"},
    ]
    assert matrix["pythons"] == ["3.10", "3.12"]
    (row,) = matrix["rows"]  # 1.0 is yanked: not a candidate
    assert (row["version"], row["yanked"]) == ("2.0", None)
    assert [(c["target"], c["python"], c["fit"]) for c in row["cells"]] == [
        ("linux", "3.10", "sdist"),
        ("linux", "3.12", "wheel"),
        ("windows", "3.10", "sdist"),
        ("windows", "3.12", "wheel"),
        ("macos", "3.10", "sdist"),
        ("macos", "3.12", "sdist"),
    ]
    assert row["cells"][1]["file"] == "fastnum-2.0-cp312-cp312-manylinux_2_17_x86_64.whl"
    assert [c["fit"] for c in purelib["matrix"]["rows"][0]["cells"]] == ["python", "pure"] * 3
    assert nunpy["matrix"] is None
    assert nunpy["versions"] == []
    assert [f["id"] for f in nunpy["findings"]] == ["package.not-found", "package.near-miss"]


def test_json_settings_never_hold_a_password():
    text = render_package_json(make_report(), make_settings(), verbose=True, strict=False)
    for secret in (CATALOG_PASSWORD, MANAGER_PASSWORD, "url-pw"):
        assert secret not in text
    settings = json.loads(text)["settings"]
    assert settings["password"] == {
        "set": True,
        "source": "environment",
        "origin": "ASDIAG_PASSWORD",
    }
    assert settings["manager_password"]["set"] is True
    assert "value" not in settings["password"]
    assert "value" not in settings["manager_password"]


@pytest.mark.parametrize(
    ("results", "strict", "code"),
    [
        ("all", False, 1),
        ("warn", False, 0),
        ("warn", True, 1),
        ("ok", True, 0),
    ],
)
def test_json_exit_code(results, strict, code):
    chosen = {
        "all": None,
        "warn": (decided("purelib", dist("purelib-1.0-py3-none-any.whl", hashes=False)),),
        "ok": (decided("purelib", dist("purelib-1.0-py3-none-any.whl")),),
    }[results]
    report = make_report() if chosen is None else make_report(results=chosen)
    data = json.loads(render_package_json(report, make_settings(), verbose=False, strict=strict))
    assert data["exit_code"] == code


def test_json_of_an_empty_run():
    report = make_report(results=(), requests=())
    data = json.loads(render_package_json(report, make_settings(), verbose=False, strict=False))
    assert (data["packages"], data["findings"], data["request_count"]) == ([], [], 0)
    assert data["exit_code"] == 0


# --- markdown -------------------------------------------------------------------------------


def test_markdown_has_a_table_per_package_and_every_finding():
    text = render_package_markdown(make_report(), verbose=False, strict=False)
    lines = text.splitlines()
    assert lines[:4] == [
        "# asdiag package report",
        "",
        f"- asdiag {__version__}, run at 2026-11-23T12:00:00+00:00",
        "- Result: 1 failed, 6 warnings, 1 info, 2 ok, exit code 1",
    ]
    assert [line for line in lines if line.startswith("## ")] == [
        "## `fastnum>=1.0` via the catalog",
        "## `purelib` via the catalog",
        "## `nunpy` via the catalog",
    ]
    header = "| version | " + " | ".join(LABELS) + " |"
    assert lines.count(header) == 2  # the missing package has no matrix
    assert lines.count("|---|---|---|---|") == 2
    assert "| 2.0 | ✓ 3.12, sdist 3.10 | ✓ 3.12, sdist 3.10 | sdist |" in lines
    assert (
        "| 1.0 | ✓ pure 3.12, ✗ Py 3.10 | ✓ pure 3.12, ✗ Py 3.10 | ✓ pure 3.12, ✗ Py 3.10 |"
        in lines
    )
    for finding_id in ALL_IDS:
        assert f"`{finding_id}`" in text
    assert "| fail | `package.not-found` | The catalog does not hold nunpy: https://idx" in text
    assert "**Fix (package.no-macos-builds):**" in text
    assert "**Fix (package.ok)" not in text
    assert "  Package: nunpy" in lines  # the vendor request, in a text block
    assert text.endswith("\n")


def test_markdown_marks_yanked_rows_and_escapes_pipes():
    matrix = Matrix(
        targets=(("linux", "Linux x86_64"),),
        pythons=("3.12",),
        rows=(Row("1.0", "bad", (Cell("linux", "3.12", "wheel", "x.whl"),)),),
    )
    (req,) = parse_requests(["demo"])
    ok = decided("demo", dist("demo-1.0-py3-none-any.whl")).findings[0]
    result = PackageResult(req, "catalog", "u", (replace(ok, summary="a | b"),), matrix)
    text = render_package_markdown(make_report(results=(result,)), verbose=False, strict=False)
    assert "| 1.0 (yanked) | ✓ |" in text.splitlines()
    assert "a \\| b" in text


def test_markdown_lists_requests_only_when_verbose():
    quiet = render_package_markdown(make_report(), verbose=False, strict=False)
    loud = render_package_markdown(make_report(), verbose=True, strict=False)
    assert "## Requests" not in quiet
    assert "## Requests (4)" in loud
    assert "GET https://idx.example/simple/nunpy/" in loud


# --- console --------------------------------------------------------------------------------


def test_console_report_shows_the_matrix_and_marks():
    text = to_text(render_package_report(make_report(), verbose=False, strict=False))
    lines = text.splitlines()
    assert lines[0] == "asdiag package  Python 3.10, 3.12"
    assert "fastnum>=1.0  via the catalog: https://idx.example/simple/fastnum/" in lines
    headers = [line for line in lines if line.lstrip().startswith("version")]
    assert len(headers) == 2
    for header in headers:
        assert header.split() == ["version", *" ".join(LABELS).split()]
    row = next(line for line in lines if line.lstrip().startswith("2.0"))
    assert row.split() == ["2.0", *["✓", "3.12,", "sdist", "3.10"] * 2, "sdist"]
    pure_row = next(line for line in lines if line.lstrip().startswith("1.0"))
    assert pure_row.count("✓ pure 3.12, ✗ Py 3.10") == 3
    for finding_id in ALL_IDS:
        assert finding_id in text
    assert "✗ package.not-found" in text
    assert "i package.near-miss  Did you mean numpy?" in text
    assert "! package.no-macos-builds" in text
    assert "Fix: " in text
    assert "Result: 1 failed, 6 warnings, 1 info, 2 ok (exit 1)." in text
    assert "Start here: package.not-found:" in text
    assert "Requests (" not in text


def test_console_report_lists_requests_when_verbose():
    text = to_text(render_package_report(make_report(), verbose=True, strict=False))
    assert "Requests (4)" in text
    assert "https://idx.example/simple/nunpy/" in text


def test_console_report_strict_exit_code():
    report = make_report(
        results=(decided("purelib", dist("purelib-1.0-py3-none-any.whl", hashes=False)),)
    )
    assert "(exit 0)." in to_text(render_package_report(report, verbose=False, strict=False))
    assert "(exit 1)." in to_text(render_package_report(report, verbose=False, strict=True))


@pytest.mark.parametrize(
    ("kinds", "cell"),
    [
        (["wheel", "wheel"], "✓"),
        (["pure", "pure"], "✓ pure"),
        (["sdist", "sdist"], "sdist"),
        (["none", "none"], "✗"),
        (["python", "python"], "✗ Py"),
        (["none", "wheel"], "✓ 3.12, ✗ 3.10"),
        (["python", "sdist"], "sdist 3.12, ✗ Py 3.10"),
    ],
)
def test_matrix_cells(kinds, cell):
    matrix = Matrix(
        targets=(("linux", "Linux x86_64"),),
        pythons=("3.10", "3.12"),
        rows=(
            Row(
                "1.0",
                None,
                (Cell("linux", "3.10", kinds[0]), Cell("linux", "3.12", kinds[1])),
            ),
        ),
    )
    lines = to_text(matrix_table(matrix)).splitlines()
    assert lines[0].split() == ["version", "Linux", "x86_64"]
    assert lines[-1].split() == ["1.0", *cell.split()]


def test_matrix_marks_a_yanked_row():
    matrix = Matrix((("linux", "Linux x86_64"),), ("3.12",), (Row("1.0", "", ()),))
    assert "1.0 (yanked)" in to_text(matrix_table(matrix))
