"""Fixtures that run real servers on 127.0.0.1: pypiserver, the scripted server, a TLS server."""

from __future__ import annotations

import base64
import contextlib
import hashlib
import json
import socket
import ssl
import subprocess
import sys
import zipfile
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

import pytest
import trustme
from typer.testing import CliRunner

from asdiag.cli import app
from tests.integration.devpi_fixture import DevpiServer, run_devpi
from tests.integration.fault_server import FaultServer, RecordingServer
from tests.integration.scripted_server import ORG_ID, PASSWORD, ScriptedServer

PYPISERVER_PASSWORD = "pypi-S3cret-9x"


@dataclass(frozen=True)
class PypiServer:
    url: str
    username: str
    password: str


def _write_wheel(directory: Path, filename: str) -> None:
    """A tiny wheel real pip accepts: a module, METADATA, WHEEL and RECORD."""
    distribution, version, tags = filename.removesuffix(".whl").split("-", 2)
    dist_info = f"{distribution}-{version}.dist-info"
    files = {
        "demo_core/__init__.py": b"",
        f"{dist_info}/METADATA": (
            f"Metadata-Version: 2.1\nName: {distribution}\nVersion: {version}\n".encode()
        ),
        f"{dist_info}/WHEEL": f"Wheel-Version: 1.0\nRoot-Is-Purelib: true\nTag: {tags}\n".encode(),
    }
    record = [
        f"{path},sha256="
        + base64.urlsafe_b64encode(hashlib.sha256(data).digest()).rstrip(b"=").decode()
        + f",{len(data)}"
        for path, data in files.items()
    ]
    files[f"{dist_info}/RECORD"] = ("\n".join([*record, f"{dist_info}/RECORD,,"]) + "\n").encode()
    with zipfile.ZipFile(directory / filename, "w") as wheel:
        for path, data in files.items():
            wheel.writestr(path, data)


def _run_pypiserver(root: Path, *options: str) -> Iterator[PypiServer]:
    """A pypiserver process with an htpasswd file, on a free loopback port."""
    packages = root / "packages"
    packages.mkdir()
    _write_wheel(packages, "demo_core-1.0-py3-none-any.whl")
    _write_wheel(packages, "zope.interface-6.0-cp312-cp312-win_amd64.whl")
    # Linux and Windows only, as the catalog's vendor builds by default; and an sdist-only one.
    _write_wheel(
        packages, "demo_bin-1.0-cp312-cp312-manylinux_2_17_x86_64.manylinux2014_x86_64.whl"
    )
    _write_wheel(packages, "demo_bin-1.0-cp312-cp312-win_amd64.whl")
    (packages / "demo_src-0.1.tar.gz").write_bytes(b"not really a tarball")
    # The {SHA} form of an htpasswd line, written here so that the test process never imports
    # passlib (whose use of the deprecated crypt module would fail filterwarnings=error).
    digest = base64.b64encode(hashlib.sha1(PYPISERVER_PASSWORD.encode()).digest()).decode()
    (root / "htpasswd").write_text(f"{ORG_ID}:{{SHA}}{digest}\n")
    script = Path(__file__).with_name("pypiserver_main.py")
    process = subprocess.Popen(
        [sys.executable, str(script), str(packages), str(root / "htpasswd"), *options],
        stdout=subprocess.PIPE,
        text=True,
    )
    assert process.stdout is not None
    port = process.stdout.readline().strip()  # printed once the socket listens
    try:
        assert port.isdigit(), f"pypiserver did not start (printed {port!r})"
        yield PypiServer(f"http://127.0.0.1:{port}", ORG_ID, PYPISERVER_PASSWORD)
    finally:
        process.terminate()
        process.wait(timeout=10)
        process.stdout.close()


@pytest.fixture(scope="session")
def pypiserver(tmp_path_factory: pytest.TempPathFactory) -> Iterator[PypiServer]:
    """A pypiserver process with an htpasswd file, on a free loopback port."""
    yield from _run_pypiserver(tmp_path_factory.mktemp("pypiserver"))


@pytest.fixture(scope="session")
def pypiserver_challenging(tmp_path_factory: pytest.TempPathFactory) -> Iterator[PypiServer]:
    """The same, answering 401 (not pypiserver's 403) to a username with an empty password,
    as Artifactory and Nexus do: what pip sends first for ``http://USER@host/simple/``, and
    only a 401 makes it ask the keyring."""
    yield from _run_pypiserver(
        tmp_path_factory.mktemp("pypiserver-challenging"), "--challenge-empty-password"
    )


