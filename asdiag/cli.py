"""The command line: options in, one library call, rendered text out, an exit code.

Only this module knows argv, stdin, stdout, stderr and exit codes. Everything it writes passes
through the run's :class:`~asdiag.redact.Redactor` first. Heavy modules (httpx through the doctor,
keyring, packaging.tags) are imported inside the commands, so ``--version`` and ``--help`` start
fast.
"""

from __future__ import annotations

import contextlib
import difflib
import getpass
import io
import logging
import os
import shutil
import sys
from collections.abc import Callable, Iterator
from datetime import datetime
from enum import StrEnum
from pathlib import Path
from typing import TYPE_CHECKING, Annotated

import typer

from asdiag import __version__
from asdiag.errors import EXIT_INCOMPLETE, EXIT_INTERRUPTED, AsdiagError, UsageError
from asdiag.redact import Redactor, Secret

if TYPE_CHECKING:
    from rich.console import RenderableType

    from asdiag.client_config import ClientConfig
    from asdiag.credentials import KeyringKeys
    from asdiag.doctor import Report
    from asdiag.lab.server import Lab
    from asdiag.lab.web import Reply, Request
    from asdiag.settings import Flags, Settings

app = typer.Typer(
    name="asdiag",
    help="Diagnose why pip, uv, Artifactory or Nexus cannot get packages from a private, "
    "curated PyPI-style catalog, and say what to change.",
    no_args_is_help=True,
    add_completion=False,
    rich_markup_mode=None,
    pretty_exceptions_enable=False,
    context_settings={"help_option_names": ["-h", "--help"]},
)


class OutputFormat(StrEnum):
    HUMAN = "human"
    JSON = "json"
    MARKDOWN = "markdown"


class Group(StrEnum):
    """The check groups ``--only`` selects (kept equal to ``asdiag.checks.GROUPS`` by a test)."""

    CONFIG = "config"
    URL = "url"
    NETWORK = "network"
    HTTP = "http"
    AUTH = "auth"
    INDEX = "index"
    MANAGER = "manager"
    SCHEDULE = "schedule"
    CLIENT = "client"


def _version_callback(value: bool) -> None:
    if value:
        typer.echo(f"asdiag {__version__}")
        raise typer.Exit()


@app.callback()
def main(
    version: Annotated[
        bool,
        typer.Option(
            "--version",
            help="Show the version and exit.",
            is_eager=True,
            callback=_version_callback,
        ),
    ] = False,
) -> None:
    """asdiag: the doctor for a private, curated PyPI-style catalog."""


# --- output -----------------------------------------------------------------------------------


def _write(text: str, redactor: Redactor, *, err: bool = False) -> None:
    stream = sys.stderr if err else sys.stdout
    try:
        stream.write(redactor.output(text))
        stream.flush()
    except BrokenPipeError:
        # The reader went away (`asdiag check | head`): drop the rest quietly, keep the exit code.
        devnull = os.open(os.devnull, os.O_WRONLY)
        os.dup2(devnull, stream.fileno())


def _to_text(renderable: RenderableType) -> str:
    """Render to a string (so the redactor sees everything) with the terminal's colours."""
    from rich.console import Console

    is_tty = sys.stdout.isatty()
    console = Console(
        file=io.StringIO(),
        force_terminal=is_tty,
        no_color=not is_tty or "NO_COLOR" in os.environ,
        highlight=False,
        emoji=False,
        width=shutil.get_terminal_size((100, 24)).columns,
    )
    console.print(renderable)
    output = console.file
    assert isinstance(output, io.StringIO)
    # Rich pads wrapped lines to the full width; trailing blanks only hurt copy and paste.
    return "".join(line.rstrip() + "\n" for line in output.getvalue().splitlines())


class _RedactingFilter(logging.Filter):
    """Redacts every log record before any handler formats it."""

    def __init__(self, redactor: Redactor) -> None:
        super().__init__()
        self.redactor = redactor

    def filter(self, record: logging.LogRecord) -> bool:
        record.msg = self.redactor.text(record.getMessage())
        record.args = None
        return True


class _StderrHandler(logging.StreamHandler):  # type: ignore[type-arg]
    """Writes to whatever ``sys.stderr`` is at the time of the record, not at creation."""

    @property
    def stream(self) -> object:
        return sys.stderr

    @stream.setter
    def stream(self, value: object) -> None:
        """The stream is always the current stderr."""


def _configure_logging(verbosity: int, redactor: Redactor) -> None:
    """With ``-vv``, debug logs on stderr, redacted; one handler however often it is called."""
    logger = logging.getLogger("asdiag")
    for handler in [h for h in logger.handlers if isinstance(h, _StderrHandler)]:
        logger.removeHandler(handler)
    if verbosity < 2:
        return
    handler = _StderrHandler()
    handler.addFilter(_RedactingFilter(redactor))
    handler.setFormatter(logging.Formatter("asdiag: %(name)s: %(message)s"))
    logger.addHandler(handler)
    logger.setLevel(logging.DEBUG)


