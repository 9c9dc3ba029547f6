"""``asdiag package``: is this package there, for my OS and Python, and if not, why.

pip prints the same "from versions: none" for a missing package, a refused request and a wheel
that does not fit. This module tells them apart. The flow per package and index: fetch the
project page (one request; the index root too, only after a 404, for near-miss names), parse it
(``simple_api``), decide in pure functions which versions match and which file each target would
install (``platforms``), then probe the best file of each target with a one-byte GET. Only
``diagnose_packages`` and the fetch helpers touch the network, through ``http.HttpClient``.
"""

from __future__ import annotations

import concurrent.futures
import difflib
import time
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, replace
from datetime import UTC, datetime

from packaging.requirements import InvalidRequirement, Requirement
from packaging.specifiers import SpecifierSet
from packaging.utils import (
    InvalidWheelFilename,
    canonicalize_name,
    parse_wheel_filename,
)
from packaging.version import Version

from asdiag.checks.index import repository_version_findings
from asdiag.checks.transport import fetch_problem, page_problem, withheld_sentence
from asdiag.distfiles import file_version
from asdiag.errors import UsageError
from asdiag.evidence import Exchange, FetchResult
from asdiag.findings import Finding, Severity
from asdiag.http import BasicCredentials, HttpClient, command_deadline, options_for
from asdiag.index_roots import Index, IndexRoots, RootAnswer, root_verdict
from asdiag.platforms import PRESETS, Target, classify, pip_platform_flags, pip_would_miss
from asdiag.redact import Redactor
from asdiag.registry import kind
from asdiag.servers import blocked, said, says_deploy_refused
from asdiag.settings import Settings
from asdiag.simple_api import (
    DistFile,
    NotAProjectPage,
    ProjectPage,
    parse_project_page,
)
from asdiag.urls import UrlError, manager_index_url, parse_catalog_url

#: Requests in flight at once: enough to overlap latency, far below any rate limit.
MAX_WORKERS = 4


# --- what was asked ----------------------------------------------------------------------------


@dataclass(frozen=True)
class PackageRequest:
    """One ``NAME[SPEC]`` argument."""

    text: str
    name: str  # as typed, for display
    project: str  # normalised, for URLs and comparisons
    specifier: SpecifierSet
    #: The file names a lock file (``pylock.toml``) pins: each must be on the project page.
    locked_files: tuple[str, ...] = ()

    @property
    def pinned(self) -> bool:
        """An ``==X`` (no wildcard) or ``===X`` among the specifiers: then, as pip decides,
        yanked files count when nothing else matches (PEP 592)."""
        return any(
            spec.operator == "===" or (spec.operator == "==" and not spec.version.endswith(".*"))
            for spec in self.specifier
        )


def parse_requests(texts: Sequence[str]) -> tuple[PackageRequest, ...]:
    """Parse the command line's packages.

    :raises UsageError: for anything that is not a name with an optional version range.
    """
    requests = []
    for text in texts:
        try:
            requirement = Requirement(text)
        except InvalidRequirement as exc:
            reason = str(exc).splitlines()[0] if str(exc) else "invalid"  # packaging adds a caret
            raise UsageError(
                f"{text!r} is not a package name with an optional version range ({reason})"
            ) from None
        if requirement.url:
            raise UsageError(f"{text!r} names a URL; give a package name and a version range")
        if requirement.marker is not None:
            raise UsageError(f"{text!r} has an environment marker; use --platform and --python")
        requests.append(
            PackageRequest(
                text, requirement.name, canonicalize_name(requirement.name), requirement.specifier
            )
        )
    return tuple(requests)


# --- the matrix ----------------------------------------------------------------------------------


@dataclass(frozen=True)
class Cell:
    target: str  # Target.key
    python: str  # "3.12"
    #: What the target would get from this version: "wheel" (a platform wheel), "pure", "sdist"
    #: (only the sdist, to build), "none", or "python" (Requires-Python excludes it).
    kind: str
    file: str | None = None


@dataclass(frozen=True)
class Row:
    version: str
    yanked: str | None
    cells: tuple[Cell, ...]


@dataclass(frozen=True)
class Matrix:
    targets: tuple[tuple[str, str], ...]  # (key, label)
    pythons: tuple[str, ...]
    rows: tuple[Row, ...]

    def to_dict(self) -> dict[str, object]:
        return {
            "targets": [{"key": k, "label": label} for k, label in self.targets],
            "pythons": list(self.pythons),
            "rows": [
                {
                    "version": row.version,
                    "yanked": row.yanked,
                    "cells": [
                        {"target": c.target, "python": c.python, "fit": c.kind, "file": c.file}
                        for c in row.cells
                    ],
                }
                for row in self.rows
            ],
        }


