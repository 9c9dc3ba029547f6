"""checks/auth.py: the verdict from the pair (anonymous request, authenticated request)."""

from __future__ import annotations

import re

import pytest

from asdiag.checks import CHECKS
from asdiag.checks.auth import AUTH_BLOCKING, check_auth
from asdiag.evidence import FailureKind, FetchResult, Withheld
from asdiag.findings import Finding, Severity
from tests.checks.conftest import (
    BASIC,
    HTML,
    ORG_ID,
    OTHER_URL,
    PASSWORD,
    VENDOR_URL,
    answer,
    assert_actionable,
    failed,
    make_context,
    only,
    simple_url,
)

S = Severity
BEARER = (("www-authenticate", 'Bearer realm="pypi"'),)
OTHER_ORG_URL = f"https://pypi.example.org/{ORG_ID}/pypi"


INDEX_BODY = b'<html><body><a href="/simple/numpy/">numpy</a></body></html>'


def anon(status: int, headers: tuple[tuple[str, str], ...] = ()) -> FetchResult:
    """The anonymous answer; a 200 carries a real (HTML) simple index."""
    if status == 200:
        return answer(200, headers=(*headers, *HTML), body=INDEX_BODY)
    return answer(status, headers=headers)


def authd(status: int, headers: tuple[tuple[str, str], ...] = ()) -> FetchResult:
    return answer(status, probe="authenticated", headers=headers)


#: (case id, anonymous, authenticated, password, finding id, severity)
VERDICTS = [
    ("challenge-ok", anon(401, BASIC), authd(200), PASSWORD, "auth.challenge-ok", S.OK),
    (
        "challenge-lowercase",
        anon(401, (("www-authenticate", 'basic realm="x"'),)),
        authd(200),
        PASSWORD,
        "auth.challenge-ok",
        S.OK,
    ),
    ("no-challenge-401", anon(401), authd(200), PASSWORD, "auth.no-challenge", S.WARN),
    ("bearer-challenge", anon(401, BEARER), authd(200), PASSWORD, "auth.no-challenge", S.WARN),
    ("no-challenge-403", anon(403), authd(200), PASSWORD, "auth.no-challenge", S.WARN),
    ("no-challenge-404", anon(404), authd(200), PASSWORD, "auth.no-challenge", S.WARN),
    ("anonymous-allowed", anon(200), None, PASSWORD, "auth.anonymous-allowed", S.WARN),
    ("anonymous-allowed-no-pw", anon(200), None, None, "auth.anonymous-allowed", S.WARN),
    ("missing-401", anon(401, BASIC), None, None, "auth.missing-credentials", S.FAIL),
    ("missing-403", anon(403), None, None, "auth.missing-credentials", S.FAIL),
    (
        "bad-credentials",
        anon(401, BASIC),
        authd(401, BASIC),
        PASSWORD,
        "auth.bad-credentials",
        S.FAIL,
    ),
    ("forbidden", anon(401, BASIC), authd(403), PASSWORD, "auth.forbidden", S.FAIL),
    ("forbidden-403-403", anon(403), authd(403), PASSWORD, "auth.forbidden", S.FAIL),
    (
        "not-found-401",
        anon(401, BASIC),
        authd(404),
        PASSWORD,
        "auth.not-found-with-credentials",
        S.FAIL,
    ),
    ("not-found-403", anon(403), authd(404), PASSWORD, "auth.not-found-with-credentials", S.FAIL),
    (
        "other-origin",
        anon(401, BASIC),
        answer(
            403,
            probe="authenticated",
            url="https://files.example.net/simple/",
            credentials_withheld=Withheld.OTHER_ORIGIN,
        ),
        PASSWORD,
        "auth.other-origin-refused",
        S.FAIL,
    ),
]


@pytest.mark.parametrize(
    ("anonymous", "authenticated", "password", "finding_id", "severity"),
    [case[1:] for case in VERDICTS],
    ids=[case[0] for case in VERDICTS],
)
def test_verdicts(
    anonymous: FetchResult,
    authenticated: FetchResult | None,
    password: str | None,
    finding_id: str,
    severity: Severity,
) -> None:
    ctx = make_context(anonymous=anonymous, authenticated=authenticated, password=password)
    finding = only(check_auth(ctx))
    assert (finding.id, finding.severity) == (finding_id, severity)
    assert_actionable(finding)
    expected = anonymous.exchanges + (authenticated.exchanges if authenticated else ())
    assert finding.evidence == expected
    assert PASSWORD not in repr(finding)


def test_every_declared_id_has_a_verdict() -> None:
    auth = next(c for c in CHECKS if c.name == "auth")
    assert {case[4] for case in VERDICTS} == set(auth.ids)
    assert auth.blocking == AUTH_BLOCKING


