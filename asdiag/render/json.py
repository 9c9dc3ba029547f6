"""Machine output: the ``asdiag.v1`` JSON document (documented in docs/json.md)."""

from __future__ import annotations

import json

from asdiag import __version__
from asdiag.doctor import Report, exit_code
from asdiag.findings import SEVERITY_ORDER

SCHEMA = "asdiag.v1"


def report_document(
    report: Report, *, verbose: bool = False, strict: bool = False
) -> dict[str, object]:
    """The report as a JSON-ready mapping."""
    counts = {str(s): sum(f.severity is s for f in report.findings) for s in SEVERITY_ORDER}
    environment: dict[str, object] = {
        "proxy": report.proxy.display if report.proxy is not None else None,
        "proxy_source": report.proxy.variable if report.proxy is not None else None,
        "ca_bundle": report.ca_bundle.path if report.ca_bundle is not None else None,
        "ca_bundle_source": report.ca_bundle.source if report.ca_bundle is not None else None,
    }
    return {
        "schema": SCHEMA,
        "tool": {"name": "asdiag", "version": __version__},
        "command": report.command,
        "started_at": report.started_at.isoformat(timespec="seconds"),
        "duration_ms": round(report.duration_ms, 1),
        "exit_code": exit_code(report.findings, strict=strict),
        "settings": report.settings.to_dict(),
        "environment": environment,
        "groups": list(report.groups),
        "summary": counts,
        "findings": [finding.to_dict(verbose=verbose) for finding in report.findings],
        "request_count": len(report.requests),
        "requests": [exchange.to_dict() for exchange in report.requests],
    }


def render_json(report: Report, *, verbose: bool = False, strict: bool = False) -> str:
    return json.dumps(report_document(report, verbose=verbose, strict=strict), indent=2) + "\n"
