"""``asdiag demo``: the lab in-process, ``check`` against several scenarios, story and diagnosis.

It needs no account and nothing beyond loopback, so it is the first thing a new user runs and
what CI runs to show the whole chain (server, probes, checks, verdict) works end to end.
"""

from __future__ import annotations

import os
from collections.abc import Iterator
from dataclasses import dataclass
from datetime import UTC, datetime

from asdiag.doctor import Report, diagnose
from asdiag.errors import AsdiagError
from asdiag.lab.scenarios import SCENARIOS, Scenario
from asdiag.lab.server import Lab
from asdiag.redact import Redactor
from asdiag.settings import Flags, resolve_settings

#: The lab's clock for ``check``: a Wednesday noon, outside the Sunday maintenance window, so a
#: demo run at 02:30 on a Sunday still tells the same stories.
LAB_NOW = datetime(2026, 11, 25, 12, 0, tzinfo=UTC)


@dataclass(frozen=True)
class Diagnosis:
    scenario: Scenario
    report: Report

    @property
    def found(self) -> frozenset[str]:
        """The problem ids reported (warnings, failures, errors)."""
        return frozenset(f.id for f in self.report.findings if f.is_problem)

    @property
    def as_declared(self) -> bool:
        return self.found == self.scenario.check_ids


def demo_scenarios() -> tuple[Scenario, ...]:
    return tuple(s for s in SCENARIOS if s.in_demo)


def check_scenario(lab: Lab, scenario: Scenario, *, now: datetime = LAB_NOW) -> Diagnosis:
    """Load ``scenario`` into ``lab`` and run the doctor against it as a user would."""
    lab.load(scenario)
    target = lab.target()
    password = target["ASDIAG_PASSWORD"]
    redactor = Redactor()
    redactor.add(password, username=target["ASDIAG_USERNAME"])
    # As a user would run it after `asdiag lab serve --env-file`: the settings from ASDIAG_*.
    flags = Flags(config=os.devnull)  # the lab's settings, whatever the user's config file says
    settings = resolve_settings(flags, environ=target)
    return Diagnosis(scenario, diagnose(settings, redactor=redactor, environ={}, now=now))


def run_demo(scenarios: tuple[Scenario, ...] | None = None) -> Iterator[tuple[Lab, Diagnosis]]:
    """Start a lab on a free port and diagnose each scenario in turn.

    :raises AsdiagError: when no loopback port can be opened.
    """
    try:
        lab = Lab()
    except OSError as exc:
        raise AsdiagError(f"cannot start the lab on 127.0.0.1: {exc.strerror or exc}") from None
    with lab:
        for scenario in scenarios or demo_scenarios():
            yield lab, check_scenario(lab, scenario)