@dataclass(frozen=True)
class Release:
    """The files of one version, as the page lists them."""

    version: Version
    files: tuple[DistFile, ...]

    @property
    def yanked(self) -> str | None:
        """The yank reason when every file is yanked (PEP 592 yanks files; pip skips them)."""
        reasons = [f.yanked for f in self.files]
        if reasons and all(r is not None for r in reasons):
            return next((r for r in reasons if r), "")
        return None

    def fit(self, target: Target) -> Cell:
        """What ``target`` would install from this release."""
        python = Version(".".join(map(str, target.python)))
        # pip skips yanked files unless the whole release is yanked (and was pinned to get here).
        files = [f for f in self.files if f.yanked is None] or list(self.files)
        admitted = [f for f in files if _admits(f.requires_python, python)]
        label = f"{target.python[0]}.{target.python[1]}"
        if files and not admitted:
            return Cell(target.key, label, "python")
        fit = classify([f.filename for f in admitted], target)
        if fit.wheel is not None:
            return Cell(target.key, label, fit.kind, fit.wheel.filename)
        if fit.sdist is not None:
            return Cell(target.key, label, "sdist", fit.sdist)
        return Cell(target.key, label, "none")


def _admits(requires_python: str | None, python: Version) -> bool:
    if not requires_python:
        return True
    try:
        return SpecifierSet(requires_python).contains(python, prereleases=True)
    except ValueError:
        return True  # pip ignores an unparseable Requires-Python too


def releases(
    page: ProjectPage, project: str, formats: frozenset[str] = frozenset({"binary", "source"})
) -> tuple[tuple[Release, ...], tuple[str, ...]]:
    """Group the page's files by version, newest first; notes for files that cannot be read,
    or that ``formats`` (``--only-binary`` / ``--no-binary``) keeps pip from using."""
    by_version: dict[Version, list[DistFile]] = {}
    notes = list(page.notes)
    for dist in page.files:
        wheel = dist.filename.endswith(".whl")
        if ("binary" if wheel else "source") not in formats:
            flag = "--no-binary" if wheel else "--only-binary"
            notes.append(f"{dist.filename}: ignored because of {flag} in the requirements")
            continue
        read = file_version(dist.filename, project, egg=dist.egg, url=dist.url)
        if read.version is None:
            notes.append(f"{dist.filename}: ignored because {read.reason}")
            continue
        by_version.setdefault(read.version, []).append(dist)
    ordered = sorted(by_version, reverse=True)
    return tuple(Release(v, tuple(by_version[v])) for v in ordered), tuple(notes)


# --- the result ----------------------------------------------------------------------------------


@dataclass(frozen=True)
class PackageResult:
    request: PackageRequest
    index: str  # "catalog" or "manager"
    page_url: str
    findings: tuple[Finding, ...]
    matrix: Matrix | None = None
    #: Every version the page lists, newest first.
    versions: tuple[str, ...] = ()
    #: The version each target would install (``target key -> version``), for the summary.
    chosen: tuple[tuple[str, str], ...] = ()

    def to_dict(self, *, verbose: bool) -> dict[str, object]:
        return {
            "package": self.request.text,
            "project": self.request.project,
            "index": self.index,
            "page_url": self.page_url,
            "versions": list(self.versions),
            "matrix": self.matrix.to_dict() if self.matrix else None,
            "findings": [f.to_dict(verbose=verbose) for f in self.findings],
        }


@dataclass(frozen=True)
class PackageReport:
    results: tuple[PackageResult, ...]
    targets: tuple[Target, ...]
    requests: tuple[Exchange, ...]
    started_at: datetime
    duration_ms: float
    #: About an index rather than a package (its server's layout), said once.
    notes: tuple[Finding, ...] = ()

    @property
    def findings(self) -> tuple[Finding, ...]:
        return (*self.notes, *(f for result in self.results for f in result.findings))


# --- deciding, purely ---------------------------------------------------------------------------


@dataclass(frozen=True)
class Options:
    targets: tuple[Target, ...]
    #: Whether the user chose the platforms / Pythons (a miss is then a failure, not a warning).
    requested_platforms: bool = False
    requested_pythons: bool = False
    pre: bool = False
    rows: int = 3
    #: One-byte GETs of each target's file (``asdiag requirements`` only with --probe-files).
    probe_files: bool = True
    #: What pip may install for this project: ``binary`` (wheels) and ``source`` (sdists),
    #: narrowed by a requirements file's ``--only-binary`` / ``--no-binary``.
    formats: frozenset[str] = frozenset({"binary", "source"})
    #: ``--only-final`` (a requirements file's): no pre-release, even when nothing else matches.
    only_final: bool = False
    #: ``--prefer-binary``: an older version's wheel over a newer version's sdist. Without it
    #: pip builds the newest version it can install, from source if it has to.
    prefer_binary: bool = False


