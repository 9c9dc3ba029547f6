"""``asdiag requirements`` output: one row per project, worst first, then what to change."""

from __future__ import annotations

import json

from rich import box
from rich.console import Group, RenderableType
from rich.table import Table
from rich.text import Text

from asdiag.batch import BatchReport, Outcome
from asdiag.findings import SEVERITY_ORDER, Finding, Severity
from asdiag.render.console import MARKS, finding_lines, requests_section, summary_line
from asdiag.render.json import envelope, severity_counts
from asdiag.render.markdown import markdown_cell, run_line
from asdiag.settings import Settings

_RANK = {severity: rank for rank, severity in enumerate(SEVERITY_ORDER)}


def worst(outcome: Outcome) -> Severity:
    if outcome.unchecked:
        return Severity.ERROR
    severities = [f.severity for f in outcome.findings] or [Severity.OK]
    return min(severities, key=lambda s: _RANK[s])


def verdict(outcome: Outcome) -> str:
    """The row's one line: the first problem, or the version each target would get."""
    if outcome.unchecked:
        return f"not checked: {outcome.unchecked}"
    problems = [f for f in outcome.findings if f.is_problem]
    if problems:
        return problems[0].summary
    chosen = outcome.result.chosen if outcome.result is not None else ()
    versions = sorted({version for _, version in chosen})
    return f"ok: {', '.join(versions)}" if versions else "ok"


def _rows(report: BatchReport) -> list[Outcome]:
    return sorted(report.outcomes, key=lambda o: (_RANK[worst(o)], o.request.project, o.index))


def render_batch(report: BatchReport, *, verbose: bool, strict: bool) -> RenderableType:
    targets = ", ".join(dict.fromkeys(f"{t.label} {t.python_text}" for t in report.targets))
    indexes = sorted({o.index for o in report.outcomes})
    table = Table(box=box.SIMPLE_HEAD, show_edge=False, pad_edge=False)
    table.add_column("")
    table.add_column("project")
    if len(indexes) > 1:
        table.add_column("via")
    table.add_column("verdict", overflow="fold")
    for outcome in _rows(report):
        mark, style = MARKS[worst(outcome)]
        cells = [Text(mark, style=style), Text(outcome.request.text)]
        if len(indexes) > 1:
            cells.append(Text(outcome.index))
        cells.append(Text(verdict(outcome)))
        table.add_row(*cells)
    parts: list[RenderableType] = [
        Text.assemble(
            ("asdiag requirements", "bold"),
            f"  {len({o.request.project for o in report.outcomes})} projects from "
            f"{len(report.files)} file(s); {targets}",
        ),
        Text(""),
        table,
    ]
    problems = [f for f in report.findings if f.is_problem or f.id == "requirements.uncheckable"]
    if problems:
        parts += [Text(""), Text("What to change", style="bold underline")]
    for finding in _deduplicated(problems):
        parts.extend(finding_lines(finding, verbose=verbose))
    if verbose:
        parts += requests_section(report.requests)
    parts += [Text(""), summary_line(report.findings, strict=strict)]
    return Group(*parts)


def _deduplicated(findings: list[Finding]) -> list[Finding]:
    """The same finding for many projects (no macOS wheel...) is shown once per summary."""
    seen: set[tuple[str, str]] = set()
    out = []
    for finding in findings:
        key = (finding.id, finding.summary)
        if key not in seen:
            seen.add(key)
            out.append(finding)
    return out


def render_batch_json(report: BatchReport, settings: Settings, *, verbose: bool, code: int) -> str:
    document = {
        **envelope("requirements", report.started_at, report.duration_ms, code, settings),
        "files": list(report.files),
        "targets": [
            {"key": t.key, "label": t.label, "python": t.python_text} for t in report.targets
        ],
        "summary": severity_counts(report.findings),
        "packages": [
            {
                "package": o.request.text,
                "project": o.request.project,
                "index": o.index,
                "required_by": list(o.origins),
                "targets": list(o.targets),
                "severity": str(worst(o)),
                "verdict": verdict(o),
                "not_checked": o.unchecked or None,
                **(
                    {"versions": list(o.result.versions), "page_url": o.result.page_url}
                    if o.result is not None
                    else {}
                ),
                "findings": [f.to_dict(verbose=verbose) for f in o.findings],
            }
            for o in _rows(report)
        ],
        "findings": [f.to_dict(verbose=verbose) for f in report.batch_findings],
        "ledger": {"spent_before": dict(report.spent_before)},
        "request_count": len(report.requests),
        "requests": [e.to_dict() for e in report.requests] if verbose else [],
    }
    return json.dumps(document, indent=2) + "\n"


def render_batch_markdown(report: BatchReport, *, code: int) -> str:
    out = [
        "# asdiag requirements report",
        "",
        run_line(report.started_at),
        f"- Files: {', '.join(f'`{f}`' for f in report.files)}",
        f"- Targets: {', '.join(f'{t.label} {t.python_text}' for t in report.targets)}",
        f"- Exit code {code}; {len(report.requests)} requests",
        "",
        "| | project | via | verdict |",
        "|---|---|---|---|",
    ]
    out += [
        f"| {worst(o)} | `{o.request.text}` | {o.index} | {markdown_cell(verdict(o))} |"
        for o in _rows(report)
    ]
    problems = _deduplicated([f for f in report.findings if f.is_problem])
    if problems:
        out += ["", "## What to change"]
    for finding in problems:
        out += ["", f"- `{finding.id}`: {markdown_cell(finding.summary)}"]
        if finding.remediation is not None:
            out.append(f"  Fix: {finding.remediation.text}")
    return "\n".join(out) + "\n"
