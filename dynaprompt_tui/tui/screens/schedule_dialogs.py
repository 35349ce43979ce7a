"""The schedule dialogs the main screen opens (new or edit, confirm a cancel, confirm cancelling
all) and what the core is asked once the user answers (also for the keys that ask no question:
pause, resume, approve). Each is asked of the conversation the schedule belongs to (the sidebar
may list every conversation's). The dialogs load on first use."""

from __future__ import annotations

from collections.abc import Awaitable, Callable
from typing import TYPE_CHECKING, Any

from dynaprompt_tui.core.models import ScheduleState
from dynaprompt_tui.tui import toasts
from dynaprompt_tui.tui.widgets.safe import clean

if TYPE_CHECKING:
    from textual.widget import Widget

    from dynaprompt_tui.core.conversation.facade import Conversation
    from dynaprompt_tui.core.conversation.workspace import Workspace
    from dynaprompt_tui.core.models import Schedule
    from dynaprompt_tui.tui.screens.edit import ScheduleEdit

Guard = Callable[[Awaitable[Any], str], Awaitable[bool]]
"""Awaits a core call; False (and an error toast) if it failed."""


class ScheduleDialogs:
    """Opens the dialogs over `owner`'s app, asks `conversation`, reports with toasts."""

    def __init__(
        self,
        owner: Widget,
        conversation: Conversation,
        guard: Guard,
        workspace: Workspace | None = None,
    ) -> None:
        self.owner = owner
        self.conversation = conversation  # the open one: new schedules go there
        self.guard = guard
        self.workspace = workspace  # where another conversation's schedules are changed

    def of(self, schedule: Schedule) -> Conversation:
        """The conversation `schedule` belongs to (the open one when it is not known)."""
        c = self.conversation
        if self.workspace is None or schedule.conversation_id == c.id:
            return c
        try:
            return self.workspace.get(schedule.conversation_id)
        except Exception:  # deleted meanwhile: the open one says so when asked
            return c

    def edit(self, schedule: Schedule | None) -> None:
        """The schedule dialog: a new schedule (None), or an edit of `schedule`."""
        c = self.conversation if schedule is None else self.of(schedule)

        async def done(result: ScheduleEdit | None) -> None:
            if result is None:
                return

            async def save(r: ScheduleEdit) -> None:
                if r.schedule_id is None:
                    s = await c.create(
                        recipient=r.recipient, time_prompt=r.time_prompt, prompt=r.prompt
                    )
                else:
                    s = await c.edit(r.schedule_id, time_prompt=r.time_prompt, prompt=r.prompt)
                if s.on_missed != r.on_missed:  # the dialog's choice of what missed fires do
                    await c.set_missed_policy(s.id, r.on_missed)

            new = result.schedule_id is None
            await self.guard(
                save(result), "Creating the schedule" if new else "Saving the schedule"
            )

        if self._covered():
            return
        # A dialog: loaded on first use, off the start-up path.
        from dynaprompt_tui.tui.screens.edit import ScheduleEditScreen

        self.owner.app.push_screen(ScheduleEditScreen(c.check_edit, schedule), done)

    async def approve(self, s: Schedule) -> None:
        if s.approved:
            self.owner.notify(f"{s.id} does not need approval", markup=False)
        elif await self.guard(self.of(s).approve(s.id), "Approving"):
            self.owner.notify(f"Approved {s.id}", markup=False)

    async def toggle_pause(self, s: Schedule) -> None:
        c = self.of(s)
        if s.state == ScheduleState.PAUSED:
            if await self.guard(c.resume(s.id), "Resuming"):
                self.owner.notify(f"Resumed {s.id}", markup=False)
        elif await self.guard(c.pause(s.id), "Pausing"):
            self.owner.notify(f"Paused {s.id}", markup=False)

    def cancel(self, schedule: Schedule) -> None:
        """Asks, then cancels `schedule`."""

        async def answered(yes: bool | None) -> None:
            if yes and await self.guard(self.of(schedule).cancel(schedule.id), "Cancelling"):
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
        if self._covered():
            return
        # A dialog: loaded on first use, off the start-up path.
        from dynaprompt_tui.tui.screens.confirm import ConfirmScreen

        self.owner.app.push_screen(ConfirmScreen(question, yes=yes, no="Keep"), answered)

    def _covered(self) -> bool:
        """A dialog is already open: a second key press must not stack another on it."""
        return self.owner.app.screen is not self.owner