def matching(
    request: PackageRequest, found: tuple[Release, ...], pre: bool, only_final: bool = False
) -> tuple[Release, ...]:
    """The releases the specifier admits, newest first, as pip chooses them: pre-releases when
    asked for or when nothing final matches (never with ``only_final``); yanked ones only when
    pinned and nothing else is left (pip's resolver, PEP 592)."""
    by_version = {r.version: r for r in found}
    prereleases = False if only_final else True if pre else None
    admitted = request.specifier.filter(by_version, prereleases=prereleases)
    chosen = [by_version[v] for v in admitted]
    if not (request.pinned and all(r.yanked is not None for r in chosen)):
        chosen = [r for r in chosen if r.yanked is None]
    return tuple(sorted(chosen, key=lambda r: r.version, reverse=True))


def decide(
    request: PackageRequest,
    index: Index,
    page: ProjectPage,
    page_url: str,
    options: Options,
    evidence: tuple[Exchange, ...],
) -> tuple[PackageResult, tuple[DistFile, ...]]:
    """The findings and matrix for one page, and the files worth probing."""
    found, notes = releases(page, request.project, options.formats)
    findings: list[Finding] = list(_status_findings(request, page, evidence))
    versions = tuple(str(r.version) for r in found)
    candidates = matching(request, found, options.pre, options.only_final)
    quarantined = page.status == "quarantined"
    if not candidates:
        if not (quarantined and not page.files):  # else the status says why nothing is there
            findings.append(_no_candidates(request, found, options, evidence, notes))
    elif candidates[0].yanked is not None:  # pinned with ==: pip takes it, with a warning
        findings.append(
            kind("package.yanked-only").finding(
                f"{request.name} {candidates[0].version} is yanked: "
                f"{(candidates[0].yanked or 'no reason given').rstrip('.')}.",
                severity=Severity.WARN,
                evidence=evidence,
            )
        )
    shown = candidates[: options.rows] or found[: options.rows]
    matrix = Matrix(
        targets=tuple(dict.fromkeys((t.key, t.label) for t in options.targets)),
        pythons=tuple(dict.fromkeys(f"{t.python[0]}.{t.python[1]}" for t in options.targets)),
        rows=tuple(
            Row(str(r.version), r.yanked, tuple(r.fit(t) for t in options.targets)) for r in shown
        ),
    )
    findings += _hash_findings(found, evidence)
    listed = {dist.filename for dist in page.files}
    missing_locked = [name for name in request.locked_files if name not in listed]
    if missing_locked:
        findings.append(
            kind("package.locked-file-missing").finding(
                f"{request.text}: the lock file pins {', '.join(missing_locked)}, which the "
                "index does not list.",
                evidence=evidence,
            )
        )
    probes: list[DistFile] = []
    chosen: dict[str, str] = {}
    if candidates:
        fit_findings, probes, chosen = _fit_findings(request, candidates, options, evidence)
        findings += fit_findings
        newest = candidates[0]
        detail = "\n".join(notes)
        findings.insert(
            0,
            kind("package.ok").finding(
                f"{request.text}: {len(candidates)} matching "
                f"version{'s' if len(candidates) > 1 else ''}; newest {newest.version}.",
                detail=detail,
                evidence=evidence,
            ),
        )
    result = PackageResult(
        request, index.name, page_url, tuple(findings), matrix, versions, tuple(chosen.items())
    )
    return result, tuple(probes)


def _status_findings(
    request: PackageRequest, page: ProjectPage, evidence: tuple[Exchange, ...]
) -> list[Finding]:
    """PEP 792: a project the index quarantined (no files to install), archived or deprecated."""
    status = page.status
    if status is None or status == "active":
        return []
    reason = f" Reason given: {page.status_reason}." if page.status_reason else ""
    words = {
        "quarantined": "is quarantined by the index: it offers no files until the quarantine "
        "is lifted",
        "archived": "is archived: no new releases will come; its files still install",
        "deprecated": "is deprecated by its maintainers; its files still install",
    }
    severity = Severity.WARN if status in words else Severity.INFO
    text = words.get(status, f"has the project status {status!r}, which PEP 792 does not define")
    if status == "quarantined":
        if page.files:  # pip 26.3 does not read the status: it installs what the page lists
            text = (
                "is quarantined by the index, yet the page lists files: pip 26.3 does not read "
                "PEP 792 status and would install them"
            )
        else:
            severity = Severity.FAIL
    return [
        kind("package.project-status").finding(
            f"{request.name} {text}.{reason}", severity=severity, evidence=evidence
        )
    ]


