"""A simulated JFrog Artifactory 7 with a remote repository for the catalog and a virtual one.

Facts followed (``shared/reference/repository-managers.md`` section 1): PyPI repositories at
``/artifactory/api/pypi/<key>/simple/``, HTML only, package links in the files.pythonhosted.org
layout under ``packages/``; ``X-JFrog-Version``, ``X-Artifactory-Id`` and ``X-Artifactory-Node-Id``
on every answer; JSON error bodies ``{"errors": [...]}``; a 401 challenge for anonymous callers
(anonymous access is off); ``Read`` serves only what the remote has cached and fetching anything
new upstream also needs ``Deploy/Cache`` (``write``); the repository and permission APIs answer
an admin in full and others partially or with 403. A user without Deploy/Cache gets 404 for an
uncached package (the FAQ says 403 or 404; the lab picks 404, the harder one to read).
"""

from __future__ import annotations

import threading
from collections.abc import Callable
from dataclasses import dataclass, replace
from urllib.parse import quote, unquote

from asdiag.lab.manager import Outcome, ProxyRepo, User, authenticate, merge
from asdiag.lab.pages import Link, project_html, root_html
from asdiag.lab.upstream import Upstream
from asdiag.lab.web import App, Reply, Request, json_reply, text

VERSION = "7.98.9"
REVISION = "79809900"
IDENTITY = (
    ("X-JFrog-Version", f"Artifactory/{VERSION} {REVISION}"),
    ("X-Artifactory-Id", "4c6f1d2e9a8b7c3d5e0f1a2b3c4d5e6f7a8b9c0d"),
    ("X-Artifactory-Node-Id", "lab-node-1"),
)
REALM = "Artifactory Realm"
ADMIN = User("admin", "lab-artifactory-Admin-3Jd", admin=True)
DEVELOPER = User("developer", "lab-artifactory-Dev-8Hs")
#: Who a request without credentials is when anonymous access is on.
ANONYMOUS = User("anonymous", "")
CATALOG_REMOTE = "activestate-remote"
PUBLIC_REMOTE = "pypi-remote"
VIRTUAL = "pypi-virtual"
#: Artifactory's default target for remote repositories, and its default group.
PERMISSION = "Any Remote"
#: Where the lab's signed downloads live (served on another origin: ``localhost``).
STORAGE_PREFIX = "/artifactory-storage/"
GROUP = "readers"


@dataclass(frozen=True)
class RemoteConfig:
    key: str
    url: str  # the upstream index's base, without /simple (Artifactory appends the suffix)
    username: str
    password: str
    store_locally: bool = True
    #: What the configuration API reports beyond the URL (a test may misconfigure them).
    registry_url: str | None = None  # None: the same as ``url``, as the vendor advises
    registry_suffix: str = "simple"  # Artifactory's default pyPIRepositorySuffix
    offline: bool = False
    xray: bool = False
    metadata_cache_seconds: int = 7200


def _errors(status: int, message: str, *headers: tuple[str, str]) -> Reply:
    return json_reply(
        status, {"errors": [{"status": status, "message": message}]}, "application/json", *headers
    )


