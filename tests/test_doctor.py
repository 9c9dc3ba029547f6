"""doctor.py: the decision tree (blocked-by, crash containment) and the exit code."""

from __future__ import annotations

from collections.abc import Callable, Sequence
from datetime import UTC, datetime

import pytest

from asdiag import doctor
from asdiag.checks import Check, Context
from asdiag.doctor import diagnose, evaluate, exit_code
from asdiag.errors import EXIT_FAILED, EXIT_INCOMPLETE, EXIT_OK
from asdiag.evidence import DnsResult
from asdiag.findings import Finding, Severity
from asdiag.redact import Redactor
from tests.checks.conftest import BASIC, VENDOR_URL, answer, make_context, make_settings

S = Severity
NOW = datetime(2026, 11, 23, 12, 0, tzinfo=UTC)


def finding(finding_id: str, severity: Severity, summary: str = "seen") -> Finding:
    return Finding(id=finding_id, severity=severity, title=finding_id, summary=summary)


def returns(*findings: Finding) -> Callable[[Context], Sequence[Finding]]:
    return lambda ctx: findings


def fake(
    name: str,
    run: Callable[[Context], Sequence[Finding]],
    *,
    requires: tuple[str, ...] = (),
    blocking: tuple[str, ...] = (),
) -> Check:
    return Check(name, "config", f"the {name} check", requires, blocking, (), run)


def run_fakes(monkeypatch: pytest.MonkeyPatch, *checks: Check, **kw: str) -> dict[str, Finding]:
    """Evaluate fake checks; one finding per check is expected, keyed by check name."""
    monkeypatch.setattr(doctor, "CHECKS", checks)
    results = evaluate(make_context(), **kw)
    by_check = {f.check: f for f in results}
    assert len(by_check) == len(results) == len(checks)
    return by_check


# --- exit codes ------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("severities", "strict", "code"),
    [
        ((), False, EXIT_OK),
        ((S.OK, S.INFO, S.WARN, S.SKIP), False, EXIT_OK),
        ((S.OK, S.WARN), False, EXIT_OK),
        ((S.OK, S.FAIL), False, EXIT_FAILED),
        ((S.OK, S.ERROR), False, EXIT_INCOMPLETE),
        ((S.ERROR, S.FAIL), False, EXIT_FAILED),  # a definite failure outranks an incomplete run
        ((S.OK, S.WARN), True, EXIT_FAILED),
        ((S.OK, S.INFO, S.SKIP), True, EXIT_OK),
        ((S.WARN, S.ERROR), False, EXIT_INCOMPLETE),
        ((S.WARN, S.ERROR), True, EXIT_FAILED),
        ((S.ERROR,), True, EXIT_INCOMPLETE),
    ],
)
def test_exit_code(severities: tuple[Severity, ...], strict: bool, code: int) -> None:
    findings = tuple(finding(f"x.{i}", s) for i, s in enumerate(severities))
    assert exit_code(findings, strict=strict) == code


def test_exit_code_values_are_the_documented_ones() -> None:
    assert (EXIT_OK, EXIT_FAILED, EXIT_INCOMPLETE) == (0, 1, 3)


# --- the decision tree with fake checks ------------------------------------------------------


