"""`dynaprompt-tui conversations list|new|show|rename|set|archive|unarchive|rm`: the
conversations of the database, changed through the `Workspace` as the app changes them. A
conversation is named by its id, or a unique title, start of one or of a word in one
(case-insensitive); `rm` takes ids only, and asks first (`--yes` where nobody can answer)."""

from __future__ import annotations

import argparse
import asyncio
import sys
from collections.abc import Callable
from datetime import datetime
from typing import Any

from dynaprompt_tui.cli.commands import documents
from dynaprompt_tui.cli.commands.common import (
    LIST_HINT,
    argument_or_stdin,
    find,
    open_workspace,
    print_json,
    print_line,
)
from dynaprompt_tui.cli.errors import RUNTIME, USAGE, CliError
from dynaprompt_tui.config import Settings
from dynaprompt_tui.core import formatting as fmt
from dynaprompt_tui.core.conversation.workspace import Workspace
from dynaprompt_tui.core.models import ConversationInfo
from dynaprompt_tui.core.storage.store import StoreError

TITLE_COLUMN = 48  # characters of a title in the list


def run(args: argparse.Namespace, settings: Settings) -> int:
    action = getattr(args, "action", None) or "list"  # `conversations` alone lists them
    command: Callable[[argparse.Namespace, Workspace], int] = ACTIONS[action]
    if action == "new":
        _own_values(args)  # a bad value is reported before the database is touched
    workspace = open_workspace(settings, create=action == "new")
    try:
        return command(args, workspace)
    except StoreError as e:  # (a title that cannot be empty, a temperature out of range)
        raise CliError(str(e), RUNTIME) from None
    finally:
        workspace.store.close()


def _doc(workspace: Workspace, info: ConversationInfo) -> dict[str, Any]:
    return documents.conversation(info, workspace.tz)


def _name(info: ConversationInfo) -> str:
    return f"{info.id} “{info.shown_title}”"


# -- list, show ----------------------------------------------------------------------------------


def list_conversations(args: argparse.Namespace, workspace: Workspace) -> int:
    found = workspace.conversations(archived=None if getattr(args, "all", False) else False)
    if getattr(args, "json", False):
        print_json({"conversations": [_doc(workspace, c) for c in found]})
        return 0
    if not found:
        hidden = workspace.store.conversation_count(archived=True)
        print_line(f"no conversations ({hidden} archived: --all shows them)")
        return 0
    now = workspace.clock.now().astimezone(workspace.tz)
    width = max(len(str(c.id)) for c in found)
    print_line(f"{'ID':>{width}}  UNREAD  PENDING  LATEST              TITLE")
    for c in found:
        title = fmt.preview(c.shown_title, TITLE_COLUMN) + (" (archived)" if c.archived else "")
        latest = _latest(c.updated_at, now)
        print_line(f"{c.id:>{width}}  {c.unread:>6}  {c.pending:>7}  {latest:<18}  {title}")
    return 0


def _latest(t: datetime, now: datetime) -> str:
    """`today 10:15`, `yesterday 18:02`, `Mon 2 Mar 09:00`, `2025-11-30`: short, sortable by eye."""
    local = t.astimezone(now.tzinfo)
    days = (now.date() - local.date()).days
    if days == 0:
        return f"today {local:%H:%M}"
    if days == 1:
        return f"yesterday {local:%H:%M}"
    if 0 < days < 180:
        return f"{local:%a} {local.day} {local:%b %H:%M}"
    return f"{local:%Y-%m-%d}"


def show(args: argparse.Namespace, workspace: Workspace) -> int:
    info = find(workspace, args.conversation)
    messages = workspace.store.scoped(info.id).message_count()
    if args.json:
        print_json({"conversation": {**_doc(workspace, info), "messages": messages}})
        return 0
    settings = workspace.settings
    now = workspace.clock.now().astimezone(workspace.tz)
    print_line(f"conversation {info.id}: {info.shown_title}" + (" (archived)" * info.archived))
    print_line(f"  messages:    {messages} ({info.unread} unread)")
    print_line(f"  schedules:   {info.pending} pending or paused")
    print_line(f"  latest:      {_latest(info.updated_at, now)}")
    print_line(f"  started:     {_latest(info.created_at, now)}")
    print_line(f"  model:       {_own(info.model, settings.model)}")
    print_line(f"  temperature: {_own(info.temperature, settings.temperature)}")
    print_line(
        f"  persona:     {_own(_persona(info.system_prompt, 60), _default_persona(settings))}"
    )
    return 0


def _persona(text: str | None, limit: int) -> str | None:
    return f"“{fmt.preview(text, limit)}”" if text else None


def _default_persona(settings: Any) -> str:
    return _persona(settings.system_prompt, 30) or "none"


def _own(value: object, default: object) -> str:
    if value is not None:
        return f"{value} (its own)"
    return "the server's (the default)" if default is None else f"{default} (the default)"


# -- new, rename, set ----------------------------------------------------------------------------


def new(args: argparse.Namespace, workspace: Workspace) -> int:
    title = " ".join(args.title).strip()
    own = _own_values(args)
    info = workspace.create(title).store.conversation()
    if own:
        info = workspace.configure(info.id, **own)
    return _done(args, workspace, [info], "started")


def rename(args: argparse.Namespace, workspace: Workspace) -> int:
    info = find(workspace, args.conversation)
    title = " ".join(args.title)
    return _done(args, workspace, [workspace.rename(info.id, title)], "renamed")


