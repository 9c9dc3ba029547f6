"""``asdiag check`` end to end over real HTTP on 127.0.0.1: every finding id, every exit code.

Each case names a target (a scripted-server scenario, pypiserver, a closed or unanswered port,
the TLS server, or a literal URL), how the password is supplied, and the ids and exit code
expected. A meta-test checks that the cases together produce every id in the registry.
"""

from __future__ import annotations

import base64
from dataclasses import dataclass, field

import pytest

from asdiag.registry import REGISTRY
from tests.integration.conftest import PypiServer, Run, TlsServer, run_asdiag
from tests.integration.scripted_server import ORG_ID, PASSWORD, ScriptedServer
from tests.integration.test_faults import CHECK_CASES

SUNDAY_0230 = "2026-11-29T02:30:00+00:00"
VENDOR = "https://repository.activestate.com"


@dataclass(frozen=True)
class Case:
    name: str
    #: ``scripted:<scenario>``, ``pypiserver``, ``closed``, ``unanswered``, ``tls``,
    #: ``literal:<url>`` or ``none``; ``{url}`` in ``suffix`` is appended to the base.
    target: str
    expected: frozenset[str]
    exit_code: int
    suffix: str = ""
    password: str | None = PASSWORD
    args: tuple[str, ...] = ()
    env: dict[str, str] = field(default_factory=dict)


def case(name: str, target: str, ids: set[str], exit_code: int, **kwargs: object) -> Case:
    return Case(name, target, frozenset(ids), exit_code, **kwargs)  # type: ignore[arg-type]


CASES = (
    case(
        "healthy",
        "scripted:healthy",
        {
            "config.ok",
            "url.ok",
            "url.not-catalog-host",
            "net.proxy",
            "net.dns-ok",
            "net.connect-ok",
            "http.ok",
            "auth.challenge-ok",
            "index.ok",
            "schedule.ok",
        },
        0,
    ),
    case("json-index", "scripted:json", {"index.ok", "auth.challenge-ok"}, 0),
    case("anonymous-allowed", "scripted:open", {"auth.anonymous-allowed", "index.ok"}, 0),
    case("no-challenge", "scripted:no-challenge", {"auth.no-challenge", "index.ok"}, 0),
    case("hidden", "scripted:hidden", {"auth.not-found-with-credentials"}, 1),
    case("bad-password", "scripted:healthy", {"auth.bad-credentials"}, 1, password="not-it-9x"),
    case("forbidden", "scripted:forbidden", {"auth.forbidden"}, 1),
    case("no-password", "scripted:healthy", {"auth.missing-credentials"}, 1, password=None),
    case("not-found", "scripted:missing", {"index.not-found"}, 1),
    case("login-page", "scripted:login-page", {"index.not-simple"}, 1),
    case("empty", "scripted:empty", {"index.empty"}, 0),
    case("api-major", "scripted:api-major", {"index.repository-version"}, 1),
    case("api-minor", "scripted:api-minor", {"index.repository-version"}, 0),
    case("rate-limited", "scripted:rate-limited", {"http.rate-limited"}, 1),
    case("outage", "scripted:outage", {"http.server-error"}, 1),
    case(
        "maintenance",
        "scripted:outage",
        {"http.server-error", "schedule.maintenance-window"},
        1,
        args=("--now", SUNDAY_0230),
    ),
    case("unexpected-status", "scripted:method", {"http.unexpected-status"}, 1),
    case("redirect-loop", "scripted:loop", {"http.redirect-loop"}, 1),
    case("stall", "scripted:stall", {"net.read-timeout"}, 1, args=("--timeout", "0.5")),
    case("reset", "scripted:reset", {"net.connection-reset"}, 1),
    case("endless", "scripted:endless", {"http.body-too-large"}, 1),
    case("garbage", "scripted:garbage", {"net.connect-failed"}, 1),
    case("refused", "closed", {"net.connect-refused"}, 1),
    case("connect-timeout", "unanswered", {"net.connect-timeout"}, 1, args=("--timeout", "0.5")),
    case(
        "dns",
        "literal:http://no-such-host.invalid/pypi",
        {"net.dns-failed", "url.insecure-scheme"},
        1,
    ),
    case(
        "proxy",
        "literal:http://catalog.example/healthy",
        {"net.proxy", "url.insecure-scheme"},
        1,
        env={"HTTP_PROXY": "{proxy}"},
    ),
    case("tls-untrusted", "tls", {"tls.verify-failed"}, 1),
    case("tls-trusted", "tls", {"tls.ok", "auth.challenge-ok"}, 0, args=("--ca-bundle", "{ca}")),
    case("no-url", "none", {"config.missing-url"}, 1),
    case("invalid-url", "literal:ftp://example.org/pypi", {"url.invalid"}, 1),
    case(
        "vendor-org-id",
        f"literal:{VENDOR}/not-a-uuid/pypi/",
        {"url.org-id-invalid", "url.trailing-slash"},
        1,
        args=("--only", "url"),
    ),
    case(
        "vendor-username",
        f"literal:{VENDOR}/{ORG_ID}/pypi",
        {"url.username-mismatch"},
        1,
        args=("--only", "url", "--username", "someone-else"),
    ),
    case(
        "credentials-in-url",
        "scripted:healthy",
        {"url.credentials-embedded", "auth.challenge-ok"},
        0,
        password=None,
        args=("--url-credentials",),
    ),
    case(
        "index-url",
        "scripted:healthy",
        {"url.ok", "auth.challenge-ok", "index.ok"},
        0,
        suffix="/simple/",
    ),
    case(
        "simple-suffix",
        "scripted:healthy",
        {"url.simple-suffix", "auth.challenge-ok"},
        1,
        suffix="/simple/simple/",
    ),
)


