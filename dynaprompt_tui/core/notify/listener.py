"""`NotifyingListener`: a conversation listener (the core's `ConversationListener` protocol)
that turns arriving messages into notifications and passes every event on to an inner listener.
The service and the app put it in front of their own listener; `active()` says whether to
notify now (the app: while its terminal is not focused)."""

from __future__ import annotations

import logging
from collections.abc import Callable
from typing import TYPE_CHECKING, Protocol

from dynaprompt_tui.core.models import Message
from dynaprompt_tui.core.notify.dispatch import Notifier
from dynaprompt_tui.core.notify.notification import arrived, from_message

if TYPE_CHECKING:
    from dynaprompt_tui.core.scheduling.engine import Delivery

log = logging.getLogger("dynaprompt_tui.notify")

REMEMBERED = 512  # message ids already notified, so a message is told once


class Listener(Protocol):
    """The core's ConversationListener, as this layer (below the conversation) sees it."""

    def on_message(self, message: Message) -> None: ...
    def on_delta(self, message_id: int, text: str) -> None: ...
    def on_message_changed(self, message: Message) -> None: ...
    def on_schedules_changed(self) -> None: ...
    def on_delivery(self, delivery: Delivery) -> None: ...
    def on_status(self, text: str, severity: str) -> None: ...


def _always() -> bool:
    return True


class NotifyingListener:
    def __init__(
        self,
        notifier: Notifier,
        *,
        app: str = "dynaprompt",
        inner: Listener | None = None,
        active: Callable[[], bool] = _always,
    ) -> None:
        self.notifier = notifier
        self.app = app
        self.inner = inner
        self.active = active
        self._told: dict[int, None] = {}  # insertion-ordered: the oldest is dropped first

    def _consider(self, message: Message) -> None:
        try:
            if message.id in self._told or not arrived(message) or not self.active():
                return
            self._told[message.id] = None
            if len(self._told) > REMEMBERED:
                del self._told[next(iter(self._told))]
            self.notifier.notify(from_message(message, self.app))
        except Exception as e:  # a notification never breaks the conversation
            log.warning("notification skipped: %s", e.__class__.__name__)

    def on_message(self, message: Message) -> None:
        if self.inner is not None:
            self.inner.on_message(message)
        self._consider(message)

    def on_delta(self, message_id: int, text: str) -> None:
        if self.inner is not None:
            self.inner.on_delta(message_id, text)

    def on_message_changed(self, message: Message) -> None:
        if self.inner is not None:
            self.inner.on_message_changed(message)
        self._consider(message)

    def on_schedules_changed(self) -> None:
        if self.inner is not None:
            self.inner.on_schedules_changed()

    def on_delivery(self, delivery: Delivery) -> None:
        if self.inner is not None:
            self.inner.on_delivery(delivery)
        self._consider(delivery.message)

    def on_status(self, text: str, severity: str) -> None:
        if self.inner is not None:
            self.inner.on_status(text, severity)
