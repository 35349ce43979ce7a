"""Which widget shows a chat message (message.py, bot_message.py, button_message.py), and making
it. Here rather than in message.py, which the other two import for their base class."""

from __future__ import annotations

from datetime import date, tzinfo

from dynaprompt_tui.core.models import Message, Role
from dynaprompt_tui.tui.widgets.message import MessageItem, PlainMessage, actions


def item_class(message: Message, *, plain_first: bool = False) -> type[MessageItem]:
    """The widget a message needs. `plain_first`: a bot message painted as plain text for the
    first frame (markdown-it and the Markdown widgets are the slow part of a screenful)."""
    if message.role == Role.ASSISTANT and not plain_first:
        # Defined on first use (bot replies come after the first frame).
        from dynaprompt_tui.tui.widgets.bot_message import BotMessage

        return BotMessage
    if actions(message):
        # Defined on first use (most starts show no approval or retry card).
        from dynaprompt_tui.tui.widgets.button_message import ButtonMessage

        return ButtonMessage
    return PlainMessage


def make_item(
    message: Message, tz: tzinfo, today: date | None = None, *, plain_first: bool = False
) -> MessageItem:
    """The widget for `message`; `today` and `plain_first` as in `MessageItem`, `item_class`."""
    return item_class(message, plain_first=plain_first)(message, tz, today)
