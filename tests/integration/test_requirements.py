"""``asdiag requirements`` end to end against the lab: one run, every problem, inside the limit."""

from __future__ import annotations

import json
import time
from collections.abc import Iterator
from pathlib import Path

import pytest

from asdiag.lab.catalog import RateLedger
from asdiag.lab.scenarios import BY_NAME, SECRETS
from asdiag.lab.server import Lab
from asdiag.ledger import Ledger, default_path
from tests.integration.conftest import Run, run_asdiag


@pytest.fixture(scope="module")
def lab() -> Iterator[Lab]:
    with Lab() as running:
        yield running


@pytest.fixture
def catalog(lab: Lab, monkeypatch: pytest.MonkeyPatch) -> Lab:
    """The healthy lab, asked directly (no manager): one index, so requests are countable."""
    lab.load(BY_NAME["healthy"])
    target = lab.target()
    monkeypatch.setenv("ASDIAG_CATALOG_URL", target["ASDIAG_CATALOG_URL"])
    monkeypatch.setenv("ASDIAG_PASSWORD", target["ASDIAG_PASSWORD"])
    return lab


def requirements(*args: str) -> Run:
    return run_asdiag("requirements", "--format", "json", "-v", *args)


def packages(run: Run) -> dict[str, dict[str, object]]:
    rows = run.document["packages"]
    assert isinstance(rows, list)
    return {row["project"]: row for row in rows}


def ids_of(row: dict[str, object]) -> set[str]:
    findings = row["findings"]
    assert isinstance(findings, list)
    return {f["id"] for f in findings}


def write_project(root: Path, missing: int) -> Path:
    """main.txt -r reqs/base.txt; markers; continuation; hashes; comments; 6 + ``missing``."""
    (root / "reqs").mkdir()
    (root / "reqs" / "base.txt").write_text(
        "# the catalog holds these\n"
        "requests>=2.31  # pure\n"
        "numpy \\\n    >=2.2\n"
        "Zope.Interface\n"
        "docopt\n" + "".join(f"lab-missing-{n:03d}\n" for n in range(missing))
    )
    main = root / "main.txt"
    main.write_text(
        "-r reqs/base.txt\n"
        'pywin32-lab; sys_platform == "win32"\n'
        'uvloop-lab; sys_platform != "win32"\n'
        "numpy>=3 ; python_version >= '3.12'\n"
        "pandas\n"
    )
    return main


def test_two_hundred_entries_in_one_run_with_one_request_per_project(
    catalog: Lab, tmp_path: Path
) -> None:
    main = write_project(tmp_path, missing=192)
    run = requirements(str(main), "--platform", "windows", "--python", "3.11")
    rows = packages(run)
    # 4 + 192 from base.txt, pywin32-lab (Windows only), pandas; numpy>=3 is 3.12-only.
    assert len(rows) == 198
    assert "uvloop-lab" not in rows
    assert rows["pywin32-lab"]["required_by"] == [f"{main}:2"]
    # One page per project, and the index root once (for near-miss names).
    assert run.document["request_count"] == len(rows) + 1
    assert run.exit_code == 1
    assert "Traceback" not in run.stdout + run.stderr


def test_every_kind_of_problem_is_reported_at_once(catalog: Lab, tmp_path: Path) -> None:
    main = write_project(tmp_path, missing=0)
    run = requirements(str(main), "--platform", "windows", "--python", "3.12", "--python", "3.11")
    rows = packages(run)
    assert ids_of(rows["pandas"]) >= {"package.not-found"}  # missing
    assert ids_of(rows["zope-interface"]) >= {"package.no-compatible-wheel"}  # no cp311 wheel
    # numpy: >=2.2 everywhere, and >=3 only on Python 3.12 (a marker): two ranges, two rows.
    numpy = {
        row["package"]: (row["targets"], ids_of(row))
        for row in run.document["packages"]  # type: ignore[union-attr]
        if row["project"] == "numpy"
    }
    assert set(numpy) == {"numpy>=2.2", "numpy>=2.2,>=3"}
    assert numpy["numpy>=2.2,>=3"][1] >= {"package.version-not-found"}
    assert "package.ok" in numpy["numpy>=2.2"][1]
    assert ids_of(rows["requests"]) == {"package.ok"}
    assert rows["pandas"]["severity"] == "fail"
    assert next(iter(rows)) != "requests"  # worst first
    assert run.exit_code == 1


