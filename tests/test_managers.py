"""Manager detection and the configuration rules, pure (shapes from repository-managers.md)."""

from __future__ import annotations

import json

import pytest

from asdiag.evidence import Exchange, FetchResult, Response
from asdiag.managers import ManagerInfo, detect
from asdiag.managers.audit import config_findings, is_catalog, mixing_findings, remote_findings
from asdiag.managers.config import (
    Access,
    AdminApi,
    ManagerConfig,
    Upstream,
    artifactory_access,
    artifactory_upstream,
    nexus_upstream,
    repository_class,
)
from asdiag.managers.permissions import PermissionTarget, Principal, decide

CATALOG = "https://repository.activestate.com/b5865a43-1f24-48df-b6f3-8c932c7aae29/pypi"
ART = "https://art.example/artifactory/api/pypi/pypi-virtual/simple/"
NX = "https://nx.example/repository/pypi-group/simple/"


@pytest.mark.parametrize(
    ("url", "headers", "expected"),
    [
        (
            ART,
            {"x-jfrog-version": "Artifactory/7.98.9 79809900"},
            ManagerInfo(
                "artifactory",
                "pypi-virtual",
                "7.98.9",
                api_root="https://art.example/artifactory",
                evidence="X-JFrog-Version: Artifactory/7.98.9 79809900",
            ),
        ),
        (  # 6.x and early 7.x: the version is in Server
            ART,
            {"server": "Artifactory/7.9.1 70901900"},
            ManagerInfo(
                "artifactory",
                "pypi-virtual",
                "7.9.1",
                api_root="https://art.example/artifactory",
                evidence="Server: Artifactory/7.9.1 70901900",
            ),
        ),
        (
            NX,
            {"server": "Nexus/3.77.1-01 (COMMUNITY)"},
            ManagerInfo(
                "nexus",
                "pypi-group",
                "3.77.1-01",
                "COMMUNITY",
                api_root="https://nx.example",
                evidence="Server: Nexus/3.77.1-01 (COMMUNITY)",
            ),
        ),
        (  # a reverse proxy stripped the headers: the URL shape still tells
            NX,
            {"server": "nginx"},
            ManagerInfo(
                "nexus",
                "pypi-group",
                api_root="https://nx.example",
                evidence="the URL shape /repository/<name>/",
            ),
        ),
        (
            "https://pypi.example/simple/",
            {},
            ManagerInfo("unknown", evidence="neither its headers nor its URL shape"),
        ),
    ],
)
def test_detect(url: str, headers: dict[str, str], expected: ManagerInfo) -> None:
    assert detect(url, headers) == expected


def test_labels() -> None:
    assert ManagerInfo("nexus", version="3.77.1-01", edition="OSS").label == (
        "Nexus Repository 3.77.1-01 (OSS)"
    )
    assert ManagerInfo("unknown").label == "an unknown server"


@pytest.mark.parametrize(
    ("data", "expected"),
    [({"rclass": "remote"}, "remote"), ({"type": "VIRTUAL"}, "virtual"), ({}, "")],
)
def test_repository_class_in_v1_and_v2(data: dict[str, object], expected: str) -> None:
    assert repository_class(data) == expected


def test_artifactory_upstream_reads_both_registry_spellings() -> None:
    old = artifactory_upstream({"key": "r", "url": CATALOG, "pypiRegistryUrl": CATALOG})
    new = artifactory_upstream({"key": "r", "url": CATALOG, "pyPIRegistryUrl": CATALOG})
    assert old.registry_url == new.registry_url == CATALOG
    full = artifactory_upstream(
        {
            "key": "r",
            "url": CATALOG,
            "username": "org",
            "storeArtifactsLocally": False,
            "offline": False,
            "blackedOut": True,
            "retrievalCachePeriodSecs": 0,
            "xrayIndex": True,
        }
    )
    assert (full.has_credentials, full.store_locally, full.available) == (True, False, False)
    assert (full.metadata_cache_seconds, full.xray) == (0, True)


def test_nexus_upstream_in_minutes_and_blocking() -> None:
    data = {
        "name": "p",
        "online": True,
        "proxy": {"remoteUrl": CATALOG + "/", "metadataMaxAge": 1440},
        "negativeCache": {"enabled": False, "timeToLive": 1440},
        "httpClient": {"blocked": True, "authentication": {"username": "org"}},
    }
    upstream = nexus_upstream(data)
    assert (upstream.metadata_cache_seconds, upstream.missed_cache_seconds) == (86400, 0)
    assert (upstream.available, upstream.has_credentials) == (False, True)


