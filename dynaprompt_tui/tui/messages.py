"""Textual messages that carry the core's listener callbacks into the app's message queue.

`Bridge` implements the core's `ConversationListener` protocol. Each callback becomes a Textual
message posted to the app, so events are handled in order, after the current handler returns,
and a slow widget update never runs inside the core's own code.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

from textual.message import Message as TMessage

if TYPE_CHECKING:
    from textual.app import App

    from dynaprompt_tui.core.models import Message


@dataclass
class MessageAdded(TMessage):
    message: Message


@dataclass
class MessageDelta(TMessage):
    message_id: int
    text: str


@dataclass
class MessageChanged(TMessage):
    message: Message


class SchedulesChanged(TMessage):
    pass


@dataclass
class Delivered(TMessage):
    delivery: Any


@dataclass
class Status(TMessage):
    text: str
    severity: str


class Bridge:
    """The app's `ConversationListener`: turns callbacks into posted Textual messages."""

    def __init__(self, app: App) -> None:
        self._app = app

    def on_message(self, message: Message) -> None:
        self._app.post_message(MessageAdded(message))

    def on_delta(self, message_id: int, text: str) -> None:
        self._app.post_message(MessageDelta(message_id, text))

    def on_message_changed(self, message: Message) -> None:
        self._app.post_message(MessageChanged(message))

    def on_schedules_changed(self) -> None:
        self._app.post_message(SchedulesChanged())

    def on_delivery(self, delivery: Any) -> None:
        self._app.post_message(Delivered(delivery))

    def on_status(self, text: str, severity: str) -> None:
        self._app.post_message(Status(text, severity))
