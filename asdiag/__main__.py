"""``python -m asdiag`` and the ``asdiag`` console script."""

from __future__ import annotations


def main() -> None:
    from asdiag.cli import app

    app(prog_name="asdiag")


if __name__ == "__main__":
    main()