def test_the_catalog_is_its_host_or_the_configured_base() -> None:
    assert is_catalog(Upstream("r", CATALOG + "/simple/"), None)
    assert is_catalog(
        Upstream("r", "http://127.0.0.1:8080/org/pypi/"), "http://127.0.0.1:8080/org/pypi"
    )
    assert not is_catalog(Upstream("r", "https://pypi.org"), None)


GOOD = Upstream(
    "as",
    CATALOG,
    registry_url=CATALOG,
    has_credentials=True,
    store_locally=True,
    available=True,
    metadata_cache_seconds=7200,
    missed_cache_seconds=1800,
    xray=False,
)


def test_a_remote_set_up_as_advised_has_nothing_to_say() -> None:
    assert remote_findings(GOOD, "artifactory") == []


def test_nexus_has_no_registry_url_to_check() -> None:
    assert remote_findings(Upstream("p", CATALOG + "/", has_credentials=True), "nexus") == []


def test_mixing_names_public_pypi() -> None:
    public = Upstream("pypi-remote", "https://files.pythonhosted.org", "https://pypi.org")
    (finding,) = mixing_findings("v", "virtual", [GOOD, public], None)
    assert finding.id == "manager.public-pypi-mixed"
    assert "pypi-remote: https://files.pythonhosted.org (public PyPI)" in finding.detail
    assert mixing_findings("v", "virtual", [GOOD], None) == []
    assert mixing_findings("v", "virtual", [public], None) == []  # no catalog in it


def test_config_findings_check_the_users_write_permission() -> None:
    target = PermissionTarget("Any Remote", ("ANY REMOTE",), groups={"readers": ("read",)})
    access = Access(Principal("ci", ("readers",), admin=False), (target,), {"readers": False})
    config = ManagerConfig("v", "virtual", ("as",), (GOOD,), access)
    (finding,) = config_findings(config, "artifactory", None)
    assert finding.id == "manager.deploy-cache-missing"
    assert finding.summary == "The user 'ci' has read on as, not Deploy/Cache."
    assert finding.detail == "Granted by:\nAny Remote: read for the group readers"
    assert finding.remediation is not None
    assert finding.remediation.text.startswith(
        "In Administration > Permissions, open Any Remote and give the group readers Read and "
        "Deploy/Cache (it covers as)."
    )


def test_an_upstream_url_that_does_not_parse_breaks_no_rule() -> None:
    broken = Upstream("broken", "https://[::1/simple/", registry_url="http://[x")
    config = ManagerConfig("pypi-virtual", "virtual", ("as", "broken"), (GOOD, broken))
    assert not is_catalog(broken, CATALOG)
    ids = [f.id for f in config_findings(config, "artifactory", CATALOG)]
    assert "manager.public-pypi-mixed" in ids
    assert remote_findings(broken, "artifactory")  # no crash; it has no credentials either


@pytest.mark.parametrize(
    "repo",
    [
        {"repositories": ["catalog"], "actions": ["read"]},
        {"repositories": ["catalog"], "actions": {"users": ["reader"]}},
        {"repositories": ["catalog"], "actions": {"users": {"reader": 5}}},
        {"repositories": 5, "actions": {"users": {"reader": ["write"]}}},
    ],
)
def test_permission_targets_of_another_shape_grant_nothing(repo: dict[str, object]) -> None:
    class Client:
        exchanges: tuple[Exchange, ...] = ()

        def get(self, url: str, **_: object) -> FetchResult:
            body = [{"name": "p"}] if url.endswith("/permissions") else {"repo": repo}
            return FetchResult((), Response(url, 200, (), json.dumps(body).encode()))

    api = AdminApi("https://art.example/artifactory", Client(), None)  # type: ignore[arg-type]
    access = artifactory_access(api, "reader")
    decision = decide(access.principal, access.targets, "catalog", "remote", access.admin_groups)
    assert decision.may_cache is not True
    assert all(grant.actions for grant in decision.grants)


@pytest.mark.parametrize(
    ("authentication", "has_credentials"),
    [
        (None, False),
        ({"type": "username", "username": "org", "password": None}, True),
        ({"type": "username", "username": ""}, False),
        ({"type": "bearerToken", "bearerToken": None}, True),
    ],
)
def test_nexus_upstream_authentication_forms(authentication: object, has_credentials: bool) -> None:
    data = {
        "name": "activestate",
        "online": True,
        "proxy": {"remoteUrl": CATALOG, "metadataMaxAge": 1440},
        "httpClient": {"blocked": False, "authentication": authentication},
    }
    assert nexus_upstream(data).has_credentials is has_credentials
