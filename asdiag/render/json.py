"""Machine output: the ``asdiag.v1`` JSON document (documented in docs/json.md)."""

from __future__ import annotations

import json
from datetime import datetime

from asdiag import __version__
from asdiag.doctor import Report, exit_code
from asdiag.findings import SEVERITY_ORDER, Finding
from asdiag.settings import Settings

SCHEMA = "asdiag.v1"


def envelope(
    command: str,
    started_at: datetime,
    duration_ms: float,
    code: int,
    settings: Settings,
) -> dict[str, object]:
    """The fields every command's document starts with, in this order."""
    return {
        "schema": SCHEMA,
        "tool": {"name": "asdiag", "version": __version__},
        "command": command,
        "started_at": started_at.isoformat(timespec="seconds"),
        "duration_ms": round(duration_ms, 1),
        "exit_code": code,
        "settings": settings.to_dict(),
    }


def severity_counts(findings: tuple[Finding, ...]) -> dict[str, int]:
    """``summary``: how many findings of each severity, every severity present."""
    return {str(s): sum(f.severity is s for f in findings) for s in SEVERITY_ORDER}


def report_document(
    report: Report, *, verbose: bool = False, strict: bool = False
) -> dict[str, object]:
    """The report as a JSON-ready mapping."""
    environment: dict[str, object] = {
        "proxy": report.proxy.display if report.proxy is not None else None,
        "proxy_source": report.proxy.variable if report.proxy is not None else None,
        "ca_bundle": report.ca_bundle.path if report.ca_bundle is not None else None,
        "ca_bundle_source": report.ca_bundle.source if report.ca_bundle is not None else None,
    }
    code = exit_code(report.findings, strict=strict)
    return {
        **envelope(report.command, report.started_at, report.duration_ms, code, report.settings),
        "environment": environment,
        "groups": list(report.groups),
        "summary": severity_counts(report.findings),
        "findings": [finding.to_dict(verbose=verbose) for finding in report.findings],
        "request_count": len(report.requests),
        "requests": [exchange.to_dict() for exchange in report.requests],
    }


def render_json(report: Report, *, verbose: bool = False, strict: bool = False) -> str:
    return json.dumps(report_document(report, verbose=verbose, strict=strict), indent=2) + "\n"
