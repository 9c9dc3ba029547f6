"""``asdiag requirements``: every dependency of a project, for every target, in one run.

pip answers one failure at a time, sequentially; this answers all of them at once. The files
are read by ``requirements_files`` (requirements files with includes and markers, ``pylock.toml``,
``pyproject.toml``); each distinct project is triaged exactly as ``asdiag package`` does it
(``package.triage_one``), for the targets its markers apply to, with one index request per
project and index, file probes only when asked.

Politeness comes first. Before the batch, the request ledger refuses to take asdiag's own use
above half of the catalog's rate limit (``--force`` overrides). During it, requests run on a
bounded pool of worker threads sharing httpx's keep-alive connections; a 429 pauses every
worker for the ``Retry-After`` the index asked for, and a wait longer than ``max_wait`` stops
the batch: what was not checked is reported as such, never guessed.
"""

from __future__ import annotations

import concurrent.futures
import re
import threading
import time
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass, field, replace
from datetime import UTC, datetime
from email.utils import parsedate_to_datetime
from urllib.parse import urlsplit

from packaging.specifiers import SpecifierSet

from asdiag.checks.client import requirements_index_findings
from asdiag.client_config import IndexEntry, Role
from asdiag.client_config import Origin as ClientOrigin
from asdiag.evidence import Exchange, FetchResult, Response
from asdiag.findings import Finding, Severity
from asdiag.http import (
    PIP_ACCEPT,
    BasicCredentials,
    HttpClient,
    HttpOptions,
    command_deadline,
    options_for,
)
from asdiag.index_roots import Index, IndexRoots
from asdiag.ledger import Ledger
from asdiag.package import (
    Options,
    PackageRequest,
    PackageResult,
    cross_check,
    indexes_for,
    layout_notes,
    triage_one,
)
from asdiag.platforms import Target
from asdiag.redact import Redactor
from asdiag.registry import kind
from asdiag.requirements_files import (
    ParsedFiles,
    marker_environment,
    projects_for,
    read_requirement_files,
)
from asdiag.settings import Settings
from asdiag.timelimits import Deadline

DEFAULT_CONCURRENCY = 16
#: The longest Retry-After worth waiting for; beyond it the batch stops and says so.
DEFAULT_MAX_WAIT = 60.0
#: ``--fail-on missing``: the findings that mean "not there" (the rest do not fail the run).
MISSING_IDS = frozenset(
    {
        "package.not-found",
        "package.version-not-found",
        "package.yanked-only",
        "package.index-refused",
        "package.index-not-found",
        "package.index-unavailable",
        "package.page-unreadable",
        "package.missing-in-manager",
        "package.empty-page",
        "requirements.file-problem",
    }
)


@dataclass(frozen=True)
class BatchOptions:
    targets: tuple[Target, ...]
    requested_platforms: bool = False
    requested_pythons: bool = False
    pre: bool = False
    concurrency: int = DEFAULT_CONCURRENCY
    probe_files: bool = False
    force: bool = False
    max_wait: float = DEFAULT_MAX_WAIT


# --- the 429 gate --------------------------------------------------------------------------------


class RateLimitStop(Exception):
    """Send nothing more: the index asked for a longer pause than the batch may wait, or the
    command's deadline passed."""


class _Gate:
    """Shared by the workers of one index: a pause after a 429, or a stop."""

    def __init__(self) -> None:
        self._lock = threading.Lock()
        self.resume_at = 0.0
        self.stopped = ""

    def wait(self, deadline: Deadline | None = None) -> None:
        """Return when the pause is over; raise when the index stopped the batch, or when the
        command's deadline comes first."""
        while True:
            with self._lock:
                if self.stopped:
                    raise RateLimitStop(self.stopped)
                delay = self.resume_at - time.monotonic()
            if deadline is not None and time.monotonic() + max(delay, 0) >= deadline.at:
                raise RateLimitStop(deadline.reason)
            if delay <= 0:
                return
            time.sleep(min(delay, 0.25))  # the pause the server asked for, not a sync device

    def pause(self, seconds: float) -> None:
        with self._lock:
            self.resume_at = max(self.resume_at, time.monotonic() + seconds)

    def stop(self, reason: str) -> None:
        with self._lock:
            self.stopped = self.stopped or reason


