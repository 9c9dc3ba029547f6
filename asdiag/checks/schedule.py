"""The catalog's weekly maintenance window (Sundays 02:00-03:15 UTC)."""

from __future__ import annotations

from collections.abc import Sequence
from datetime import UTC, datetime, time

from asdiag.checks.base import Context
from asdiag.findings import Finding
from asdiag.registry import kind

WINDOW_WEEKDAY = 6  # Sunday
WINDOW_START = time(2, 0)
WINDOW_END = time(3, 15)


def in_maintenance_window(now: datetime) -> bool:
    """Whether ``now`` (any time zone) falls in the catalog's weekly maintenance window."""
    utc = now.astimezone(UTC)
    return utc.weekday() == WINDOW_WEEKDAY and WINDOW_START <= utc.time() < WINDOW_END


def maintenance_note(now: datetime) -> str:
    """A sentence to add beside an outage-like failure seen during the window."""
    if not in_maintenance_window(now):
        return ""
    return (
        " This run falls in the catalog's weekly maintenance window (Sundays 02:00-03:15 UTC): "
        "the failure may be the maintenance itself."
    )


def check_schedule(ctx: Context) -> Sequence[Finding]:
    stamp = ctx.now.astimezone(UTC).strftime("%A %H:%M UTC")
    if in_maintenance_window(ctx.now):
        return [kind("schedule.maintenance-window").finding(f"It is {stamp}.")]
    return [kind("schedule.ok").finding(f"It is {stamp}; the next window is Sunday 02:00 UTC.")]