@pytest.fixture
def invoke(
    scripted: ScriptedServer,
    tls_server: TlsServer,
    closed_port: int,
    unanswered_port: int,
    monkeypatch: pytest.MonkeyPatch,
) -> object:
    """Run a case with extra arguments; returns the :class:`Run`."""

    def run(c: Case, *extra: str) -> Run:
        kind, _, rest = c.target.partition(":")
        bases = {
            "scripted": f"http://127.0.0.1:{scripted.port}/{rest}",
            "closed": f"http://127.0.0.1:{closed_port}/pypi",
            "unanswered": f"http://127.0.0.1:{unanswered_port}/pypi",
            "tls": f"{tls_server.url}/healthy",
            "literal": rest,
        }
        args = [
            a.replace("{ca}", str(tls_server.ca_bundle)) for a in c.args if a != "--url-credentials"
        ]
        for name, value in c.env.items():
            monkeypatch.setenv(name, value.replace("{proxy}", f"http://127.0.0.1:{scripted.port}"))
        if kind != "none":
            url = bases[kind] + c.suffix
            if "--url-credentials" in c.args:
                url = url.replace("http://", f"http://{ORG_ID}:{PASSWORD}@", 1)
            args = ["--catalog-url", url, *args]
        if kind in ("scripted", "tls", "closed", "unanswered") or c.name == "proxy":
            args += ["--username", ORG_ID]
        if c.password is not None:
            monkeypatch.setenv("ASDIAG_PASSWORD", c.password)
        return run_asdiag("check", *args, *extra)

    return run


@pytest.mark.parametrize("c", CASES, ids=lambda c: c.name)
def test_case_produces_its_findings(c: Case, invoke: object) -> None:
    run = invoke(c, "--format", "json")  # type: ignore[operator]
    assert run.exit_code == c.exit_code, run.stdout + run.stderr
    assert c.expected <= set(run.ids), run.ids
    assert run.document["exit_code"] == c.exit_code


def test_cases_cover_every_id_of_the_checks() -> None:
    produced = set().union(*(c.expected for c in CASES))
    # The faults of a misbehaving server: tests/integration/test_faults.py.
    produced |= {finding_id for _, finding_id, _ in CHECK_CASES}
    produced |= {"run.deadline-reached", "auth.other-origin-refused"}
    produced |= {"net.server", "net.server-layout"}  # a real devpi-server: test_devpi.py
    # Covered elsewhere: package.* by test_package.py, client.* and credentials.* by
    # test_client.py, manager.* by test_manager.py.
    elsewhere = ("package.", "requirements.", "client.", "credentials.", "manager.")
    check_ids = {i for i in REGISTRY if not i.startswith(elsewhere)}
    assert sorted(check_ids - produced) == []


