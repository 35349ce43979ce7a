"""The chat as it is written: adds and changes messages in the store and tells the listener, so
every collaborator that writes to the chat does it the same way (and none needs the facade); it
also repairs, at start-up, a bot reply that a crash left half-written."""

from __future__ import annotations

from typing import TYPE_CHECKING, Any, Protocol

from dynaprompt_tui.core.clock import Clock
from dynaprompt_tui.core.models import Message, Role
from dynaprompt_tui.core.storage.owners import owner_alive
from dynaprompt_tui.core.storage.store import Store

if TYPE_CHECKING:  # (annotations only: the engine is off the app's first frame)
    from dynaprompt_tui.core.scheduling.engine import Delivery


RECOVERY_WINDOW = 20  # newest messages searched for an interrupted reply (one turn at a time)


class ConversationListener(Protocol):
    """What the UI (or any other viewer) is told as the conversation changes."""

    def on_message(self, message: Message) -> None: ...
    def on_delta(self, message_id: int, text: str) -> None: ...
    def on_message_changed(self, message: Message) -> None: ...
    def on_schedules_changed(self) -> None: ...
    def on_delivery(self, delivery: Delivery) -> None: ...
    def on_status(self, text: str, severity: str) -> None: ...


class ElsewhereListener(Protocol):
    """A listener that also hears of other conversations than the one it shows (optional: a
    listener without the method is simply not told)."""

    def on_elsewhere(self, conversation_id: int, message: Message | None) -> None: ...


class SilentListener:
    """The listener while none is attached (tests, export, the command line)."""

    def on_message(self, message: Message) -> None:
        pass

    def on_delta(self, message_id: int, text: str) -> None:
        pass

    def on_message_changed(self, message: Message) -> None:
        pass

    def on_schedules_changed(self) -> None:
        pass

    def on_delivery(self, delivery: Delivery) -> None:
        pass

    def on_status(self, text: str, severity: str) -> None:
        pass


class Transcript:
    """Writes the chat: each change is stored, then told to `listener` (which may be replaced
    at any time, e.g. by the UI once it is mounted)."""

    def __init__(
        self, store: Store, clock: Clock, listener: ConversationListener | None = None
    ) -> None:
        self.store = store
        self.clock = clock
        self.listener: ConversationListener = listener or SilentListener()

    def record(self, role: Role, content: str, **kw: Any) -> Message:
        """Store a message without showing it (e.g. a bot turn made only of instructions)."""
        return self.store.add_message(role, content, now=self.clock.now(), **kw)

    def add(self, role: Role, content: str, **kw: Any) -> Message:
        message = self.record(role, content, **kw)
        self.listener.on_message(message)
        return message

    def change(self, message_id: int, **kw: Any) -> Message:
        message = self.store.update_message(message_id, **kw)
        self.listener.on_message_changed(message)
        return message

    def delta(self, message_id: int, text: str) -> None:
        """More streamed text for a message (stored once, when the stream ends)."""
        self.listener.on_delta(message_id, text)

    def notice(self, card: str, text: str, *, to_bot: bool = False, **meta: Any) -> Message:
        """An app card (scheduled, cancelled, error, limit...); `to_bot`: the model sees it."""
        return self.add(Role.NOTICE, text, meta={"card": card, "to_bot": to_bot, **meta})

    def recover_interrupted(self) -> list[Message]:
        """Bot replies left `streaming` by a crash or a kill (their writer's process is gone):
        each is marked interrupted, its text so far kept, and followed by an error offering
        Retry. Returns the errors."""
        errors = []
        before: Message | None = None
        for m in self.store.messages(limit=RECOVERY_WINDOW):
            before, previous = m, before
            writer = m.meta.get("writer")
            if (
                m.role is Role.ASSISTANT
                and m.meta.get("streaming")
                # Another window on the same database may be writing it right now.
                and (writer is None or not owner_alive(str(writer)))
            ):
                # A scheduled turn's retry counts against its schedule, as the first try did.
                sid = previous.schedule_id if previous and previous.role is Role.USER else None
                self.change(m.id, meta={"streaming": False, "partial": True, "interrupted": True})
                errors.append(
                    self.add(
                        Role.ERROR,
                        "the bot's reply was interrupted (the app stopped while it was writing)",
                        meta={"retryable": True, "schedule_id": sid, "kind": "interrupted"},
                    )
                )
        return errors