def _guarded(redactor: Redactor, verbose: bool, body: Callable[[], int]) -> None:
    """The one error boundary: asdiag's errors become one line and their exit code."""
    try:
        code = body()
    except AsdiagError as exc:
        _write(f"asdiag: error: {exc}\n", redactor, err=True)
        raise typer.Exit(exc.exit_code) from None
    except KeyboardInterrupt:
        _write("asdiag: interrupted\n", redactor, err=True)
        raise typer.Exit(EXIT_INTERRUPTED) from None
    except Exception as exc:  # a bug: say so in one line; the traceback only with -v
        import traceback

        if verbose:
            _write(redactor.text(traceback.format_exc()), redactor, err=True)
        _write(
            f"asdiag: internal error: {type(exc).__name__}: {redactor.text(str(exc))} (run with "
            "-v for details; please report it)\n",
            redactor,
            err=True,
        )
        raise typer.Exit(EXIT_INCOMPLETE) from None
    raise typer.Exit(code)


def _read_password(redactor: Redactor) -> Secret:
    if sys.stdin is None:
        raise UsageError("--password-stdin given, but there is no standard input")
    if sys.stdin.isatty():
        text = getpass.getpass("Catalog password: ")
    else:
        text = sys.stdin.readline().rstrip("\r\n")
    if not text:
        raise UsageError("--password-stdin read an empty password")
    redactor.add(text)
    return Secret(text)


def _settings(flags: Flags, redactor: Redactor) -> Settings:
    """Resolve the settings (the keyring last, with its timeout); teach the redactor every
    password they hold."""
    from asdiag.credentials import keyring_lookup
    from asdiag.settings import resolve_settings

    settings = resolve_settings(flags, os.environ, keyring=keyring_lookup)
    pairs = [
        (settings.password, settings.username),
        (settings.manager_password, settings.manager_username),
        (settings.admin_password, settings.admin_username),
        *((endpoint.password, endpoint.username) for endpoint in settings.managers),
    ]
    for secret, user in pairs:
        if secret.value is not None:
            redactor.add(secret.value.reveal(), username=user.value or "")
        if user.secret and user.value:  # a token written as the URL's user part
            redactor.add(user.value, username=user.value)
    return settings


def _client_config(requirements: list[str] | None, redactor: Redactor) -> ClientConfig:
    """What pip and uv would use; the passwords written in it are redacted like any other."""
    from asdiag.client_config import read_client_config
    from asdiag.urls import url_passwords

    config = read_client_config(os.environ, requirements=requirements or (), cwd=Path.cwd())
    redactor.add(*url_passwords(entry.url for entry in config.entries))
    redactor.add_expanded(config.expanded)
    return config


# --- options shared by the commands that reach an index ------------------------------------------

CatalogUrlOption = Annotated[
    str | None,
    typer.Option(
        "--catalog-url",
        help="The catalog's base URL or its index URL (…/simple/, devpi's …/+simple/) "
        "(env ASDIAG_CATALOG_URL).",
        show_default=False,
    ),
]
UsernameOption = Annotated[
    str | None,
    typer.Option(
        "--username",
        help="Username (env ASDIAG_USERNAME); default: the organisation id in the URL.",
        show_default=False,
    ),
]
PasswordStdinOption = Annotated[
    bool,
    typer.Option(
        "--password-stdin", help="Read the password from standard input (or env ASDIAG_PASSWORD)."
    ),
]
ProfileOption = Annotated[
    str | None,
    typer.Option(
        "--profile", help="Profile from the config file (env ASDIAG_PROFILE).", show_default=False
    ),
]
ConfigOption = Annotated[
    str | None,
    typer.Option("--config", help="Config file to read (env ASDIAG_CONFIG).", show_default=False),
]
TimeoutOption = Annotated[
    float | None,
    typer.Option(
        "--timeout",
        help="Time limit of each request as a whole (connect, head and body), in seconds "
        "[default: 10].",
        show_default=False,
    ),
]
DeadlineOption = Annotated[
    float | None,
    typer.Option(
        "--deadline",
        help="Overall time limit of the command in seconds (env ASDIAG_DEADLINE) [default: "
        "check 60, package and manager 120, requirements 900].",
        show_default=False,
    ),
]
CaBundleOption = Annotated[
    str | None,
    typer.Option(
        "--ca-bundle",
        help="PEM file of CA certificates to trust (else SSL_CERT_FILE, "
        "REQUESTS_CA_BUNDLE, certifi).",
        show_default=False,
    ),
]
ManagerUrlOption = Annotated[
    str | None,
    typer.Option(
        "--manager-url",
        help="The repository manager's PyPI URL as pip uses it (env ASDIAG_MANAGER_URL).",
        show_default=False,
    ),
]
ManagerUsernameOption = Annotated[
    str | None,
    typer.Option(
        "--manager-username",
        help="Manager username (env ASDIAG_MANAGER_USERNAME; password: ASDIAG_MANAGER_PASSWORD).",
        show_default=False,
    ),
]
AdminUsernameOption = Annotated[
    str | None,
    typer.Option(
        "--admin-username",
        help="A manager administrator, to read its configuration (env ASDIAG_ADMIN_USERNAME; "
        "password: ASDIAG_ADMIN_PASSWORD).",
        show_default=False,
    ),
]
FormatOption = Annotated[OutputFormat, typer.Option("--format", help="Output format.")]
StrictOption = Annotated[bool, typer.Option(help="Treat warnings as failures (exit 1).")]
VerboseOption = Annotated[
    int,
    typer.Option("--verbose", "-v", count=True, help="Show evidence; -vv adds debug logs."),
]


