"""checks/schedule.py: the catalog's weekly maintenance window, Sundays 02:00-03:15 UTC."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta, timezone

import pytest

from asdiag.checks import CHECKS
from asdiag.checks.schedule import check_schedule, in_maintenance_window, maintenance_note
from asdiag.findings import Severity
from tests.checks.conftest import assert_actionable, make_context, only

SUNDAY = (2026, 11, 29)
SATURDAY = (2026, 11, 28)


def utc(day: tuple[int, int, int], hour: int, minute: int, second: int = 0) -> datetime:
    return datetime(*day, hour, minute, second, tzinfo=UTC)


@pytest.mark.parametrize(
    ("now", "inside"),
    [
        (utc(SUNDAY, 1, 59, 59), False),
        (utc(SUNDAY, 2, 0), True),
        (utc(SUNDAY, 2, 30), True),
        (utc(SUNDAY, 3, 14, 59), True),
        (utc(SUNDAY, 3, 15), False),  # the end is exclusive
        (utc(SUNDAY, 14, 0), False),
        (utc(SATURDAY, 2, 30), False),
        (datetime(2026, 11, 30, 2, 30, tzinfo=UTC), False),  # Monday
        # Other time zones are converted to UTC first.
        (datetime(*SUNDAY, 4, 30, tzinfo=timezone(timedelta(hours=2))), True),
        (datetime(*SATURDAY, 22, 30, tzinfo=timezone(timedelta(hours=-4))), True),
        (datetime(*SUNDAY, 2, 30, tzinfo=timezone(timedelta(hours=2))), False),
    ],
    ids=[
        "sun-01:59:59",
        "sun-02:00",
        "sun-02:30",
        "sun-03:14:59",
        "sun-03:15",
        "sun-14:00",
        "sat-02:30",
        "mon-02:30",
        "sun-04:30+02",
        "sat-22:30-04",
        "sun-02:30+02",
    ],
)
def test_window_boundaries(now: datetime, inside: bool) -> None:
    assert in_maintenance_window(now) is inside
    assert bool(maintenance_note(now)) is inside


def test_note_says_what_the_failure_may_be() -> None:
    note = maintenance_note(utc(SUNDAY, 2, 30))
    assert note.startswith(" ")  # appended to a sentence
    assert "Sundays 02:00-03:15 UTC" in note
    assert "may be the maintenance itself" in note


@pytest.mark.parametrize(
    ("now", "finding_id", "severity", "summary"),
    [
        (
            utc(SUNDAY, 2, 30),
            "schedule.maintenance-window",
            Severity.WARN,
            "It is Sunday 02:30 UTC.",
        ),
        (
            datetime(*SUNDAY, 4, 30, tzinfo=timezone(timedelta(hours=2))),
            "schedule.maintenance-window",
            Severity.WARN,
            "It is Sunday 02:30 UTC.",
        ),
        (
            utc(SATURDAY, 2, 30),
            "schedule.ok",
            Severity.OK,
            "It is Saturday 02:30 UTC; the next window is Sunday 02:00 UTC.",
        ),
    ],
)
def test_check_schedule(now: datetime, finding_id: str, severity: Severity, summary: str) -> None:
    finding = only(check_schedule(make_context(now=now)))
    assert (finding.id, finding.severity, finding.summary) == (finding_id, severity, summary)
    assert_actionable(finding)


def test_every_declared_id_is_covered_and_the_check_needs_nothing() -> None:
    schedule = next(c for c in CHECKS if c.name == "schedule")
    assert set(schedule.ids) == {"schedule.ok", "schedule.maintenance-window"}
    assert schedule.requires == ()


def test_schedule_runs_without_any_url() -> None:
    finding = only(check_schedule(make_context(None, now=utc(SUNDAY, 2, 0))))
    assert finding.id == "schedule.maintenance-window"
    assert finding.remediation is not None
    assert "03:15 UTC" in finding.remediation.text
