"""Lint the catalog URL against the shape the vendor issues, offline."""

from __future__ import annotations

from collections.abc import Sequence

from asdiag.checks.base import Context
from asdiag.findings import Finding, Severity
from asdiag.registry import kind
from asdiag.urls import CatalogUrl, is_uuid


def check_url(ctx: Context) -> Sequence[Finding]:
    if ctx.url_error is not None:
        return [kind("url.invalid").finding(f"The catalog URL {ctx.url_error}.")]
    url = ctx.url
    if url is None:  # the config check already failed
        return []
    findings: list[Finding] = []
    if url.scheme == "http" and not url.is_loopback:
        findings.append(
            kind("url.insecure-scheme").finding(
                f"{url.given} uses plain http to {url.host}.",
                detail="asdiag will not send the password over this connection.",
                commands=("asdiag check --catalog-url " + url.base.replace("http", "https", 1),),
            )
        )
    if url.repeated_index_segment:
        findings.append(
            kind("url.simple-suffix").finding(
                f"{url.given} repeats the index segment; the index is {url.simple_url}.",
                detail=f"The network checks below used {url.simple_url}.",
                remediation=f"Give asdiag and pip the index URL {url.simple_url}, and a "
                f"repository manager's remote URL the base {url.base}: the manager adds "
                f"/{url.index_segment}/ itself.",
                commands=(),
            )
        )
    if url.had_stray_slash:
        findings.append(
            kind("url.trailing-slash").finding(
                f"{url.given} has a trailing slash or //; write it as {url.base}.",
            )
        )
    if url.has_embedded_credentials:
        findings.append(
            kind("url.credentials-embedded").finding(f"The URL carries credentials ({url.given}).")
        )
    findings.extend(_vendor_rules(ctx))
    if not any(f.is_problem for f in findings):
        findings.insert(0, kind("url.ok").finding(understood(url)))
    return findings


def understood(url: CatalogUrl) -> str:
    """How asdiag read the URL: the index root it asks, and the base a manager's remote URL
    takes (whichever of the two the user gave)."""
    form = "the index URL" if url.given_as_index else "the base URL"
    return f"Index {url.simple_url}; base {url.base} (given as {form})."


def _vendor_rules(ctx: Context) -> list[Finding]:
    """The organisation-id and username rules: strict on the vendor's host, advisory elsewhere."""
    url = ctx.url
    assert url is not None
    findings: list[Finding] = []
    if not url.is_catalog_host:
        findings.append(
            kind("url.not-catalog-host").finding(
                f"{url.host} is not the curated catalog's host; vendor-specific rules relaxed."
            )
        )
    org_id = url.org_id
    if url.is_catalog_host and (org_id is None or not is_uuid(org_id)):
        shown = "/" + "/".join(url.segments)
        problem = (
            f"the segment {org_id!r} is not a UUID"
            if org_id is not None
            else f"the path {shown!r} is not /<org-uuid>/pypi"
        )
        findings.append(kind("url.org-id-invalid").finding(f"In {url.base}, {problem}."))
    username = ctx.settings.username.value
    if org_id is not None and is_uuid(org_id) and username and username != org_id:
        severity = Severity.FAIL if url.is_catalog_host else Severity.WARN
        findings.append(
            kind("url.username-mismatch").finding(
                f"The username {ctx.settings.username.shown!r} (from "
                f"{ctx.settings.username.describe()}) is not "
                f"the organisation id {org_id} in the URL.",
                severity=severity,
                remediation=f"Use {org_id} as the username, or drop --username and "
                "ASDIAG_USERNAME so that asdiag uses it by default.",
            )
        )
    return findings
