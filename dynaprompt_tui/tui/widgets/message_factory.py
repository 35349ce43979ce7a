"""Which widget shows a chat message (message.py, bot_message.py, button_message.py,
markdown_message.py), and making it. Here rather than in message.py, which the others import for
their base class."""

from __future__ import annotations

from datetime import date, tzinfo

from dynaprompt_tui.core.models import Message, Role
from dynaprompt_tui.tui.widgets.message import MessageItem, PlainMessage, actions


def item_class(message: Message, *, history: bool = False) -> type[MessageItem]:
    """The widget a message needs. `history`: read from the store rather than arriving live; a
    finished bot reply is then one widget (markdown_message.py), not a tree of Markdown blocks
    (a streaming one is written to live, whatever its origin)."""
    if message.role == Role.ASSISTANT:
        if history and not message.meta.get("streaming"):
            # Defined on first use, markdown-it with it (an empty chat never needs them).
            from dynaprompt_tui.tui.widgets.markdown_message import MarkdownMessage

            return MarkdownMessage
        # Defined on first use (replies stream after the first frame).
        from dynaprompt_tui.tui.widgets.bot_message import BotMessage

        return BotMessage
    if actions(message):
        # Defined on first use (most starts show no approval or retry card).
        from dynaprompt_tui.tui.widgets.button_message import ButtonMessage

        return ButtonMessage
    return PlainMessage


def make_item(
    message: Message, tz: tzinfo, today: date | None = None, *, history: bool = False
) -> MessageItem:
    """The widget for `message`; `today` as in `MessageItem`, `history` as in `item_class`."""
    return item_class(message, history=history)(message, tz, today)
