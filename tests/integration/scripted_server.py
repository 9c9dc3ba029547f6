"""A small loopback HTTP server whose first path segment picks a behaviour.

``http://127.0.0.1:PORT/<scenario>`` is a catalog base URL; asdiag then requests
``/<scenario>/simple/``. Each scenario answers the anonymous request, the request with the
right credentials and the one with wrong credentials the way a real server (or a broken one)
would. It also serves as a plain-http forward proxy: a request in absolute form
(``GET http://any.host/<scenario>/simple/``) is answered the same way.
"""

from __future__ import annotations

import base64
import json
import socket
import ssl
import struct
import threading
from collections.abc import Callable
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Self
from urllib.parse import urlsplit

ORG_ID = "b5865a43-1f24-48df-b6f3-8c932c7aae29"
PASSWORD = "s3cr3t-Pa55-lab"
GOOD_AUTH = "Basic " + base64.b64encode(f"{ORG_ID}:{PASSWORD}".encode()).decode()

INDEX_HTML = (
    '<!DOCTYPE html><html><head><meta name="pypi:repository-version" content="{version}">'
    "<title>Simple index</title></head><body>{links}</body></html>"
)
LOGIN_PAGE = (
    '<html><head><title>Sign in</title></head><body><form action="/login" method="post">'
    '<input name="user"><input type="password" name="password"><button>Sign in</button>'
    "</form></body></html>"
)


def index_html(
    projects: tuple[str, ...] = ("numpy", "Zope.Interface"), version: str = "1.0"
) -> bytes:
    links = "".join(f'<a href="{name.lower()}/">{name}</a>' for name in projects)
    return INDEX_HTML.format(version=version, links=links).encode()


class QuietHandler(BaseHTTPRequestHandler):
    """A handler that logs nothing and answers in one call."""

    def log_message(self, format: str, *args: object) -> None:
        """Keep the test output clean."""

    def answer(
        self, status: int, body: bytes = b"", content_type: str = "text/html", **headers: str
    ) -> None:
        self.send_response(status)
        self.send_header("Content-Type", content_type)
        self.send_header("Content-Length", str(len(body)))
        for name, value in headers.items():
            self.send_header(name.replace("_", "-"), value)
        self.end_headers()
        self.wfile.write(body)