# --- commands ---------------------------------------------------------------------------------


@app.command()
def check(
    *,
    catalog_url: CatalogUrlOption = None,
    username: UsernameOption = None,
    password_stdin: PasswordStdinOption = False,
    manager_url: ManagerUrlOption = None,
    manager_username: ManagerUsernameOption = None,
    admin_username: AdminUsernameOption = None,
    profile: ProfileOption = None,
    config: ConfigOption = None,
    timeout: TimeoutOption = None,
    deadline: DeadlineOption = None,
    ca_bundle: CaBundleOption = None,
    output_format: FormatOption = OutputFormat.HUMAN,
    only: Annotated[
        Group | None, typer.Option(help="Report only this group of checks.", show_default=False)
    ] = None,
    strict: StrictOption = False,
    verbose: VerboseOption = 0,
    list_checks: Annotated[
        bool, typer.Option("--list-checks", help="List the checks and their finding ids.")
    ] = False,
    requirements: Annotated[
        list[str] | None,
        typer.Option(
            "--requirements",
            "-r",
            help="Requirements file whose --index-url lines the client checks read; repeatable.",
            show_default=False,
        ),
    ] = None,
    now: Annotated[
        datetime | None,
        typer.Option(hidden=True, help="Evaluate as if at this time (reproducing a report)."),
    ] = None,
) -> None:
    """Diagnose a catalog and what stands in front of it: URL, network, TLS, authentication,
    index, rate limits, the repository manager, and what pip and uv are configured with.

    Exit codes: 0 nothing failed, 1 a check failed, 2 usage error, 3 diagnosis incomplete.
    """
    redactor = Redactor()
    if list_checks:
        _guarded(redactor, False, lambda: _list_checks(output_format, redactor))

    def run() -> int:
        from asdiag.doctor import diagnose, exit_code
        from asdiag.settings import Flags

        password = _read_password(redactor) if password_stdin else None
        flags = Flags(
            catalog_url,
            username,
            password,
            timeout,
            ca_bundle,
            profile,
            config,
            deadline=deadline,
            manager_url=manager_url,
            manager_username=manager_username,
            admin_username=admin_username,
        )
        settings = _settings(flags, redactor)
        client = _client_config(requirements, redactor) if only in (None, Group.CLIENT) else None
        _configure_logging(verbose, redactor)
        moment = now if now is None or now.tzinfo else now.astimezone()
        report = diagnose(
            settings,
            redactor=redactor,
            environ=os.environ,
            only=str(only) if only else None,
            now=moment,
            client=client,
        )
        _write(_render(report, output_format, verbose > 0, strict), redactor)
        return exit_code(report.findings, strict=strict)

    _guarded(redactor, verbose > 0, run)


def _render(report: Report, output_format: OutputFormat, verbose: bool, strict: bool) -> str:
    if output_format is OutputFormat.JSON:
        from asdiag.render.json import render_json

        return render_json(report, verbose=verbose, strict=strict)
    if output_format is OutputFormat.MARKDOWN:
        from asdiag.render.markdown import render_markdown

        return render_markdown(report, verbose=verbose, strict=strict)
    from asdiag.render.console import render_report

    return _to_text(render_report(report, verbose=verbose, strict=strict))


def _list_checks(output_format: OutputFormat, redactor: Redactor) -> int:
    import json

    from asdiag.checks import CHECKS

    if output_format is OutputFormat.JSON:
        rows = [
            {"check": c.name, "group": c.group, "description": c.description, "ids": list(c.ids)}
            for c in CHECKS
        ]
        _write(json.dumps({"schema": "asdiag.v1", "checks": rows}, indent=2) + "\n", redactor)
        return 0
    from asdiag.findings_doc import checks_table

    _write(checks_table() + "\n", redactor)
    return 0


