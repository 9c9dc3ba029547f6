"""https through an HTTP CONNECT proxy, as behind a corporate proxy: reported, and tunnelled."""

from __future__ import annotations

from collections.abc import Iterator

import pytest

from tests.integration.conftest import TlsServer, run_asdiag
from tests.integration.connect_proxy import ConnectProxy
from tests.integration.scripted_server import ORG_ID, PASSWORD


@pytest.fixture
def proxy() -> Iterator[ConnectProxy]:
    server = ConnectProxy().start()
    yield server
    server.stop()


def test_https_goes_through_the_proxy_and_is_reported(
    tls_server: TlsServer, proxy: ConnectProxy, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("HTTPS_PROXY", proxy.url)
    monkeypatch.setenv("ASDIAG_PASSWORD", PASSWORD)
    run = run_asdiag(
        "check", "--format", "json", "-v",
        "--catalog-url", f"{tls_server.url}/healthy", "--username", ORG_ID,
        "--ca-bundle", str(tls_server.ca_bundle),
    )  # fmt: skip
    assert run.exit_code == 0, run.stdout
    assert run.finding("net.proxy")["summary"] == (
        f"Requests go through the proxy {proxy.url} (from HTTPS_PROXY)."
    )
    assert run.finding("dns")["severity"] == "skip"  # the proxy resolves the name
    assert {"tls.ok", "auth.challenge-ok", "index.ok"} <= set(run.ids)
    port = tls_server.url.rsplit(":", 1)[1]
    assert proxy.seen == [f"CONNECT localhost:{port} HTTP/1.1"] * len(proxy.seen)
    assert len(proxy.seen) >= 1
    assert PASSWORD not in run.stdout + run.stderr


def test_no_proxy_bypasses_it(
    tls_server: TlsServer, proxy: ConnectProxy, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("HTTPS_PROXY", proxy.url)
    monkeypatch.setenv("NO_PROXY", "localhost")
    run = run_asdiag(
        "check", "--format", "json", "--catalog-url", f"{tls_server.url}/healthy",
        "--ca-bundle", str(tls_server.ca_bundle), "--only", "network",
    )  # fmt: skip
    assert proxy.seen == []
    assert "net.connect-ok" in run.ids
