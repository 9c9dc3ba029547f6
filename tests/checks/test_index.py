"""checks/index.py: is <base>/simple/ a simple index, and what does it declare?"""

from __future__ import annotations

import json

import pytest

from asdiag.checks import CHECKS
from asdiag.checks.index import check_index
from asdiag.evidence import FailureKind, FetchResult, Withheld
from asdiag.findings import Severity
from asdiag.simple_api import JSON_CONTENT_TYPE
from tests.checks.conftest import (
    BASIC,
    HTML,
    answer,
    assert_actionable,
    failed,
    make_context,
    only,
    simple_url,
)

S = Severity
PEP691 = (("content-type", JSON_CONTENT_TYPE),)


def html_index(*names: str, version: str | None = "1.0") -> bytes:
    meta = f'<meta name="pypi:repository-version" content="{version}">' if version else ""
    links = "".join(f'<a href="/simple/{n}/">{n}</a>' for n in names)
    return f"<!DOCTYPE html><html><head>{meta}</head><body>{links}</body></html>".encode()


def json_index(*names: str, version: str | None = "1.1") -> bytes:
    data: dict[str, object] = {"projects": [{"name": n} for n in names]}
    if version is not None:
        data["meta"] = {"api-version": version}
    return json.dumps(data).encode()


def ok(body: bytes, headers: tuple[tuple[str, str], ...] = HTML) -> FetchResult:
    return answer(200, headers=headers, body=body)


#: (case id, fetch, [(id, severity, words in summary)])
CASES = [
    (
        "html",
        ok(html_index("demo-core", "zope.interface", "numpy")),
        [("index.ok", S.OK, "3 projects listed (HTML, API version 1.0).")],
    ),
    (
        "html-one-unversioned",
        ok(html_index("demo-core", version=None)),
        [("index.ok", S.OK, "1 project listed (HTML).")],
    ),
    (
        "json",
        ok(json_index("demo-core", "numpy"), PEP691),
        [("index.ok", S.OK, "2 projects listed (PEP 691 JSON, API version 1.1).")],
    ),
    ("empty-html", ok(html_index()), [("index.empty", S.WARN, "lists no projects (HTML).")]),
    (
        "empty-json",
        ok(json_index(), PEP691),
        [("index.empty", S.WARN, "lists no projects (PEP 691 JSON).")],
    ),
    (
        "major-too-high",
        ok(json_index("numpy", version="2.0"), PEP691),
        [
            ("index.ok", S.OK, "1 project listed (PEP 691 JSON, API version 2.0)."),
            (
                "index.repository-version",
                S.FAIL,
                "declares API version 2.0; asdiag understands 1.4",
            ),
        ],
    ),
    (
        "minor-too-high",
        ok(html_index("numpy", version="1.9")),
        [
            ("index.ok", S.OK, "1 project listed (HTML, API version 1.9)."),
            ("index.repository-version", S.WARN, "API version 1.9, newer than 1.4"),
        ],
    ),
    (
        "version-not-major-minor",
        ok(html_index("numpy", version="one")),
        [
            ("index.ok", S.OK, "(HTML, API version one)"),
            ("index.repository-version", S.WARN, "'one', which is not MAJOR.MINOR"),
        ],
    ),
    (
        "empty-and-too-new",
        ok(json_index(version="3.0"), PEP691),
        [
            ("index.empty", S.WARN, "lists no projects"),
            ("index.repository-version", S.FAIL, "API version 3.0"),
        ],
    ),
    ("not-found", answer(404), [("index.not-found", S.FAIL, f"{simple_url()} answered 404.")]),
    (
        "login-page",
        ok(b'<html><form><input type="password" name="pw"></form></html>'),
        [("index.not-simple", S.FAIL, "asks for a password")],
    ),
    (
        "web-ui",
        ok(
            b"<html><body><form action='/search'></form><a href='/'>Home page</a>"
            b"<a href='/about'>About us</a><a href='/help'>Get help</a></body></html>"
        ),
        [("index.not-simple", S.FAIL, "is a web page")],
    ),
    (
        "other-json-api",
        ok(b'{"status": "ok"}', (("content-type", "application/json"),)),
        [("index.not-simple", S.FAIL, "has no 'projects' list")],
    ),
    (
        "binary",
        ok(b"\x89PNG\r\n\x1a\n\x00\x00", (("content-type", "image/png"),)),
        [("index.not-simple", S.FAIL, "the Content-Type is image/png")],
    ),
    ("empty-body", ok(b""), [("index.not-simple", S.FAIL, "the body is empty")]),
]


