"""How much of the conversation the chat reads at a time: a page, and the screenful of it that the
first frame shows (the rest of the page follows right after, so start-up stays flat however long
the conversation is)."""

from __future__ import annotations

from dynaprompt_tui.core.models import Message
from dynaprompt_tui.tui.widgets.message import shown

PAGE = 50  # messages read at once: at start-up, and each time the chat scrolls to the top


def screenful(history: list[Message], height: int) -> int:
    """How many of the latest messages surely fill a chat pane in a terminal `height` rows tall.

    A message takes a gap, a header and at least a row per line of its text (wrapping only
    adds rows); the pane is the terminal less the header, the footer and the input (a line
    and its border at least).
    """
    rows, count = 0, 0
    for message in reversed(history):
        if rows >= height - 5:
            break
        if shown(message) and message.content.strip():  # else it takes no room
            rows += 2 + message.content.count("\n") + 1
        count += 1
    return max(count, 1)
