"""Renderers: turn a report into text for a person, a program or a ticket. They never print."""

from __future__ import annotations

from collections import Counter

from asdiag.findings import SEVERITY_ORDER, Finding, Severity

GROUP_TITLES = {
    "config": "Configuration",
    "url": "Catalog URL",
    "network": "Network and TLS",
    "http": "HTTP",
    "auth": "Authentication",
    "index": "Index",
    "manager": "Repository manager",
    "schedule": "Maintenance window",
    "client": "pip and uv",
}

_NOUNS = {
    Severity.ERROR: ("error", "errors"),
    Severity.FAIL: ("failed", "failed"),
    Severity.WARN: ("warning", "warnings"),
    Severity.INFO: ("info", "info"),
    Severity.SKIP: ("skipped", "skipped"),
    Severity.OK: ("ok", "ok"),
}


def counts_line(findings: tuple[Finding, ...]) -> str:
    """``2 failed, 1 warning, 9 ok``: severities present, most serious first."""
    counts = Counter(finding.severity for finding in findings)
    parts = []
    for severity in SEVERITY_ORDER:
        if counts[severity]:
            singular, plural = _NOUNS[severity]
            parts.append(f"{counts[severity]} {singular if counts[severity] == 1 else plural}")
    return ", ".join(parts) or "no findings"


def first_fix(findings: tuple[Finding, ...]) -> Finding | None:
    """The finding to act on first.

    A failure that blocked other checks comes first: nothing else can be learnt until it is
    fixed. Otherwise the earliest failure, then error, then warning: checks run in causal order
    (URL, network, HTTP, auth, index), so the earliest is the most likely root cause.
    """
    blockers = {finding.blocked_by for finding in findings if finding.blocked_by}
    for finding in findings:
        if finding.id in blockers and finding.severity is Severity.FAIL:
            return finding
    for severity in (Severity.FAIL, Severity.ERROR, Severity.WARN):
        for finding in findings:
            if finding.severity is severity:
                return finding
    return None


def start_here(findings: tuple[Finding, ...]) -> Finding | None:
    """The first fix to show: :func:`first_fix` among the findings that have one (a crashed
    check has no remediation; a warning after it still has something to change)."""
    return first_fix(tuple(f for f in findings if f.remediation is not None))
