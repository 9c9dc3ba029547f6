"""Servers that misbehave as real catalogs, proxies and networks do, through every command.

Each fault of ``fault_server.py`` is staged for the requests it would hit in real life (every
request, only the authenticated ones, the project pages, the files) and run through ``check``,
``package``, ``requirements`` and the manager probes. Every run must end, within its time
limits, in the finding id that names the fault and the documented exit code, with no
traceback, no secret in any output with ``-v``, and no ``Authorization`` header at the other
origin the faults redirect or link to.
"""

from __future__ import annotations

import base64
from collections.abc import Iterator
from pathlib import Path

import pytest

from tests.integration.conftest import Faults, Run, run_asdiag
from tests.integration.scripted_server import ORG_ID, PASSWORD

#: A short per-request limit keeps the stalls quick; it bounds each request as a whole.
TIMEOUT = "0.5"

#: Faults of the transport, the content, the redirects and the status: (fault, the id a
#: failing page or index request is reported as). ``None``: the command's own id, below.
TRANSPORT = {
    "reset-head": "net.connection-reset",
    "reset-body": "net.connection-reset",
    "truncated": "net.body-truncated",
    "truncated-chunked": "net.body-truncated",
    "stall-head": "net.read-timeout",
    "stall-body": "net.slow-body",
    "drip-head": "net.read-timeout",
    "drip-body": "net.slow-body",
    "gzip": "http.undecodable-body",
    "loop": "http.redirect-loop",
    "bad-redirect": "http.bad-redirect",
    "elsewhere": "auth.other-origin-refused",
}
OVERSIZED = {"endless": "http.body-too-large", "huge": "http.body-too-large"}
CONTENT = ("binary", "login", "bad-json", "wrong-type")
STATUS = ("5xx", "429", "429-bare")


@pytest.fixture(autouse=True)
def no_credential_leaves_its_origin(faults: Faults) -> Iterator[None]:
    """After every test: the other origin never saw an Authorization header."""
    yield
    leaked = [path for path, header in faults.recorder.seen if header is not None]
    assert leaked == []


def _assert_safe(run: Run) -> None:
    basic = base64.b64encode(f"{ORG_ID}:{PASSWORD}".encode()).decode()
    for text in (run.stdout, run.stderr):
        assert PASSWORD not in text
        assert basic not in text
        assert "Traceback" not in text


def _ids(run: Run) -> set[str]:
    return set(run.ids)


