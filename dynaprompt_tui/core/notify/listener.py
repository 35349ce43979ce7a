"""`NotifyingListener`: a conversation listener (the core's `ConversationListener` protocol)
that turns arriving messages into notifications and passes every event on to an inner listener.
The service and the app put it in front of their own listener; `active()` says whether to
notify now (the app: while its terminal is not focused).

A notification names its conversation when the listener has a way to look titles up: `titles`,
or the workspace's `notification_title`, handed to `name_conversations` when the listener is
set (a database with one conversation names none). Messages of conversations other than the
open one arrive through `on_elsewhere` and `on_elsewhere_changed` (passed on to the inner
listener if it has them)."""

from __future__ import annotations

import logging
from collections.abc import Callable
from typing import TYPE_CHECKING, Any, Protocol

from dynaprompt_tui.core.models import Message
from dynaprompt_tui.core.notify.dispatch import Notifier
from dynaprompt_tui.core.notify.notification import arrived, from_message

if TYPE_CHECKING:
    from dynaprompt_tui.core.scheduling.engine import Delivery

log = logging.getLogger("dynaprompt_tui.notify")

Titles = Callable[[int], str | None]  # a conversation's id -> its title (None: unknown)

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
        titles: Titles | None = None,
    ) -> None:
        self.notifier = notifier
        self.app = app
        self.inner = inner
        self.active = active
        self.titles = titles
        self._told: dict[int, None] = {}  # insertion-ordered: the oldest is dropped first

    def name_conversations(self, titles: Titles) -> None:
        """Name each notification's conversation with `titles` (the workspace calls this)."""
        self.titles = titles
        self._pass("name_conversations", titles)

    def _pass(self, name: str, *args: Any) -> None:
        """An optional method of the inner listener, when it has it."""
        method = getattr(self.inner, name, None)
        if method is not None:
            method(*args)

    def _title(self, message: Message) -> str | None:
        if self.titles is None:
            return None
        try:
            return self.titles(message.conversation_id)
        except Exception as e:  # (a busy database): the notification goes without it
            log.info("no conversation title: %s", e.__class__.__name__)
            return None

    def _consider(self, message: Message) -> None:
        try:
            if message.id in self._told or not arrived(message) or not self.active():
                return
            self._told[message.id] = None
            if len(self._told) > REMEMBERED:
                del self._told[next(iter(self._told))]
            self.notifier.notify(from_message(message, self.app, self._title(message)))
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

    def on_elsewhere(self, conversation_id: int, message: Message | None) -> None:
        """A message in a conversation other than the open one (or its new title)."""
        self._pass("on_elsewhere", conversation_id, message)
        if message is not None:
            self._consider(message)

    def on_elsewhere_changed(self, conversation_id: int, message: Message) -> None:
        """A message changed in another conversation: a reply there has finished."""
        self._pass("on_elsewhere_changed", conversation_id, message)
        self._consider(message)
