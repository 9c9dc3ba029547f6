"""checks/url.py: the catalog URL linted offline against the shape the vendor issues."""

from __future__ import annotations

import pytest

from asdiag.checks import CHECKS
from asdiag.checks.url import check_url
from asdiag.findings import Severity
from tests.checks.conftest import (
    DEFAULT,
    ORG_ID,
    VENDOR_URL,
    assert_actionable,
    make_context,
)

S = Severity
VENDOR_HOST = "https://repository.activestate.com"

#: (case id, URL, username (DEFAULT: the org id), {finding id: severity} in order)
CASES = [
    ("vendor-ok", VENDOR_URL, DEFAULT, {"url.ok": S.OK}),
    (
        "other-host",
        "https://pypi.example.org/pypi",
        DEFAULT,
        {"url.ok": S.OK, "url.not-catalog-host": S.INFO},
    ),
    (
        "loopback-http",
        "http://127.0.0.1:8080/pypi",
        DEFAULT,
        {"url.ok": S.OK, "url.not-catalog-host": S.INFO},
    ),
    (
        "localhost-http",
        "http://localhost/pypi",
        DEFAULT,
        {"url.ok": S.OK, "url.not-catalog-host": S.INFO},
    ),
    ("ftp", "ftp://example.org/pypi", DEFAULT, {"url.invalid": S.FAIL}),
    ("no-scheme", "repository.activestate.com/pypi", DEFAULT, {"url.invalid": S.FAIL}),
    ("no-host", "https:///pypi", DEFAULT, {"url.invalid": S.FAIL}),
    ("bad-port", "https://example.org:99999/pypi", DEFAULT, {"url.invalid": S.FAIL}),
    (
        "plain-http",
        "http://pypi.example.org/pypi",
        DEFAULT,
        {"url.insecure-scheme": S.FAIL, "url.not-catalog-host": S.INFO},
    ),
    ("index-url", f"{VENDOR_URL}/simple", DEFAULT, {"url.ok": S.OK}),
    ("index-url-slash", f"{VENDOR_URL}/simple/", DEFAULT, {"url.ok": S.OK}),
    ("repeated-simple", f"{VENDOR_URL}/simple/simple/", DEFAULT, {"url.simple-suffix": S.FAIL}),
    ("trailing-slash", f"{VENDOR_URL}/", DEFAULT, {"url.trailing-slash": S.WARN}),
    (
        "double-slash",
        f"{VENDOR_HOST}//{ORG_ID}/pypi",
        DEFAULT,
        {"url.trailing-slash": S.WARN},
    ),
    (
        "org-not-uuid",
        f"{VENDOR_HOST}/not-a-uuid/pypi",
        DEFAULT,
        {"url.org-id-invalid": S.FAIL},
    ),
    ("vendor-wrong-path", f"{VENDOR_HOST}/pypi", DEFAULT, {"url.org-id-invalid": S.FAIL}),
    (
        "vendor-username",
        VENDOR_URL,
        "someone-else",
        {"url.username-mismatch": S.FAIL},
    ),
    (
        "other-host-username",
        f"https://pypi.example.org/{ORG_ID}/pypi",
        "someone-else",
        {"url.not-catalog-host": S.INFO, "url.username-mismatch": S.WARN},
    ),
    (
        "credentials",
        f"https://{ORG_ID}:hunter2-Secret@repository.activestate.com/{ORG_ID}/pypi",
        ORG_ID,
        {"url.credentials-embedded": S.WARN},
    ),
    (
        "several",
        "http://pypi.example.org/pypi/simple/simple",
        DEFAULT,
        {
            "url.insecure-scheme": S.FAIL,
            "url.simple-suffix": S.FAIL,
            "url.not-catalog-host": S.INFO,
        },
    ),
]