@app.command()
def manager(
    *,
    manager_url: ManagerUrlOption = None,
    admin_username: AdminUsernameOption = None,
    manager_username: ManagerUsernameOption = None,
    catalog_url: CatalogUrlOption = None,
    profile: ProfileOption = None,
    config: ConfigOption = None,
    timeout: TimeoutOption = None,
    deadline: DeadlineOption = None,
    ca_bundle: CaBundleOption = None,
    output_format: FormatOption = OutputFormat.HUMAN,
    strict: StrictOption = False,
    verbose: VerboseOption = 0,
) -> None:
    """Audit the repository manager's PyPI repositories (Artifactory or Nexus) as its admin.

    Needs --manager-url, --admin-username and ASDIAG_ADMIN_PASSWORD. With --manager-username,
    also checks that user's permissions. Exit codes as for check.
    """
    redactor = Redactor()

    def run() -> int:
        from asdiag.doctor import audit_manager, exit_code
        from asdiag.settings import Flags

        flags = Flags(
            catalog_url,
            None,
            None,
            timeout,
            ca_bundle,
            profile,
            config,
            deadline=deadline,
            manager_url=manager_url,
            manager_username=manager_username,
            admin_username=admin_username,
        )
        settings = _settings(flags, redactor)
        _configure_logging(verbose, redactor)
        report = audit_manager(settings, redactor=redactor, environ=os.environ)
        _write(_render(report, output_format, verbose > 0, strict), redactor)
        return exit_code(report.findings, strict=strict)

    _guarded(redactor, verbose > 0, run)


class FailOn(StrEnum):
    """What makes ``asdiag requirements`` exit 1."""

    MISSING = "missing"
    NO_WHEEL = "no-wheel"
    WARN = "warn"


class Via(StrEnum):
    """Which index ``asdiag package`` asks (kept equal to ``asdiag.package.VIA_CHOICES``)."""

    AUTO = "auto"
    CATALOG = "catalog"
    MANAGER = "manager"
    BOTH = "both"


@app.command()
def package(
    packages: Annotated[
        list[str],
        typer.Argument(metavar="NAME[SPEC]...", help="Packages, e.g. numpy or 'requests>=2.32'."),
    ],
    *,
    platform: Annotated[
        list[str] | None,
        typer.Option(
            "--platform",
            help="Target: linux, linux-aarch64, windows, macos, macos-x86_64, musllinux, or a "
            "platform tag (manylinux_2_28_x86_64, win_arm64, macosx_14_0_arm64); repeatable.",
            show_default=False,
        ),
    ] = None,
    python: Annotated[
        list[str] | None,
        typer.Option(
            "--python",
            help="Target Python X.Y; repeatable [default: 3.10-3.13].",
            show_default=False,
        ),
    ] = None,
    via: Annotated[
        Via,
        typer.Option(help="Ask the catalog, the repository manager, or both (auto: what is set)."),
    ] = Via.AUTO,
    versions: Annotated[
        int, typer.Option(help="Rows of the matrix: the newest N versions.", min=1)
    ] = 3,
    pre: Annotated[bool, typer.Option("--pre", help="Consider pre-releases.")] = False,
    manager_url: ManagerUrlOption = None,
    manager_username: ManagerUsernameOption = None,
    catalog_url: CatalogUrlOption = None,
    username: UsernameOption = None,
    password_stdin: PasswordStdinOption = False,
    profile: ProfileOption = None,
    config: ConfigOption = None,
    timeout: TimeoutOption = None,
    deadline: DeadlineOption = None,
    ca_bundle: CaBundleOption = None,
    output_format: FormatOption = OutputFormat.HUMAN,
    strict: StrictOption = False,
    verbose: VerboseOption = 0,
) -> None:
    """Is this package there, for my OS and Python, and if not, why.

    Exit codes: 0 nothing failed, 1 a finding failed, 2 usage error, 3 diagnosis incomplete.
    """
    redactor = Redactor()

    def run() -> int:
        from asdiag.doctor import exit_code
        from asdiag.package import Options, diagnose_packages, parse_requests
        from asdiag.platforms import make_targets
        from asdiag.settings import Flags

        requests = parse_requests(packages)
        targets = make_targets(platform or (), python or ())
        password = _read_password(redactor) if password_stdin else None
        flags = Flags(
            catalog_url,
            username,
            password,
            timeout,
            ca_bundle,
            profile,
            config,
            deadline=deadline,
            manager_url=manager_url,
            manager_username=manager_username,
        )
        settings = _settings(flags, redactor)
        _configure_logging(verbose, redactor)
        options = Options(
            targets=targets,
            requested_platforms=bool(platform),
            requested_pythons=bool(python),
            pre=pre,
            rows=versions,
        )
        report = diagnose_packages(
            settings, requests, options, via=str(via), redactor=redactor, environ=os.environ
        )
        if output_format is OutputFormat.JSON:
            from asdiag.render.package import render_package_json

            text = render_package_json(report, settings, verbose=verbose > 0, strict=strict)
        elif output_format is OutputFormat.MARKDOWN:
            from asdiag.render.package import render_package_markdown

            text = render_package_markdown(report, verbose=verbose > 0, strict=strict)
        else:
            from asdiag.render.package import render_package_report

            text = _to_text(render_package_report(report, verbose=verbose > 0, strict=strict))
        _write(text, redactor)
        return exit_code(report.findings, strict=strict)

    _guarded(redactor, verbose > 0, run)


