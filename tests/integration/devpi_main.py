"""Run a real devpi-server on a free loopback port and print the port once it is listening.

Started as a child process by the ``devpi`` fixture (``tests/integration/devpi_fixture.py``);
the test process never imports devpi_server, whose imports warn (filterwarnings = error).
One process does everything: ``devpi-init`` (in-process, the same ``devpi_server.init.init``
the console script runs), then the server, built as ``devpi-server`` builds it, except that
waitress is bound here so that the port is known, and printed, only once the socket listens.
That printed line is the fixture's readiness signal (no sleeps).

devpi-server 6 records a ``pkg_read`` permission per index (the
``devpiserver_stage_get_principals_for_pkg_read`` hook; ``root`` always has it) but enforces
it only in ``/+authcheck``, which devpi-lockdown puts behind nginx's ``auth_request``. The
small plugin below, registered with devpi's own plugin manager (no entry point), adds an
``acl_read`` index option (default ``:ANONYMOUS:``, i.e. everyone), answers that hook from it,
and enforces ``pkg_read`` on every GET or HEAD under ``/<user>/<index>`` except ``+api``:

* no credentials, or credentials devpi rejects: 403 ``{"error": "authentication required"}``,
  without a ``WWW-Authenticate`` challenge;
* a valid user the ACL does not name: 404 ``{"error": "index not found"}`` (to that user the
  index seems not to exist; an anonymous request still tells 403 from devpi's 404).

No network beyond loopback: there is no ``root/pypi`` mirror (``--no-root-pypi``), the server
runs with ``--offline-mode``, and an audit hook refuses any connection or name lookup that is
not for 127.0.0.1 or localhost, so a phone-home would fail loudly instead of going out.
"""

from __future__ import annotations

import json
import secrets
import sys
from pathlib import Path
from typing import Any, TextIO

_LOOPBACK = {"127.0.0.1", "localhost", "::1"}


def _loopback_only(event: str, args: tuple[Any, ...]) -> None:
    if event == "socket.connect":
        address = args[1]
        host = address[0] if isinstance(address, tuple) else address
    elif event == "socket.getaddrinfo":
        host = args[0]
    else:
        return
    if isinstance(host, bytes):
        host = host.decode()
    if isinstance(host, str) and host not in _LOOPBACK and not host.startswith("/"):
        message = f"devpi_main: refused {event} to {host!r}: no network beyond loopback"
        print(message, file=sys.__stderr__, flush=True)  # in the log even if devpi swallows it
        raise ConnectionRefusedError(message)


sys.addaudithook(_loopback_only)

from devpi_server.auth import pwd_context  # noqa: E402
from devpi_server.config import get_pluginmanager, hookimpl, parseoptions  # noqa: E402
from devpi_server.init import init  # noqa: E402
from devpi_server.main import xom_from_config  # noqa: E402
from devpi_server.model import ACLList  # noqa: E402
from pyramid.response import Response  # noqa: E402
from waitress import create_server  # noqa: E402

READ_ACL_OPTION = "acl_read"


def _refusal(status: int, error: str) -> Response:
    return Response(
        body=(json.dumps({"error": error}) + "\n").encode(),
        status=status,
        content_type="application/json",
    )


def _guard_reads(view: Any, info: Any) -> Any:
    """A pyramid view deriver: refuse reads of an index the identity may not read."""

    def guarded(context: Any, request: Any) -> Any:
        route = request.matched_route
        stage = getattr(context, "_stage", None)  # devpi's RootFactory; None: no such index
        if (
            route is not None
            and request.method in ("GET", "HEAD")
            and not route.name.endswith("/+api")
            and stage is not None
            and not request.has_permission("pkg_read")
        ):
            if request.authenticated_userid is None:
                return _refusal(403, "authentication required")
            return _refusal(404, "index not found")
        return view(context, request)

    return guarded


class ReadAclPlugin:
    """The ``acl_read`` index option and its enforcement, as a devpi-server plugin."""

    @hookimpl
    def devpiserver_indexconfig_defaults(self, index_type: str) -> dict[str, Any]:
        if index_type == "stage":
            return {READ_ACL_OPTION: ACLList([":ANONYMOUS:"])}
        return {}

    @hookimpl
    def devpiserver_stage_get_principals_for_pkg_read(self, ixconfig: Any) -> list[str] | None:
        principals = ixconfig.get(READ_ACL_OPTION)
        return None if principals is None else list(principals)

    @hookimpl
    def devpiserver_pyramid_configure(self, config: Any, pyramid_config: Any) -> None:
        pyramid_config.add_view_deriver(_guard_reads, name="asdiag_read_acl")


# devpi-server's own (hidden) options for the argon2 key it derives from its secret at each
# start: 512 MiB and 16 passes by default, about 3 of the 4 seconds a start takes on two cores.
_CHEAP_SECRET_KEY = ("--argon2-memory-cost=8", "--argon2-time-cost=1", "--argon2-parallelism=1")


def main(serverdir: str) -> None:
    # devpi logs to sys.stdout: the log goes to stderr, and only the port to stdout.
    port_out, sys.stdout = sys.stdout, sys.stderr
    # The users' password hashes are checked on every request with Basic credentials, about
    # 0.1 s each with passlib's argon2 defaults: the cheapest parameters argon2 allows.
    pwd_context.update(argon2__memory_cost=8, argon2__rounds=1, argon2__parallelism=1)
    pluginmanager = get_pluginmanager()
    pluginmanager.register(ReadAclPlugin(), "asdiag-read-acl")
    no_options = Path(serverdir).with_suffix(".yml")  # so that no user or site config applies
    no_options.write_text("# no options\n")
    common = ["--serverdir", serverdir, f"--configfile={no_options}"]
    # nobody logs in as root (which may read every index), so its password is never known
    root_password = secrets.token_urlsafe()
    code = init(
        pluginmanager, ["devpi-init", *common, "--no-root-pypi", f"--root-passwd={root_password}"]
    )
    if code:
        raise SystemExit(code)
    options = ["--offline-mode", "--host=127.0.0.1", "--port=0", *_CHEAP_SECRET_KEY]
    xom = xom_from_config(parseoptions(pluginmanager, ["devpi-server", *common, *options]))
    xom.thread_pool.run(_serve, xom, port_out)


def _serve(xom: Any, port_out: TextIO) -> None:
    """What ``devpi_server.main.wsgi_run`` does, with the port printed once the socket listens."""
    server = create_server(xom.create_app(), **xom.config.waitress_info["kwargs"])
    print(server.effective_port, file=port_out, flush=True)
    server.run()


if __name__ == "__main__":
    main(*sys.argv[1:])
