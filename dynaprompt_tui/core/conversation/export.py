"""The whole conversation as Markdown or JSON text, and the file name an export is saved under."""

from __future__ import annotations

import json
import os
from datetime import datetime, tzinfo
from pathlib import Path
from typing import Any

from dynaprompt_tui.core import formatting as fmt
from dynaprompt_tui.core.models import Message, Party, Role
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


def export_text(messages: list[Message], fmt_: str, zone: tzinfo) -> str:
    """`fmt_`: "md" (times in `zone`) or "json" (ISO times); ValueError for anything else."""
    if fmt_ == "json":
        return json.dumps([_message_json(m) for m in messages], indent=2, ensure_ascii=False)
    if fmt_ != "md":
        raise ValueError(f"unknown export format {fmt_!r}: use md or json")
    lines = ["# dynaprompt conversation", ""]
    for m in messages:
        stamp = m.created_at.astimezone(zone).strftime("%Y-%m-%d %H:%M")
        badge = ""
        if m.schedule_id:
            badge = f" · scheduled by {fmt.party_by(m.scheduled_by or Party.USER)}"
            badge += " · late" if m.late else ""
        lines += [f"**{_NAMES[m.role]}** · {stamp}{badge}", "", m.content, ""]
    return "\n".join(lines)


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


def write_private(path: Path | str, text: str) -> None:
    """Write an export readable by its owner only (0600), like the database it comes from: a
    conversation is private whatever the umask says. An existing file keeps its own mode."""
    fd = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_TRUNC, 0o600)
    with open(fd, "w", encoding="utf-8") as fh:
        fh.write(text)
