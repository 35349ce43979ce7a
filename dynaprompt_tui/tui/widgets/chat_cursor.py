"""The chat's selected message (the base of `ChatView`, chat.py): a cursor that ↑/↓ (k/j) move
message by message, scrolling it into view (a message taller than the view is scrolled through a
line at a time first); a click selects too. The keys for what can be done to it (copy, edit and
resend, regenerate, delete, open its schedule) post `ActionWanted`; the main screen carries them
out (screens/message_actions.py), as the command palette's entries do.

The selection is a message id: it survives pages loaded at either end and a message's widget
being swapped, and shows again when a message scrolled out of the window is read back in."""

from __future__ import annotations

import contextlib
from collections.abc import Sequence
from datetime import date

from textual import events
from textual.binding import Binding
from textual.css.query import NoMatches
from textual.message import Message as TMessage
from textual.widget import Widget

from dynaprompt_tui.core.models import Message, Role
from dynaprompt_tui.tui.widgets.anchored import AnchoredScroll
from dynaprompt_tui.tui.widgets.message import MessageItem, PlainMessage

SELECTED = "-selected"  # the class of the selected message's widget

# The actions a key may ask for, and the palette's too ("copy_reply": the last reply, whatever
# is selected).
ACTIONS = ("copy", "copy_reply", "edit", "regenerate", "delete", "schedule")


def schedule_of(message: Message) -> str | None:
    """The schedule behind a message: the one that delivered it, or the one a card is about."""
    sid = message.schedule_id or message.meta.get("schedule_id")
    return str(sid) if sid else None


def suits(action: str, message: Message) -> bool:
    """Whether `action` applies to `message` (edit: the user's own words; schedule: a message
    a schedule delivered, or a card about one)."""
    if action == "edit":
        return message.role is Role.USER
    if action == "schedule":
        return schedule_of(message) is not None
    if action in ("copy_reply", "regenerate"):
        return message.role in (Role.ASSISTANT, Role.ERROR)
    return True


