"""render/: the summary helpers, and the console, JSON and markdown renderers, to strings."""

from __future__ import annotations

import io
import json
import re
from dataclasses import replace
from datetime import UTC, datetime
from pathlib import Path

import pytest
from rich.console import Console, RenderableType

from asdiag import __version__
from asdiag.checks import GROUPS
from asdiag.doctor import Report, exit_code
from asdiag.evidence import CaBundle, Exchange, ProxyChoice
from asdiag.findings import Finding, Severity
from asdiag.registry import kind
from asdiag.render import counts_line, first_fix, start_here
from asdiag.render.console import render_report
from asdiag.render.json import render_json
from asdiag.render.markdown import render_markdown
from tests.checks.conftest import BASIC, PASSWORD, exchange, make_settings

S = Severity
ROOT = Path(__file__).resolve().parents[2]
STARTED = datetime(2026, 11, 23, 12, 0, tzinfo=UTC)
TRACEBACK = "Traceback (most recent call last):\n  File \"x.py\", line 1\nKeyError: 'boom'\n"

INDEX = "https://idx.example/simple/"
ANON = exchange(401, url=INDEX, headers=BASIC)
AUTHD = exchange(401, url=INDEX, probe="authenticated", headers=BASIC, body_head="denied")


def plain(finding_id: str, severity: Severity, check: str = "x") -> Finding:
    return Finding(id=finding_id, severity=severity, title=finding_id, summary="s", check=check)


def sample_findings() -> tuple[Finding, ...]:
    """A small but varied run: ok, info, warn, fail with evidence, skip, error."""
    return (
        replace(
            kind("config.ok").finding("Catalog URL from flag.", detail="cfg-detail"), check="config"
        ),
        replace(kind("url.trailing-slash").finding("Stray slash."), check="url"),
        replace(kind("net.proxy").finding("Direct connection."), check="proxy"),
        replace(
            kind("auth.bad-credentials").finding(
                "Two 401s in a row [red]markup[/red].",
                detail="The password came from environment (ASDIAG_PASSWORD).",
                commands=('curl -u "org" "https://example.org/simple/"',),
                evidence=(ANON, AUTHD),
            ),
            check="auth",
        ),
        Finding(
            id="index",
            severity=S.SKIP,
            title="index check",
            summary="Blocked by auth.bad-credentials.",
            check="index",
            blocked_by="auth.bad-credentials",
        ),
        Finding(
            id="schedule",
            severity=S.ERROR,
            title="schedule check",
            summary="The check crashed: KeyError: 'boom'",
            check="schedule",
            traceback=TRACEBACK,
        ),
    )


def make_report(findings: tuple[Finding, ...] | None = None, **kw: object) -> Report:
    values: dict[str, object] = {
        "command": "check",
        "settings": make_settings(),
        "findings": sample_findings() if findings is None else findings,
        "requests": (ANON, AUTHD),
        "started_at": STARTED,
        "duration_ms": 42.123,
        "groups": GROUPS,
        "proxy": ProxyChoice(None),
        "ca_bundle": CaBundle("/etc/ssl/certs/ca.pem", "certifi"),
    }
    values.update(kw)
    return Report(**values)  # type: ignore[arg-type]


def to_text(renderable: RenderableType) -> str:
    """Render as cli.py does for a non-terminal: no colour, trailing blanks stripped."""
    console = Console(
        file=io.StringIO(),
        force_terminal=False,
        no_color=True,
        highlight=False,
        emoji=False,
        width=100,
    )
    console.print(renderable)
    output = console.file
    assert isinstance(output, io.StringIO)
    return "".join(line.rstrip() + "\n" for line in output.getvalue().splitlines())


# --- counts_line and first_fix ---------------------------------------------------------------


@pytest.mark.parametrize(
    ("severities", "line"),
    [
        ((), "no findings"),
        ((S.OK,), "1 ok"),
        ((S.OK,) * 9 + (S.FAIL, S.WARN, S.FAIL), "2 failed, 1 warning, 9 ok"),
        ((S.SKIP, S.INFO, S.ERROR, S.ERROR), "2 errors, 1 info, 1 skipped"),
        ((S.WARN, S.WARN, S.FAIL), "1 failed, 2 warnings"),
        ((S.SKIP, S.SKIP, S.ERROR), "1 error, 2 skipped"),
    ],
)
def test_counts_line(severities: tuple[Severity, ...], line: str) -> None:
    findings = tuple(plain(f"x.{i}", s) for i, s in enumerate(severities))
    assert counts_line(findings) == line


