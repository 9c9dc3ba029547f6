"""Credentials and the client group end to end: login/logout/whoami, then ``check`` against the lab.

pip's configuration is written into the isolated HOME (``tests/conftest.py`` points HOME,
XDG_CONFIG_HOME, XDG_CONFIG_DIRS and NETRC at a temporary directory); ``PIP_CONFIG_FILE`` names
the file a case writes, so this machine's own pip configuration is never read. The keyring is
the in-memory backend of ``tests/conftest.py`` or the fail backend.
"""

from __future__ import annotations

from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from pathlib import Path

import pytest

from asdiag.lab import artifactory
from asdiag.lab.scenarios import BY_NAME, ORG_ID, ORG_PASSWORD, WRONG_PASSWORD
from asdiag.lab.server import Lab
from asdiag.registry import REGISTRY
from tests.conftest import MemoryKeyring
from tests.integration.conftest import Run, run_asdiag

PIP_SECRET = "pip-Conf-S3cret-77"


@pytest.fixture(scope="module")
def lab() -> Iterator[Lab]:
    with Lab() as running:
        yield running


@pytest.fixture
def healthy(lab: Lab) -> Lab:
    lab.load(BY_NAME["healthy"])
    return lab


def manager_simple(lab: Lab) -> str:
    return f"{lab.base_url}/artifactory/api/pypi/{artifactory.VIRTUAL}/simple/"


def check(*args: str) -> Run:
    return run_asdiag("check", "--format", "json", *args)


def ids(run: Run) -> set[str]:
    findings = run.document["findings"]
    assert isinstance(findings, list)
    return {f["id"] for f in findings}


def finding(run: Run, finding_id: str) -> dict[str, object]:
    return run.finding(finding_id)


# --- login, whoami, logout ----------------------------------------------------------------------


def test_login_then_check_needs_no_password_anywhere(
    healthy: Lab, memory_keyring: MemoryKeyring
) -> None:
    login = run_asdiag(
        "login", "--catalog-url", healthy.catalog_url, "--password-stdin", stdin=ORG_PASSWORD
    )
    assert login.exit_code == 0, login.stderr
    assert f"Stored the password for {ORG_ID}" in login.stdout
    assert "answered 200" in login.stdout
    netloc = healthy.catalog_url.split("/")[2]  # 127.0.0.1:PORT
    assert set(memory_keyring.secrets) == {
        (f"{healthy.catalog_url}/simple/", ORG_ID),  # pip's and uv's index URL
        (netloc, ORG_ID),  # pip's and uv's host:port
        (f"http://{netloc}", ORG_ID),  # uv's scheme://host:port
        (f"{healthy.catalog_url}/simple", ORG_ID),  # uv's index URL written without the slash
    }
    for key in memory_keyring.secrets:
        assert f"  {key[0]} " in login.stdout  # each key written is named

    run = check("--catalog-url", healthy.catalog_url)
    assert run.exit_code == 0, run.stdout
    assert "auth.challenge-ok" in ids(run)
    assert finding(run, "credentials.ok")["summary"].startswith("Password from keyring")  # type: ignore[union-attr]
    for output in (login.stdout + login.stderr, run.stdout + run.stderr):
        assert ORG_PASSWORD not in output


def test_whoami_names_sources_and_a_fingerprint_never_the_password(
    healthy: Lab, memory_keyring: MemoryKeyring
) -> None:
    run_asdiag(
        "login", "--catalog-url", healthy.catalog_url, "--password-stdin", stdin=ORG_PASSWORD
    )
    run = run_asdiag("whoami", "--catalog-url", healthy.catalog_url)
    assert run.exit_code == 0
    assert f"username:    {ORG_ID} (from default (organisation id in the URL))" in run.stdout
    assert "password:    from keyring (" in run.stdout
    assert "sha256:" in run.stdout
    assert ORG_PASSWORD not in run.stdout + run.stderr


