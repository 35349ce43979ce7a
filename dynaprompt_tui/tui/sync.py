"""Live sync: the window shows what other processes wrote to the database (a fire delivered by
the service, a bot reply it streamed, a schedule added from a second window or the command line).

A slow timer asks the store whether another connection committed (`PRAGMA data_version`: one
read of the WAL index, never blocking the UI thread) and only then reads what is new. What it
finds goes down the path the core's own events take: the conversation's listener (the Bridge
posts `MessageAdded`, `MessageChanged`; not the notifications: the process that wrote a message
tells the user about it), and `schedules_changed` (the sidebar; it also wakes this process's
engine). Messages the window shows that were deleted leave it (`MessagesRemoved`), a
deleted open conversation gives way to another (`ConversationGone`), and any other change
reads the header again (`on_elsewhere` without a message). No busy loop: idle, one
cheap query per tick (benchmarks/bench_sync.py measures the latency and the idle CPU).
"""

from __future__ import annotations

import logging
from collections.abc import Callable
from typing import TYPE_CHECKING, NamedTuple

from dynaprompt_tui.core.models import Message
from dynaprompt_tui.tui import messages as ev

if TYPE_CHECKING:
    from textual.message_pump import MessagePump
    from textual.timer import Timer

    from dynaprompt_tui.core.conversation.facade import Conversation
    from dynaprompt_tui.core.conversation.transcript import ConversationListener
    from dynaprompt_tui.core.storage.changes import Changes, SyncPoint

log = logging.getLogger(__name__)

INTERVAL = 0.5  # seconds between checks: what another process wrote shows within ~0.5 s


class SyncedDelivery(NamedTuple):
    """A fire another process delivered, as the delivery toast reads it (its message, late)."""

    message: Message
    late: bool


class LiveSync:
    """Tells the conversation's listener what other processes wrote; the timer runs on
    `target` (the main screen), so it ends with it."""

    def __init__(
        self,
        conversation: Conversation,
        target: MessagePump,
        *,
        listener: ConversationListener | None = None,
        shown: Callable[[], list[int]] = list,
    ) -> None:
        self.conversation = conversation
        self.target = target
        # Where what others wrote goes: the window's own listener (the Bridge), not the
        # notifications in front of it: a message is notified by the process that wrote it.
        self.listener = listener
        self.shown = shown  # the messages the window shows: told if another process deletes them
        # Taken now, before the screen reads the history: anything written after it is new.
        self.point: SyncPoint | None = self._try_point()
        self.timer: Timer | None = None

    def _try_point(self) -> SyncPoint | None:
        try:
            return self.conversation.store.sync_point()
        except Exception:  # a locked or broken database: the next tick tries again
            log.exception("live sync: reading the sync point failed")
            return None

    def _shown(self) -> list[int]:
        try:
            return self.shown()
        except Exception:  # (the screen is going: its chat is gone)
            return []

    def start(self, interval: float = INTERVAL) -> None:
        if self.timer is None:
            self.timer = self.target.set_interval(interval, self.check, name="live-sync")

    def stop(self) -> None:
        if self.timer is not None:
            self.timer.stop()
            self.timer = None

    def check(self) -> Changes | None:
        """One tick: what others wrote since the last one, posted to the target."""
        if self.point is None:
            self.point = self._try_point()
            return None
        here = self.conversation.id  # the open conversation (the screen replaces it on a switch)
        try:
            changes = self.conversation.store.changes_since(
                self.point, shown=self._shown(), conversation_id=here
            )
        except Exception:
            log.exception("live sync: reading the changes failed")
            return None
        if changes is None:
            return None
        self.point = changes.point
        if changes.conversation_gone:  # (what else it says is of a conversation left behind)
            self.target.post_message(ev.ConversationGone(here))
            return changes
        listener = self.listener or self.conversation.listener  # as the core's events go
        if changes.removed:
            self.target.post_message(ev.MessagesRemoved(list(changes.removed)))
        elsewhere = getattr(listener, "on_elsewhere", None)
        told_elsewhere = False
        for message in changes.added:
            if message.conversation_id != here:
                if elsewhere is not None:
                    elsewhere(message.conversation_id, message)
                    told_elsewhere = True
                continue
            listener.on_message(message)
            if message.schedule_id and "fire_id" in message.meta:  # a fire: the toast, the bell
                self.target.post_message(ev.Delivered(SyncedDelivery(message, message.late)))
        for message in changes.changed:
            if message.conversation_id == here:
                listener.on_message_changed(message)
        if changes.schedules_changed:
            self.conversation.schedules_changed()  # the sidebar, and our engine's next sleep
        if elsewhere is not None and not told_elsewhere:
            # Another process wrote something no message here tells: a conversation deleted,
            # read, archived or renamed there. The header's title and unread count are read
            # again (two indexed queries, at most once a tick while others write).
            elsewhere(here, None)
        return changes
