"""The lab and the demo, timed as whole processes, against pip on the same lab.

- `asdiag demo`: the README's first command (the issue's budget: under 10 s on a fresh install).
- lab start-up: from `asdiag lab serve` being launched to its banner (the socket listens), and
  in-process from `Lab()` to the first answered request (budget: under 0.5 s).
- `asdiag check` against the healthy lab, beside `pip download --no-deps requests` from the same
  catalog (pip isolated from this machine's configuration), with their ratio.
- `asdiag package` for four packages on the default matrix (five targets by four Pythons).

Medians of N runs (default 5). Usage: python benchmarks/lab.py [--runs N]
"""

from __future__ import annotations

import argparse
import os
import signal
import statistics
import subprocess
import sys
import tempfile
import time
import urllib.request
from collections.abc import Callable
from pathlib import Path

from asdiag.lab.scenarios import ORG_ID, ORG_PASSWORD, SCENARIOS
from asdiag.lab.server import Lab

BIN = Path(sys.executable).parent
DEMO_COUNT = sum(scenario.in_demo for scenario in SCENARIOS)


def median(measure: Callable[[], float], runs: int) -> float:
    return statistics.median(measure() for _ in range(runs))


def timed(command: list[str], env: dict[str, str]) -> Callable[[], float]:
    def run() -> float:
        started = time.perf_counter()
        done = subprocess.run(command, capture_output=True, check=False, env=env)
        assert done.returncode in (0, 1), done.stderr  # 1: findings failed; anything else: broken
        return time.perf_counter() - started

    return run


def serve_until_banner(env: dict[str, str]) -> float:
    started = time.perf_counter()
    process = subprocess.Popen(
        [str(BIN / "asdiag"), "lab", "serve"],
        stdout=subprocess.PIPE,
        stderr=subprocess.DEVNULL,
        text=True,
        env=env,
    )
    assert process.stdout is not None
    process.stdout.readline()
    elapsed = time.perf_counter() - started
    process.send_signal(signal.SIGTERM)
    process.communicate()
    return elapsed


def lab_in_process() -> float:
    started = time.perf_counter()
    with Lab() as lab:
        urllib.request.urlopen(f"{lab.base_url}/service/rest/v1/status").read()
        return time.perf_counter() - started


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--runs", type=int, default=5)
    runs = parser.parse_args().runs
    env = {k: v for k, v in os.environ.items() if not k.startswith(("PIP_", "ASDIAG_", "UV_"))}
    env["PIP_CONFIG_FILE"] = os.devnull
    results = {
        f"asdiag demo ({DEMO_COUNT} scenarios)": median(
            timed([str(BIN / "asdiag"), "demo"], env), runs
        ),
        "asdiag lab serve, launch to banner": median(lambda: serve_until_banner(env), runs),
        "Lab() to first answer, in-process": median(lab_in_process, runs),
    }
    with Lab() as lab, tempfile.TemporaryDirectory() as tmp:
        check_env = env | lab.target()
        results["asdiag check (healthy lab)"] = median(
            timed([str(BIN / "asdiag"), "check"], check_env), runs
        )
        triage = [str(BIN / "asdiag"), "package", "requests", "numpy", "docopt", "cryptography"]
        results["asdiag package, 4 packages x 5 targets x 4 Pythons"] = median(
            timed(triage, check_env), runs
        )
        index = f"http://{ORG_ID}:{ORG_PASSWORD}@127.0.0.1:{lab.port}/{ORG_ID}/pypi/simple/"
        pip = [
            str(BIN / "pip"),
            "download",
            "--no-deps",
            "--no-cache-dir",
            "--disable-pip-version-check",
            "--index-url",
            index,
            "-d",
            tmp,
            "requests",
        ]
        results["pip download --no-deps requests (healthy lab)"] = median(timed(pip, env), runs)
    for name, seconds in results.items():
        print(f"{name:<48} {seconds * 1000:8.0f} ms")
    ratio = (
        results["asdiag check (healthy lab)"]
        / results["pip download --no-deps requests (healthy lab)"]
    )
    print(f"{'asdiag check / pip download':<48} {ratio:8.2f}x")


if __name__ == "__main__":
    main()