def set_own(args: argparse.Namespace, workspace: Workspace) -> int:
    own = _own_values(args)
    if not own:
        raise CliError("give --model, --system-prompt or --temperature ('' resets one)", USAGE)
    info = find(workspace, args.conversation)
    return _done(args, workspace, [workspace.configure(info.id, **own)], "changed")


def _own_values(args: argparse.Namespace) -> dict[str, Any]:
    """The conversation's own settings given: '' means back to the default (None)."""
    values: dict[str, Any] = {}
    model, prompt, temperature = (
        getattr(args, f"own_{k}", None) for k in ("model", "system_prompt", "temperature")
    )
    if model is not None:
        values["model"] = model.strip() or None
    if prompt is not None:
        if prompt == "-":
            prompt = argument_or_stdin("-", "system prompt")
        values["system_prompt"] = prompt.strip() or None
    if temperature is not None:
        values["temperature"] = _temperature(temperature)
    return values


def _temperature(text: str) -> float | None:
    if not text.strip():
        return None
    try:
        value = float(text)
    except ValueError:
        raise CliError(f"--temperature: not a number: {text!r}", USAGE) from None
    if not 0 <= value <= 2:
        raise CliError(f"--temperature must be between 0 and 2, not {text}", USAGE)
    return value


# -- archive, unarchive, rm ----------------------------------------------------------------------


def archive(args: argparse.Namespace, workspace: Workspace) -> int:
    archived = args.action == "archive"
    infos = [find(workspace, c) for c in args.conversations]  # all found, or none changed
    changed = [workspace.archive(i.id, archived) for i in infos]
    return _done(args, workspace, changed, "archived" if archived else "unarchived")


def remove(args: argparse.Namespace, workspace: Workspace) -> int:
    infos = [_by_id(workspace, text) for text in args.conversation_ids]
    infos = list({i.id: i for i in infos}.values())  # (an id given twice)
    counts = {i.id: workspace.store.scoped(i.id).message_count() for i in infos}
    if not args.yes:
        _confirm(infos, counts)
    doomed = {i.id for i in infos}
    # Deleting the open conversation opens another, marking it read: keep one open that stays.
    kept = [c.id for c in workspace.conversations(archived=None) if c.id not in doomed]
    if kept:
        workspace.current_id = kept[0]

    async def delete_all() -> None:
        for info in infos:
            await workspace.delete(info.id)

    asyncio.run(delete_all())
    if args.json:
        docs = [{**_doc(workspace, i), "messages": counts[i.id]} for i in infos]
        print_json({"deleted": docs})
    else:
        for i in infos:
            print_line(f"deleted {_name(i)} ({_counts(counts[i.id], i.pending)})")
    return 0


def _by_id(workspace: Workspace, text: str) -> ConversationInfo:
    """`rm` deletes what an id names, never a guess from a title."""
    if not text.strip().isdigit():
        try:
            hint = f"; “{text}” is conversation {workspace.find(text).id}"
        except StoreError:
            hint = f" ({LIST_HINT})"
        raise CliError(f"rm takes conversation ids, not titles{hint}", USAGE)
    try:
        return workspace.store.conversation(int(text))
    except StoreError:
        raise CliError(f"no conversation {text.strip()} ({LIST_HINT})", RUNTIME) from None


def _counts(messages: int, pending: int) -> str:
    return f"{messages} message{'s' * (messages != 1)}, {pending} pending schedule" + (
        "s" * (pending != 1)
    )


def _confirm(infos: list[ConversationInfo], counts: dict[int, int]) -> None:
    """Ask on the terminal; with nobody to ask (a pipe, a cron job), refuse without --yes."""
    if not sys.stdin.isatty():
        raise CliError("rm deletes for good: add --yes to confirm (stdin is not a terminal)", USAGE)
    for i in infos:
        sys.stderr.write(f"{_name(i)}: {_counts(counts[i.id], i.pending)}\n")
    what = "it" if len(infos) == 1 else f"these {len(infos)} conversations"
    sys.stderr.write(f"Delete {what} with everything in it, for good? [y/N] ")
    sys.stderr.flush()
    answer = sys.stdin.readline().strip().lower()
    if answer not in ("y", "yes"):
        raise CliError("nothing deleted", RUNTIME)


def _done(
    args: argparse.Namespace, workspace: Workspace, infos: list[ConversationInfo], word: str
) -> int:
    if args.json:
        key = "conversation" if args.action in ("new", "rename", "set") else "conversations"
        docs = [_doc(workspace, i) for i in infos]
        print_json({key: docs[0] if key == "conversation" else docs})
        return 0
    for i in infos:
        chose = i.model is not None or i.temperature is not None or i.system_prompt is not None
        shown = args.action == "set" or (args.action == "new" and chose)
        print_line(f"{word} {_name(i)}" + (_settings_words(workspace, i) if shown else ""))
    return 0


def _settings_words(workspace: Workspace, i: ConversationInfo) -> str:
    """`: model gpt-4o (its own) · temperature 0.7 (the default) · persona none (the default)`."""
    settings = workspace.settings
    parts = [
        ("model", i.model, settings.model),
        ("temperature", i.temperature, settings.temperature),
        ("persona", _persona(i.system_prompt, 40), _default_persona(settings)),
    ]
    return ": " + " · ".join(f"{name} {_own(own, default)}" for name, own, default in parts)


ACTIONS: dict[str, Callable[[argparse.Namespace, Workspace], int]] = {
    "list": list_conversations,
    "show": show,
    "new": new,
    "rename": rename,
    "set": set_own,
    "archive": archive,
    "unarchive": archive,
    "rm": remove,
}