BLOCKER = plain("net.dns-failed", S.FAIL, "dns")
SKIPPED = replace(plain("connect", S.SKIP, "connect"), blocked_by="net.dns-failed")


@pytest.mark.parametrize(
    ("findings", "expected"),
    [
        # A blocking failure wins over an earlier failure that blocks nothing.
        (
            (
                plain("url.trailing-slash", S.WARN),
                plain("url.simple-suffix", S.FAIL),
                BLOCKER,
                SKIPPED,
            ),
            "net.dns-failed",
        ),
        # Without blockers, the earliest failure.
        ((plain("a.warn", S.WARN), plain("b.fail", S.FAIL), plain("c.fail", S.FAIL)), "b.fail"),
        # Failures before errors before warnings.
        ((plain("a.warn", S.WARN), plain("b", S.ERROR), plain("c.fail", S.FAIL)), "c.fail"),
        ((plain("a.warn", S.WARN), plain("b", S.ERROR)), "b"),
        ((plain("a.ok", S.OK), plain("b.warn", S.WARN)), "b.warn"),
        ((plain("a.ok", S.OK), plain("b.info", S.INFO), plain("c", S.SKIP)), None),
        ((), None),
    ],
    ids=["blocker", "earliest-fail", "fail-over-error", "error-over-warn", "warn", "none", "empty"],
)
def test_first_fix(findings: tuple[Finding, ...], expected: str | None) -> None:
    fix = first_fix(findings)
    assert (fix.id if fix is not None else None) == expected


# --- json ------------------------------------------------------------------------------------

_TYPES: dict[str, tuple[type, ...]] = {
    "string": (str,),
    "integer": (int,),
    "number": (int, float),
    "boolean": (bool,),
    "object": (dict,),
    "array": (list,),
    "null": (type(None),),
}


def documented_fields(section: str) -> dict[str, str]:
    """The ``| `field` | type | meaning |`` rows of one section of docs/json.md."""
    text = (ROOT / "docs" / "json.md").read_text(encoding="utf-8")
    body = re.split(rf"^## {section}\b.*$", text, maxsplit=1, flags=re.MULTILINE)[1]
    body = body.split("\n## ", 1)[0]
    rows = re.findall(r"^\| `(\w+)` \| ([^|]+?) \|", body, flags=re.MULTILINE)
    assert rows, section
    return dict(rows)


def conforms(value: object, doc_type: str) -> bool:
    """Whether ``value`` has the documented type (``string or null``, ``array of strings``)."""
    if doc_type == "array of strings":
        return isinstance(value, list) and all(isinstance(v, str) for v in value)
    for alternative in doc_type.split(" or "):
        allowed = _TYPES[alternative.strip()]
        if isinstance(value, bool) and bool not in allowed:
            continue
        if isinstance(value, allowed):
            return True
    return False


def check_shape(data: dict[str, object], section: str, optional: frozenset[str] = frozenset()):
    fields = documented_fields(section)
    assert set(fields) - optional <= set(data) <= set(fields), section
    for name, value in data.items():
        assert conforms(value, fields[name]), (section, name, value)


def document(**kw: object) -> dict[str, object]:
    verbose = bool(kw.pop("verbose", False))
    strict = bool(kw.pop("strict", False))
    text = render_json(make_report(**kw), verbose=verbose, strict=strict)
    assert text.endswith("}\n")
    data = json.loads(text)
    assert isinstance(data, dict)
    return data


@pytest.mark.parametrize("verbose", [False, True])
def test_json_matches_the_documented_shape(verbose: bool) -> None:
    data = document(verbose=verbose)
    check_shape(data, "Top level")
    assert data["schema"] == "asdiag.v1"
    assert data["tool"] == {"name": "asdiag", "version": __version__}
    assert data["command"] == "check"
    assert data["started_at"] == "2026-11-23T12:00:00+00:00"
    assert data["duration_ms"] == 42.1
    assert data["groups"] == list(GROUPS)
    assert data["summary"] == {"error": 1, "fail": 1, "warn": 1, "info": 1, "skip": 1, "ok": 1}
    assert data["environment"] == {
        "proxy": "none",
        "proxy_source": None,
        "ca_bundle": "/etc/ssl/certs/ca.pem",
        "ca_bundle_source": "certifi",
    }
    findings = data["findings"]
    assert isinstance(findings, list)
    assert [f["id"] for f in findings] == [f.id for f in sample_findings()]
    for item in findings:
        check_shape(item, "A finding", optional=frozenset({"traceback"}))
        assert item["severity"] in {"ok", "info", "warn", "fail", "skip", "error"}
        for ex in item["evidence"]:
            check_shape(ex, "An exchange")
    requests = data["requests"]
    assert isinstance(requests, list)
    assert data["request_count"] == len(requests) == 2
    for ex in requests:
        check_shape(ex, "An exchange")
    assert requests[1]["sent_credentials"] is True
    assert requests[0]["headers"] == {"www-authenticate": 'Basic realm="pypi"'}


