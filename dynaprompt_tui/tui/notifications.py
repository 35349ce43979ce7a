"""Notifications from the app: a message that arrives while the terminal is not focused (Textual's
AppBlur/AppFocus) is told through the channels of the `[notify]` settings (the desktop, ntfy, a
webhook: docs/notifications.md), quiet hours applying. Once the window is focused again, what
quiet hours held is dropped: the user is reading the chat. A channel's first failure is a toast."""

from __future__ import annotations

from datetime import tzinfo
from typing import TYPE_CHECKING, Any

from dynaprompt_tui.core.notify.dispatch import Notifier, channels_for
from dynaprompt_tui.core.notify.listener import NotifyingListener

if TYPE_CHECKING:
    from textual.app import App

    from dynaprompt_tui.config import Settings
    from dynaprompt_tui.core.clock import Clock
    from dynaprompt_tui.core.conversation.facade import Conversation

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

    def attach(self, conversation: Conversation) -> None:
        """Put the notifications in front of the conversation's listener (none configured:
        nothing changes)."""
        if self.notifier.channels:
            conversation.listener = NotifyingListener(
                self.notifier, app=APP_NAME, inner=conversation.listener, active=self.away
            )

    def away(self) -> bool:
        """Whether the user is elsewhere: the terminal reported that it lost the focus."""
        return not self.app.app_focus

    def focused(self) -> None:
        self.notifier.forget_held()

    def _failed(self, line: str) -> None:
        channel = line.partition(" failed")[0]
        if channel not in self._told:  # once per channel and run, not at every message
            self._told.add(channel)
            self.app.notify(line, severity="warning", markup=False, timeout=8)

    async def aclose(self) -> None:
        await self.notifier.aclose(timeout=2.0)
