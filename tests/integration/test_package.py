"""``asdiag package`` end to end over real HTTP on 127.0.0.1: every package id, every scenario.

Cases run against the lab (configured through the ``ASDIAG_*`` variables its env file would
hold), a pypiserver process with Linux-and-Windows-only wheels and an sdist-only project, or
the scripted server for index shapes the others never produce (no hashes, md5 only). A
meta-test checks that together they produce every ``package.*`` id in the registry.
"""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass

import pytest

from asdiag.lab.scenarios import BY_NAME, SCENARIOS, SECRETS, Scenario
from asdiag.lab.server import Lab
from asdiag.registry import REGISTRY
from tests.integration.conftest import PypiServer, Run, run_asdiag
from tests.integration.scripted_server import ORG_ID, PASSWORD, ScriptedServer

PROBLEMS = ("warn", "fail", "error")


@pytest.fixture(scope="module")
def lab() -> Iterator[Lab]:
    with Lab() as running:
        yield running


def package(*args: str) -> Run:
    return run_asdiag("package", "--format", "json", *args)


def in_lab(lab: Lab, monkeypatch: pytest.MonkeyPatch, scenario: str, *args: str) -> Run:
    lab.load(BY_NAME[scenario])
    for key, value in lab.target().items():
        monkeypatch.setenv(key, value)
    return package(*args)


def ids(run: Run, severities: tuple[str, ...] = ()) -> set[str]:
    findings = run.document["findings"]
    assert isinstance(findings, list)
    return {f["id"] for f in findings if not severities or f["severity"] in severities}


# --- every scenario that declares a package check ----------------------------------------------


@pytest.mark.parametrize("scenario", [s for s in SCENARIOS if s.package_args], ids=lambda s: s.name)
def test_scenarios_report_exactly_their_package_ids(
    lab: Lab, monkeypatch: pytest.MonkeyPatch, scenario: Scenario
) -> None:
    run = in_lab(lab, monkeypatch, scenario.name, *scenario.package_args)
    assert ids(run, PROBLEMS) == scenario.package_ids, run.stdout
    failed = any(f["severity"] == "fail" for f in run.document["findings"])  # type: ignore[union-attr]
    assert run.exit_code == (1 if failed else 0)


# --- one case per id ---------------------------------------------------------------------------


@dataclass(frozen=True)
class Case:
    name: str
    scenario: str  # a lab scenario
    args: tuple[str, ...]
    expected: frozenset[str]
    exit_code: int


LAB_CASES = (
    Case("found", "healthy", ("requests",), frozenset({"package.ok"}), 0),
    # Through a Nexus group alone, a project no member has is an empty page, not a verdict.
    Case(
        "empty-group-page",
        "nexus-hash-lookup",
        ("pandas", "--via", "manager"),
        frozenset({"package.empty-page"}),
        1,
    ),
    Case(
        "not-normalised",
        "healthy",
        ("Zope_Interface", "--platform", "windows", "--python", "3.12"),
        frozenset({"package.name-not-normalized", "package.ok"}),
        0,
    ),
    Case(
        "typo",
        "healthy",
        ("reqests",),
        frozenset({"package.not-found", "package.near-miss"}),
        1,
    ),
    Case("too-new", "healthy", ("numpy>=3",), frozenset({"package.version-not-found"}), 1),
    Case(
        "yanked",
        "healthy",
        ("requests>2.31,<2.32.3",),
        frozenset({"package.yanked-only"}),
        1,
    ),
    Case(
        "old-python",
        "healthy",
        ("numpy>=2.3", "--python", "3.10", "--platform", "linux"),
        frozenset({"package.requires-python"}),
        1,
    ),
    Case("sdist", "healthy", ("docopt",), frozenset({"package.sdist-only"}), 0),
    Case(
        "narrow-platform",
        "healthy",
        ("numpy", "--platform", "manylinux_2_28_x86_64", "--python", "3.12"),
        frozenset({"package.pip-platform-narrow", "package.ok"}),
        0,
    ),
    Case(
        "no-macos",
        "no-macos",
        ("numpy", "--platform", "macos"),
        frozenset({"package.no-compatible-wheel", "package.no-macos-builds"}),
        1,
    ),
    Case("refused", "bad-password", ("requests",), frozenset({"package.index-refused"}), 1),
    Case("outage", "outage", ("requests",), frozenset({"package.index-unavailable"}), 1),
    Case("login-page", "login-page", ("requests",), frozenset({"package.page-unreadable"}), 1),
    Case(
        "file-404",
        "files-unreachable",
        ("requests",),
        frozenset({"package.file-unreachable"}),
        1,
    ),
    Case(
        "deploy-cache",
        "missing-deploy-cache",
        ("cryptography", "--via", "both", "--platform", "linux", "--python", "3.12"),
        frozenset({"package.missing-in-manager"}),
        1,
    ),
    Case(
        "public-pypi",
        "mixed-public-pypi",
        ("pandas", "--via", "both", "--platform", "linux", "--python", "3.12"),
        frozenset({"package.outside-catalog"}),
        1,
    ),
)

