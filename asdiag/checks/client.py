"""What pip and uv will really use: their indexes, credentials, cache and keyring settings.

Reads the :class:`~asdiag.client_config.ClientConfig` gathered before the checks run (pip's and
uv's configuration files and variables, requirements files, ``.netrc``), never pip or uv
themselves. A password found in any of them is shown only redacted.
"""

from __future__ import annotations

from collections.abc import Sequence
from urllib.parse import urlsplit

from asdiag.checks.base import Context
from asdiag.checks.network import skip
from asdiag.client_config import ClientConfig, IndexEntry
from asdiag.findings import Finding, Severity
from asdiag.registry import kind
from asdiag.settings import Source
from asdiag.urls import (
    index_location,
    is_catalog_url,
    is_public_url,
    password_of,
    unencoded_password_chars,
)


def _where(entry: IndexEntry) -> str:
    return f"{entry.shown_url} ({entry.tool} {entry.role}, {entry.origin.describe()})"


def _is_public(url: str | None) -> bool:
    """``None`` is pip's default index: public PyPI."""
    return url is None or is_public_url(url)


def _is_private_index(url: str | None) -> bool:
    """An index server that is not public PyPI (a catalog, a manager); local paths are not."""
    return url is not None and urlsplit(url).scheme in ("http", "https") and not _is_public(url)


def check_client(ctx: Context) -> Sequence[Finding]:
    config = ctx.client
    if config is None:
        return [skip("Not evaluated: the client configuration was not read.")]
    findings: list[Finding] = []
    findings += _unreadable(config)
    findings += _secrets(config.entries)
    findings += _indexes(ctx, config)
    findings += _cache(config)
    findings += _netrc(config)
    findings += _keyring_provider(ctx, config)
    if not any(f.is_problem for f in findings):
        findings.insert(0, kind("client.ok").finding(_summary(config), detail=_inventory(config)))
    return findings


def _summary(config: ClientConfig) -> str:
    pip = _where(config.pip_index) if config.pip_index else "public PyPI (pip's default)"
    return f"pip uses {pip}."


def _inventory(config: ClientConfig) -> str:
    lines = [f"pip config files read: {', '.join(config.pip_files) or 'none'}"]
    lines.append(f"uv config files read: {', '.join(config.uv_files) or 'none'}")
    lines += [f"{e.tool} {e.role}: {e.shown_url} ({e.origin.describe()})" for e in config.entries]
    lines += [f"{v.name} = {v.value} ({v.origin.describe()})" for v in config.values]
    return "\n".join(lines)


def _unreadable(config: ClientConfig) -> list[Finding]:
    notes = list(config.notes)
    if config.netrc.exists and config.netrc.error:
        notes.append(f"{config.netrc.path}: {config.netrc.error}")
    if not notes:
        return []
    return [
        kind("client.config-unreadable").finding(
            f"{len(notes)} configuration file(s) could not be used.", detail="\n".join(notes)
        )
    ]


def _secrets(entries: Sequence[IndexEntry]) -> list[Finding]:
    findings = []
    with_password = [e for e in entries if password_of(e.url)]
    if with_password:
        findings.append(
            kind("client.credentials-in-config").finding(
                f"{len(with_password)} index URL(s) carry a password.",
                detail="\n".join(_where(e) for e in with_password),
            )
        )
    unencoded = [(e, unencoded_password_chars(e.url)) for e in entries]
    unencoded = [(e, chars) for e, chars in unencoded if chars]
    if unencoded:
        findings.append(
            kind("client.password-unencoded").finding(
                f"A password in {len(unencoded)} URL(s) holds {' '.join(unencoded[0][1])} "
                "unencoded.",
                detail="\n".join(
                    f"{e.tool} {e.role} at {e.origin.describe()}" for e, _ in unencoded
                ),
            )
        )
    return findings


def _private_locations(ctx: Context) -> set[tuple[str, str]]:
    """The indexes being diagnosed: the catalog's base and the manager's URL."""
    places = set()
    if ctx.url is not None:
        places.add(index_location(ctx.url.base))
    if ctx.settings.manager_url.value:
        places.add(index_location(ctx.settings.manager_url.value))
    return places