def retry_after(response: Response | None) -> float | None:
    """``Retry-After`` in seconds (a number or an HTTP date), ``None`` when absent or odd."""
    value = response.header("retry-after") if response is not None else None
    if not value:
        return None
    value = value.strip()
    if re.fullmatch(r"[0-9]{1,12}", value):
        return float(value)
    try:
        moment = parsedate_to_datetime(value)
    except (TypeError, ValueError, IndexError):
        return None
    if moment.tzinfo is None:  # asctime and "-0000" dates: HTTP dates are always UTC
        moment = moment.replace(tzinfo=UTC)
    return max(0.0, (moment - datetime.now(UTC)).total_seconds())


class GatedClient(HttpClient):
    """asdiag's client, waiting at the gate before each request and honouring 429s."""

    def __init__(
        self, options: HttpOptions, redactor: Redactor, gate: _Gate, max_wait: float
    ) -> None:
        super().__init__(options, redactor)
        self.gate = gate
        self.max_wait = max_wait

    def get(
        self,
        url: str,
        *,
        probe: str,
        credentials: BasicCredentials | None = None,
        accept: str = PIP_ACCEPT,
        byte_range: bool = False,
    ) -> FetchResult:
        result: FetchResult | None = None
        for _ in range(3):
            self.gate.wait(self.options.deadline)
            result = super().get(
                url, probe=probe, credentials=credentials, accept=accept, byte_range=byte_range
            )
            if result.status != 429:
                return result
            seconds = retry_after(result.response)
            if seconds is None or seconds > self.max_wait:
                shown = f"{seconds:.0f} s" if seconds is not None else "none given"
                self.gate.stop(f"the index answered 429 (Retry-After: {shown})")
                return result
            self.gate.pause(seconds)
        assert result is not None
        self.gate.stop("the index kept answering 429 after the pauses it asked for")
        return result


# --- the report -------------------------------------------------------------------------------


@dataclass(frozen=True)
class Outcome:
    """One project at one index: its triage, or why it was not checked."""

    request: PackageRequest
    index: str
    #: Where the project is required: "reqs/base.txt:12" (several for duplicates).
    origins: tuple[str, ...]
    #: The keys of the targets whose markers include this project.
    targets: tuple[str, ...]
    result: PackageResult | None = None
    unchecked: str = ""

    @property
    def findings(self) -> tuple[Finding, ...]:
        return self.result.findings if self.result is not None else ()


@dataclass(frozen=True)
class BatchReport:
    files: tuple[str, ...]
    targets: tuple[Target, ...]
    outcomes: tuple[Outcome, ...]
    #: Findings about the whole batch: file problems, uncheckable lines, what was not checked,
    #: and the client configuration the requirements files add.
    batch_findings: tuple[Finding, ...]
    requests: tuple[Exchange, ...]
    started_at: datetime
    duration_ms: float
    #: Requests asdiag had already made per host in the rate-limit window.
    spent_before: Mapping[str, int] = field(default_factory=dict)

    @property
    def findings(self) -> tuple[Finding, ...]:
        return self.batch_findings + tuple(f for o in self.outcomes for f in o.findings)


def exit_code_for(report: BatchReport, fail_on: str) -> int:
    """``--fail-on``: ``missing`` fails only on absence, ``no-wheel`` on any failure (the
    default, as for every command), ``warn`` on warnings too."""
    from asdiag.doctor import exit_code

    findings = report.findings
    if fail_on == "missing":
        findings = tuple(
            f
            if f.severity is not Severity.FAIL or f.id in MISSING_IDS
            else replace(f, severity=Severity.WARN)
            for f in findings
        )
    return exit_code(findings, strict=fail_on == "warn")


# --- the run ----------------------------------------------------------------------------------


@dataclass(frozen=True)
class _Job:
    request: PackageRequest
    origins: tuple[str, ...]
    targets: tuple[Target, ...]