def test_fail_on_missing_ignores_wheel_problems(catalog: Lab, tmp_path: Path) -> None:
    reqs = tmp_path / "r.txt"
    reqs.write_text("Zope.Interface\nrequests\n")
    args = (str(reqs), "--platform", "windows", "--python", "3.11")
    assert requirements(*args).exit_code == 1
    assert requirements(*args, "--fail-on", "missing").exit_code == 0
    assert requirements(str(reqs), "--platform", "windows", "--python", "3.12").exit_code == 0
    strict = requirements(str(reqs), "--python", "3.12", "--fail-on", "warn")
    assert strict.exit_code == 1  # the default targets include macOS: warnings


def test_uncheckable_lines_and_file_problems(catalog: Lab, tmp_path: Path) -> None:
    reqs = tmp_path / "r.txt"
    reqs.write_text(
        "requests\n"
        "./local-package\n"
        "demo @ https://example.org/demo-1.0.tar.gz\n"
        "-e git+https://example.org/repo.git#egg=thing\n"
        "this is not a requirement\n"
        "-r does-not-exist.txt\n"
    )
    run = requirements(str(reqs), "--platform", "linux", "--python", "3.12")
    findings = {f["id"]: f for f in run.document["findings"]}  # type: ignore[union-attr]
    assert findings["requirements.uncheckable"]["severity"] == "info"
    assert findings["requirements.file-problem"]["severity"] == "fail"
    assert "r.txt:5" in str(findings["requirements.file-problem"]["detail"])
    assert set(packages(run)) == {"requests"}
    assert run.exit_code == 1


def test_index_lines_in_the_file_are_judged(catalog: Lab, tmp_path: Path) -> None:
    reqs = tmp_path / "r.txt"
    reqs.write_text("--extra-index-url https://ci:file-S3cret-1@pypi.org/simple\nrequests\n")
    run = requirements(str(reqs), "--platform", "linux", "--python", "3.12")
    ids = {f["id"] for f in run.document["findings"]}  # type: ignore[union-attr]
    assert {"client.public-index-mixed", "client.credentials-in-config"} <= ids
    assert "file-S3cret-1" not in run.stdout + run.stderr


def test_a_missing_file_is_a_usage_error(tmp_path: Path) -> None:
    run = run_asdiag("requirements", str(tmp_path / "nope.txt"))
    assert run.exit_code == 2
    assert "no such file" in run.stderr


# --- politeness -------------------------------------------------------------------------------


def test_the_ledger_refuses_to_spend_more_than_half_the_limit(catalog: Lab, tmp_path: Path) -> None:
    ledger = Ledger(default_path())
    ledger.record(["127.0.0.1"] * 995)
    reqs = tmp_path / "r.txt"
    reqs.write_text("".join(f"lab-missing-{n}\n" for n in range(10)))
    refused = requirements(str(reqs), "--platform", "linux", "--python", "3.12")
    assert refused.exit_code == 2
    assert "already made 995" in refused.stderr
    assert "--force" in refused.stderr
    forced = requirements(str(reqs), "--platform", "linux", "--python", "3.12", "--force")
    assert forced.exit_code == 1  # ran: ten packages not found
    assert forced.document["ledger"] == {"spent_before": {"127.0.0.1": 995}}
    assert ledger.recent("127.0.0.1") == 995 + forced.document["request_count"]


