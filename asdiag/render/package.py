"""``asdiag package`` output: the platform matrix and the findings, for people, programs, tickets.

Renderers return renderables or strings; only ``cli.py`` prints.
"""

from __future__ import annotations

import json

from rich import box
from rich.console import Group, RenderableType
from rich.table import Table
from rich.text import Text

from asdiag.doctor import exit_code
from asdiag.package import Cell, Matrix, PackageReport, PackageResult
from asdiag.render import counts_line
from asdiag.render.console import finding_lines, requests_section, summary_line
from asdiag.render.json import envelope, severity_counts
from asdiag.render.markdown import markdown_cell, requests_block, run_line
from asdiag.settings import Settings

#: How a cell reads: the fit, for one target and the Pythons it applies to.
_FIT_TEXT = {
    "wheel": ("✓", "green"),
    "pure": ("✓ pure", "green"),
    "sdist": ("sdist", "yellow"),
    "none": ("✗", "red"),
    "python": ("✗ Py", "red"),
}


def _cell_text(cells: list[Cell]) -> Text:
    """One target's cells (one per Python) in a few characters: "✓", or "✓ 3.11-3.13, ✗ 3.10"."""
    kinds = {cell.kind for cell in cells}
    if len(kinds) == 1:
        mark, style = _FIT_TEXT[cells[0].kind]
        return Text(mark, style=style)
    text = Text()
    for fit in ("wheel", "pure", "sdist", "python", "none"):
        pythons = [c.python for c in cells if c.kind == fit]
        if pythons:
            mark, style = _FIT_TEXT[fit]
            if text:
                text.append(", ")
            text.append(f"{mark} {' '.join(pythons)}", style=style)
    return text


def matrix_table(matrix: Matrix) -> Table:
    table = Table(box=box.SIMPLE_HEAD, show_edge=False, pad_edge=False)
    table.add_column("version")
    for _, label in matrix.targets:
        table.add_column(label)
    for row in matrix.rows:
        version = Text(row.version)
        if row.yanked is not None:
            version.append(" (yanked)", style="yellow")
        cells = [_cell_text([c for c in row.cells if c.target == key]) for key, _ in matrix.targets]
        table.add_row(version, *cells)
    return table


def _title(result: PackageResult) -> Text:
    return Text.assemble(
        (result.request.text, "bold"), f"  via the {result.index}: {result.page_url}"
    )


def render_package_report(report: PackageReport, *, verbose: bool, strict: bool) -> RenderableType:
    pythons = ", ".join(dict.fromkeys(t.python_text for t in report.targets))
    parts: list[RenderableType] = [
        Text.assemble(("asdiag package", "bold"), f"  Python {pythons}"),
    ]
    if report.notes:
        parts.append(Text(""))
    for note in report.notes:
        parts.extend(finding_lines(note, verbose=verbose))
    for result in report.results:
        parts += [Text(""), _title(result)]
        if result.matrix is not None and result.matrix.rows:
            parts.append(matrix_table(result.matrix))
        for finding in result.findings:
            parts.extend(finding_lines(finding, verbose=verbose))
    if verbose:
        parts += requests_section(report.requests)
    parts += [Text(""), summary_line(report.findings, strict=strict)]
    return Group(*parts)


def render_package_json(
    report: PackageReport, settings: Settings, *, verbose: bool, strict: bool
) -> str:
    code = exit_code(report.findings, strict=strict)
    document = {
        **envelope("package", report.started_at, report.duration_ms, code, settings),
        "targets": [
            {
                "key": t.key,
                "label": t.label,
                "python": t.python_text,
                "platforms": list(t.platforms),
            }
            for t in report.targets
        ],
        "summary": severity_counts(report.findings),
        "packages": [result.to_dict(verbose=verbose) for result in report.results],
        "findings": [f.to_dict(verbose=verbose) for f in report.findings],
        "request_count": len(report.requests),
        "requests": [e.to_dict() for e in report.requests],
    }
    return json.dumps(document, indent=2) + "\n"


def render_package_markdown(report: PackageReport, *, verbose: bool, strict: bool) -> str:
    code = exit_code(report.findings, strict=strict)
    out = [
        "# asdiag package report",
        "",
        run_line(report.started_at),
        f"- Result: {counts_line(report.findings)}, exit code {code}",
    ]
    if report.notes:
        out += ["", "## Indexes", "", "| | Finding | Summary |", "|---|---|---|"]
        out += [f"| {f.severity} | `{f.id}` | {markdown_cell(f.summary)} |" for f in report.notes]
    for result in report.results:
        out += [
            "",
            f"## `{result.request.text}` via the {result.index}",
            "",
            f"Page: {result.page_url}",
        ]
        matrix = result.matrix
        if matrix is not None and matrix.rows:
            out += ["", "| version | " + " | ".join(label for _, label in matrix.targets) + " |"]
            out += ["|---" * (len(matrix.targets) + 1) + "|"]
            for row in matrix.rows:
                cells = [
                    markdown_cell(_cell_text([c for c in row.cells if c.target == key]).plain)
                    for key, _ in matrix.targets
                ]
                yanked = " (yanked)" if row.yanked is not None else ""
                out.append(f"| {row.version}{yanked} | " + " | ".join(cells) + " |")
        out += ["", "| | Finding | Summary |", "|---|---|---|"]
        out += [
            f"| {f.severity} | `{f.id}` | {markdown_cell(f.summary)} |" for f in result.findings
        ]
        for finding in (f for f in result.findings if f.is_problem or f.detail):
            if finding.detail:
                out += ["", f"`{finding.id}`:", "", "```text", finding.detail, "```"]
            if finding.is_problem and finding.remediation is not None:
                out += ["", f"**Fix ({finding.id}):** {finding.remediation.text}"]
    if verbose and report.requests:
        out += requests_block(report.requests)
    return "\n".join(out) + "\n"
