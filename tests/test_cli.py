"""The command line itself: start-up imports, usage errors, explain, list-checks, exit codes."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

import pytest

from asdiag import __version__
from asdiag.checks import GROUPS
from asdiag.cli import Group
from tests.integration.conftest import run_asdiag

HEAVY_MODULES = ("httpx", "keyring", "packaging.tags", "asdiag.http", "asdiag.doctor")


def _imported_after(args: list[str]) -> tuple[int, str, set[str]]:
    """Run the CLI in a fresh interpreter and list which heavy modules it imported."""
    code = (
        "import sys\n"
        "from asdiag.__main__ import main\n"
        f"sys.argv = ['asdiag', *{args!r}]\n"
        "try:\n"
        "    main()\n"
        "except SystemExit as exc:\n"
        "    code = exc.code\n"
        f"heavy = [m for m in {HEAVY_MODULES!r} if m in sys.modules]\n"
        "print('HEAVY=' + ','.join(heavy))\n"
    )
    done = subprocess.run(
        [sys.executable, "-c", code], capture_output=True, text=True, env=os.environ, check=False
    )
    marker = done.stdout.rsplit("HEAVY=", 1)[1].strip()
    return done.returncode, done.stdout, set(filter(None, marker.split(",")))


@pytest.mark.parametrize("args", [["--version"], ["--help"], ["check", "--help"]])
def test_fast_paths_import_nothing_heavy(args: list[str]) -> None:
    _, output, heavy = _imported_after(args)
    assert heavy == set(), output


def test_version() -> None:
    run = run_asdiag("--version")
    assert (run.exit_code, run.stdout) == (0, f"asdiag {__version__}\n")


def test_console_script_and_module_entry_points() -> None:
    module = subprocess.run(
        [sys.executable, "-m", "asdiag", "--version"], capture_output=True, text=True, check=False
    )
    assert module.stdout == f"asdiag {__version__}\n"
    script = Path(sys.executable).with_name("asdiag")
    if script.exists():
        done = subprocess.run(
            [str(script), "--version"], capture_output=True, text=True, check=False
        )
        assert done.stdout == f"asdiag {__version__}\n"


def test_groups_enum_matches_checks() -> None:
    assert tuple(str(g) for g in Group) == GROUPS


def test_password_is_never_a_flag() -> None:
    run = run_asdiag("check", "--password", "s3cr3t-Pa55-xyz")
    assert run.exit_code == 2
    assert "s3cr3t-Pa55-xyz" not in run.stdout + run.stderr


def test_explain_known_id() -> None:
    run = run_asdiag("explain", "auth.bad-credentials")
    assert run.exit_code == 0
    assert run.stdout.startswith("auth.bad-credentials: Credentials rejected\nSeverity: fail")
    assert "Reference: docs/findings.md#auth-bad-credentials" in run.stdout


def test_explain_check_name() -> None:
    run = run_asdiag("explain", "auth")
    assert run.exit_code == 0
    assert "  auth.forbidden: Access forbidden with credentials" in run.stdout


def test_explain_unknown_id_suggests() -> None:
    run = run_asdiag("explain", "auth.bad-credential")
    assert run.exit_code == 2
    assert run.stderr == (
        "asdiag: error: unknown finding id 'auth.bad-credential'; did you mean "
        "auth.bad-credentials?\n"
    )


def test_list_checks_human_and_json() -> None:
    human = run_asdiag("check", "--list-checks")
    assert human.exit_code == 0
    assert human.stdout.startswith("config (config): A catalog URL is configured")
    machine = run_asdiag("check", "--list-checks", "--format", "json")
    rows = json.loads(machine.stdout)["checks"]
    assert [row["check"] for row in rows] == [
        "config",
        "credentials",
        "url",
        "proxy",
        "dns",
        "connect",
        "http",
        "auth",
        "index",
        "manager",
        "schedule",
        "client",
    ]


@pytest.mark.parametrize(
    ("config_text", "message"),
    [
        ("catalog_url = [", "is not valid TOML"),
        ('password = "x"', "does not read passwords from the config file"),
        ('colour = "red"', "unknown key 'colour'"),
        ("timeout = 'soon'", "timeout must be a number of seconds"),
    ],
)
def test_bad_config_file_is_a_usage_error(tmp_path: Path, config_text: str, message: str) -> None:
    config = tmp_path / "config.toml"
    config.write_text(config_text)
    run = run_asdiag("check", "--config", str(config))
    assert run.exit_code == 2, run.stdout
    assert run.stderr.startswith("asdiag: error: ") and message in run.stderr
    assert run.stderr.count("\n") == 1
    assert run.stdout == ""


def test_config_path_that_cannot_be_read(tmp_path: Path) -> None:
    run = run_asdiag("check", "--config", str(tmp_path))
    assert run.exit_code == 2
    assert run.stderr.startswith(f"asdiag: error: config file {tmp_path} cannot be read: ")


def test_missing_explicit_config_file(tmp_path: Path) -> None:
    run = run_asdiag("check", "--config", str(tmp_path / "nope.toml"))
    assert (run.exit_code, run.stderr) == (
        2,
        f"asdiag: error: config file {tmp_path / 'nope.toml'} does not exist\n",
    )


def test_unknown_profile(tmp_path: Path) -> None:
    config = tmp_path / "config.toml"
    config.write_text('[profiles.prod]\ncatalog_url = "http://127.0.0.1:9/pypi"\n')
    run = run_asdiag("check", "--config", str(config), "--profile", "staging")
    assert run.exit_code == 2
    assert run.stderr == (
        f"asdiag: error: unknown profile 'staging' in {config} (profiles: prod)\n"
    )


def test_profile_from_default_config_dir(isolated_environment: Path) -> None:
    config_dir = isolated_environment / ".config" / "asdiag"
    config_dir.mkdir(parents=True)
    (config_dir / "config.toml").write_text(
        'timeout = 3\n[profiles.lab]\ncatalog_url = "http://127.0.0.1:9/pypi"\n'
    )
    run = run_asdiag("check", "--profile", "lab", "--only", "config", "--format", "json")
    settings = json.loads(run.stdout)["settings"]
    assert settings["catalog_url"]["origin"] == f"{config_dir / 'config.toml'} [profiles.lab]"
    assert settings["timeout"] == {
        "value": 3.0,
        "source": "config file",
        "origin": str(config_dir / "config.toml"),
    }


def test_missing_ca_bundle_is_a_usage_error() -> None:
    run = run_asdiag(
        "check", "--catalog-url", "https://127.0.0.1:9/pypi", "--ca-bundle", "/no/such/ca.pem"
    )
    assert run.exit_code == 2
    assert (
        run.stderr
        == "asdiag: error: the CA bundle from flag (--ca-bundle) does not exist: /no/such/ca.pem\n"
    )


def test_empty_password_on_stdin() -> None:
    run = run_asdiag(
        "check", "--catalog-url", "http://127.0.0.1:9/pypi", "--password-stdin", stdin=""
    )
    assert run.exit_code == 2
    assert run.stderr == "asdiag: error: --password-stdin read an empty password\n"


def test_bad_timeout_value() -> None:
    run = run_asdiag("check", "--catalog-url", "http://127.0.0.1:9/pypi", "--timeout", "-1")
    assert run.exit_code == 2
    assert "must be a positive number of seconds" in run.stderr


def test_strict_turns_warnings_into_failure() -> None:
    url = "https://repository.activestate.com/b5865a43-1f24-48df-b6f3-8c932c7aae29/pypi/"
    relaxed = run_asdiag("check", "--catalog-url", url, "--only", "url")
    strict = run_asdiag("check", "--catalog-url", url, "--only", "url", "--strict")
    assert (relaxed.exit_code, strict.exit_code) == (0, 1)


def test_closed_choices_equal_the_library_s() -> None:
    from asdiag.cli import AuthStyle, Via
    from asdiag.lab.catalog import AUTH_STYLES
    from asdiag.package import VIA_CHOICES

    assert tuple(str(v) for v in Via) == VIA_CHOICES
    assert tuple(str(a) for a in AuthStyle) == AUTH_STYLES