def test_whoami_looks_as_pip_and_as_uv_do(healthy: Lab, memory_keyring: MemoryKeyring) -> None:
    netloc = healthy.catalog_url.split("/")[2]
    memory_keyring.secrets[(netloc, ORG_ID)] = ORG_PASSWORD  # what pip and uv ask second
    memory_keyring.secrets[(f"http://{netloc}", ORG_ID)] = WRONG_PASSWORD  # uv's third
    run = run_asdiag("whoami", "--catalog-url", healthy.catalog_url)
    lines = run.stdout.splitlines()
    fingerprint = next(line for line in lines if line.startswith("password:")).split()[-1]
    assert f"{netloc}" in next(line for line in lines if line.startswith("password:"))
    assert f"pip keyring: {netloc} answered for {ORG_ID}, {fingerprint}" in lines
    assert f"uv keyring:  {netloc} answered for {ORG_ID}, {fingerprint}" in lines
    assert ORG_PASSWORD not in run.stdout + run.stderr
    assert WRONG_PASSWORD not in run.stdout + run.stderr

    del memory_keyring.secrets[(netloc, ORG_ID)]
    run = run_asdiag("whoami", "--catalog-url", healthy.catalog_url)
    lines = run.stdout.splitlines()
    simple = f"{healthy.catalog_url}/simple/"
    assert f"pip keyring: nothing for {ORG_ID} under {simple}, then {netloc}" in lines
    uv = next(line for line in lines if line.startswith("uv keyring:"))
    assert uv.startswith(f"uv keyring:  http://{netloc} answered for {ORG_ID}, sha256:")
    assert run.exit_code == 0  # asdiag reads uv's key too
    assert WRONG_PASSWORD not in run.stdout + run.stderr


def test_whoami_with_no_keyring_says_why_per_client(healthy: Lab) -> None:
    run = run_asdiag("whoami", "--catalog-url", healthy.catalog_url)
    assert run.exit_code == 1
    assert "pip keyring: not checked: no keyring backend is available" in run.stdout
    assert "uv keyring:  not checked: no keyring backend is available" in run.stdout


def test_login_replaces_what_an_older_version_stored(
    healthy: Lab, memory_keyring: MemoryKeyring
) -> None:
    """Older versions stored under the base URL and the bare host, which pip never asks when
    the URL has a port; asdiag still reads them, and login and logout remove them."""
    old = {(healthy.catalog_url, ORG_ID): ORG_PASSWORD, ("127.0.0.1", ORG_ID): ORG_PASSWORD}
    memory_keyring.secrets.update(old)
    whoami = run_asdiag("whoami", "--catalog-url", healthy.catalog_url)
    assert whoami.exit_code == 0
    assert f"keyring (conftest MemoryKeyring, {healthy.catalog_url})" in whoami.stdout
    assert "pip keyring: nothing for" in whoami.stdout  # why pip got a 401

    login = run_asdiag(
        "login", "--catalog-url", healthy.catalog_url, "--password-stdin", stdin=ORG_PASSWORD
    )
    assert login.exit_code == 0, login.stderr
    assert (
        f"Removed the entries older versions of asdiag stored: {healthy.catalog_url}, 127.0.0.1."
        in login.stdout
    )
    assert not set(old) & set(memory_keyring.secrets)
    assert len(memory_keyring.secrets) == 4

    memory_keyring.secrets.update(old)
    logout = run_asdiag("logout", "--catalog-url", healthy.catalog_url)
    assert (logout.exit_code, memory_keyring.secrets) == (0, {})
    assert ORG_PASSWORD not in login.stdout + login.stderr + logout.stdout + whoami.stdout


def test_logout_removes_every_entry(healthy: Lab, memory_keyring: MemoryKeyring) -> None:
    run_asdiag(
        "login", "--catalog-url", healthy.catalog_url, "--password-stdin", stdin=ORG_PASSWORD
    )
    run = run_asdiag("logout", "--catalog-url", healthy.catalog_url)
    assert (run.exit_code, memory_keyring.secrets) == (0, {})
    assert "Removed the stored password" in run.stdout
    again = run_asdiag("logout", "--catalog-url", healthy.catalog_url)
    assert "No password was stored" in again.stdout
    whoami = run_asdiag("whoami", "--catalog-url", healthy.catalog_url)
    assert whoami.exit_code == 1
    assert "password:    none found" in whoami.stdout


def test_a_refused_password_is_not_stored(healthy: Lab, memory_keyring: MemoryKeyring) -> None:
    run = run_asdiag(
        "login", "--catalog-url", healthy.catalog_url, "--password-stdin", stdin=WRONG_PASSWORD
    )
    assert run.exit_code == 1
    assert "refused the credentials" in run.stderr
    assert "nothing stored" in run.stderr
    assert memory_keyring.secrets == {}
    assert WRONG_PASSWORD not in run.stdout + run.stderr


def test_no_verify_stores_without_asking(healthy: Lab, memory_keyring: MemoryKeyring) -> None:
    run = run_asdiag(
        "login",
        "--catalog-url",
        healthy.catalog_url,
        "--password-stdin",
        "--no-verify",
        stdin=WRONG_PASSWORD,
    )
    assert run.exit_code == 0
    assert "not checked (--no-verify)" in run.stdout
    assert len(memory_keyring.secrets) == 4


