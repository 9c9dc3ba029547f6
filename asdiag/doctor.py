"""Run ``asdiag check``: gather evidence, walk the checks as a decision tree, build a report.

Every check runs; one failing probe never stops the others. A check whose prerequisite reported
a blocking finding is skipped with "blocked by <id>"; a check that raises becomes an ``error``
finding carrying its traceback (shown with ``-v``), and the run goes on.
"""

from __future__ import annotations

import time
import traceback
from collections.abc import Mapping
from dataclasses import dataclass, replace
from datetime import UTC, datetime

from asdiag.checks import CHECKS, NETWORK_GROUPS, Check, Context, Evidence
from asdiag.checks.base import ManagerEvidence
from asdiag.checks.manager import catalog_projects, root_problem
from asdiag.client_config import ClientConfig
from asdiag.errors import EXIT_FAILED, EXIT_INCOMPLETE, EXIT_OK, UsageError
from asdiag.evidence import CaBundle, Exchange, ProxyChoice
from asdiag.findings import Finding, Severity
from asdiag.http import (
    BasicCredentials,
    HttpClient,
    choose_proxy,
    command_deadline,
    options_for,
)
from asdiag.managers import detect
from asdiag.managers.audit import audit
from asdiag.probes import gather, gather_manager
from asdiag.redact import Redactor
from asdiag.settings import ManagerEndpoint, Settings
from asdiag.timelimits import Deadline
from asdiag.urls import CatalogUrl, Origin, UrlError, manager_index_url, parse_catalog_url


@dataclass(frozen=True)
class Report:
    """The outcome of one diagnosis, ready for any renderer."""

    command: str
    settings: Settings
    findings: tuple[Finding, ...]
    requests: tuple[Exchange, ...]
    started_at: datetime
    duration_ms: float
    #: The check groups reported (``--only``), or every group.
    groups: tuple[str, ...]
    proxy: ProxyChoice | None = None
    ca_bundle: CaBundle | None = None


def exit_code(findings: tuple[Finding, ...], *, strict: bool = False) -> int:
    """0 nothing failed, 1 something failed (or warned, with ``strict``), 3 incomplete.

    A definite failure outranks an incomplete diagnosis: the user has something to fix.
    """
    severities = {finding.severity for finding in findings}
    if Severity.FAIL in severities or (strict and Severity.WARN in severities):
        return EXIT_FAILED
    if Severity.ERROR in severities:
        return EXIT_INCOMPLETE
    return EXIT_OK


def _skip_or_error(check: Check, finding: Finding) -> Finding:
    """Give a check's own skip finding the check's name as its id."""
    if finding.id:
        return replace(finding, check=check.name)
    return replace(finding, id=check.name, title=check.description, check=check.name)


def _run(check: Check, ctx: Context) -> tuple[Finding, ...]:
    try:
        findings = tuple(check.run(ctx))
    except Exception as exc:  # a crashing check is reported, never fatal to the run
        return (
            Finding(
                id=check.name,
                severity=Severity.ERROR,
                title=check.description,
                summary=f"The check crashed: {type(exc).__name__}: {exc}",
                check=check.name,
                traceback=traceback.format_exc(),
            ),
        )
    return tuple(_skip_or_error(check, finding) for finding in findings)


def _blocker(check: Check, findings: tuple[Finding, ...]) -> str:
    """The finding id that makes this check's dependants impossible, or ``""``."""
    for finding in findings:
        if finding.severity is Severity.ERROR:
            return finding.id
        if finding.severity is Severity.SKIP and finding.blocked_by:
            return finding.blocked_by
        if finding.id in check.blocking and finding.severity is not Severity.SKIP:
            return finding.id
    return ""


def evaluate(ctx: Context, *, probe_crash: str = "") -> tuple[Finding, ...]:
    """Walk every check in order, skipping what a blocking finding made impossible."""
    blockers: dict[str, str] = {}
    results: list[Finding] = []
    for check in CHECKS:
        blocked_by = next((blockers[r] for r in check.requires if blockers.get(r)), "")
        if blocked_by:
            findings: tuple[Finding, ...] = (
                Finding(
                    id=check.name,
                    severity=Severity.SKIP,
                    title=check.description,
                    summary=f"Blocked by {blocked_by}.",
                    check=check.name,
                    blocked_by=blocked_by,
                ),
            )
        elif check.name == "connect" and probe_crash:
            # The probes feed the connect check first; their crash is its crash.
            findings = (
                Finding(
                    id=check.name,
                    severity=Severity.ERROR,
                    title=check.description,
                    summary="The network probe crashed.",
                    check=check.name,
                    traceback=probe_crash,
                ),
            )
        else:
            findings = _run(check, ctx)
        blockers[check.name] = _blocker(check, findings)
        results.extend(findings)
    return tuple(results)


def _probe_manager(
    endpoint: ManagerEndpoint,
    settings: Settings,
    evidence: Evidence,
    redactor: Redactor,
    environ: Mapping[str, str],
    deadline: Deadline,
) -> tuple[ManagerEvidence, tuple[Exchange, ...]]:
    """The probes through one manager, with its own client (its proxy may differ).

    :raises UsageError: for a manager URL that is not an http(s) URL.
    """
    try:
        url = manager_index_url(endpoint.url.value)
    except UrlError as exc:
        raise UsageError(f"manager URL {exc}") from None
    credentials = BasicCredentials.of(endpoint.username.value, endpoint.password.value, for_url=url)
    admin = (
        BasicCredentials.of(
            settings.admin_username.value, settings.admin_password.value, for_url=url
        )
        if settings.admin_username.value
        else None
    )
    with HttpClient(options_for(settings, url, environ, deadline), redactor) as http:
        seen = gather_manager(url, credentials, catalog_projects(evidence), http, admin)
        return seen, http.exchanges


