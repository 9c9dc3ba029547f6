"""servers.py and index_roots.root_verdict, on answers real servers gave.

devpi's are recorded in ``tests/data/devpi/`` (its README says how); Artifactory's and Nexus's
bodies are the ones quoted in ``shared/reference/manager-answers.md`` (uv#14941, the Nexus
error page of 3.59-3.63), kept here as literals.
"""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from asdiag.findings import Severity
from asdiag.index_roots import Index, RootAnswer, root_verdict
from asdiag.servers import Server, identify, says_index_missing, server_message
from tests.checks.conftest import answer

DEVPI = Path(__file__).parent / "data" / "devpi"
BASE = "http://127.0.0.1:3141/b5865a43-1f24-48df-b6f3-8c932c7aae29/pypi"


def recorded(name: str) -> tuple[int, dict[str, str], bytes]:
    data = json.loads((DEVPI / f"{name}.json").read_text(encoding="utf-8"))
    return data["status"], data["headers"], data["body"].encode()


def recorded_answer(name: str, url: str):  # type: ignore[no-untyped-def]
    status, headers, body = recorded(name)
    return answer(status, url=url, headers=tuple(headers.items()), body=body)


# --- which server ------------------------------------------------------------------------------


@pytest.mark.parametrize(
    "name",
    [
        "private-simple-root.outsider.ua-asdiag.accept-pip",
        "private-simple-root.none.ua-asdiag.accept-pip",
        "private-no-plus.right.ua-asdiag.accept-pip",
        "open-simple-root.none.ua-asdiag.accept-pip",
    ],
)
def test_devpi_is_named_by_its_headers_on_every_answer(name: str) -> None:
    _, headers, _ = recorded(name)
    server = identify(f"{BASE}/+simple/", headers)
    assert (server.product, server.version) == ("devpi", "6.20.3")
    assert server.evidence == "X-Devpi-Server-Version: 6.20.3"
    assert server.index_segment == "+simple"
    assert server.label == "devpi-server 6.20.3"


@pytest.mark.parametrize(
    ("url", "headers", "product", "version"),
    [
        (
            "https://art.example/artifactory/api/pypi/pypi-virtual/simple/",
            {"x-jfrog-version": "Artifactory/7.111.10 81110900"},
            "artifactory",
            "7.111.10",
        ),
        (
            "https://nexus.example/repository/pypi-group/simple/",
            {"server": "Nexus/3.63.0-01 (OSS)"},
            "nexus",
            "3.63.0-01",
        ),
        ("https://repository.activestate.com/o/pypi/simple/", {}, "catalog", ""),
        ("http://127.0.0.1:8080/simple/", {"server": "waitress"}, "", ""),
    ],
)
def test_other_servers(url: str, headers: dict[str, str], product: str, version: str) -> None:
    server = identify(url, headers)
    assert (server.product, server.version) == (product, version)
    assert server.index_segment == "simple"


def test_an_unidentified_server_says_so() -> None:
    assert Server("").label == "an unidentified server"


# --- what a refusal says -------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("name", "message", "index_missing"),
    [
        ("private-simple-root.outsider.ua-asdiag.accept-pip", "index not found", True),
        ("private-simple-root.none.ua-asdiag.accept-pip", "authentication required", False),
        ("missing-index.right.ua-asdiag.accept-pip", None, True),
        ("missing-user.none.ua-asdiag.accept-pip", None, True),
        ("private-missing-project.right.ua-asdiag.accept-pip", None, False),
    ],
)
def test_devpi_messages(name: str, message: str | None, index_missing: bool) -> None:
    _, headers, body = recorded(name)
    said = server_message(body, headers.get("content-type"))
    assert said
    if message is not None:
        assert said == message
    assert says_index_missing(said) is index_missing, said


@pytest.mark.parametrize(
    ("body", "content_type", "message"),
    [
        (
            b'{"errors" : [ {"status" : 404, "message" : "Not found"} ]}',
            "application/json",
            "Not found",
        ),
        (
            b'{"errors":[{"status":401,"message":"Bad Credentials"}]}',
            "application/json;charset=ISO-8859-1",
            "Bad Credentials",
        ),
        (
            b"<html><head><title>404 - Sonatype Nexus Repository</title></head><body></body>",
            "text/html",
            "404 - Sonatype Nexus Repository",
        ),
        (b"Not Found\n", "text/plain", "Not Found"),
        (b"", "text/plain", None),
        (b"line one\nline two\n", "text/plain", None),
        (b"[1, 2]", "application/json", None),
    ],
)
def test_manager_and_plain_messages(body: bytes, content_type: str, message: str | None) -> None:
    assert server_message(body, content_type) == message


