"""Notifications from the app: a message that arrives while the terminal is not focused (Textual's
AppBlur/AppFocus) is told through the channels of the `[notify]` settings (the desktop, ntfy, a
webhook: docs/notifications.md), quiet hours applying. Once the window is focused again, what
quiet hours held is dropped: the user is reading the chat. A channel's first failure is a toast."""

from __future__ import annotations

import contextlib
from collections.abc import Callable
from datetime import tzinfo
from typing import TYPE_CHECKING, Any

from dynaprompt_tui.core.notify import presence
from dynaprompt_tui.core.notify.dispatch import Notifier, channels_for
from dynaprompt_tui.core.notify.listener import NotifyingListener
from dynaprompt_tui.core.storage.owners import default_owner

if TYPE_CHECKING:
    from textual.app import App

    from dynaprompt_tui.config import Settings
    from dynaprompt_tui.core.clock import Clock
    from dynaprompt_tui.core.conversation.facade import Conversation
    from dynaprompt_tui.core.storage import Store

APP_NAME = "dynaprompt"


class TerminalNotifications:
    def __init__(self, app: App[Any], settings: Settings, clock: Clock, zone: tzinfo) -> None:
        self.app = app
        self.notifier = Notifier(
            channels_for(settings.notify, APP_NAME),
            clock=clock,
            zone=zone,
            quiet_hours=settings.notify.quiet_hours,
            on_failure=self._failed,
        )
        self._told: set[str] = set()  # channels whose failure the user has seen
        self._store: Store | None = None
        self._owner = default_owner()  # this window, in the database's list of windows

    def attach(self, conversation: Conversation) -> None:
        """Put the notifications in front of the conversation's listener (none configured:
        nothing changes)."""
        self._store = conversation.store
        if self.notifier.channels:
            conversation.listener = NotifyingListener(
                self.notifier, app=APP_NAME, inner=conversation.listener, active=self.away
            )

    def away(self) -> bool:
        """Whether the user is elsewhere: the terminal reported that it lost the focus."""
        return not self.app.app_focus

    def focused(self) -> None:
        self.notifier.forget_held()

    def record_focus(self, focused: bool) -> None:
        """Tell the database whether this window has the focus, so that a background service
        notifies only while no window does (written off the event loop; never fails the app)."""
        self._in_thread(lambda store: presence.record(store, self._owner, focused=focused))

    def leave(self) -> None:
        """This window closes: it no longer has anyone's attention."""
        if self._store is not None:
            with contextlib.suppress(Exception):
                presence.forget(self._store, self._owner)

    def _in_thread(self, write: Callable[[Store], None]) -> None:
        store = self._store
        if store is None:
            return

        def run() -> None:
            with contextlib.suppress(Exception):  # a busy or read-only database: no record
                write(store)

        self.app.run_worker(run, thread=True, group="presence", exit_on_error=False)

    def _failed(self, line: str) -> None:
        channel = line.partition(" failed")[0]
        if channel not in self._told:  # once per channel and run, not at every message
            self._told.add(channel)
            self.app.notify(line, severity="warning", markup=False, timeout=8)

    async def aclose(self) -> None:
        await self.notifier.aclose(timeout=2.0)
