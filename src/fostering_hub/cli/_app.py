"""Argument parsing and dispatch for ``fostering-hub``."""

from __future__ import annotations

import argparse
import sys
from collections.abc import Callable, Sequence

from .._version import __version__
from . import _allocate, _codes, _demo, _kpi, _retention, _rules, _schema, _sla, _validate

EXIT_OK = 0
EXIT_INVALID = 1
EXIT_USAGE = 2

_COMMANDS: tuple[
    tuple[str, Callable[[argparse._SubParsersAction[argparse.ArgumentParser]], None]], ...
] = (
    ("schema", _schema.register),
    ("validate", _validate.register),
    ("codes", _codes.register),
    ("rules", _rules.register),
    ("allocate", _allocate.register),
    ("sla", _sla.register),
    ("retention", _retention.register),
    ("kpi", _kpi.register),
    ("demo", _demo.register),
)


class _Parser(argparse.ArgumentParser):
    """argparse, but usage errors exit with code 2 and say how to get help."""

    def error(self, message: str) -> None:  # type: ignore[override]
        self.print_usage(sys.stderr)
        self.exit(EXIT_USAGE, f"{self.prog}: error: {message}\nTry '{self.prog} --help'.\n")


def build_parser() -> argparse.ArgumentParser:
    """The top-level parser with every command registered."""
    parser = _Parser(
        prog="fostering-hub",
        description="Tools for UK regional fostering recruitment support hubs.",
    )
    parser.add_argument("--version", action="version", version=f"fostering-hub {__version__}")
    commands: argparse._SubParsersAction[argparse.ArgumentParser] = parser.add_subparsers(
        dest="command", metavar="COMMAND", parser_class=_Parser
    )
    commands.required = True
    for _, register in _COMMANDS:
        register(commands)
    return parser


def main(argv: Sequence[str] | None = None) -> int:
    """Run the CLI; returns the exit code (0 ok, 1 invalid input found, 2 usage or I/O)."""
    parser = build_parser()
    args = parser.parse_args(argv)
    run: Callable[[argparse.Namespace], int] = args.run
    try:
        return run(args)
    except BrokenPipeError:  # e.g. piped into `head`
        sys.stderr.close()
        return EXIT_OK
    except KeyboardInterrupt:
        return 130
