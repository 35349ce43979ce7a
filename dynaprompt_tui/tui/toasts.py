"""The wording of the toasts that tell of things happening out of sight: a scheduled message
delivered, a status from the core, the outcome of a schedule action; and the sweep that keeps
Textual's toasts from piling up."""

from __future__ import annotations

import weakref
from collections.abc import Callable
from datetime import datetime
from typing import TYPE_CHECKING, Literal

from textual.widget import Widget

from dynaprompt_tui.core.models import Role
from dynaprompt_tui.tui.widgets.safe import clean

if TYPE_CHECKING:
    from textual.screen import Screen
    from textual.worker import Worker

    from dynaprompt_tui.core.clock import Clock
    from dynaprompt_tui.core.scheduling.engine import Delivery  # (the engine starts later)

Severity = Literal["information", "warning", "error"]

_DELIVERED = {
    Role.REMINDER: "Reminder",
    Role.USER: "Scheduled message sent to the chatbot",
    Role.ASSISTANT: "Scheduled message from the bot",
}


def delivered(delivery: Delivery) -> str:
    """What was delivered, its first words, and whether it came late (the laptop slept)."""
    message = delivery.message
    text = _DELIVERED.get(message.role, "Scheduled message delivered")
    first = " ".join(message.content.split())[:60]
    if first:
        text += f": {first}"
    if delivery.late:
        text += " (late)"
    return clean(text)


def delivered_together(deliveries: list[Delivery]) -> str:
    """Several deliveries in one toast: how many, and the latest as `delivered` says it."""
    return clean(f"{len(deliveries)} scheduled messages · the latest: {delivered(deliveries[-1])}")


BURST = 1.0  # s: deliveries closer together than this share a toast (`DeliveryToasts.burst`)
HOLD = "delivery-toasts"  # the worker group of the wait before the held deliveries are told


class DeliveryToasts:
    """The toasts (and the bell) for scheduled messages delivered into the open conversation.

    A delivery on its own is toasted at once. Those that follow it within `burst` seconds (by
    the app's clock) are held and told in one toast when that time is up, and so on while
    they keep coming: a burst of a hundred fires is two toasts and two bells, not a hundred of
    each stacked over the chat, each of them widgets to lay out while the messages land.
    The wait is the app's clock's `sleep` (in a worker), so a test's clock moves it too.

    No toast while `in_view()`: the message lands where the user is looking (the chat follows
    the latest), and a toast over it would only repeat it; the bell rings all the same. (Each
    toast is widgets that Textual's caches keep a while: a session of reminders grew 4 MiB
    less over 3,000 fires without them, bench_app.py's session.)"""

    def __init__(self, owner: Widget, clock: Clock, *, bell: bool) -> None:
        self.owner = owner
        self.now = clock.now
        self.sleep = clock.sleep
        self.bell = bell  # whether each toast rings the terminal's bell too
        self.burst = BURST
        self._held: list[Delivery] = []
        self._last: datetime | None = None  # the last toast's time
        self._waiting: Worker[None] | None = None  # until the held ones are told
        self.in_view: Callable[[], bool] = lambda: False  # the messages in sight: no toast

    def add(self, delivery: Delivery) -> None:
        now = self.now()
        if self._waiting is not None and self._last is not None:
            if (now - self._last).total_seconds() < self.burst:
                self._held.append(delivery)
                return
            self._waiting.cancel()
            self._flush()  # (what was held first, then this one)
        self._show([delivery])

    def _show(self, deliveries: list[Delivery]) -> None:
        if not self.in_view():
            one = len(deliveries) == 1
            text = delivered(deliveries[0]) if one else delivered_together(deliveries)
            self.owner.notify(text, title="⏰ Scheduled", markup=False)
        if self.bell:
            self.owner.app.bell()
        self._last = self.now()
        self._waiting = self.owner.run_worker(self._wait(), group=HOLD)

    async def _wait(self) -> None:
        await self.sleep(self.burst)
        self._flush()

    def _flush(self) -> None:
        self._waiting = None
        held, self._held = self._held, []
        if held:
            self._show(held)


_SEVERITIES: dict[str, Severity] = {"warning": "warning", "error": "error"}


def severity(name: str) -> Severity:
    """The core's severity as a toast's; anything unknown is information."""
    return _SEVERITIES.get(name, "information")


def schedules(n: int) -> str:
    """`1 schedule`, `2 schedules`."""
    return f"{n} schedule{'s' * (n != 1)}"


def failed(what: str, error: Exception) -> str:
    """A failed core call, as an error toast says it."""
    return clean(f"{what} failed: {error}")


RACK = "textual-toastrack"  # the id Textual gives a screen's toast rack


class ToastSweeper:
    """Keeps Textual's toasts from piling up in memory; `sweep` after each notification.

    - Textual 8.2.8 wraps each toast in a holder in its toast rack. When a notification expires
      a moment before its toast's own timer (the toast starts timing when it is mounted), the
      next refresh of the rack removes the stale toast but not its holder: with a reminder
      every few seconds most holders stayed, and every later toast laid out the whole pile.
      A mounted holder with nothing in it is removed.
    - A removed toast's rendered lines stay alive in Textual's styles cache for the next 1,024
      widgets or so (as a chat message's do: chat_cursor.py `drop`): the toasts and holders
      seen in the rack are refreshed once they are gone, which lets their lines go.
    Together, ~60 KiB per toast that stayed in a long session (bench_app.py's session)."""

    def __init__(self) -> None:
        self._seen: weakref.WeakSet[Widget] = weakref.WeakSet()

    def sweep(self, screen: Screen[object]) -> None:
        for widget in list(self._seen):
            if not widget.is_attached:
                widget.refresh()  # (not painted again: its line cache is emptied)
                self._seen.discard(widget)
        # (Textual's queries skip its own system widgets: the rack is found by its id.)
        for rack in screen.children:
            if rack.id != RACK:
                continue
            for holder in rack.children:
                # (Mounted: its toast, made with it, is mounted by then: it was taken away.)
                if holder.is_mounted and not holder.children:
                    holder.remove()
                    self._seen.add(holder)
                else:
                    self._seen.update([holder, *holder.children])