@pytest.mark.parametrize("c", CASES, ids=lambda c: c.name)
@pytest.mark.parametrize("output", ["human", "json", "markdown"])
def test_no_secret_in_any_output(c: Case, output: str, invoke: object) -> None:
    run = invoke(c, "--format", output, "-vv")  # type: ignore[operator]
    basic = base64.b64encode(f"{ORG_ID}:{PASSWORD}".encode()).decode()
    for secret in (PASSWORD, basic, "not-it-9x"):
        assert secret not in run.stdout
        assert secret not in run.stderr
    assert "Traceback" not in run.stdout + run.stderr


# --- behaviour beyond the ids -------------------------------------------------------------


def test_proxy_is_really_used(scripted: ScriptedServer, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("HTTP_PROXY", f"http://127.0.0.1:{scripted.port}")
    monkeypatch.setenv("ASDIAG_PASSWORD", PASSWORD)
    run = run_asdiag("check", "--catalog-url", "http://catalog.example/open", "--format", "json")
    assert run.finding("net.proxy")["summary"] == (
        f"Requests go through the proxy http://127.0.0.1:{scripted.port} (from HTTP_PROXY)."
    )
    assert run.finding("dns")["severity"] == "skip"
    requests = run.document["requests"]
    assert isinstance(requests, list)
    assert [r["sent_credentials"] for r in requests] == [False]
    assert "auth.anonymous-allowed" in run.ids


def test_credentials_withheld_over_plain_http_through_proxy(
    scripted: ScriptedServer, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("HTTP_PROXY", f"http://127.0.0.1:{scripted.port}")
    monkeypatch.setenv("ASDIAG_PASSWORD", PASSWORD)
    run = run_asdiag(
        "check",
        "--catalog-url",
        "http://catalog.example/healthy",
        "--username",
        ORG_ID,
        "--format",
        "json",
    )
    requests = run.document["requests"]
    assert isinstance(requests, list)
    assert not any(r["sent_credentials"] for r in requests)
    auth = run.finding("auth")
    assert (auth["severity"], auth["blocked_by"]) == ("skip", "url.insecure-scheme")


def test_tls_failure_names_the_issuer(tls_server: TlsServer) -> None:
    run = run_asdiag("check", "--catalog-url", f"{tls_server.url}/healthy", "--format", "json")
    finding = run.finding("tls.verify-failed")
    assert "trustme" in str(finding["summary"])
    assert "Certificate issuer:" in str(finding["detail"])


def test_https_to_a_plain_http_port(scripted: ScriptedServer) -> None:
    url = f"https://127.0.0.1:{scripted.port}/healthy"
    run = run_asdiag("check", "--catalog-url", url, "--format", "json")
    finding = run.finding("tls.verify-failed")
    assert finding["summary"] == (
        "The server did not answer in TLS: does this port serve plain http?"
    )
    remediation = finding["remediation"]
    assert isinstance(remediation, dict)
    assert remediation["commands"] == []


def test_binary_body_declared_as_html_is_not_an_index(
    scripted: ScriptedServer, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("ASDIAG_PASSWORD", PASSWORD)
    url = f"http://127.0.0.1:{scripted.port}/binary"
    run = run_asdiag("check", "--catalog-url", url, "--username", ORG_ID, "--format", "json")
    assert run.exit_code == 1
    assert run.finding("index.not-simple")["summary"] == (
        f"{url}/simple/ answered 200, but the body is binary data (it holds NUL bytes), not text."
    )


def test_maintenance_note_beside_server_error(scripted: ScriptedServer) -> None:
    url = f"http://127.0.0.1:{scripted.port}/outage"
    run = run_asdiag("check", "--catalog-url", url, "--now", SUNDAY_0230, "--format", "json")
    assert "maintenance window" in str(run.finding("http.server-error")["detail"])


def test_rate_limit_shows_retry_after(scripted: ScriptedServer) -> None:
    url = f"http://127.0.0.1:{scripted.port}/rate-limited"
    run = run_asdiag("check", "--catalog-url", url, "--format", "json")
    finding = run.finding("http.rate-limited")
    assert "Retry-After: 120" in str(finding["summary"])
    assert "x-ratelimit-remaining: 0" in str(finding["detail"])
    requests = run.document["requests"]
    assert isinstance(requests, list) and len(requests) == 1  # no second request after a 429


def test_password_from_stdin(scripted: ScriptedServer) -> None:
    url = f"http://127.0.0.1:{scripted.port}/healthy"
    run = run_asdiag(
        "check",
        "--catalog-url",
        url,
        "--username",
        ORG_ID,
        "--password-stdin",
        "--format",
        "json",
        stdin=PASSWORD + "\n",
    )
    assert run.exit_code == 0, run.stdout
    settings = run.document["settings"]
    assert isinstance(settings, dict)
    assert settings["password"] == {"set": True, "source": "stdin", "origin": "--password-stdin"}


def test_only_reports_one_group(scripted: ScriptedServer) -> None:
    url = f"http://127.0.0.1:{scripted.port}/healthy"
    run = run_asdiag("check", "--catalog-url", url, "--only", "url", "--format", "json")
    assert run.ids == ["url.ok", "url.not-catalog-host"]
    assert run.document["requests"] == []


# --- the "done when", against pypiserver ------------------------------------------


def test_pypiserver_right_credentials(
    pypiserver: PypiServer, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("ASDIAG_PASSWORD", pypiserver.password)
    run = run_asdiag("check", "--catalog-url", pypiserver.url, "--username", pypiserver.username)
    assert run.exit_code == 0, run.stdout
    assert "✓ auth.challenge-ok" in run.stdout
    assert "✓ index.ok  4 projects listed (HTML)." in run.stdout


def test_pypiserver_wrong_password(pypiserver: PypiServer, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("ASDIAG_PASSWORD", "Wr0ng-pa55word")
    run = run_asdiag(
        "check", "--catalog-url", pypiserver.url, "--username", pypiserver.username, "-v"
    )
    assert run.exit_code == 1, run.stdout
    assert "✗ auth.forbidden" in run.stdout
    assert "answers a wrong password with 403" in run.stdout
    assert "Wr0ng-pa55word" not in run.stdout + run.stderr


def test_pypiserver_without_password(pypiserver: PypiServer) -> None:
    run = run_asdiag("check", "--catalog-url", pypiserver.url, "--format", "json")
    assert run.exit_code == 1
    assert "auth.missing-credentials" in run.ids


@pytest.mark.parametrize("suffix", ["", "/simple", "/simple/"])
def test_pypiserver_base_or_index_url(
    pypiserver: PypiServer, monkeypatch: pytest.MonkeyPatch, suffix: str
) -> None:
    monkeypatch.setenv("ASDIAG_PASSWORD", pypiserver.password)
    run = run_asdiag(
        "check",
        "--catalog-url",
        pypiserver.url + suffix,
        "--username",
        pypiserver.username,
        "--format",
        "json",
    )
    assert run.exit_code == 0, run.stdout
    assert {"url.ok", "auth.challenge-ok", "index.ok"} <= set(run.ids)
    form = "the index URL" if suffix else "the base URL"
    assert run.finding("url.ok")["summary"] == (
        f"Index {pypiserver.url}/simple/; base {pypiserver.url} (given as {form})."
    )


def test_closed_port_human_output(closed_port: int) -> None:
    run = run_asdiag("check", "--catalog-url", f"http://127.0.0.1:{closed_port}")
    assert run.exit_code == 1
    assert f"✗ net.connect-refused  127.0.0.1 refused the connection on port {closed_port}." in (
        run.stdout
    )
    assert "Start here: net.connect-refused" in run.stdout
