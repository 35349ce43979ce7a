"""The chat pane: a widget per message, Markdown for the bot, streaming, paging back in history."""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass
from datetime import date, datetime, tzinfo
from typing import TYPE_CHECKING, Any

from textual import on
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Horizontal, Vertical, VerticalScroll
from textual.content import Content
from textual.message import Message as TMessage
from textual.widgets import Button, Static

from dynaprompt_tui.core.models import Message, Party, Role
from dynaprompt_tui.tui.widgets.safe import clean, literal, local_time

if TYPE_CHECKING:
    from textual.widgets import Markdown

_ROLE_LABEL = {
    Role.USER: "you",
    Role.ASSISTANT: "bot",
    Role.REMINDER: "reminder",
    Role.NOTICE: "app",
    Role.ERROR: "error",
}
_CARD_LABEL = {
    "scheduled": "scheduled",
    "cancelled": "cancelled",
    "list": "schedules",
    "error": "schedule error",
    "limit": "limit",
    "approval": "needs your approval",
}


WELCOME = """\
Welcome to dynaprompt.

Chat with the bot, and schedule messages — for the bot or for yourself:

    dps chatbot tomorrow at 9am
    Ask me how the interview went.

    dps user in 20 minutes
    Stretch your legs!

Enter sends · ctrl+j new line · ctrl+n new schedule
F1 help · ctrl+p commands (export, quit…)"""


def _by(party: Party | None) -> str:
    return "you" if party == Party.USER else "bot"


class MessageItem(Vertical):
    """One chat message: a header line (who, badge, time) and a body."""

    @dataclass
    class ActionRequested(TMessage):
        """A button on a message was pressed: approve, reject or retry."""

        action: str  # "approve" | "reject" | "retry"
        message: Message

    def __init__(self, message: Message, tz: tzinfo, today: date | None = None) -> None:
        self.message = message
        self.tz = tz
        self.today = today
        classes = f"msg -{message.role.value}"
        if message.schedule_id:
            classes += " -scheduled"
        if message.role == Role.NOTICE:
            classes += f" -card-{message.meta.get('card', 'info')}"
        super().__init__(classes=classes, id=f"msg-{message.id}")

    def header(self) -> Content:
        m = self.message
        label = _ROLE_LABEL.get(m.role, m.role.value)
        if m.role == Role.NOTICE and m.meta.get("card"):
            label = _CARD_LABEL.get(m.meta["card"], str(m.meta["card"]))
        parts: list[Content | tuple[str, str] | str] = [(label, "bold")]
        if m.schedule_id:
            due = local_time(m.due_at or m.created_at, self.tz)
            badge = f" ⏰ scheduled by {_by(m.scheduled_by)} · due {due} "
            parts += ["  ", (badge, "$text-accent on $accent-muted")]
            if m.late:
                parts += [" ", (" late ", "bold $text-error on $error-muted")]
        if m.meta.get("outcome"):
            parts += ["  ", (f"({m.meta['outcome']})", "italic $text-muted")]
        if m.meta.get("partial"):
            parts += ["  ", ("(partial)", "italic $text-muted")]
        older = self.today is not None and m.created_at.astimezone(self.tz).date() != self.today
        parts += ["  ", (local_time(m.created_at, self.tz, with_day=older), "$text-muted")]
        return Content.assemble(*parts)

    def compose(self) -> ComposeResult:
        yield Static(self.header(), classes="msg-header", markup=False)
        yield from self.compose_body()
        yield from self.compose_buttons()

    def compose_body(self) -> ComposeResult:
        yield Static(literal(self.message.content), classes="msg-body", markup=False)

    def compose_buttons(self) -> ComposeResult:
        m = self.message
        buttons: list[Button] = []
        card = m.meta.get("card") if m.role == Role.NOTICE else None
        if card == "approval" and not m.meta.get("outcome"):
            buttons = [
                Button(
                    "Approve", variant="success", name="approve", classes="approve", compact=True
                ),
                Button("Reject", variant="error", name="reject", classes="reject", compact=True),
            ]
        elif m.role == Role.ERROR and m.meta.get("retryable"):
            buttons = [
                Button("Retry", variant="primary", name="retry", classes="retry", compact=True)
            ]
        if buttons:
            yield Horizontal(*buttons, classes="msg-buttons")

    @on(Button.Pressed)
    def _pressed(self, event: Button.Pressed) -> None:
        event.stop()
        if event.button.name:
            self.post_message(self.ActionRequested(event.button.name, self.message))

    async def replace(self, message: Message) -> None:
        """Show the final state of the message (stream ended, approved, failed…)."""
        self.message = message
        self.query_one(".msg-header", Static).update(self.header())
        await self.query(".msg-buttons").remove()
        body = self.query_one(".msg-body", Static)
        body.update(literal(message.content))
        await self.mount_all(list(self.compose_buttons()))