class Handler(QuietHandler):
    server: ScriptedServer

    # --- helpers ----------------------------------------------------------------------------

    @property
    def auth_state(self) -> str:
        header = self.headers.get("Authorization")
        if header is None:
            return "none"
        return "good" if header == GOOD_AUTH else "bad"

    def challenge(self) -> None:
        self.answer(401, b"Unauthorized", "text/plain", WWW_Authenticate='Basic realm="catalog"')

    def guarded(
        self, body: Callable[[], None], *, refuse: Callable[[], None] | None = None
    ) -> None:
        """Challenge anonymous requests, refuse wrong credentials (401 again), else ``body``."""
        if self.auth_state == "good":
            body()
        else:
            (refuse or self.challenge)()

    # --- routing ----------------------------------------------------------------------------

    def do_GET(self) -> None:
        path = urlsplit(self.path).path if "://" in self.path else self.path
        scenario = path.strip("/").split("/")[0]
        self.server.paths_seen.append(path)
        route = getattr(self, "scenario_" + scenario.replace("-", "_"), None)
        if route is None:
            self.answer(404, b"no such scenario", "text/plain")
        else:
            route()

    # --- scenarios --------------------------------------------------------------------------

    def scenario_healthy(self) -> None:
        self.guarded(lambda: self.answer(200, index_html()))

    def scenario_json(self) -> None:
        document = {
            "meta": {"api-version": "1.1"},
            "projects": [{"name": "numpy"}, {"name": "six"}, {"name": "attrs"}],
        }
        body = json.dumps(document).encode()
        self.guarded(lambda: self.answer(200, body, "application/vnd.pypi.simple.v1+json"))

    def scenario_open(self) -> None:
        self.answer(200, index_html())

    def scenario_no_challenge(self) -> None:
        if self.auth_state == "good":
            self.answer(200, index_html())
        else:
            self.answer(403, b'{"error": "authentication required"}', "application/json")

    def scenario_hidden(self) -> None:
        self.guarded(lambda: self.answer(404, b"Not Found", "text/plain"))

    def scenario_forbidden(self) -> None:
        self.guarded(lambda: self.answer(403, b"Forbidden", "text/plain"), refuse=self.challenge)

    def scenario_missing(self) -> None:
        self.answer(404, b"Not Found", "text/plain")

    def scenario_login_page(self) -> None:
        self.guarded(lambda: self.answer(200, LOGIN_PAGE.encode()))

    def scenario_empty(self) -> None:
        self.guarded(lambda: self.answer(200, index_html(projects=())))

    def scenario_api_major(self) -> None:
        self.guarded(lambda: self.answer(200, index_html(version="2.0")))

    def scenario_api_minor(self) -> None:
        self.guarded(lambda: self.answer(200, index_html(version="1.9")))

    def scenario_rate_limited(self) -> None:
        self.answer(
            429,
            b"Too Many Requests",
            "text/plain",
            Retry_After="120",
            X_RateLimit_Limit="2000",
            X_RateLimit_Remaining="0",
        )

    def scenario_outage(self) -> None:
        self.answer(503, b"<html><body>Service Unavailable</body></html>")

    def scenario_method(self) -> None:
        self.answer(405, b"Method Not Allowed", "text/plain", Allow="POST")

    def scenario_loop(self) -> None:
        self.answer(302, b"", Location="/loop/simple/")

    def scenario_stall(self) -> None:
        # Hold the connection, send nothing, until the server shuts down.
        self.server.stopping.wait()

    def scenario_reset(self) -> None:
        self.wfile.write(b"HTTP/1.1 200 OK\r\nContent-Type: text/html\r\n")
        self.wfile.write(b"Content-Length: 100000\r\n\r\n<html><body>")
        self.wfile.flush()
        # Abortive close: SO_LINGER with a zero timeout makes the kernel send RST.
        self.connection.setsockopt(socket.SOL_SOCKET, socket.SO_LINGER, struct.pack("ii", 1, 0))
        self.connection.close()

    def scenario_endless(self) -> None:
        self.wfile.write(b"HTTP/1.1 200 OK\r\nContent-Type: text/html\r\nConnection: close\r\n\r\n")
        chunk = b'<a href="x/">x</a>' * 4096
        try:
            while not self.server.stopping.is_set():
                self.wfile.write(chunk)
        except OSError:
            return  # the client stopped reading, as it should

    def scenario_binary(self) -> None:
        self.guarded(lambda: self.answer(200, bytes(range(256)) * 8))

    def project(self, fragment: str) -> None:
        """A project page whose one file carries ``fragment`` (no hash, md5...), and the file."""
        if self.path.endswith(".whl"):
            self.guarded(lambda: self.answer(200, b"PK\x03\x04", "application/octet-stream"))
            return
        link = (
            f'<a href="demo_core-1.0-py3-none-any.whl{fragment}">demo_core-1.0-py3-none-any.whl</a>'
        )
        page = f"<!DOCTYPE html><html><body>{link}</body></html>".encode()
        self.guarded(lambda: self.answer(200, page))

    def scenario_nohash(self) -> None:
        self.project("")

    def scenario_md5(self) -> None:
        self.project("#md5=" + "0" * 32)

    def scenario_garbage(self) -> None:
        self.wfile.write(b"HELLO THERE\r\n\r\n")


class LoopbackServer(ThreadingHTTPServer):
    """A threaded server on a free 127.0.0.1 port, run in a background thread by fixtures."""

    daemon_threads = True
    block_on_close = False

    def __init__(
        self, handler: type[BaseHTTPRequestHandler], tls: ssl.SSLContext | None = None
    ) -> None:
        super().__init__(("127.0.0.1", 0), handler)
        #: Set on stop: handlers that hold a connection open wait on it.
        self.stopping = threading.Event()
        if tls is not None:
            self.socket = tls.wrap_socket(self.socket, server_side=True)
        self._thread = threading.Thread(target=self.serve_forever, daemon=True)

    @property
    def port(self) -> int:
        return int(self.server_address[1])

    def start(self) -> Self:
        self._thread.start()
        return self

    def stop(self) -> None:
        self.stopping.set()
        self.shutdown()
        self.server_close()
        self._thread.join()

    def handle_error(self, request: object, client_address: object) -> None:
        """Clients that abort (TLS refusals, resets, timeouts) are what these servers provoke."""


class ScriptedServer(LoopbackServer):
    """The scripted scenarios."""

    def __init__(self, tls: ssl.SSLContext | None = None) -> None:
        super().__init__(Handler, tls)
        self.paths_seen: list[str] = []
