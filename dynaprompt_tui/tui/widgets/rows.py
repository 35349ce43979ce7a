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


def kept_following(mounted: list[Message], height: int) -> int:
    """How many of the latest `mounted` messages a chat `height` rows tall that follows the
    latest keeps: `FOLLOWING`, and two screenfuls (the fewest rows each takes: known before
    it is laid out, in a burst of them too)."""
    taken = 0
    for n, message in enumerate(reversed(mounted), start=1):
        taken += rows(message)
        if n >= FOLLOWING and taken >= 2 * height:
            return n
    return len(mounted)
