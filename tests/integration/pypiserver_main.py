"""Run pypiserver on a free loopback port and print the port once it is listening.

Started as a child process by the ``pypiserver`` fixture. Printing after the socket is bound
and listening is what makes the fixture's readiness wait deterministic (no sleeps).
"""

from __future__ import annotations

import sys
from wsgiref.simple_server import WSGIRequestHandler, make_server

import pypiserver


class _QuietHandler(WSGIRequestHandler):
    def log_message(self, format: str, *args: object) -> None:
        """Keep the test output clean."""


def main(packages: str, htpasswd: str) -> None:
    app = pypiserver.app(
        roots=[packages],
        authenticate=["download", "list", "update"],
        password_file=htpasswd,
        disable_fallback=True,
    )
    server = make_server("127.0.0.1", 0, app, handler_class=_QuietHandler)
    print(server.server_port, flush=True)
    server.serve_forever()


if __name__ == "__main__":
    main(sys.argv[1], sys.argv[2])
