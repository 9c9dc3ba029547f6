"""Run pypiserver on a free loopback port and print the port once it is listening.

Started as a child process by the ``pypiserver`` fixture. Printing after the socket is bound
and listening is what makes the fixture's readiness wait deterministic (no sleeps).
"""

from __future__ import annotations

import base64
import sys
from collections.abc import Iterable
from typing import TYPE_CHECKING
from wsgiref.simple_server import WSGIRequestHandler, make_server

import pypiserver

if TYPE_CHECKING:
    from wsgiref.types import StartResponse, WSGIApplication, WSGIEnvironment


class _QuietHandler(WSGIRequestHandler):
    def log_message(self, format: str, *args: object) -> None:
        """Keep the test output clean."""


def _challenge_empty_password(app: WSGIApplication) -> WSGIApplication:
    """Answer 401 with a challenge to Basic credentials whose password is empty.

    pypiserver answers 403 to any credentials it rejects; Artifactory, Nexus and devpi answer
    401. pip sends ``USER:`` (an empty password) first for an index URL that holds only a
    username, and asks its keyring only after a 401.
    """

    def wrapped(environ: WSGIEnvironment, start_response: StartResponse) -> Iterable[bytes]:
        header = environ.get("HTTP_AUTHORIZATION", "")
        scheme, _, encoded = header.partition(" ")
        if scheme.lower() == "basic":
            try:
                _, _, password = base64.b64decode(encoded).decode().partition(":")
            except ValueError:
                password = "?"  # unreadable: let pypiserver refuse it
            if not password:
                start_response(
                    "401 Unauthorized",
                    [("WWW-Authenticate", 'Basic realm="pypi"'), ("Content-Length", "0")],
                )
                return [b""]
        return app(environ, start_response)

    return wrapped


def main(packages: str, htpasswd: str, *options: str) -> None:
    app: WSGIApplication = pypiserver.app(
        roots=[packages],
        authenticate=["download", "list", "update"],
        password_file=htpasswd,
        disable_fallback=True,
    )
    if "--challenge-empty-password" in options:
        app = _challenge_empty_password(app)
    server = make_server("127.0.0.1", 0, app, handler_class=_QuietHandler)
    print(server.server_port, flush=True)
    server.serve_forever()


if __name__ == "__main__":
    main(*sys.argv[1:])