@app.command()
def requirements(
    files: Annotated[
        list[str],
        typer.Argument(
            metavar="FILE...",
            help="requirements files (with -r/-c includes), pylock.toml, pyproject.toml.",
        ),
    ],
    *,
    platform: Annotated[
        list[str] | None,
        typer.Option(
            "--platform",
            help="Target (as for `asdiag package`); repeatable [default: the five presets].",
            show_default=False,
        ),
    ] = None,
    python: Annotated[
        list[str] | None,
        typer.Option("--python", help="Target Python X.Y; repeatable.", show_default=False),
    ] = None,
    via: Annotated[
        Via,
        typer.Option(help="Ask the catalog, the repository manager, or both (auto: what is set)."),
    ] = Via.AUTO,
    concurrency: Annotated[
        int, typer.Option(help="Requests in flight at once.", min=1, max=64)
    ] = 16,
    fail_on: Annotated[
        FailOn,
        typer.Option(help="Exit 1 on: missing packages only, any failure, or warnings too."),
    ] = FailOn.NO_WHEEL,
    probe_files: Annotated[
        bool, typer.Option("--probe-files", help="Also GET one byte of each target's file.")
    ] = False,
    pre: Annotated[bool, typer.Option("--pre", help="Consider pre-releases.")] = False,
    force: Annotated[
        bool,
        typer.Option(
            "--force", help="Run even above half of the catalog's rate limit (see the ledger)."
        ),
    ] = False,
    manager_url: ManagerUrlOption = None,
    manager_username: ManagerUsernameOption = None,
    catalog_url: CatalogUrlOption = None,
    username: UsernameOption = None,
    password_stdin: PasswordStdinOption = False,
    profile: ProfileOption = None,
    config: ConfigOption = None,
    timeout: TimeoutOption = None,
    deadline: DeadlineOption = None,
    ca_bundle: CaBundleOption = None,
    output_format: FormatOption = OutputFormat.HUMAN,
    verbose: VerboseOption = 0,
) -> None:
    """Triage a whole project's dependencies at once, for every target, inside the rate limit.

    Exit codes: 0 nothing failed (per --fail-on), 1 something did, 2 usage error or the
    ledger refused, 3 some projects could not be checked.
    """
    redactor = Redactor()

    def run() -> int:
        from asdiag.batch import BatchOptions, diagnose_requirements, exit_code_for
        from asdiag.ledger import Ledger, default_path
        from asdiag.platforms import make_targets
        from asdiag.settings import Flags

        for path in files:
            if not Path(path).is_file():
                raise UsageError(f"{path}: no such file")
        targets = make_targets(platform or (), python or ())
        password = _read_password(redactor) if password_stdin else None
        flags = Flags(
            catalog_url,
            username,
            password,
            timeout,
            ca_bundle,
            profile,
            config,
            deadline=deadline,
            manager_url=manager_url,
            manager_username=manager_username,
        )
        settings = _settings(flags, redactor)
        _configure_logging(verbose, redactor)
        options = BatchOptions(
            targets=targets,
            requested_platforms=bool(platform),
            requested_pythons=bool(python),
            pre=pre,
            concurrency=concurrency,
            probe_files=probe_files,
            force=force,
        )
        with _progress(output_format is not OutputFormat.JSON) as progress:
            report = diagnose_requirements(
                settings,
                files,
                options,
                via=str(via),
                redactor=redactor,
                environ=os.environ,
                ledger=Ledger(default_path()),
                progress=progress,
            )
        code = exit_code_for(report, str(fail_on))
        if output_format is OutputFormat.JSON:
            from asdiag.render.batch import render_batch_json

            text = render_batch_json(report, settings, verbose=verbose > 0, code=code)
        elif output_format is OutputFormat.MARKDOWN:
            from asdiag.render.batch import render_batch_markdown

            text = render_batch_markdown(report, code=code)
        else:
            from asdiag.render.batch import render_batch

            text = _to_text(
                render_batch(report, verbose=verbose > 0, strict=fail_on is FailOn.WARN)
            )
        _write(text, redactor)
        return code

    _guarded(redactor, verbose > 0, run)


@contextlib.contextmanager
def _progress(wanted: bool) -> Iterator[Callable[[int, int], None] | None]:
    """A progress bar on stderr, only for a person at a terminal (never with JSON)."""
    if not wanted or not sys.stderr.isatty():
        yield None
        return
    from rich.console import Console
    from rich.progress import Progress

    with Progress(console=Console(stderr=True), transient=True) as bar:
        task = bar.add_task("Checking", total=None)

        def advance(done: int, total: int) -> None:
            bar.update(task, completed=done, total=total)

        yield advance


@app.command()
def explain(
    finding_id: Annotated[str, typer.Argument(metavar="ID", help="A finding id or a check name.")],
) -> None:
    """Explain a finding id (or a check): what it means and what to change."""
    redactor = Redactor()

    def run() -> int:
        from asdiag.findings_doc import explain_text, known_names

        names = known_names()
        if finding_id not in names:
            close = difflib.get_close_matches(finding_id, names, n=3, cutoff=0.85)
            hint = (
                f"; did you mean {', '.join(close)}?"
                if close
                else "; see asdiag check --list-checks"
            )
            raise UsageError(f"unknown finding id {finding_id!r}{hint}")
        _write(explain_text(finding_id) + "\n", redactor)
        return 0

    _guarded(redactor, False, run)


