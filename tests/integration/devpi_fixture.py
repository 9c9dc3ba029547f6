"""A real devpi-server on 127.0.0.1, laid out as the vendor's catalog: ``/<org-uuid>/pypi``.

One process per test session (``devpi_main.py``, a child: the test process never imports
devpi_server). The port it prints once its socket listens is the readiness signal; the layout
is then made over devpi's own HTTP API, as devpi-client and twine would make it:

* user ``ORG_ID`` (a UUID: devpi accepts it as a user name) with ``DEVPI_PASSWORD``, and user
  ``outsider`` with ``OUTSIDER_PASSWORD``;
* ``ORG_ID/pypi``: readable by ``ORG_ID`` only (the ``acl_read`` option of the plugin in
  ``devpi_main.py``; devpi's ``root`` also reads it);
* ``ORG_ID/public``: readable by anyone;
* both with ``bases`` empty (no root/pypi mirror exists), and both holding ``DEVPI_FILES``,
  uploaded as twine does (a multipart POST with ``:action=file_upload``, Basic credentials).
"""

from __future__ import annotations

import gzip
import io
import os
import subprocess
import sys
import tarfile
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from pathlib import Path

import httpx

from tests.integration.scripted_server import ORG_ID

DEVPI_PASSWORD = "devpi-S3cret-7q"
OUTSIDER = "outsider"
OUTSIDER_PASSWORD = "outsider-P4ss-3m"
PRIVATE_INDEX = "pypi"
OPEN_INDEX = "public"

DEVPI_FILES = (
    "demo_core-1.0-py3-none-any.whl",
    "demo_bin-1.0-cp312-cp312-manylinux_2_17_x86_64.manylinux2014_x86_64.whl",
    "demo_bin-1.0-cp312-cp312-win_amd64.whl",
    "zope.interface-6.0-cp312-cp312-win_amd64.whl",  # a foreign-platform-only wheel
    "demo_src-0.1.tar.gz",  # sdist only
)


@dataclass(frozen=True)
class DevpiServer:
    url: str  # http://127.0.0.1:PORT
    user: str
    password: str
    outsider: str
    outsider_password: str
    open_index: str
    private_index: str

    def base_url(self, index: str) -> str:
        """``http://127.0.0.1:PORT/<user>/<index>``: devpi's index URL, no simple page."""
        return f"{self.url}/{self.user}/{index}"

    def index_url(self, index: str) -> str:
        """``.../<user>/<index>/+simple/``: what pip's ``--index-url`` takes."""
        return f"{self.base_url(index)}/+simple/"

    @property
    def open_base_url(self) -> str:
        return self.base_url(self.open_index)

    @property
    def open_index_url(self) -> str:
        return self.index_url(self.open_index)

    @property
    def private_base_url(self) -> str:
        return self.base_url(self.private_index)

    @property
    def private_index_url(self) -> str:
        return self.index_url(self.private_index)


def write_sdist(directory: Path, filename: str) -> None:
    """A minimal valid sdist: ``NAME-VERSION/PKG-INFO`` and ``pyproject.toml``, reproducible."""
    distribution, version = filename.removesuffix(".tar.gz").rsplit("-", 1)
    top = f"{distribution}-{version}"
    files = {
        f"{top}/PKG-INFO": (
            f"Metadata-Version: 2.1\nName: {distribution}\nVersion: {version}\n".encode()
        ),
        f"{top}/pyproject.toml": (
            f'[project]\nname = "{distribution}"\nversion = "{version}"\n'.encode()
        ),
    }
    archive = io.BytesIO()
    with tarfile.open(fileobj=archive, mode="w", format=tarfile.PAX_FORMAT) as tar:
        for path, data in files.items():
            info = tarfile.TarInfo(path)
            info.size = len(data)
            info.mode = 0o644
            tar.addfile(info, io.BytesIO(data))
    (directory / filename).write_bytes(gzip.compress(archive.getvalue(), mtime=0))


def _upload(client: httpx.Client, index: str, path: Path) -> None:
    if path.name.endswith(".whl"):
        name, version = path.name.split("-")[:2]
    else:
        name, version = path.name.removesuffix(".tar.gz").rsplit("-", 1)
    response = client.post(
        f"/{ORG_ID}/{index}/",
        data={":action": "file_upload", "name": name, "version": version},
        files={"content": (path.name, path.read_bytes(), "application/octet-stream")},
    )
    assert response.status_code == 200, f"upload of {path.name}: {response.status_code}"


def _lay_out(url: str, packages: Path) -> None:
    """The users, the two indexes and the files, over devpi's HTTP API."""
    with httpx.Client(base_url=url, timeout=30) as anonymous:
        for user, password in ((ORG_ID, DEVPI_PASSWORD), (OUTSIDER, OUTSIDER_PASSWORD)):
            response = anonymous.put(f"/{user}", json={"password": password})
            assert response.status_code == 201, f"user {user}: {response.status_code}"
    with httpx.Client(base_url=url, auth=(ORG_ID, DEVPI_PASSWORD), timeout=30) as owner:
        for index, readers in ((PRIVATE_INDEX, [ORG_ID]), (OPEN_INDEX, [":ANONYMOUS:"])):
            response = owner.put(
                f"/{ORG_ID}/{index}", json={"type": "stage", "bases": [], "acl_read": readers}
            )
            assert response.status_code == 200, f"index {index}: {response.status_code}"
            ixconfig = response.json()["result"]
            assert ixconfig["bases"] == [] and ixconfig["acl_read"] == readers, ixconfig
            for filename in DEVPI_FILES:
                _upload(owner, index, packages / filename)


def run_devpi(root: Path, write_wheel: Callable[[Path, str], None]) -> Iterator[DevpiServer]:
    """Start devpi-server, lay it out, yield it, stop it. ``root`` holds its data and log."""
    packages = root / "packages"
    packages.mkdir()
    for filename in DEVPI_FILES:
        if filename.endswith(".whl"):
            write_wheel(packages, filename)
        else:
            write_sdist(packages, filename)
    # Nothing from a developer's own devpi settings (DEVPISERVER_* variables) applies.
    env = {name: value for name, value in os.environ.items() if not name.startswith("DEVPISERVER")}
    env["PYTHONHASHSEED"] = "0"  # devpi lists an index's projects in set order
    log_path = root / "devpi.log"
    script = Path(__file__).with_name("devpi_main.py")
    with log_path.open("w") as log:
        process = subprocess.Popen(
            [sys.executable, str(script), str(root / "server")],
            stdout=subprocess.PIPE,
            stderr=log,
            env=env,
            text=True,
        )
    assert process.stdout is not None
    port = process.stdout.readline().strip()  # printed once the socket listens
    try:
        assert port.isdigit(), f"devpi-server did not start; its log:\n{_tail(log_path)}"
        url = f"http://127.0.0.1:{port}"
        _lay_out(url, packages)
        yield DevpiServer(
            url, ORG_ID, DEVPI_PASSWORD, OUTSIDER, OUTSIDER_PASSWORD, OPEN_INDEX, PRIVATE_INDEX
        )
    finally:
        process.terminate()
        process.wait(timeout=10)
        process.stdout.close()


def _tail(path: Path, lines: int = 40) -> str:
    return "\n".join(path.read_text(errors="replace").splitlines()[-lines:])