class Artifactory:
    def __init__(
        self,
        dispatch: App,
        remotes: tuple[RemoteConfig, ...],
        virtual_members: tuple[str, ...],
        *,
        base_url: str,
        developer_can_cache: bool = True,
        signed_downloads: bool = False,
        anonymous_access: bool = False,
    ) -> None:
        self.base_url = base_url  # this Artifactory's own address, for the URLs its APIs return
        self.configs = {r.key: r for r in remotes}
        self.remotes = {
            r.key: ProxyRepo(
                r.key,
                r.url + "/simple/",
                Upstream(dispatch, r.username, r.password),
                store=r.store_locally,
            )
            for r in remotes
        }
        self.virtual_members = virtual_members
        #: Repositories whose configuration GET fails (a test's fault): the audit must go on.
        self.unreadable: set[str] = set()
        self.developer_actions = ("read", "write") if developer_can_cache else ("read",)
        #: Artifactory Cloud: downloads answer 302 to signed URLs on the storage's own host.
        self.signed_downloads = signed_downloads
        #: "Allow Anonymous Access": requests without credentials act as the user "anonymous".
        self.anonymous_access = anonymous_access
        #: "Hide Existence of Unauthorized Resources": 404 where 401 or 403 would be (a test
        #: turns it on).
        self.hide_unauthorized = False
        self._stored: dict[str, bytes] = {}
        self._lock = threading.Lock()

    def __call__(self, request: Request) -> Reply:
        return self._answer(request).with_headers(*IDENTITY)

    def _answer(self, request: Request) -> Reply:
        path = request.path.removeprefix("/artifactory")
        if path == "/api/system/ping":
            return text(200, "OK")
        if path == "/api/system/version":
            return json_reply(
                200,
                {
                    "version": VERSION,
                    "revision": REVISION,
                    "addons": ["pypi", "ldap"],
                    "license": "lab",
                },
            )
        user = authenticate(request, (ADMIN, DEVELOPER))
        if user is None and self.anonymous_access:
            user = ANONYMOUS
        if not isinstance(user, User) and self.hide_unauthorized and user is False:
            return _errors(404, "Not Found")
        if not isinstance(user, User):
            message = "Authentication is required" if user is None else "Bad credentials"
            return _errors(401, message, ("WWW-Authenticate", f'Basic realm="{REALM}"'))
        parts = path.strip("/").split("/")
        if parts[:2] == ["api", "pypi"] and len(parts) >= 4:
            return self._pypi(user, parts[2], parts[3:])
        if parts[:2] == ["api", "repositories"]:
            return self._repositories(user, parts[2:], request)
        if parts[:4] == ["api", "v2", "security", "permissions"]:
            return self._permissions(user, [unquote(p) for p in parts[4:]])
        if parts[:3] == ["api", "security", "users"] and len(parts) == 4:
            return self._user(user, unquote(parts[3]))
        if parts[:3] == ["api", "security", "groups"] and len(parts) == 4:
            return self._group(user, unquote(parts[3]))
        return _errors(404, "Not Found")

    # --- permissions ---------------------------------------------------------------------------

    def _actions(self, user: User) -> tuple[str, ...]:
        if user.admin:
            return ("read", "write", "annotate", "delete", "manage")
        if user is ANONYMOUS:  # the default "Any Remote" target: anonymous Read, Deploy/Cache
            return ("read", "write")
        return self.developer_actions

    def _repo_keys(self) -> tuple[str, ...]:
        return (*self.remotes, VIRTUAL)

    def _targets(self) -> dict[str, dict[str, object]]:
        """Artifactory's two default targets, in the shape it serves them (recorded answers in
        ``tests/data/artifactory/``: ``exclude-patterns`` ``[]``, no ``groups`` key when no
        group is granted). As installed, "Any Remote" gives Deploy/Cache to ``anonymous``
        only; the lab's admin has added the group ``readers`` to it, as the vendor's guide's
        "use default permissions" asks, unless the scenario takes Deploy/Cache away."""

        Grants = dict[str, list[str]]

        def repo(repositories: str, users: Grants, groups: Grants) -> dict[str, object]:
            actions: dict[str, object] = {"users": users}
            if groups:
                actions["groups"] = groups
            return {
                "repositories": [repositories],
                "actions": actions,
                "include-patterns": ["**"],
                "exclude-patterns": [],
            }

        remote_groups = {GROUP: ["read", "write"]} if "write" in self.developer_actions else {}
        return {
            "Anything": {
                "name": "Anything",
                "repo": repo("ANY", {"anonymous": ["read"]}, {GROUP: ["read"]}),
            },
            PERMISSION: {
                "name": PERMISSION,
                "repo": repo("ANY REMOTE", {"anonymous": ["read", "write"]}, remote_groups),
            },
        }

    def _user(self, caller: User, name: str) -> Reply:
        if not caller.admin:
            return _errors(403, "Forbidden")
        known = {u.name: u for u in (ADMIN, DEVELOPER)}
        if name not in known:
            return _errors(404, f"User '{name}' does not exist")
        return json_reply(
            200,
            {
                "name": name,
                "email": f"{name}@lab.example",
                "admin": known[name].admin,
                "policyManager": False,
                "watchManager": False,
                "reportsManager": False,
                "profileUpdatable": True,
                "internalPasswordDisabled": False,
                "groups": [GROUP],
                "lastLoggedInMillis": 0,
                "realm": "internal",
                "offlineMode": False,
                "disableUIAccess": False,
                "mfaStatus": "NONE",
            },
        )

    def _group(self, caller: User, name: str) -> Reply:
        if not caller.admin:
            return _errors(403, "Forbidden")
        if name != GROUP:
            return _errors(404, f"Group '{name}' does not exist")
        return json_reply(
            200,
            {
                "name": GROUP,
                "description": "A group for read-only users",
                "autoJoin": True,
                "realm": "internal",
                "adminPrivileges": False,
                "policyViewer": False,
                "policyManager": False,
                "watchManager": False,
                "reportsManager": False,
            },
        )

    def _permissions(self, user: User, rest: list[str]) -> Reply:
        if not user.admin:
            return _errors(403, "Forbidden")
        targets = self._targets()
        if not rest:
            root = f"{self.base_url}/artifactory/api/v2/security/permissions/"
            return json_reply(200, [{"name": name, "uri": root + quote(name)} for name in targets])
        if len(rest) == 1 and rest[0] in targets:
            return json_reply(200, targets[rest[0]])
        return _errors(404, f"Permission target '{'/'.join(rest)}' does not exist")

    # --- repository configuration ----------------------------------------------------------------

    def _config(self, key: str, *, full: bool) -> dict[str, object]:
        if key == VIRTUAL:
            config: dict[str, object] = {
                "key": key,
                "rclass": "virtual",
                "packageType": "pypi",
                "description": "What developers and CI use",
                "repositories": list(self.virtual_members),
            }
            if full:
                config.update(
                    defaultDeploymentRepo="",
                    artifactoryRequestsCanRetrieveRemoteArtifacts=False,
                    virtualRetrievalCachePeriodSecs=600,
                    hideUnauthorizedResources=False,
                )
            return config
        remote = self.configs[key]
        config = {
            "key": key,
            "rclass": "remote",
            "packageType": "pypi",
            "description": "",
            "url": remote.url,
        }
        if full:
            config.update(
                pyPIRegistryUrl=remote.url if remote.registry_url is None else remote.registry_url,
                pyPIRepositorySuffix=remote.registry_suffix,
                username=remote.username,
                password="",  # write-only: Artifactory never returns it
                offline=remote.offline,
                blackedOut=False,
                storeArtifactsLocally=remote.store_locally,
                retrievalCachePeriodSecs=remote.metadata_cache_seconds,
                missedRetrievalCachePeriodSecs=1800,
                unusedArtifactsCleanupPeriodHours=0,
                xrayIndex=remote.xray,
                curated=False,
            )
        return config

    def _repositories(self, user: User, rest: list[str], request: Request) -> Reply:
        if not rest:
            wanted = request.query.get("type", "").lower()
            rows = [
                {
                    "key": key,
                    "type": str(self._config(key, full=False)["rclass"]).upper(),
                    "description": "",
                    "url": f"{self.base_url}/artifactory/{key}",
                    "packageType": "Pypi",
                }
                for key in self._repo_keys()
            ]
            return json_reply(200, [r for r in rows if not wanted or r["type"].lower() == wanted])
        if len(rest) == 1 and rest[0] in self.unreadable:
            return _errors(500, "Internal Server Error")
        if len(rest) == 1 and rest[0] in self._repo_keys():
            return json_reply(200, self._config(rest[0], full=user.admin))
        return _errors(400, f"Bad Request: no repository found under key '{'/'.join(rest)}'")

    # --- the PyPI API --------------------------------------------------------------------------

    def _pypi(self, user: User, key: str, rest: list[str]) -> Reply:
        if key not in self._repo_keys():
            return _errors(404, f"Repository '{key}' not found")
        actions = self._actions(user)
        if "read" not in actions:
            return _errors(403, "Forbidden")
        may_fetch = "write" in actions
        members = self.virtual_members if key == VIRTUAL else (key,)
        if rest[0] == "simple":
            name = rest[1] if len(rest) > 1 else ""
            if not name:
                outcome = merge([self.remotes[m].root() for m in members], root=True)
                return self._reply(outcome, lambda: root_html(outcome.names))
            outcome = merge([self.remotes[m].page(name, may_fetch=may_fetch) for m in members])
            # Artifactory serves no .metadata files (PEP 658 support unconfirmed), so it must not
            # advertise them: a client would ask for one and get a 404.
            links = [
                replace(link, href="../../packages/" + _file_path(link), core_metadata=False)
                for link in outcome.links
            ]
            return self._reply(outcome, lambda: project_html(name, links))
        if rest[0] == "packages":
            return self._file(members, "/".join(rest[1:]), may_fetch, user.name)
        return _errors(404, "Not Found")

    def _file(self, members: tuple[str, ...], path: str, may_fetch: bool, user: str) -> Reply:
        filename = path.rpartition("/")[2]
        for key in members:
            remote = self.remotes[key]
            link = remote.link_for(filename)
            if link is None or _file_path(link) != path:
                continue
            outcome = remote.file(link, may_fetch=may_fetch)
            if outcome.status == 200 and self.signed_downloads:
                with self._lock:
                    self._stored[filename] = outcome.content
                return Reply(302, b"", headers=(("Location", self._signed_url(filename)),))
            if outcome.status == 403:  # uncached, and the user lacks Deploy/Cache (uv#16662)
                return _errors(
                    403,
                    f"Rejected artifact download request: User {user} is not permitted to "
                    f"deploy '{path}' into '{key}-cache:{path}'.",
                )
            if outcome.status == 200:
                return Reply(
                    200,
                    outcome.content,
                    "application/octet-stream",
                    (("X-Checksum-Sha256", link.sha256), ("X-Artifactory-Filename", filename)),
                )
        return _errors(404, "Not Found")

    # --- signed storage (another origin) ------------------------------------------------------

    def _signed_url(self, filename: str) -> str:
        """On ``localhost`` rather than ``127.0.0.1``: another origin on the same socket, as a
        storage bucket is another host; the signature is in the query string."""
        storage = self.base_url.replace("127.0.0.1", "localhost", 1)
        return (
            f"{storage}{STORAGE_PREFIX}{quote(filename)}"
            "?X-Amz-Algorithm=AWS4-HMAC-SHA256&X-Amz-Expires=30&X-Amz-Signature=lab"
        )

    def storage(self, request: Request) -> Reply:
        """The bucket: S3 refuses a signed URL that also carries an Authorization header, so a
        client that sent the manager's credentials to it is told so."""
        if request.headers.get("authorization"):
            return Reply(
                400,
                b'<?xml version="1.0" encoding="UTF-8"?>\n<Error><Code>InvalidArgument'
                b"</Code><Message>Only one auth mechanism allowed; only the X-Amz-Algorithm "
                b"query parameter, Signature query string parameter or the Authorization header "
                b"should be specified</Message></Error>",
                "application/xml",
            )
        filename = unquote(request.path.removeprefix(STORAGE_PREFIX))
        with self._lock:
            content = self._stored.get(filename)
        if content is None or request.query.get("X-Amz-Signature") != "lab":
            return Reply(403, b"<Error><Code>AccessDenied</Code></Error>", "application/xml")
        return Reply(200, content, "application/octet-stream")

    @staticmethod
    def _reply(outcome: Outcome, page: Callable[[], str]) -> Reply:
        if outcome.status != 200:
            return _errors(404, "Not Found")
        return Reply(
            200, page().encode(), "text/html; charset=utf-8", (("Cache-Control", "max-age=600"),)
        )


def _file_path(link: Link) -> str:
    """Where Artifactory serves a file: the files.pythonhosted.org layout under the repository."""
    digest = link.sha256
    return f"packages/{digest[:2]}/{digest[2:4]}/{digest[4:]}/{link.filename}"
