"""The batch benchmark: `asdiag requirements` on N generated projects, against pip and uv.

What: N (default 500) generated projects with mixed wheel tags (``benchmarks/batch_server.py``)
are served on 127.0.0.1 by a stdlib server that sleeps ``--delay-ms`` (default 20 ms) before
each answer, to stand for a real network, and counts the requests it answers. One after
another, each as a whole process, for Windows and CPython 3.12:

- asdiag on the full requirements file (all N projects, plus two that are not in the catalog):
  ``asdiag requirements FILE --platform windows --python 3.12 --catalog-url URL --format json``;
  until that command exists, ``asdiag package NAME...`` with the same options stands in for it
  (the script picks ``requirements`` as soon as ``asdiag requirements --help`` succeeds;
  ``--stand-in`` forces ``package``);
- asdiag, pip and uv on the resolvable file: the lines with a Windows cp312 or pure wheel. pip
  (``pip install --dry-run --no-deps --only-binary=:all: --platform win_amd64 ...``) and uv
  (``uv pip install --dry-run --no-deps ...``) stop at the first project they cannot satisfy, so
  this is the file they can answer in full;
- pip and uv on the full file, to record how far each gets before its first failure.

Each run reports wall time (``time.perf_counter`` around the process), the requests the server
answered (its counters are reset between runs), and peak memory: ``ru_maxrss`` from
``os.wait4`` on the child (what ``/usr/bin/time -v`` prints as "Maximum resident set size"; the
largest of the process and the children it waited for). Ratios are against asdiag on the full
file, measured in the same run; the verdict checks the targets (at least 10x faster than pip,
within 1.1x of uv, under 60 MiB) and the start-up target through ``benchmarks/startup.py``.

pip and uv are isolated from this machine's configuration: no ``PIP_*``, ``UV_*`` or proxy
variables, ``PIP_CONFIG_FILE=os.devnull``, ``UV_NO_CONFIG=1``, no cache, ``HOME``,
``XDG_*`` and ``NETRC`` in a temporary directory; asdiag gets the same environment and a fresh
state directory per run. No network beyond 127.0.0.1.

Usage: python benchmarks/batch.py [--projects 500] [--delay-ms 20] [--runs 1] [--seed 2026]
[--stand-in] [--no-startup]. Exit status 0 whatever the verdict; 1 if a tool could not be run
as expected. Unix only (``os.wait4``), like the other benchmarks.
"""

from __future__ import annotations

import argparse
import json
import os
import re
import shutil
import subprocess
import sys
import tempfile
import threading
import time
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))

from batch_server import Catalog, CatalogServer, Project, generate
from startup import median_seconds

BIN = Path(sys.executable).parent
MISSING = ("bench-not-in-catalog", "bench-also-missing")  # asked for, never served
TIMEOUT_S = 900.0
MIB = 1024 * 1024
TARGET_VS_PIP = 10.0
TARGET_VS_UV = 1.1
TARGET_MEMORY_MIB = 60.0
TARGET_VERSION_VS_PIP = 0.35


class BenchmarkError(Exception):
    """A tool could not be run as the benchmark expects."""


@dataclass
class Sample:
    seconds: float
    peak_bytes: int
    requests: dict[str, int]
    returncode: int
    stdout: str
    stderr: str


