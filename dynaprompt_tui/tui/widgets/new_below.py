"""The "new messages below" marker of the chat (chat.py): shown when a message arrives while the
reader is far up in the history, docked at the foot of the chat; clicking it shows the latest."""

from __future__ import annotations

from textual import events
from textual.message import Message as TMessage
from textual.widgets import Static


class NewBelow(Static):
    """The "new messages below" marker, docked at the foot of the chat: clicking it shows the
    latest messages (G and End do too)."""

    DEFAULT_CSS = """
    NewBelow {
        dock: bottom;
        width: auto;
        height: 1;
        padding: 0 1;
        margin: 0 0 0 2;
        background: $accent;
        color: $text;
        text-style: bold;
    }
    """

    class Pressed(TMessage):
        """The marker was clicked."""

    def on_click(self, event: events.Click) -> None:
        event.stop()
        self.post_message(self.Pressed())
