"""Artifactory's permissions, decided as Artifactory decides them: who may cache from a remote.

A user fetches a package nobody fetched before only with Deploy/Cache (the ``write`` action) on
the remote repository; Read serves only what is cached. Artifactory grants it through
permission targets (``GET /api/v2/security/permissions/{name}``), to the user or to a group the
user is in (``GET /api/security/users/{name}`` lists ``groups`` and ``admin``), on repositories
named by key or by the pseudo-repositories ``ANY``, ``ANY LOCAL`` and ``ANY REMOTE`` (the
default target "Any Remote" names the latter), within include and exclude patterns.
Administrators, and members of a group with ``adminPrivileges``, need no target.

:func:`decide` is pure: it takes the parsed answers and says which target and which group
grant what, or, when something could not be read (a user from an external realm, no right to
read users), what could not be decided. Being wrong here is a false FAIL on the setup the
vendor's guide recommends, so anything unread is "could not decide", never "missing".
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field

#: The action Artifactory calls Deploy/Cache in its UI.
DEPLOY_CACHE = "write"
#: Include patterns that cover every path of a repository.
_EVERYTHING = frozenset({"**", "**/*", "*/**"})
#: Pseudo-repositories a permission target may name instead of keys, by the classes they cover.
_PSEUDO = {"ANY": ("local", "remote", "virtual", "federated"), "ANY LOCAL": ("local",),
           "ANY REMOTE": ("remote",)}  # fmt: skip


@dataclass(frozen=True)
class PermissionTarget:
    """The repository part of a permission target (v2 API)."""

    name: str
    repositories: tuple[str, ...]
    include: tuple[str, ...] = ("**",)
    exclude: tuple[str, ...] = ()
    users: Mapping[str, tuple[str, ...]] = field(default_factory=dict)
    groups: Mapping[str, tuple[str, ...]] = field(default_factory=dict)

    def covers(self, key: str, rclass: str) -> bool:
        """Whether the target names the repository (its ``-cache`` too), directly or through a
        pseudo-repository of its class."""
        for named in self.repositories:
            if named in (key, f"{key}-cache") or rclass in _PSEUDO.get(named.upper(), ()):
                return True
        return False

    @property
    def whole_repository(self) -> bool:
        """Patterns that leave nothing out (the defaults)."""
        include = {p.strip() for p in self.include if p.strip()}
        exclude = [p for p in self.exclude if p.strip()]
        return bool(include & _EVERYTHING) and not exclude


@dataclass(frozen=True)
class Principal:
    """The manager's user as Artifactory knows it; ``None`` fields were not readable."""

    name: str
    groups: tuple[str, ...] | None = None
    admin: bool | None = None
    #: Why the user's record could not be read ("" when it was).
    unread: str = ""


@dataclass(frozen=True)
class Grant:
    target: str
    #: ``"the user"`` or ``"the group NAME"``.
    via: str
    actions: tuple[str, ...]
    #: The target's patterns leave some paths out.
    partial: bool = False


@dataclass(frozen=True)
class Decision:
    """Whether the user may cache from one remote repository, and why."""

    repository: str
    user: str
    may_cache: bool | None  # None: could not decide
    grants: tuple[Grant, ...] = ()
    #: How an administrator's rights apply ("" when they do not).
    admin: str = ""
    #: What could not be decided, in words ("" when decided).
    undecided: str = ""

    @property
    def actions(self) -> tuple[str, ...]:
        return tuple(sorted({a for g in self.grants for a in g.actions}))


def decide(
    principal: Principal,
    targets: Sequence[PermissionTarget],
    repository: str,
    rclass: str,
    admin_groups: Mapping[str, bool] | None = None,
) -> Decision:
    """Whether ``principal`` holds Deploy/Cache on ``repository`` (of class ``rclass``).

    ``admin_groups``: each group's ``adminPrivileges``, for the groups that could be read.
    """
    user = principal.name
    if principal.admin:
        return Decision(repository, user, True, admin="the user is an administrator")
    admin_group = next((g for g in principal.groups or () if (admin_groups or {}).get(g)), None)
    if admin_group is not None:
        return Decision(
            repository, user, True, admin=f"the group {admin_group} has admin privileges"
        )
    grants = tuple(_grants(principal, targets, repository, rclass))
    if any(DEPLOY_CACHE in g.actions and not g.partial for g in grants):
        return Decision(repository, user, True, grants)
    why = _why_undecided(principal, grants)
    return Decision(repository, user, None if why else False, grants, undecided=why)


