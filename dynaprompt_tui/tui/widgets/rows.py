"""The rows messages take in the chat, at the fewest: what the chat counts before they are laid
out (history.py's first screen; the messages kept mounted while it follows the latest)."""

from __future__ import annotations

from dynaprompt_tui.core.models import Message
from dynaprompt_tui.tui.widgets.message import shown

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
