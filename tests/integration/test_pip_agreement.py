"""asdiag's "a wheel fits" equals pip's verdict against the same real index (issue 4).

Real wheels (tiny but valid: METADATA, WHEEL, RECORD) with different tags are served by a
pypiserver process without authentication on 127.0.0.1. For each case, real pip runs
``pip download --no-deps --only-binary=:all: --platform ... --python-version ...`` with the
``--platform`` values asdiag recommends (:func:`pip_platform_flags`), isolated from this
machine's pip configuration, and its verdict must equal ``best_file(...) is not None``.
"""

from __future__ import annotations

import base64
import hashlib
import os
import subprocess
import sys
import zipfile
from collections.abc import Iterator
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass
from pathlib import Path

import pytest

from asdiag.platforms import (
    Target,
    best_file,
    make_targets,
    pip_download_args,
    pip_platform_flags,
    pip_single_platform,
    pip_would_miss,
)
from tests.integration.conftest import run_asdiag

#: The index: project -> its wheel file names.
WHEELS: dict[str, tuple[str, ...]] = {
    "demo-bin": (
        "demo_bin-1.0-cp312-cp312-manylinux_2_17_x86_64.manylinux2014_x86_64.whl",
        "demo_bin-1.0-cp312-cp312-win_amd64.whl",
        "demo_bin-1.0-cp39-abi3-macosx_11_0_arm64.whl",
        "demo_bin-1.0-cp312-cp312-musllinux_1_2_x86_64.whl",
    ),
    "demo-pure": ("demo_pure-1.0-py3-none-any.whl",),
    "demo-arm": ("demo_arm-1.0-cp311-cp311-manylinux_2_34_aarch64.whl",),
    "demo-old": ("demo_old-1.0-cp312-cp312-manylinux_2_17_x86_64.whl",),
    "demo-legacy": ("demo_legacy-1.0-cp310-cp310-manylinux1_x86_64.whl",),
}

#: (project, --platform, --python, whether a wheel fits): pip and asdiag must both say so.
CASES: tuple[tuple[str, str, str, bool], ...] = (
    ("demo-bin", "linux", "3.12", True),
    ("demo-bin", "linux", "3.11", False),
    ("demo-bin", "windows", "3.12", True),
    ("demo-bin", "windows", "3.13", False),
    ("demo-bin", "macos", "3.10", True),  # cp39-abi3 serves every later CPython
    ("demo-bin", "macos", "3.13", True),
    ("demo-bin", "macos-x86_64", "3.12", False),
    ("demo-bin", "musllinux", "3.12", True),
    ("demo-bin", "musllinux_1_1_x86_64", "3.12", False),
    ("demo-bin", "linux-aarch64", "3.12", False),
    ("demo-bin", "win_arm64", "3.12", False),
    ("demo-pure", "macos-x86_64", "3.13", True),
    ("demo-pure", "win_arm64", "3.10", True),
    ("demo-arm", "linux-aarch64", "3.11", False),  # the preset's glibc 2.28 is too old
    ("demo-arm", "manylinux_2_34_aarch64", "3.11", True),
    ("demo-arm", "manylinux_2_39_aarch64", "3.11", True),
    ("demo-old", "manylinux_2_28_x86_64", "3.12", True),  # only with every --platform
    ("demo-old", "manylinux2014_x86_64", "3.12", True),
    ("demo-legacy", "manylinux2014_x86_64", "3.10", True),
    ("demo-legacy", "linux", "3.10", True),
    ("demo-legacy", "manylinux_2_28_aarch64", "3.10", False),
)

_LAUNCHER = """
import sys
from socketserver import ThreadingMixIn
from wsgiref.simple_server import WSGIRequestHandler, WSGIServer, make_server

import pypiserver


class Server(ThreadingMixIn, WSGIServer):
    daemon_threads = True


class QuietHandler(WSGIRequestHandler):
    def log_message(self, format, *args):
        pass


app = pypiserver.app(
    roots=[sys.argv[1]], authenticate=[], password_file=".", disable_fallback=True
)
server = make_server("127.0.0.1", 0, app, server_class=Server, handler_class=QuietHandler)
print(server.server_port, flush=True)  # the socket listens: the fixture may connect
server.serve_forever()
"""


