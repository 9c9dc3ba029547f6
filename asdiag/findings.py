"""The findings model: what a check concluded, how bad it is, and what to change.

A finding is data, never an exception: a 401, a missing package or a wrong URL are expected
outcomes and become findings with a remediation. ``registry.py`` defines every finding id.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from enum import StrEnum

from asdiag.evidence import Exchange


class Severity(StrEnum):
    """How a finding weighs on the verdict (and the exit code)."""

    OK = "ok"
    INFO = "info"
    WARN = "warn"
    FAIL = "fail"
    #: The check did not run; ``Finding.summary`` says why (often "blocked by <id>").
    SKIP = "skip"
    #: The check itself crashed: the diagnosis is incomplete.
    ERROR = "error"


#: Most serious first: used to sort and to pick the verdict.
SEVERITY_ORDER = (
    Severity.ERROR,
    Severity.FAIL,
    Severity.WARN,
    Severity.INFO,
    Severity.SKIP,
    Severity.OK,
)


def docs_anchor(finding_id: str) -> str:
    """The anchor of a finding id in ``docs/findings.md`` (dots are not portable in anchors)."""
    return finding_id.replace(".", "-")


@dataclass(frozen=True)
class Remediation:
    """What to change: prose first, then commands that are safe to copy."""

    text: str
    commands: tuple[str, ...] = ()
    docs: str = ""


@dataclass(frozen=True)
class Finding:
    """One conclusion of one check."""

    id: str
    severity: Severity
    #: The id's stable title, from the registry.
    title: str
    #: One line about this run: what was seen.
    summary: str
    detail: str = ""
    remediation: Remediation | None = None
    evidence: tuple[Exchange, ...] = ()
    #: The name of the check that produced it (filled in by the doctor).
    check: str = ""
    #: For ``skip`` findings: the id of the failure that made the check impossible.
    blocked_by: str = ""
    #: For ``error`` findings: the traceback, shown only with ``-v``.
    traceback: str = field(default="", repr=False)

    @property
    def is_problem(self) -> bool:
        """Whether the finding asks the user to change something."""
        return self.severity in (Severity.WARN, Severity.FAIL, Severity.ERROR)

    def to_dict(self, *, verbose: bool = True) -> dict[str, object]:
        """A JSON-ready mapping (part of the ``asdiag.v1`` schema)."""
        remediation = None
        if self.remediation is not None:
            remediation = {
                "text": self.remediation.text,
                "commands": list(self.remediation.commands),
                "docs": self.remediation.docs,
            }
        data: dict[str, object] = {
            "id": self.id,
            "check": self.check,
            "severity": str(self.severity),
            "title": self.title,
            "summary": self.summary,
            "detail": self.detail,
            "blocked_by": self.blocked_by or None,
            "remediation": remediation,
            "evidence": [exchange.to_dict() for exchange in self.evidence],
        }
        if verbose and self.traceback:
            data["traceback"] = self.traceback
        return data


@dataclass(frozen=True)
class FindingKind:
    """A registry entry: the stable contract behind one finding id."""

    id: str
    severity: Severity
    title: str
    #: The long explanation shown by ``asdiag explain`` and in ``docs/findings.md``.
    explanation: str
    #: The default remediation; a finding may replace it with a more specific one.
    remediation: str
    commands: tuple[str, ...] = ()

    def finding(
        self,
        summary: str,
        *,
        detail: str = "",
        remediation: str | None = None,
        commands: tuple[str, ...] | None = None,
        evidence: tuple[Exchange, ...] = (),
        severity: Severity | None = None,
    ) -> Finding:
        """A finding of this kind, with this run's specifics."""
        return Finding(
            id=self.id,
            severity=severity or self.severity,
            title=self.title,
            summary=summary,
            detail=detail,
            remediation=Remediation(
                text=remediation or self.remediation,
                commands=self.commands if commands is None else commands,
                docs=f"docs/findings.md#{docs_anchor(self.id)}",
            ),
            evidence=evidence,
        )
