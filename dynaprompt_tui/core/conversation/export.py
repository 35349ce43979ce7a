"""A conversation, or every one, as Markdown or JSON text, and the file name an export is saved
under. One conversation: `export_text` (Markdown under its title; JSON, a list of its messages);
all of them: `export_all`, written piece by piece, one conversation in memory at a time
(Markdown, a heading per conversation; JSON, a list of conversations, each with its messages)."""

from __future__ import annotations

import json
import os
from collections.abc import Iterable, Iterator
from datetime import datetime, tzinfo
from pathlib import Path
from typing import Any

from dynaprompt_tui.core import formatting as fmt
from dynaprompt_tui.core.models import ConversationInfo, Message, Party, Role
from dynaprompt_tui.core.storage.store import Store

_NAMES = {
    Role.USER: "You",
    Role.ASSISTANT: "Bot",
    Role.REMINDER: "Reminder",
    Role.NOTICE: "App",
    Role.ERROR: "Error",
}


def all_messages(store: Store) -> list[Message]:
    """Every stored message, oldest first (read in pages, as the chat pane does)."""
    out: list[Message] = []
    before: int | None = None
    while True:
        page = store.messages(before_id=before, limit=500)
        if not page:
            break
        out[:0] = page
        before = page[0].id
    return out


def _check(fmt_: str) -> None:
    if fmt_ not in ("md", "json"):
        raise ValueError(f"unknown export format {fmt_!r}: use md or json")


def export_text(
    messages: list[Message], fmt_: str, zone: tzinfo, *, title: str | None = None
) -> str:
    """`fmt_`: "md" (times in `zone`, under `title`) or "json" (ISO times); ValueError for
    anything else."""
    _check(fmt_)
    if fmt_ == "json":
        return json.dumps([_message_json(m) for m in messages], indent=2, ensure_ascii=False)
    return "\n".join(_markdown(messages, zone, title or "dynaprompt conversation"))


def _markdown(messages: list[Message], zone: tzinfo, title: str) -> list[str]:
    lines = [f"# {_heading(title)}", ""]
    for m in messages:
        stamp = m.created_at.astimezone(zone).strftime("%Y-%m-%d %H:%M")
        badge = ""
        if m.schedule_id:
            badge = f" · scheduled by {fmt.party_by(m.scheduled_by or Party.USER)}"
            badge += " · late" if m.late else ""
        lines += [f"**{_NAMES[m.role]}** · {stamp}{badge}", "", m.content, ""]
    return lines if messages else [*lines, "_(no messages)_", ""]


def _heading(title: str) -> str:
    """A title on one line, its Markdown characters escaped (a heading, not markup)."""
    one = " ".join(title.split())
    return "".join("\\" + ch if ch in "\\`*_[]#<>" else ch for ch in one)


def export_all(
    store: Store, conversations: Iterable[ConversationInfo], fmt_: str, zone: tzinfo
) -> Iterator[str]:
    """Each conversation in turn, read when its turn comes: Markdown, a heading with its title
    then its messages; JSON, a list of conversations, each with its `messages`. ValueError for
    another format (before anything is produced)."""
    _check(fmt_)
    return (
        _markdown_all(store, conversations, zone)
        if fmt_ == "md"
        else _json_all(store, conversations)
    )


def _markdown_all(
    store: Store, conversations: Iterable[ConversationInfo], zone: tzinfo
) -> Iterator[str]:
    for i, c in enumerate(conversations):
        title = c.shown_title + (" (archived)" if c.archived else "")
        lines = _markdown(all_messages(store.scoped(c.id)), zone, title)
        yield ("\n" if i else "") + "\n".join(lines)


def _json_all(store: Store, conversations: Iterable[ConversationInfo]) -> Iterator[str]:
    yield "["
    for i, c in enumerate(conversations):
        document = conversation_json(c, all_messages(store.scoped(c.id)))
        text = json.dumps(document, indent=2, ensure_ascii=False).replace("\n", "\n  ")
        yield ("," if i else "") + "\n  " + text
    yield "\n]"


def conversation_json(c: ConversationInfo, messages: list[Message]) -> dict[str, Any]:
    """A conversation of a JSON export: what it is, its own settings, its messages."""
    return {
        "id": c.id,
        "title": c.shown_title,
        "created_at": c.created_at.isoformat(),
        "updated_at": c.updated_at.isoformat(),
        "archived": c.archived,
        "model": c.model,
        "system_prompt": c.system_prompt,
        "temperature": c.temperature,
        "messages": [_message_json(m) for m in messages],
    }


def export_file_name(now: datetime, fmt_: str) -> str:
    """`dynaprompt-20260305-1015.md`: `now` in the user's zone."""
    return f"dynaprompt-{now:%Y%m%d-%H%M}.{fmt_}"


def _message_json(m: Message) -> dict[str, Any]:
    def iso(d: datetime | None) -> str | None:
        return d.isoformat() if d else None

    return {
        "id": m.id,
        "role": m.role.value,
        "content": m.content,
        "created_at": iso(m.created_at),
        "schedule_id": m.schedule_id,
        "scheduled_by": m.scheduled_by.value if m.scheduled_by else None,
        "due_at": iso(m.due_at),
        "late": m.late,
    }


def write_private(path: Path | str, text: str | Iterable[str]) -> None:
    """Write an export (a text, or its pieces) readable by its owner only (0600), like the
    database it comes from: a conversation is private whatever the umask says. An existing file
    keeps its own mode."""
    fd = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_TRUNC, 0o600)
    with open(fd, "w", encoding="utf-8") as fh:
        fh.writelines([text] if isinstance(text, str) else text)