def _no_candidates(
    request: PackageRequest,
    found: tuple[Release, ...],
    options: Options,
    evidence: tuple[Exchange, ...],
    notes: Sequence[str] = (),
) -> Finding:
    spec = str(request.specifier) or "any version"
    if not found:  # the verdict rests on what was ignored: say what and why
        more = f"\n... and {len(notes) - 10} more" if len(notes) > 10 else ""
        return kind("package.version-not-found").finding(
            f"{request.name}: the page lists no usable files"
            + (" (why each entry was ignored: see the detail)." if notes else "."),
            detail="\n".join(notes[:10]) + more,
            evidence=evidence,
        )
    admitted = list(request.specifier.filter([r.version for r in found], prereleases=True))
    yanked = [r for r in found if r.version in admitted and r.yanked is not None]
    if admitted and len(yanked) == len(admitted):
        reasons = "; ".join(f"{r.version}: {r.yanked or 'no reason given'}" for r in yanked[:5])
        others = [str(r.version) for r in found if r.yanked is None][:5]
        return kind("package.yanked-only").finding(
            f"{request.name}: every version matching {spec} is yanked.",
            detail=f"Yanked: {reasons}",
            remediation="Pin one with == only if you accept why it was yanked, or choose another "
            f"version: {', '.join(others) or 'none is left'}.",
            evidence=evidence,
        )
    # A yanked final release makes pip skip the pre-releases beside it; --pre brings them back.
    live = [r.version for r in found if r.version in admitted and r.yanked is None]
    pre_only = bool(live) and all(v.is_prerelease for v in live) and not options.pre
    newest = ", ".join(str(r.version) for r in found[:5])
    return kind("package.version-not-found").finding(
        f"{request.name}: no version matches {spec}; the index has {newest}.",
        detail="Only pre-releases match: add --pre (pip: --pre) to consider them."
        if pre_only
        else "",
        evidence=evidence,
    )


def _hash_findings(found: tuple[Release, ...], evidence: tuple[Exchange, ...]) -> list[Finding]:
    files = [f for r in found for f in r.files]
    if not files:
        return []
    hashed = [f for f in files if f.hashes]
    if not hashed:
        return [
            kind("package.no-hashes").finding(
                f"None of the {len(files)} files has a hash.", evidence=evidence
            )
        ]
    if all({name for name, _ in f.hashes} == {"md5"} for f in hashed):
        return [
            kind("package.md5-only").finding(
                f"The {len(hashed)} hashed files have only md5.", evidence=evidence
            )
        ]
    return []


def _python_label(pythons: Iterable[str]) -> str:
    return ", ".join(sorted(set(pythons), key=lambda p: tuple(int(x) for x in p.split("."))))


def _fit_findings(
    request: PackageRequest,
    candidates: tuple[Release, ...],
    options: Options,
    evidence: tuple[Exchange, ...],
) -> tuple[list[Finding], list[DistFile], dict[str, str]]:
    """Per target: the newest matching release that fits each Python, and what is missing."""
    findings: list[Finding] = []
    #: One file per target platform proves the route: its best wheel, else the sdist pip
    #: would build.
    wheel_probes: dict[str, DistFile] = {}
    sdist_probes: dict[str, DistFile] = {}
    chosen: dict[str, str] = {}
    misses: dict[str, list[str]] = {}  # target label -> pythons without a wheel
    sdist_for: dict[str, list[str]] = {}
    excluded: dict[str, set[str]] = {}  # python -> requires-python values excluding it
    narrow: dict[str, tuple[Target, str]] = {}
    labels = {t.key: t.label for t in options.targets}
    for target in options.targets:
        best: tuple[Release, Cell] | None = None
        kinds = []
        for release in candidates:
            cell = release.fit(target)
            kinds.append(cell.kind)
            if cell.kind in ("wheel", "pure"):
                best = (release, cell)
                break
            if cell.kind == "sdist" and not options.prefer_binary:
                break  # pip takes the newest version it can install, building it from source
        if best is not None:
            release, cell = best
            if target.key not in PRESETS and cell.file and pip_would_miss(target, cell.file):
                narrow.setdefault(target.key, (target, cell.file))
            chosen.setdefault(target.label, str(release.version))
            dist = next(f for f in release.files if f.filename == cell.file)
            wheel_probes.setdefault(target.key, dist)
            continue
        python = f"{target.python[0]}.{target.python[1]}"
        if kinds and all(k == "python" for k in kinds):
            excluded.setdefault(python, set()).update(
                f.requires_python or "" for r in candidates for f in r.files
            )
        elif "sdist" in kinds:
            sdist_for.setdefault(labels[target.key], []).append(python)
            built = candidates[kinds.index("sdist")]  # the release pip would build
            sdist_probes.setdefault(
                target.key, next(f for f in built.files if not f.filename.endswith(".whl"))
            )
        else:
            misses.setdefault(labels[target.key], []).append(python)

    any_wheel = any(f.filename.endswith(".whl") for r in candidates for f in r.files)
    fail_or_warn = (
        Severity.FAIL if options.requested_platforms or options.requested_pythons else Severity.WARN
    )
    if excluded:
        lines = [
            f"Python {p}: excluded by Requires-Python {', '.join(sorted(v))}"
            for p, v in sorted(excluded.items())
        ]
        findings.append(
            kind("package.requires-python").finding(
                f"{request.text} does not support Python {_python_label(excluded)}.",
                detail="\n".join(lines),
                severity=Severity.FAIL if options.requested_pythons else Severity.WARN,
                evidence=evidence,
            )
        )
    if not any_wheel:
        findings.append(
            kind("package.sdist-only").finding(
                f"{request.text}: no wheels, only a source distribution; pip must build it.",
                evidence=evidence,
            )
        )
    else:
        gaps = {**misses, **sdist_for}
        for label, pythons in gaps.items():
            tail = (
                " (pip would build the sdist: compilers and headers needed)"
                if label in sdist_for
                else ""
            )
            findings.append(
                kind("package.no-compatible-wheel").finding(
                    f"{request.text}: no wheel for {label}, Python {_python_label(pythons)}{tail}.",
                    severity=fail_or_warn,
                    evidence=evidence,
                )
            )
        mac_gaps = [t.label for t in options.targets if t.os == "macos" and t.label in gaps]
        platforms = _wheel_platforms(candidates)
        has_mac = any(p.startswith("macosx") for p in platforms)
        has_other_binary = any(p != "any" and not p.startswith("macosx") for p in platforms)
        if mac_gaps and has_other_binary and not has_mac:
            findings.append(
                kind("package.no-macos-builds").finding(
                    f"{request.name} has wheels for other systems but none for "
                    f"{', '.join(dict.fromkeys(mac_gaps))}.",
                    evidence=evidence,
                )
            )
    for target, filename in narrow.values():
        flags = " ".join(f"--platform {p}" for p in pip_platform_flags(target))
        findings.append(
            kind("package.pip-platform-narrow").finding(
                f"{filename} fits {target.key}, but pip download --platform {target.key} alone "
                "would not take it.",
                detail=f"pip flags that match the target: {flags}",
                evidence=evidence,
            )
        )
    keys = dict.fromkeys(t.key for t in options.targets)
    chosen_files = [wheel_probes.get(key) or sdist_probes.get(key) for key in keys]
    probes = {dist.url: dist for dist in chosen_files if dist is not None}
    return findings, list(probes.values()), chosen