class BotMessage(MessageItem):
    """A chatbot message: Markdown, written to live while it streams."""

    def __init__(
        self, message: Message, tz: tzinfo, today: date | None = None, *, plain_first: bool = False
    ) -> None:
        super().__init__(message, tz, today)
        self._stream = None
        # History shown at start-up is painted as plain text for the first frame and rendered
        # as Markdown right after it (`upgrade`): markdown-it and the Markdown widgets cost
        # ~200 ms on a screenful of bot messages.
        self._plain = plain_first
        self._sync_classes()

    def _sync_classes(self) -> None:
        streaming = bool(self.message.meta.get("streaming"))
        self.set_class(streaming, "-streaming")
        # A turn that turned out to be instructions only leaves no empty bubble.
        self.set_class(not streaming and not self.message.content.strip(), "-empty")

    def header(self) -> Content:
        head = super().header()
        if self.message.meta.get("streaming"):
            head = Content.assemble(head, "  ", ("writing…", "italic $text-muted"))
        return head

    def compose_body(self) -> ComposeResult:
        if self._plain:
            yield Static(literal(self.message.content), classes="msg-body -plain", markup=False)
            return
        # Imported here: markdown-it costs ~50 ms, which an empty chat need not pay at start-up.
        from textual.widgets import Markdown

        yield Markdown(clean(self.message.content), classes="msg-body")

    async def upgrade(self) -> None:
        """Replace the plain first paint with the rendered Markdown."""
        # Quitting during start-up detaches the message before its turn comes: nothing to do.
        if not self._plain or not self.is_attached or self._closing:
            return
        self._plain = False
        from textual.widgets import Markdown

        plain = self.query_one(".msg-body", Static)
        await self.mount(Markdown(clean(self.message.content), classes="msg-body"), after=plain)
        await plain.remove()

    @property
    def markdown(self) -> Markdown:
        from textual.widgets import Markdown

        return self.query_one(Markdown)

    async def write(self, text: str) -> None:
        if not text:
            # Never start a stream for nothing: stopping a stream whose task has not run yet
            # raises CancelledError into the caller.
            return
        await self.upgrade()
        if self._stream is None:
            self._stream = self.markdown.get_stream(self.markdown)
        await self._stream.write(clean(text))

    async def replace(self, message: Message) -> None:
        await self.upgrade()
        if self._stream is not None:
            await self._stream.stop()
            self._stream = None
        self.message = message
        self._sync_classes()
        self.query_one(".msg-header", Static).update(self.header())
        # A full update at the end, so a half-streamed code fence is never left blank.
        await self.markdown.update(clean(message.content))


def make_item(
    message: Message, tz: tzinfo, today: date | None = None, *, plain_first: bool = False
) -> MessageItem:
    if message.role == Role.ASSISTANT:
        return BotMessage(message, tz, today, plain_first=plain_first)
    return MessageItem(message, tz, today)


def shown(message: Message) -> bool:
    """Bot turns that held only instructions are kept for the model, not shown."""
    return not message.meta.get("hidden")