def _env(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("ASDIAG_PASSWORD", PASSWORD)
    monkeypatch.setenv("ASDIAG_MANAGER_PASSWORD", PASSWORD)


def check(faults: Faults, scope_fault: str, *extra: str, tls: bool = False) -> Run:
    args = ["--catalog-url", faults.base(scope_fault, tls=tls), "--username", ORG_ID]
    if tls:
        args += ["--ca-bundle", str(faults.ca_bundle)]
    run = run_asdiag("check", *args, "--timeout", TIMEOUT, "--format", "json", "-v", *extra)
    _assert_safe(run)
    return run


# --- check: the index root, every request or only the authenticated one -----------------


CHECK_CASES = [
    *((f"all-{fault}", finding_id, 1) for fault, finding_id in TRANSPORT.items()),
    *((f"auth-{fault}", finding_id, 1) for fault, finding_id in TRANSPORT.items()),
    *((f"all-{fault}", finding_id, 1) for fault, finding_id in OVERSIZED.items()),
    *((f"auth-{fault}", finding_id, 1) for fault, finding_id in OVERSIZED.items()),
    *(
        (f"{scope}-{fault}", "index.not-simple", 1)
        for scope in ("all", "auth")
        for fault in CONTENT
    ),
    ("all-5xx", "http.server-error", 1),
    ("auth-5xx", "http.server-error", 1),
    ("all-429", "http.rate-limited", 1),
    ("auth-429-bare", "http.rate-limited", 1),
]


@pytest.mark.parametrize(("scope_fault", "finding_id", "exit_code"), CHECK_CASES)
def test_check_names_the_fault(
    faults: Faults,
    monkeypatch: pytest.MonkeyPatch,
    scope_fault: str,
    finding_id: str,
    exit_code: int,
) -> None:
    _env(monkeypatch)
    run = check(faults, scope_fault)
    assert run.exit_code == exit_code, run.stdout + run.stderr
    assert finding_id in _ids(run), run.ids
    assert "auth.anonymous-allowed" not in _ids(run)
    assert "index.ok" not in _ids(run)


def test_a_failed_authenticated_request_blocks_the_checks_that_needed_it(
    faults: Faults, monkeypatch: pytest.MonkeyPatch
) -> None:
    _env(monkeypatch)
    run = check(faults, "auth-truncated")
    finding = run.finding("net.body-truncated")
    assert str(finding["summary"]).startswith("The authenticated request to http://127.0.0.1")
    assert run.finding("auth")["blocked_by"] == "net.body-truncated"
    assert run.finding("index")["blocked_by"] == "net.body-truncated"


def test_a_slow_body_reports_the_bytes_and_the_rate(
    faults: Faults, monkeypatch: pytest.MonkeyPatch
) -> None:
    _env(monkeypatch)
    summary = str(check(faults, "auth-drip-body").finding("net.slow-body")["summary"])
    assert "did not finish within 0.5 s" in summary
    assert "bytes of body in" in summary
    assert "/s)" in summary


def test_binary_bytes_are_not_an_index_and_are_shown_safely(
    faults: Faults, monkeypatch: pytest.MonkeyPatch
) -> None:
    _env(monkeypatch)
    finding = check(faults, "all-binary").finding("index.not-simple")
    assert "binary data" in str(finding["summary"])
    detail = str(finding["detail"])
    assert "Content-Type: text/html" in detail
    assert all(ch.isprintable() or ch in "\n\t" for ch in detail)


def test_https_redirected_to_plain_http_keeps_the_credentials(
    faults: Faults, monkeypatch: pytest.MonkeyPatch
) -> None:
    _env(monkeypatch)
    run = check(faults, "auth-downgrade", tls=True)
    assert run.exit_code == 1
    assert "auth.other-origin-refused" in _ids(run)
    plain = [e for e in run.document["requests"] if str(e["url"]).startswith("http://")]
    assert plain and not any(e["sent_credentials"] for e in plain)


def test_the_command_deadline_ends_a_drip_that_every_timeout_allows(
    faults: Faults, monkeypatch: pytest.MonkeyPatch
) -> None:
    """A server that sends a byte at a time would satisfy any per-read timeout for ever."""
    _env(monkeypatch)
    base = faults.base("all-drip-head")
    run = run_asdiag(
        "check", "--catalog-url", base, "--username", ORG_ID, "--timeout", "30",
        "--deadline", "1", "--format", "json", "-v",
    )  # fmt: skip
    _assert_safe(run)
    assert run.exit_code == 3, run.stdout
    assert "run.deadline-reached" in _ids(run)
    assert all(float(e["elapsed_ms"]) < 10_000 for e in run.document["requests"])


# --- package: the project page, or the file ------------------------------------------------


def package(faults: Faults, scope_fault: str, *extra: str) -> Run:
    run = run_asdiag(
        "package", "demo-core", "--catalog-url", faults.base(scope_fault), "--username", ORG_ID,
        "--timeout", TIMEOUT, "--format", "json", "-v", *extra,
    )  # fmt: skip
    _assert_safe(run)
    return run


PACKAGE_CASES = [
    *((f"page-{fault}", finding_id) for fault, finding_id in TRANSPORT.items()),
    *((f"page-{fault}", finding_id) for fault, finding_id in OVERSIZED.items()),
    *((f"page-{fault}", "package.page-unreadable") for fault in CONTENT),
    *((f"page-{fault}", "package.index-unavailable") for fault in STATUS),
    *((f"file-{fault}", finding_id) for fault, finding_id in TRANSPORT.items()),
    ("file-5xx", "package.file-unreachable"),
    ("page-files-elsewhere", "auth.other-origin-refused"),
]


def _package_ids(run: Run) -> set[str]:
    return set(run.ids)


@pytest.mark.parametrize(("scope_fault", "finding_id"), PACKAGE_CASES)
def test_package_names_the_fault(
    faults: Faults, monkeypatch: pytest.MonkeyPatch, scope_fault: str, finding_id: str
) -> None:
    _env(monkeypatch)
    run = package(faults, scope_fault)
    assert run.exit_code == 1, run.stdout + run.stderr
    ids = _package_ids(run)
    assert finding_id in ids, ids
    if scope_fault.startswith("page-") and scope_fault != "page-files-elsewhere":
        assert "package.ok" not in ids
        assert "package.version-not-found" not in ids


def test_a_file_on_another_origin_never_gets_the_catalog_credentials(
    faults: Faults, monkeypatch: pytest.MonkeyPatch
) -> None:
    """The original leak: the page's file link pointed at another host, and the catalog's
    Authorization header went with it."""
    _env(monkeypatch)
    before = len(faults.recorder.seen)
    run = package(faults, "page-files-elsewhere")
    assert len(faults.recorder.seen) > before  # the probe did reach the other origin
    file_requests = [e for e in run.document["requests"] if str(e["probe"]).startswith("file")]
    assert file_requests and not any(e["sent_credentials"] for e in file_requests)
    assert file_requests[-1]["credentials_withheld"] == "other-origin"


# --- requirements -----------------------------------------------------------------------------


def requirements(faults: Faults, scope_fault: str, tmp_path: Path, *extra: str) -> Run:
    path = tmp_path / "requirements.txt"
    path.write_text("demo-core\n", encoding="utf-8")
    run = run_asdiag(
        "requirements", str(path), "--catalog-url", faults.base(scope_fault),
        "--username", ORG_ID, "--timeout", TIMEOUT, "--format", "json", "-v", *extra,
    )  # fmt: skip
    _assert_safe(run)
    return run


def _requirements_ids(run: Run) -> set[str]:
    packages = run.document["packages"]
    assert isinstance(packages, list)
    return set(run.ids) | {f["id"] for p in packages for f in p["findings"]}


REQUIREMENTS_CASES = [
    *((f"page-{fault}", finding_id, 1) for fault, finding_id in TRANSPORT.items()),
    ("page-endless", "http.body-too-large", 1),
    *((f"page-{fault}", "package.page-unreadable", 1) for fault in CONTENT),
    ("page-5xx", "package.index-unavailable", 1),
    ("page-429", "requirements.not-checked", 3),
    ("page-429-bare", "requirements.not-checked", 3),
    ("page-files-elsewhere", "auth.other-origin-refused", 1),
]


@pytest.mark.parametrize(("scope_fault", "finding_id", "exit_code"), REQUIREMENTS_CASES)
def test_requirements_names_the_fault(
    faults: Faults,
    monkeypatch: pytest.MonkeyPatch,
    tmp_path: Path,
    scope_fault: str,
    finding_id: str,
    exit_code: int,
) -> None:
    _env(monkeypatch)
    extra = ("--probe-files",) if "files" in scope_fault else ()
    run = requirements(faults, scope_fault, tmp_path, *extra)
    assert run.exit_code == exit_code, run.stdout + run.stderr
    assert finding_id in _requirements_ids(run), run.stdout


def test_requirements_stops_at_its_deadline_and_lists_what_was_not_checked(
    faults: Faults, monkeypatch: pytest.MonkeyPatch, tmp_path: Path
) -> None:
    _env(monkeypatch)
    run = requirements(faults, "page-drip-head", tmp_path, "--deadline", "1", "--timeout", "30")
    assert run.exit_code == 3, run.stdout
    finding = next(f for f in run.document["findings"] if f["id"] == "requirements.not-checked")
    assert "deadline of 1 s" in finding["summary"]


# --- through the repository manager -----------------------------------------------------------


MANAGER_CASES = [
    *((f"all-{fault}", finding_id) for fault, finding_id in TRANSPORT.items()),
    ("all-endless", "http.body-too-large"),
    *((f"all-{fault}", "manager.not-simple") for fault in CONTENT),
    ("all-5xx", "manager.unavailable"),
    *((f"page-{fault}", finding_id) for fault, finding_id in TRANSPORT.items()),
]


@pytest.mark.parametrize(("scope_fault", "finding_id"), MANAGER_CASES)
def test_manager_probes_name_the_fault(
    faults: Faults, monkeypatch: pytest.MonkeyPatch, scope_fault: str, finding_id: str
) -> None:
    _env(monkeypatch)
    manager = faults.base(scope_fault) + "/simple/"
    run = check(
        faults,
        "none-healthy",
        "--manager-url",
        manager,
        "--manager-username",
        ORG_ID,
        "--only",
        "manager",
    )
    assert run.exit_code == 1, run.stdout + run.stderr
    assert finding_id in _ids(run), run.ids


AUDIT_CASES = [
    *((f"all-{fault}", finding_id) for fault, finding_id in TRANSPORT.items()),
    ("all-5xx", "manager.unavailable"),
    ("all-429-bare", "manager.unavailable"),
]


@pytest.mark.parametrize(("scope_fault", "finding_id"), AUDIT_CASES)
def test_the_manager_audit_names_the_fault_instead_of_auditing_nothing(
    faults: Faults, monkeypatch: pytest.MonkeyPatch, scope_fault: str, finding_id: str
) -> None:
    """An unreachable manager was once audited as 'neither Artifactory nor Nexus', exit 0."""
    monkeypatch.setenv("ASDIAG_ADMIN_PASSWORD", PASSWORD)
    run = run_asdiag(
        "manager", "--manager-url", faults.base(scope_fault) + "/simple/",
        "--admin-username", ORG_ID, "--timeout", TIMEOUT, "--format", "json", "-v",
    )  # fmt: skip
    _assert_safe(run)
    assert run.exit_code == 1, run.stdout + run.stderr
    assert run.ids == [finding_id]


@pytest.mark.parametrize(
    ("scope_fault", "words"),
    [
        ("all-reset-head", "broke before the answer was complete"),
        ("all-drip-head", "sent no complete answer within 0.5 s"),
        ("all-elsewhere", "redirected to another origin, which answered 401"),
    ],
)
def test_login_proves_nothing_from_a_broken_answer(
    faults: Faults, scope_fault: str, words: str
) -> None:
    run = run_asdiag(
        "login", "--catalog-url", faults.base(scope_fault), "--username", ORG_ID,
        "--password-stdin", "--timeout", TIMEOUT, stdin=PASSWORD + "\n",
    )  # fmt: skip
    _assert_safe(run)
    assert run.exit_code == 1
    assert words in run.stderr
    assert "nothing stored" in run.stderr


def test_only_one_group_still_reports_the_failure_that_blocked_it(
    faults: Faults, monkeypatch: pytest.MonkeyPatch
) -> None:
    """`--only auth` once showed one skip and exited 0 for a catalog whose authenticated
    answer broke off."""
    _env(monkeypatch)
    run = check(faults, "auth-truncated", "--only", "auth")
    assert run.exit_code == 1
    assert run.ids == ["net.body-truncated", "auth"]
    assert run.document["groups"] == ["network", "auth"]


def test_a_quarantined_project_is_named_not_missing(
    faults: Faults, monkeypatch: pytest.MonkeyPatch
) -> None:
    _env(monkeypatch)
    run = package(faults, "page-quarantined")
    assert run.exit_code == 1
    finding = run.finding("package.project-status")
    assert finding["severity"] == "fail"
    assert "quarantined" in str(finding["summary"]) and "under review" in str(finding["summary"])
    assert "package.version-not-found" not in run.ids


@pytest.mark.parametrize(("fault", "finding_id"), list(TRANSPORT.items())[:6])
def test_a_failed_configuration_request_is_that_failure_not_a_refusal(
    faults: Faults, monkeypatch: pytest.MonkeyPatch, fault: str, finding_id: str
) -> None:
    """With admin credentials, `check` reads the manager's configuration: a request that got
    no usable answer is a failure naming it, not "the user is not an administrator"."""
    _env(monkeypatch)
    monkeypatch.setenv("ASDIAG_ADMIN_PASSWORD", PASSWORD)
    manager = faults.base(f"admin-{fault}") + "/artifactory/api/pypi/catalog-remote/simple/"
    run = check(
        faults, "none-healthy", "--manager-url", manager, "--manager-username", ORG_ID,
        "--admin-username", ORG_ID, "--only", "manager",
    )  # fmt: skip
    assert run.exit_code == 1, run.stdout
    finding = run.finding(finding_id)
    assert str(finding["summary"]).startswith(
        "The configuration API, for repository catalog-remote"
    )
    assert "manager.admin-api-forbidden" not in run.ids
