"""The rows messages take in the chat, at the fewest: what the chat counts before they are laid
out (history.py's first screen; the messages kept mounted while it follows the latest)."""

from __future__ import annotations

from collections.abc import Sequence

from dynaprompt_tui.core.models import Message
from dynaprompt_tui.tui.widgets.message import MessageItem, PlainMessage, shown
from dynaprompt_tui.tui.widgets.message_factory import item_class

# Mounted while the chat follows the latest message (a session of deliveries), at least: the
# chat's WINDOW is for reading history, and scrolling up from here reads pages back in.
FOLLOWING = 30


def rows(message: Message) -> int:
    """The fewest rows a message takes in the chat: a gap, a header and a row per line of its
    text (wrapping only adds rows); none when it is not shown."""
    if not (shown(message) and message.content.strip()):
        return 0
    return 2 + message.content.count("\n") + 1


def covering(messages: list[Message], wanted: int) -> int:
    """How many of the latest `messages` take `wanted` rows at least, by their fewest rows (all
    of them when they never do)."""
    taken = 0
    for n, message in enumerate(reversed(messages)):
        if taken >= wanted:
            return n
        taken += rows(message)
    return len(messages)


def kept_following(mounted: list[Message], height: int) -> int:
    """How many of the latest `mounted` messages a chat `height` rows tall that follows the
    latest keeps: `FOLLOWING`, and two screenfuls (the fewest rows each takes: known before
    it is laid out, in a burst of them too)."""
    return min(len(mounted), max(FOLLOWING, covering(mounted, 2 * height)))


def reusable(mounted: Sequence[MessageItem], new: Message, height: int) -> PlainMessage | None:
    """The widget a chat that follows the latest can show `new` in: the top one, when adding
    `new` pushes it out of what is kept, and both are plain messages. Moved to the bottom
    rather than a widget made and one removed per message: Textual's caches hold on to each
    widget removed for the next thousand or so, and a new widget is styled from scratch."""
    top = mounted[0] if len(mounted) >= FOLLOWING else None
    if top is None or type(top) is not PlainMessage or item_class(new) is not PlainMessage:
        return None
    kept = kept_following([*(i.message for i in mounted), new], height)
    return top if len(mounted) >= kept else None
