"""``asdiag manager``: the configuration audit against the lab's Artifactory and Nexus APIs.

The lab's managers start configured as the vendor advises; each case changes one setting the
configuration API reports (as an administrator would have misconfigured it) and expects the id
that names it. Every request is real HTTP on 127.0.0.1.
"""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import replace

import pytest

from asdiag.lab import artifactory, nexus
from asdiag.lab.scenarios import BY_NAME, OTHER_ORG_ID, SECRETS
from asdiag.lab.server import Lab
from asdiag.registry import REGISTRY
from tests.integration.conftest import Run, run_asdiag


@pytest.fixture(scope="module")
def lab() -> Iterator[Lab]:
    with Lab() as running:
        yield running


def audit(
    lab: Lab, monkeypatch: pytest.MonkeyPatch, product: str = "artifactory", *args: str
) -> Run:
    if product == "artifactory":
        url = f"{lab.base_url}/artifactory/api/pypi/{artifactory.VIRTUAL}/simple/"
        admin = artifactory.ADMIN
    else:
        url = f"{lab.base_url}/repository/{nexus.GROUP}/simple/"
        admin = nexus.ADMIN
    monkeypatch.setenv("ASDIAG_ADMIN_PASSWORD", admin.password)
    monkeypatch.setenv("ASDIAG_CATALOG_URL", lab.catalog_url)
    return run_asdiag(
        "manager", "--format", "json", "--manager-url", url, "--admin-username", admin.name, *args
    )


def ids(run: Run) -> set[str]:
    findings = run.document["findings"]
    assert isinstance(findings, list)
    return {f["id"] for f in findings}


def remote(lab: Lab, **changes: object) -> None:
    configs = lab.apps.artifactory.configs
    configs[artifactory.CATALOG_REMOTE] = replace(
        configs[artifactory.CATALOG_REMOTE],
        **changes,  # type: ignore[arg-type]
    )


def proxy(lab: Lab, **changes: object) -> None:
    configs = lab.apps.nexus.configs
    configs[nexus.CATALOG_PROXY] = replace(configs[nexus.CATALOG_PROXY], **changes)  # type: ignore[arg-type]


@pytest.mark.parametrize("product", ["artifactory", "nexus"])
def test_a_manager_set_up_as_advised(
    lab: Lab, monkeypatch: pytest.MonkeyPatch, product: str
) -> None:
    lab.load(BY_NAME["healthy"])
    run = audit(lab, monkeypatch, product, "--manager-username", "developer", "-v")
    # Nexus's default negative cache is 24 hours: worth knowing, nothing to fix.
    notice = {"manager.negative-cache-long"} if product == "nexus" else set()
    assert ids(run) == {"manager.audit-ok"} | notice, run.stdout
    assert run.exit_code == 0
    for secret in SECRETS:
        assert secret not in run.stdout + run.stderr


@pytest.mark.parametrize("product", ["artifactory", "nexus"])
def test_public_pypi_in_the_same_repository(
    lab: Lab, monkeypatch: pytest.MonkeyPatch, product: str
) -> None:
    lab.load(BY_NAME["mixed-public-pypi"])
    run = audit(lab, monkeypatch, product)
    assert ids(run) - {"manager.negative-cache-long"} == {"manager.public-pypi-mixed"}
    assert run.exit_code == 1


def test_caching_off(lab: Lab, monkeypatch: pytest.MonkeyPatch) -> None:
    lab.load(BY_NAME["caching-disabled"])
    assert ids(audit(lab, monkeypatch)) == {"manager.caching-disabled"}


def test_read_without_deploy_cache(lab: Lab, monkeypatch: pytest.MonkeyPatch) -> None:
    lab.load(BY_NAME["missing-deploy-cache"])
    run = audit(lab, monkeypatch, "artifactory", "--manager-username", "developer")
    assert ids(run) == {"manager.deploy-cache-missing"}
    finding = run.finding("manager.deploy-cache-missing")
    # Read comes from the default "Anything" target through the default group; the fix goes
    # to the narrower default "Any Remote", for that group.
    assert finding["detail"] == "Granted by:\nAnything: read for the group readers"
    fix = str(finding["remediation"])
    assert "open Any Remote and give the group readers Read and Deploy/Cache" in fix


def test_deploy_cache_through_a_group_on_any_remote_is_enough(
    lab: Lab, monkeypatch: pytest.MonkeyPatch
) -> None:
    lab.load(BY_NAME["healthy"])
    run = audit(lab, monkeypatch, "artifactory", "--manager-username", "developer")
    assert ids(run) == {"manager.audit-ok"}, run.stdout


def test_a_user_artifactory_cannot_show_is_undecided_not_missing(
    lab: Lab, monkeypatch: pytest.MonkeyPatch
) -> None:
    lab.load(BY_NAME["missing-deploy-cache"])
    run = audit(lab, monkeypatch, "artifactory", "--manager-username", "ldap-user")
    assert ids(run) == {"manager.permissions-undecided"}, run.stdout
    summary = str(run.finding("manager.permissions-undecided")["summary"])
    assert "the user's groups could not be read (the user's record: 404" in summary