def _wheel_platforms(candidates: tuple[Release, ...]) -> set[str]:
    """The platform parts of every wheel tag of ``candidates``."""
    platforms: set[str] = set()
    for release in candidates:
        for dist in release.files:
            try:
                _, _, _, tags = parse_wheel_filename(dist.filename)
            except InvalidWheelFilename:
                continue
            platforms.update(tag.platform for tag in tags)
    return platforms


def not_found(
    request: PackageRequest,
    index: Index,
    page_url: str,
    root: Sequence[str] | None,
    options: Options,
    evidence: tuple[Exchange, ...],
) -> tuple[Finding, ...]:
    """A 404 for the project page: suggestions, and the request to send the vendor."""
    findings = []
    suggestions = near_misses(request.project, root or ())
    systems = ", ".join(dict.fromkeys(t.label for t in options.targets))
    pythons = _python_label(f"{t.python[0]}.{t.python[1]}" for t in options.targets)
    vendor_request = "\n".join(
        [
            "Request for the catalog vendor:",
            f"  Package: {request.name}",
            f"  Version or range: {str(request.specifier) or 'the latest'}",
            f"  Target operating systems: {systems}",
            f"  Python versions: {pythons}",
            "  Dependency: direct (asked for by name)",
            "  Business justification: <why the organisation needs it>",
            "  Security or compliance requirements: <if any>",
        ]
    )
    findings.append(
        kind("package.not-found").finding(
            f"The {index.name} does not hold {request.name}: {page_url} answered 404.",
            detail=vendor_request,
            evidence=evidence,
        )
    )
    if suggestions:
        findings.append(
            kind("package.near-miss").finding(
                f"Did you mean {', '.join(name for name, _ in suggestions)}?",
                detail="\n".join(f"{name}: {why}" for name, why in suggestions),
                evidence=evidence,
            )
        )
    return tuple(findings)


def near_misses(project: str, names: Iterable[str], limit: int = 3) -> list[tuple[str, str]]:
    """Projects in the index whose names are close to ``project``, with why."""
    by_normal: dict[str, str] = {canonicalize_name(n): n for n in names}
    found: dict[str, str] = {}

    def squash(name: str) -> str:
        return name.replace("-", "")

    for normal, shown in by_normal.items():
        if normal == project:
            continue
        if squash(normal) == squash(project):
            found.setdefault(shown, "the same name with other separators")
        for prefix in ("python-", "py"):
            if normal == prefix + project or project == prefix + normal:
                found.setdefault(shown, f"the same name with or without a {prefix!r} prefix")
    for close in difflib.get_close_matches(project, list(by_normal), n=limit, cutoff=0.8):
        if close != project:
            found.setdefault(by_normal[close], "a close spelling")
    return list(found.items())[:limit]


