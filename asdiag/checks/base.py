"""What a check is and what it reads.

A check is a pure function from a :class:`Context` (settings, the parsed URL and the evidence the
network probes gathered) to findings. It declares the checks it depends on and the finding ids
that, when it reports them, block its dependants; the doctor uses both to skip what cannot be
evaluated and say why.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass
from datetime import datetime

from asdiag.client_config import ClientConfig
from asdiag.evidence import DnsResult, FetchResult, ProxyChoice
from asdiag.findings import Finding
from asdiag.managers import ManagerInfo
from asdiag.managers.config import ConfigRead
from asdiag.servers import Server
from asdiag.settings import Settings
from asdiag.urls import CatalogUrl, UrlError


@dataclass(frozen=True)
class ManagerEvidence:
    """What the probes saw through the repository manager (``--manager-url``)."""

    #: The manager's PyPI URL as asdiag asked it: no credentials, ending in ``/``.
    url: str
    root: FetchResult
    info: ManagerInfo
    #: Catalog projects asked for through the manager: ``(normalised name, answer)``.
    pages: tuple[tuple[str, FetchResult], ...] = ()
    #: A well-known public project the catalog does not hold, asked for through the manager
    #: when its project list could not be read.
    public_probe: tuple[str, FetchResult] | None = None
    #: One file a page served through the manager lists: ``(file name, one-byte GET)``.
    file_probe: tuple[str, FetchResult] | None = None
    #: The configuration read with admin credentials; ``None`` when none were given.
    config: ConfigRead | None = None
    #: Nexus: a project the group served empty, asked of each proxy member directly
    #: ``(member, project, answer)``: a group hides its members' failures behind 200.
    member_probes: tuple[tuple[str, str, FetchResult], ...] = ()


@dataclass(frozen=True)
class Relocation:
    """The server's own index path, tried once after a 404 at the path first asked (devpi
    serves ``+simple/``, and answers 404 at ``simple/``)."""

    server: Server
    #: The last answer at the path first asked (the 404).
    first: FetchResult
    #: The index root asked instead.
    tried: str
    #: Whether it answered other than 404; then the evidence is its answers.
    found: bool
    #: The last answer there, when it was a 404 too (``found`` false).
    miss: FetchResult | None = None


@dataclass(frozen=True)
class Evidence:
    """What the network probes saw; ``None`` where a probe did not run."""

    dns: DnsResult | None = None
    anonymous: FetchResult | None = None
    authenticated: FetchResult | None = None
    #: The CA bundle used, as ``(path, source)``, when a request was made over https.
    ca_bundle: tuple[str, str] | None = None
    #: One entry per manager diagnosed (``--manager-url``, the profile's ``[[managers]]``).
    managers: tuple[ManagerEvidence, ...] = ()
    #: The server that answered at the catalog URL, from its answers' headers.
    server: Server | None = None
    #: The catalog URL the probes settled on (another index path than given, after a relocation).
    url: CatalogUrl | None = None
    relocation: Relocation | None = None

    @property
    def fetches(self) -> tuple[FetchResult, ...]:
        return tuple(f for f in (self.anonymous, self.authenticated) if f is not None)

    @property
    def last(self) -> FetchResult | None:
        """The most telling answer at the index root: the authenticated one when made."""
        return self.authenticated or self.anonymous


@dataclass(frozen=True)
class Context:
    """Everything a check may read; nothing in it does I/O."""

    settings: Settings
    url: CatalogUrl | None
    url_error: UrlError | None
    proxy: ProxyChoice | None
    evidence: Evidence
    now: datetime
    #: What pip and uv would use; ``None`` when the client group was not asked for.
    client: ClientConfig | None = None


@dataclass(frozen=True)
class Check:
    """One line of the checklist: a named, grouped, dependent evaluation."""

    name: str
    group: str
    description: str
    #: Names of the checks that must have passed for this one to be evaluated.
    requires: tuple[str, ...]
    #: Finding ids this check may report that make its dependants impossible to evaluate.
    blocking: tuple[str, ...]
    #: Every finding id the check may report (for ``--list-checks`` and the docs).
    ids: tuple[str, ...]
    run: Callable[[Context], Sequence[Finding]]
