"""Ticket output: a markdown report to paste into a support request."""

from __future__ import annotations

from collections.abc import Sequence
from datetime import datetime

from asdiag import __version__
from asdiag.doctor import Report, exit_code
from asdiag.evidence import Exchange
from asdiag.render import counts_line, start_here
from asdiag.render.console import MARKS, exchange_line


def markdown_cell(text: str) -> str:
    """Text that stays inside one table cell."""
    return text.replace("|", "\\|").replace("\n", " ")


def run_line(started_at: datetime) -> str:
    """Which asdiag ran, and when: every report's first list item."""
    return f"- asdiag {__version__}, run at {started_at.isoformat(timespec='seconds')}"


def requests_block(requests: Sequence[Exchange]) -> list[str]:
    """The ``-v`` evidence: every request, one line each, in a code block."""
    return [
        "",
        f"## Requests ({len(requests)})",
        "",
        "```text",
        *map(exchange_line, requests),
        "```",
    ]


def render_markdown(report: Report, *, verbose: bool = False, strict: bool = False) -> str:
    settings = report.settings
    code = exit_code(report.findings, strict=strict)
    out = [
        f"# asdiag {report.command} report",
        "",
        run_line(report.started_at),
        f"- Catalog URL: `{settings.shown_url}` (from {settings.catalog_url.describe()})",
        f"- Username: `{settings.username.shown or '(none)'}` "
        f"(from {settings.username.describe()})",
        f"- Password: {settings.password_status}",
        f"- Result: {counts_line(report.findings)}, exit code {code}",
        "",
    ]
    fix = start_here(report.findings)
    if fix is not None and fix.remediation is not None:
        out += [f"**Start here:** `{fix.id}`: {fix.remediation.text}", ""]
    out += ["| | Finding | Summary |", "|---|---|---|"]
    out += [
        f"| {MARKS[f.severity][0]} {f.severity} | `{f.id}` | {markdown_cell(f.summary)} |"
        for f in report.findings
    ]
    problems = [f for f in report.findings if f.is_problem]
    if problems:
        out += ["", "## Problems"]
    for finding in problems:
        out += ["", f"### `{finding.id}`: {finding.title}", "", finding.summary]
        if finding.detail:
            out += ["", "```text", finding.detail, "```"]
        if finding.remediation is not None:
            out += ["", f"**Fix:** {finding.remediation.text}"]
            if finding.remediation.commands:
                out += ["", "```sh", *finding.remediation.commands, "```"]
        if verbose and finding.traceback:
            out += ["", "```text", finding.traceback.rstrip(), "```"]
    if report.requests:
        out += requests_block(report.requests)
    return "\n".join(out) + "\n"
