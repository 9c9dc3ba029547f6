"""The lab: one loopback HTTP server for the catalog, Artifactory, Nexus and public PyPI.

Paths pick the part: ``/artifactory/`` is Artifactory, ``/repository/`` and ``/service/`` are
Nexus, ``/public/`` is public PyPI, everything else is the catalog. A :class:`Lab` serves one
scenario at a time; :meth:`Lab.load` switches to another with fresh state (caches, rate-limit
ledger), which is how ``asdiag demo`` runs several in turn on one port.
"""

from __future__ import annotations

import logging
import shlex
import threading
from collections.abc import Callable
from dataclasses import dataclass
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from types import TracebackType

from asdiag.lab import artifactory, nexus
from asdiag.lab.artifactory import Artifactory, RemoteConfig
from asdiag.lab.catalog import Catalog, Org, RateLedger
from asdiag.lab.nexus import Nexus, ProxyConfig
from asdiag.lab.packages import CATALOG, OTHER_CATALOG, PUBLIC
from asdiag.lab.public import PublicIndex
from asdiag.lab.scenarios import (
    BY_NAME,
    ORG_ID,
    ORG_PASSWORD,
    OTHER_ORG_ID,
    OTHER_ORG_PASSWORD,
    Scenario,
)
from asdiag.lab.web import App, Reply, Request, text

log = logging.getLogger(__name__)

HOST = "127.0.0.1"
#: Projects an earlier install already brought into the managers' caches.
WARM_PROJECTS = ("numpy", "requests")


@dataclass(frozen=True)
class Part:
    """One thing the lab serves, as ``lab serve`` lists it."""

    name: str
    url: str
    credentials: str


@dataclass(frozen=True)
class Apps:
    catalog: Catalog
    artifactory: Artifactory
    nexus: Nexus
    public: PublicIndex


