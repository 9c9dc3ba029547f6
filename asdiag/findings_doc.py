"""Text about the registry: ``asdiag explain``, ``--list-checks`` and ``docs/findings.md``.

Run ``python -m asdiag.findings_doc > docs/findings.md`` after changing the registry; a test
fails while the file and the registry differ.
"""

from __future__ import annotations

from asdiag.checks import CHECKS
from asdiag.findings import FindingKind, docs_anchor
from asdiag.registry import KINDS, REGISTRY

#: Ids that only a command other than ``check`` reports.
COMMAND_IDS = {
    "manager.audit-ok": "manager",
    "manager.no-catalog-remote": "manager",
    "manager.repository-unreadable": "manager",
}


def _check_of(finding_id: str) -> str:
    """The check that reports an id, or the command (``package``, ``manager``) that does."""
    if finding_id.startswith(("package.", "requirements.")):
        return finding_id.split(".")[0]
    if finding_id in COMMAND_IDS:
        return COMMAND_IDS[finding_id]
    return next((c.name for c in CHECKS if finding_id in c.ids), "")


def known_names() -> list[str]:
    """Every id and check name ``asdiag explain`` accepts."""
    return [*REGISTRY, *(c.name for c in CHECKS)]


def explain_text(name: str) -> str:
    """The long explanation of a finding id or a check, as plain text."""
    if name in REGISTRY:
        entry = REGISTRY[name]
        lines = [
            f"{entry.id}: {entry.title}",
            f"Severity: {entry.severity}    Check: {_check_of(entry.id)}",
            "",
            entry.explanation,
            "",
            f"What to change: {entry.remediation}",
        ]
        lines += [f"  $ {command}" for command in entry.commands]
        lines += ["", f"Reference: docs/findings.md#{docs_anchor(entry.id)}"]
        return "\n".join(lines)
    check = next(c for c in CHECKS if c.name == name)
    lines = [
        f"Check {check.name} (group {check.group}): {check.description}",
        f"Runs after: {', '.join(check.requires) or 'nothing'}",
        "Finding ids:",
    ]
    lines += [f"  {i}: {REGISTRY[i].title}" for i in check.ids]
    return "\n".join(lines)


def checks_table() -> str:
    """The checks, their groups and ids, as aligned plain text for ``--list-checks``."""
    lines = []
    for check in CHECKS:
        lines.append(f"{check.name} ({check.group}): {check.description}")
        lines += [f"    {i:<34} {REGISTRY[i].severity:<5} {REGISTRY[i].title}" for i in check.ids]
    return "\n".join(lines)


def _md(text: str) -> str:
    """Prose for markdown: ``<org-uuid>`` must not be taken for an HTML tag."""
    return text.replace("<", "&lt;").replace(">", "&gt;").replace("*", "\\*")


def _entry(entry: FindingKind) -> list[str]:
    lines = [
        f'<a id="{docs_anchor(entry.id)}"></a>',
        f"### `{entry.id}`: {_md(entry.title)}",
        "",
        f"Severity: **{entry.severity}**. Check: `{_check_of(entry.id)}`.",
        "",
        _md(entry.explanation),
        "",
        f"**What to change:** {_md(entry.remediation)}",
    ]
    if entry.commands:
        lines += ["", "```sh", *entry.commands, "```"]
    return [*lines, ""]


def findings_markdown() -> str:
    """``docs/findings.md``, generated."""
    out = [
        "# Findings reference",
        "",
        "<!-- Generated from asdiag/registry.py by `python -m asdiag.findings_doc`. "
        "Do not edit by hand. -->",
        "",
        "Every finding asdiag reports has a stable id, listed here with its meaning and what to "
        "change. `asdiag explain ID` prints the same text. A check that could not run is "
        "reported under the check's name with severity `skip` (and the id that blocked it), "
        "and a check that crashed with severity `error`.",
        "",
        "## Checks",
        "",
        "| Check | Group | Verifies | Finding ids |",
        "|---|---|---|---|",
    ]
    for check in CHECKS:
        ids = ", ".join(f"[`{i}`](#{docs_anchor(i)})" for i in check.ids)
        out.append(f"| `{check.name}` | {check.group} | {_md(check.description)} | {ids} |")
    out += ["", "## Findings", ""]
    for entry in KINDS:
        out += _entry(entry)
    return "\n".join(out).rstrip() + "\n"


if __name__ == "__main__":
    import sys

    sys.stdout.write(findings_markdown())