def diagnose(
    settings: Settings,
    *,
    redactor: Redactor,
    environ: Mapping[str, str],
    only: str | None = None,
    now: datetime | None = None,
    client: ClientConfig | None = None,
) -> Report:
    """Diagnose the catalog the settings describe; ``client`` is what pip and uv would use
    (``None``: the client group is skipped, as in the demo, which must not read this machine's
    pip configuration).

    :raises UsageError: for a CA bundle that does not exist (nothing else; outcomes are findings).
    """
    started = time.perf_counter()
    started_at = datetime.now(UTC)
    deadline = command_deadline(settings, "check")
    url: CatalogUrl | None = None
    url_error: UrlError | None = None
    if settings.catalog_url.value:
        try:
            url = parse_catalog_url(settings.catalog_url.value)
        except UrlError as exc:
            url_error = exc

    evidence = Evidence()
    requests: tuple[Exchange, ...] = ()
    proxy = options = None
    probe_crash = ""
    wants_network = only is None or only in NETWORK_GROUPS
    if url is not None:
        proxy = choose_proxy(url.simple_url, environ)
        if wants_network:
            options = options_for(settings, url.simple_url, environ, deadline)
            with HttpClient(options, redactor) as http:
                try:
                    evidence = gather(
                        url,
                        BasicCredentials.of(
                            settings.username.value, settings.password.value, for_url=url.base
                        ),
                        http,
                        options,
                        proxy,
                    )
                except Exception:  # reported as the connect check's error, never fatal
                    probe_crash = redactor.text(traceback.format_exc())
                requests = http.exchanges

    if only is None or only == "manager":
        managers = []
        for endpoint in settings.managers:
            seen, manager_requests = _probe_manager(
                endpoint, settings, evidence, redactor, environ, deadline
            )
            managers.append(seen)
            requests += manager_requests
        evidence = replace(evidence, managers=tuple(managers))
    url = evidence.url or url  # the index path the probes settled on (a server's layout)
    ctx = Context(settings, url, url_error, proxy, evidence, now or started_at, client)
    findings = evaluate(ctx, probe_crash=probe_crash)
    groups = (only,) if only else tuple(dict.fromkeys(c.group for c in CHECKS))
    group_of = {check.name: check.group for check in CHECKS}
    reported = tuple(f for f in findings if group_of[f.check] in groups)
    # A check skipped because another group's check failed: that failure is reported too, or
    # `--only auth` would show one skip and exit 0 for a broken catalog.
    blockers = {f.blocked_by for f in reported if f.blocked_by}
    causes = tuple(f for f in findings if f.id in blockers and f.is_problem and f not in reported)
    reported = causes + reported
    shown = set(groups) | {group_of[f.check] for f in causes}
    groups = tuple(g for g in dict.fromkeys(c.group for c in CHECKS) if g in shown)
    return Report(
        command="check",
        settings=settings,
        findings=reported,
        requests=requests,
        started_at=started_at,
        duration_ms=(time.perf_counter() - started) * 1000,
        groups=groups,
        proxy=proxy,
        ca_bundle=options.ca_bundle if options is not None else None,
    )


def audit_manager(settings: Settings, *, redactor: Redactor, environ: Mapping[str, str]) -> Report:
    """``asdiag manager``: every PyPI repository of the manager, with admin credentials.

    :raises UsageError: without a manager URL or admin credentials.
    """
    started = time.perf_counter()
    started_at = datetime.now(UTC)
    if not settings.manager_url.value:
        raise UsageError("no manager URL: give --manager-url or set ASDIAG_MANAGER_URL")
    password = settings.admin_password.value
    if not settings.admin_username.value or password is None:
        raise UsageError(
            "the audit reads the manager's configuration: give --admin-username and set "
            "ASDIAG_ADMIN_PASSWORD"
        )
    try:
        url = manager_index_url(settings.manager_url.value)
    except UrlError as exc:
        raise UsageError(f"manager URL {exc}") from None
    admin = BasicCredentials(settings.admin_username.value, password, Origin.of(url))
    catalog_base = None
    if settings.catalog_url.value:
        try:
            catalog_base = parse_catalog_url(settings.catalog_url.value).base
        except UrlError:
            catalog_base = None  # then only the vendor's host counts as the catalog
    options = options_for(settings, url, environ, command_deadline(settings, "manager"))
    with HttpClient(options, redactor) as http:
        root = http.get(url, probe="manager root", credentials=admin)
        problem = root_problem(url, root)
        if problem is not None and problem.id not in (
            "manager.refused",
            "manager.index-not-found",
            "manager.remote-blocked",
            "manager.not-simple",
        ):
            # Nothing usable answered there: no product to tell, no API to ask.
            findings: tuple[Finding, ...] = (problem,)
            requests = http.exchanges
        else:
            headers = dict(root.response.headers) if root.response is not None else {}
            info = detect(url, headers)
            result = audit(info, http, admin, catalog_base, settings.manager_username.value)
            findings = (*((problem,) if problem else ()), *result.findings)
            requests = result.requests
    findings = tuple(replace(f, check="manager") for f in findings)
    return Report(
        command="manager",
        settings=settings,
        findings=findings,
        requests=requests,
        started_at=started_at,
        duration_ms=(time.perf_counter() - started) * 1000,
        groups=("manager",),
        proxy=options.proxy,
        ca_bundle=options.ca_bundle,
    )
