"""What every tool's command line shares, so they all fail the same way.

Exit codes: 0 done (nothing wrong found), 1 the tool did its job and found what it guards against
(a breaking change, a tree that differs, a description generation refuses), 2 it could not do its
job (a usage mistake, an input it cannot read or use). Every failure is one line on stderr,
prefixed with the tool's name.
"""

import argparse
import sys
from collections.abc import Callable
from typing import NoReturn

OK, FOUND, UNUSABLE = 0, 1, 2


class UsageError(Exception):
    """The command line itself is wrong."""


class Parser(argparse.ArgumentParser):
    """argparse, but a usage mistake is a UsageError (one line, exit 2) rather than a usage dump."""

    def error(self, message: str) -> NoReturn:
        raise UsageError(f"usage: {message} (see --help)")


def one_line(err: BaseException | str) -> str:
    """An error's message on one line, whatever it held."""
    return " ".join(str(err).split())


def run(
    tool: str,
    parser: argparse.ArgumentParser,
    body: Callable[[argparse.Namespace], int],
    argv: list[str] | None,
    unusable: tuple[type[Exception], ...] = (),
) -> int:
    """Parse argv and run body; a usage mistake or one of the ``unusable`` errors is reported as
    ``<tool>: <message>`` and exits 2."""
    caught: tuple[type[Exception], ...] = (UsageError, *unusable)
    try:
        return body(parser.parse_args(argv))
    except caught as err:
        print(f"{tool}: {one_line(err)}", file=sys.stderr)
        return UNUSABLE


def fail(tool: str, message: object, code: int = FOUND) -> int:
    """Report a failure the command found itself, as one line; return its exit code."""
    print(f"{tool}: {one_line(str(message))}", file=sys.stderr)
    return code
