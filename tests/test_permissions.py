"""managers/permissions.py: Deploy/Cache decided as Artifactory decides it.

The target shapes are those of the v2 permissions API as JFrog documents them (the
"java-developers" sample of "How to create repository and build permission targets", with
``include-patterns``, ``exclude-patterns`` ``[""]``, ``actions.users`` and ``actions.groups``),
and the default "Any Remote" target naming the pseudo-repository ``ANY REMOTE``.
"""

from __future__ import annotations

import pytest

from asdiag.managers.permissions import (
    PermissionTarget,
    Principal,
    decide,
    read_principal,
    read_target,
)

REMOTE = "activestate-platform"


def target(repositories: list[str], *, groups=None, users=None, include=None, exclude=None):  # type: ignore[no-untyped-def]
    data = {
        "name": "t",
        "repo": {
            "include-patterns": include or ["**"],
            "exclude-patterns": exclude if exclude is not None else [""],
            "repositories": repositories,
            "actions": {"users": users or {}, "groups": groups or {}},
        },
    }
    parsed = read_target(data)
    assert parsed is not None
    return parsed


READER = Principal("ci-bot", ("readers",), admin=False)


@pytest.mark.parametrize(
    ("repositories", "rclass", "covered"),
    [
        (["ANY REMOTE"], "remote", True),
        (["ANY REMOTE"], "local", False),
        (["ANY"], "remote", True),
        (["ANY LOCAL"], "remote", False),
        ([REMOTE], "remote", True),
        ([f"{REMOTE}-cache"], "remote", True),
        (["other-remote"], "remote", False),
    ],
)
def test_targets_cover_keys_and_pseudo_repositories(
    repositories: list[str], rclass: str, covered: bool
) -> None:
    assert target(repositories).covers(REMOTE, rclass) is covered


def test_deploy_cache_through_a_group_on_any_remote() -> None:
    any_remote = target(["ANY REMOTE"], groups={"readers": ["read", "write"]})
    decision = decide(READER, [any_remote], REMOTE, "remote", {"readers": False})
    assert decision.may_cache is True
    assert [(g.target, g.via) for g in decision.grants] == [("t", "the group readers")]


def test_read_only_through_a_group_is_missing_and_names_the_grant() -> None:
    any_remote = target(["ANY REMOTE"], groups={"readers": ["read"]})
    decision = decide(READER, [any_remote], REMOTE, "remote", {"readers": False})
    assert decision.may_cache is False
    assert decision.actions == ("read",)


def test_any_and_a_named_target_to_the_user() -> None:
    everything = target(["ANY"], groups={"readers": ["read"]})
    named = target([REMOTE], users={"ci-bot": ["write"]})
    assert decide(READER, [everything, named], REMOTE, "remote").may_cache is True


@pytest.mark.parametrize(
    ("principal", "admin_groups", "why"),
    [
        (Principal("root", ("readers",), admin=True), {}, "the user is an administrator"),
        (Principal("ops", ("admins",), admin=False), {"admins": True}, "the group admins has"),
    ],
)
def test_administrators_need_no_target(
    principal: Principal, admin_groups: dict[str, bool], why: str
) -> None:
    decision = decide(principal, [], REMOTE, "remote", admin_groups)
    assert decision.may_cache is True
    assert decision.admin.startswith(why)


def test_patterns_that_leave_paths_out_are_undecided() -> None:
    narrow = target(["ANY REMOTE"], groups={"readers": ["read", "write"]}, include=["numpy/**"])
    decision = decide(READER, [narrow], REMOTE, "remote", {})
    assert decision.may_cache is None
    assert "include/exclude patterns" in decision.undecided


def test_an_empty_exclude_pattern_excludes_nothing() -> None:
    assert target(["ANY"], exclude=[""]).whole_repository
    assert not target(["ANY"], exclude=["**/*.whl"]).whole_repository


def test_an_unreadable_user_is_undecided_not_missing() -> None:
    external = read_principal("ldap-user", None, "the user's record: 404")
    any_remote = target(["ANY REMOTE"], groups={"readers": ["read", "write"]})
    decision = decide(external, [any_remote], REMOTE, "remote", {})
    assert decision.may_cache is None
    assert "the user's groups could not be read (the user's record: 404)" in decision.undecided


def test_manage_without_write_is_undecided() -> None:
    managed = target([REMOTE], users={"ci-bot": ["read", "manage"]})
    assert decide(READER, [managed], REMOTE, "remote", {}).may_cache is None


def test_a_user_record_as_artifactory_gives_it() -> None:
    record = {"name": "ci-bot", "email": "ci@example.com", "admin": False,
              "profileUpdatable": True, "realm": "internal", "groups": ["readers"]}  # fmt: skip
    principal = read_principal("ci-bot", record)
    assert (principal.groups, principal.admin, principal.unread) == (("readers",), False, "")


def test_a_target_of_another_shape_is_not_read() -> None:
    assert read_target({"name": "x", "repo": ["a"]}) is None
    assert PermissionTarget("x", ()).covers(REMOTE, "remote") is False