#: (case id, anonymous, authenticated, password, words in the skip's summary)
SKIPS = [
    ("no-request", None, None, PASSWORD, "the index gave no answer"),
    ("no-answer", failed(FailureKind.REFUSED), None, PASSWORD, "the index gave no answer"),
    ("anonymous-500", anon(500), None, PASSWORD, "the anonymous request was answered 500"),
    ("anonymous-429", anon(429), None, PASSWORD, "the anonymous request was answered 429"),
    ("no-password-404", anon(404), None, None, "no credentials, and the index answers 404"),
    (
        "authenticated-no-answer",
        anon(401, BASIC),
        failed(FailureKind.READ_TIMEOUT),
        PASSWORD,
        "the authenticated request got no answer",
    ),
    ("404-both", anon(404), authd(404), PASSWORD, "404 with and without credentials"),
    (
        "authenticated-500",
        anon(401, BASIC),
        authd(500),
        PASSWORD,
        "the authenticated request was answered 500",
    ),
]


@pytest.mark.parametrize(
    ("anonymous", "authenticated", "password", "words"),
    [case[1:] for case in SKIPS],
    ids=[case[0] for case in SKIPS],
)
def test_skips(
    anonymous: FetchResult | None,
    authenticated: FetchResult | None,
    password: str | None,
    words: str,
) -> None:
    ctx = make_context(anonymous=anonymous, authenticated=authenticated, password=password)
    finding = only(check_auth(ctx))
    assert finding.severity is Severity.SKIP
    assert words in finding.summary
    assert finding.blocked_by == ""


def test_credentials_withheld_over_plain_http_is_blocked_by_the_url_finding() -> None:
    url = "http://pypi.example.org/pypi"
    authenticated = answer(
        401,
        probe="authenticated",
        url="http://pypi.example.org/pypi/simple/",
        credentials_withheld=Withheld.PLAIN_HTTP,
    )
    ctx = make_context(url, anonymous=anon(401, BASIC), authenticated=authenticated)
    finding = only(check_auth(ctx))
    assert finding.severity is Severity.SKIP
    assert finding.blocked_by == "url.insecure-scheme"
    assert finding.summary == f"Not evaluated: {Withheld.PLAIN_HTTP.sentence()}."


def test_a_refusal_from_another_origin_blames_that_origin_not_the_password() -> None:
    authenticated = answer(
        401,
        probe="authenticated",
        url="https://cdn.example.net/simple/",
        credentials_withheld=Withheld.OTHER_ORIGIN,
    )
    ctx = make_context(VENDOR_URL, anonymous=anon(401, BASIC), authenticated=authenticated)
    finding = only(check_auth(ctx))
    assert finding.id == "auth.other-origin-refused"
    assert finding.severity is Severity.FAIL
    assert "https://cdn.example.net answered 401" in finding.summary
    assert "not the origin the credentials belong to" in finding.summary
    assert finding.detail == "URL that answered 401: https://cdn.example.net/simple/"


# --- what each verdict says ------------------------------------------------------------------


def test_challenge_ok_names_the_username() -> None:
    ctx = make_context(anonymous=anon(401, BASIC), authenticated=authd(200))
    assert only(check_auth(ctx)).summary == f"401 challenge, then 200 as {ORG_ID!r}."


def test_no_challenge_shows_what_the_refusal_carried() -> None:
    ctx = make_context(anonymous=anon(401, BEARER), authenticated=authd(200))
    finding = only(check_auth(ctx))
    assert finding.summary.startswith("Anonymous requests get 401 without a Basic challenge")
    assert finding.detail == 'Challenge: WWW-Authenticate: Bearer realm="pypi"'


@pytest.mark.parametrize(
    ("headers", "detail"),
    [
        (BASIC, 'Challenge: WWW-Authenticate: Basic realm="pypi"'),
        ((), "The refusal carried no WWW-Authenticate challenge."),
    ],
)
def test_missing_credentials_shows_the_challenge(
    headers: tuple[tuple[str, str], ...], detail: str
) -> None:
    ctx = make_context(anonymous=anon(401, headers), password=None)
    finding = only(check_auth(ctx))
    assert finding.summary == (
        "The index answered 401 without credentials, and no password was given."
    )
    assert finding.detail == detail
    assert finding.remediation is not None
    assert "--password-stdin" in finding.remediation.text


def test_anonymous_allowed_names_the_url() -> None:
    finding = only(check_auth(make_context(anonymous=anon(200))))
    assert finding.summary == f"{simple_url()} answered 200 without credentials."


def _bad(username: object) -> Finding:
    ctx = make_context(
        anonymous=anon(401, BASIC), authenticated=authd(401, BASIC), username=username
    )
    return only(check_auth(ctx))


def test_bad_credentials_is_the_two_401s() -> None:
    finding = _bad(ORG_ID)
    assert finding.summary == (
        f"Two 401s in a row: without credentials: 401; with credentials as {ORG_ID!r}: 401."
    )
    assert finding.detail.splitlines() == [
        "The username came from flag (--username).",
        "The password came from environment (ASDIAG_PASSWORD).",
    ]
    assert finding.remediation is not None
    (curl,) = finding.remediation.commands
    assert curl == f'curl -sS -o /dev/null -w "%{{http_code}}\\n" -u "{ORG_ID}" "{simple_url()}"'


