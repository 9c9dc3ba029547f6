"""The exceptions that stop a run: each carries the exit code the CLI turns it into.

Expected outcomes of a diagnosis (a 401, a wrong URL) are findings, not exceptions. These are for
what prevents a diagnosis from starting: bad settings, an unreadable config file, a wrong option.
"""

from __future__ import annotations

#: Exit codes, documented in docs/usage.md.
EXIT_OK = 0
EXIT_FAILED = 1
EXIT_USAGE = 2
EXIT_INCOMPLETE = 3
#: Interrupted (Ctrl-C), as shells report a SIGINT.
EXIT_INTERRUPTED = 130


class AsdiagError(Exception):
    """Base of asdiag's own errors: one line for the user and an exit code."""

    exit_code = EXIT_INCOMPLETE


class UsageError(AsdiagError):
    """The command line, the environment or the config file asks for something impossible."""

    exit_code = EXIT_USAGE