#: Ids produced by the scripted server (index shapes neither the lab nor pypiserver serve).
SCRIPTED_CASES = {"nohash": "package.no-hashes", "md5": "package.md5-only"}


@pytest.mark.parametrize("case", LAB_CASES, ids=lambda c: c.name)
def test_lab_case(lab: Lab, monkeypatch: pytest.MonkeyPatch, case: Case) -> None:
    run = in_lab(lab, monkeypatch, case.scenario, *case.args)
    assert case.expected <= ids(run), run.stdout
    assert run.exit_code == case.exit_code, run.stdout
    assert "Traceback" not in run.stdout + run.stderr


@pytest.mark.parametrize(("scenario", "finding_id"), sorted(SCRIPTED_CASES.items()))
def test_hash_findings(
    scripted: ScriptedServer, monkeypatch: pytest.MonkeyPatch, scenario: str, finding_id: str
) -> None:
    monkeypatch.setenv("ASDIAG_PASSWORD", PASSWORD)
    run = package(
        "demo-core",
        "--catalog-url",
        f"http://127.0.0.1:{scripted.port}/{scenario}",
        "--username",
        ORG_ID,
    )
    assert finding_id in ids(run), run.stdout
    assert run.exit_code == 0


def test_cases_cover_every_package_id() -> None:
    produced = set().union(*(c.expected for c in LAB_CASES), SCRIPTED_CASES.values())
    produced.add("package.locked-file-missing")  # from a pylock.toml: test_requirements.py
    produced.add("package.project-status")  # a PEP 792 page: test_faults.py
    produced.add("package.index-not-found")  # a wrong index URL, at pypiserver: below
    package_ids = {i for i in REGISTRY if i.startswith("package.")}
    assert sorted(package_ids - produced) == []


# --- the "done when", against a real pypiserver ----------------------------------------


def at_pypiserver(server: PypiServer, monkeypatch: pytest.MonkeyPatch, *args: str) -> Run:
    monkeypatch.setenv("ASDIAG_PASSWORD", server.password)
    return package(*args, "--catalog-url", server.url, "--username", server.username)


def test_linux_and_windows_only_wheels_fail_for_macos(
    pypiserver: PypiServer, monkeypatch: pytest.MonkeyPatch
) -> None:
    run = at_pypiserver(pypiserver, monkeypatch, "demo-bin", "--platform", "macos")
    assert run.exit_code == 1
    assert {"package.no-compatible-wheel", "package.no-macos-builds"} <= ids(run, PROBLEMS)


def test_linux_and_windows_wheels_fit_their_targets(
    pypiserver: PypiServer, monkeypatch: pytest.MonkeyPatch
) -> None:
    run = at_pypiserver(
        pypiserver, monkeypatch, "demo-bin", "--platform", "linux", "--platform", "windows",
        "--python", "3.12",
    )  # fmt: skip
    assert run.exit_code == 0, run.stdout
    packages = run.document["packages"]
    assert isinstance(packages, list)
    cells = packages[0]["matrix"]["rows"][0]["cells"]
    assert [(c["target"], c["fit"]) for c in cells] == [("linux", "wheel"), ("windows", "wheel")]
    assert cells[1]["file"] == "demo_bin-1.0-cp312-cp312-win_amd64.whl"


def test_a_typo_gets_the_right_near_miss(
    pypiserver: PypiServer, monkeypatch: pytest.MonkeyPatch
) -> None:
    run = at_pypiserver(pypiserver, monkeypatch, "demo-cor")
    assert run.exit_code == 1
    findings = run.document["findings"]
    assert isinstance(findings, list)
    near = next(f for f in findings if f["id"] == "package.near-miss")
    assert near["summary"] == "Did you mean demo-core?"