@app.command()
def demo(
    verbose: Annotated[
        int, typer.Option("--verbose", "-v", count=True, help="Show each check's full report.")
    ] = 0,
) -> None:
    """Run check against a simulated catalog in several broken states; no account needed.

    Exit codes: 0 every scenario was diagnosed as declared, 1 one was not.
    """
    redactor = Redactor()

    def run() -> int:
        import time

        from asdiag.demo import run_demo
        from asdiag.lab.scenarios import SECRETS
        from asdiag.render.console import render_report
        from asdiag.render.demo import render_diagnosis, render_footer, render_header

        redactor.add(*SECRETS)
        started = time.perf_counter()
        diagnoses = []
        for number, (lab, diagnosis) in enumerate(run_demo(), start=1):
            if number == 1:
                _write(_to_text(render_header(lab.base_url)), redactor)
            diagnoses.append(diagnosis)
            _write(_to_text(render_diagnosis(number, diagnosis)), redactor)
            if verbose:
                _write(_to_text(render_report(diagnosis.report, verbose=verbose > 1)), redactor)
        _write(_to_text(render_footer(diagnoses, time.perf_counter() - started)), redactor)
        return 0 if all(d.as_declared for d in diagnoses) else 1

    _guarded(redactor, verbose > 0, run)


def _prompt_password(redactor: Redactor) -> Secret:
    """A hidden prompt, only where a person can answer: a terminal, and not CI."""
    if sys.stdin is None or not sys.stdin.isatty() or os.environ.get("CI"):
        raise UsageError(
            "no terminal to ask for the password (or CI is set): pipe it to --password-stdin"
        )
    text = getpass.getpass("Catalog password: ")
    if not text:
        raise UsageError("an empty password was entered")
    redactor.add(text)
    return Secret(text)


def _login_target(settings: Settings, *, manager: bool = False) -> tuple[str, str, str]:
    """The keyring service (the catalog's base URL, or the manager's URL), the URL to check
    the password against, and the username ``login`` works with."""
    from asdiag.urls import UrlError, manager_index_url, parse_catalog_url

    if manager:
        if not settings.manager_url.value:
            raise UsageError("no manager URL: give --manager-url or set ASDIAG_MANAGER_URL")
        try:
            index = manager_index_url(settings.manager_url.value)
        except UrlError as exc:
            raise UsageError(f"manager URL {exc}") from None
        if not settings.manager_username.value:
            raise UsageError("no manager username: give --manager-username")
        return index.rstrip("/"), index, settings.manager_username.value
    if not settings.catalog_url.value:
        raise UsageError("no catalog URL: give --catalog-url or set ASDIAG_CATALOG_URL")
    try:
        url = parse_catalog_url(settings.catalog_url.value)
    except UrlError as exc:
        raise UsageError(f"catalog URL {exc}") from None
    if not settings.username.value:
        raise UsageError("no username: give --username (the organisation id)")
    return url.base, url.simple_url, settings.username.value


@app.command()
def login(
    *,
    catalog_url: CatalogUrlOption = None,
    username: UsernameOption = None,
    password_stdin: PasswordStdinOption = False,
    profile: ProfileOption = None,
    config: ConfigOption = None,
    timeout: TimeoutOption = None,
    ca_bundle: CaBundleOption = None,
    verify: Annotated[
        bool, typer.Option(help="Check the password against the index before storing it.")
    ] = True,
    manager: Annotated[
        bool,
        typer.Option(
            "--manager", help="The repository manager's password instead of the catalog's."
        ),
    ] = False,
    manager_url: ManagerUrlOption = None,
    manager_username: ManagerUsernameOption = None,
) -> None:
    """Store the catalog password (or with --manager, the manager's) in the system keyring,
    under every key pip and uv ask for (the index URL, host:port, and for http, http://host:port).

    Exit codes: 0 stored, 1 the catalog refused it (nothing stored), 2 usage error, 3 the
    keyring could not store it.
    """
    redactor = Redactor()

    def run() -> int:
        from asdiag.credentials import (
            fingerprint,
            keyring_keys,
            keyring_store,
            verify_password,
        )
        from asdiag.settings import Flags, resolve_settings

        flags = Flags(
            catalog_url,
            username,
            None,
            timeout,
            ca_bundle,
            profile,
            config,
            manager_url=manager_url,
            manager_username=manager_username,
        )
        settings = resolve_settings(flags, os.environ)
        base, simple_url, user = _login_target(settings, manager=manager)
        password = _read_password(redactor) if password_stdin else _prompt_password(redactor)
        redactor.add(password.reveal(), username=user)
        checked = "not checked (--no-verify)"
        if verify:
            checked = verify_password(
                simple_url,
                user,
                password,
                timeout=settings.timeout.value,
                ca_bundle=settings.ca_bundle.value,
                ca_bundle_source=settings.ca_bundle.describe(),
                environ=os.environ,
                redactor=redactor,
            )
        keys = keyring_keys(simple_url, legacy_base=base)
        backend, warning, removed = keyring_store(keys, user, password)
        _write(
            f"Stored the password for {user} in {backend} ({fingerprint(password)}; {checked}) "
            f"under the keys pip and uv ask for:\n{_key_lines(keys)}",
            redactor,
        )
        if removed:
            _write(
                f"Removed the entries older versions of asdiag stored: {', '.join(removed)}.\n",
                redactor,
            )
        if warning:
            _write(f"asdiag: warning: {warning}.\n", redactor, err=True)
        return 0

    _guarded(redactor, False, run)