@pytest.fixture(scope="session")
def scripted() -> Iterator[ScriptedServer]:
    server = ScriptedServer().start()
    yield server
    server.stop()


@dataclass(frozen=True)
class Faults:
    """The fault server over plain http and over TLS, and the origin that records."""

    plain: FaultServer
    tls: FaultServer
    ca_bundle: Path
    recorder: RecordingServer

    def base(self, scope_fault: str, *, tls: bool = False) -> str:
        if tls:
            return f"https://localhost:{self.tls.port}/{scope_fault}"
        return f"http://127.0.0.1:{self.plain.port}/{scope_fault}"


@pytest.fixture(scope="session")
def faults(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Faults]:
    recorder = RecordingServer().start()
    plain = FaultServer(recorder.origin).start()
    ca = trustme.CA()
    context = ssl.create_default_context(ssl.Purpose.CLIENT_AUTH)
    ca.issue_cert("localhost", "127.0.0.1").configure_cert(context)
    bundle = tmp_path_factory.mktemp("faults-tls") / "ca.pem"
    ca.cert_pem.write_to_path(str(bundle))
    tls = FaultServer(recorder.origin, f"http://127.0.0.1:{plain.port}", tls=context).start()
    yield Faults(plain, tls, bundle, recorder)
    for server in (tls, plain, recorder):
        server.stop()


@dataclass(frozen=True)
class TlsServer:
    url: str
    ca_bundle: Path


@pytest.fixture(scope="session")
def tls_server(tmp_path_factory: pytest.TempPathFactory) -> Iterator[TlsServer]:
    """The scripted server behind TLS, with a certificate from a private test CA."""
    ca = trustme.CA()
    context = ssl.create_default_context(ssl.Purpose.CLIENT_AUTH)
    ca.issue_cert("localhost", "127.0.0.1").configure_cert(context)
    bundle = tmp_path_factory.mktemp("tls") / "ca.pem"
    ca.cert_pem.write_to_path(str(bundle))
    server = ScriptedServer(tls=context).start()
    yield TlsServer(f"https://localhost:{server.port}", bundle)
    server.stop()


@pytest.fixture
def closed_port() -> int:
    """A loopback port nothing listens on (bound, then released)."""
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


@pytest.fixture
def unanswered_port() -> Iterator[int]:
    """A loopback port whose accept queue is full, so new connections time out."""
    listener = socket.socket()
    listener.bind(("127.0.0.1", 0))
    listener.listen(0)
    port = int(listener.getsockname()[1])
    fillers = []
    for _ in range(3):
        filler = socket.socket()
        filler.setblocking(False)
        with contextlib.suppress(BlockingIOError):
            filler.connect(("127.0.0.1", port))
        fillers.append(filler)
    yield port
    for filler in fillers:
        filler.close()
    listener.close()


@dataclass(frozen=True)
class Run:
    exit_code: int
    stdout: str
    stderr: str

    @property
    def document(self) -> dict[str, object]:
        data = json.loads(self.stdout)
        assert isinstance(data, dict)
        return data

    @property
    def ids(self) -> list[str]:
        findings = self.document["findings"]
        assert isinstance(findings, list)
        return [finding["id"] for finding in findings]

    def finding(self, finding_id: str) -> dict[str, object]:
        findings = self.document["findings"]
        assert isinstance(findings, list)
        return next(f for f in findings if f["id"] == finding_id)


def run_asdiag(*args: str, stdin: str | None = None) -> Run:
    """Run the CLI in-process; a traceback escaping it fails the test."""
    result = CliRunner().invoke(app, list(args), input=stdin)
    if result.exception is not None and not isinstance(result.exception, SystemExit):
        raise result.exception
    return Run(result.exit_code, result.stdout, result.stderr)


__all__ = ["ORG_ID", "PASSWORD", "PypiServer", "Run", "TlsServer", "run_asdiag"]


@pytest.fixture(scope="session")
def devpi(tmp_path_factory: pytest.TempPathFactory) -> Iterator[DevpiServer]:
    """A real devpi-server: ``ORG_ID/pypi`` (read ACL: ``ORG_ID`` only) and ``ORG_ID/public``
    (anyone), each with the same five files; see ``tests/integration/devpi_fixture.py``."""
    yield from run_devpi(tmp_path_factory.mktemp("devpi"), _write_wheel)
