"""Real pip finds the password `asdiag login` stored, for an index URL with a port (issue 27).

The pypiserver fixture requires Basic auth and listens on 127.0.0.1:PORT; its ``challenging``
form answers 401, as Artifactory does, where pypiserver answers 403 (see ``pypiserver_main``).
asdiag (in-process) and real pip (a child process, ``--keyring-provider import``) share one
keyring: the file
backend of ``tests/file_keyring.py``, selected in pip's process by ``PYTHON_KEYRING_BACKEND``
with this repository on ``PYTHONPATH``. pip is isolated from this machine's configuration: no
``PIP_*`` or proxy variable, ``PIP_CONFIG_FILE`` is ``os.devnull`` (pip then reads no config
file at all), and HOME, XDG_CONFIG_HOME and NETRC point into the test's temporary directory.
"""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import keyring
import pytest

from tests.file_keyring import FILE_VARIABLE, FileKeyring
from tests.integration.conftest import PypiServer, run_asdiag

REPOSITORY = Path(__file__).resolve().parents[2]


@pytest.fixture
def file_keyring(tmp_path: Path) -> FileKeyring:
    backend = FileKeyring(tmp_path / "keyring.json")
    keyring.set_keyring(backend)  # restored by the autouse no_keyring fixture
    return backend


def _pip_environment(home: Path, keyring_file: Path) -> dict[str, str]:
    steering = ("PIP_", "HTTP_PROXY", "HTTPS_PROXY", "ALL_PROXY", "NO_PROXY", "NETRC")
    env = {k: v for k, v in os.environ.items() if not k.upper().startswith(steering)}
    env.update(
        PIP_CONFIG_FILE=os.devnull,
        HOME=str(home),
        XDG_CONFIG_HOME=str(home / ".config"),
        NETRC=str(home / ".netrc"),
        NO_PROXY="127.0.0.1,localhost",
        PYTHONPATH=str(REPOSITORY),
        PYTHON_KEYRING_BACKEND="tests.file_keyring.FileKeyring",
        **{FILE_VARIABLE: str(keyring_file)},
    )
    return env


def _pip_download(server: PypiServer, backend: FileKeyring, tmp_path: Path) -> tuple[int, str]:
    """``pip download demo-core`` with the username in the index URL, the password from the
    keyring; returns pip's exit code and its output."""
    destination = tmp_path / "downloads"
    netloc = server.url.split("/")[2]
    command = [
        sys.executable, "-m", "pip", "download", "--no-deps", "--no-input",
        "--disable-pip-version-check", "--cache-dir", str(tmp_path / "cache"),
        "-d", str(destination),
        "--index-url", f"http://{server.username}@{netloc}/simple/",
        "--keyring-provider", "import",
        "demo-core",
    ]  # fmt: skip
    done = subprocess.run(
        command,
        env=_pip_environment(tmp_path / "pip-home", backend.path),
        cwd=tmp_path,
        capture_output=True,
        text=True,
        timeout=120,
        check=False,
    )
    got = sorted(p.name for p in destination.iterdir()) if destination.exists() else []
    if done.returncode == 0:
        assert got == ["demo_core-1.0-py3-none-any.whl"], done.stdout + done.stderr
    return done.returncode, done.stdout + done.stderr


def test_pip_gets_a_package_with_the_password_login_stored(
    pypiserver_challenging: PypiServer, file_keyring: FileKeyring, tmp_path: Path
) -> None:
    server = pypiserver_challenging
    netloc = server.url.split("/")[2]
    assert ":" in netloc  # the case of the issue: a port in the index URL
    login = run_asdiag(
        "login", "--catalog-url", server.url, "--username", server.username,
        "--password-stdin", stdin=server.password,
    )  # fmt: skip
    assert login.exit_code == 0, login.stderr
    assert "answered 200" in login.stdout

    before = len(file_keyring.asked)
    returncode, output = _pip_download(server, file_keyring, tmp_path)
    assert returncode == 0, output
    # What real pip asked: the index URL as configured (one trailing slash), and it answered.
    assert file_keyring.asked[before:] == [(f"{server.url}/simple/", server.username)]
    for text in (output, login.stdout, login.stderr):
        assert server.password not in text


def test_pip_asks_the_netloc_with_its_port_second(
    pypiserver_challenging: PypiServer, file_keyring: FileKeyring, tmp_path: Path
) -> None:
    """Only the ``host:port`` entry: pip finds it after the index URL (``_get_new_credentials``)."""
    server = pypiserver_challenging
    netloc = server.url.split("/")[2]
    file_keyring.set_password(netloc, server.username, server.password)
    returncode, output = _pip_download(server, file_keyring, tmp_path)
    assert returncode == 0, output
    assert [s for s, _ in file_keyring.asked] == [f"{server.url}/simple/", netloc]


def test_what_older_versions_stored_gave_pip_a_401(
    pypiserver_challenging: PypiServer, file_keyring: FileKeyring, tmp_path: Path
) -> None:
    """The bug: the base URL and the bare host name, neither of which pip asks."""
    server = pypiserver_challenging
    file_keyring.set_password(server.url, server.username, server.password)
    file_keyring.set_password("127.0.0.1", server.username, server.password)
    returncode, output = _pip_download(server, file_keyring, tmp_path)
    assert returncode != 0
    assert "401" in output
    assert server.password not in output
    whoami = run_asdiag("whoami", "--catalog-url", server.url, "--username", server.username)
    assert f"pip keyring: nothing for {server.username} under" in whoami.stdout
