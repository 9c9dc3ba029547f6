"""Capture devpi-server's answers into this directory, one JSON file per answer.

Run from the repository root: ``python -m tests.data.devpi.capture``. It starts the same
devpi-server as the ``devpi`` fixture (``tests/integration/devpi_fixture.py``), asks it each
request below and writes ``<name>.json``. Answers are made port-independent (the server's
origin becomes ``http://127.0.0.1:PORT``), devpi's random node id becomes ``NODE-UUID``, a
Python object address in an error message becomes ``0xADDRESS``; ``Date`` is left out.
"""

from __future__ import annotations

import hashlib
import json
import re
import tempfile
from collections.abc import Iterator
from pathlib import Path

import httpx

from asdiag.http import USER_AGENT
from tests.integration.conftest import _write_wheel
from tests.integration.devpi_fixture import DevpiServer, run_devpi

HERE = Path(__file__).parent
PIP_ACCEPT = (
    "application/vnd.pypi.simple.v1+json, application/vnd.pypi.simple.v1+html; q=0.1, "
    "text/html; q=0.01"
)
SIMPLE_JSON = "application/vnd.pypi.simple.v1+json"
PIP_USER_AGENT = 'pip/24.2 {"installer":{"name":"pip","version":"24.2"},"python":"3.11.7"}'

ACCEPTS = {
    "pip": PIP_ACCEPT,
    "html": "text/html",
    "simple-json": SIMPLE_JSON,
    "json": "application/json",
    "any": "*/*",
}
AGENTS = {"asdiag": USER_AGENT, "pip": PIP_USER_AGENT}

# (file name, index: "private", "open", "user/<name>", "<user>/<name>" or "" for none,
#  the rest of the path, Accept, who, User-Agent)
Request = tuple[str, str, str, str, str, str]


def _request(what: str, index: str, rest: str, who: str, agent: str, accept: str) -> Request:
    name = f"{what}.{who}.ua-{agent}.accept-{accept}"
    return name, index, rest, ACCEPTS[accept], who, AGENTS[agent]


def _requests() -> Iterator[Request]:
    for index in ("private", "open"):
        for who in ("none", "right", "wrong", "outsider"):
            yield _request(f"{index}-simple-root", index, "/+simple/", who, "asdiag", "pip")
    for who in ("none", "right"):
        for agent in AGENTS:
            yield _request("private-no-plus", "private", "/simple/", who, agent, "pip")
            path = "/simple/demo-core/"
            yield _request("private-no-plus-project", "private", path, who, agent, "pip")
        yield _request("private-no-plus", "private", "/simple/", who, "asdiag", "any")
    for agent in AGENTS:
        yield _request("open-no-plus", "open", "/simple/", "none", agent, "pip")
    for accept in ("pip", "html", "simple-json"):
        path = "/+simple/demo-core/"
        yield _request("private-project", "private", path, "right", "asdiag", accept)
    yield _request("open-project", "open", "/+simple/demo-core/", "none", "asdiag", "pip")
    for who in ("none", "right"):
        path = "/+simple/nope/"
        yield _request("private-missing-project", "private", path, who, "asdiag", "pip")
        path = "/+simple/Demo_Core/"
        yield _request("private-non-normalised-project", "private", path, who, "asdiag", "pip")
        yield _request("missing-index", "user/nothere", "/+simple/", who, "asdiag", "pip")
    yield _request("missing-user", "nobody/pypi", "/+simple/", "none", "asdiag", "pip")
    for accept in ("html", "json"):
        yield _request("server-root", "", "/", "none", "asdiag", accept)
        for index, who in (("private", "none"), ("private", "right"), ("open", "none")):
            yield _request(f"{index}-index", index, "", who, "asdiag", accept)
    for who in ("none", "right"):
        yield _request("private-index", "private", "", who, "pip", "pip")
    for accept in ("json", "any"):
        yield _request("api", "", "/+api", "none", "asdiag", accept)
    yield _request("private-api", "private", "/+api", "none", "asdiag", "json")


