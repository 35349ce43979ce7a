"""The chat pane: the messages (see `message.py`), following new text, paging back in history."""

from __future__ import annotations

import contextlib
from collections.abc import Callable, Sequence
from datetime import date, datetime, tzinfo
from typing import Any

from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import VerticalScroll
from textual.message import Message as TMessage
from textual.widget import MountError, Widget
from textual.widgets import Static

from dynaprompt_tui.core.models import Message
from dynaprompt_tui.tui.widgets.message import MessageItem, shown
from dynaprompt_tui.tui.widgets.message_factory import item_class, make_item

WELCOME = """\
Welcome to dynaprompt.

Chat with the bot, and schedule messages — for the bot or for yourself:

    dps chatbot tomorrow at 9am
    Ask me how the interview went.

    dps user in 20 minutes
    Stretch your legs!

Enter sends · ctrl+j new line · ctrl+n new schedule
F1 help · ctrl+p commands (export, quit…)"""


class ChatView(VerticalScroll, can_focus=True):
    """The scrollable chat. Follows new text only while scrolled to the bottom."""

    BINDINGS = [
        ("up,k", "scroll_up", "Up"),
        ("down,j", "scroll_down", "Down"),
        ("g", "scroll_home", "Top"),
        ("G", "scroll_end", "Bottom"),
        Binding("escape", "screen.focus('composer')", show=False),
        Binding("question_mark", "screen.help", show=False),
    ]

    class OlderWanted(TMessage):
        """Scrolled to the top: the page before `before_id`, please."""

        def __init__(self, before_id: int) -> None:
            super().__init__()
            self.before_id = before_id

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
        """Render as Markdown the bot messages painted as plain text for the first frame."""
        for item in list(self._items.values()):
            if type(item) is not item_class(item.message):  # a bot message painted plain
                await self._swap(item, make_item(item.message, self.tz, item.today))

    async def _mount(self, *items: MessageItem, before: int | Widget | None = None) -> bool:
        """Mount `items`; False when Textual refuses because the app is quitting (a ctrl+q may
        come between the moment the chat is asked to show something and the mount)."""
        try:
            await self.mount_all(items, before=before)
        except MountError:
            return False
        return True

    async def _swap(self, old: MessageItem, new: MessageItem) -> None:
        # Quitting during start-up detaches the chat before a deferred swap runs: nothing to do.
        if not old.is_attached:
            return
        self._items[new.message.id] = new
        # The new widget takes the old one's id, so the old one goes first; no frame is drawn
        # in between.
        with self.app.batch_update():
            index = self.children.index(old)
            await old.remove()
            await self._mount(new, before=index if index < len(self.children) else None)

    async def add(self, message: Message) -> MessageItem | None:
        if not shown(message):
            return None
        if (old := self._items.get(message.id)) is not None:
            if type(old) is item_class(message):
                await old.replace(message)
                return old
            new = make_item(message, self.tz, old.today)
            await self._swap(old, new)  # e.g. an answered approval card loses its buttons
            return new
        item = make_item(message, self.tz, self.today())
        self._items[message.id] = item
        await self.query("#welcome").remove()
        if self._oldest_id is None:
            self._oldest_id = message.id
        await self._mount(item, before=self._thinking_line())  # "thinking…" stays last
        return item

    @property
    def following(self) -> bool:
        """Anchored and at the bottom: following the latest message. (Scrolling up releases
        Textual's anchor, scrolling back down re-engages it; while the messages are shorter
        than the pane there is nothing to scroll, and the anchor may leave scroll_y below 0.)"""
        bottom = self.max_scroll_y
        return self.is_anchored and (not bottom or self.scroll_y >= bottom)

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
        following = self.following
        if not await self._mount(*items, before=self.children[0] if self.children else None):
            return

        if following:
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

    async def thinking(self, on: bool) -> None:
        """A "thinking…" line under the messages while a reply is awaited: a down server can
        take seconds to fail, and the chat must not look idle meanwhile."""
        shown = self.query("#thinking")
        if not on:
            await shown.remove()
        elif not shown:
            line = Static("bot is thinking…", id="thinking", markup=False)
            # The last child, so a chat that follows the latest message shows it too.
            with contextlib.suppress(MountError):  # (Textual refuses once the user has quit)
                await self.mount(line)

    def _thinking_line(self) -> Widget | None:
        for line in self.query("#thinking"):
            return line
        return None

    @property
    def count(self) -> int:
        return len(self._items)