class MessageCursor(AnchoredScroll):
    """A scrollable list of `MessageItem`s with one of them selected."""

    # (app.tcss gives some messages a background, which wins over a default one: the tint
    # shows on those, the background on the others.)
    DEFAULT_CSS = """
    MessageCursor > .msg.-selected {
        outline-right: tall $accent 40%;
    }
    MessageCursor:focus > .msg.-selected {
        background: $accent 15%;
        background-tint: $accent 15%;
        outline-right: tall $accent;
    }
    """

    BINDINGS = [
        Binding("up,k", "cursor(-1)", "Previous", show=False),
        Binding("down,j", "cursor(1)", "Next", show=False),
        Binding("y,c", "message('copy')", "Copy", id="chat.copy"),
        Binding("e", "message('edit')", "Edit", id="chat.edit"),
        Binding("r", "message('regenerate')", "Regenerate", id="chat.regenerate"),
        Binding("d,delete", "message('delete')", "Delete", id="chat.delete"),
        Binding("o", "message('schedule')", "Schedule", id="chat.schedule"),
    ]

    class ActionWanted(TMessage):
        """An action on a message: `selected` is the selected message (None: nothing is);
        the handler falls back to the latest message it suits (the palette)."""

        def __init__(self, action: str, selected: Message | None) -> None:
            super().__init__()
            self.action = action  # one of ACTIONS
            self.selected = selected

    _items: dict[int, MessageItem]  # the mounted messages, by id (kept by ChatView)
    at_latest: bool  # the latest message is mounted (ChatView)
    _selected_id: int | None = None
    _offered: frozenset[str] = frozenset()

    def mounted(self) -> list[MessageItem]:
        """The mounted messages, top to bottom."""
        return [c for c in self.children if isinstance(c, MessageItem)]

    async def drop(self, widgets: Sequence[Widget]) -> None:
        """Remove `widgets` and empty their line caches: Textual 8's StylesCache.get_inner_outer
        is an lru_cache(1024) keyed by the StylesCache, which keeps a removed widget's rendered
        lines alive for the next 1,024 widgets or so: most of what each message added to RSS."""
        await self.remove_children(widgets)
        for widget in widgets:
            widget.refresh()  # (clears its line cache; a removed widget is not painted again)

    def show_again(self, item: PlainMessage, message: Message, today: date | None) -> None:
        """`item`, the top message, shows `message` at the bottom (rows.reusable)."""
        del self._items[item.message.id]
        item.reuse(message, today)
        self._items[message.id] = item
        self.move_child(item, after=self.mounted()[-1])

    def child(self, id: str) -> Widget | None:
        """The child with this id ("thinking", "welcome"), if any: looked up, where a query
        would walk every mounted message (twice per message added, in a burst of them)."""
        with contextlib.suppress(NoMatches):
            return self.get_child_by_id(id)
        return None

    def item(self, message_id: int) -> MessageItem | None:
        return self._items.get(message_id)

    @property
    def count(self) -> int:
        """How many messages are mounted."""
        return len(self._items)

    # -- the selection -------------------------------------------------------------------
    @property
    def selected(self) -> MessageItem | None:
        """The selected message's widget, if it is mounted."""
        if self._selected_id is None:
            return None
        item = self._items.get(self._selected_id)
        return item if item is not None and item.is_attached else None

    @property
    def selected_message(self) -> Message | None:
        return item.message if (item := self.selected) is not None else None

    def mark(self, item: MessageItem) -> MessageItem:
        """`item`, a widget made for a message (read back in, swapped): selected if its
        message is."""
        item.set_class(item.message.id == self._selected_id, SELECTED)
        return item

    def select(self, item: MessageItem | None, *, scroll: bool = True) -> None:
        """Select `item` (None: nothing), scrolled into view unless `scroll` is False."""
        if (old := self.selected) is not None:
            old.remove_class(SELECTED)
        self._selected_id = item.message.id if item is not None else None
        if item is not None:
            item.add_class(SELECTED)
            if scroll:
                self.scroll_to_widget(item, animate=False, immediate=True)
        self._offer()

    def _shown_items(self) -> list[MessageItem]:
        return [i for i in self.mounted() if i.display]

    def _in_view(self, item: MessageItem) -> bool:
        region, top = item.virtual_region, self.scroll_y
        return region.height > 0 and region.bottom > top and region.y < top + self._view_height

    @property
    def _view_height(self) -> int:
        return self.scrollable_content_region.height

    def action_cursor(self, step: int) -> None:
        """Select the previous (-1) or next (1) message; the first move selects the last
        message in view. At an end of the window, the page beyond it is asked for: the next
        move goes on into it."""
        items = self._shown_items()
        current = self.selected
        if current is None or current not in items or not self._in_view(current):
            visible = [i for i in items if self._in_view(i)]
            if visible or items:
                self.select((visible or items)[-1])
            return
        # A message taller than the view is read through first, a line at a time.
        region, top = current.virtual_region, self.scroll_y
        if step > 0 and region.bottom > top + self._view_height:
            self.scroll_to(y=top + 1, animate=False, immediate=True)
            return
        if step < 0 and region.y < top:
            self.scroll_to(y=top - 1, animate=False, immediate=True)
            return
        index = items.index(current) + step
        if 0 <= index < len(items):
            self.select(items[index])
        elif step < 0:
            self.scroll_home(animate=False, immediate=True)
            self.action_load_older()
        else:
            self.scroll_end(animate=False, immediate=True)
            self.load_newer()

    def action_load_older(self) -> None:
        """Ask for the page before the window (ChatView)."""

    def load_newer(self) -> None:
        """Ask for the page after the window, if the latest is not mounted (ChatView)."""

    def on_click(self, event: events.Click) -> None:
        """A click on a message (its text, its header, a button on it) selects it."""
        for node in event.widget.ancestors_with_self if event.widget is not None else []:
            if node is self:
                return
            if isinstance(node, MessageItem):
                self.select(node, scroll=False)
                return

    def message_ids(self) -> list[int]:
        """The messages mounted (what live sync checks are still stored)."""
        return list(self._items)

    async def remove_messages(self, message_ids: list[int]) -> None:
        """Messages deleted from the store leave the chat; the selection moves on to the next
        message shown (the previous one at the bottom)."""
        items = self._shown_items()
        if (current := self.selected) is not None and current.message.id in message_ids:
            index = items.index(current) if current in items else 0
            after, before = items[index + 1 :], items[:index][::-1]
            rest = [i for i in after + before if i.message.id not in message_ids]
            self.select(rest[0] if rest else None, scroll=False)
        gone = [item for i in message_ids if (item := self._items.pop(i, None)) is not None]
        if gone:
            await self.drop(gone)

    # -- the keys ------------------------------------------------------------------------
    def last_exchange(self, message: Message) -> bool:
        """Whether `message` is the user's last message or comes after it (the last reply,
        its cards): what regenerating replaces. Known only while the latest is mounted."""
        if not self.at_latest:
            return False
        for item in reversed(self.mounted()):
            if item.message.role is Role.USER:
                return message.id >= item.message.id
        return True

    def _offers(self, action: str) -> bool:
        if action == "regenerate":  # the last reply, whatever is selected (a toast if not)
            return True
        m = self.selected_message
        return m is not None and suits(action, m)

    def _offer(self) -> None:
        """The footer shows the keys that apply to the selected message: rebuilt only when
        that set changes."""
        offered = frozenset(a for a in ACTIONS if self._offers(a))
        if offered != self._offered:
            self._offered = offered
            self.refresh_bindings()

    def check_action(self, action: str, parameters: tuple[object, ...]) -> bool | None:
        if action == "message" and parameters:
            return self._offers(str(parameters[0]))
        return True

    def action_message(self, action: str) -> None:
        self.post_message(self.ActionWanted(action, self.selected_message))
