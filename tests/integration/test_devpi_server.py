"""The devpi fixture's layout, over real HTTP on 127.0.0.1: who may read which index."""

from __future__ import annotations

import httpx
import pytest

from tests.integration.devpi_fixture import DEVPI_FILES, DevpiServer

PIP_ACCEPT = (
    "application/vnd.pypi.simple.v1+json, application/vnd.pypi.simple.v1+html; q=0.1, "
    "text/html; q=0.01"
)
SIMPLE_JSON = "application/vnd.pypi.simple.v1+json"


def _get(url: str, auth: tuple[str, str] | None = None, accept: str = PIP_ACCEPT) -> httpx.Response:
    return httpx.get(url, auth=auth, headers={"Accept": accept}, timeout=10)


def test_anonymous_is_refused_the_private_index_without_a_challenge(devpi: DevpiServer) -> None:
    response = _get(devpi.private_index_url)
    assert response.status_code == 403
    assert response.json() == {"error": "authentication required"}
    assert "WWW-Authenticate" not in response.headers


def test_a_wrong_password_is_refused_as_anonymous_is(devpi: DevpiServer) -> None:
    response = _get(devpi.private_index_url, auth=(devpi.user, devpi.password + "x"))
    assert response.status_code == 403
    assert response.json() == {"error": "authentication required"}


def test_the_owner_reads_the_private_index_with_basic_credentials(devpi: DevpiServer) -> None:
    response = _get(devpi.private_index_url, auth=(devpi.user, devpi.password))
    assert response.status_code == 200
    assert response.headers["Content-Type"] == SIMPLE_JSON
    names = {project["name"] for project in response.json()["projects"]}
    assert names == {"demo-core", "demo-bin", "demo-src", "zope-interface"}


def test_a_valid_user_outside_the_acl_is_told_the_index_does_not_exist(
    devpi: DevpiServer,
) -> None:
    response = _get(devpi.private_index_url, auth=(devpi.outsider, devpi.outsider_password))
    assert response.status_code == 404
    assert response.json() == {"error": "index not found"}


@pytest.mark.parametrize("who", ["anonymous", "outsider"])
def test_anyone_reads_the_open_index(devpi: DevpiServer, who: str) -> None:
    auth = None if who == "anonymous" else (devpi.outsider, devpi.outsider_password)
    response = _get(devpi.open_index_url, auth=auth)
    assert response.status_code == 200
    assert "demo-core" in {project["name"] for project in response.json()["projects"]}


@pytest.mark.parametrize("index", ["open", "private"])
def test_each_project_page_lists_its_files(devpi: DevpiServer, index: str) -> None:
    index_url = devpi.open_index_url if index == "open" else devpi.private_index_url
    auth = (devpi.user, devpi.password)
    listed: set[str] = set()
    for project in ("demo-core", "demo-bin", "zope-interface", "demo-src"):
        response = _get(f"{index_url}{project}/", auth=auth)
        assert response.status_code == 200
        assert response.headers["Content-Type"] == SIMPLE_JSON
        listed.update(file["filename"] for file in response.json()["files"])
    assert listed == set(DEVPI_FILES)


def test_a_file_of_the_private_index_is_refused_to_anonymous(devpi: DevpiServer) -> None:
    auth = (devpi.user, devpi.password)
    page_url = f"{devpi.private_index_url}demo-core/"
    file_url = httpx.URL(page_url).join(_get(page_url, auth=auth).json()["files"][0]["url"])
    assert _get(str(file_url), accept="*/*").status_code == 403
    assert _get(str(file_url), auth=auth, accept="*/*").status_code == 200


def test_a_non_normalised_project_name_redirects_to_the_normalised_one(
    devpi: DevpiServer,
) -> None:
    response = _get(f"{devpi.open_index_url}Demo_Core/")
    assert response.status_code == 302
    assert response.headers["Location"] == f"{devpi.open_index_url}demo-core/"
