"""Gather the evidence the checks read: the fewest requests that answer the question.

In order, each step only when the previous one leaves something to learn: a DNS lookup (not
when a proxy resolves names), an anonymous GET of ``<base>/simple/``, and, when that was
refused and a password is known, the same GET with credentials. Two requests in the common
case; a 429 or a 5xx stops the probing, so asdiag never adds load to a struggling server.
"""

from __future__ import annotations

from asdiag.checks.base import Evidence
from asdiag.evidence import ProxyChoice
from asdiag.http import BasicCredentials, HttpClient, HttpOptions, resolve_host
from asdiag.urls import CatalogUrl

_NO_RETRY = frozenset({429}) | frozenset(range(500, 600))


def gather(
    url: CatalogUrl,
    credentials: BasicCredentials | None,
    client: HttpClient,
    options: HttpOptions,
    proxy: ProxyChoice,
) -> Evidence:
    """Run the probes against ``url``; never raises for what the network does."""
    dns = None
    if proxy.url is None:
        dns = resolve_host(url.host, url.port, options.timeout)
        if dns.error:
            return Evidence(dns=dns)
    ca_bundle = (
        (options.ca_bundle.path, options.ca_bundle.source) if url.scheme == "https" else None
    )
    anonymous = client.get(url.simple_url, probe="anonymous")
    evidence = Evidence(dns=dns, anonymous=anonymous, ca_bundle=ca_bundle)
    status = anonymous.status
    settled = anonymous.failure is not None or (
        anonymous.response is not None and anonymous.response.truncated
    )
    if settled or status is None or status == 200 or status in _NO_RETRY or credentials is None:
        return evidence
    authenticated = client.get(url.simple_url, probe="authenticated", credentials=credentials)
    return Evidence(dns=dns, anonymous=anonymous, authenticated=authenticated, ca_bundle=ca_bundle)