def _why_undecided(principal: Principal, grants: Sequence[Grant]) -> str:
    """What keeps a user without a whole-repository Deploy/Cache grant from being a plain
    "missing" ("" when nothing does)."""
    partial = [g for g in grants if DEPLOY_CACHE in g.actions]
    if partial:
        return (
            f"the target {partial[0].target} grants Deploy/Cache only within its include/exclude "
            "patterns, which may leave out the paths the catalog's packages use"
        )
    if principal.groups is None:
        return (
            f"the user's groups could not be read ({principal.unread or 'unknown'}); a group "
            "may grant Deploy/Cache"
        )
    stronger = [g for g in grants if {"delete", "manage"} & set(g.actions)]
    if stronger:
        return (
            f"the target {stronger[0].target} grants {'/'.join(stronger[0].actions)} without "
            "write; Artifactory's UI adds Deploy/Cache with them, its API may not"
        )
    if principal.admin is None and not grants:
        return (
            "no target grants the user anything, and whether the user is an administrator "
            f"could not be read ({principal.unread or 'unknown'})"
        )
    return ""


def _grants(
    principal: Principal, targets: Sequence[PermissionTarget], repository: str, rclass: str
) -> list[Grant]:
    found = []
    for target in targets:
        if not target.covers(repository, rclass):
            continue
        partial = not target.whole_repository
        own = target.users.get(principal.name)
        if own:
            found.append(Grant(target.name, "the user", own, partial))
        for group in principal.groups or ():
            actions = target.groups.get(group)
            if actions:
                found.append(Grant(target.name, f"the group {group}", actions, partial))
    return found


def where_to_grant(
    principal: Principal, targets: Sequence[PermissionTarget], repository: str, rclass: str
) -> tuple[str | None, str]:
    """The narrowest target covering the repository (naming its key, then ``ANY REMOTE``, then
    ``ANY``) and who to give Deploy/Cache there: a group of the user's the target already
    names, else the user's first group, else the user."""

    def breadth(target: PermissionTarget) -> int:
        named = {r.upper() for r in target.repositories}
        if repository.upper() in named or f"{repository}-cache".upper() in named:
            return 0
        return 1 if "ANY REMOTE" in named else 2

    covering = sorted((t for t in targets if t.covers(repository, rclass)), key=breadth)
    groups = principal.groups or ()
    target = covering[0] if covering else None
    named = [g for g in groups if target is not None and g in target.groups]
    if named or groups:
        who = f"the group {(named or list(groups))[0]}"
    else:
        who = f"the user {principal.name}"
    return (target.name if target is not None else None), who


def grant_lines(decision: Decision) -> list[str]:
    """The grants, one line each, for a finding's detail."""
    return [
        f"{g.target}: {'/'.join(g.actions)} for {g.via}"
        + (" (within include/exclude patterns)" if g.partial else "")
        for g in decision.grants
    ]


def read_target(data: Mapping[str, object]) -> PermissionTarget | None:
    """A v2 permission target's repository part; ``None`` for a shape this does not know."""
    repo = data.get("repo")
    if not isinstance(repo, dict):
        return None
    actions = repo.get("actions") if isinstance(repo.get("actions"), dict) else {}
    assert isinstance(actions, dict)
    return PermissionTarget(
        name=str(data.get("name", "")),
        repositories=_strings(repo.get("repositories")),
        include=_strings(repo.get("include-patterns")) or ("**",),
        exclude=_strings(repo.get("exclude-patterns")),
        users=_actions(actions.get("users")),
        groups=_actions(actions.get("groups")),
    )


def read_principal(name: str, data: object, unread: str = "") -> Principal:
    """A user record (``GET /api/security/users/{name}``); unreadable: ``groups`` unknown."""
    if not isinstance(data, dict):
        return Principal(name, unread=unread or "no user record")
    admin = data.get("admin")
    return Principal(
        name,
        _strings(data.get("groups")),
        admin if isinstance(admin, bool) else None,
    )


def _strings(value: object) -> tuple[str, ...]:
    return tuple(str(v) for v in value if isinstance(v, str)) if isinstance(value, list) else ()


def _actions(value: object) -> Mapping[str, tuple[str, ...]]:
    if not isinstance(value, dict):
        return {}
    return {
        str(name): tuple(str(a).lower() for a in actions)
        for name, actions in value.items()
        if isinstance(actions, list)
    }