def test_signed_download_redirects_get_no_credentials_and_no_signature_shown(
    lab: Lab, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Artifactory Cloud sends downloads to signed storage URLs on another host, which refuse an
    Authorization header: the probe follows without credentials, and -v masks the signature."""
    run = in_lab(lab, monkeypatch, "signed-downloads", "requests", "--via", "manager", "-v")
    assert run.exit_code == 0, run.stdout
    assert ids(run, PROBLEMS) == set()
    requests = run.document["requests"]
    assert isinstance(requests, list)
    stored = [r for r in requests if "/artifactory-storage/" in r["url"]]
    assert stored and all(r["status"] == 200 for r in stored)
    assert all(not r.get("sent_credentials") for r in stored)
    assert "X-Amz-Signature=lab" not in run.stdout


def test_through_a_refusing_nexus_proxy_never_a_missing_package(
    lab: Lab, monkeypatch: pytest.MonkeyPatch
) -> None:
    """The manager URL is the proxy itself: 503 for the refused upstream, then the block's 404;
    neither is the package missing nor the index hidden."""
    lab.load(BY_NAME["nexus-upstream-refused"])
    for key, value in lab.target().items():
        monkeypatch.setenv(key, value)
    monkeypatch.setenv("ASDIAG_MANAGER_URL", f"{lab.base_url}/repository/activestate/simple/")
    first = package("docopt", "--via", "manager")
    assert ids(first, PROBLEMS) == {"package.index-unavailable"}, first.stdout
    assert "Nexus answers 503 when the proxy's upstream answers 401" in first.stdout
    then = package("cryptography", "--via", "manager")
    assert ids(then, PROBLEMS) == {"package.index-unavailable"}, then.stdout
    finding = then.finding("package.index-unavailable")
    assert "the Nexus proxy is auto-blocked until " in str(finding["summary"])


def test_a_wrong_index_url_is_never_a_missing_package(
    pypiserver: PypiServer, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("ASDIAG_PASSWORD", pypiserver.password)
    wrong = f"{pypiserver.url}/wrong"
    run = package("demo-core", "--catalog-url", wrong, "--username", pypiserver.username)
    assert run.exit_code == 1
    assert ids(run, PROBLEMS) == {"package.index-not-found"}, run.stdout
    finding = run.finding("package.index-not-found")
    assert finding["summary"] == (
        f"{wrong}/simple/demo-core/ answered 404, and the index root {wrong}/simple/ answered "
        "404 too: the index is missing or hidden from this user, not the project."
    )
    assert "Request for the catalog vendor" not in run.stdout


def test_an_sdist_only_package_is_reported(
    pypiserver: PypiServer, monkeypatch: pytest.MonkeyPatch
) -> None:
    run = at_pypiserver(pypiserver, monkeypatch, "demo_src")
    assert "package.sdist-only" in ids(run, ("warn",))
    assert run.exit_code == 0


# --- behaviour ---------------------------------------------------------------------------------


def test_several_packages_in_one_call(lab: Lab, monkeypatch: pytest.MonkeyPatch) -> None:
    run = in_lab(
        lab, monkeypatch, "healthy", "requests", "numpy", "docopt", "--platform", "linux",
        "--via", "catalog",
    )  # fmt: skip
    packages = run.document["packages"]
    assert isinstance(packages, list)
    assert [p["project"] for p in packages] == ["requests", "numpy", "docopt"]
    # One page each, one file probe each (no near-miss lookups when everything is found).
    assert run.document["request_count"] == 6


def test_the_vendor_request_is_filled_in(lab: Lab, monkeypatch: pytest.MonkeyPatch) -> None:
    run = in_lab(
        lab, monkeypatch, "healthy", "pandas>=2", "--platform", "windows", "--python", "3.12"
    )
    finding = next(f for f in run.document["findings"] if f["id"] == "package.not-found")  # type: ignore[union-attr]
    assert finding["detail"].splitlines()[1:5] == [
        "  Package: pandas",
        "  Version or range: >=2",
        "  Target operating systems: Windows amd64",
        "  Python versions: 3.12",
    ]


@pytest.mark.parametrize(
    ("args", "message"),
    [
        (("numpy[",), "is not a package name"),
        (("pkg @ https://example.org/pkg.whl",), "names a URL"),
        (("numpy", "--platform", "amiga"), "amiga"),
        (("numpy", "--python", "two"), "two"),
        (("numpy", "--via", "manager"), "--via manager needs the manager URL"),
    ],
)
def test_bad_input_is_a_usage_error(
    lab: Lab, monkeypatch: pytest.MonkeyPatch, args: tuple[str, ...], message: str
) -> None:
    lab.load(BY_NAME["no-macos"])  # a scenario without a manager
    for key, value in lab.target().items():
        monkeypatch.setenv(key, value)
    run = run_asdiag("package", *args)
    assert run.exit_code == 2
    assert message in run.stderr
    assert "Traceback" not in run.stderr


def test_no_index_configured_is_a_usage_error() -> None:
    run = run_asdiag("package", "numpy")
    assert run.exit_code == 2
    assert "no index to ask" in run.stderr


@pytest.mark.parametrize("output", ["human", "json", "markdown"])
@pytest.mark.parametrize("scenario", ["bad-password", "mixed-public-pypi", "nexus-hash-lookup"])
def test_no_secret_in_any_output(
    lab: Lab, monkeypatch: pytest.MonkeyPatch, scenario: str, output: str
) -> None:
    lab.load(BY_NAME[scenario])
    for key, value in lab.target().items():
        monkeypatch.setenv(key, value)
    run = run_asdiag("package", "requests", "pandas", "--via", "auto", "-vv", "--format", output)
    for secret in SECRETS:
        assert secret not in run.stdout + run.stderr
    assert "Traceback" not in run.stdout + run.stderr