# --- the network part ---------------------------------------------------------------------------


def _page_failure(index: Index, url: str, fetched: FetchResult) -> Finding:
    evidence = fetched.exchanges
    problem = page_problem(fetched, f"The project page {url}")
    if problem is not None:
        return problem
    assert fetched.response is not None
    status = fetched.response.status
    if status in (401, 403):
        sent = any(e.sent_credentials for e in evidence)
        withheld = withheld_sentence(fetched)
        how = (
            "with credentials"
            if sent
            else f"without credentials ({withheld})"
            if withheld
            else "(no credentials were given)"
        )
        return kind("package.index-refused").finding(
            f"{url} answered {status} {how}.", evidence=evidence
        )
    retry = fetched.response.header("retry-after")
    server = fetched.response.header("server") or ""
    detail = ""
    if server.startswith("Nexus/") and status in (502, 503):
        detail = (
            "Nexus answers 503 when the proxy's upstream answers 401, 407 or a server error, "
            "and 502 when it cannot reach it; it then blocks the proxy for a while. Run `asdiag "
            "check` with --manager-url to see which."
        )
    return kind("package.index-unavailable").finding(
        f"{url} answered {status}{f'; Retry-After: {retry}' if retry else ''}.",
        detail=detail,
        evidence=evidence,
    )


def triage_one(
    request: PackageRequest, index: Index, client: HttpClient, roots: IndexRoots, options: Options
) -> PackageResult:
    """Fetch, decide, probe: one package at one index (at the path its server's layout puts
    it, once a root answer showed it)."""
    index = roots.current(index)
    url = index.project_url(request.project)
    fetched = client.get(url, probe=f"page {request.project}", credentials=index.credentials)
    root = roots.root(index) if is_not_found(fetched) else None
    if root is not None and root.moved_to is not None:
        index = root.moved_to
        url = index.project_url(request.project)
        fetched = client.get(url, probe=f"page {request.project}", credentials=index.credentials)
        root = roots.root(index) if is_not_found(fetched) else None
    result, probes = judge_page(request, index, url, fetched, root, options)
    if not options.probe_files or not probes:
        return result
    files = [
        (
            dist,
            client.get(
                dist.url,
                probe=f"file {dist.filename}",
                credentials=index.credentials,
                byte_range=True,
            ),
        )
        for dist in probes
    ]
    return with_probes(result, files)


def is_not_found(fetched: FetchResult) -> bool:
    """A plain 404 for the project page, from the index itself (not from another origin that
    never got the credentials): the index's project list can then suggest names."""
    return fetched.failure is None and fetched.status == 404 and not fetched.refused_elsewhere


def judge_page(
    request: PackageRequest,
    index: Index,
    url: str,
    fetched: FetchResult,
    root: RootAnswer | None,
    options: Options,
) -> tuple[PackageResult, tuple[DistFile, ...]]:
    """Everything about one project page, purely: the findings, and the files worth probing.

    ``root`` is what the index root answered after the page's 404 (``None``: not asked); a
    project is called missing only when that root answers as an index."""
    notes: list[Finding] = []
    if request.name != request.project:
        notes.append(
            kind("package.name-not-normalized").finding(
                f"{request.name!r} is spelt {request.project!r} once normalised; asdiag asks for "
                f"{url}."
            )
        )
    response = fetched.response
    message = said(fetched) if fetched.status == 404 else None
    block = blocked(message)
    if block is not None:  # a blocked Nexus proxy's 404 says nothing about the project
        finding = kind("package.index-unavailable").finding(
            f"{url} answered 404: the Nexus proxy is {block.sentence} and asks the catalog for "
            "nothing; only cached packages install.",
            detail=f"Nexus says: {message}\nRun `asdiag check` with --manager-url for "
            "what made the upstream fail.",
            evidence=fetched.exchanges,
        )
        return PackageResult(request, index.name, url, (*notes, finding)), ()
    if is_not_found(fetched):
        verdict = root_verdict(index, url, fetched, root) if root is not None else None
        if verdict is not None:
            return PackageResult(request, index.name, url, (*notes, verdict)), ()
        names = root.projects if root is not None else None
        found = not_found(request, index, url, names, options, fetched.exchanges)
        return PackageResult(request, index.name, url, (*notes, *found)), ()
    if (
        response is None
        or fetched.failure is not None
        or response.status != 200
        or response.truncated
    ):
        return PackageResult(
            request, index.name, url, (*notes, _page_failure(index, url, fetched))
        ), ()
    page = parse_project_page(
        response.body, response.content_type, _final_url(fetched, url), response.charset
    )
    if isinstance(page, NotAProjectPage):
        head = fetched.exchanges[-1].body_start()
        finding = kind("package.page-unreadable").finding(
            f"{url} answered 200, but {page.reason}.",
            detail=f"Content-Type: {response.content_type or '(none)'}\nBody starts: {head}",
            evidence=fetched.exchanges,
        )
        return PackageResult(request, index.name, url, (*notes, finding)), ()
    if not page.files and index.name == "manager":
        return PackageResult(
            request, index.name, url, (*notes, empty_page(request, url, fetched))
        ), ()
    result, probes = decide(request, index, page, url, options, fetched.exchanges)
    version = tuple(
        replace(f, evidence=fetched.exchanges)
        for f in repository_version_findings(page.api_version)
    )
    return replace(result, findings=(*notes, *result.findings, *version)), probes


