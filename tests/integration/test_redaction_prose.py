"""A password that is an ordinary word never rewrites asdiag's own sentences.

The redactor once replaced every occurrence of the password in the final text: with the
password ``wrong``, "The password is wrong" came out as "The password is ****". Secrets are now
removed where outside values enter the report, so a run with an ordinary-word password must
read exactly like the same run with an unguessable one, and neither may show the secret where
a secret would be (a URL, a header, an echoed body, a config line).
"""

from __future__ import annotations

import re
from pathlib import Path

import pytest

from tests.integration.conftest import Faults, Run, run_asdiag
from tests.integration.scripted_server import ORG_ID

UNGUESSABLE = "Qz8-vT3k-unguessable-Lm4"
ORDINARY = ("wrong", "password", "admin", "simple", "index")


def _normalised(text: str) -> str:
    """Timings, dates and ports differ between two runs; nothing else may."""
    return re.sub(r"\d+", "N", text)


def _run(command: str, faults: Faults, tmp_path: Path, output: str) -> Run:
    base = faults.base("none-healthy")
    common = ["--catalog-url", base, "--username", ORG_ID, "--format", output, "-v"]
    if command == "check":
        return run_asdiag("check", *common)
    if command == "package":
        return run_asdiag("package", "demo-core", *common)
    requirements = tmp_path / "requirements.txt"
    requirements.write_text("demo-core\n", encoding="utf-8")
    return run_asdiag("requirements", str(requirements), *common)


@pytest.mark.parametrize("command", ["check", "package", "requirements"])
@pytest.mark.parametrize("output", ["human", "json", "markdown"])
@pytest.mark.parametrize("password", ORDINARY)
def test_an_ordinary_word_password_reads_like_an_unguessable_one(
    faults: Faults,
    monkeypatch: pytest.MonkeyPatch,
    tmp_path: Path,
    command: str,
    output: str,
    password: str,
) -> None:
    monkeypatch.setenv("ASDIAG_PASSWORD", UNGUESSABLE)
    reference = _run(command, faults, tmp_path, output)
    monkeypatch.setenv("ASDIAG_PASSWORD", password)
    ordinary = _run(command, faults, tmp_path, output)
    assert ordinary.exit_code == reference.exit_code == 1
    assert _normalised(ordinary.stdout) == _normalised(reference.stdout)
    assert _normalised(ordinary.stderr) == _normalised(reference.stderr)
    assert UNGUESSABLE not in reference.stdout + reference.stderr


def test_the_wrong_password_sentence_survives(
    faults: Faults, monkeypatch: pytest.MonkeyPatch, tmp_path: Path
) -> None:
    monkeypatch.setenv("ASDIAG_PASSWORD", "wrong")
    run = _run("check", faults, tmp_path, "json")
    detail = str(run.finding("auth.bad-credentials")["detail"])
    assert "The password came from environment (ASDIAG_PASSWORD)." in detail
    assert "****" not in detail


@pytest.mark.parametrize("password", [*ORDINARY, UNGUESSABLE])
@pytest.mark.parametrize("output", ["human", "json", "markdown"])
def test_an_echoed_password_is_masked_whatever_it_is(
    faults: Faults, monkeypatch: pytest.MonkeyPatch, password: str, output: str
) -> None:
    """The server repeats the credentials in WWW-Authenticate and in its body."""
    monkeypatch.setenv("ASDIAG_PASSWORD", password)
    base = faults.base("auth-echo")
    run = run_asdiag("check", "--catalog-url", base, "--username", ORG_ID, "--format", output, "-v")
    assert run.exit_code == 1
    for text in (run.stdout, run.stderr):
        assert f"{ORG_ID}:{password}" not in text
    if output == "json":
        assert f"{ORG_ID}:****" in run.stdout  # the echo was there, masked


TOKEN = "ghp_x7Qm2LrT9vWc4Zp8Kd1Ns6Hb3Jf5Yg0Aa"


@pytest.mark.parametrize("output", ["human", "json", "markdown"])
def test_a_token_from_a_variable_is_shown_by_its_name(
    faults: Faults, monkeypatch: pytest.MonkeyPatch, tmp_path: Path, output: str
) -> None:
    """pip's docs suggest ``${VAR}`` for tokens in requirements files; the token is the URL's
    user part, the password the fixed ``x-oauth-basic``."""
    monkeypatch.setenv("ASDIAG_PASSWORD", UNGUESSABLE)
    monkeypatch.setenv("GH_TOKEN", TOKEN)
    requirements = tmp_path / "requirements.txt"
    requirements.write_text(
        "--extra-index-url https://${GH_TOKEN}:x-oauth-basic@pypi.org/simple\n"
        "--extra-index-url https://pypi.example.org/${GH_TOKEN}/simple\n"
        "demo-core\n",
        encoding="utf-8",
    )
    base = faults.base("none-healthy")
    run = run_asdiag(
        "requirements", str(requirements), "--catalog-url", base, "--username", ORG_ID,
        "--format", output, "-vv",
    )  # fmt: skip
    assert TOKEN not in run.stdout + run.stderr
    if output == "json":  # the index lines are judged by the client rules and quoted
        assert "https://****:****@pypi.org/simple" in run.stdout
        assert "https://pypi.example.org/${GH_TOKEN}/simple" in run.stdout


def test_check_requirements_shows_a_variable_token_by_its_name(
    monkeypatch: pytest.MonkeyPatch, tmp_path: Path
) -> None:
    monkeypatch.setenv("GH_TOKEN", TOKEN)
    requirements = tmp_path / "requirements.txt"
    requirements.write_text(
        "--extra-index-url https://pypi.example.org/${GH_TOKEN}/simple\n", encoding="utf-8"
    )
    run = run_asdiag(
        "check", "--only", "client", "-r", str(requirements), "--format", "json", "-vv"
    )
    assert TOKEN not in run.stdout + run.stderr
    assert "https://pypi.example.org/${GH_TOKEN}/simple" in run.stdout


def test_links_resolve_against_the_url_requested_not_the_redacted_one(
    faults: Faults, monkeypatch: pytest.MonkeyPatch, tmp_path: Path
) -> None:
    """A ${VAR} value that is also in the catalog's path is masked in the evidence; the file
    links on the page must still be joined to the real URL (a false file-unreachable once)."""
    monkeypatch.setenv("ASDIAG_PASSWORD", "s3cr3t-Pa55-lab")
    monkeypatch.setenv("SEG", "none-healthy")
    requirements = tmp_path / "requirements.txt"
    requirements.write_text(
        "--extra-index-url https://mirror.example/${SEG}/simple/\ndemo-core\n", encoding="utf-8"
    )
    run = run_asdiag(
        "requirements", str(requirements), "--catalog-url", faults.base("none-healthy"),
        "--username", ORG_ID, "--probe-files", "--platform", "linux", "--format", "json", "-v",
    )  # fmt: skip
    files = [e for e in run.document["requests"] if str(e["probe"]).startswith("file")]
    assert files and all(e["status"] in (200, 206) for e in files), files
    packages = run.document["packages"]
    assert not any(f["id"] == "package.file-unreachable" for p in packages for f in p["findings"])
