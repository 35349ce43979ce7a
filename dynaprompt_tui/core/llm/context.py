"""The conversation as the model sees it: stored messages -> chat-completions messages, the
newest first kept, bounded in count and length."""

from __future__ import annotations

from datetime import datetime
from typing import Any

from dynaprompt_tui.core.formatting import party_by, when_abs
from dynaprompt_tui.core.models import Message, Party, Role

# Enough context for a chat, bounded so a long history never makes every call slow and costly.
MAX_MESSAGES = 40
MAX_CHARS = 24_000


def scheduled_header(m: Message, now: datetime) -> str:
    """`[scheduled by the user for Tue 25 Nov 08:00, delivered late]`: how a fired turn reads."""
    by = "the user" if m.scheduled_by is Party.USER else "you (the chatbot)"
    when = f" for {when_abs(m.due_at, now)}" if m.due_at else ""
    late = ", delivered late after the app was closed" if m.late else ""
    return f"[scheduled message, set by {by}{when}{late}]"


def to_model(m: Message, now: datetime) -> dict[str, Any] | None:
    """One stored message as a chat-completions message, or None when the model need not see it."""
    if m.role is Role.USER:
        if m.schedule_id:
            return {"role": "user", "content": f"{scheduled_header(m, now)}\n{m.content}"}
        return {"role": "user", "content": m.content}
    if m.role is Role.ASSISTANT:
        # The bot's own instructions stay in its memory so it knows what it scheduled.
        content = m.meta.get("raw") or m.content
        if m.schedule_id:
            content = (
                f"[this message was scheduled by {party_by(Party.CHATBOT)} earlier]\n{content}"
            )
        return {"role": "assistant", "content": content} if content else None
    if m.role is Role.REMINDER:
        return {
            "role": "user",
            "content": f"[app note: the user's own reminder was delivered to them]\n{m.content}",
        }
    if m.role is Role.NOTICE and m.meta.get("to_bot"):
        return {"role": "user", "content": f"[app note]\n{m.content}"}
    return None


def build_context(messages: list[Message], now: datetime) -> list[dict[str, Any]]:
    """The messages the model sees, oldest first: as many of the newest as the bounds allow."""
    out: list[dict[str, Any]] = []
    total = 0
    for m in reversed(messages):
        item = to_model(m, now)
        if item is None:
            continue
        total += len(item["content"])
        if out and (len(out) >= MAX_MESSAGES or total > MAX_CHARS):
            break
        out.append(item)
    out.reverse()
    return out