def _indexes(ctx: Context, config: ClientConfig) -> list[Finding]:
    findings = []
    private = _private_locations(ctx)
    for tool, primary, extras in (
        ("pip", config.pip_index, config.pip_extras),
        ("uv", config.uv_index, config.uv_extras),
    ):
        if tool == "uv" and primary is None and not extras and not config.uv_files:
            continue  # uv not configured at all: nothing to say about it
        no_index = config.value("no-index") if tool == "pip" else None
        if no_index is not None and no_index.enabled:
            # pip asks no index at all (only find-links): its index settings are not used.
            findings.append(
                kind("client.index-mismatch").finding(
                    f"pip asks no index: no-index is set ({no_index.origin.describe()}); it "
                    "installs only from find-links locations.",
                    remediation="Remove no-index from pip's configuration (the place shown) so "
                    "that pip uses the repository manager's index.",
                )
            )
            continue
        primary_url = primary.url if primary else None
        sources = [primary_url, *(e.url for e in extras)]
        if extras and any(_is_private_index(url) for url in sources):
            public = any(_is_public(url) for url in sources)
            what = "public PyPI among them" if public else "all private"
            findings.append(
                _mixed(
                    f"{tool} would use {len(sources)} indexes ({what}).",
                    [
                        _where(primary) if primary else "public PyPI (default index)",
                        *(_where(e) for e in extras),
                    ],
                    public=public,
                )
            )
        if tool != "pip":
            continue
        catalog_base = ctx.url.base if ctx.url is not None else None
        if primary is not None and is_catalog_url(primary.url, catalog_base):
            findings.append(
                kind("client.direct-catalog").finding(
                    f"pip's index is the catalog: {_where(primary)}."
                )
            )
        elif private and (primary_url is None or index_location(primary_url) not in private):
            shown = _where(primary) if primary else "public PyPI (no index-url is set)"
            findings.append(kind("client.index-mismatch").finding(f"pip uses {shown}."))
    return findings


def _cache(config: ClientConfig) -> list[Finding]:
    off = [v for v in config.values if v.name in ("no-cache-dir", "no-cache") and v.enabled]
    if not off:
        return []
    return [
        kind("client.no-cache-dir").finding(
            "Caching is off: " + "; ".join(f"{v.name} ({v.origin.describe()})" for v in off) + "."
        )
    ]


def _netrc(config: ClientConfig) -> list[Finding]:
    netrc = config.netrc
    if not netrc.exists or netrc.mode is None or not netrc.mode & 0o077:
        return []
    return [
        kind("client.netrc-permissions").finding(
            f"{netrc.path} has mode {netrc.mode:03o}.",
            commands=(f"chmod 600 {netrc.path}",),
        )
    ]


def _keyring_provider(ctx: Context, config: ClientConfig) -> list[Finding]:
    if ctx.settings.password.source is not Source.KEYRING:
        return []
    provider = config.value("keyring-provider")
    if provider is not None and provider.value in ("import", "subprocess"):
        return []
    where = f"{provider.value} ({provider.origin.describe()})" if provider else "auto (default)"
    return [kind("client.keyring-provider").finding(f"pip's keyring-provider is {where}.")]


def requirements_index_findings(entries: Sequence[IndexEntry]) -> list[Finding]:
    """What a requirements file's own index lines change: an extra index or find-links beside
    the private one, and passwords written in them."""
    findings = _secrets(entries)
    extras = [e for e in entries if e.role in ("extra", "find-links")]
    if extras:
        public = any(_is_public(e.url) for e in extras)
        findings.insert(
            0,
            _mixed(
                f"The requirements files add {len(extras)} index(es) beside the private one"
                + (", public PyPI among them." if public else ", none of them public PyPI."),
                [_where(e) for e in extras],
                public=public,
            ),
        )
    return findings


def _mixed(summary: str, where: list[str], *, public: bool) -> Finding:
    """Another index beside the private one: public PyPI among them fails (curation bypassed,
    dependency confusion); only private ones warn (what they hold bypasses the catalog's
    curation, but no public package can shadow an internal name)."""
    if public:
        return kind("client.public-index-mixed").finding(summary, detail="\n".join(where))
    return kind("client.public-index-mixed").finding(
        summary,
        detail="\n".join(where),
        severity=Severity.WARN,
        remediation="If the other index is meant to be there (an internal index of your own "
        "packages), put it behind the repository manager with the catalog, so that one index "
        "serves both; otherwise remove it (in the file and line shown, or the variable).",
    )