def test_a_429_is_waited_out_and_the_batch_finishes(catalog: Lab, tmp_path: Path) -> None:
    catalog.apps.catalog.ledger = RateLedger(limit=3, window=1.0)
    reqs = tmp_path / "r.txt"
    reqs.write_text("requests\nnumpy\ndocopt\ntyping_extensions\ncryptography\n")
    run = requirements(str(reqs), "--platform", "linux", "--python", "3.12", "--concurrency", "2")
    rows = packages(run)
    assert all(row["not_checked"] is None for row in rows.values())
    assert all("package.ok" in ids_of(row) for row in rows.values())
    statuses = [r["status"] for r in run.document["requests"]]  # type: ignore[union-attr]
    assert 429 in statuses  # the limit was hit, honoured, and the batch went on


def test_a_long_retry_after_stops_the_batch_and_says_what_was_not_checked(
    lab: Lab, monkeypatch: pytest.MonkeyPatch, tmp_path: Path
) -> None:
    lab.load(BY_NAME["rate-limited"])
    monkeypatch.setenv("ASDIAG_CATALOG_URL", lab.target()["ASDIAG_CATALOG_URL"])
    monkeypatch.setenv("ASDIAG_PASSWORD", lab.target()["ASDIAG_PASSWORD"])
    reqs = tmp_path / "r.txt"
    reqs.write_text("requests\nnumpy\ndocopt\n")
    started = time.monotonic()
    run = requirements(str(reqs), "--platform", "linux", "--python", "3.12")
    assert time.monotonic() - started < 30  # it did not wait the 4 minutes the index asked for
    finding = next(f for f in run.document["findings"] if f["id"] == "requirements.not-checked")  # type: ignore[union-attr]
    assert finding["severity"] == "error"
    assert "Retry-After" in str(finding["summary"])
    assert run.exit_code == 3
    assert all(row["not_checked"] for row in packages(run).values())