class Lab:
    def __init__(
        self,
        scenario: Scenario = BY_NAME["healthy"],
        *,
        auth_style: str = "catalog",
        port: int = 0,
        on_request: Callable[[Request, Reply], None] | None = None,
    ) -> None:
        self.on_request = on_request
        self._server = _Server((HOST, port), _Handler, self)
        self._thread: threading.Thread | None = None
        self._lock = threading.Lock()
        self.load(scenario, auth_style=auth_style)

    # --- life cycle ------------------------------------------------------------------------------

    def start(self) -> Lab:
        self._thread = threading.Thread(target=self._server.serve_forever, daemon=True)
        self._thread.start()
        return self

    def stop(self) -> None:
        if self._thread is not None:
            self._server.shutdown()
            self._thread.join()
            self._thread = None
        self._server.server_close()

    def __enter__(self) -> Lab:
        return self.start()

    def __exit__(
        self, kind: type[BaseException] | None, exc: BaseException | None, tb: TracebackType | None
    ) -> None:
        self.stop()

    # --- what it serves --------------------------------------------------------------------------

    @property
    def port(self) -> int:
        return int(self._server.server_address[1])

    @property
    def base_url(self) -> str:
        return f"http://{HOST}:{self.port}"

    @property
    def catalog_url(self) -> str:
        """The organisation's catalog, as the vendor documents it (no /simple)."""
        return f"{self.base_url}/{ORG_ID}/pypi"

    @property
    def apps(self) -> Apps:
        with self._lock:
            return self._apps

    def load(self, scenario: Scenario, *, auth_style: str = "catalog") -> None:
        """Serve ``scenario`` from now on, with fresh caches, logs and rate-limit ledger."""
        managers = scenario.managers
        catalog = Catalog(
            [
                Org(ORG_ID, ORG_PASSWORD, CATALOG),
                Org(OTHER_ORG_ID, OTHER_ORG_PASSWORD, OTHER_CATALOG),
            ],
            auth_style=auth_style,
            ledger=RateLedger(),
        )
        public_url = f"{self.base_url}/public"
        art = Artifactory(
            self.dispatch,
            (
                RemoteConfig(
                    artifactory.CATALOG_REMOTE,
                    self.catalog_url + managers.remote_url_suffix,
                    ORG_ID,
                    ORG_PASSWORD,
                    store_locally=managers.store_locally,
                ),
                RemoteConfig(artifactory.PUBLIC_REMOTE, public_url, "", ""),
            ),
            (artifactory.CATALOG_REMOTE, artifactory.PUBLIC_REMOTE)
            if managers.public_in_group
            else (artifactory.CATALOG_REMOTE,),
            base_url=self.base_url,
            developer_can_cache=managers.deploy_cache,
            signed_downloads=managers.signed_downloads,
            anonymous_access=managers.anonymous_access,
        )
        nx = Nexus(
            self.dispatch,
            (
                ProxyConfig(
                    nexus.CATALOG_PROXY,
                    self.catalog_url + "/",
                    ORG_ID,
                    managers.nexus_upstream_password or ORG_PASSWORD,
                ),
                ProxyConfig(nexus.PUBLIC_PROXY, public_url + "/", "", ""),
            ),
            (nexus.CATALOG_PROXY, nexus.PUBLIC_PROXY)
            if managers.public_in_group
            else (nexus.CATALOG_PROXY,),
            base_url=self.base_url,
            hash_lookup_broken=managers.hash_lookup_broken,
        )
        apps = Apps(catalog, art, nx, PublicIndex(PUBLIC))
        with self._lock:
            self._apps = apps
            self.scenario = scenario
            self.auth_style = auth_style
        art.remotes[artifactory.CATALOG_REMOTE].warm(WARM_PROJECTS)
        catalog.faults = scenario.faults
        catalog.ledger.spend(HOST, scenario.spent)

    def dispatch(self, request: Request) -> Reply:
        """Route a request to the part that serves its path."""
        apps = self.apps
        path = request.path
        app: App
        if path.startswith("/artifactory/"):
            app = apps.artifactory
        elif path.startswith(artifactory.STORAGE_PREFIX):
            app = apps.artifactory.storage
        elif path.startswith(("/repository/", "/service/")):
            app = apps.nexus
        elif path.startswith("/public/"):
            app = apps.public
        else:
            app = apps.catalog
        return app(request)

    # --- telling people about it -----------------------------------------------------------------

    def target(self) -> dict[str, str]:
        """The ``ASDIAG_*`` settings that point ``asdiag check`` at this scenario."""
        scenario = self.scenario
        url = f"{self.base_url}/{scenario.org_in_url}/pypi"
        target = {
            "ASDIAG_CATALOG_URL": url,
            "ASDIAG_USERNAME": ORG_ID,
            "ASDIAG_PASSWORD": scenario.password,
        }
        if scenario.manager == "artifactory":
            target["ASDIAG_MANAGER_URL"] = (
                f"{self.base_url}/artifactory/api/pypi/{artifactory.VIRTUAL}/simple/"
            )
            if not scenario.managers.anonymous_access:
                target["ASDIAG_MANAGER_USERNAME"] = artifactory.DEVELOPER.name
                target["ASDIAG_MANAGER_PASSWORD"] = artifactory.DEVELOPER.password
            target["ASDIAG_ADMIN_USERNAME"] = artifactory.ADMIN.name
            target["ASDIAG_ADMIN_PASSWORD"] = artifactory.ADMIN.password
        elif scenario.manager == "nexus":
            target["ASDIAG_MANAGER_URL"] = f"{self.base_url}/repository/{nexus.GROUP}/simple/"
            target["ASDIAG_MANAGER_USERNAME"] = nexus.DEVELOPER.name
            target["ASDIAG_MANAGER_PASSWORD"] = nexus.DEVELOPER.password
            target["ASDIAG_ADMIN_USERNAME"] = nexus.ADMIN.name
            target["ASDIAG_ADMIN_PASSWORD"] = nexus.ADMIN.password
        return target

    def parts(self) -> tuple[Part, ...]:
        base = self.base_url
        return (
            Part("catalog", self.catalog_url, f"{ORG_ID} / {ORG_PASSWORD}"),
            Part(
                "another org",
                f"{base}/{OTHER_ORG_ID}/pypi",
                f"{OTHER_ORG_ID} / {OTHER_ORG_PASSWORD}",
            ),
            Part(
                "Artifactory",
                f"{base}/artifactory/api/pypi/{artifactory.VIRTUAL}/simple/",
                f"{artifactory.ADMIN.name} / {artifactory.ADMIN.password} (admin), "
                f"{artifactory.DEVELOPER.name} / {artifactory.DEVELOPER.password}",
            ),
            Part(
                "Nexus",
                f"{base}/repository/{nexus.GROUP}/simple/",
                f"{nexus.ADMIN.name} / {nexus.ADMIN.password} (admin), "
                f"{nexus.DEVELOPER.name} / {nexus.DEVELOPER.password}",
            ),
            Part("public PyPI", f"{base}/public/simple/", "anonymous"),
        )

    def env_file_text(self) -> str:
        lines = [f"# asdiag lab, scenario {self.scenario.name}: {self.scenario.summary}"]
        lines += [f"# {part.name}: {part.url}  ({part.credentials})" for part in self.parts()]
        lines += [f"{key}={shlex.quote(value)}" for key, value in self.target().items()]
        return "\n".join(lines) + "\n"


