"""A loopback catalog that misbehaves on demand, and a second origin that records what it got.

The first path segment of ``http://127.0.0.1:PORT/<scope>-<fault>`` (a catalog base URL, or a
manager URL with ``/simple/`` appended) picks the fault and which requests suffer it:

- scope ``all`` (every request), ``auth`` (requests that carry credentials), ``page`` (project
  pages and files, not the index root), ``file`` (files only), ``admin`` (the REST API of a
  manager at ``/<scope>-<fault>/artifactory/api/pypi/<key>/simple/``); the other requests
  get a healthy catalog: ``/simple/`` lists ``demo-core``, ``/simple/demo-core/`` links its
  wheel, anonymous requests are challenged (401) and wrong credentials refused;
- faults at the socket (``reset-head``, ``reset-body``, ``truncated``, ``truncated-chunked``,
  ``stall-head``, ``stall-body``, ``drip-head``, ``drip-body``, ``endless``, ``huge``), in the
  content (``binary``, ``login``, ``bad-json``, ``wrong-type``, ``gzip``; ``quarantined``, a
  PEP 792 page with no files), in the redirects
  (``loop``, ``bad-redirect``, ``elsewhere``: to the recording origin; ``downgrade``: from the
  TLS server to plain http), in the status (``5xx``, ``429``, ``429-bare``), and ``echo``, a
  401 that repeats the credentials it got in a header and in the body;
- ``files-elsewhere`` (scope ``page``): a healthy page whose file lives on the recording origin.

The recording server answers everything with a 401 challenge and keeps the ``Authorization``
header of each request, so a test can prove that no credential reached it.
"""

from __future__ import annotations

import base64
import gzip
import random
import socket
import ssl
import struct

from tests.integration.scripted_server import (
    GOOD_AUTH,
    LOGIN_PAGE,
    LoopbackServer,
    QuietHandler,
    index_html,
)

WHEEL = "demo_core-1.0-py3-none-any.whl"
#: How often a dripping server sends its next byte: far below any time limit asdiag uses, so
#: every single read succeeds while the whole request never completes.
DRIP_INTERVAL = 0.05


class _Quiet(QuietHandler):
    protocol_version = "HTTP/1.1"


class RecordingHandler(_Quiet):
    server: RecordingServer

    def do_GET(self) -> None:
        self.server.seen.append((self.path, self.headers.get("Authorization")))
        self.answer(401, b"Unauthorized", "text/plain", WWW_Authenticate='Basic realm="other"')


def _request_kind(path: str) -> str:
    """What a request asks for: a ``file``, the manager's REST ``api``, an index ``root``
    (``.../simple/`` right under the base, or an Artifactory-shaped ``.../api/pypi/KEY/simple/``),
    or a project ``page``."""
    rest = path.lstrip("/").partition("/")[2]
    if "/files/" in path:
        return "file"
    if "/api/repositories" in path or "/service/rest/" in path:
        return "api"
    if rest == "simple/" or ("/api/pypi/" in path and rest.endswith("/simple/")):
        return "root"
    return "page"