def _path(server: DevpiServer, index: str, rest: str) -> str:
    if index == "":
        return rest
    if index in ("private", "open"):
        name = server.private_index if index == "private" else server.open_index
        return f"/{server.user}/{name}{rest}"
    user, name = index.split("/")
    return f"/{server.user if user == 'user' else user}/{name}{rest}"


def _auth(server: DevpiServer, who: str) -> tuple[str, str] | None:
    return {
        "none": None,
        "right": (server.user, server.password),
        "wrong": (server.user, server.password + "-wrong"),
        "outsider": (server.outsider, server.outsider_password),
    }[who]


def _portless(text: str, server: DevpiServer, node: str | None) -> str:
    text = text.replace(server.url, "http://127.0.0.1:PORT")
    if node:
        text = text.replace(node, "NODE-UUID")
    return re.sub(r"0x[0-9a-f]{6,}", "0xADDRESS", text)


def _record(server: DevpiServer, request: Request) -> dict[str, object]:
    _name, index, rest, accept, who, agent = request
    path = _path(server, index, rest)
    response = httpx.get(
        server.url + path,
        auth=_auth(server, who),
        headers={"Accept": accept, "User-Agent": agent},
        timeout=10,
    )
    return _answer(
        server,
        {
            "method": "GET",
            "path": _portless(path, server, None),
            "accept": accept,
            "user_agent": agent,
            "auth": who,
        },
        response,
    )


def _answer(
    server: DevpiServer, request: dict[str, str], response: httpx.Response
) -> dict[str, object]:
    node = response.headers.get("X-Devpi-Uuid")
    for secret in (server.password, server.outsider_password):
        assert secret.encode() not in response.content, "a secret leaked"
        assert secret not in str(response.headers), "a secret leaked"
    answer: dict[str, object] = {
        "request": request,
        "status": response.status_code,
        "reason": response.reason_phrase,
        "headers": {
            name: _portless(value, server, node)
            for name, value in response.headers.items()
            if name.lower() != "date"
        },
    }
    content_type = response.headers.get("Content-Type", "")
    if content_type.startswith(("text/", "application/json", "application/vnd.pypi")):
        answer["body"] = _portless(response.text, server, node)
    else:  # a release file: its size and digest, not its bytes
        answer["body_length"] = len(response.content)
        answer["body_sha256"] = hashlib.sha256(response.content).hexdigest()
    return answer


def _upload_without_credentials(server: DevpiServer) -> dict[str, object]:
    path = f"/{server.user}/{server.private_index}/"
    response = httpx.post(
        server.url + path,
        data={":action": "file_upload", "name": "demo_core", "version": "1.0"},
        files={"content": ("demo_core-1.0-py3-none-any.whl", b"PK")},
        headers={"User-Agent": USER_AGENT},
        timeout=10,
    )
    request = {"method": "POST", "path": path, "user_agent": USER_AGENT, "auth": "none"}
    return _answer(server, request, response)


def _file_requests(server: DevpiServer) -> Iterator[Request]:
    """A release file (``+f/...``) of the private index, linked from its project page."""
    page = f"{server.private_index_url}demo-core/"
    answer = httpx.get(
        page, auth=_auth(server, "right"), headers={"Accept": SIMPLE_JSON}, timeout=10
    )
    file_path = httpx.URL(page).join(answer.json()["files"][0]["url"]).path
    for who in ("none", "wrong", "outsider", "right"):
        yield _request("private-file", "", file_path, who, "pip", "any")


def main() -> None:
    with tempfile.TemporaryDirectory() as scratch:
        servers = run_devpi(Path(scratch), _write_wheel)
        server = next(servers)
        try:
            requests = [*_requests(), *_file_requests(server)]
            answers = {request[0]: _record(server, request) for request in requests}
            answers["private-upload.none.ua-asdiag"] = _upload_without_credentials(server)
        finally:
            servers.close()
    for old in HERE.glob("*.json"):
        old.unlink()
    for name, answer in answers.items():
        (HERE / f"{name}.json").write_text(json.dumps(answer, indent=2) + "\n")
        print(f"{answer['status']} {name}")


if __name__ == "__main__":
    main()