def _jobs(parsed: ParsedFiles, targets: tuple[Target, ...]) -> list[_Job]:
    """Distinct projects, each with the targets whose markers include it. Markers can also
    change the range per target (``numpy>=3; python_version >= "3.12"``): then each range is
    its own job, for its own targets, as pip would see it on each."""
    wanted: dict[tuple[str, str], tuple[SpecifierSet, tuple[str, ...], list[Target]]] = {}
    locked: dict[str, tuple[str, ...]] = {}
    for target in targets:
        environment = marker_environment(target.key, target.os, target.python)
        for project, specifier, entries in projects_for(parsed, environment):
            origins = tuple(dict.fromkeys(e.origin.describe() for e in entries))
            key = (project, str(specifier))
            wanted.setdefault(key, (specifier, origins, []))[2].append(target)
            files = tuple(f for e in entries for f in e.pinned_files)
            locked[project] = tuple(dict.fromkeys((*locked.get(project, ()), *files)))
    return [
        _Job(
            PackageRequest(
                f"{project}{spec}", project, project, specifier, locked.get(project, ())
            ),
            origins,
            tuple(on),
        )
        for (project, spec), (specifier, origins, on) in wanted.items()
    ]


def _batch_findings(parsed: ParsedFiles) -> list[Finding]:
    findings = []
    if parsed.problems:
        findings.append(
            kind("requirements.file-problem").finding(
                f"{len(parsed.problems)} line(s) or file(s) could not be read.",
                detail="\n".join(parsed.problems),
            )
        )
    uncheckable = [e for e in parsed.entries if e.uncheckable]
    if uncheckable:
        findings.append(
            kind("requirements.uncheckable").finding(
                f"{len(uncheckable)} requirement(s) name no index project (URLs, paths, "
                "editable installs).",
                detail="\n".join(
                    f"{e.origin.describe()}: {e.shown_text} ({e.uncheckable})" for e in uncheckable
                ),
            )
        )
    no_index = [line for line in parsed.index_lines if line.option == "--no-index"]
    if no_index:
        where = ", ".join(line.origin.describe() for line in no_index)
        findings.append(
            kind("requirements.no-index").finding(
                f"--no-index at {where}: pip asks no index with these files, only --find-links."
            )
        )
    return findings


def _host(url: str) -> str:
    return (urlsplit(url).hostname or "").lower()