ARTIFACTORY_CASES = [
    ({"url": "{catalog}/simple"}, "manager.remote-url-simple-suffix"),
    # Artifactory appends pyPIRepositorySuffix ("simple") to the Registry URL.
    ({"registry_url": "{catalog}/simple"}, "manager.remote-url-simple-suffix"),
    ({"registry_url": "https://pypi.org"}, "manager.registry-url-missing"),
    ({"offline": True}, "manager.remote-offline"),
    ({"username": ""}, "manager.remote-credentials-missing"),
    ({"xray": True}, "manager.xray-enabled"),
    ({"metadata_cache_seconds": 0}, "manager.metadata-cache-off"),
]


def test_one_unreadable_repository_is_reported_and_the_rest_audited(
    lab: Lab, monkeypatch: pytest.MonkeyPatch
) -> None:
    lab.load(BY_NAME["healthy"])
    remote(lab, xray=True)
    lab.apps.artifactory.unreadable.add(artifactory.PUBLIC_REMOTE)
    run = audit(lab, monkeypatch)
    assert ids(run) == {"manager.repository-unreadable", "manager.xray-enabled"}, run.stdout
    summary = str(run.finding("manager.repository-unreadable")["summary"])
    assert summary == (
        f"The configuration API answered 500 for the repository {artifactory.PUBLIC_REMOTE}; "
        "the other repositories were audited without it."
    )


def test_a_custom_registry_suffix_is_fine(lab: Lab, monkeypatch: pytest.MonkeyPatch) -> None:
    """devpi's index is at +simple/: a remote for it sets the suffix, which is no mistake."""
    lab.load(BY_NAME["healthy"])
    remote(lab, registry_suffix="+simple")
    run = audit(lab, monkeypatch)
    assert ids(run) == {"manager.audit-ok"}, run.stdout


@pytest.mark.parametrize(("changes", "finding_id"), ARTIFACTORY_CASES)
def test_each_artifactory_setting(
    lab: Lab, monkeypatch: pytest.MonkeyPatch, changes: dict[str, object], finding_id: str
) -> None:
    lab.load(BY_NAME["healthy"])
    filled = {
        k: v.format(catalog=lab.catalog_url) if isinstance(v, str) else v
        for k, v in changes.items()
    }
    remote(lab, **filled)
    run = audit(lab, monkeypatch)
    assert finding_id in ids(run), run.stdout
    assert "manager.audit-ok" not in ids(run)


@pytest.mark.parametrize(
    ("changes", "finding_id"),
    [
        ({"blocked": True}, "manager.remote-offline"),
        ({"online": False}, "manager.remote-offline"),
        ({"username": ""}, "manager.remote-credentials-missing"),
        ({"metadata_max_age_minutes": 0}, "manager.metadata-cache-off"),
    ],
)
def test_each_nexus_setting(
    lab: Lab, monkeypatch: pytest.MonkeyPatch, changes: dict[str, object], finding_id: str
) -> None:
    lab.load(BY_NAME["healthy"])
    proxy(lab, **changes)
    assert finding_id in ids(audit(lab, monkeypatch, "nexus"))


def test_no_remote_points_at_the_catalog(lab: Lab, monkeypatch: pytest.MonkeyPatch) -> None:
    lab.load(BY_NAME["healthy"])
    monkeypatch.setenv("ASDIAG_CATALOG_URL", f"{lab.base_url}/{OTHER_ORG_ID}/pypi")
    url = f"{lab.base_url}/artifactory/api/pypi/{artifactory.VIRTUAL}/simple/"
    monkeypatch.setenv("ASDIAG_ADMIN_PASSWORD", artifactory.ADMIN.password)
    run = run_asdiag(
        "manager", "--format", "json", "--manager-url", url, "--admin-username", "admin"
    )
    assert ids(run) == {"manager.no-catalog-remote"}


@pytest.mark.parametrize("product", ["artifactory", "nexus"])
def test_a_non_admin_is_told_once(lab: Lab, monkeypatch: pytest.MonkeyPatch, product: str) -> None:
    lab.load(BY_NAME["healthy"])
    developer = artifactory.DEVELOPER if product == "artifactory" else nexus.DEVELOPER
    url = (
        f"{lab.base_url}/artifactory/api/pypi/{artifactory.VIRTUAL}/simple/"
        if product == "artifactory"
        else f"{lab.base_url}/repository/{nexus.GROUP}/simple/"
    )
    monkeypatch.setenv("ASDIAG_ADMIN_PASSWORD", developer.password)
    run = run_asdiag(
        "manager", "--format", "json", "--manager-url", url, "--admin-username", developer.name
    )
    assert ids(run) == {"manager.admin-api-forbidden"}
    assert run.exit_code == 0


def test_the_audit_needs_admin_credentials(lab: Lab) -> None:
    run = run_asdiag("manager", "--manager-url", f"{lab.base_url}/repository/x/simple/")
    assert run.exit_code == 2
    assert "--admin-username" in run.stderr


def test_every_audit_id_is_produced() -> None:
    produced = {
        "manager.audit-ok",
        "manager.public-pypi-mixed",
        "manager.caching-disabled",
        "manager.deploy-cache-missing",
        "manager.no-catalog-remote",
        "manager.admin-api-forbidden",
        *(finding_id for _, finding_id in ARTIFACTORY_CASES),
    }
    audit_ids = {
        "manager.audit-ok",
        "manager.no-catalog-remote",
        "manager.remote-url-simple-suffix",
        "manager.registry-url-missing",
        "manager.remote-offline",
        "manager.remote-credentials-missing",
        "manager.xray-enabled",
        "manager.metadata-cache-off",
    }
    assert audit_ids <= produced
    assert audit_ids <= set(REGISTRY)