def _record_line(path: str, data: bytes) -> str:
    digest = base64.urlsafe_b64encode(hashlib.sha256(data).digest()).rstrip(b"=").decode()
    return f"{path},sha256={digest},{len(data)}"


def _write_wheel(directory: Path, filename: str) -> None:
    """A minimal valid wheel: a module, METADATA, WHEEL and RECORD."""
    distribution, version, *_ = filename[: -len(".whl")].split("-")
    tags = filename[: -len(".whl")].split("-", 2)[2]
    dist_info = f"{distribution}-{version}.dist-info"
    name = distribution.replace("_", "-")
    files = {
        f"{distribution}/__init__.py": b"",
        f"{dist_info}/METADATA": (
            f"Metadata-Version: 2.1\nName: {name}\nVersion: {version}\n".encode()
        ),
        f"{dist_info}/WHEEL": (
            f"Wheel-Version: 1.0\nGenerator: asdiag-tests\nRoot-Is-Purelib: false\nTag: {tags}\n"
        ).encode(),
    }
    record = [_record_line(path, data) for path, data in files.items()]
    record.append(f"{dist_info}/RECORD,,")
    files[f"{dist_info}/RECORD"] = ("\n".join(record) + "\n").encode()
    with zipfile.ZipFile(directory / filename, "w") as wheel:
        for path, data in files.items():
            wheel.writestr(path, data)


@dataclass(frozen=True)
class Index:
    url: str
    root: Path


@pytest.fixture(scope="module")
def index(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Index]:
    """pypiserver without authentication, serving :data:`WHEELS`, on a free loopback port."""
    root = tmp_path_factory.mktemp("pip-agreement")
    packages = root / "packages"
    packages.mkdir()
    for filenames in WHEELS.values():
        for filename in filenames:
            _write_wheel(packages, filename)
    process = subprocess.Popen(
        [sys.executable, "-c", _LAUNCHER, str(packages)], stdout=subprocess.PIPE, text=True
    )
    assert process.stdout is not None
    port = process.stdout.readline().strip()  # printed once the socket listens
    try:
        assert port.isdigit(), f"pypiserver did not start (printed {port!r})"
        yield Index(f"http://127.0.0.1:{port}/simple/", root)
    finally:
        process.terminate()
        process.wait(timeout=10)
        process.stdout.close()


@dataclass(frozen=True)
class PipRun:
    command: tuple[str, ...]
    returncode: int
    downloaded: tuple[str, ...]
    output: str

    @property
    def found(self) -> bool:
        """pip's verdict: it succeeded and saved a wheel."""
        return self.returncode == 0 and any(name.endswith(".whl") for name in self.downloaded)


def _pip_environment(home: Path) -> dict[str, str]:
    """This process's environment without anything that steers pip, proxies included."""
    steering = ("PIP_", "HTTP_PROXY", "HTTPS_PROXY", "ALL_PROXY", "NO_PROXY", "NETRC")
    env = {k: v for k, v in os.environ.items() if not k.upper().startswith(steering)}
    home.mkdir(parents=True, exist_ok=True)
    env.update(
        PIP_CONFIG_FILE=os.devnull,
        HOME=str(home),
        XDG_CONFIG_HOME=str(home / ".config"),
        NETRC=str(home / ".netrc"),
        NO_PROXY="127.0.0.1,localhost",
    )
    return env


def _pip_download(
    index: Index, run_id: str, project: str, target: Target, flags: tuple[str, ...]
) -> PipRun:
    destination = index.root / "downloads" / run_id
    destination.mkdir(parents=True)
    platform_args = [arg for flag in flags for arg in ("--platform", flag)]
    command = (
        sys.executable,
        "-m",
        "pip",
        "download",
        "--no-deps",
        "--only-binary=:all:",
        *platform_args,
        "--python-version",
        target.python_text,
        "--implementation",
        "cp",
        "--abi",
        target.abi,
        "-d",
        str(destination),
        "--index-url",
        index.url,
        "--disable-pip-version-check",
        "--no-cache-dir",
        "--no-input",
        project,
    )
    completed = subprocess.run(
        command,
        capture_output=True,
        text=True,
        env=_pip_environment(index.root / "home" / run_id),
        timeout=120,
        check=False,
    )
    downloaded = tuple(sorted(path.name for path in destination.iterdir()))
    return PipRun(command, completed.returncode, downloaded, completed.stdout + completed.stderr)