def test_login_without_a_keyring_says_so(healthy: Lab) -> None:
    run = run_asdiag(
        "login", "--catalog-url", healthy.catalog_url, "--password-stdin", stdin=ORG_PASSWORD
    )
    assert run.exit_code == 3
    assert "no keyring backend is available" in run.stderr
    assert "Traceback" not in run.stderr


def test_login_without_a_terminal_needs_password_stdin(healthy: Lab) -> None:
    run = run_asdiag("login", "--catalog-url", healthy.catalog_url, stdin="")
    assert run.exit_code == 2
    assert "--password-stdin" in run.stderr


def test_no_keyring_backend_is_one_warning_and_the_run_goes_on(healthy: Lab) -> None:
    run = check("--catalog-url", healthy.catalog_url)
    warning = finding(run, "credentials.keyring-unavailable")
    assert warning["severity"] == "warn"
    assert "no keyring backend" in str(warning["summary"])
    assert [f for f in run.document["findings"] if f["id"] == warning["id"]] == [warning]  # type: ignore[union-attr]
    assert "auth.missing-credentials" in ids(run)
    assert "Traceback" not in run.stdout + run.stderr


# --- the client group: one case per id ----------------------------------------------------------


@dataclass(frozen=True)
class Case:
    name: str
    expected: frozenset[str]
    #: pip.conf text ({catalog}, {manager}, {secret} are filled in); None: no file.
    pip_conf: str | None = None
    env: dict[str, str] = field(default_factory=dict)
    netrc_mode: int | None = None
    with_manager: bool = True


def case(name: str, ids: set[str], **kwargs: object) -> Case:
    return Case(name, frozenset(ids), **kwargs)  # type: ignore[arg-type]


CASES = (
    case("ok", {"client.ok"}, pip_conf="[global]\nindex-url = {manager}\n"),
    case(
        "mixed",
        {"client.public-index-mixed", "client.credentials-in-config"},
        pip_conf=(
            "[global]\nindex-url = {manager_with_secret}\n"
            "extra-index-url = https://pypi.org/simple\n"
        ),
    ),
    case(
        # The raw "#" ends the URL early, so pip's index is no longer the manager either.
        "unencoded",
        {"client.password-unencoded", "client.credentials-in-config", "client.index-mismatch"},
        env={"PIP_INDEX_URL": "{manager_unencoded}"},
    ),
    case("direct", {"client.direct-catalog"}, pip_conf="[global]\nindex-url = {catalog}/simple\n"),
    case(
        # pip asks no index at all: neither its index-url nor its extras are used.
        "no-index",
        {"client.index-mismatch"},
        pip_conf=(
            "[global]\nindex-url = {catalog}/simple\nno-index = true\n"
            "extra-index-url = https://pypi.org/simple\n"
        ),
    ),
    case("mismatch", {"client.index-mismatch"}),
    case(
        "no-cache",
        {"client.no-cache-dir"},
        pip_conf="[global]\nindex-url = {manager}\nno-cache-dir = false\n",
    ),
    case(
        "netrc",
        {"client.netrc-permissions"},
        pip_conf="[global]\nindex-url = {manager}\n",
        netrc_mode=0o644,
    ),
    case(
        "unreadable",  # and so pip has no index-url from it: public PyPI
        {"client.config-unreadable", "client.index-mismatch"},
        pip_conf="[global\nindex-url = x\n",
    ),
)


def apply(
    case: Case, lab: Lab, home: Path, monkeypatch: pytest.MonkeyPatch
) -> Callable[[str], str]:
    manager = manager_simple(lab)
    host = manager.split("//", 1)[1]

    def fill(text: str) -> str:
        return text.format(
            catalog=lab.catalog_url,
            manager=manager,
            manager_with_secret=f"http://developer:{PIP_SECRET}@{host}",
            manager_unencoded=f"http://developer:pip@Conf#77@{host}",
            secret=PIP_SECRET,
        )

    if case.pip_conf is not None:
        conf = home / "pip.conf"
        conf.write_text(fill(case.pip_conf))
        monkeypatch.setenv("PIP_CONFIG_FILE", str(conf))
    for key, value in case.env.items():
        monkeypatch.setenv(key, fill(value))
    if case.netrc_mode is not None:
        netrc = home / ".netrc"
        netrc.write_text("machine example.org login x password y\n")
        netrc.chmod(case.netrc_mode)
    if case.with_manager:
        monkeypatch.setenv("ASDIAG_MANAGER_URL", manager)
    monkeypatch.setenv("ASDIAG_CATALOG_URL", lab.catalog_url)
    monkeypatch.setenv("ASDIAG_PASSWORD", ORG_PASSWORD)
    return fill