def diagnose_requirements(
    settings: Settings,
    paths: Sequence[str],
    options: BatchOptions,
    *,
    via: str,
    redactor: Redactor,
    environ: Mapping[str, str],
    ledger: Ledger | None,
    progress: Callable[[int, int], None] | None = None,
) -> BatchReport:
    """Triage every project the files require, at the indexes ``via`` names.

    :raises UsageError: for an index that is not configured.
    :raises BudgetRefused: when the batch would spend more than asdiag's share of the limit.
    """
    started = time.perf_counter()
    started_at = datetime.now(UTC)
    parsed = read_requirement_files(paths, environ)
    redactor.add_expanded(parsed.expanded)
    jobs = _jobs(parsed, options.targets)
    indexes = indexes_for(settings, via)
    per_project = 1 + (len({t.key for t in options.targets}) if options.probe_files else 0)
    spent: dict[str, int] = {}
    if ledger is not None:
        for index in indexes:
            host = _host(index.simple_url)
            planned = len(jobs) * per_project + 1
            spent[host] = (
                ledger.recent(host) if options.force else ledger.check_budget(host, planned)
            )

    deadline = command_deadline(settings, "requirements")
    clients = {
        index.name: GatedClient(
            options_for(settings, index.simple_url, environ, deadline),
            redactor,
            _Gate(),
            options.max_wait,
        )
        for index in indexes
    }
    roots = {name: IndexRoots(client) for name, client in clients.items()}
    work = [(job, index) for job in jobs for index in indexes]
    formats = parsed.formats
    releases = parsed.releases
    done = 0
    lock = threading.Lock()

    def run(item: tuple[_Job, Index]) -> Outcome:
        nonlocal done
        job, index = item
        outcome = Outcome(job.request, index.name, job.origins, tuple(t.key for t in job.targets))
        allowed = releases.allows_prereleases(job.request.project)
        package_options = Options(
            targets=job.targets,
            requested_platforms=options.requested_platforms,
            requested_pythons=options.requested_pythons,
            # --pre / --all-releases / --only-final in the files, as pip's ReleaseControl says
            pre=options.pre or allowed is True,
            only_final=allowed is False,
            rows=1,
            probe_files=options.probe_files,
            formats=formats.allowed(job.request.project),
            prefer_binary=parsed.prefer_binary,
        )
        try:
            if deadline.passed():
                raise RateLimitStop(deadline.reason)
            result = triage_one(
                job.request, index, clients[index.name], roots[index.name], package_options
            )
            outcome = _rate_limited(replace(outcome, result=result), clients[index.name].gate)
            outcome = _cut_by_deadline(outcome, deadline)
        except RateLimitStop as stop:
            outcome = replace(outcome, unchecked=str(stop))
        with lock:
            done += 1
            if progress is not None:
                progress(done, len(work))
        return outcome

    try:
        with concurrent.futures.ThreadPoolExecutor(max_workers=max(1, options.concurrency)) as pool:
            outcomes = list(pool.map(run, work))
    finally:
        for client in clients.values():
            client.close()
    requests = tuple(e for client in clients.values() for e in client.exchanges)
    if ledger is not None:
        ledger.record(_host(e.url) for e in requests)
    outcomes = _cross_checked(outcomes)
    batch = [*layout_notes(indexes, roots), *_batch_findings(parsed)]
    unchecked = [o for o in outcomes if o.unchecked]
    if unchecked:
        batch.append(
            kind("requirements.not-checked").finding(
                f"{len(unchecked)} of {len(outcomes)} project(s) were not checked: "
                f"{unchecked[0].unchecked}.",
                detail=", ".join(o.request.project for o in unchecked),
            )
        )
    batch += _client_findings(parsed)
    return BatchReport(
        files=parsed.files,
        targets=options.targets,
        outcomes=tuple(outcomes),
        batch_findings=tuple(batch),
        requests=requests,
        started_at=started_at,
        duration_ms=(time.perf_counter() - started) * 1000,
        spent_before=spent,
    )


def _cut_by_deadline(outcome: Outcome, deadline: Deadline) -> Outcome:
    """A project whose requests the deadline stopped was not checked: it joins the list of
    what could not be finished, instead of a finding of its own per project."""
    result = outcome.result
    cut = {"run.deadline-reached"}
    if result is None or not cut & {f.id for f in result.findings}:
        return outcome
    if any(f.id not in (*cut, "package.name-not-normalized") for f in result.findings):
        return outcome  # the page was judged; only a file probe was cut, and says so
    return replace(
        outcome,
        result=None,
        unchecked=deadline.reason,
    )


def _rate_limited(outcome: Outcome, gate: _Gate) -> Outcome:
    """A page that got the final 429 was not checked: say so instead of 'unavailable'."""
    result = outcome.result
    if result is None or not gate.stopped:
        return outcome
    if any(
        f.id == "package.index-unavailable" and f.evidence and f.evidence[-1].status == 429
        for f in result.findings
    ):
        return replace(outcome, result=None, unchecked=gate.stopped)
    return outcome


def _cross_checked(outcomes: list[Outcome]) -> list[Outcome]:
    checked = [o.result for o in outcomes if o.result is not None]
    compared = {(r.request.text, r.index): r for r in cross_check(checked)}
    return [
        replace(o, result=compared[(o.request.text, o.index)]) if o.result is not None else o
        for o in outcomes
    ]


#: How ``client_config`` names the role of each index option of a requirements file.
_ROLES: Mapping[str, Role] = {
    "--index-url": "index",
    "--extra-index-url": "extra",
    "--find-links": "find-links",
}


def _client_findings(parsed: ParsedFiles) -> list[Finding]:
    """The requirements files' own index lines (already read with the files), judged by the
    client rules."""
    entries = [
        IndexEntry(
            "requirements",
            _ROLES[line.option],
            line.url,
            ClientOrigin(path=line.origin.path, line=line.origin.line),
        )
        for line in parsed.effective_index_lines  # those pip still uses, not the overridden
    ]
    return [replace(f, check="client") for f in requirements_index_findings(entries)]
