"""The manager audit on answers in the real products' shapes (``tests/data/artifactory/`` and
``tests/data/nexus/``; each file names its source, and the READMEs say what was adapted).

The cases are those a real setup meets: the default targets as installed, the vendor guide's
"use default permissions" (Deploy/Cache added to a group on "Any Remote"), ``ANY``, a named
target granted to a group, administrators, a Registry URL ending in ``/simple``, devpi's
suffix, Nexus's null and bearer-token authentication and its newer ``pypi`` block.
"""

from __future__ import annotations

import copy
import json
from pathlib import Path
from typing import Any

import pytest

from asdiag.managers.audit import config_findings, remote_findings
from asdiag.managers.config import Access, ManagerConfig, artifactory_upstream, nexus_upstream
from asdiag.managers.permissions import (
    PermissionTarget,
    decide,
    read_principal,
    read_target,
)

DATA = Path(__file__).parent / "data"
CATALOG = "https://repository.activestate.com/b5865a43-1f24-48df-b6f3-8c932c7aae29/pypi"
REMOTE = "activestate-platform"


def body(product: str, name: str) -> Any:
    return json.loads((DATA / product / f"{name}.json").read_text(encoding="utf-8"))["body"]


def target(name: str, **grant: dict[str, list[str]]) -> PermissionTarget:
    """A recorded target, with groups granted on top when asked (as an admin edits it)."""
    data = copy.deepcopy(body("artifactory", name))
    for group, actions in grant.items():
        data["repo"]["actions"].setdefault("groups", {})[group] = actions
    parsed = read_target(data)
    assert parsed is not None
    return parsed


CI_BOT = read_principal("ci-bot", body("artifactory", "user-ci-bot.derived"))
ANY_REMOTE = "permission-v2-any-remote.default.rec-2020"
ANYTHING = "permission-v2-anything.default.rec-2020"


def findings_for(targets: list[PermissionTarget], principal=CI_BOT, admin_groups=None):  # type: ignore[no-untyped-def]
    upstream = artifactory_upstream(
        body("artifactory", "repository-remote-activestate-platform.derived")
    )
    access = Access(principal, tuple(targets), admin_groups or {"readers": False})
    config = ManagerConfig(REMOTE, "remote", (), (upstream,), access)
    return config_findings(config, "artifactory", CATALOG)


def test_the_recorded_default_targets_parse_as_artifactory_serves_them() -> None:
    any_remote, anything = target(ANY_REMOTE), target(ANYTHING)
    assert (any_remote.repositories, any_remote.exclude) == (("ANY REMOTE",), ())
    assert any_remote.users == {"anonymous": ("read", "write")} and any_remote.groups == {}
    assert anything.groups == {"readers": ("read",)}
    assert any_remote.whole_repository and anything.whole_repository


def test_deploy_cache_through_a_group_on_the_default_any_remote_is_enough() -> None:
    edited = target(ANY_REMOTE, readers=["read", "write"])
    decision = decide(CI_BOT, [target(ANYTHING), edited], REMOTE, "remote", {"readers": False})
    assert decision.may_cache is True
    assert [f.id for f in findings_for([target(ANYTHING), edited])] == []


def test_the_defaults_as_installed_give_a_user_read_only() -> None:
    (finding,) = findings_for([target(ANYTHING), target(ANY_REMOTE)])
    assert finding.id == "manager.deploy-cache-missing"
    assert finding.detail == "Granted by:\nAnything: read for the group readers"
    assert finding.remediation is not None
    assert "open Any Remote and give the group readers Read and Deploy/Cache" in (
        finding.remediation.text
    )


def test_any_granted_to_a_group() -> None:
    anything = target(ANYTHING, readers=["read", "write"])
    assert decide(CI_BOT, [anything], REMOTE, "remote", {}).may_cache is True


def test_a_named_target_granted_to_a_group() -> None:
    named = target("permission-v2-activestate-platform-readers.derived")
    assert decide(CI_BOT, [named], REMOTE, "remote", {}).may_cache is True
    assert findings_for([named]) == []


def test_a_target_limited_by_patterns_is_undecided() -> None:
    (finding,) = findings_for([target("permission-v2-patterns.derived")])
    assert finding.id == "manager.permissions-undecided"
    assert "include/exclude patterns" in finding.summary


@pytest.mark.parametrize(
    ("record", "admin_groups"),
    [
        ("user-admin.rec-2023", {}),
        ("user-admin-no-groups.rec-2020", {}),
    ],
)
def test_an_administrator_needs_no_target(record: str, admin_groups: dict[str, bool]) -> None:
    principal = read_principal("admin", body("artifactory", record))
    assert principal.admin is True
    assert findings_for([], principal, admin_groups) == []


def test_a_group_with_admin_privileges() -> None:
    admins = body("artifactory", "group-admins.derived")
    principal = read_principal("ops", {"name": "ops", "admin": False, "groups": ["admins"]})
    decision = decide(principal, [], REMOTE, "remote", {"admins": admins["adminPrivileges"]})
    assert (decision.may_cache, decision.admin) == (True, "the group admins has admin privileges")


def test_a_user_in_no_group_is_read_with_no_groups() -> None:
    record = body("artifactory", "user-admin-no-groups.rec-2020")
    assert "groups" not in record
    assert read_principal("xray", record).groups == ()


# --- the URL Artifactory fetches ----------------------------------------------------------------


def remote(**changes: object):  # type: ignore[no-untyped-def]
    data = body("artifactory", "repository-remote-activestate-platform.derived") | changes
    return artifactory_upstream(data)


def test_the_default_remote_fields() -> None:
    dump = artifactory_upstream(body("artifactory", "repository-remote-pypi.dump-tf-samples"))
    assert (dump.registry_url, dump.registry_suffix) == ("https://pypi.org", "simple")
    assert (dump.store_locally, dump.metadata_cache_seconds, dump.missed_cache_seconds) == (
        True,
        7200,
        1800,
    )


def test_a_registry_url_ending_in_simple_is_found() -> None:
    upstream = remote(pyPIRegistryUrl=f"{CATALOG}/simple")
    ids = [f.id for f in remote_findings(upstream, "artifactory")]
    assert ids == ["manager.remote-url-simple-suffix"]


def test_a_devpi_suffix_is_no_mistake() -> None:
    devpi = "https://devpi.example/org/pypi"
    upstream = remote(url=devpi, pyPIRegistryUrl=devpi, pyPIRepositorySuffix="+simple")
    assert remote_findings(upstream, "artifactory") == []


# --- Nexus ----------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("name", "has_credentials"),
    [
        ("pypi-proxy-auth-null.derived-rec-3.2x", False),
        ("pypi-proxy-username.derived-source-3.77", True),
        ("pypi-proxy-bearer-token.derived-source-3.77", True),
    ],
)
def test_nexus_authentication_as_a_get_shows_it(name: str, has_credentials: bool) -> None:
    upstream = nexus_upstream(body("nexus", name))
    assert upstream.has_credentials is has_credentials
    ids = {f.id for f in remote_findings(upstream, "nexus")}
    assert ("manager.remote-credentials-missing" in ids) is not has_credentials


def test_nexus_pypi_block_and_index_path_raise_no_false_finding() -> None:
    data = body("nexus", "pypi-proxy.openapi-example-3.94")
    data["proxy"]["remoteUrl"] = CATALOG + "/"
    upstream = nexus_upstream(data)
    assert upstream.url == CATALOG + "/"
    assert "manager.remote-url-simple-suffix" not in {
        f.id for f in remote_findings(upstream, "nexus")
    }
