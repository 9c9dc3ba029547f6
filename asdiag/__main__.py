"""``python -m asdiag`` and the ``asdiag`` console script."""

from __future__ import annotations

import sys


def main() -> None:
    # Scripts call `asdiag --version` to probe for the tool; answering it before the CLI
    # framework is imported keeps it within the start-up budget (benchmarks/README.md).
    if sys.argv[1:] == ["--version"]:
        from asdiag import __version__

        sys.stdout.write(f"asdiag {__version__}\n")
        return
    from asdiag.cli import app

    app(prog_name="asdiag")


if __name__ == "__main__":
    main()