def test_no_secret_in_any_output(lab: Lab, monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> None:
    lab.load(BY_NAME["missing-deploy-cache"])
    for key, value in lab.target().items():
        monkeypatch.setenv(key, value)
    reqs = tmp_path / "r.txt"
    reqs.write_text("requests\ncryptography\npandas\n")
    for output in ("human", "json", "markdown"):
        run = run_asdiag("requirements", str(reqs), "--via", "both", "-vv", "--format", output)
        assert run.exit_code == 1, run.stdout + run.stderr
        for secret in SECRETS:
            assert secret not in run.stdout + run.stderr
    document = json.loads(
        run_asdiag("requirements", str(reqs), "--via", "both", "--format", "json").stdout
    )
    rows = {(r["project"], r["index"]): r for r in document["packages"]}
    assert "package.missing-in-manager" in {
        f["id"] for f in rows[("cryptography", "manager")]["findings"]
    }


def test_a_lock_file_s_exact_versions_and_files(catalog: Lab, tmp_path: Path) -> None:
    """pylock.toml: the pinned version must match, and every file it names must be listed."""
    lock = tmp_path / "pylock.toml"
    lock.write_text(
        'lock-version = "1.0"\ncreated-by = "test"\n\n'
        '[[packages]]\nname = "requests"\nversion = "2.32.3"\n'
        "wheels = [\n"
        '  {name = "requests-2.32.3-py3-none-any.whl", url = "https://x/a.whl", '
        'hashes = {sha256 = "aa"}},\n'
        '  {name = "requests-2.32.3-cp312-cp312-win_amd64.whl", url = "https://x/b.whl", '
        'hashes = {sha256 = "bb"}},\n'
        "]\n\n"
        '[[packages]]\nname = "typing-extensions"\nversion = "4.12.2"\n'
        'wheels = [{name = "typing_extensions-4.12.2-py3-none-any.whl", url = "https://x/c.whl", '
        'hashes = {sha256 = "cc"}}]\n'
    )
    run = requirements(str(lock), "--platform", "windows", "--python", "3.12")
    rows = packages(run)
    assert rows["requests"]["package"] == "requests==2.32.3"
    missing = next(
        f
        for f in rows["requests"]["findings"]
        if f["id"] == "package.locked-file-missing"  # type: ignore[union-attr]
    )
    assert "requests-2.32.3-cp312-cp312-win_amd64.whl" in missing["summary"]
    assert "py3-none-any" not in missing["summary"]
    assert ids_of(rows["typing-extensions"]) == {"package.ok"}
    assert run.exit_code == 1


def test_a_project_installed_from_a_file_or_a_repository_is_not_called_missing(
    catalog: Lab, tmp_path: Path
) -> None:
    """The lab's catalog does not hold these projects; pip would never ask it for them."""
    path = tmp_path / "requirements.txt"
    path.write_text(
        "./wheels/nowhere_local-1.0-py3-none-any.whl\n"
        "nowhere-local\n"
        "git+https://example.org/tool.git#egg=nowhere-vcs\n"
        "nowhere-vcs==2.0\n",
        encoding="utf-8",
    )
    run = requirements(str(path))
    assert run.exit_code == 0, run.stdout
    assert packages(run) == {}
    assert "requirements.uncheckable" in run.ids
    assert not [e for e in run.document["requests"] if "nowhere" in str(e["url"])]


def test_file_options_change_the_verdict_as_they_change_pips(catalog: Lab, tmp_path: Path) -> None:
    """`--pre` in the file: pip installs numpy 2.4.0rc1. `--only-binary :all:`: pip cannot
    install sdist-only docopt."""
    path = tmp_path / "requirements.txt"
    path.write_text("--pre\n--only-binary :all:\nnumpy\ndocopt\n", encoding="utf-8")
    run = requirements(str(path), "--platform", "linux", "--python", "3.12")
    rows = packages(run)
    numpy_ok = next(f for f in rows["numpy"]["findings"] if f["id"] == "package.ok")
    assert "newest 2.4.0rc1" in numpy_ok["summary"]
    docopt = next(f for f in rows["docopt"]["findings"] if f["id"] == "package.version-not-found")
    assert "--only-binary" in docopt["detail"]
    assert run.exit_code == 1


def test_an_index_pip_has_already_dropped_is_not_judged(catalog: Lab, tmp_path: Path) -> None:
    """pip: a later --index-url replaces the extras before it; --no-index drops everything."""
    path = tmp_path / "requirements.txt"
    path.write_text(
        "--extra-index-url https://pypi.org/simple\n"
        "--index-url https://mirror.example/simple\n"
        "requests\n",
        encoding="utf-8",
    )
    run = requirements(str(path))
    assert "client.public-index-mixed" not in run.ids
    path.write_text("--extra-index-url https://pypi.org/simple\nrequests\n", encoding="utf-8")
    assert "client.public-index-mixed" in requirements(str(path)).ids


def test_no_index_in_a_file_is_said(catalog: Lab, tmp_path: Path) -> None:
    path = tmp_path / "requirements.txt"
    path.write_text("--no-index\n--find-links ./wheels\nrequests\n", encoding="utf-8")
    run = requirements(str(path))
    finding = run.finding("requirements.no-index")
    assert finding["severity"] == "warn"
    assert "requirements.txt:1" in str(finding["summary"])


def test_an_extra_private_index_warns_and_public_pypi_fails(catalog: Lab, tmp_path: Path) -> None:
    path = tmp_path / "requirements.txt"
    path.write_text("--extra-index-url https://internal.example/simple\nrequests\n", "utf-8")
    private = requirements(str(path)).finding("client.public-index-mixed")
    assert private["severity"] == "warn"
    assert "none of them public PyPI" in str(private["summary"])
    path.write_text("--extra-index-url https://pypi.org/simple\nrequests\n", "utf-8")
    public = requirements(str(path)).finding("client.public-index-mixed")
    assert public["severity"] == "fail"
    assert "public PyPI among them" in str(public["summary"])