def empty_page(request: PackageRequest, url: str, fetched: FetchResult) -> Finding:
    """A manager's page with no files: a Nexus group answers 200 so when no member had the
    project and when every member failed, so it says nothing about which until the catalog is
    asked directly (``cross_check``)."""
    return kind("package.empty-page").finding(
        f"{url} answered 200 with a page that lists no files for {request.name}.",
        detail="A Nexus group answers this way when none of its members has the project, and "
        "also when every member failed (a refused or blocked upstream). Asked directly, the "
        "catalog tells which; give --catalog-url if it was not asked.",
        evidence=fetched.exchanges,
    )


def with_probes(
    result: PackageResult, files: Sequence[tuple[DistFile, FetchResult]]
) -> PackageResult:
    """The result with what the file probes found (nothing when every file answered)."""
    found = [probe_finding(dist, fetched) for dist, fetched in files]
    return replace(result, findings=(*result.findings, *(f for f in found if f is not None)))


def _final_url(fetched: FetchResult, fallback: str) -> str:
    """The page's URL after redirects, as requested: relative links resolve against it."""
    return fetched.final_url or fallback


def probe_finding(dist: DistFile, fetched: FetchResult) -> Finding | None:
    """What a one-byte GET of ``dist`` says: nothing when it answered, else why not."""
    response = fetched.response
    if response is not None and fetched.failure is None and response.status in (200, 206):
        return None
    problem = fetch_problem(fetched, f"The file {dist.filename}")
    if problem is not None:
        return problem
    outcome = str(response.status) if response is not None else "nothing"
    message = said(fetched)
    if says_deploy_refused(message):
        return kind("package.file-unreachable").finding(
            f"{dist.filename}: the index lists it; Artifactory refused the download: the user "
            "lacks Deploy/Cache on the catalog's remote.",
            detail=f"Artifactory says: {message}",
            remediation="In Artifactory, give the user (or one of its groups) Read and "
            "Deploy/Cache on the catalog's remote (Administration > Permissions); `asdiag "
            "manager --manager-username USER` names the target to edit.",
            evidence=fetched.exchanges,
        )
    hint = f"The server says: {message}" if message else ""
    headers = {name for exchange in fetched.exchanges for name, _ in exchange.headers}
    server = next((v for e in fetched.exchanges for n, v in e.headers if n == "server"), "")
    if server.lower().startswith("nexus"):
        hint += "\n" if hint else ""
        hint += (
            "Nexus answered: its /packages/ hash lookup could not map the file back to the "
            "catalog (see nexus.log)."
        )
    elif any(h.startswith("x-jfrog") or h.startswith("x-artifactory") for h in headers):
        hint += "\n" if hint else ""
        hint += (
            "Artifactory answered: the user may lack Deploy/Cache on the remote, or the remote "
            "cannot reach the catalog."
        )
    return kind("package.file-unreachable").finding(
        f"{dist.filename}: the index lists it, the download answered {outcome}.",
        detail="\n".join(
            x
            for x in (f"URL: {fetched.exchanges[0].url if fetched.exchanges else dist.url}", hint)
            if x
        ),
        evidence=fetched.exchanges,
    )


def cross_check(results: Sequence[PackageResult]) -> tuple[PackageResult, ...]:
    """Through a manager and directly, compared: the catalog holds it but the manager does not
    serve it (the manager cannot fetch it), or the manager serves what the catalog does not hold
    (another upstream, such as public PyPI, bypasses curation)."""
    by_key = {(r.request.text, r.index): r for r in results}
    out = []
    for result in results:
        direct = by_key.get((result.request.text, "catalog"))
        if result.index == "manager" and direct is not None:
            result = _compare(result, direct)
        out.append(result)
    return tuple(out)


