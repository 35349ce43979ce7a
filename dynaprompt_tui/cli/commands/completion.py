"""Shell completion, from argcomplete: `dynaprompt-tui completion bash|zsh|fish` prints the script
to install (docs/cli.md says where); the script asks the command itself for completions, which
`autocomplete` answers (argcomplete sets _ARGCOMPLETE) before any argument is read. Schedule ids
and conversation ids (with their titles, where the shell shows descriptions) complete from the
database the options name."""

from __future__ import annotations

import argparse
import sys
from collections.abc import Callable
from typing import Any, TypeVar

import argcomplete
from argcomplete.shell_integration import shellcode

from dynaprompt_tui.cli.errors import PROG
from dynaprompt_tui.cli.settings import settings_from_args
from dynaprompt_tui.core.models import ScheduleState
from dynaprompt_tui.core.storage.store import Store

T = TypeVar("T")
ACTIVE = [ScheduleState.PENDING, ScheduleState.PAUSED]

ID_ARGUMENTS = {"ids", "id"}  # the dests of `schedule cancel|pause|resume|history`
# --conversation, and the C / ID of `conversations show|rename|set|archive|unarchive|rm`
CONVERSATION_ARGUMENTS = {"conversation", "conversations", "conversation_ids"}


def _read(parsed_args: argparse.Namespace, read: Callable[[Store], list[T]]) -> list[T]:
    """What `read` finds in the database the options name; nothing when there is none (never
    creating one), or on a bad setting or file (and nothing printed)."""
    try:
        path = settings_from_args(parsed_args).db_path
        if not path.exists():
            return []
        store = Store(path)
        try:
            return read(store)
        finally:
            store.close()
    except Exception:
        return []


def schedule_ids(prefix: str, parsed_args: argparse.Namespace, **_: Any) -> list[str]:
    """The ids starting with `prefix`; every schedule for history, the live ones otherwise."""
    every = getattr(parsed_args, "action", None) == "history"
    found = _read(
        parsed_args, lambda store: store.schedules(list(ScheduleState) if every else ACTIVE)
    )
    return [s.id for s in found if s.id.startswith(prefix.strip().lower())]


def conversation_ids(prefix: str, parsed_args: argparse.Namespace, **_: Any) -> dict[str, str]:
    """Conversation ids, latest activity first, each with its title: the archived ones for
    `unarchive`, the others for `archive`, all for the rest."""
    action = getattr(parsed_args, "action", None)
    archived = {"archive": False, "unarchive": True}.get(action or "")
    found = _read(parsed_args, lambda store: store.conversations(archived=archived))
    return {str(c.id): c.shown_title for c in found if str(c.id).startswith(prefix.strip())}


def _attach(parser: argparse.ArgumentParser) -> None:
    for action in parser._actions:
        if action.dest in ID_ARGUMENTS:
            action.completer = schedule_ids  # type: ignore[attr-defined]
        elif action.dest in CONVERSATION_ARGUMENTS:
            action.completer = conversation_ids  # type: ignore[attr-defined]
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
