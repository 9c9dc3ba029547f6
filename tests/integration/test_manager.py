"""``asdiag check --manager-url``: the repository manager in front of the catalog, over real HTTP.

The lab's Artifactory and Nexus serve the catalog; the manager scenarios' declared ids are held
by ``test_lab_scenarios.py``. Here each ``manager.*`` id is produced once more on its own, with
what tells it apart, and a meta-test checks every id is covered.
"""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import replace
from pathlib import Path

import pytest

from asdiag.lab import artifactory, nexus
from asdiag.lab.scenarios import BY_NAME, SECRETS
from asdiag.lab.server import Lab
from asdiag.probes import MANAGER_SAMPLE
from asdiag.registry import REGISTRY
from tests.conftest import MemoryKeyring
from tests.integration.conftest import Run, run_asdiag
from tests.integration.scripted_server import ORG_ID, PASSWORD, ScriptedServer


@pytest.fixture(scope="module")
def lab() -> Iterator[Lab]:
    with Lab() as running:
        yield running


def check_scenario(
    lab: Lab,
    monkeypatch: pytest.MonkeyPatch,
    name: str,
    *args: str,
    auth_style: str = "catalog",
    **overrides: str,
) -> Run:
    lab.load(BY_NAME[name], auth_style=auth_style)
    for key, value in {**lab.target(), **overrides}.items():
        monkeypatch.setenv(key, value)
    return run_asdiag("check", "--format", "json", "--only", "manager", *args)


def manager_findings(run: Run) -> dict[str, dict[str, object]]:
    findings = run.document["findings"]
    assert isinstance(findings, list)
    return {f["id"]: f for f in findings if f["id"].startswith("manager.")}


def test_artifactory_is_detected_with_version_and_repository(
    lab: Lab, monkeypatch: pytest.MonkeyPatch
) -> None:
    run = check_scenario(lab, monkeypatch, "healthy")
    found = manager_findings(run)
    assert set(found) == {"manager.detected"}, run.stdout
    assert found["manager.detected"]["summary"] == (
        f"Artifactory {artifactory.VERSION}, repository {artifactory.VIRTUAL}; "
        "its index lists 6 projects."
    )
    assert run.exit_code == 0


def test_only_a_sample_of_the_catalog_projects_is_asked_through_the_manager(
    lab: Lab, monkeypatch: pytest.MonkeyPatch
) -> None:
    # The lab's catalog lists 6 projects; asking for every one would spend the rate limit of a
    # real catalog with thousands.
    run = check_scenario(lab, monkeypatch, "healthy")
    requests = run.document["requests"]
    assert isinstance(requests, list)
    pages = [r for r in requests if str(r["probe"]).startswith("manager page")]
    assert len(pages) == MANAGER_SAMPLE < 6, run.stdout


def test_nexus_is_detected_with_version_and_edition(
    lab: Lab, monkeypatch: pytest.MonkeyPatch
) -> None:
    lab.load(BY_NAME["healthy"])
    monkeypatch.setenv("ASDIAG_MANAGER_URL", f"{lab.base_url}/repository/{nexus.GROUP}/simple/")
    monkeypatch.setenv("ASDIAG_MANAGER_USERNAME", nexus.DEVELOPER.name)
    monkeypatch.setenv("ASDIAG_MANAGER_PASSWORD", nexus.DEVELOPER.password)
    monkeypatch.setenv("ASDIAG_CATALOG_URL", lab.catalog_url)
    monkeypatch.setenv("ASDIAG_PASSWORD", lab.target()["ASDIAG_PASSWORD"])
    run = run_asdiag("check", "--format", "json", "--only", "manager")
    found = manager_findings(run)
    assert set(found) == {"manager.detected"}, run.stdout
    assert str(found["manager.detected"]["summary"]).startswith(
        f"Nexus Repository {nexus.VERSION} (COMMUNITY), repository {nexus.GROUP}"
    )


def test_a_wrong_manager_password_is_refused(lab: Lab, monkeypatch: pytest.MonkeyPatch) -> None:
    run = check_scenario(
        lab, monkeypatch, "healthy", ASDIAG_MANAGER_PASSWORD="not-the-developer-pw"
    )
    assert set(manager_findings(run)) == {"manager.refused"}
    assert run.exit_code == 1


