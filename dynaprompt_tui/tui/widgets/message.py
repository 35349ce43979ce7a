"""A chat message on screen. Most are a single widget: a screenful of history is what start-up
styles, lays out and paints, and each widget in it costs about as much as its text.

* `PlainMessage`: header and text in one widget (user, reminder, notice, error).
* `MarkdownMessage` (markdown_message.py): a bot message from history, its Markdown rendered
  into the one widget's text.
* `BotMessage` (bot_message.py): a header and a Markdown body, written to live while it streams.
* `ButtonMessage` (button_message.py): header and text, with buttons below (an approval card,
  a failed turn).

`message_factory.item_class` says which one a message needs; when that changes (an approval card
is answered), the chat swaps the widget. The last three are defined on first use: a Textual widget
class costs start-up about as much as a widget on screen, and the first frame has neither.
"""

from __future__ import annotations

from datetime import date, tzinfo

from textual.content import Content
from textual.message import Message as TMessage
from textual.widget import Widget

from dynaprompt_tui.core.models import Message, Party, Role
from dynaprompt_tui.tui.widgets.lazy_lines import Line
from dynaprompt_tui.tui.widgets.lines_view import LinesView
from dynaprompt_tui.tui.widgets.safe import literal, local_time

_ROLE_LABEL = {
    Role.USER: "you",
    Role.ASSISTANT: "bot",
    Role.REMINDER: "reminder",
    Role.NOTICE: "app",
    Role.ERROR: "error",
}
# The colour of the name in the header: who is speaking, at a glance.
_ROLE_STYLE = {
    Role.USER: "$text-primary",
    Role.ASSISTANT: "$text-secondary",
    Role.REMINDER: "$text-accent",
    Role.ERROR: "$text-error",
}
_CARD_LABEL = {
    "scheduled": "scheduled",
    "cancelled": "cancelled",
    "list": "schedules",
    "error": "schedule error",
    "limit": "limit",
    "approval": "needs your approval",
}


WAITING = " · waiting for your approval"  # how the core's approval card ends while it asks


def body(message: Message) -> str:
    """The text a message shows. An answered approval card no longer says it is waiting: the
    core wrote that when it asked, and the header now says the answer."""
    if message.meta.get("card") == "approval" and message.meta.get("outcome"):
        return message.content.removesuffix(WAITING)
    return message.content


def _by(party: Party | None) -> str:
    return "you" if party == Party.USER else "bot"


def actions(message: Message) -> list[tuple[str, str, str]]:
    """(label, variant, action) of the buttons a message offers: answering an approval card,
    retrying a failed turn."""
    card = message.meta.get("card") if message.role == Role.NOTICE else None
    if card == "approval" and not message.meta.get("outcome"):
        return [("Approve", "success", "approve"), ("Reject", "error", "reject")]
    if message.role == Role.ERROR and message.meta.get("retryable"):
        return [("Retry", "primary", "retry")]
    return []


def _classes(message: Message) -> str:
    classes = f"msg -{message.role.value}"
    if message.schedule_id:
        classes += " -scheduled"
    if message.role == Role.NOTICE:
        classes += f" -card-{message.meta.get('card', 'info')}"
    return classes


class MessageItem(Widget):
    """What every chat message has: the message, its classes and its header line."""

    FROM_HISTORY = False  # rendered as read from the store (markdown_message.py): stays so

    class ActionRequested(TMessage):
        """A button on a message was pressed: approve, reject or retry."""

        def __init__(self, action: str, message: Message) -> None:
            super().__init__()
            self.action = action  # "approve" | "reject" | "retry"
            self.message = message

    def __init__(self, message: Message, tz: tzinfo, today: date | None = None) -> None:
        self.message = message
        self.tz = tz
        self.today = today
        # No id: the chat finds its widgets by message id (`ChatView.item`), and a widget may
        # come to show another message (`PlainMessage.reuse`).
        super().__init__(classes=_classes(message))
        self._sync_classes()

    def _sync_classes(self) -> None:
        m = self.message
        streaming = bool(m.meta.get("streaming"))
        self.set_class(streaming, "-streaming")
        # A bot turn that turned out to be instructions only leaves no empty bubble.
        self.set_class(
            m.role == Role.ASSISTANT and not streaming and not m.content.strip(), "-empty"
        )

    def header(self) -> Content:
        m = self.message
        label = _ROLE_LABEL.get(m.role, m.role.value)
        outcome = m.meta.get("outcome")
        if m.role == Role.NOTICE and m.meta.get("card") == "approval" and outcome:
            label, outcome = f"{outcome} by you", None  # "approved by you", not "needs…"
        elif m.role == Role.NOTICE and m.meta.get("card"):
            label = _CARD_LABEL.get(m.meta["card"], str(m.meta["card"]))
        # (A notice is muted as a whole, by its CSS.)
        # Who, then when (once), then what kind of message: "reminder  10:17  ⏰ by you".
        older = self.today is not None and m.created_at.astimezone(self.tz).date() != self.today
        when = local_time(m.created_at, self.tz, with_day=older)
        parts: list[Content | tuple[str, str] | str] = [
            (label, f"bold {_ROLE_STYLE.get(m.role, '')}"),
            "  ",
            (when, "$text-muted"),
        ]
        if m.schedule_id:
            badge = f"⏰ scheduled by {_by(m.scheduled_by)}"
            due = local_time(m.due_at or m.created_at, self.tz, with_day=older)
            if due != when:  # delivered when it was due: its time is said once
                badge += f" · due {due}"
            parts += ["  ", (badge, "$text-accent")]
            if m.late:
                parts += ["  ", (" late ", "bold $text-error on $error-muted")]
        if outcome:
            parts += ["  ", (f"({outcome})", "italic $text-muted")]
        if m.meta.get("partial"):
            parts += ["  ", ("(partial)", "italic $text-muted")]
        if m.meta.get("streaming"):
            parts += ["  ", ("writing…", "italic $text-muted")]
        return Content.assemble(*parts)

    def text(self) -> Content:
        """Header and text as one block, the text shown literally."""
        return Content("\n").join([self.header(), literal(body(self.message))])

    async def replace(self, message: Message) -> None:
        """Show the new state of the message (stream ended, approved, failed…)."""
        self.message = message
        self._sync_classes()

    async def write(self, text: str) -> None:
        """Streamed text for the message: only a bot message (bot_message.py) shows it."""


class PlainMessage(MessageItem, LinesView):
    """Header and text, one widget, drawn a line at a time (lines_view.py)."""

    _split: list[Line] | None = None  # the text's lines

    def lines_at(self, width: int | None) -> list[Line]:
        """A plain message's lines are the same at every width."""
        if self._split is None:
            self._split = list(self.text().split(allow_blank=True))
        return self._split

    def _forget(self) -> None:
        self._split = None
        self.forget()

    async def replace(self, message: Message) -> None:
        await super().replace(message)
        self._forget()
        self.refresh(layout=True)

    def reuse(self, message: Message, today: date | None) -> None:
        """Show another message: following the latest, the chat moves the widget the new one
        pushes off the top to the bottom instead of making a widget and removing one
        (rows.reusable, ChatView.add)."""
        self.message, self.today = message, today
        self._forget()
        self.set_classes(_classes(message))  # (not selected: the selection is another's)
        self._sync_classes()
        self.refresh(layout=True)


def shown(message: Message) -> bool:
    """Bot turns that held only instructions are kept for the model, not shown."""
    return not message.meta.get("hidden")
