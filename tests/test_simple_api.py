"""Index-root parsing: PEP 503 HTML, PEP 691 JSON, PEP 629 versions, and what is not an index."""

from __future__ import annotations

import json

import pytest

from asdiag.simple_api import (
    JSON_CONTENT_TYPE,
    IndexRoot,
    NotAnIndex,
    parse_api_version,
    parse_index_root,
)

PEP503_ROOT = b"""<!DOCTYPE html>
<html>
  <head>
    <meta name="pypi:repository-version" content="1.0">
    <title>Simple index</title>
  </head>
  <body>
    <a href="/simple/numpy/">numpy</a>
    <a href="/simple/zope-interface/">Zope.Interface</a>
    <a href="/simple/demo-core/"> demo_core </a>
  </body>
</html>
"""

LOGIN_PAGE = b"""<html><body>
<h1>Sign in</h1>
<form method="post" action="/login">
  <input type="text" name="user"><input type="password" name="pw">
  <a href="/forgot">Forgot your password?</a>
</form>
</body></html>
"""

WEB_UI = b"""<html><body>
<a href="/">Home</a> <a href="/about">About us</a> <a href="/docs">Read the docs</a>
<a href="/contact">Contact support</a> <a href="/simple/numpy/">numpy</a>
</body></html>
"""


def json_root(**data):
    return json.dumps(data).encode()


def test_pep503_html_root():
    root = parse_index_root(PEP503_ROOT, "text/html")
    assert root == IndexRoot("html", ("numpy", "Zope.Interface", "demo_core"), "1.0")


def test_pep691_html_content_type_is_html():
    root = parse_index_root(PEP503_ROOT, "application/vnd.pypi.simple.v1+html")
    assert isinstance(root, IndexRoot)
    assert root.format == "html"


def test_html_is_sniffed_when_the_content_type_is_missing():
    root = parse_index_root(b'  <html><a href="/simple/a/">a</a></html>', "")
    assert root == IndexRoot("html", ("a",), None)


def test_html_without_repository_version_meta():
    root = parse_index_root(b'<html><a href="/simple/a/">a</a></html>', "text/html")
    assert isinstance(root, IndexRoot)
    assert root.api_version is None


@pytest.mark.parametrize("content", ["", "   "])
def test_an_empty_repository_version_meta_is_no_version(content):
    body = f'<meta name="PyPI:Repository-Version" content="{content}"><a>a</a>'.encode()
    root = parse_index_root(body, "text/html")
    assert isinstance(root, IndexRoot)
    assert root.api_version is None


def test_an_empty_index_is_an_index_with_no_projects():
    root = parse_index_root(b"<html><body></body></html>", "text/html")
    assert root == IndexRoot("html", (), None)


@pytest.mark.parametrize("content_type", [JSON_CONTENT_TYPE, "application/json"])
def test_pep691_json_root(content_type):
    body = json_root(
        meta={"api-version": "1.1", "_last-serial": 7},
        projects=[{"name": "numpy"}, {"name": "Zope.Interface", "_last-serial": 3}],
    )
    root = parse_index_root(body, content_type)
    assert root == IndexRoot("json", ("numpy", "Zope.Interface"), "1.1")


def test_json_entries_without_a_name_are_skipped():
    body = json_root(meta={"api-version": "1.0"}, projects=[{"name": "a"}, {"x": 1}, "b", None])
    root = parse_index_root(body, JSON_CONTENT_TYPE)
    assert isinstance(root, IndexRoot)
    assert root.projects == ("a",)


@pytest.mark.parametrize(
    ("meta", "expected"),
    [({"api-version": "1.4"}, "1.4"), ({}, None), ("1.0", None), ({"api-version": 1.0}, "1.0")],
)
def test_json_api_version(meta, expected):
    root = parse_index_root(json_root(meta=meta, projects=[]), JSON_CONTENT_TYPE)
    assert isinstance(root, IndexRoot)
    assert root.api_version == expected
    assert root.projects == ()


@pytest.mark.parametrize(
    ("body", "content_type", "reason"),
    [
        (b"", "text/html", "empty"),
        (b" \n\t ", JSON_CONTENT_TYPE, "empty"),
        (b"{not json", JSON_CONTENT_TYPE, "not valid JSON"),
        (b"\xff\xfe\x00garbage", JSON_CONTENT_TYPE, "not valid JSON"),
        (b'{"results": []}', "application/json", "no 'projects' list"),
        (b'[{"name": "a"}]', JSON_CONTENT_TYPE, "no 'projects' list"),
        (b'{"projects": {"a": 1}}', JSON_CONTENT_TYPE, "no 'projects' list"),
        (LOGIN_PAGE, "text/html", "login page"),
        (WEB_UI, "text/html", "web page"),
        (b"just some words", "text/html", "contains no HTML"),
        (b"\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR", "text/html", "binary data"),
        (bytes(range(256)) * 64, "text/html", "binary data"),
        (b"<a href='x/'>x</a>" + bytes(range(1, 32)) * 64, "text/html", "control bytes"),
        (b"<a href='x/'>x</a>" + b"\xff\xfe" * 2000, "text/html", "not UTF-8"),
        (b"\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR", "", "Content-Type is missing"),
        (b"PK\x03\x04\x14\x00", "application/octet-stream", "application/octet-stream"),
        (b"<html></html>", "text/plain", "text/plain"),
    ],
)
def test_bodies_that_are_not_an_index(body, content_type, reason):
    result = parse_index_root(body, content_type)
    assert isinstance(result, NotAnIndex)
    assert reason in result.reason


def test_a_form_without_a_password_field_is_still_a_web_page():
    body = b'<html><form action="/search"><input name="q"></form><a href="/a/">a</a></html>'
    result = parse_index_root(body, "text/html")
    assert isinstance(result, NotAnIndex)
    assert "web page" in result.reason


def test_a_few_odd_links_beside_many_projects_still_make_an_index():
    """Managers add a link or two (a parent directory, a footer) to an otherwise plain list."""
    projects = "".join(f'<a href="/simple/p{i}/">p{i}</a>' for i in range(30))
    body = f'<a href="../">Parent Directory</a><a href="/">Back to home</a>{projects}'.encode()
    root = parse_index_root(body, "text/html")
    assert isinstance(root, IndexRoot)
    assert len(root.projects) == 30


def test_html_entities_in_anchor_text_are_decoded():
    root = parse_index_root(b"<html><a href='/simple/a-b/'>a&#45;b</a></html>", "text/html")
    assert isinstance(root, IndexRoot)
    assert root.projects == ("a-b",)


# --- PEP 629 versions -----------------------------------------------------------------------


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("1.0", (1, 0)),
        ("1.4", (1, 4)),
        (" 2.13 ", (2, 13)),
        ("01.02", (1, 2)),
        ("1", None),
        ("1.", None),
        (".1", None),
        ("1.0.0", None),
        ("v1.0", None),
        ("1.0a", None),
        ("1,0", None),
        ("-1.0", None),
        ("", None),
    ],
)
def test_parse_api_version(text, expected):
    assert parse_api_version(text) == expected
