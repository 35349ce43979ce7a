"""How the command line fails: `CliError` carries a one-line message and an exit code (1 a runtime
failure, 2 bad usage), and `report` writes it to stderr the one way every command does."""

from __future__ import annotations

import sys

PROG = "dynaprompt-tui"

RUNTIME = 1  # the model is unreachable, an id is unknown, a phrase does not parse, ...
USAGE = 2  # a bad flag, a bad setting, an empty message


class CliError(Exception):
    """A failure to report on one line; `code` is the process's exit code."""

    def __init__(self, message: str, code: int = RUNTIME) -> None:
        super().__init__(message)
        self.code = code


def one_line(text: str) -> str:
    """Messages from deeper down may span lines; stderr gets one."""
    return " ".join(text.split())


def report(message: str) -> None:
    print(f"{PROG}: error: {one_line(message)}", file=sys.stderr)
