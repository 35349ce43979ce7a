"""Textual messages that carry the core's listener callbacks into the main screen's message queue.

`Bridge` implements the core's `ConversationListener` protocol. Each callback becomes a Textual
message posted to the screen, so events are handled in order, after the current handler returns,
and a slow widget update never runs inside the core's own code. (Plain classes, not
dataclasses: generating a dataclass costs start-up time for nothing a message needs.)
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from textual.message import Message as TMessage

if TYPE_CHECKING:
    from textual.message_pump import MessagePump

    from dynaprompt_tui.core.models import Message


class _AboutMessage(TMessage):
    """An event about one chat message."""

    def __init__(self, message: Message) -> None:
        super().__init__()
        self.message = message


class MessageAdded(_AboutMessage):
    pass


class MessageDelta(TMessage):
    """New streamed text for a bot message. At most one is queued per message: later chunks
    join the queued one, so a fast stream (thousands of tokens/s) never floods the queue and
    keystrokes stay responsive. `text` takes everything accumulated so far."""

    def __init__(self, bridge: Bridge, message_id: int) -> None:
        super().__init__()
        self._bridge = bridge
        self.message_id = message_id

    @property
    def text(self) -> str:
        return self._bridge.take(self.message_id)


class MessageChanged(_AboutMessage):
    pass


class SchedulesChanged(TMessage):
    pass


class Delivered(TMessage):
    def __init__(self, delivery: Any) -> None:
        super().__init__()
        self.delivery = delivery


class Elsewhere(TMessage):
    """Something happened in a conversation that is not open: a message (an unread mark), or
    its title changed (`message` None). Also sent, `message` None, when another process changed
    something no message tells (a conversation deleted, read or renamed): the header is read
    again."""

    def __init__(self, conversation_id: int, message: Message | None) -> None:
        super().__init__()
        self.conversation_id = conversation_id
        self.message = message


class MessagesRemoved(TMessage):
    """Messages another process deleted (a message deleted, a reply regenerated)."""

    def __init__(self, message_ids: list[int]) -> None:
        super().__init__()
        self.message_ids = message_ids


class ConversationGone(TMessage):
    """The open conversation was deleted by another process (a window, the command line)."""

    def __init__(self, conversation_id: int) -> None:
        super().__init__()
        self.conversation_id = conversation_id


class Status(TMessage):
    def __init__(self, text: str, severity: str) -> None:
        super().__init__()
        self.text = text
        self.severity = severity


class Bridge:
    """A `ConversationListener` that turns callbacks into Textual messages posted to `target`."""

    def __init__(self, target: MessagePump) -> None:
        self._target = target
        self._pending: dict[int, list[str]] = {}  # streamed text not yet taken by the target

    def take(self, message_id: int) -> str:
        return "".join(self._pending.pop(message_id, ()))

    def on_message(self, message: Message) -> None:
        self._target.post_message(MessageAdded(message))

    def on_delta(self, message_id: int, text: str) -> None:
        chunks = self._pending.get(message_id)
        if chunks is not None:  # a MessageDelta is already queued; it will carry this too
            chunks.append(text)
            return
        self._pending[message_id] = [text]
        self._target.post_message(MessageDelta(self, message_id))

    def on_message_changed(self, message: Message) -> None:
        self._pending.pop(message.id, None)  # the final content replaces any unshown chunks
        self._target.post_message(MessageChanged(message))

    def on_schedules_changed(self) -> None:
        self._target.post_message(SchedulesChanged())

    def on_delivery(self, delivery: Any) -> None:
        self._target.post_message(Delivered(delivery))

    def on_status(self, text: str, severity: str) -> None:
        self._target.post_message(Status(text, severity))

    def on_elsewhere(self, conversation_id: int, message: Message | None) -> None:
        self._target.post_message(Elsewhere(conversation_id, message))