@app.command()
def logout(
    *,
    catalog_url: CatalogUrlOption = None,
    username: UsernameOption = None,
    profile: ProfileOption = None,
    config: ConfigOption = None,
    manager: Annotated[
        bool,
        typer.Option(
            "--manager", help="The repository manager's password instead of the catalog's."
        ),
    ] = False,
    manager_url: ManagerUrlOption = None,
    manager_username: ManagerUsernameOption = None,
) -> None:
    """Remove the password that `asdiag login` stored in the keyring."""
    redactor = Redactor()

    def run() -> int:
        from asdiag.credentials import keyring_keys, keyring_remove
        from asdiag.settings import Flags, resolve_settings

        flags = Flags(
            catalog_url,
            username,
            None,
            None,
            None,
            profile,
            config,
            manager_url=manager_url,
            manager_username=manager_username,
        )
        base, simple_url, user = _login_target(resolve_settings(flags, os.environ), manager=manager)
        removed = keyring_remove(keyring_keys(simple_url, legacy_base=base), user)
        if removed:
            _write(
                f"Removed the stored password for {user} at {base} from: {', '.join(removed)}.\n",
                redactor,
            )
        else:
            _write(f"No password was stored for {user} at {base}.\n", redactor)
        return 0

    _guarded(redactor, False, run)


@app.command()
def whoami(
    *,
    catalog_url: CatalogUrlOption = None,
    username: UsernameOption = None,
    profile: ProfileOption = None,
    config: ConfigOption = None,
) -> None:
    """Which username and which password asdiag would use, and where each comes from; then
    which keyring entry pip and uv would each find, asking their keys in their own order.

    The password is never shown: only its source and a short fingerprint. Exit codes: 0 a
    password was found, 1 none was.
    """
    redactor = Redactor()

    def run() -> int:
        from asdiag.credentials import fingerprint
        from asdiag.settings import Flags
        from asdiag.urls import UrlError, parse_catalog_url

        flags = Flags(catalog_url, username, None, None, None, profile, config)
        settings = _settings(flags, redactor)
        lines = [
            f"catalog URL: {settings.shown_url} (from {settings.catalog_url.describe()})",
            f"username:    {settings.username.shown or '(none)'} "
            f"(from {settings.username.describe()})",
        ]
        password = settings.password.value
        if password is not None:
            lines.append(
                f"password:    from {settings.password.describe()}, {fingerprint(password)}"
            )
        else:
            why = f"; the keyring: {settings.keyring_problem}" if settings.keyring_problem else ""
            lines.append(f"password:    none found (flag, environment, URL, .netrc, keyring){why}")
        if settings.catalog_url.value:
            try:
                url = parse_catalog_url(settings.catalog_url.value)
            except UrlError:
                url = None  # the line above shows the URL; `asdiag check` says what is wrong
            if url is not None:
                lines += _client_keyring_lines(url.simple_url, settings)
        _write("\n".join(lines) + "\n", redactor)
        return 0 if password is not None else 1

    _guarded(redactor, False, run)


def _key_lines(keys: KeyringKeys) -> str:
    """One line per key ``login`` writes, with the clients that ask for it."""
    width = max(len(key) for key in keys.stored)
    lines = []
    for key in keys.stored:
        askers = [name for name, asked in (("pip", keys.pip), ("uv", keys.uv)) if key in asked]
        if key == keys.uv_unslashed and "uv" not in askers:
            askers.append("uv, for an index URL written without the trailing slash")
        lines.append(f"  {key:<{width}}  ({', '.join(askers)})\n")
    return "".join(lines)


def _client_keyring_lines(simple_url: str, settings: Settings) -> list[str]:
    """What the keyring answers pip and uv, each asking its keys in its own order: the key that
    answered and the password's fingerprint, never the password."""
    from asdiag.credentials import KeyringOutcome, fingerprint, keyring_keys, keyring_lookup

    keys = keyring_keys(simple_url)
    user = settings.username.value
    if not user:
        return [
            "pip keyring: not checked (no username; put it in the index URL, USER@host)",
            "uv keyring:  not checked (no username; uv asks the keyring only with one)",
        ]
    lines = []
    outcome = KeyringOutcome()
    for label, asked in (("pip keyring:", keys.pip), ("uv keyring: ", keys.uv)):
        # A keyring that failed or timed out for pip is not asked (and waited for) again.
        outcome = (
            KeyringOutcome(problem=outcome.problem)
            if outcome.problem
            else keyring_lookup(asked, user)
        )
        if outcome.problem:
            lines.append(f"{label} not checked: {outcome.problem}")
        elif outcome.password is not None:
            lines.append(
                f"{label} {outcome.service} answered for {user}, {fingerprint(outcome.password)}"
            )
        else:
            lines.append(f"{label} nothing for {user} under {', then '.join(asked)}")
    return lines


