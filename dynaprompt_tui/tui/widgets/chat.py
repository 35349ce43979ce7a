"""The chat pane: the messages (see `message.py`), following new text, and a window onto the
history: only the messages in and near the viewport are mounted (at most `WINDOW`; a page and two
screenfuls while it follows the latest, rows.kept_following: the message a new one pushes out
of those is shown again at the bottom for it, rows.reusable). Scrolling to the top of the window
asks for the page before it (`OlderWanted`), to its bottom for the page after it
(`NewerWanted`); the far side is unmounted, what the user is reading stays in place. A message
arriving while the latest is not mounted shows a "new messages below" marker instead. The
selected message and its keys are the base class's (chat_cursor.py)."""

from __future__ import annotations

import contextlib
from collections.abc import Callable, Sequence
from datetime import date, datetime, tzinfo
from typing import Any

from textual import events
from textual.app import ComposeResult
from textual.binding import Binding
from textual.message import Message as TMessage
from textual.widget import MountError, Widget
from textual.widgets import Static

from dynaprompt_tui.core.models import Message
from dynaprompt_tui.tui.widgets.chat_cursor import MessageCursor
from dynaprompt_tui.tui.widgets.message import MessageItem, shown
from dynaprompt_tui.tui.widgets.message_factory import item_class, make_item
from dynaprompt_tui.tui.widgets.rows import FOLLOWING, kept_following, reusable
from dynaprompt_tui.tui.widgets.welcome import WELCOME

# Messages mounted at most: three pages (history.PAGE), so one can come in at one end while the
# page read and one beyond it stay put. Each costs memory and a share of every layout.
WINDOW = 90


