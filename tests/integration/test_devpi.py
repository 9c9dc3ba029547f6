"""asdiag against a real devpi-server: either URL form, the read ACL, its layout and refusals.

devpi serves ``/<user>/<index>/+simple/`` and answers 404 at ``…/simple/``; with the read ACL it
answers 403 ``authentication required`` to anonymous and wrong credentials, and 404 ``index not
found`` to a user outside the ACL (``tests/data/devpi/`` holds the recorded answers). A healthy
index must come out healthy in either URL form, and a refused user never as a missing package.
"""

from __future__ import annotations

import pytest

from tests.integration.conftest import Run, run_asdiag
from tests.integration.devpi_fixture import DevpiServer

PROBLEMS = ("warn", "fail", "error")


def problems(run: Run) -> set[str]:
    """Warnings and failures, wherever the document holds them; not ``client.*``, which are
    about the machine running the tests (no pip configuration: public PyPI)."""
    document = run.document
    findings = list(document["findings"])  # type: ignore[call-overload]
    for package in document.get("packages") or ():  # type: ignore[attr-defined]
        findings += [f for f in package["findings"] if f not in findings]
    return {
        f["id"] for f in findings if f["severity"] in PROBLEMS and not f["id"].startswith("client.")
    }


def as_user(
    monkeypatch: pytest.MonkeyPatch, command: str, url: str, user: str, password: str, *args: str
) -> Run:
    monkeypatch.setenv("ASDIAG_PASSWORD", password)
    return run_asdiag(
        command, *args, "--catalog-url", url, "--username", user, "--format", "json", "-v"
    )


def assert_no_secret(run: Run, *secrets: str) -> None:
    for secret in secrets:
        assert secret not in run.stdout + run.stderr


# --- check ---------------------------------------------------------------------------------------


def test_check_the_index_url_of_a_private_index_is_healthy(
    devpi: DevpiServer, monkeypatch: pytest.MonkeyPatch
) -> None:
    url = devpi.private_index_url
    run = as_user(monkeypatch, "check", url, devpi.user, devpi.password)
    assert run.exit_code == 0, run.stdout
    # devpi refuses anonymous requests with 403 and no challenge: pip's keyring never gets asked.
    assert problems(run) == {"auth.no-challenge"}
    assert {"url.ok", "net.server", "index.ok"} <= set(run.ids)
    assert run.finding("url.ok")["summary"] == (
        f"Index {url}; base {devpi.private_base_url} (given as the index URL)."
    )
    server = str(run.finding("net.server")["summary"])
    assert server.startswith("devpi-server 6.")
    assert server.endswith(f" answers at {url} (X-Devpi-Server-Version: {server.split()[1]}).")
    assert_no_secret(run, devpi.password)


def test_check_the_base_url_follows_devpis_layout_and_names_the_index_url(
    devpi: DevpiServer, monkeypatch: pytest.MonkeyPatch
) -> None:
    base = devpi.private_base_url
    run = as_user(monkeypatch, "check", base, devpi.user, devpi.password)
    assert run.exit_code == 0, run.stdout
    assert problems(run) == {"net.server-layout", "auth.no-challenge"}
    assert "index.ok" in run.ids
    layout = run.finding("net.server-layout")
    assert str(layout["summary"]).startswith("devpi-server ")
    assert f"serves this index at {devpi.private_index_url}; {base}/simple/ answered 404." in str(
        layout["summary"]
    )
    assert f"the index URL {devpi.private_index_url}" in str(layout["remediation"])
    assert_no_secret(run, devpi.password)


@pytest.mark.parametrize("form", ["base", "index"])
def test_check_an_open_index_anonymously(
    devpi: DevpiServer, monkeypatch: pytest.MonkeyPatch, form: str
) -> None:
    monkeypatch.delenv("ASDIAG_PASSWORD", raising=False)
    url = devpi.open_base_url if form == "base" else devpi.open_index_url
    run = run_asdiag("check", "--catalog-url", url, "--format", "json")
    assert run.exit_code == 0, run.stdout
    expected = {"auth.anonymous-allowed"} | ({"net.server-layout"} if form == "base" else set())
    assert problems(run) == expected
    assert "index.ok" in run.ids


@pytest.mark.parametrize("form", ["base", "index"])
def test_check_a_user_outside_the_acl_is_refused_not_missing(
    devpi: DevpiServer, monkeypatch: pytest.MonkeyPatch, form: str
) -> None:
    url = devpi.private_base_url if form == "base" else devpi.private_index_url
    run = as_user(monkeypatch, "check", url, devpi.outsider, devpi.outsider_password)
    assert run.exit_code == 1, run.stdout
    # The URL's /<uuid>/pypi shape names the organisation, which the outsider is not.
    expected = {"auth.not-found-with-credentials", "url.username-mismatch"}
    assert problems(run) == expected | ({"net.server-layout"} if form == "base" else set())
    assert "index.ok" not in run.ids
    refused = run.finding("auth.not-found-with-credentials")
    assert "The server says: index not found" in str(refused["detail"])
    assert_no_secret(run, devpi.outsider_password)


def test_check_a_wrong_password_names_it_first(
    devpi: DevpiServer, monkeypatch: pytest.MonkeyPatch
) -> None:
    run = as_user(monkeypatch, "check", devpi.private_index_url, devpi.user, "not-the-Pw-1")
    assert run.exit_code == 1, run.stdout
    assert "auth.forbidden" in problems(run)
    detail = str(run.finding("auth.forbidden")["detail"])
    assert "The server says: authentication required" in detail
    assert "1. The password is wrong" in detail