@pytest.mark.parametrize(
    ("message", "index_missing"),
    [
        ("Repository 'pypi-remote' not found", True),
        ("The stage nobody/pypi could not be found.", True),
        ("no such repository: pypi-group", True),
        ("The project simple does not exist.", False),
        ("Not found", False),
        ("Could not find resource", False),
        (None, False),
    ],
)
def test_says_index_missing(message: str | None, index_missing: bool) -> None:
    assert says_index_missing(message) is index_missing


# --- the index root after a project page's 404 ----------------------------------------------------

INDEX = Index("catalog", f"{BASE}/+simple/")
PAGE = f"{BASE}/+simple/demo-core/"
DEVPI_SERVER = Server("devpi", "6.20.3", "X-Devpi-Server-Version: 6.20.3")


def test_a_root_that_lists_projects_leaves_the_project_missing() -> None:
    page = recorded_answer("private-missing-project.right.ua-asdiag.accept-pip", PAGE)
    root = recorded_answer("private-simple-root.right.ua-asdiag.accept-pip", INDEX.simple_url)
    assert root_verdict(INDEX, PAGE, page, RootAnswer(root, DEVPI_SERVER)) is None


def test_the_outsider_gets_the_index_not_the_package() -> None:
    page = recorded_answer("private-simple-root.outsider.ua-asdiag.accept-pip", PAGE)
    root = recorded_answer("private-simple-root.outsider.ua-asdiag.accept-pip", INDEX.simple_url)
    finding = root_verdict(INDEX, PAGE, page, RootAnswer(root, DEVPI_SERVER))
    assert finding is not None
    assert (finding.id, finding.severity) == ("package.index-not-found", Severity.FAIL)
    assert finding.detail.startswith("The server says: index not found")


def test_an_anonymous_refusal_at_the_root_is_a_refusal() -> None:
    page = answer(404, url=PAGE)
    root = recorded_answer("private-simple-root.none.ua-asdiag.accept-pip", INDEX.simple_url)
    finding = root_verdict(INDEX, PAGE, page, RootAnswer(root, DEVPI_SERVER))
    assert finding is not None
    assert finding.id == "package.index-refused"
    assert "answered 403" in finding.summary
    assert finding.detail == "The server says: authentication required"


def test_a_root_that_is_a_sign_in_page_is_not_an_index() -> None:
    page = answer(404, url=PAGE)
    root = answer(200, url=INDEX.simple_url, headers=(("content-type", "text/html"),),
                  body=b"<html><title>Sign in</title><form></form></html>")  # fmt: skip
    finding = root_verdict(INDEX, PAGE, page, RootAnswer(root, Server("")))
    assert finding is not None
    assert finding.id == "package.index-not-found"
    assert "something that is not an index" in finding.summary


def test_a_root_that_cannot_be_asked_leaves_the_verdict_open() -> None:
    page = answer(404, url=PAGE)
    root = answer(503, url=INDEX.simple_url)
    finding = root_verdict(INDEX, PAGE, page, RootAnswer(root, Server("")))
    assert finding is not None
    assert finding.id == "package.index-unavailable"
    assert "cannot tell whether the project is missing" in finding.summary


def test_a_project_refused_although_the_root_lists_projects() -> None:
    page = answer(404, url=PAGE, headers=(("content-type", "application/json"),),
                  body=b'{"error": "index not found"}')  # fmt: skip
    root = recorded_answer("private-simple-root.right.ua-asdiag.accept-pip", INDEX.simple_url)
    finding = root_verdict(INDEX, PAGE, page, RootAnswer(root, DEVPI_SERVER))
    assert finding is not None
    assert finding.id == "package.index-refused"


def test_an_index_moves_to_its_servers_segment() -> None:
    index = Index("catalog", f"{BASE}/simple/")
    assert index.at_segment("+simple").simple_url == f"{BASE}/+simple/"
    assert index.project_url("demo-core") == f"{BASE}/simple/demo-core/"