def test_bad_credentials_blames_a_username_that_is_not_the_org_id_first() -> None:
    finding = _bad("someone-else")
    first = finding.detail.splitlines()[0]
    assert (
        first
        == f"The username 'someone-else' is not the organisation id {ORG_ID}: the likely cause."
    )
    assert finding.remediation is not None
    assert '-u "someone-else"' in finding.remediation.commands[0]


# --- auth.forbidden: the causes, most likely first --------------------------------------------

WRONG_ORG = "The URL or organisation id is wrong"
WRONG_PASSWORD = "The password is wrong and this server answers a wrong password with 403"
USERNAME = "is not the organisation id"
ARTIFACTORY = "Artifactory: the user lacks Deploy/Cache permission"
SUFFIX = "The URL repeats /simple"


def _causes(finding: Finding) -> list[str]:
    """The numbered causes of an auth.forbidden detail, without their numbers."""
    lines = finding.detail.splitlines()
    assert lines[0] == "Possible causes, most likely first:"
    causes = []
    for number, line in enumerate(lines[1:], 1):
        match = re.match(r"(\d+)\. (.*)", line)
        if match is None:
            break
        assert int(match[1]) == number
        causes.append(match[2])
    return causes


#: (case id, URL, username, anonymous, authenticated headers, expected causes by prefix)
FORBIDDEN = [
    ("vendor", VENDOR_URL, ORG_ID, anon(401, BASIC), (), [WRONG_ORG, WRONG_PASSWORD]),
    ("elsewhere", OTHER_URL, "reader", anon(401, BASIC), (), [WRONG_PASSWORD, WRONG_ORG]),
    ("vendor-anonymous-403", VENDOR_URL, ORG_ID, anon(403), (), [WRONG_ORG]),
    ("elsewhere-anonymous-403", OTHER_URL, "reader", anon(403), (), [WRONG_ORG]),
    (
        "vendor-username",
        VENDOR_URL,
        "someone-else",
        anon(401, BASIC),
        (),
        [USERNAME, WRONG_ORG, WRONG_PASSWORD],
    ),
    (
        "elsewhere-username",
        OTHER_ORG_URL,
        "someone-else",
        anon(401, BASIC),
        (),
        [USERNAME, WRONG_PASSWORD, WRONG_ORG],
    ),
    (
        "artifactory",
        OTHER_URL,
        "reader",
        anon(401, BASIC),
        (("x-jfrog-version", "Artifactory/7.77.3"),),
        [WRONG_PASSWORD, WRONG_ORG, ARTIFACTORY],
    ),
    (
        "artifactory-id",
        OTHER_URL,
        "reader",
        anon(401, BASIC),
        (("x-artifactory-id", "abc"),),
        [WRONG_PASSWORD, WRONG_ORG, ARTIFACTORY],
    ),
    (
        "repeated-simple",
        f"{VENDOR_URL}/simple/simple/",
        ORG_ID,
        anon(401, BASIC),
        (),
        [WRONG_ORG, WRONG_PASSWORD, SUFFIX],
    ),
]


@pytest.mark.parametrize(
    ("url", "username", "anonymous", "headers", "expected"),
    [case[1:] for case in FORBIDDEN],
    ids=[case[0] for case in FORBIDDEN],
)
def test_forbidden_causes_in_order(
    url: str,
    username: str,
    anonymous: FetchResult,
    headers: tuple[tuple[str, str], ...],
    expected: list[str],
) -> None:
    authenticated = answer(403, probe="authenticated", headers=headers)
    ctx = make_context(url, username=username, anonymous=anonymous, authenticated=authenticated)
    finding = only(check_auth(ctx))
    assert (finding.id, finding.severity) == ("auth.forbidden", Severity.FAIL)
    causes = _causes(finding)
    assert len(causes) == len(expected), causes
    for cause, prefix in zip(causes, expected, strict=True):
        assert prefix in cause


def test_forbidden_says_how_to_tell_the_causes_apart() -> None:
    ctx = make_context(anonymous=anon(401, BASIC), authenticated=authd(403))
    finding = only(check_auth(ctx))
    assert finding.summary == (
        f"403 with credentials: without credentials: 401; with credentials as {ORG_ID!r}: 403."
    )
    assert "To tell them apart:" in finding.detail
    assert finding.detail.endswith(
        "Username from default (organisation id in the URL); "
        "password from environment (ASDIAG_PASSWORD)."
    )
    assert finding.remediation is not None
    assert finding.remediation.commands[0].endswith(f'-u "{ORG_ID}" "{simple_url()}"')


def test_not_found_with_credentials_shows_the_pair() -> None:
    ctx = make_context(anonymous=anon(401, BASIC), authenticated=authd(404))
    finding = only(check_auth(ctx))
    assert finding.summary == (
        "Refused anonymously, not found with credentials: without credentials: 401; "
        f"with credentials as {ORG_ID!r}: 404."
    )