class FaultHandler(_Quiet):
    server: FaultServer

    def do_GET(self) -> None:
        segment = self.path.lstrip("/").partition("/")[0]
        scope, _, fault = segment.partition("-")
        what = _request_kind(self.path)
        applies = {
            "all": True,
            "auth": "Authorization" in self.headers,
            "page": what in ("page", "file"),
            "file": what == "file",
            "admin": what == "api",
        }.get(scope, False)
        if fault == "files-elsewhere" and what == "page":
            self.healthy(what, segment, files_at=self.server.other_origin)
        elif applies and fault != "files-elsewhere":
            getattr(self, "fault_" + fault.replace("-", "_"))(segment)
        else:
            self.healthy(what, segment)

    # --- the healthy catalog -------------------------------------------------------------------

    def healthy(self, what: str, segment: str, files_at: str = "") -> None:
        if (
            self.headers.get("Authorization") is None
            or self.headers.get("Authorization") != GOOD_AUTH
        ):
            self.answer(401, b"Unauthorized", "text/plain", WWW_Authenticate='Basic realm="c"')
        elif what == "root":
            self.answer(200, index_html(("demo-core",)))
        elif what == "page":
            href = f"{files_at}/{segment}/files/{WHEEL}" if files_at else f"../../files/{WHEEL}"
            self.answer(200, f'<html><body><a href="{href}">{WHEEL}</a></body></html>'.encode())
        else:
            self.answer(200, b"PK\x03\x04", "application/octet-stream")

    # --- at the socket -----------------------------------------------------------------------

    def _reset(self) -> None:
        """Abortive close: SO_LINGER with a zero timeout makes the kernel send RST."""
        self.connection.setsockopt(socket.SOL_SOCKET, socket.SO_LINGER, struct.pack("ii", 1, 0))
        self.connection.close()
        self.close_connection = True

    def _head(self, **headers: str) -> None:
        self.wfile.write(b"HTTP/1.1 200 OK\r\nContent-Type: text/html\r\n")
        for name, value in headers.items():
            self.wfile.write(f"{name.replace('_', '-')}: {value}\r\n".encode())
        self.wfile.write(b"\r\n")
        self.wfile.flush()

    def _hold(self) -> None:
        self.server.stopping.wait()
        self.close_connection = True

    def _drip(self, data: bytes) -> None:
        try:
            for byte in data:
                if self.server.stopping.wait(DRIP_INTERVAL):
                    break
                self.wfile.write(bytes([byte]))
                self.wfile.flush()
        except OSError:
            pass  # the client gave up, as it should
        self.close_connection = True

    def fault_reset_head(self, segment: str) -> None:
        self._reset()

    def fault_reset_body(self, segment: str) -> None:
        self._head(Content_Length="100000")
        self.wfile.write(b"<html><body>" + b"x" * 2000)
        self.wfile.flush()
        self._reset()

    def fault_truncated(self, segment: str) -> None:
        self._head(Content_Length="100000", Connection="close")
        self.wfile.write(b"<html><body>" + b"x" * 988)
        self.wfile.flush()
        self.close_connection = True

    def fault_truncated_chunked(self, segment: str) -> None:
        self._head(Transfer_Encoding="chunked", Connection="close")
        self.wfile.write(b"400\r\n" + b"x" * 1024 + b"\r\n")
        self.wfile.flush()
        self.close_connection = True

    def fault_stall_head(self, segment: str) -> None:
        self._hold()

    def fault_stall_body(self, segment: str) -> None:
        self._head(Content_Length="100000")
        self.wfile.write(b"<html><body>" + b"x" * 88)
        self.wfile.flush()
        self._hold()

    def fault_drip_head(self, segment: str) -> None:
        self._drip(b"HTTP/1.1 200 OK\r\nContent-Type: text/html\r\n" + b"X-Pad: " + b"x" * 10000)

    def fault_drip_body(self, segment: str) -> None:
        self._head(Content_Length="100000")
        self._drip(b"<html><body>" + b"x" * 99988)

    def fault_endless(self, segment: str) -> None:
        self._head(Connection="close")
        chunk = b'<a href="x/">x</a>' * 4096
        try:
            while not self.server.stopping.is_set():
                self.wfile.write(chunk)
        except OSError:
            pass  # the client stopped reading, as it should
        self.close_connection = True

    def fault_huge(self, segment: str) -> None:
        size = 20 * 1024 * 1024
        self._head(Content_Length=str(size), Connection="close")
        chunk = b'<a href="x/">x</a>'.ljust(1024) * 1024
        try:
            for _ in range(size // len(chunk)):
                self.wfile.write(chunk)
        except OSError:
            pass
        self.close_connection = True

    # --- in the content ------------------------------------------------------------------------

    def fault_binary(self, segment: str) -> None:
        noise = random.Random(12).randbytes(16 * 1024)
        self.answer(200, noise, "text/html")

    def fault_login(self, segment: str) -> None:
        self.answer(200, LOGIN_PAGE.encode())

    def fault_bad_json(self, segment: str) -> None:
        self.answer(200, b'{"meta": {"api-version": "1.1"}, "projects": [{"na', JSON)

    def fault_wrong_type(self, segment: str) -> None:
        self.answer(200, index_html(("demo-core",)), "text/plain")

    def fault_quarantined(self, segment: str) -> None:
        """PEP 792: the index keeps the project, and offers no files while it is quarantined."""
        self.answer(
            200,
            b'<html><head><meta name="pypi:repository-version" content="1.4">'
            b'<meta name="pypi:project-status" content="quarantined">'
            b'<meta name="pypi:project-status-reason" content="under review"></head>'
            b"<body></body></html>",
        )

    def fault_gzip(self, segment: str) -> None:
        body = gzip.compress(b"")[:10] + random.Random(7).randbytes(
            512
        )  # a gzip header, then noise
        self.answer(200, body, "text/html", Content_Encoding="gzip")

    # --- in the redirects ----------------------------------------------------------------------

    def fault_loop(self, segment: str) -> None:
        self.answer(302, b"", Location=self.path)

    def fault_bad_redirect(self, segment: str) -> None:
        self.answer(302, b"", Location="ftp://files.example.org/simple/")

    def fault_elsewhere(self, segment: str) -> None:
        self.answer(302, b"", Location=self.server.other_origin + self.path)

    def fault_downgrade(self, segment: str) -> None:
        """To the same catalog over plain http: another origin, healthy there."""
        rest = self.path.lstrip("/").partition("/")[2]
        self.answer(302, b"", Location=f"{self.server.plain_origin}/none-healthy/{rest}")

    def fault_echo(self, segment: str) -> None:
        """A server that repeats the credentials it was sent: in a header and in the body."""
        header = self.headers.get("Authorization", "")
        sent = base64.b64decode(header.removeprefix("Basic ")).decode() if header else ""
        body = f"<html><body>Refused: {sent!r} is not valid here.</body></html>".encode()
        self.answer(401, body, WWW_Authenticate=f'Basic realm="{sent}"')

    # --- in the status -------------------------------------------------------------------------

    def fault_5xx(self, segment: str) -> None:
        self.answer(503, b"<html><body>Service Unavailable</body></html>")

    def fault_429(self, segment: str) -> None:
        self.answer(429, b"Too Many Requests", "text/plain", Retry_After="120")

    def fault_429_bare(self, segment: str) -> None:
        self.answer(429, b"Too Many Requests", "text/plain")


JSON = "application/vnd.pypi.simple.v1+json"


class RecordingServer(LoopbackServer):
    def __init__(self) -> None:
        super().__init__(RecordingHandler)
        #: ``(path, Authorization header or None)`` of every request.
        self.seen: list[tuple[str, str | None]] = []

    @property
    def origin(self) -> str:
        return f"http://127.0.0.1:{self.port}"


class FaultServer(LoopbackServer):
    def __init__(
        self, other_origin: str, plain_origin: str = "", tls: ssl.SSLContext | None = None
    ) -> None:
        super().__init__(FaultHandler, tls)
        #: Where ``elsewhere`` redirects and ``files-elsewhere`` links: the recording server.
        self.other_origin = other_origin
        #: Where ``downgrade`` redirects (the plain-http fault server, for the TLS one).
        self.plain_origin = plain_origin
