"""What a notification says (who wrote, in which conversation, which app, the first line, when)
and which chat messages make one: a bot reply or a scheduled message, once it is complete."""

from __future__ import annotations

from datetime import datetime
from typing import NamedTuple

from dynaprompt_tui.core.models import Message, Role

FIRST_LINE = 200  # longest first line a notification shows, in characters
TITLE = 40  # longest conversation title in a notification's title


class Notification(NamedTuple):
    sender: str  # who wrote: "chatbot" or "your reminder"
    app: str  # the app and conversation, e.g. "dynaprompt (gpt-4o-mini)"
    text: str  # the message's first line (or a digest's summary)
    at: datetime  # when the message arrived (aware, UTC)
    message_id: int | None = None
    schedule_id: str | None = None
    held: int = 0  # a digest: this many notifications held through quiet hours
    conversation: str | None = None  # its conversation's title, e.g. "Spanish"
    conversation_id: int | None = None

    @property
    def title(self) -> str:
        """`dynaprompt: Spanish · your reminder` (without a conversation: `dynaprompt: chatbot`)."""
        if self.conversation:
            return f"{self.app}: {first_line(self.conversation, TITLE)} · {self.sender}"
        return f"{self.app}: {self.sender}"


def first_line(text: str, limit: int = FIRST_LINE) -> str:
    """The first non-blank line, stripped and cut to `limit` characters (with an ellipsis)."""
    line = next((s.strip() for s in text.splitlines() if s.strip()), "")
    return line if len(line) <= limit else line[: limit - 1].rstrip() + "…"


def arrived(message: Message) -> bool:
    """Whether a message is one the user is told about: a finished bot reply or a scheduled
    message for the user (not the user's own lines, cards, errors, half-streamed text)."""
    meta = message.meta
    return (
        message.role in (Role.ASSISTANT, Role.REMINDER)
        and bool(message.content.strip())
        and not any(meta.get(k) for k in ("streaming", "hidden", "error", "interrupted"))
    )


def from_message(message: Message, app: str, conversation: str | None = None) -> Notification:
    """`conversation`: the title of the message's conversation, when it is known."""
    sender = "your reminder" if message.role is Role.REMINDER else "chatbot"
    return Notification(
        sender=sender,
        app=app,
        text=first_line(message.content),
        at=message.created_at,
        message_id=message.id,
        schedule_id=message.schedule_id,
        conversation=conversation,
        conversation_id=message.conversation_id,
    )


def digest(held: list[Notification]) -> Notification:
    """One notification standing for many held through quiet hours: the count and the latest
    first line; the conversation, if they all come from one."""
    last = held[-1]
    one = len({n.conversation_id for n in held}) == 1
    return last._replace(
        conversation=last.conversation if one else None,
        conversation_id=last.conversation_id if one else None,
        sender=f"{len(held)} messages during quiet hours",
        text=f"latest: {last.text}",
        message_id=None,
        schedule_id=None,
        held=len(held),
    )
