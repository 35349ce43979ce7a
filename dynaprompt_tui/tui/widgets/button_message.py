"""A chat message that is answered with buttons: an approval card, a failed turn (Retry)."""

from __future__ import annotations

from textual import on
from textual.app import ComposeResult
from textual.containers import Horizontal
from textual.widgets import Button, Static

from dynaprompt_tui.core.models import Message
from dynaprompt_tui.tui.widgets.message import MessageItem, actions


class ButtonMessage(MessageItem):
    """Header and text, and the buttons that answer it."""

    DEFAULT_CSS = """
    ButtonMessage {
        .msg-buttons {
            height: auto;
            margin-top: 1;
        }
        .msg-buttons Button {
            margin-right: 2;
        }
    }
    """

    def compose(self) -> ComposeResult:
        yield Static(self.text(), classes="msg-text", markup=False)
        buttons = [
            Button(label, variant=variant, name=action, classes=action, compact=True)  # type: ignore[arg-type]
            for label, variant, action in actions(self.message)
        ]
        yield Horizontal(*buttons, classes="msg-buttons")

    @on(Button.Pressed)
    def _pressed(self, event: Button.Pressed) -> None:
        event.stop()
        if event.button.name:
            self.post_message(self.ActionRequested(event.button.name, self.message))

    async def replace(self, message: Message) -> None:
        await super().replace(message)
        self.query_one(".msg-text", Static).update(self.text())
