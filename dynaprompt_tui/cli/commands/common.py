"""What the subcommands share: opening the database's workspace and the conversation a command
works in (never creating a database by mistake; `--conversation C` found by id or title),
reading an argument from stdin, writing one JSON document, and the core's messages in the
command line's words."""

from __future__ import annotations

import json
import sqlite3
import sys
from typing import Any

from dynaprompt_tui.cli.errors import RUNTIME, USAGE, CliError
from dynaprompt_tui.config import Settings
from dynaprompt_tui.core.conversation import Conversation
from dynaprompt_tui.core.conversation.workspace import Workspace
from dynaprompt_tui.core.models import ConversationInfo
from dynaprompt_tui.core.storage.errors import DatabaseUnusableError
from dynaprompt_tui.core.storage.store import Store, StoreError

LIST_HINT = "`dynaprompt-tui conversations list --all` lists them"


def open_workspace(settings: Settings, *, create: bool) -> Workspace:
    """Every conversation in `settings.db_path` (the latest active one open). `create`: make
    the database if it is missing (as the app does); otherwise a missing file is an error, so
    a mistyped --db changes nothing."""
    path = settings.db_path
    if not create and not path.exists():
        raise CliError(f"no conversation at {path} (check --db / DYNAPROMPT_DB)", RUNTIME)
    try:
        return Workspace.open(settings)
    except DatabaseUnusableError as e:  # says the path and what to do already
        raise CliError(str(e), RUNTIME) from None
    except (sqlite3.Error, OSError, StoreError) as e:
        raise CliError(f"cannot open the database {path}: {_reason(e)}", RUNTIME) from None


def find(workspace: Workspace, text: str) -> ConversationInfo:
    """The conversation `text` names (an id, or a unique title, start of one or of a word in
    one: `Workspace.find`); CliError saying how to see them, or which ones match, otherwise."""
    try:
        return workspace.find(text)
    except StoreError as e:
        hint = "give its id" if "matches" in str(e) else LIST_HINT
        raise CliError(f"{e} ({hint})", RUNTIME) from None


def open_conversation(
    settings: Settings, *, create: bool, conversation: str | None = None
) -> Conversation:
    """The conversation `conversation` names (default: the one with the latest activity), in
    its workspace (closing its store closes all; `stop()` stops all). `create` makes a missing
    database, unless a conversation is named: none can be in it."""
    workspace = open_workspace(settings, create=create and conversation is None)
    if conversation is None:
        return workspace.current
    try:
        info = find(workspace, conversation)
    except CliError:
        workspace.store.close()
        raise
    if info.id != workspace.current_id:
        workspace.current_id = info.id  # (not `switch`: that would mark it read)
        workspace.current.recover_interrupted()
    return workspace.current


def titles(store: Store) -> dict[int, str]:
    """Every conversation's title (as the list shows it), by id."""
    return {c.id: c.shown_title for c in store.conversations(archived=None)}


def _reason(e: Exception) -> str:
    if isinstance(e, OSError) and e.strerror:
        return e.strerror
    return str(e) or e.__class__.__name__


def argument_or_stdin(value: str, what: str) -> str:
    """`value`, or all of stdin when it is '-'; an empty text is bad usage."""
    text = sys.stdin.read() if value == "-" else value
    if value == "-" and text.endswith("\n"):
        text = text[:-1]  # `echo msg |` adds one; the message does not end with it
    if not text.strip():
        source = "stdin" if value == "-" else f"the {what}"
        raise CliError(f"{source} is empty: give the {what} to send", USAGE)
    return text


def cli_words(message: str) -> str:
    """The core speaks to the chat (“type dpl”); on the command line the list is a command."""
    return message.replace("type dpl to list schedules", "`schedule list` shows them").replace(
        "type dpl to see their ids", "`schedule list` shows their ids"
    )


def print_json(document: Any) -> None:
    """One JSON document, indented, UTF-8 as is, ending with a newline."""
    sys.stdout.write(json.dumps(document, indent=2, ensure_ascii=False) + "\n")


def print_line(text: str) -> None:
    sys.stdout.write(text + "\n")