@pytest.mark.parametrize(
    ("url", "username", "expected"),
    [case[1:] for case in CASES],
    ids=[case[0] for case in CASES],
)
def test_url_findings(url: str, username: object, expected: dict[str, Severity]) -> None:
    findings = check_url(make_context(url, username=username))
    assert [(f.id, f.severity) for f in findings] == list(expected.items())
    for finding in findings:
        assert_actionable(finding)


def test_every_declared_id_has_a_case() -> None:
    declared = next(c for c in CHECKS if c.name == "url").ids
    covered = {finding_id for *_, expected in CASES for finding_id in expected}
    assert covered == set(declared)


def test_invalid_says_why() -> None:
    (finding,) = check_url(make_context("ftp://example.org/pypi"))
    assert "the scheme 'ftp' is not http or https" in finding.summary


def test_no_url_at_all_reports_nothing() -> None:
    assert check_url(make_context(None)) == []


def test_insecure_scheme_offers_the_https_form() -> None:
    findings = check_url(make_context("http://pypi.example.org/pypi"))
    insecure = findings[0]
    assert insecure.remediation is not None
    assert insecure.remediation.commands == (
        "asdiag check --catalog-url https://pypi.example.org/pypi",
    )


@pytest.mark.parametrize(
    ("given", "index", "form"),
    [
        (VENDOR_URL, f"{VENDOR_URL}/simple/", "the base URL"),
        (f"{VENDOR_URL}/simple/", f"{VENDOR_URL}/simple/", "the index URL"),
        (
            "http://127.0.0.1:3141/org/dev/+simple/",
            "http://127.0.0.1:3141/org/dev/+simple/",
            "the index URL",
        ),
    ],
)
def test_ok_says_how_the_url_was_understood(given: str, index: str, form: str) -> None:
    finding = check_url(make_context(given))[0]
    assert finding.id == "url.ok"
    assert finding.summary.startswith(f"Index {index}; base ")
    assert f"(given as {form})" in finding.summary


def test_repeated_simple_names_the_index_and_the_base() -> None:
    (finding,) = check_url(make_context(f"{VENDOR_URL}/simple/simple/"))
    assert f"the index is {VENDOR_URL}/simple/." in finding.summary
    assert finding.remediation is not None
    assert f"the base {VENDOR_URL}:" in finding.remediation.text


@pytest.mark.parametrize(
    ("url", "problem"),
    [
        (f"{VENDOR_HOST}/not-a-uuid/pypi", "the segment 'not-a-uuid' is not a UUID"),
        (f"{VENDOR_HOST}/pypi", "the path '/pypi' is not /<org-uuid>/pypi"),
        (f"{VENDOR_HOST}/{ORG_ID}/pypi/extra", "is not /<org-uuid>/pypi"),
    ],
)
def test_org_id_invalid_names_the_problem(url: str, problem: str) -> None:
    (finding,) = check_url(make_context(url, username=None))
    assert finding.id == "url.org-id-invalid"
    assert problem in finding.summary


def test_uppercase_org_id_is_a_valid_uuid() -> None:
    url = f"{VENDOR_HOST}/{ORG_ID.upper()}/pypi"
    findings = check_url(make_context(url))
    assert [f.id for f in findings] == ["url.ok"]


def test_username_mismatch_names_the_org_id_and_the_source() -> None:
    (finding,) = check_url(make_context(VENDOR_URL, username="someone-else"))
    assert ORG_ID in finding.summary
    assert "'someone-else' (from flag (--username))" in finding.summary
    assert finding.remediation is not None
    assert finding.remediation.text.startswith(f"Use {ORG_ID} as the username")


def test_embedded_credentials_are_shown_redacted() -> None:
    url = f"https://{ORG_ID}:hunter2-Secret@repository.activestate.com/{ORG_ID}/pypi"
    (finding,) = check_url(make_context(url, username=ORG_ID))
    assert "hunter2-Secret" not in repr(finding)
    assert f"{ORG_ID}:****@" in finding.summary