lab_app = typer.Typer(
    help="A simulated catalog, Artifactory and Nexus on 127.0.0.1, with switchable faults.",
    no_args_is_help=True,
)
app.add_typer(lab_app, name="lab")


class AuthStyle(StrEnum):
    """How the simulated catalog refuses (kept equal to ``asdiag.lab.catalog.AUTH_STYLES``)."""

    CATALOG = "catalog"
    PYPISERVER = "pypiserver"
    DEVPI = "devpi"


@lab_app.command("list")
def lab_list() -> None:
    """List the scenarios, one sentence each."""
    redactor = Redactor()

    def run() -> int:
        from asdiag.lab.scenarios import SCENARIOS

        width = max(len(s.name) for s in SCENARIOS)
        _write("".join(f"{s.name:<{width}}  {s.summary}\n" for s in SCENARIOS), redactor)
        return 0

    _guarded(redactor, False, run)


@lab_app.command("serve")
def lab_serve(
    scenario: Annotated[
        str, typer.Option(help="The fault to serve (see: asdiag lab list).")
    ] = "healthy",
    port: Annotated[int, typer.Option(help="Port on 127.0.0.1; 0 picks a free one.")] = 0,
    auth_style: Annotated[
        AuthStyle, typer.Option(help="How the catalog refuses a wrong password or another org.")
    ] = AuthStyle.CATALOG,
    env_file: Annotated[
        str | None,
        typer.Option(
            help="Write the ASDIAG_* settings for this scenario to FILE.", show_default=False
        ),
    ] = None,
    verbose: Annotated[
        int, typer.Option("--verbose", "-v", count=True, help="Log each request on stderr.")
    ] = 0,
) -> None:
    """Serve the lab on 127.0.0.1 until Ctrl-C or SIGTERM."""
    redactor = Redactor()

    def run() -> int:
        import signal
        import threading

        from asdiag.lab.scenarios import BY_NAME
        from asdiag.lab.server import Lab

        if scenario not in BY_NAME:
            close = difflib.get_close_matches(scenario, list(BY_NAME), n=1)
            hint = f"; did you mean {close[0]}?" if close else "; see asdiag lab list"
            raise UsageError(f"unknown scenario {scenario!r}{hint}")

        def log(request: Request, reply: Reply) -> None:
            _write(f"lab: {request.method} {request.path} -> {reply.status}\n", redactor, err=True)

        try:
            lab = Lab(
                BY_NAME[scenario],
                auth_style=str(auth_style),
                port=port,
                on_request=log if verbose else None,
            )
        except OSError as exc:
            raise UsageError(f"cannot listen on 127.0.0.1:{port}: {exc.strerror}") from None
        stop = threading.Event()
        signal.signal(signal.SIGTERM, lambda *_: stop.set())
        with lab:
            if env_file:
                try:
                    _write_private(Path(env_file), lab.env_file_text())
                except OSError as exc:
                    raise UsageError(f"cannot write {env_file}: {exc.strerror}") from None
            _write(_lab_banner(lab, env_file), redactor)
            try:
                while not stop.wait(0.5):
                    pass
            except KeyboardInterrupt:
                pass
        _write("asdiag lab: stopped\n", redactor, err=True)
        return 0

    _guarded(redactor, verbose > 0, run)


def _write_private(path: Path, text: str) -> None:
    """Write a file only its owner can read: it holds passwords (the lab's, but still)."""
    descriptor = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_TRUNC, 0o600)
    os.fchmod(descriptor, 0o600)  # an existing file keeps its mode through O_CREAT
    with os.fdopen(descriptor, "w") as file:
        file.write(text)


def _lab_banner(lab: Lab, env_file: str | None) -> str:
    lines = [
        f"asdiag lab: scenario {lab.scenario.name} ({lab.auth_style} auth style) on {lab.base_url}",
        f"  {lab.scenario.summary}",
        "",
    ]
    width = max(len(part.name) for part in lab.parts())
    for part in lab.parts():
        lines.append(f"  {part.name:<{width}}  {part.url}")
        lines.append(f"  {'':<{width}}  {part.credentials}")
    lines.append("")
    if env_file:
        lines.append(f"Diagnose it: set -a; . {env_file}; set +a; asdiag check")
    else:
        target = " ".join(f"{k}={v}" for k, v in lab.target().items())
        lines.append(f"Diagnose it: {target} asdiag check")
    lines.append("Stop with Ctrl-C.")
    return "\n".join(lines) + "\n"
