"""Every lab scenario is diagnosed as it declares; ``asdiag demo`` and ``asdiag lab`` end to end.

``asdiag check`` runs in-process against a real lab on a loopback port, configured only through
the ``ASDIAG_*`` variables the lab's env file would hold, as a user would run it.
"""

from __future__ import annotations

import os
import signal
import subprocess
import sys
from collections.abc import Iterator
from pathlib import Path

import httpx
import pytest

from asdiag.demo import LAB_NOW
from asdiag.lab.catalog import AUTH_STYLES
from asdiag.lab.scenarios import BY_NAME, SCENARIOS, SECRETS, Scenario
from asdiag.lab.server import Lab
from tests.integration.conftest import Run, run_asdiag

PROBLEMS = ("warn", "fail", "error")


@pytest.fixture(scope="module")
def lab() -> Iterator[Lab]:
    with Lab() as running:
        yield running


def check(lab: Lab, monkeypatch: pytest.MonkeyPatch, *args: str) -> Run:
    for key, value in lab.target().items():
        monkeypatch.setenv(key, value)
    return run_asdiag("check", "--format", "json", "--now", LAB_NOW.isoformat(), *args)


def problems(run: Run) -> set[str]:
    """The problems found; ``client.*`` describes the machine running asdiag (here: pip with
    no configuration, so public PyPI), not the scenario."""
    findings = run.document["findings"]
    assert isinstance(findings, list)
    return {
        f["id"] for f in findings if f["severity"] in PROBLEMS and not f["id"].startswith("client.")
    }


@pytest.mark.parametrize("scenario", SCENARIOS, ids=lambda s: s.name)
def test_check_reports_exactly_the_declared_ids(
    lab: Lab, monkeypatch: pytest.MonkeyPatch, scenario: Scenario
) -> None:
    lab.load(scenario)
    run = check(lab, monkeypatch)
    assert problems(run) == scenario.check_ids, run.stdout
    failed = any(f["severity"] == "fail" for f in run.document["findings"])  # type: ignore[union-attr]
    assert run.exit_code == (1 if failed else 0)


#: What each way of refusing makes asdiag say: the verdict comes from the pair of requests.
AUTH_STYLE_CASES = {
    ("catalog", "bad-password"): {"auth.bad-credentials"},
    ("pypiserver", "bad-password"): {"auth.forbidden"},
    ("devpi", "bad-password"): {"auth.forbidden"},
    ("catalog", "wrong-org"): {"url.username-mismatch", "auth.forbidden"},
    ("pypiserver", "wrong-org"): {"url.username-mismatch", "auth.forbidden"},
    ("devpi", "wrong-org"): {"url.username-mismatch", "auth.not-found-with-credentials"},
}


@pytest.mark.parametrize(("style", "name"), sorted(AUTH_STYLE_CASES))
def test_every_auth_style_is_diagnosed(
    lab: Lab, monkeypatch: pytest.MonkeyPatch, style: str, name: str
) -> None:
    lab.load(BY_NAME[name], auth_style=style)
    run = check(lab, monkeypatch)
    assert problems(run) == AUTH_STYLE_CASES[style, name], run.stdout
    assert run.exit_code == 1


def test_the_auth_style_table_covers_every_style() -> None:
    assert {style for style, _ in AUTH_STYLE_CASES} == set(AUTH_STYLES)


#: The healthy scenario per auth style: (exit code, problems).
HEALTHY_BY_STYLE = {
    "catalog": (0, set()),
    "pypiserver": (0, set()),
    # devpi refuses anonymous callers with 403 and no challenge: a manager that waits for a
    # challenge before sending credentials never gets in. asdiag warns about exactly that,
    # and through the lab's Artifactory (which does wait) indeed no catalog project comes.
    "devpi": (1, {"auth.no-challenge", "manager.upstream-auth-failed"}),
}


@pytest.mark.parametrize("style", AUTH_STYLES)
def test_the_healthy_scenario_in_every_auth_style(
    lab: Lab, monkeypatch: pytest.MonkeyPatch, style: str
) -> None:
    lab.load(BY_NAME["healthy"], auth_style=style)
    run = check(lab, monkeypatch)
    assert (run.exit_code, problems(run)) == HEALTHY_BY_STYLE[style]