def test_json_settings_carry_sources_and_never_the_password() -> None:
    data = document()
    settings = data["settings"]
    assert isinstance(settings, dict)
    sources = {"flag", "stdin", "environment", "config file", "catalog URL", "default", "unset"}
    for name in ("catalog_url", "username", "timeout", "ca_bundle"):
        entry = settings[name]
        assert set(entry) == {"value", "source", "origin"}, name
        assert entry["source"] in sources, name
    assert settings["catalog_url"]["origin"] == "--catalog-url"
    assert settings["username"]["source"] == "default"
    assert settings["password"] == {
        "set": True,
        "source": "environment",
        "origin": "ASDIAG_PASSWORD",
    }
    assert settings["profile"] is None
    assert settings["config_file"] is None
    assert PASSWORD not in json.dumps(data)


def test_json_finding_fields() -> None:
    findings = document()["findings"]
    assert isinstance(findings, list)
    bad = next(f for f in findings if f["id"] == "auth.bad-credentials")
    assert bad["check"] == "auth"
    assert bad["blocked_by"] is None
    assert bad["remediation"]["docs"] == "docs/findings.md#auth-bad-credentials"
    assert bad["remediation"]["commands"] == ['curl -u "org" "https://example.org/simple/"']
    assert [e["probe"] for e in bad["evidence"]] == ["anonymous", "authenticated"]
    skipped = next(f for f in findings if f["id"] == "index")
    assert (skipped["severity"], skipped["blocked_by"]) == ("skip", "auth.bad-credentials")
    assert skipped["remediation"] is None


@pytest.mark.parametrize("verbose", [False, True])
def test_json_traceback_only_with_verbose(verbose: bool) -> None:
    findings = document(verbose=verbose)["findings"]
    assert isinstance(findings, list)
    error = next(f for f in findings if f["severity"] == "error")
    assert ("traceback" in error) is verbose
    assert all("traceback" not in f for f in findings if f["severity"] != "error")


@pytest.mark.parametrize(
    ("findings", "strict", "code"),
    [
        (None, False, 1),
        ((plain("a.warn", S.WARN, "url"),), False, 0),
        ((plain("a.warn", S.WARN, "url"),), True, 1),
        ((plain("a", S.ERROR, "url"),), False, 3),
    ],
)
def test_json_exit_code(findings: tuple[Finding, ...] | None, strict: bool, code: int) -> None:
    assert document(findings=findings, strict=strict)["exit_code"] == code


def test_json_without_requests_or_environment() -> None:
    data = document(findings=(), requests=(), proxy=None, ca_bundle=None)
    check_shape(data, "Top level")
    assert (data["request_count"], data["requests"], data["findings"]) == (0, [], [])
    assert data["environment"] == dict.fromkeys(
        ("proxy", "proxy_source", "ca_bundle", "ca_bundle_source")
    )


# --- markdown --------------------------------------------------------------------------------


def test_markdown_lists_every_finding_id_and_the_problems() -> None:
    text = render_markdown(make_report())
    assert text.startswith("# asdiag check report\n")
    for item in sample_findings():
        assert f"`{item.id}`" in text
    assert "- Password: set, from environment (ASDIAG_PASSWORD)" in text
    assert "- Result: 1 error, 1 failed, 1 warning, 1 info, 1 skipped, 1 ok, exit code 1" in text
    assert "**Start here:** `auth.bad-credentials`:" in text
    problems = text.split("## Problems", 1)[1]
    assert "### `auth.bad-credentials`: Credentials rejected" in problems
    assert "### `url.trailing-slash`" in problems
    assert "### `schedule`" in problems
    assert "### `config.ok`" not in problems
    assert '```sh\ncurl -u "org" "https://example.org/simple/"\n```' in problems
    assert "## Requests (2)" in text
    assert PASSWORD not in text


