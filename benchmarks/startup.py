"""Whole-process timings: asdiag's start-up against pip's, and one `asdiag check` run.

Runs each command N times (default 10) as a fresh process and reports the median wall time
(time.perf_counter around subprocess.run) and the ratio to `pip --version` measured in the
same run. `asdiag check` runs against a pypiserver process on 127.0.0.1 (no network beyond
loopback). Usage: python benchmarks/startup.py [--runs N]
"""

from __future__ import annotations

import argparse
import base64
import hashlib
import os
import statistics
import subprocess
import sys
import tempfile
import time
import zipfile
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
BIN = Path(sys.executable).parent


def median_seconds(command: list[str], runs: int, env: dict[str, str]) -> float:
    timings = []
    for _ in range(runs):
        started = time.perf_counter()
        subprocess.run(command, capture_output=True, check=False, env=env)
        timings.append(time.perf_counter() - started)
    return statistics.median(timings)


def start_pypiserver(root: Path, password: str) -> tuple[subprocess.Popen[str], str]:
    packages = root / "packages"
    packages.mkdir()
    with zipfile.ZipFile(packages / "demo_core-1.0-py3-none-any.whl", "w") as wheel:
        wheel.writestr("demo_core/__init__.py", "")
    digest = base64.b64encode(hashlib.sha1(password.encode()).digest()).decode()
    (root / "htpasswd").write_text(f"bench:{{SHA}}{digest}\n")
    script = ROOT / "tests" / "integration" / "pypiserver_main.py"
    process = subprocess.Popen(
        [sys.executable, str(script), str(packages), str(root / "htpasswd")],
        stdout=subprocess.PIPE,
        text=True,
    )
    assert process.stdout is not None
    return process, f"http://127.0.0.1:{process.stdout.readline().strip()}"


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--runs", type=int, default=10)
    runs = parser.parse_args().runs
    env = {k: v for k, v in os.environ.items() if not k.startswith(("PIP_", "ASDIAG_"))}
    env["PIP_CONFIG_FILE"] = os.devnull
    asdiag = [str(BIN / "asdiag")]
    pip = [str(BIN / "pip"), "--version"]
    results = {
        "pip --version": median_seconds(pip, runs, env),
        "asdiag --version": median_seconds([*asdiag, "--version"], runs, env),
        "asdiag --help": median_seconds([*asdiag, "--help"], runs, env),
        "asdiag check --help": median_seconds([*asdiag, "check", "--help"], runs, env),
    }
    with tempfile.TemporaryDirectory() as tmp:
        process, url = start_pypiserver(Path(tmp), "bench-Pa55")
        try:
            check_env = {**env, "ASDIAG_PASSWORD": "bench-Pa55"}
            command = [*asdiag, "check", "--catalog-url", url, "--username", "bench"]
            results["asdiag check (pypiserver, 2 requests)"] = median_seconds(
                command, runs, check_env
            )
        finally:
            process.terminate()
            process.wait()
            if process.stdout is not None:
                process.stdout.close()
    baseline = results["pip --version"]
    print(f"Python {sys.version.split()[0]}, {runs} runs each, medians")
    print(f"{'command':<42} {'median':>9} {'vs pip --version':>17}")
    for name, seconds in results.items():
        print(f"{name:<42} {seconds * 1000:>7.0f} ms {seconds / baseline:>16.2f}x")


if __name__ == "__main__":
    main()