def test_check_without_a_password(devpi: DevpiServer, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.delenv("ASDIAG_PASSWORD", raising=False)
    run = run_asdiag("check", "--catalog-url", devpi.private_index_url, "--format", "json")
    assert run.exit_code == 1, run.stdout
    assert "auth.missing-credentials" in problems(run)


# --- package -------------------------------------------------------------------------------------


@pytest.mark.parametrize("form", ["base", "index"])
def test_package_finds_what_is_there_in_either_url_form(
    devpi: DevpiServer, monkeypatch: pytest.MonkeyPatch, form: str
) -> None:
    url = devpi.private_base_url if form == "base" else devpi.private_index_url
    run = as_user(
        monkeypatch, "package", url, devpi.user, devpi.password,
        "demo-core", "demo-bin", "--platform", "linux", "--python", "3.12",
    )  # fmt: skip
    assert run.exit_code == 0, run.stdout
    expected = {"net.server-layout"} if form == "base" else set()
    assert problems(run) == expected
    packages = run.document["packages"]
    assert isinstance(packages, list)
    assert [p["versions"] for p in packages] == [["1.0"], ["1.0"]]
    assert all(p["page_url"].startswith(devpi.private_index_url) for p in packages)
    if form == "base":  # said once for the index, not once per package
        assert run.ids.count("net.server-layout") == 1
    assert_no_secret(run, devpi.password)


def test_package_a_missing_project_is_missing(
    devpi: DevpiServer, monkeypatch: pytest.MonkeyPatch
) -> None:
    run = as_user(
        monkeypatch, "package", devpi.private_index_url, devpi.user, devpi.password, "nope-pkg"
    )
    assert run.exit_code == 1
    assert problems(run) == {"package.not-found"}


@pytest.mark.parametrize("form", ["base", "index"])
def test_package_a_user_outside_the_acl_is_never_a_missing_package(
    devpi: DevpiServer, monkeypatch: pytest.MonkeyPatch, form: str
) -> None:
    url = devpi.private_base_url if form == "base" else devpi.private_index_url
    run = as_user(monkeypatch, "package", url, devpi.outsider, devpi.outsider_password, "demo-core")
    assert run.exit_code == 1, run.stdout
    assert problems(run) == {"package.index-not-found"}, run.stdout
    packages = run.document["packages"]
    assert isinstance(packages, list)
    finding = next(f for f in packages[0]["findings"] if f["id"] == "package.index-not-found")
    assert "The server says: index not found" in str(finding["detail"])
    assert "Request for the catalog vendor" not in run.stdout
    assert_no_secret(run, devpi.outsider_password)


def test_package_anonymous_on_a_private_index_is_refused(
    devpi: DevpiServer, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.delenv("ASDIAG_PASSWORD", raising=False)
    run = run_asdiag(
        "package", "demo-core", "--catalog-url", devpi.private_index_url, "--format", "json"
    )
    assert run.exit_code == 1
    assert problems(run) == {"package.index-refused"}


def test_package_a_foreign_platform_wheel_does_not_fit(
    devpi: DevpiServer, monkeypatch: pytest.MonkeyPatch
) -> None:
    run = as_user(
        monkeypatch, "package", devpi.private_index_url, devpi.user, devpi.password,
        "zope.interface", "--platform", "linux", "--python", "3.12",
    )  # fmt: skip
    assert run.exit_code == 1, run.stdout
    assert "package.no-compatible-wheel" in problems(run)


# --- requirements --------------------------------------------------------------------------------


def test_requirements_at_the_base_url_follow_the_layout_once(
    devpi: DevpiServer, monkeypatch: pytest.MonkeyPatch, tmp_path: pytest.TempPathFactory
) -> None:
    requirements = tmp_path / "requirements.txt"  # type: ignore[operator]
    requirements.write_text("demo-core\ndemo-bin\nnope-pkg\n")
    run = as_user(
        monkeypatch, "requirements", devpi.private_base_url, devpi.user, devpi.password,
        str(requirements), "--platform", "linux", "--python", "3.12",
    )  # fmt: skip
    assert run.exit_code == 1, run.stdout
    assert run.ids.count("net.server-layout") == 1
    assert "package.not-found" in problems(run)
    assert "package.index-not-found" not in problems(run)
    assert_no_secret(run, devpi.password)


# --- an index that does not exist --------------------------------------------------------------


def test_check_a_missing_index_quotes_devpi(
    devpi: DevpiServer, monkeypatch: pytest.MonkeyPatch
) -> None:
    base = devpi.base_url("nothere")
    run = as_user(monkeypatch, "check", base, devpi.user, devpi.password)
    assert run.exit_code == 1, run.stdout
    assert "index.not-found" in problems(run)
    assert "net.server-layout" not in run.ids  # +simple/ is missing too: nothing to follow
    detail = str(run.finding("index.not-found")["detail"])
    assert f"The server says: The stage {devpi.user}/nothere could not be found." in detail
    assert f"own index path {base}/+simple/ answered 404 too" in detail


def test_package_at_a_missing_index_is_never_a_missing_package(
    devpi: DevpiServer, monkeypatch: pytest.MonkeyPatch
) -> None:
    run = as_user(
        monkeypatch, "package", devpi.base_url("nothere"), devpi.user, devpi.password, "demo-core"
    )
    assert run.exit_code == 1
    assert problems(run) == {"package.index-not-found"}
    assert "could not be found" in run.stdout
