"""The schedule dialogs the main screen opens (new or edit, confirm a cancel, confirm cancelling
all) and what the core is asked once the user answers. The dialogs load on first use."""

from __future__ import annotations

from collections.abc import Awaitable, Callable
from typing import TYPE_CHECKING, Any

from dynaprompt_tui.tui import toasts
from dynaprompt_tui.tui.widgets.safe import clean

if TYPE_CHECKING:
    from textual.widget import Widget

    from dynaprompt_tui.core.conversation.facade import Conversation
    from dynaprompt_tui.core.models import Schedule
    from dynaprompt_tui.tui.screens.edit import ScheduleEdit

Guard = Callable[[Awaitable[Any], str], Awaitable[bool]]
"""Awaits a core call; False (and an error toast) if it failed."""


class ScheduleDialogs:
    """Opens the dialogs over `owner`'s app, asks `conversation`, reports with toasts."""

    def __init__(self, owner: Widget, conversation: Conversation, guard: Guard) -> None:
        self.owner = owner
        self.conversation = conversation
        self.guard = guard

    def edit(self, schedule: Schedule | None) -> None:
        """The schedule dialog: a new schedule (None), or an edit of `schedule`."""
        c = self.conversation

        async def done(result: ScheduleEdit | None) -> None:
            if result is None:
                return
            if result.schedule_id is None:
                work = c.create(
                    recipient=result.recipient, time_prompt=result.time_prompt, prompt=result.prompt
                )
                await self.guard(work, "Creating the schedule")
            else:
                work = c.edit(
                    result.schedule_id, time_prompt=result.time_prompt, prompt=result.prompt
                )
                await self.guard(work, "Saving the schedule")

        # A dialog: loaded on first use, off the start-up path.
        from dynaprompt_tui.tui.screens.edit import ScheduleEditScreen

        self.owner.app.push_screen(ScheduleEditScreen(c.check_edit, schedule), done)

    def cancel(self, schedule: Schedule) -> None:
        """Asks, then cancels `schedule`."""

        async def answered(yes: bool | None) -> None:
            if yes and await self.guard(self.conversation.cancel(schedule.id), "Cancelling"):
                self.owner.notify(f"Cancelled {schedule.id}", markup=False)

        prompt = clean(" ".join(schedule.prompt.split()))[:80]
        self._confirm(f"Cancel schedule {schedule.id}?\n“{prompt}”", "Cancel it", answered)

    def cancel_all(self, count: int) -> None:
        """Asks, then cancels every pending schedule (`count` of them, as the question says)."""

        async def answered(yes: bool | None) -> None:
            cancelled: list[Schedule] = []

            async def cancel_all() -> None:
                cancelled.extend(await self.conversation.cancel_all())

            if yes and await self.guard(cancel_all(), "Cancelling"):
                self.owner.notify(f"Cancelled {toasts.schedules(len(cancelled))}")

        self._confirm(f"Cancel all {toasts.schedules(count)}?", "Cancel all", answered)

    def _confirm(
        self, question: str, yes: str, answered: Callable[[bool | None], Awaitable[None]]
    ) -> None:
        # A dialog: loaded on first use, off the start-up path.
        from dynaprompt_tui.tui.screens.confirm import ConfirmScreen

        self.owner.app.push_screen(ConfirmScreen(question, yes=yes, no="Keep"), answered)