@pytest.mark.parametrize("c", CASES, ids=lambda c: c.name)
def test_client_case(
    healthy: Lab, isolated_environment: Path, monkeypatch: pytest.MonkeyPatch, c: Case
) -> None:
    apply(c, healthy, isolated_environment, monkeypatch)
    run = check("-v")
    client = {i for i in ids(run) if i.startswith("client.")}
    assert client == c.expected, run.stdout
    assert PIP_SECRET not in run.stdout + run.stderr
    assert "pip@Conf#77" not in run.stdout + run.stderr
    assert "Traceback" not in run.stdout + run.stderr


def test_keyring_provider_is_named_when_the_password_is_in_the_keyring(
    healthy: Lab,
    isolated_environment: Path,
    monkeypatch: pytest.MonkeyPatch,
    memory_keyring: MemoryKeyring,
) -> None:
    run_asdiag(
        "login", "--catalog-url", healthy.catalog_url, "--password-stdin", stdin=ORG_PASSWORD
    )
    conf = isolated_environment / "pip.conf"
    conf.write_text(f"[global]\nindex-url = {manager_simple(healthy)}\n")
    monkeypatch.setenv("PIP_CONFIG_FILE", str(conf))
    monkeypatch.setenv("ASDIAG_MANAGER_URL", manager_simple(healthy))
    run = check("--catalog-url", healthy.catalog_url)
    assert finding(run, "client.keyring-provider")["summary"] == (
        "pip's keyring-provider is auto (default)."
    )
    monkeypatch.setenv("PIP_KEYRING_PROVIDER", "import")
    assert "client.keyring-provider" not in ids(check("--catalog-url", healthy.catalog_url))


def test_the_cases_cover_every_client_and_credentials_id() -> None:
    produced = set().union(*(c.expected for c in CASES)) | {
        "client.keyring-provider",
        "credentials.ok",
        "credentials.keyring-unavailable",
    }
    owned = {i for i in REGISTRY if i.startswith(("client.", "credentials."))}
    assert sorted(owned - produced) == []


# --- zero configuration -----------------------------------------------------------------------


def test_with_no_settings_check_diagnoses_the_index_pip_uses(
    healthy: Lab, isolated_environment: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    conf = isolated_environment / "pip.conf"
    conf.write_text(f"[global]\nindex-url = {healthy.catalog_url}/simple/\n")
    monkeypatch.setenv("PIP_CONFIG_FILE", str(conf))
    monkeypatch.setenv("ASDIAG_PASSWORD", ORG_PASSWORD)
    run = check()
    settings = run.document["settings"]
    assert isinstance(settings, dict)
    assert settings["catalog_url"] == {
        "value": f"{healthy.catalog_url}/simple/",
        "source": "pip configuration",
        "origin": f"{conf}:2",
    }
    assert "url.ok" in ids(run)  # pip's URL rightly ends in /simple/
    assert {"auth.challenge-ok", "index.ok", "client.direct-catalog"} <= ids(run)


def test_login_for_the_manager_then_check_finds_it(
    healthy: Lab, memory_keyring: MemoryKeyring, monkeypatch: pytest.MonkeyPatch
) -> None:
    manager = manager_simple(healthy)
    login = run_asdiag(
        "login", "--manager", "--manager-url", manager, "--manager-username", "developer",
        "--password-stdin", stdin=artifactory.DEVELOPER.password,
    )  # fmt: skip
    assert login.exit_code == 0, login.stderr
    netloc = manager.split("/")[2]
    assert set(memory_keyring.secrets) == {
        (manager, "developer"),
        (netloc, "developer"),
        (f"http://{netloc}", "developer"),
        (manager.rstrip("/"), "developer"),
    }
    monkeypatch.setenv("ASDIAG_PASSWORD", ORG_PASSWORD)
    run = check(
        "--only", "manager", "--catalog-url", healthy.catalog_url,
        "--manager-url", manager, "--manager-username", "developer",
    )  # fmt: skip
    settings = run.document["settings"]
    assert isinstance(settings, dict)
    assert settings["manager_password"]["source"] == "keyring"
    assert "manager.detected" in ids(run)
    logout = run_asdiag(
        "logout", "--manager", "--manager-url", manager, "--manager-username", "developer"
    )
    assert (logout.exit_code, memory_keyring.secrets) == (0, {})
