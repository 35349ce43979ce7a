"""Shell completion, from argcomplete: `dynaprompt-tui completion bash|zsh|fish` prints the script
to install (docs/cli.md says where); the script asks the command itself for completions, which
`autocomplete` answers (argcomplete sets _ARGCOMPLETE) before any argument is read. Schedule ids
complete from the database the options name."""

from __future__ import annotations

import argparse
import sys
from typing import Any

import argcomplete
from argcomplete.shell_integration import shellcode

from dynaprompt_tui.cli.errors import PROG
from dynaprompt_tui.cli.settings import settings_from_args
from dynaprompt_tui.core.models import ScheduleState
from dynaprompt_tui.core.storage.store import Store

ID_ARGUMENTS = {"ids", "id"}  # the dests of `schedule cancel|pause|resume|history`


def schedule_ids(prefix: str, parsed_args: argparse.Namespace, **_: Any) -> list[str]:
    """The ids starting with `prefix`; every schedule for history, the live ones otherwise."""
    try:
        path = settings_from_args(parsed_args).db_path
        if not path.exists():  # completing must never create a database
            return []
        store = Store(path)
        try:
            every = getattr(parsed_args, "action", None) == "history"
            found = store.schedules(list(ScheduleState)) if every else store.schedules()
        finally:
            store.close()
    except Exception:  # a bad setting or file: no suggestions, and nothing printed
        return []
    return [s.id for s in found if s.id.startswith(prefix.strip().lower())]


def _attach(parser: argparse.ArgumentParser) -> None:
    for action in parser._actions:
        if action.dest in ID_ARGUMENTS:
            action.completer = schedule_ids  # type: ignore[attr-defined]
        if isinstance(action, argparse._SubParsersAction):
            for sub in action.choices.values():
                _attach(sub)


def autocomplete(parser: argparse.ArgumentParser) -> None:
    """Print the completions the shell asked for and exit; returns when it asked for none."""
    _attach(parser)
    argcomplete.autocomplete(parser)


def run(args: argparse.Namespace) -> int:
    sys.stdout.write(shellcode([PROG], shell=args.shell))
    return 0
