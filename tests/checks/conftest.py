"""Builders for check contexts from pure data: settings, URLs, exchanges and fetch results.

The checks are pure functions of a :class:`Context`; these helpers assemble one the way
``doctor.diagnose`` would, without a network, a clock or a config file.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import replace
from datetime import UTC, datetime

from asdiag.checks.base import Context, Evidence
from asdiag.evidence import (
    Certificate,
    DnsResult,
    Exchange,
    Failure,
    FailureKind,
    FetchResult,
    ProxyChoice,
    Response,
    Withheld,
)
from asdiag.findings import Finding, Severity
from asdiag.redact import Secret
from asdiag.settings import DEFAULT_TIMEOUT, Setting, Settings, Source
from asdiag.urls import CatalogUrl, UrlError, parse_catalog_url

ORG_ID = "b5865a43-1f24-48df-b6f3-8c932c7aae29"
PASSWORD = "pw-S3cret-for-tests"
VENDOR_URL = f"https://repository.activestate.com/{ORG_ID}/pypi"
OTHER_URL = "https://pypi.example.org/pypi"
LOOPBACK_URL = "http://127.0.0.1:8080/pypi"

#: A Monday noon (outside the window) and a Sunday 02:30 UTC (inside it).
MONDAY_NOON = datetime(2026, 11, 23, 12, 0, tzinfo=UTC)
SUNDAY_0230 = datetime(2026, 11, 29, 2, 30, tzinfo=UTC)

#: "Use the default" for keyword arguments where ``None`` is itself meaningful.
DEFAULT: object = object()

BASIC = (("www-authenticate", 'Basic realm="pypi"'),)
HTML = (("content-type", "text/html; charset=utf-8"),)


def make_settings(
    url: str | None = VENDOR_URL,
    *,
    username: object = DEFAULT,
    password: str | None = PASSWORD,
    timeout: float = DEFAULT_TIMEOUT,
    config_file: str | None = None,
) -> Settings:
    """Settings as ``resolve_settings`` would build them from a flag URL and ASDIAG_PASSWORD.

    Without ``username``, it defaults to the organisation id in the URL (source ``default``).
    """
    catalog = Setting(url, Source.FLAG, "--catalog-url") if url else Setting(None, Source.UNSET)
    if username is DEFAULT:
        org_id = _org_id(url)
        user: Setting[str | None] = (
            Setting(org_id, Source.DEFAULT, "organisation id in the URL")
            if org_id
            else Setting(None, Source.UNSET)
        )
    elif username is None:
        user = Setting(None, Source.UNSET)
    else:
        assert isinstance(username, str)
        user = Setting(username, Source.FLAG, "--username")
    secret: Setting[Secret | None] = (
        Setting(Secret(password), Source.ENVIRONMENT, "ASDIAG_PASSWORD")
        if password is not None
        else Setting(None, Source.UNSET)
    )
    timeout_source = (
        Setting(timeout, Source.DEFAULT)
        if timeout == DEFAULT_TIMEOUT
        else Setting(timeout, Source.FLAG, "--timeout")
    )
    return Settings(
        catalog_url=catalog,
        username=user,
        password=secret,
        timeout=timeout_source,
        ca_bundle=Setting(None, Source.UNSET),
        profile=None,
        config_file=config_file,
    )


def _parse(url: str | None) -> tuple[CatalogUrl | None, UrlError | None]:
    if not url:
        return None, None
    try:
        return parse_catalog_url(url), None
    except UrlError as exc:
        return None, exc


def _org_id(url: str | None) -> str | None:
    parsed, _ = _parse(url)
    return parsed.org_id if parsed is not None else None


def simple_url(url: str = VENDOR_URL) -> str:
    parsed, _ = _parse(url)
    assert parsed is not None
    return parsed.simple_url


def exchange(
    status: int | None,
    *,
    probe: str = "anonymous",
    url: str | None = None,
    headers: Sequence[tuple[str, str]] = (),
    body_head: str = "",
    error: str = "",
    elapsed_ms: float = 12.0,
) -> Exchange:
    return Exchange(
        probe=probe,
        method="GET",
        url=url or simple_url(),
        status=status,
        elapsed_ms=elapsed_ms,
        sent_credentials=probe == "authenticated",
        headers=tuple(headers),
        body_head=body_head,
        error=error,
    )


def answer(
    status: int,
    *,
    probe: str = "anonymous",
    url: str | None = None,
    headers: Sequence[tuple[str, str]] = (),
    body: bytes = b"",
    body_head: str | None = None,
    truncated: bool = False,
    credentials_withheld: Withheld | None = None,
    certificate: Certificate | None = None,
) -> FetchResult:
    """A fetch that got a response (one hop)."""
    where = url or simple_url()
    head = body.decode("utf-8", errors="replace")[:300] if body_head is None else body_head
    hop = exchange(status, probe=probe, url=where, headers=headers, body_head=head)
    if credentials_withheld is not None:
        hop = replace(hop, credentials_withheld=credentials_withheld, sent_credentials=False)
    response = Response(
        url=where, status=status, headers=tuple(headers), body=body, truncated=truncated
    )
    return FetchResult(
        (hop,),
        response=response,
        credentials_withheld=credentials_withheld,
        certificate=certificate,
    )


def failed(
    kind: FailureKind,
    message: str = "boom",
    *,
    certificate: Certificate | None = None,
    url: str | None = None,
) -> FetchResult:
    """A fetch that got no response."""
    hop = exchange(None, url=url, error=f"{kind}: {message}")
    return FetchResult((hop,), failure=Failure(kind, message, certificate))


def make_context(
    url: str | None = VENDOR_URL,
    *,
    username: object = DEFAULT,
    password: str | None = PASSWORD,
    timeout: float = DEFAULT_TIMEOUT,
    anonymous: FetchResult | None = None,
    authenticated: FetchResult | None = None,
    dns: DnsResult | None = None,
    ca_bundle: tuple[str, str] | None = None,
    proxy: ProxyChoice | object | None = DEFAULT,
    now: datetime = MONDAY_NOON,
    config_file: str | None = None,
) -> Context:
    """A context for ``url`` with the given evidence; a direct connection unless told."""
    parsed, error = _parse(url)
    if proxy is DEFAULT:
        proxy = ProxyChoice(None) if parsed is not None else None
    assert proxy is None or isinstance(proxy, ProxyChoice)
    return Context(
        settings=make_settings(
            url, username=username, password=password, timeout=timeout, config_file=config_file
        ),
        url=parsed,
        url_error=error,
        proxy=proxy,
        evidence=Evidence(
            dns=dns, anonymous=anonymous, authenticated=authenticated, ca_bundle=ca_bundle
        ),
        now=now,
    )


def ids(findings: Sequence[Finding]) -> list[str]:
    return [finding.id for finding in findings]


def only(findings: Sequence[Finding]) -> Finding:
    """The single finding a check returned."""
    assert len(findings) == 1, [(f.id, f.severity, f.summary) for f in findings]
    return findings[0]


def assert_actionable(finding: Finding) -> None:
    """A problem finding carries a remediation with text and a docs anchor for its id."""
    if finding.severity in (Severity.WARN, Severity.FAIL):
        assert finding.remediation is not None, finding.id
        assert finding.remediation.text.strip(), finding.id
        anchor = finding.id.replace(".", "-")
        assert finding.remediation.docs == f"docs/findings.md#{anchor}", finding.id