@pytest.mark.parametrize(
    ("fetch", "expected"), [case[1:] for case in CASES], ids=[case[0] for case in CASES]
)
def test_index_findings(fetch: FetchResult, expected: list[tuple[str, Severity, str]]) -> None:
    findings = check_index(make_context(anonymous=fetch))
    assert [(f.id, f.severity) for f in findings] == [(i, s) for i, s, _ in expected]
    for finding, (_, _, words) in zip(findings, expected, strict=True):
        assert words in finding.summary
        assert_actionable(finding)


def test_every_declared_id_has_a_case() -> None:
    declared = next(c for c in CHECKS if c.name == "index").ids
    assert {i for *_, expected in CASES for i, _, _ in expected} == set(declared)


@pytest.mark.parametrize("version", ["1.0", "1.4", "0.9"])
def test_supported_versions_add_nothing(version: str) -> None:
    findings = check_index(make_context(anonymous=ok(html_index("numpy", version=version))))
    assert [f.id for f in findings] == ["index.ok"]


def test_not_simple_shows_the_redacted_first_bytes_and_the_content_type() -> None:
    raw = b'<html><form>token=live-S3cret <input type="password"></form></html>'
    # http.py records the body head redacted; the check must show that, never the raw body.
    fetch = answer(
        200,
        headers=HTML,
        body=raw,
        body_head='<html><form>token=**** <input type="password"></form></html>',
    )
    finding = only(check_index(make_context(anonymous=fetch)))
    assert finding.id == "index.not-simple"
    assert finding.detail == (
        "Content-Type: text/html\n"
        'Body starts: "<html><form>token=**** <input type="password"></form></html>"'
    )
    assert "live-S3cret" not in repr(finding)
    assert finding.evidence == fetch.exchanges


def test_not_simple_cuts_the_first_bytes_at_200_characters() -> None:
    head = "<html><form>" + "x" * 400
    fetch = answer(200, headers=HTML, body=head.encode(), body_head=head[:300])
    finding = only(check_index(make_context(anonymous=fetch)))
    shown = finding.detail.split("Body starts: ", 1)[1]
    assert shown == f'"{head[:200]}"...'


def test_the_authenticated_answer_is_preferred() -> None:
    ctx = make_context(
        anonymous=answer(401, headers=BASIC),
        authenticated=answer(200, probe="authenticated", headers=HTML, body=html_index("a", "b")),
    )
    assert only(check_index(ctx)).summary.startswith("2 projects listed")


def test_an_index_served_by_another_origin_without_credentials_is_judged() -> None:
    ctx = make_context(
        anonymous=answer(401),
        authenticated=answer(
            200,
            probe="authenticated",
            headers=HTML,
            body=html_index("a"),
            credentials_withheld=Withheld.OTHER_ORIGIN,
        ),
    )
    assert only(check_index(ctx)).id == "index.ok"


def test_a_refusal_from_another_origin_is_not_the_index_answer() -> None:
    ctx = make_context(
        anonymous=answer(404),
        authenticated=answer(
            404, probe="authenticated", credentials_withheld=Withheld.OTHER_ORIGIN
        ),
    )
    assert only(check_index(ctx)).id == "index.not-found"


@pytest.mark.parametrize(
    ("anonymous", "authenticated", "words"),
    [
        (None, None, "the index gave no answer"),
        (failed(FailureKind.RESET), None, "the index gave no answer"),
        (answer(401, headers=BASIC), None, "the index answered 401"),
        (answer(401, headers=BASIC), answer(403, probe="authenticated"), "answered 403"),
    ],
    ids=["no-request", "no-answer", "refused", "forbidden"],
)
def test_skips(
    anonymous: FetchResult | None, authenticated: FetchResult | None, words: str
) -> None:
    finding = only(check_index(make_context(anonymous=anonymous, authenticated=authenticated)))
    assert finding.severity is Severity.SKIP
    assert words in finding.summary