class _Server(ThreadingHTTPServer):
    daemon_threads = True
    allow_reuse_address = True
    #: A burst of parallel clients (CI, asdiag's own concurrency) must not overflow the backlog.
    request_queue_size = 128

    def __init__(self, address: tuple[str, int], handler: type[_Handler], lab: Lab) -> None:
        self.lab = lab
        super().__init__(address, handler)

    def handle_error(self, request: object, client_address: object) -> None:
        """Logged, not printed: socketserver's default writes the traceback to stderr (a client
        hanging up mid-answer, or an ``on_request`` callback failing)."""
        log.exception("lab: the request from %s failed", client_address)


class _Handler(BaseHTTPRequestHandler):
    protocol_version = "HTTP/1.1"
    #: Headers and body go out in separate writes; with Nagle on, a keep-alive client would wait
    #: for its delayed ACK (~40 ms) on every answer.
    disable_nagle_algorithm = True
    server: _Server
    server_version = "asdiag-lab"

    def log_message(self, format: str, *args: object) -> None:
        """Requests are reported through ``Lab.on_request``, not printed."""

    def _serve(self) -> None:
        length = int(self.headers.get("Content-Length") or 0)
        if length:
            self.rfile.read(length)
        request = Request.for_url(
            self.command, self.path, dict(self.headers.items()), client=self.client_address[0]
        )
        lab = self.server.lab
        try:
            reply = lab.dispatch(request)
        except Exception:  # a lab bug must not take the server down; the log says what happened
            log.exception("lab: %s %s failed", request.method, request.path)
            reply = text(500, "asdiag lab: internal error\n")
        # send_response_only: the Server header is the simulated product's, sent once below.
        self.send_response_only(reply.status)
        self.send_header("Date", self.date_time_string())
        if reply.header("Server") is None:
            self.send_header("Server", self.server_version)
        for name, value in reply.headers:
            if name.lower() == "location" and value.startswith("/"):
                value = f"http://{self.headers.get('Host') or f'{HOST}:{lab.port}'}{value}"
            self.send_header(name, value)
        self.send_header("Content-Type", reply.content_type)
        self.send_header("Content-Length", str(len(reply.body)))
        self.end_headers()
        if self.command != "HEAD":
            self.wfile.write(reply.body)
        if lab.on_request is not None:
            lab.on_request(request, reply)

    do_GET = do_HEAD = do_POST = do_PUT = do_DELETE = _serve