def _compare(managed: PackageResult, direct: PackageResult) -> PackageResult:
    ids = {f.id for f in managed.findings}
    direct_missing = any(f.id == "package.not-found" for f in direct.findings)
    findings = managed.findings
    name = managed.request.name
    evidence = next((f.evidence for f in managed.findings if f.evidence), ())
    absent = {"package.not-found", "package.index-refused", "package.empty-page"}
    if direct.versions and ids & absent:
        # The vendor request would mislead: the catalog has it; the manager is the problem.
        findings = tuple(
            f
            for f in findings
            if f.id not in ("package.not-found", "package.near-miss", "package.empty-page")
        )
        how = "lists no files for it" if "package.empty-page" in ids else "does not serve it"
        findings += (
            kind("package.missing-in-manager").finding(
                f"The catalog lists {name} ({len(direct.versions)} versions); "
                f"{managed.page_url} {how}.",
                evidence=evidence,
            ),
        )
    elif "package.empty-page" in ids and direct_missing:
        # The group's empty page is the catalog's 404: the vendor request is the answer.
        findings = tuple(f for f in findings if f.id != "package.empty-page")
        findings += (
            kind("package.not-found").finding(
                f"The catalog does not hold {name} either ({direct.page_url} answered 404): "
                "the manager's empty page follows from it.",
                detail="The request to send the vendor is in the catalog's result.",
                evidence=evidence,
            ),
        )
    elif managed.versions and direct_missing:
        findings += (
            kind("package.outside-catalog").finding(
                f"The manager serves {name} ({', '.join(managed.versions[:3])}), but the catalog "
                "does not hold it.",
                evidence=evidence,
            ),
        )
    return replace(managed, findings=findings)


# --- the entry point ---------------------------------------------------------------------------

VIA_CHOICES = ("auto", "catalog", "manager", "both")


def layout_notes(indexes: Sequence[Index], roots: Mapping[str, IndexRoots]) -> tuple[Finding, ...]:
    """``net.server-layout`` once for each index the run moved to its server's own path."""
    notes = []
    for index in indexes:
        moved = roots[index.name].current(index)
        if moved is not index:
            note = roots[index.name].root(index).layout_finding(index)
            notes += [note] if note is not None else []
    return tuple(notes)


def indexes_for(settings: Settings, via: str) -> tuple[Index, ...]:
    """The indexes ``--via`` asks for, from the settings.

    :raises UsageError: when the one asked for is not configured, or its URL is unusable.
    """
    catalog = manager = None
    if settings.catalog_url.value:
        try:
            url = parse_catalog_url(settings.catalog_url.value)
        except UrlError as exc:
            raise UsageError(f"catalog URL {exc}") from None
        simple_url = url.simple_url.rstrip("/") + "/"
        credentials = BasicCredentials.of(
            settings.username.value, settings.password.value, for_url=simple_url
        )
        catalog = Index("catalog", simple_url, credentials)
    if settings.manager_url.value:
        try:
            manager_url = manager_index_url(settings.manager_url.value)
        except UrlError as exc:
            raise UsageError(f"manager URL {exc}") from None
        credentials = BasicCredentials.of(
            settings.manager_username.value, settings.manager_password.value, for_url=manager_url
        )
        manager = Index("manager", manager_url, credentials)
    wanted = {
        "auto": (manager, catalog),
        "catalog": (catalog,),
        "manager": (manager,),
        "both": (manager, catalog),
    }[via]
    if via in ("catalog", "both") and catalog is None:
        raise UsageError(
            "--via catalog needs the catalog URL (--catalog-url or ASDIAG_CATALOG_URL)"
        )
    if via in ("manager", "both") and manager is None:
        raise UsageError(
            "--via manager needs the manager URL (--manager-url or ASDIAG_MANAGER_URL)"
        )
    found = tuple(index for index in wanted if index is not None)
    if not found:
        raise UsageError(
            "no index to ask: give --catalog-url (or ASDIAG_CATALOG_URL) or --manager-url"
        )
    return found


def diagnose_packages(
    settings: Settings,
    requests: Sequence[PackageRequest],
    options: Options,
    *,
    via: str,
    redactor: Redactor,
    environ: Mapping[str, str],
) -> PackageReport:
    """Triage ``requests`` at the indexes ``via`` names.

    :raises UsageError: for an index that is not configured or a CA bundle that does not exist.
    """
    started = time.perf_counter()
    started_at = datetime.now(UTC)
    indexes = indexes_for(settings, via)
    deadline = command_deadline(settings, "package")
    clients = {
        index.name: HttpClient(options_for(settings, index.simple_url, environ, deadline), redactor)
        for index in indexes
    }
    try:
        roots = {name: IndexRoots(client) for name, client in clients.items()}
        jobs = [(request, index) for request in requests for index in indexes]
        with concurrent.futures.ThreadPoolExecutor(max_workers=min(MAX_WORKERS, len(jobs))) as pool:
            results = list(
                pool.map(
                    lambda job: triage_one(
                        job[0], job[1], clients[job[1].name], roots[job[1].name], options
                    ),
                    jobs,
                )
            )
    finally:
        for client in clients.values():
            client.close()
    return PackageReport(
        results=cross_check(results),
        notes=layout_notes(indexes, roots),
        targets=options.targets,
        requests=tuple(e for client in clients.values() for e in client.exchanges),
        started_at=started_at,
        duration_ms=(time.perf_counter() - started) * 1000,
    )