@dataclass
class Row:
    """One tool on one requirements file, and its runs."""

    label: str
    lines: int  # requirement lines given
    command: Callable[[], list[str]]
    expect: Callable[[Sample], str | None]  # None when fine, else what went wrong
    describe: Callable[[Sample], str]
    is_asdiag: bool = False
    samples: list[Sample] = field(default_factory=list)

    def median(self) -> Sample:
        ordered = sorted(self.samples, key=lambda s: s.seconds)
        return ordered[(len(ordered) - 1) // 2]


def run_measured(command: Sequence[str], env: dict[str, str], server: CatalogServer) -> Sample:
    """Run ``command`` as a fresh process: wall time, peak RSS (wait4) and server requests."""
    server.take_counts()
    with tempfile.TemporaryFile("w+") as out, tempfile.TemporaryFile("w+") as err:
        started = time.perf_counter()
        process = subprocess.Popen(command, stdout=out, stderr=err, env=env)
        timer = threading.Timer(TIMEOUT_S, process.kill)
        timer.start()
        try:
            _, status, usage = os.wait4(process.pid, 0)
        finally:
            timer.cancel()
        seconds = time.perf_counter() - started
        process.returncode = os.waitstatus_to_exitcode(status)
        out.seek(0)
        err.seek(0)
        stdout, stderr = out.read(), err.read()
    peak = usage.ru_maxrss * (1 if sys.platform == "darwin" else 1024)  # bytes on macOS, else KiB
    counts = server.take_counts()
    return Sample(seconds, peak, dict(counts), process.returncode, stdout, stderr)


def isolated_env(home: Path) -> dict[str, str]:
    """This machine's environment without pip, uv, asdiag or proxy settings; home in ``home``."""
    proxies = {"http_proxy", "https_proxy", "all_proxy", "no_proxy", "ftp_proxy"}
    env = {
        k: v
        for k, v in os.environ.items()
        if not k.startswith(("PIP_", "UV_", "ASDIAG_", "XDG_", "PYTHONUSERBASE"))
        and k.lower() not in proxies
        and k not in ("NETRC", "REQUESTS_CA_BUNDLE", "SSL_CERT_FILE", "CURL_CA_BUNDLE")
    }
    for name in ("config", "cache", "data", "state"):
        (home / name).mkdir(parents=True, exist_ok=True)
    env |= {
        "HOME": str(home),
        "XDG_CONFIG_HOME": str(home / "config"),
        "XDG_CACHE_HOME": str(home / "cache"),
        "XDG_DATA_HOME": str(home / "data"),
        "XDG_STATE_HOME": str(home / "state"),
        "NETRC": str(home / "netrc-absent"),
        "PIP_CONFIG_FILE": os.devnull,
        "UV_NO_CONFIG": "1",
        "UV_PYTHON_DOWNLOADS": "never",
        "UV_CACHE_DIR": str(home / "cache" / "uv"),
        "PYTHON_KEYRING_BACKEND": "keyring.backends.null.Keyring",
        "NO_COLOR": "1",
    }
    return env


def find_uv() -> str | None:
    local = BIN / ("uv.exe" if os.name == "nt" else "uv")
    return str(local) if local.exists() else shutil.which("uv")


def has_requirements_command(env: dict[str, str]) -> bool:
    done = subprocess.run(
        [str(BIN / "asdiag"), "requirements", "--help"], capture_output=True, env=env, check=False
    )
    return done.returncode == 0


def write_requirements(path: Path, projects: list[Project], missing: Sequence[str]) -> None:
    """One line per project (a few with a specifier they can meet), then ``missing``."""
    lines = ["# generated by benchmarks/batch.py"]
    for i, project in enumerate(projects):
        fitting = project.fitting_versions()
        if fitting and i % 20 == 7:
            lines.append(f"{project.name}>={fitting[0]}")
        elif fitting and i % 20 == 13:
            lines.append(f"{project.name}=={fitting[-1]}")
        else:
            lines.append(project.name)
    lines.extend(missing)
    path.write_text("\n".join(lines) + "\n")


def requirement_lines(path: Path) -> list[str]:
    return [x for x in path.read_text().splitlines() if x and not x.startswith("#")]


def asdiag_command(requirements: Path, url: str, real: bool) -> list[str]:
    options = ["--platform", "windows", "--python", "3.12", "--catalog-url", url]
    if real:
        return [
            str(BIN / "asdiag"),
            "requirements",
            str(requirements),
            *options,
            "--format",
            "json",
        ]
    names = requirement_lines(requirements)
    return [str(BIN / "asdiag"), "package", *names, *options, "--format", "json"]


def pip_command(requirements: Path, url: str, target: Path) -> list[str]:
    return [
        sys.executable,
        "-m",
        "pip",
        "install",
        "--dry-run",
        "--no-deps",
        "--only-binary=:all:",
        "--platform",
        "win_amd64",
        "--python-version",
        "3.12",
        "--implementation",
        "cp",
        "--abi",
        "cp312",
        "--target",
        str(target),
        "--index-url",
        f"{url}/simple/",
        "-r",
        str(requirements),
        "--disable-pip-version-check",
        "--no-cache-dir",
        "--no-input",
    ]


def uv_command(uv: str, requirements: Path, url: str, target: Path) -> list[str]:
    return [
        uv,
        "pip",
        "install",
        "--dry-run",
        "--no-deps",
        "--only-binary",
        ":all:",
        "--python-platform",
        "windows",
        "--python-version",
        "3.12",
        "--python",
        sys.executable,  # the interpreter uv needs to exist; the target is Windows, 3.12
        "--target",
        str(target),
        "--index-url",
        f"{url}/simple/",
        "--no-cache",
        "-r",
        str(requirements),
    ]


def asdiag_outcome(sample: Sample) -> str | None:
    if sample.returncode not in (0, 1):
        return f"exit {sample.returncode}: {sample.stderr.strip()[-500:]}"
    try:
        report = json.loads(sample.stdout)
        int(report["request_count"])
        list(report["packages"])
    except (ValueError, KeyError, TypeError) as error:
        return f"no JSON report with request_count and packages ({error})"
    return None


def asdiag_describe(sample: Sample) -> str:
    report = json.loads(sample.stdout)
    packages = report["packages"]
    severities = [p.get("severity") for p in packages if isinstance(p, dict)]
    flagged = sum(1 for s in severities if s not in (None, "ok"))
    problems = f" ({flagged} not ok)" if any(severities) else ""
    return (
        f"exit {sample.returncode}, {len(packages)} answered{problems}, "
        f"request_count {report['request_count']}"
    )


def would_install(sample: Sample) -> int:
    """Projects pip (``Would install a-1 b-2``) or uv (`` + a==1`` lines) would install."""
    pip = re.search(r"^Would install (.*)$", sample.stdout, re.MULTILINE)
    if pip:
        return len(pip.group(1).split())
    return len(re.findall(r"^ \+ \S+==", sample.stdout + sample.stderr, re.MULTILINE))


def first_failure(sample: Sample) -> str:
    text = sample.stderr + sample.stdout
    for pattern in (
        r"satisfies the requirement (\S+)",
        r"Because (\S+) was not found",
        r"Because (?:only )?(\S+?)(?:[<>=!~][^ ]*)? (?:has no|is not available|was not found)",
        r"Because there are no versions of (\S+)",
        r"Because all versions of (\S+)",
        r"Because (\S+) ",
    ):
        match = re.search(pattern, text)
        if match:
            return match.group(1).rstrip(",")
    lines = [x for x in text.strip().splitlines() if x.strip()]
    return lines[-1][:80] if lines else "?"


def resolver_outcome(expected: int) -> Callable[[Sample], str | None]:
    def check(sample: Sample) -> str | None:
        if sample.returncode != 0:
            return f"exit {sample.returncode}: {sample.stderr.strip()[-800:]}"
        got = would_install(sample)
        return None if got == expected else f"would install {got} of {expected} projects"

    return check


def stops_early(sample: Sample) -> str | None:
    if sample.returncode == 0:
        return "answered the full file without a failure, which it cannot: the catalog is wrong"
    return None


def resolver_describe(lines: Sequence[str]) -> Callable[[Sample], str]:
    """Would install how many; or where it stopped: the first project it could not satisfy."""
    names = [re.split(r"[<>=!~;\[ ]", line, maxsplit=1)[0] for line in lines]

    def describe(sample: Sample) -> str:
        if sample.returncode == 0:
            return f"exit 0, would install {would_install(sample)}"
        failed = first_failure(sample)
        where = f", line {names.index(failed) + 1} of {len(names)}" if failed in names else ""
        return f"exit {sample.returncode}, stopped at {failed}{where}"

    return describe


def mib(size: int) -> float:
    return size / MIB


def requests_text(counts: dict[str, int]) -> str:
    total = sum(counts.values())
    parts = ", ".join(
        f"{counts[k]} {k}" for k in ("root", "page", "file", "other") if counts.get(k)
    )
    return f"{total} ({parts})" if parts else "0"


def startup_verdict(env: dict[str, str], runs: int) -> tuple[str, bool]:
    pip = median_seconds([sys.executable, "-m", "pip", "--version"], runs, env)
    asdiag = median_seconds([str(BIN / "asdiag"), "--version"], runs, env)
    ratio = asdiag / pip
    return (
        f"asdiag --version {asdiag * 1000:.0f} ms vs pip --version {pip * 1000:.0f} ms: "
        f"{ratio:.2f}x (medians of {runs}; target at most {TARGET_VERSION_VS_PIP}x)",
        ratio <= TARGET_VERSION_VS_PIP,
    )


def build_rows(
    root: Path, url: str, uv: str | None, real: bool, full_file: Path, subset_file: Path
) -> list[Row]:
    """asdiag on both files, then pip and uv on the file they can answer, then on the full one."""
    full, subset = requirement_lines(full_file), requirement_lines(subset_file)
    name = "asdiag requirements" if real else "asdiag package (stand-in)"
    counter = iter(range(1_000_000))

    def target() -> Path:  # pip's and uv's --target: a new, empty directory for each run
        return root / f"target-{next(counter)}"

    rows = [
        Row(
            f"{name}, full file",
            len(full),
            lambda: asdiag_command(full_file, url, real),
            asdiag_outcome,
            asdiag_describe,
            is_asdiag=True,
        ),
        Row(
            f"{name}, resolvable",
            len(subset),
            lambda: asdiag_command(subset_file, url, real),
            asdiag_outcome,
            asdiag_describe,
            is_asdiag=True,
        ),
        Row(
            "pip, resolvable",
            len(subset),
            lambda: pip_command(subset_file, url, target()),
            resolver_outcome(len(subset)),
            resolver_describe(subset),
        ),
    ]
    if uv is not None:
        uv_path = uv
        rows.append(
            Row(
                "uv, resolvable",
                len(subset),
                lambda: uv_command(uv_path, subset_file, url, target()),
                resolver_outcome(len(subset)),
                resolver_describe(subset),
            )
        )
    rows.append(
        Row(
            "pip, full file",
            len(full),
            lambda: pip_command(full_file, url, target()),
            stops_early,
            resolver_describe(full),
        )
    )
    if uv is not None:
        uv_path = uv
        rows.append(
            Row(
                "uv, full file",
                len(full),
                lambda: uv_command(uv_path, full_file, url, target()),
                stops_early,
                resolver_describe(full),
            )
        )
    return rows


def measure(
    rows: list[Row], runs: int, env: dict[str, str], root: Path, server: CatalogServer
) -> list[str]:
    """Run every row ``runs`` times, one process after another; what went wrong, if anything."""
    problems = []
    states = iter(range(1_000_000))
    for _ in range(runs):
        for row in rows:
            run_env = env
            if row.is_asdiag:  # asdiag's request ledger starts empty for each run
                state = root / f"state-{next(states)}"
                state.mkdir()
                run_env = env | {"XDG_STATE_HOME": str(state)}
            sample = run_measured(row.command(), run_env, server)
            row.samples.append(sample)
            problem = row.expect(sample)
            if problem:
                problems.append(f"{row.label}: {problem}")
    return problems


def print_table(rows: list[Row]) -> None:
    baseline = rows[0].median()
    header = f"{'tool':<38} {'lines':>5} {'wall':>9} {'vs asdiag':>9} {'peak RSS':>9}"
    print(f"\n{header}  {'requests made (server)':<32} outcome")
    for row in rows:
        s = row.median()
        print(
            f"{row.label:<38} {row.lines:>5} {s.seconds:>7.2f} s "
            f"{s.seconds / baseline.seconds:>8.2f}x {mib(s.peak_bytes):>5.0f} MiB  "
            f"{requests_text(s.requests):<32} {row.describe(s)}"
        )


def verdict_line(met: bool, text: str) -> str:
    return f"  {'met   ' if met else 'MISSED'} {text}"


def print_verdict(rows: list[Row]) -> None:
    by_label = {row.label: row for row in rows}
    full, same = rows[0].median(), rows[1].median()
    print("\nVerdict (asdiag on the full file; pip and uv on the file they can answer):")
    pip = by_label["pip, resolvable"].median()
    ratio = pip.seconds / full.seconds
    print(
        verdict_line(
            ratio >= TARGET_VS_PIP,
            f"faster than pip: {ratio:.1f}x (target at least {TARGET_VS_PIP:g}x; "
            f"on the same file: {pip.seconds / same.seconds:.1f}x)",
        )
    )
    if "uv, resolvable" in by_label:
        uv = by_label["uv, resolvable"].median()
        ratio = full.seconds / uv.seconds
        print(
            verdict_line(
                ratio <= TARGET_VS_UV,
                f"against uv: {ratio:.2f}x uv's time (target at most {TARGET_VS_UV:g}x; "
                f"on the same file: {same.seconds / uv.seconds:.2f}x)",
            )
        )
    else:
        print("  ------ against uv: not measured, uv is not installed")
    peak = mib(max(s.peak_bytes for row in rows[:2] for s in row.samples))
    print(
        verdict_line(
            peak < TARGET_MEMORY_MIB,
            f"peak memory: {peak:.0f} MiB (target under {TARGET_MEMORY_MIB:g} MiB)",
        )
    )


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--projects", type=int, default=500)
    parser.add_argument("--delay-ms", type=float, default=20.0)
    parser.add_argument("--runs", type=int, default=1, help="rounds; medians are reported")
    parser.add_argument("--seed", type=int, default=2026)
    parser.add_argument(
        "--stand-in",
        action="store_true",
        help="measure `asdiag package NAME...` even where `asdiag requirements` exists",
    )
    parser.add_argument(
        "--no-startup", action="store_true", help="skip `asdiag --version` vs `pip --version`"
    )
    args = parser.parse_args()

    projects = generate(args.projects, args.seed)
    resolvable = [p for p in projects if p.fitting_versions()]
    uv = find_uv()
    server = CatalogServer(Catalog(projects), args.delay_ms / 1000)
    server.start()
    with tempfile.TemporaryDirectory(prefix="asdiag-batch-") as tmp:
        try:
            root = Path(tmp)
            env = isolated_env(root / "home")
            real = not args.stand_in and has_requirements_command(env)
            full_file, subset_file = root / "requirements-all.txt", root / "requirements-fit.txt"
            write_requirements(full_file, projects, MISSING)
            write_requirements(subset_file, resolvable, ())
            url = f"http://127.0.0.1:{server.port}"
            rows = build_rows(root, url, uv, real, full_file, subset_file)
            # Each tool once, untimed, so that the first one measured does not pay for a cold
            # disk cache that the others then find warm.
            warm = [[str(BIN / "asdiag"), "package", "--help"], [sys.executable, "-m", "pip", "-V"]]
            for command in [*warm, *([[uv, "--version"]] if uv else [])]:
                subprocess.run(command, capture_output=True, env=env, check=False)
            problems = measure(rows, args.runs, env, root, server)
        finally:
            server.shutdown()
            server.server_close()

        print(
            f"{args.projects} projects ({len(resolvable)} with a Windows cp312 or pure wheel, "
            f"{args.projects - len(resolvable)} without, {len(MISSING)} more not in the catalog), "
            f"{args.delay_ms:g} ms per request, {args.runs} run(s), medians; "
            f"Python {sys.version.split()[0]}, {os.cpu_count()} cores"
        )
        if not real:
            print("`asdiag requirements` is not there: `asdiag package NAME...` stands in for it")
        if not uv:
            print("uv is not installed: its rows are skipped")
        if problems:
            print("\nCould not measure as expected:")
            for problem in problems:
                print(f"  {problem}")
            return 1
        print_table(rows)
        print_verdict(rows)
        if not args.no_startup:
            text, met = startup_verdict(env, 10)
            print(verdict_line(met, f"start-up: {text}"))
            print("  (the whole start-up table: python benchmarks/startup.py --runs 10)")
    return 0


if __name__ == "__main__":
    sys.exit(main())