class ChatView(VerticalScroll, can_focus=True):
    """The scrollable chat. Follows new text only while scrolled to the bottom."""

    BINDINGS = [
        ("up,k", "scroll_up", "Up"),
        ("down,j", "scroll_down", "Down"),
        ("g", "scroll_home", "Top"),
        ("G", "scroll_end", "Bottom"),
        Binding("escape", "app.focus('composer')", show=False),
        Binding("question_mark", "app.help", show=False),
    ]

    @dataclass
    class OlderWanted(TMessage):
        before_id: int

    PAGE = 50

    def __init__(
        self,
        tz: tzinfo,
        now: Callable[[], datetime] | None = None,
        *,
        history: Sequence[Message] = (),
        exhausted: bool = True,
        **kwargs: Any,
    ) -> None:
        """`history`: the latest messages (oldest first), composed with the chat; `exhausted`:
        there is nothing older in the store."""
        super().__init__(**kwargs)
        self.tz = tz
        self.now = now
        self._items: dict[int, MessageItem] = {}
        self._history = list(history)
        self._oldest_id: int | None = history[0].id if history else None
        self.history_exhausted = exhausted
        self.loading_older = False

    def compose(self) -> ComposeResult:
        # Bot messages start as plain text; `render_markdown` upgrades them after the first
        # frame (markdown-it and the Markdown widgets are the slow part of a screenful).
        today = self.today()
        items = [make_item(m, self.tz, today, plain_first=True) for m in self._history if shown(m)]
        self._history = []
        if not items:
            yield Static(WELCOME, id="welcome", markup=False)
        for item in items:
            self._items[item.message.id] = item
            yield item

    def on_mount(self) -> None:
        self.anchor()

    def today(self) -> date | None:
        """Messages from other days show their date too."""
        return self.now().astimezone(self.tz).date() if self.now else None

    async def render_markdown(self) -> None:
        """Render as Markdown the bot messages that `load` painted as plain text."""
        for item in list(self._items.values()):
            if isinstance(item, BotMessage):
                await item.upgrade()

    async def add(self, message: Message) -> MessageItem | None:
        if not shown(message):
            return None
        if message.id in self._items:
            await self._items[message.id].replace(message)
            return self._items[message.id]
        item = make_item(message, self.tz, self.today())
        self._items[message.id] = item
        await self.query("#welcome").remove()
        if self._oldest_id is None:
            self._oldest_id = message.id
        await self.mount(item)
        return item

    def item(self, message_id: int) -> MessageItem | None:
        return self._items.get(message_id)

    async def prepend(self, messages: list[Message], *, exhausted: bool) -> None:
        """Insert an older page at the top, keeping what the user is looking at in place."""
        self.history_exhausted = exhausted
        self.loading_older = False
        if messages:
            self._oldest_id = min(self._oldest_id or messages[0].id, messages[0].id)
        messages = [m for m in messages if m.id not in self._items and shown(m)]
        if not messages:
            return
        items = [make_item(m, self.tz, self.today()) for m in messages]
        for item in items:
            self._items[item.message.id] = item
        before_height = self.virtual_size.height
        before_y = self.scroll_y
        first = self.children[0] if self.children else None
        await self.mount_all(items, before=first) if first else await self.mount_all(items)

        if self.is_anchored and not self._anchor_released:
            # Still following the latest message (e.g. the rest of the first page, loaded
            # just after start-up): stay at the bottom.
            self.call_after_refresh(self.scroll_end, animate=False, immediate=True)
            return

        def keep_position() -> None:
            grown = self.virtual_size.height - before_height
            self.scroll_to(y=before_y + grown, animate=False, immediate=True)

        self.call_after_refresh(keep_position)

    def watch_scroll_y(self, old: float, new: float) -> None:
        super().watch_scroll_y(old, new)
        if (
            new <= 0
            and old > 0
            and not self.history_exhausted
            and not self.loading_older
            and self._oldest_id is not None
        ):
            self.loading_older = True
            self.post_message(self.OlderWanted(self._oldest_id))

    def action_load_older(self) -> None:
        if not self.history_exhausted and not self.loading_older and self._oldest_id is not None:
            self.loading_older = True
            self.post_message(self.OlderWanted(self._oldest_id))

    @property
    def count(self) -> int:
        return len(self._items)
