"""asdiag's own request ledger: it must never be the cause of a 429.

The catalog allows 2000 requests per 5 minutes per client address, shared by every manager, CI
job and person behind that address. asdiag records the requests it makes per host, with their
times, in a small JSON file in the user state directory, and before a batch refuses (unless
``--force``) to push its own use above half of that budget. Best effort across processes: a lost
update between two concurrent runs only makes the estimate low by one run.
"""

from __future__ import annotations

import json
import os
import time
from collections.abc import Iterable
from dataclasses import dataclass
from pathlib import Path

from asdiag.errors import EXIT_USAGE, AsdiagError

#: The vendor's limit and window, and the share asdiag allows itself.
CATALOG_LIMIT = 2000
WINDOW_SECONDS = 300.0
OWN_SHARE = 0.5


class BudgetRefused(AsdiagError):
    """A batch would spend more than asdiag's share of the rate limit."""

    exit_code = EXIT_USAGE


def default_path() -> Path:
    from platformdirs import user_state_path

    return user_state_path("asdiag", appauthor=False) / "ledger.json"


@dataclass
class Ledger:
    """Request times per host, pruned to the rate-limit window."""

    path: Path

    def _load(self) -> dict[str, list[float]]:
        try:
            data = json.loads(self.path.read_text(encoding="utf-8"))
        except (OSError, ValueError):
            return {}  # missing or damaged: start again (it is only an estimate)
        if not isinstance(data, dict):
            return {}
        return {
            str(host): [float(t) for t in times if isinstance(t, int | float)]
            for host, times in data.items()
            if isinstance(times, list)
        }

    def recent(self, host: str, now: float | None = None) -> int:
        """How many requests asdiag made to ``host`` in the last window."""
        moment = time.time() if now is None else now
        return sum(1 for t in self._load().get(host, []) if t > moment - WINDOW_SECONDS)

    def record(self, hosts: Iterable[str], now: float | None = None) -> None:
        """Add one request per entry of ``hosts`` (a host repeats once per request)."""
        moment = time.time() if now is None else now
        data = {
            host: [t for t in times if t > moment - WINDOW_SECONDS]
            for host, times in self._load().items()
        }
        for host in hosts:
            data.setdefault(host, []).append(moment)
        data = {host: times for host, times in data.items() if times}
        try:
            self.path.parent.mkdir(parents=True, exist_ok=True)
            temporary = self.path.with_suffix(f".{os.getpid()}.tmp")
            temporary.write_text(json.dumps(data), encoding="utf-8")
            temporary.replace(self.path)
        except OSError:
            pass  # a read-only home must not stop a diagnosis

    def check_budget(self, host: str, planned: int, now: float | None = None) -> int:
        """Refuse when ``planned`` more requests would take asdiag above its share.

        :returns: the requests already made in the window.
        :raises BudgetRefused: with what was spent, what is planned, and the way out.
        """
        spent = self.recent(host, now)
        allowed = int(CATALOG_LIMIT * OWN_SHARE)
        if spent + planned > allowed:
            raise BudgetRefused(
                f"this run needs about {planned} requests to {host}, and asdiag already made "
                f"{spent} in the last {int(WINDOW_SECONDS / 60)} minutes; together that is more "
                f"than half ({allowed}) of the catalog's {CATALOG_LIMIT} requests per "
                f"{int(WINDOW_SECONDS / 60)} minutes per address, which your managers and CI "
                "share. Wait a few minutes, check fewer packages, or pass --force"
            )
        return spent