def test_a_blocking_failure_skips_its_dependants_transitively(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    results = run_fakes(
        monkeypatch,
        fake("a", returns(finding("a.bad", S.FAIL)), blocking=("a.bad",)),
        fake("b", returns(finding("b.ok", S.OK)), requires=("a",)),
        fake("c", returns(finding("c.ok", S.OK)), requires=("b",)),
        fake("d", returns(finding("d.ok", S.OK))),
    )
    assert results["a"].id == "a.bad"
    for name in ("b", "c"):
        skipped = results[name]
        assert (skipped.id, skipped.severity) == (name, S.SKIP)
        assert skipped.blocked_by == "a.bad"
        assert skipped.summary == "Blocked by a.bad."
        assert skipped.title == f"the {name} check"
    assert (results["d"].id, results["d"].severity) == ("d.ok", S.OK)


def test_a_failure_that_does_not_block_lets_dependants_run(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    results = run_fakes(
        monkeypatch,
        fake("a", returns(finding("a.minor", S.FAIL)), blocking=("a.bad",)),
        fake("b", returns(finding("b.ok", S.OK)), requires=("a",)),
    )
    assert results["b"].id == "b.ok"


def test_any_required_blocker_blocks(monkeypatch: pytest.MonkeyPatch) -> None:
    results = run_fakes(
        monkeypatch,
        fake("a", returns(finding("a.ok", S.OK)), blocking=("a.bad",)),
        fake("b", returns(finding("b.bad", S.FAIL)), blocking=("b.bad",)),
        fake("c", returns(finding("c.ok", S.OK)), requires=("a", "b")),
    )
    assert results["c"].blocked_by == "b.bad"


def test_a_crashing_check_becomes_an_error_with_its_traceback(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    def crash(ctx: Context) -> Sequence[Finding]:
        raise ValueError("no such thing")

    results = run_fakes(
        monkeypatch,
        fake("a", crash),
        fake("b", returns(finding("b.ok", S.OK)), requires=("a",)),
        fake("c", returns(finding("c.ok", S.OK))),
    )
    error = results["a"]
    assert (error.id, error.severity, error.check) == ("a", S.ERROR, "a")
    assert error.summary == "The check crashed: ValueError: no such thing"
    assert error.traceback.startswith("Traceback (most recent call last):")
    assert "in crash" in error.traceback
    assert error.traceback.rstrip().endswith("ValueError: no such thing")
    # Kept out of the repr and out of non-verbose JSON; renderers show it only with -v.
    assert "Traceback" not in repr(error)
    assert "traceback" not in error.to_dict(verbose=False)
    assert error.to_dict(verbose=True)["traceback"] == error.traceback
    # Its dependants cannot be evaluated; the others still run.
    assert (results["b"].severity, results["b"].blocked_by) == (S.SKIP, "a")
    assert results["c"].id == "c.ok"


def test_a_checks_own_skip_takes_the_checks_name_and_passes_its_blocker_on(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    own_skip = Finding(
        id="", severity=S.SKIP, title="", summary="Not applicable.", blocked_by="x.cause"
    )
    results = run_fakes(
        monkeypatch,
        fake("a", returns(own_skip)),
        fake("b", returns(finding("b.ok", S.OK)), requires=("a",)),
    )
    assert (results["a"].id, results["a"].title, results["a"].summary) == (
        "a",
        "the a check",
        "Not applicable.",
    )
    assert results["b"].blocked_by == "x.cause"


def test_a_skip_without_a_cause_does_not_block(monkeypatch: pytest.MonkeyPatch) -> None:
    results = run_fakes(
        monkeypatch,
        fake("a", returns(Finding(id="", severity=S.SKIP, title="", summary="n/a"))),
        fake("b", returns(finding("b.ok", S.OK)), requires=("a",)),
    )
    assert results["b"].id == "b.ok"


def test_findings_are_tagged_with_their_check(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(
        doctor,
        "CHECKS",
        (fake("a", returns(finding("a.one", S.OK), finding("a.two", S.INFO))),),
    )
    results = evaluate(make_context())
    assert [(f.id, f.check) for f in results] == [("a.one", "a"), ("a.two", "a")]


def test_a_probe_crash_is_the_connect_checks_error(monkeypatch: pytest.MonkeyPatch) -> None:
    def must_not_run(ctx: Context) -> Sequence[Finding]:
        raise AssertionError("the connect check ran despite the probe crash")

    results = run_fakes(
        monkeypatch,
        fake("connect", must_not_run),
        fake("http", returns(finding("http.ok", S.OK)), requires=("connect",)),
        probe_crash="Traceback (most recent call last):\nOSError: probe blew up\n",
    )
    error = results["connect"]
    assert (error.severity, error.summary) == (S.ERROR, "The network probe crashed.")
    assert error.traceback.endswith("OSError: probe blew up\n")
    assert results["http"].blocked_by == "connect"


# --- the real decision tree, on pure evidence ------------------------------------------------


def _by_check(ctx: Context) -> dict[str, list[Finding]]:
    grouped: dict[str, list[Finding]] = {}
    for item in evaluate(ctx):
        grouped.setdefault(item.check, []).append(item)
    return grouped


def test_bad_credentials_block_the_index() -> None:
    ctx = make_context(
        anonymous=answer(401, headers=BASIC),
        authenticated=answer(401, probe="authenticated", headers=BASIC),
        dns=DnsResult("repository.activestate.com", ("192.0.2.1",), 1.0),
        now=NOW,
    )
    grouped = _by_check(ctx)
    assert [f.id for f in grouped["auth"]] == ["auth.bad-credentials"]
    assert (grouped["index"][0].severity, grouped["index"][0].blocked_by) == (
        S.SKIP,
        "auth.bad-credentials",
    )
    assert exit_code(evaluate(ctx)) == EXIT_FAILED


def test_dns_failure_blocks_everything_downstream_but_not_schedule_or_proxy() -> None:
    ctx = make_context(dns=DnsResult("repository.activestate.com", (), 1.0, "no such host"))
    grouped = _by_check(ctx)
    assert grouped["dns"][0].id == "net.dns-failed"
    for name in ("connect", "http", "auth", "index"):
        assert grouped[name][0].blocked_by == "net.dns-failed", name
    assert grouped["proxy"][0].id == "net.proxy"
    assert grouped["schedule"][0].id == "schedule.ok"


def test_rate_limit_blocks_auth_and_index() -> None:
    ctx = make_context(
        anonymous=answer(429, headers=(("retry-after", "60"),)),
        dns=DnsResult("repository.activestate.com", ("192.0.2.1",), 1.0),
    )
    grouped = _by_check(ctx)
    assert grouped["http"][0].id == "http.rate-limited"
    assert grouped["auth"][0].blocked_by == "http.rate-limited"
    assert grouped["index"][0].blocked_by == "http.rate-limited"


# --- diagnose, offline -----------------------------------------------------------------------


def test_diagnose_without_a_url_makes_no_request_and_blocks_on_the_config() -> None:
    report = diagnose(make_settings(None), redactor=Redactor(), environ={}, now=NOW)
    assert report.requests == ()
    assert report.findings[0].id == "config.missing-url"
    blocked = {f.check: f.blocked_by for f in report.findings if f.severity is S.SKIP}
    assert blocked == {
        **dict.fromkeys(
            ("credentials", "url", "proxy", "dns", "connect", "http", "auth", "index", "manager"),
            "config.missing-url",
        ),
        "client": "",  # not asked for: no client configuration was read
    }
    assert report.findings[-2].id == "schedule.ok"
    assert exit_code(report.findings) == EXIT_FAILED


def test_diagnose_only_an_offline_group_reports_that_group_and_makes_no_request() -> None:
    settings = make_settings(f"{VENDOR_URL}/simple/simple/")
    report = diagnose(settings, redactor=Redactor(), environ={}, only="url", now=NOW)
    assert report.groups == ("url",)
    assert report.requests == ()
    assert report.ca_bundle is None
    assert [(f.id, f.check, f.severity) for f in report.findings] == [
        ("url.simple-suffix", "url", S.FAIL)
    ]
