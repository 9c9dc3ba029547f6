"""The checks of ``asdiag check``, in the order of the decision tree.

Each entry names the checks it depends on and the finding ids that block its dependants; the
doctor (``doctor.py``) walks this list. Groups are what ``--only`` selects.
"""

from __future__ import annotations

from asdiag.checks.auth import AUTH_BLOCKING, check_auth
from asdiag.checks.base import Check, Context, Evidence
from asdiag.checks.client import check_client
from asdiag.checks.config import check_config
from asdiag.checks.credentials import check_credentials
from asdiag.checks.http_status import HTTP_BLOCKING, check_http
from asdiag.checks.index import check_index
from asdiag.checks.manager import check_manager
from asdiag.checks.network import CONNECT_BLOCKING, check_connect, check_dns, check_proxy
from asdiag.checks.schedule import check_schedule
from asdiag.checks.url import check_url

__all__ = ["CHECKS", "GROUPS", "Check", "Context", "Evidence"]

CHECKS: tuple[Check, ...] = (
    Check(
        "config",
        "config",
        "A catalog URL is configured; where each setting came from.",
        requires=(),
        blocking=("config.missing-url",),
        ids=("config.ok", "config.missing-url"),
        run=check_config,
    ),
    Check(
        "credentials",
        "config",
        "Where the password comes from; whether the keyring could be asked.",
        requires=("config",),
        blocking=(),
        ids=("credentials.ok", "credentials.keyring-unavailable"),
        run=check_credentials,
    ),
    Check(
        "url",
        "url",
        "The URL parses and has the shape the vendor issues (offline).",
        requires=("config",),
        blocking=("url.invalid",),
        ids=(
            "url.ok",
            "url.invalid",
            "url.insecure-scheme",
            "url.simple-suffix",
            "url.trailing-slash",
            "url.org-id-invalid",
            "url.username-mismatch",
            "url.credentials-embedded",
            "url.not-catalog-host",
        ),
        run=check_url,
    ),
    Check(
        "proxy",
        "network",
        "Which proxy the environment selects for the catalog.",
        requires=("url",),
        blocking=(),
        ids=("net.proxy",),
        run=check_proxy,
    ),
    Check(
        "dns",
        "network",
        "The host name resolves (skipped when a proxy resolves it).",
        requires=("url",),
        blocking=("net.dns-failed",),
        ids=("net.dns-ok", "net.dns-failed"),
        run=check_dns,
    ),
    Check(
        "connect",
        "network",
        "A connection opens, TLS verifies, the server answers <base>/simple/, and no catalog "
        "probe broke off (reset, truncated, stalled, slow, undecodable).",
        requires=("dns",),
        blocking=CONNECT_BLOCKING,
        ids=("net.connect-ok", "tls.ok", "net.server", "net.server-layout", *CONNECT_BLOCKING),
        run=check_connect,
    ),
    Check(
        "http",
        "http",
        "No rate limiting (429), server error (5xx), redirect loop or oversized answer.",
        requires=("connect",),
        blocking=HTTP_BLOCKING,
        ids=("http.ok", *HTTP_BLOCKING),
        run=check_http,
    ),
    Check(
        "auth",
        "auth",
        "The anonymous and the authenticated request, compared.",
        requires=("http",),
        blocking=AUTH_BLOCKING,
        ids=("auth.challenge-ok", "auth.no-challenge", "auth.anonymous-allowed", *AUTH_BLOCKING),
        run=check_auth,
    ),
    Check(
        "index",
        "index",
        "<base>/simple/ is a simple index (HTML or PEP 691 JSON) at a supported API version.",
        requires=("auth",),
        blocking=("index.not-found", "index.not-simple"),
        ids=(
            "index.ok",
            "index.empty",
            "index.not-found",
            "index.not-simple",
            "index.repository-version",
        ),
        run=check_index,
    ),
    Check(
        "manager",
        "manager",
        "Through the repository manager: what it is, whether it serves the catalog's projects "
        "and files, public PyPI mixed in, Deploy/Cache, caching (--manager-url).",
        requires=("config",),
        blocking=(
            "manager.refused",
            "manager.index-not-found",
            "manager.unavailable",
            "manager.not-simple",
        ),
        ids=(
            "manager.detected",
            "manager.anonymous-access",
            "manager.refused",
            "manager.index-not-found",
            "manager.unavailable",
            "manager.not-simple",
            "manager.public-pypi-mixed",
            "manager.upstream-auth-failed",
            "manager.remote-blocked",
            "manager.deploy-cache-missing",
            "manager.permissions-undecided",
            "manager.caching-disabled",
            "manager.files-unreachable",
            "manager.admin-api-forbidden",
            # From the configuration, with admin credentials (the rules of `asdiag manager`):
            "manager.remote-url-simple-suffix",
            "manager.registry-url-missing",
            "manager.remote-offline",
            "manager.remote-credentials-missing",
            "manager.xray-enabled",
            "manager.metadata-cache-off",
            "manager.negative-cache-long",
        ),
        run=check_manager,
    ),
    Check(
        "schedule",
        "schedule",
        "Whether the run falls in the catalog's weekly maintenance window.",
        requires=(),
        blocking=(),
        ids=("schedule.ok", "schedule.maintenance-window"),
        run=check_schedule,
    ),
    Check(
        "client",
        "client",
        "What pip and uv will use: indexes, credentials in URLs, cache, .netrc, keyring.",
        requires=(),
        blocking=(),
        ids=(
            "client.ok",
            "client.public-index-mixed",
            "client.credentials-in-config",
            "client.password-unencoded",
            "client.direct-catalog",
            "client.index-mismatch",
            "client.no-cache-dir",
            "client.netrc-permissions",
            "client.keyring-provider",
            "client.config-unreadable",
        ),
        run=check_client,
    ),
)

GROUPS: tuple[str, ...] = tuple(dict.fromkeys(check.group for check in CHECKS))
#: Groups whose checks need the network probes.
NETWORK_GROUPS = frozenset({"network", "http", "auth", "index", "manager"})