def _target(platform: str, python: str) -> Target:
    (only,) = make_targets([platform], [python])
    return only


#: The pip_would_miss case against real pip: one --platform, then every recommended one.
MISS_PROJECT, MISS_PLATFORM, MISS_PYTHON = "demo-old", "manylinux_2_28_x86_64", "3.12"


@pytest.fixture(scope="module")
def pip_runs(index: Index) -> dict[str, PipRun]:
    """Every pip run of this module, two at a time (each takes about a second)."""
    jobs: dict[str, tuple[str, Target, tuple[str, ...]]] = {}
    for number, (project, platform, python, _) in enumerate(CASES):
        target = _target(platform, python)
        jobs[f"case-{number}"] = (project, target, pip_platform_flags(target))
    miss_target = _target(MISS_PLATFORM, MISS_PYTHON)
    jobs["miss-single"] = (MISS_PROJECT, miss_target, (pip_single_platform(miss_target),))
    with ThreadPoolExecutor(max_workers=2) as pool:
        futures = {
            run_id: pool.submit(_pip_download, index, run_id, *job) for run_id, job in jobs.items()
        }
        return {run_id: future.result() for run_id, future in futures.items()}


def _assert_is_a_verdict(run: PipRun) -> None:
    """A failure must be pip saying "no matching wheel", not a broken server or command."""
    if not run.found:
        assert run.returncode != 0, run.output
        assert "No matching distribution found" in run.output, run.output


def test_the_cases_cover_both_verdicts_and_at_least_12_combinations():
    assert len(CASES) >= 12
    assert {fits for *_, fits in CASES} == {True, False}
    assert {project for project, *_ in CASES} == set(WHEELS)


@pytest.mark.parametrize(
    ("number", "project", "platform", "python", "fits"),
    [(number, *case) for number, case in enumerate(CASES)],
    ids=[f"{project}-{platform}-{python}" for project, platform, python, _ in CASES],
)
def test_asdiag_and_pip_agree(pip_runs, number, project, platform, python, fits):
    target = _target(platform, python)
    run = pip_runs[f"case-{number}"]
    _assert_is_a_verdict(run)
    match = best_file(WHEELS[project], target)
    assert run.found is (match is not None) is fits, run.output
    if match is not None:
        # pip saved exactly the wheel asdiag names (each project has one wheel per target here).
        assert run.downloaded == (match.filename,)
    assert pip_download_args(target)[1:-6] == tuple(
        arg for flag in pip_platform_flags(target) for arg in ("--platform", flag)
    )


def test_pip_with_one_manylinux_2_28_platform_misses_a_2_17_wheel_that_fits(pip_runs):
    (filename,) = WHEELS[MISS_PROJECT]
    target = _target(MISS_PLATFORM, MISS_PYTHON)
    assert pip_would_miss(target, filename)
    single = pip_runs["miss-single"]
    assert single.command.count("--platform") == 1
    assert not single.found
    _assert_is_a_verdict(single)
    widened = pip_runs[f"case-{CASES.index((MISS_PROJECT, MISS_PLATFORM, MISS_PYTHON, True))}"]
    assert widened.command.count("--platform") == len(pip_platform_flags(target)) > 1
    assert widened.found
    assert widened.downloaded == (filename,)


@pytest.mark.parametrize(
    ("number", "project", "platform", "python", "fits"),
    [(number, *case) for number, case in enumerate(CASES)],
    ids=[f"{project}-{platform}-{python}" for project, platform, python, _ in CASES],
)
def test_the_package_command_agrees_with_pip(
    index: Index, pip_runs, number, project, platform, python, fits
):
    """The whole command, not only best_file: fetch, parse, decide, against the same index."""
    base = index.url.removesuffix("/simple/")
    run = run_asdiag(
        "package", project, "--platform", platform, "--python", python,
        "--catalog-url", base, "--format", "json",
    )  # fmt: skip
    cell = run.document["packages"][0]["matrix"]["rows"][0]["cells"][0]  # type: ignore[index]
    assert (cell["fit"] in ("wheel", "pure")) is pip_runs[f"case-{number}"].found is fits
    assert ("package.no-compatible-wheel" in {f["id"] for f in run.document["findings"]}) is (  # type: ignore[union-attr]
        not fits
    )