def test_an_unreachable_manager(
    lab: Lab, monkeypatch: pytest.MonkeyPatch, closed_port: int
) -> None:
    monkeypatch.setenv("ASDIAG_MANAGER_URL", f"http://127.0.0.1:{closed_port}/repository/x/simple/")
    lab.load(BY_NAME["healthy"])
    monkeypatch.setenv("ASDIAG_CATALOG_URL", lab.catalog_url)
    run = run_asdiag("check", "--format", "json", "--only", "manager")
    assert run.ids == ["net.connect-refused"]
    assert str(run.finding("net.connect-refused")["summary"]).startswith("The manager's index")
    assert "Traceback" not in run.stdout + run.stderr


def test_a_manager_url_that_is_no_index(
    scripted: ScriptedServer, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("ASDIAG_MANAGER_URL", f"http://127.0.0.1:{scripted.port}/login-page/")
    monkeypatch.setenv("ASDIAG_MANAGER_USERNAME", ORG_ID)
    monkeypatch.setenv("ASDIAG_MANAGER_PASSWORD", PASSWORD)
    monkeypatch.setenv("ASDIAG_CATALOG_URL", f"http://127.0.0.1:{scripted.port}/healthy")
    run = run_asdiag("check", "--format", "json", "--only", "manager")
    assert set(manager_findings(run)) == {"manager.not-simple"}


def test_upstream_credentials_that_never_get_through(
    lab: Lab, monkeypatch: pytest.MonkeyPatch
) -> None:
    """devpi refuses without a challenge, so the manager never sends its credentials."""
    run = check_scenario(lab, monkeypatch, "healthy", auth_style="devpi")
    assert "manager.upstream-auth-failed" in manager_findings(run)


def test_non_admin_credentials_for_the_audit(lab: Lab, monkeypatch: pytest.MonkeyPatch) -> None:
    run = check_scenario(
        lab,
        monkeypatch,
        "healthy",
        ASDIAG_ADMIN_USERNAME=artifactory.DEVELOPER.name,
        ASDIAG_ADMIN_PASSWORD=artifactory.DEVELOPER.password,
    )
    found = manager_findings(run)
    assert set(found) == {"manager.detected", "manager.admin-api-forbidden"}
    assert "partial configuration" in str(found["manager.admin-api-forbidden"]["summary"])
    assert run.exit_code == 0


@pytest.mark.parametrize(
    ("scenario", "finding_id", "says"),
    [
        ("mixed-public-pypi", "manager.public-pypi-mixed", "pypi-remote"),
        ("missing-deploy-cache", "manager.deploy-cache-missing", "'developer' has read"),
        ("caching-disabled", "manager.caching-disabled", "storeArtifactsLocally off"),
        ("nexus-hash-lookup", "manager.files-unreachable", "answered 404"),
    ],
)
def test_each_scenario_names_the_setting(
    lab: Lab, monkeypatch: pytest.MonkeyPatch, scenario: str, finding_id: str, says: str
) -> None:
    run = check_scenario(lab, monkeypatch, scenario, "-v")
    found = manager_findings(run)[finding_id]
    assert says in str(found["summary"]) + str(found["detail"]), found
    assert run.exit_code == 1
    for secret in SECRETS:
        assert secret not in run.stdout + run.stderr


def test_without_admin_credentials_the_behaviour_still_tells(
    lab: Lab, monkeypatch: pytest.MonkeyPatch
) -> None:
    lab.load(BY_NAME["missing-deploy-cache"])
    for key, value in lab.target().items():
        monkeypatch.setenv(key, value)
    monkeypatch.delenv("ASDIAG_ADMIN_USERNAME")
    monkeypatch.delenv("ASDIAG_ADMIN_PASSWORD")
    run = run_asdiag("check", "--format", "json", "--only", "manager")
    finding = manager_findings(run)["manager.deploy-cache-missing"]
    assert "numpy" in str(finding["summary"])  # cached, so it came; the others did not


def test_the_cases_cover_every_manager_id() -> None:
    produced = {
        "manager.detected",
        "manager.refused",
        "manager.index-not-found",
        "manager.unavailable",
        "manager.not-simple",
        "manager.upstream-auth-failed",
        "manager.remote-blocked",  # below, and the nexus-upstream-refused scenario
        "manager.anonymous-access",  # below
        "manager.admin-api-forbidden",
        "manager.public-pypi-mixed",
        "manager.deploy-cache-missing",
        "manager.permissions-undecided",  # test_manager_audit.py
        "manager.repository-unreadable",  # test_manager_audit.py
        "manager.caching-disabled",
        "manager.files-unreachable",
    }
    from tests.integration.test_manager_audit import ARTIFACTORY_CASES

    produced |= {
        "manager.audit-ok",
        "manager.no-catalog-remote",
        "manager.remote-offline",
        "manager.negative-cache-long",
    }
    produced |= {finding_id for _, finding_id in ARTIFACTORY_CASES}  # the audit's, over HTTP
    assert sorted({i for i in REGISTRY if i.startswith("manager.")} - produced) == []


def test_the_manager_flags(lab: Lab, monkeypatch: pytest.MonkeyPatch) -> None:
    lab.load(BY_NAME["caching-disabled"])
    target = lab.target()
    monkeypatch.setenv("ASDIAG_PASSWORD", target["ASDIAG_PASSWORD"])
    monkeypatch.setenv("ASDIAG_MANAGER_PASSWORD", target["ASDIAG_MANAGER_PASSWORD"])
    monkeypatch.setenv("ASDIAG_ADMIN_PASSWORD", target["ASDIAG_ADMIN_PASSWORD"])
    run = run_asdiag(
        "check", "--format", "json", "--only", "manager",
        "--catalog-url", target["ASDIAG_CATALOG_URL"],
        "--manager-url", target["ASDIAG_MANAGER_URL"],
        "--manager-username", target["ASDIAG_MANAGER_USERNAME"],
        "--admin-username", target["ASDIAG_ADMIN_USERNAME"],
    )  # fmt: skip
    assert "manager.caching-disabled" in manager_findings(run)
    settings = run.document["settings"]
    assert isinstance(settings, dict)
    assert settings["admin_username"]["source"] == "flag"
    assert settings["admin_password"] == {
        "set": True,
        "source": "environment",
        "origin": "ASDIAG_ADMIN_PASSWORD",
    }


def test_a_profile_lists_several_managers(
    lab: Lab, monkeypatch: pytest.MonkeyPatch, tmp_path: Path, memory_keyring: MemoryKeyring
) -> None:
    """Production Artifactory from --manager-url, a Nexus from the profile (its password in
    the keyring, as `asdiag login --manager` stores it)."""

    lab.load(BY_NAME["healthy"])
    nexus_url = f"{lab.base_url}/repository/{nexus.GROUP}/simple/"
    config = tmp_path / "asdiag.toml"
    config.write_text(
        f'[profiles.all]\n[[profiles.all.managers]]\nurl = "{nexus_url}"\n'
        f'username = "{nexus.DEVELOPER.name}"\n'
    )
    login = run_asdiag(
        "login", "--manager", "--manager-url", nexus_url, "--manager-username", "developer",
        "--password-stdin", "--no-verify", stdin=nexus.DEVELOPER.password,
    )  # fmt: skip
    assert login.exit_code == 0
    for key, value in lab.target().items():
        monkeypatch.setenv(key, value)
    run = run_asdiag(
        "check", "--format", "json", "--only", "manager", "--config", str(config),
        "--profile", "all",
    )  # fmt: skip
    findings = run.document["findings"]
    assert isinstance(findings, list)
    detected = [f for f in findings if f["id"] == "manager.detected"]
    assert [str(f["summary"]).split("]")[0] for f in detected] == [
        f"[{lab.target()['ASDIAG_MANAGER_URL']}",
        f"[{nexus_url}",
    ]
    assert "share the catalog's 2000 requests" in str(detected[0]["detail"])
    assert run.exit_code == 0


@pytest.mark.parametrize(
    ("table", "message"),
    [
        ('[[managers]]\nusername = "x"\n', "needs a url"),
        ('[[managers]]\nurl = "https://a/simple/"\npassword = "p"\n', "does not read passwords"),
        ('[[managers]]\nurl = "https://a/simple/"\nport = 1\n', "unknown key 'port'"),
        ('managers = "https://a/simple/"\n', "must be a list"),
    ],
)
def test_bad_manager_tables_are_usage_errors(tmp_path: Path, table: str, message: str) -> None:
    config = tmp_path / "asdiag.toml"
    config.write_text(table)
    run = run_asdiag("check", "--config", str(config))
    assert run.exit_code == 2
    assert message in run.stderr


def test_artifactorys_deploy_refusal_is_quoted(lab: Lab, monkeypatch: pytest.MonkeyPatch) -> None:
    """An uncached file refused with Artifactory's own sentence (uv#16662): the Deploy/Cache
    finding quotes it beside what the configuration and the pages showed."""
    run = check_scenario(lab, monkeypatch, "missing-deploy-cache")
    finding = manager_findings(run)["manager.deploy-cache-missing"]
    detail = str(finding["detail"])
    assert "Artifactory says: Rejected artifact download request: User developer is not " in detail
    assert "numpy came (cached), but cryptography (404)" in detail


def test_through_a_nexus_group_an_upstream_refusal_fails_check(
    lab: Lab, monkeypatch: pytest.MonkeyPatch
) -> None:
    run = check_scenario(lab, monkeypatch, "nexus-upstream-refused")
    assert run.exit_code == 1
    failed = manager_findings(run)["manager.upstream-auth-failed"]
    assert "(200, no files)" in str(failed["summary"])
    assert "a Nexus group answers 200 with an empty page" in str(failed["detail"])


def test_a_wrong_repository_key_is_named_with_the_managers_words(
    lab: Lab, monkeypatch: pytest.MonkeyPatch
) -> None:
    url = f"{lab.base_url}/artifactory/api/pypi/no-such-key/simple/"
    run = check_scenario(lab, monkeypatch, "healthy", ASDIAG_MANAGER_URL=url)
    assert run.exit_code == 1
    finding = manager_findings(run)["manager.index-not-found"]
    assert finding["summary"] == f"{url} answered 404 with the manager credentials."
    assert finding["detail"] == "The manager says: Repository 'no-such-key' not found"


def test_a_nexus_proxy_blocked_by_hand_is_named(lab: Lab, monkeypatch: pytest.MonkeyPatch) -> None:
    """The manager URL is the proxy itself: its own 404s say "Remote Manually Blocked"."""
    lab.load(BY_NAME["healthy"])
    configs = lab.apps.nexus.configs
    configs[nexus.CATALOG_PROXY] = replace(configs[nexus.CATALOG_PROXY], blocked=True)
    url = f"{lab.base_url}/repository/{nexus.CATALOG_PROXY}/simple/"
    for key, value in lab.target().items():
        monkeypatch.setenv(key, value)
    monkeypatch.setenv("ASDIAG_MANAGER_URL", url)
    monkeypatch.setenv("ASDIAG_MANAGER_USERNAME", nexus.DEVELOPER.name)
    monkeypatch.setenv("ASDIAG_MANAGER_PASSWORD", nexus.DEVELOPER.password)
    monkeypatch.delenv("ASDIAG_ADMIN_USERNAME", raising=False)
    run = run_asdiag("check", "--format", "json", "--only", "manager")
    assert run.exit_code == 1
    blocked = manager_findings(run)["manager.remote-blocked"]
    assert blocked["summary"] == (  # its index is blocked too
        f"The Nexus proxy at {url} is blocked by hand: it asks the catalog for nothing, and "
        "uncached packages answer 404."
    )
    assert blocked["detail"] == "Nexus says: Remote Manually Blocked"


def test_anonymous_access_is_named(lab: Lab, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.delenv("ASDIAG_MANAGER_USERNAME", raising=False)
    monkeypatch.delenv("ASDIAG_MANAGER_PASSWORD", raising=False)
    run = check_scenario(lab, monkeypatch, "artifactory-anonymous")
    assert run.exit_code == 0, run.stdout
    finding = manager_findings(run)["manager.anonymous-access"]
    assert finding["severity"] == "info"
    assert "answered its index without credentials" in str(finding["summary"])


def test_a_hidden_refusal_is_not_called_an_outage(
    lab: Lab, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Artifactory hiding unauthorized resources answers a wrong password with 404 (pip#10016):
    the index is not found for this user, which names the password among the causes."""
    lab.load(BY_NAME["healthy"])
    lab.apps.artifactory.hide_unauthorized = True
    for key, value in lab.target().items():
        monkeypatch.setenv(key, value)
    monkeypatch.setenv("ASDIAG_MANAGER_PASSWORD", "not-the-manager-Pw-1")
    run = run_asdiag("check", "--format", "json", "--only", "manager")
    assert run.exit_code == 1
    findings = manager_findings(run)
    assert set(findings) == {"manager.index-not-found"}
    assert "not-the-manager-Pw-1" not in run.stdout


def test_a_refusing_nexus_proxy_as_the_manager_url(
    lab: Lab, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Its index answers 503 for the refused upstream (Nexus is up), then its block's 404."""
    url = f"{lab.base_url}/repository/{nexus.CATALOG_PROXY}/simple/"
    first = check_scenario(lab, monkeypatch, "nexus-upstream-refused", ASDIAG_MANAGER_URL=url)
    unavailable = manager_findings(first)["manager.unavailable"]
    assert "Nexus is up, and this proxy's upstream answered 401" in str(unavailable["detail"])
    assert "stored username and password" in str(unavailable["remediation"])
    monkeypatch.setenv("ASDIAG_MANAGER_URL", url)
    then = run_asdiag("check", "--format", "json", "--only", "manager")
    assert "manager.remote-blocked" in manager_findings(then)
