"""checks/http_status.py: rate limits, server errors, redirect loops, oversized answers."""

from __future__ import annotations

from datetime import datetime

import pytest

from asdiag.checks import CHECKS
from asdiag.checks.http_status import HTTP_BLOCKING, check_http
from asdiag.evidence import Failure, FailureKind, FetchResult
from asdiag.findings import Severity
from tests.checks.conftest import (
    BASIC,
    MONDAY_NOON,
    SUNDAY_0230,
    answer,
    assert_actionable,
    exchange,
    make_context,
    only,
    simple_url,
)

MAINTENANCE = "weekly maintenance window"


def test_declared_ids() -> None:
    http = next(c for c in CHECKS if c.name == "http")
    assert set(http.ids) == {"http.ok", *HTTP_BLOCKING}
    assert http.blocking == HTTP_BLOCKING


@pytest.mark.parametrize(
    ("anonymous", "authenticated", "summary"),
    [
        (answer(200), None, "1 request, none rate limited or failing."),
        (
            answer(401, headers=BASIC),
            answer(200, probe="authenticated"),
            "2 requests, none rate limited or failing.",
        ),
        (
            answer(401, headers=(("x-ratelimit-remaining", "1999"),)),
            answer(200, probe="authenticated", headers=(("ratelimit-limit", "2000"),)),
            "2 requests, none rate limited or failing. Rate-limit headers: "
            "x-ratelimit-remaining: 1999; ratelimit-limit: 2000.",
        ),
    ],
    ids=["one", "two", "rate-headers"],
)
def test_http_ok(anonymous: FetchResult, authenticated: FetchResult | None, summary: str) -> None:
    finding = only(check_http(make_context(anonymous=anonymous, authenticated=authenticated)))
    assert (finding.id, finding.severity, finding.summary) == ("http.ok", Severity.OK, summary)


def test_rate_limited_shows_retry_after_and_rate_limit_headers() -> None:
    headers = (
        ("retry-after", "120"),
        ("x-ratelimit-limit", "2000"),
        ("x-ratelimit-remaining", "0"),
        ("ratelimit-reset", "120"),
        ("server", "nginx"),
    )
    fetch = answer(429, headers=headers)
    finding = only(check_http(make_context(anonymous=fetch)))
    assert (finding.id, finding.severity) == ("http.rate-limited", Severity.FAIL)
    assert finding.summary == f"{simple_url()} answered 429 Too Many Requests. Retry-After: 120."
    assert "2000 requests per 5 minutes" in finding.detail
    assert (
        "Headers: retry-after: 120; x-ratelimit-limit: 2000; x-ratelimit-remaining: 0; "
        "ratelimit-reset: 120." in finding.detail
    )
    assert "nginx" not in finding.detail
    assert finding.evidence == fetch.exchanges
    assert_actionable(finding)
    assert finding.remediation is not None
    for cause in ("Retry-After", "caching", "--no-cache-dir", "parallel CI"):
        assert cause in finding.remediation.text


def test_rate_limited_without_retry_after_says_so() -> None:
    finding = only(check_http(make_context(anonymous=answer(429))))
    assert finding.summary.endswith("No Retry-After header was sent.")
    assert "Headers:" not in finding.detail


def test_rate_limit_on_the_authenticated_request() -> None:
    ctx = make_context(
        anonymous=answer(401, headers=BASIC),
        authenticated=answer(429, probe="authenticated", headers=(("retry-after", "30"),)),
    )
    finding = only(check_http(ctx))
    assert finding.id == "http.rate-limited"
    assert "Retry-After: 30." in finding.summary


@pytest.mark.parametrize("status", [500, 502, 503, 599])
@pytest.mark.parametrize(("now", "noted"), [(SUNDAY_0230, True), (MONDAY_NOON, False)])
def test_server_error(status: int, now: datetime, noted: bool) -> None:
    fetch = answer(status, body=b"<h1>Bad gateway</h1>")
    finding = only(check_http(make_context(anonymous=fetch, now=now)))
    assert (finding.id, finding.severity) == ("http.server-error", Severity.FAIL)
    assert finding.summary == f"{simple_url()} answered {status}."
    assert finding.detail.startswith('Body starts: "<h1>Bad gateway</h1>".')
    assert (MAINTENANCE in finding.detail) is noted
    assert_actionable(finding)


def test_the_first_problem_is_reported_once() -> None:
    ctx = make_context(anonymous=answer(503), authenticated=answer(429, probe="authenticated"))
    assert [f.id for f in check_http(ctx)] == ["http.server-error"]


def test_redirect_loop_shows_the_chain() -> None:
    hops = tuple(
        exchange(302, url=f"https://sso.example.org/login/{i}", headers=(("location", "x"),))
        for i in range(8)
    )
    fetch = FetchResult(
        hops,
        response=answer(302).response,
        failure=Failure(FailureKind.REDIRECT_LOOP, "stopped after 8 redirects"),
    )
    finding = only(check_http(make_context(anonymous=fetch)))
    assert (finding.id, finding.severity) == ("http.redirect-loop", Severity.FAIL)
    assert finding.summary == "Anonymous request: stopped after 8 redirects."
    chain = finding.detail.removeprefix("Redirect chain: ").split(" -> ")
    assert chain == [f"https://sso.example.org/login/{i}" for i in range(6)]
    assert_actionable(finding)


def test_a_redirect_that_cannot_be_followed() -> None:
    hop = exchange(302, headers=(("location", "ftp://files.example.org/x"),))
    fetch = FetchResult(
        (hop,),
        response=answer(302).response,
        failure=Failure(FailureKind.BAD_REDIRECT, "302 to 'ftp://files.example.org/x'"),
    )
    finding = only(check_http(make_context(anonymous=fetch)))
    assert (finding.id, finding.severity) == ("http.bad-redirect", Severity.FAIL)
    assert "ftp://files.example.org/x" in finding.summary
    assert_actionable(finding)


def test_body_too_large() -> None:
    fetch = answer(200, body=b"x" * (16 * 1024 * 1024), body_head="xxxx", truncated=True)
    finding = only(check_http(make_context(anonymous=fetch)))
    assert (finding.id, finding.severity) == ("http.body-too-large", Severity.FAIL)
    assert "exceeded 16 MiB" in finding.summary
    assert_actionable(finding)


@pytest.mark.parametrize(
    ("status", "hint"),
    [(407, "407 comes from a proxy"), (400, ""), (405, ""), (418, "")],
)
def test_unexpected_status(status: int, hint: str) -> None:
    finding = only(check_http(make_context(anonymous=answer(status, body=b"nope"))))
    assert (finding.id, finding.severity) == ("http.unexpected-status", Severity.FAIL)
    assert finding.summary == f"{simple_url()} answered {status}."
    assert finding.detail.startswith('Body starts: "nope".')
    assert ("proxy" in finding.detail) is bool(hint)
    assert_actionable(finding)


@pytest.mark.parametrize("status", [200, 401, 403, 404])
def test_statuses_other_checks_interpret_are_not_problems(status: int) -> None:
    assert only(check_http(make_context(anonymous=answer(status)))).id == "http.ok"


def test_every_declared_id_has_a_case() -> None:
    """Guard for the table above: a new id in the check needs a test here."""
    tested = {
        "http.ok",
        "http.rate-limited",
        "http.server-error",
        "http.redirect-loop",
        "http.bad-redirect",
        "http.body-too-large",
        "http.unexpected-status",
    }
    assert set(next(c for c in CHECKS if c.name == "http").ids) == tested