class ChatView(MessageCursor, can_focus=True):
    """The scrollable chat. Follows new text only while scrolled to the bottom of the latest."""

    BINDINGS = [  # (↑/↓ move the selection: chat_cursor.py)
        Binding("g", "scroll_home", "Top", show=False),
        Binding("G", "scroll_end", "Bottom", show=False),
        Binding("escape", "screen.focus('composer')", show=False),
        Binding("question_mark", "screen.help", show=False),
    ]

    class OlderWanted(TMessage):
        """Scrolled to the top: the page before `before_id`, please."""

        def __init__(self, before_id: int) -> None:
            super().__init__()
            self.before_id = before_id

    class NewerWanted(TMessage):
        """Scrolled to the bottom of the window, newer messages unmounted: the page after
        `after_id`, please; with None, the latest page (G, End, the marker, sending)."""

        def __init__(self, after_id: int | None) -> None:
            super().__init__()
            self.after_id = after_id

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
        self._items: dict[int, MessageItem] = {}  # the mounted messages, by id
        self._history = list(history)
        # The oldest and newest read into the window (hidden ones too), the newest heard of.
        self._oldest_id: int | None = history[0].id if history else None
        self._newest_id: int | None = history[-1].id if history else None
        self._seen_id = self._newest_id or 0
        self.history_exhausted = exhausted
        self.at_latest = True  # the latest message is mounted (or there is none)
        self.loading_older = False
        self.loading_newer = False
        self._quiet = False  # moving the view ourselves: not the user asking for a page

    def compose(self) -> ComposeResult:
        # Rendered in their final look at once (bot replies as one widget each).
        today = self.today()
        items = [make_item(m, self.tz, today, history=True) for m in self._history if shown(m)]
        self._history = []
        if not items:
            yield Static(WELCOME, id="welcome", markup=False)
        for item in items:
            self._items[item.message.id] = item
            yield item

    def on_mount(self) -> None:
        self.anchor()
        self.call_after_refresh(self._fill)

    def _fill(self) -> None:
        """Messages shorter than the pane leave nothing to scroll up with: read older ones."""
        if not self.max_scroll_y:
            self.action_load_older()

    def today(self) -> date | None:
        """Messages from other days show their date too."""
        return self.now().astimezone(self.tz).date() if self.now else None

    async def _mount(self, *items: MessageItem, before: int | Widget | None = None) -> bool:
        """Mount `items`; False when Textual refuses because the app is quitting (a ctrl+q may
        come between the moment the chat is asked to show something and the mount)."""
        try:
            await self.mount_all(items, before=before)
        except MountError:
            return False
        return True

    async def _swap(self, old: MessageItem, new: MessageItem) -> None:
        # Quitting detaches the chat before a deferred swap runs: nothing to do.
        if not old.is_attached:
            return
        self._items[new.message.id] = self.mark(new)
        with self.app.batch_update():  # (no frame drawn in between)
            await self._mount(new, before=old)
            await self.drop([old])

    async def add(self, message: Message) -> MessageItem | None:
        """Show a new message, or the new state of one; a change to a message that is not
        mounted is left to the store (it is read again when scrolled to)."""
        if (old := self._items.get(message.id)) is not None:
            if not shown(message):
                return None
            if type(old) is item_class(message, history=old.FROM_HISTORY):
                await old.replace(message)
                return old
            new = make_item(message, self.tz, old.today, history=old.FROM_HISTORY)
            await self._swap(old, new)  # e.g. an answered approval card loses its buttons
            return new
        newest = self._newest_id or 0
        if not self.at_latest:
            if message.id > self._seen_id and shown(message):
                self._seen_id = message.id
                await self._marker(True)
            return None
        self._seen_id = max(self._seen_id, message.id)
        if not shown(message) or (message.id <= newest and message.id < (self._oldest_id or 0)):
            self._newest_id = max(newest, message.id)
            return None  # (hidden, or a change above the window)
        if message.id > newest and not self.following and len(self._items) >= WINDOW:
            self._leave_latest()  # the reader is far up: no more mounted below
            await self._marker(True)
            return None
        # In id order (another window's message may come late); "thinking…" stays last.
        mounted, following, height = self.mounted(), self.following, self.scrollable_size.height
        later = [i for i in mounted if i.message.id > message.id]
        top = reusable(mounted, message, height) if following and not later else None
        self._newest_id = max(newest, message.id)
        item: MessageItem
        if top is not None:  # shown again, at the bottom, for the new message
            self.show_again(item := top, message, self.today())
            self._oldest_id, self.history_exhausted = self.mounted()[0].message.id, False
        else:
            self._items[message.id] = item = make_item(message, self.tz, self.today())
            if (welcome := self.child("welcome")) is not None:
                await welcome.remove()
            self._oldest_id = self._oldest_id or message.id
            await self._mount(item, before=later[0] if later else self.child("thinking"))
        if following and len(self._items) > FOLLOWING:
            items = self.mounted()
            keep = kept_following([i.message for i in items], height)
            await self._unmount(items[: len(items) - keep], top=True)
        return item

    @property
    def following(self) -> bool:
        """The latest mounted, anchored, at the bottom (or a pane not full: scroll_y may be <0)."""
        bottom = self.max_scroll_y
        return self.at_latest and self.is_anchored and (not bottom or self.scroll_y >= bottom)

    # -- the window ----------------------------------------------------------------------------
    def _reading(self) -> tuple[MessageItem, float] | None:
        """The first message in view and how far below the top of the view it starts."""
        y = self.scroll_y
        for item in self.mounted():
            region = item.virtual_region
            if region.bottom > y:
                return item, region.y - y
        return None

    def _keep(self, reading: tuple[MessageItem, float] | None) -> None:
        """After the next layout, scroll so that `reading` is where it was."""

        def back() -> None:
            if reading is None or not reading[0].is_attached:
                return
            self._quiet = True
            try:
                y = reading[0].virtual_region.y - reading[1]
                self.scroll_to(y=y, animate=False, immediate=True)
            finally:
                self._quiet = False

        self.call_after_refresh(back)

    async def _unmount(self, items: list[MessageItem], *, top: bool) -> None:
        """Forget `items`, from the top or the bottom of the window."""
        if not items:
            return
        for item in items:
            self._items.pop(item.message.id, None)
        await self.drop(items)
        rest = self.mounted()
        if top:
            self.history_exhausted = False
            self._oldest_id = rest[0].message.id if rest else self._newest_id
        else:
            self._newest_id = rest[-1].message.id if rest else self._oldest_id
            self._leave_latest()

    def _leave_latest(self) -> None:
        self.at_latest = False
        super().anchor(False)  # the bottom of the window is not the latest: do not stick to it
        self.query("#thinking").set(display=False)

    async def _marker(self, on: bool) -> None:
        # Loaded on first use: most sessions never scroll far enough to need it.
        from dynaprompt_tui.tui.widgets.new_below import NewBelow

        marker = self.query(NewBelow)
        if not on:
            await marker.remove()
        elif not marker:
            with contextlib.suppress(MountError):  # (Textual refuses once the user has quit)
                await self.mount(NewBelow("↓ new messages below", id="new-below", markup=False))

    def on_new_below_pressed(self) -> None:  # NewBelow.Pressed (new_below.py)
        self.jump_to_latest()

    def jump_to_latest(self) -> None:
        """Show the latest messages: at once if mounted, else ask for the latest page."""
        if self.at_latest:
            super().anchor()
        elif not self.loading_newer:
            self.loading_newer = True
            self.post_message(self.NewerWanted(None))

    def anchor(self, anchor: bool = True) -> None:
        """Follow the latest message (sending, retrying): read it first if it is not mounted."""
        if anchor and not self.at_latest:
            self.jump_to_latest()
            return
        super().anchor(anchor)

    def action_scroll_end(self) -> None:
        if self.at_latest:
            super().action_scroll_end()
        else:
            self.jump_to_latest()

    def action_scroll_up(self) -> None:
        if self.scroll_y <= 0:  # already at the top: an up key asks for older messages
            self.action_load_older()
        super().action_scroll_up()

    def on_mouse_scroll_up(self, event: events.MouseScrollUp) -> None:
        if self.scroll_y <= 0:
            self.action_load_older()

    def _items_of(self, messages: list[Message]) -> list[MessageItem]:
        today = self.today()
        items = [
            make_item(m, self.tz, today, history=True)
            for m in messages
            if m.id not in self._items and shown(m)
        ]
        for item in items:
            self._items[item.message.id] = self.mark(item)
        return items

    async def prepend(self, messages: list[Message], *, exhausted: bool) -> None:
        """Insert an older page at the top, keeping what the user is looking at in place;
        beyond the window, the bottom is unmounted."""
        self.history_exhausted = exhausted
        self.loading_older = False
        if messages:
            self._oldest_id = min(self._oldest_id or messages[0].id, messages[0].id)
        if not (items := self._items_of(messages)):
            return
        reading, following = self._reading(), self.following
        first = self.mounted()
        if not await self._mount(*items, before=first[0] if first else self.child("thinking")):
            return
        if following and len(self._items) <= WINDOW:
            # Still following the latest (a short first screen filled from above): at the bottom.
            self.call_after_refresh(self.scroll_end, animate=False, immediate=True)
            return
        if len(self._items) > WINDOW:
            await self._unmount(self.mounted()[WINDOW:], top=False)
        self._keep(reading)

    async def append(self, messages: list[Message], *, latest: bool) -> None:
        """Add a newer page at the bottom (`latest`: it reaches the newest message), keeping
        what the user is looking at in place; beyond the window, the top is unmounted."""
        self.loading_newer = False
        messages = [m for m in messages if m.id > (self._newest_id or 0)]
        if messages:
            self._newest_id = messages[-1].id
            self._seen_id = max(self._seen_id, self._newest_id)
        reading = self._reading()
        items = self._items_of(messages)
        if items and not await self._mount(*items, before=self.child("thinking")):
            return
        if latest:
            self.at_latest = True
            self.query("#thinking").set(display=True)
            await self._marker(False)
        if len(self._items) > WINDOW:
            await self._unmount(self.mounted()[: len(self._items) - WINDOW], top=True)
        self._keep(reading)

    async def show_page(
        self,
        messages: list[Message],
        *,
        exhausted: bool,
        latest: bool = True,
        focus_id: int | None = None,
    ) -> None:
        """Replace the window with `messages`: the latest page, followed (G far up; another
        conversation), or a page of history scrolled to `focus_id`, selected (search)."""
        self.loading_newer = self.loading_older = False
        self.remove_class("-full")  # (a start-up class: app.tcss)
        old = [*self.mounted(), *self.query("#welcome")]
        self._items.clear()
        with self.app.batch_update():
            await self.drop(old)
            items = self._items_of(messages)
            if not items:
                await self.mount(Static(WELCOME, id="welcome", markup=False), before=0)
            elif not await self._mount(*items, before=self.child("thinking")):
                return
        self._oldest_id = messages[0].id if messages else None
        self._newest_id = messages[-1].id if messages else None
        self._seen_id = self._newest_id or 0
        self.history_exhausted = exhausted
        self.at_latest = latest
        self.query("#thinking").set(display=latest)
        await self._marker(not latest)
        if latest:
            super().anchor()
            self.call_after_refresh(self.scroll_end, animate=False, immediate=True)
            return
        super().anchor(False)
        target = self._items.get(focus_id) if focus_id is not None else None
        if target is not None:
            self.select(target, scroll=False)
            self._quiet = True  # (not the user asking for a page)

            def reveal() -> None:
                self.scroll_to_widget(target, animate=False, top=True, immediate=True)
                self.call_after_refresh(setattr, self, "_quiet", False)

            self.call_after_refresh(reveal)

    def watch_scroll_y(self, old: float, new: float) -> None:
        super().watch_scroll_y(old, new)
        if self._quiet:
            return
        bottom = self.max_scroll_y
        if new <= 0 < old and bottom:  # (not a layout that left nothing to scroll)
            self.action_load_older()
        if old < new >= bottom and not self.at_latest:
            self.load_newer()
        elif self.at_latest and not self.is_anchored and new >= bottom:
            super().anchor()  # back at the bottom of the latest: follow it again

    def load_newer(self) -> None:
        if not self.at_latest and not self.loading_newer:
            self.loading_newer = True
            self.post_message(self.NewerWanted(self._newest_id))

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
            line.display = self.at_latest  # (under the latest message only)
            # The last child, so a chat that follows the latest message shows it too.
            with contextlib.suppress(MountError):  # (Textual refuses once the user has quit)
                await self.mount(line)
