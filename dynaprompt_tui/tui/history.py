"""How much of the conversation the chat reads at a time: a page, and the screenful of it that the
first frame shows (only that is mounted at start-up, so start-up stays flat however long the
conversation is); and the store reads that answer the chat's `OlderWanted` and `NewerWanted`."""

from __future__ import annotations

from typing import TYPE_CHECKING

from dynaprompt_tui.core.models import Message
from dynaprompt_tui.tui.widgets.rows import covering, rows

if TYPE_CHECKING:
    from dynaprompt_tui.core.conversation.facade import Conversation
    from dynaprompt_tui.tui.widgets.chat import ChatView

# Messages read at once: at start-up, and each time the chat scrolls to an end. More than a
# screenful of a tall terminal, and small: each one mounted costs ~60-90 KiB (Textual widgets).
PAGE = 30


def pane(height: int) -> int:
    """The chat pane's rows in a terminal `height` rows tall: less the header, the footer and
    the input (a line and its border at least)."""
    return height - 5


def screenful(history: list[Message], height: int) -> int:
    """How many of the latest messages surely fill a chat pane in a terminal `height` rows
    tall."""
    return max(covering(history, pane(height)), 1)


def fills(history: list[Message], height: int) -> bool:
    """Whether `history` surely overflows a chat pane in a terminal `height` rows tall."""
    return sum(rows(m) for m in history) > pane(height)


def first_screen(history: list[Message], height: int) -> tuple[list[Message], bool]:
    """What the chat mounts at start-up from the latest page: a screenful and some more (so
    there is something to scroll up to), and whether nothing older exists."""
    # (Twice the rows: a message may take fewer than `screenful` counts, and the first keys
    # scrolling up find messages there.)
    first = history[-screenful(history, height * 2) :]
    return first, len(history) < PAGE and len(first) == len(history)


async def older(chat: ChatView, conversation: Conversation, before_id: int) -> None:
    """The page before `before_id`, to the top of the chat."""
    try:
        page = conversation.messages(before_id=before_id, limit=PAGE)
    except BaseException:
        chat.loading_older = False  # (asked again the next time the top is reached)
        raise
    await chat.prepend(page, exhausted=len(page) < PAGE)


async def newer(chat: ChatView, conversation: Conversation, after_id: int | None) -> None:
    """The page after `after_id` to the bottom of the chat; with None, the latest page in place
    of everything mounted."""
    try:
        if after_id is None:
            page = conversation.messages(limit=PAGE)
        else:
            page = conversation.messages(after_id=after_id, limit=PAGE)
    except BaseException:
        chat.loading_newer = False
        raise
    if after_id is None:
        await chat.show_page(page, exhausted=len(page) < PAGE)
    else:
        await chat.append(page, latest=len(page) < PAGE)
