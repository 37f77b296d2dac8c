"""The ``portcullis`` console script.

Each context that offers commands has a ``cli`` module exposing ``register(subparsers)``.
``register`` adds one sub-parser (which may have sub-commands of its own) and sets
``func=handler`` on it; a handler takes the parsed ``argparse.Namespace`` and returns an exit code.

Pure cores (documents, screening, rules) never import Django.  Commands that need the database
call :func:`setup_django` first.
"""

from __future__ import annotations

import argparse
import importlib
import os
import sys

# Order is the order shown in ``portcullis --help``.
COMMAND_MODULES = [
    "portcullis.cli.platform",  # demo, serve, migrate, audit
    "portcullis.documents.cli",  # mrz
    "portcullis.screening.cli",  # screen
    "portcullis.rules.cli",  # rules
    "portcullis.watchlists.cli",  # watchlist import
    "portcullis.border.cli",  # paxlst
    "portcullis.casework.cli",
    "portcullis.correspondence.cli",  # letters render, sync, verify
]


def setup_django() -> None:
    """Configure Django for commands that touch the database."""
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "portcullis.settings")
    import django

    django.setup()


def build_parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(
        prog="portcullis",
        description="Portcullis: immigration casework and border control.",
    )
    subparsers = parser.add_subparsers(dest="command", metavar="COMMAND")
    for name in COMMAND_MODULES:
        try:
            module = importlib.import_module(name)
        except ModuleNotFoundError as exc:
            # A context that is not built yet simply offers no commands.
            if exc.name and name.startswith(exc.name):
                continue
            raise
        module.register(subparsers)
    return parser


def main(argv: list[str] | None = None) -> int:
    parser = build_parser()
    args = parser.parse_args(argv)
    func = getattr(args, "func", None)
    if func is None:
        parser.print_help()
        return 2
    try:
        return int(func(args) or 0)
    except KeyboardInterrupt:
        return 130
    except BrokenPipeError:
        return 0


if __name__ == "__main__":
    sys.exit(main())