def test_markdown_escapes_table_cells() -> None:
    finding = replace(plain("a.fail", S.FAIL, "url"), summary="a | b\nc")
    text = render_markdown(make_report(findings=(finding,)))
    assert "| ✗ fail | `a.fail` | a \\| b c |" in text


@pytest.mark.parametrize("verbose", [False, True])
def test_markdown_traceback_only_with_verbose(verbose: bool) -> None:
    text = render_markdown(make_report(), verbose=verbose)
    assert ("KeyError: 'boom'\n```" in text) is verbose


# --- console ---------------------------------------------------------------------------------


def test_console_checklist_without_verbose() -> None:
    text = to_text(render_report(make_report()))
    assert text.startswith("asdiag check  https://repository.activestate.com/")
    for title in ("Configuration", "Catalog URL", "Network and TLS", "Authentication", "Index"):
        assert f"\n{title}\n" in text
    for item in sample_findings():
        assert item.id in text
    assert "✗ auth.bad-credentials  Two 401s in a row [red]markup[/red]." in text
    assert "! url.trailing-slash  Stray slash." in text
    assert "- index  Blocked by auth.bad-credentials." in text
    assert "E schedule  The check crashed" in text
    assert "Fix: Enter the credentials again" in text
    assert '$ curl -u "org" "https://example.org/simple/"' in text
    assert "More: asdiag explain auth.bad-credentials" in text
    assert "More: asdiag explain config.ok" not in text
    assert "cfg-detail" not in text  # an ok finding's detail is for -v
    summary = text.split("Result: ", 1)[1]
    assert summary.startswith("1 error, 1 failed, 1 warning, 1 info, 1 skipped, 1 ok (exit 1).\n")
    assert "Start here: auth.bad-credentials: Enter the credentials again" in summary


def test_console_without_verbose_hides_evidence_requests_and_traceback() -> None:
    text = to_text(render_report(make_report()))
    assert "GET https://" not in text
    assert "Requests (" not in text
    assert "Traceback" not in text


def test_console_verbose_shows_evidence_requests_and_traceback() -> None:
    text = to_text(render_report(make_report(), verbose=True))
    assert f"> GET {INDEX} -> 401 (12 ms, anonymous)  [www-authenticate: Basic" in text
    assert f"> GET {INDEX} -> 401 (12 ms, authenticated, credentials sent)" in text
    assert "Requests (2)" in text
    assert "Traceback (most recent call last):" in text
    assert "KeyError: 'boom'" in text
    assert "cfg-detail" in text
    assert PASSWORD not in text


def test_console_summary_line_and_strict() -> None:
    warn_only = (replace(kind("url.trailing-slash").finding("Stray slash."), check="url"),)
    relaxed = to_text(render_report(make_report(findings=warn_only)))
    strict = to_text(render_report(make_report(findings=warn_only), strict=True))
    assert "Result: 1 warning (exit 0)." in relaxed
    assert "Result: 1 warning (exit 1)." in strict
    assert "Start here: url.trailing-slash: Write the base URL without a trailing slash" in relaxed


def test_console_shows_only_the_reported_groups() -> None:
    text = to_text(render_report(make_report(groups=("url",))))
    assert "Catalog URL" in text
    assert "Authentication" not in text
    assert "auth.bad-credentials  Two" not in text


def test_exchange_without_a_status_shows_the_error() -> None:
    failed = Exchange(
        "anonymous", "GET", "https://x.example/simple/", None, 5.0, error="refused: no"
    )
    finding = replace(
        kind("net.connect-refused").finding("refused", evidence=(failed,)), check="connect"
    )
    text = to_text(
        render_report(make_report(findings=(finding,), requests=(failed,)), verbose=True)
    )
    assert "> GET https://x.example/simple/ -> refused: no (5 ms, anonymous)" in text
    assert exit_code((finding,)) == 1


def test_start_here_skips_a_crash_for_a_finding_with_a_fix() -> None:
    crash = plain("dns", S.ERROR, "dns")
    warning = kind("url.trailing-slash").finding("Stray slash.")
    assert first_fix((crash, warning)) == crash
    assert start_here((crash, warning)) == warning
    assert start_here((crash,)) is None