def test_check_against_the_lab_makes_two_requests(
    lab: Lab, monkeypatch: pytest.MonkeyPatch
) -> None:
    lab.load(BY_NAME["healthy"])
    before = len(lab.apps.catalog.visits)
    run = check(lab, monkeypatch, "--only", "auth")
    assert run.document["request_count"] == 2
    assert [v.user for v in lab.apps.catalog.visits[before:]] == [
        "-",
        lab.target()["ASDIAG_USERNAME"],
    ]


def test_secrets_stay_out_of_verbose_output(lab: Lab, monkeypatch: pytest.MonkeyPatch) -> None:
    for name in ("bad-password", "wrong-org"):
        lab.load(BY_NAME[name])
        for output_format in ("human", "json", "markdown"):
            run = check(lab, monkeypatch, "-vv", "--format", output_format)
            for secret in SECRETS:
                assert secret not in run.stdout + run.stderr


# --- asdiag demo and asdiag lab --------------------------------------------------------------


def test_demo_diagnoses_every_scenario_it_shows() -> None:
    run = run_asdiag("demo", "-vv")
    assert run.exit_code == 0, run.stdout
    shown = [s for s in SCENARIOS if s.in_demo]
    assert f"{len(shown)} of {len(shown)} scenarios diagnosed as declared" in run.stdout
    for scenario in shown:
        assert f". {scenario.name}  " in run.stdout
    for secret in SECRETS:
        assert secret not in run.stdout + run.stderr
    assert "Traceback" not in run.stdout + run.stderr


def test_lab_list_names_every_scenario_with_a_sentence() -> None:
    run = run_asdiag("lab", "list")
    assert run.exit_code == 0
    lines = run.stdout.splitlines()
    assert [line.split()[0] for line in lines] == [s.name for s in SCENARIOS]
    assert all(line.rstrip().endswith(".") for line in lines)


def test_lab_serve_rejects_an_unknown_scenario() -> None:
    run = run_asdiag("lab", "serve", "--scenario", "bad-pasword")
    assert run.exit_code == 2
    assert "did you mean bad-password?" in run.stderr


def test_lab_serve_refuses_a_port_in_use(lab: Lab) -> None:
    run = run_asdiag("lab", "serve", "--port", str(lab.port))
    assert run.exit_code == 2
    assert f"cannot listen on 127.0.0.1:{lab.port}" in run.stderr


def _environment() -> dict[str, str]:
    return {k: v for k, v in os.environ.items() if not k.startswith(("ASDIAG_", "PIP_"))}


def test_lab_serve_writes_an_env_file_that_check_uses_and_stops_on_sigterm(
    tmp_path: Path,
) -> None:
    env_file = tmp_path / "lab.env"
    process = subprocess.Popen(
        [
            sys.executable,
            "-m",
            "asdiag",
            "lab",
            "serve",
            "--scenario",
            "simple-suffix",
            "--env-file",
            str(env_file),
        ],
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
        env=_environment(),
    )
    try:
        assert process.stdout is not None
        banner = process.stdout.readline()  # printed once the socket listens
        assert banner.startswith("asdiag lab: scenario simple-suffix")
        # The env file, sourced by a shell as the banner says, configures check.
        script = f"set -a; . {env_file}; set +a; {sys.executable} -m asdiag check --format json"
        checked = subprocess.run(
            ["sh", "-c", script], capture_output=True, text=True, env=_environment(), check=False
        )
        assert checked.returncode == 1, checked.stderr
        assert '"manager.remote-url-simple-suffix"' in checked.stdout
        url = next(
            line.split("=", 1)[1]
            for line in env_file.read_text().splitlines()
            if line.startswith("ASDIAG_CATALOG_URL=")
        )
        assert httpx.get(url, trust_env=False).status_code == 401
        assert env_file.stat().st_mode & 0o777 == 0o600  # it holds passwords
    finally:
        process.send_signal(signal.SIGTERM)
        _, stderr = process.communicate(timeout=10)
    assert process.returncode == 0
    assert "asdiag lab: stopped" in stderr
    assert "Traceback" not in stderr
