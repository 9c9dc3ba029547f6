"""Human output: a checklist grouped by area, built as Rich renderables (never printed here).

Server-supplied strings are put in ``Text`` objects, never parsed as markup, so a body or a
header cannot inject styling.
"""

from __future__ import annotations

from rich.console import Group, RenderableType
from rich.padding import Padding
from rich.text import Text

from asdiag.checks import CHECKS
from asdiag.doctor import Report, exit_code
from asdiag.evidence import Exchange
from asdiag.findings import Finding, Severity
from asdiag.redact import redact_url
from asdiag.render import GROUP_TITLES, counts_line, start_here

MARKS: dict[Severity, tuple[str, str]] = {
    Severity.OK: ("✓", "green"),
    Severity.INFO: ("i", "cyan"),
    Severity.WARN: ("!", "yellow"),
    Severity.FAIL: ("✗", "bold red"),
    Severity.SKIP: ("-", "dim"),
    Severity.ERROR: ("E", "bold magenta"),
}


def exchange_line(exchange: Exchange) -> str:
    """One request as a line of evidence."""
    outcome = str(exchange.status) if exchange.status is not None else exchange.error
    creds = ", credentials sent" if exchange.sent_credentials else ""
    headers = "; ".join(
        f"{name}: {value}"
        for name, value in exchange.headers
        if name in ("www-authenticate", "location", "retry-after", "content-type", "server")
    )
    tail = f"  [{headers}]" if headers else ""
    return (
        f"{exchange.method} {exchange.url} -> {outcome} "
        f"({exchange.elapsed_ms:.0f} ms, {exchange.probe}{creds}){tail}"
    )


def _padded(text: Text, indent: int) -> Padding:
    """A block whose wrapped lines keep the indentation of its first line."""
    return Padding(text, (0, 0, 0, indent), expand=False)


def _lines(text: str, indent: int, style: str = "") -> list[RenderableType]:
    return [_padded(Text(line, style=style), indent) for line in text.splitlines() if line.strip()]


def finding_lines(finding: Finding, *, verbose: bool) -> list[RenderableType]:
    mark, style = MARKS[finding.severity]
    head = Text.assemble((mark + " ", style), (finding.id, "bold"), "  ", finding.summary)
    lines: list[RenderableType] = [_padded(head, 2)]
    if finding.detail and (finding.is_problem or verbose):
        lines += _lines(finding.detail, 6)
    if finding.is_problem and finding.remediation is not None:
        lines.append(_padded(Text.assemble(("Fix: ", "bold"), finding.remediation.text), 6))
        commands = finding.remediation.commands
        lines += [_padded(Text("$ " + command, style="cyan"), 8) for command in commands]
        lines.append(_padded(Text(f"More: asdiag explain {finding.id}", style="dim"), 6))
    if verbose:
        lines += [_padded(Text("> " + exchange_line(e), style="dim"), 6) for e in finding.evidence]
        if finding.traceback:
            lines += _lines(finding.traceback, 6, "dim")
    return lines


def render_report(report: Report, *, verbose: bool = False, strict: bool = False) -> RenderableType:
    """The whole checklist, the requests (with ``-v``) and the summary line."""
    header = Text.assemble((f"asdiag {report.command}", "bold"), f"  {_subject(report)}")
    parts: list[RenderableType] = [header]
    group_of = {check.name: check.group for check in CHECKS}
    for group in report.groups:
        findings = [f for f in report.findings if group_of.get(f.check) == group]
        if not findings:
            continue
        parts.append(Text(""))
        parts.append(Text(GROUP_TITLES.get(group, group), style="bold underline"))
        for finding in findings:
            parts.extend(finding_lines(finding, verbose=verbose))
    if verbose:
        parts += requests_section(report.requests)
    parts.append(Text(""))
    parts.append(summary_line(report.findings, strict=strict))
    return Group(*parts)


def requests_section(requests: tuple[Exchange, ...]) -> list[RenderableType]:
    """``-v``: every request of the run, one redacted line each (nothing when none)."""
    if not requests:
        return []
    title = Text(f"Requests ({len(requests)})", style="bold underline")
    return [Text(""), title, *(_padded(Text(exchange_line(e)), 2) for e in requests)]


def _subject(report: Report) -> str:
    """What the report is about: the catalog, or for ``asdiag manager`` the manager."""
    if report.command == "manager" and report.settings.manager_url.value:
        return redact_url(report.settings.manager_url.value)
    return report.settings.shown_url


def summary_line(findings: tuple[Finding, ...], *, strict: bool = False) -> Text:
    """The counts, the exit code, and the fix to start with."""
    code = exit_code(findings, strict=strict)
    line = Text.assemble(("Result: ", "bold"), counts_line(findings), f" (exit {code}).")
    fix = start_here(findings)
    if fix is not None and fix.remediation is not None:
        line.append(f"\nStart here: {fix.id}: ", style="bold")
        line.append(fix.remediation.text)
    return line
