"""The user's changes to schedules (create, edit, cancel, pause, approve...): a base class of the
`Conversation` facade, each change made through the `ScheduleBook`, then the engine woken and
the listener told (`schedules_changed`)."""

from __future__ import annotations

from collections.abc import Callable
from datetime import datetime
from functools import partial
from typing import TYPE_CHECKING, Any

from dynaprompt_tui.core.clock import Clock
from dynaprompt_tui.core.conversation.missed import split_missed
from dynaprompt_tui.core.conversation.transcript import Transcript
from dynaprompt_tui.core.models import Message, MissedPolicy, Party, Schedule, ScheduleState
from dynaprompt_tui.core.scheduling.book import ScheduleBook
from dynaprompt_tui.core.storage.store import Store, StoreError

if TYPE_CHECKING:  # (annotations only: these modules are off the app's first frame)
    from dynaprompt_tui.core.conversation.actions import Actions
    from dynaprompt_tui.core.conversation.drafts import EditCheck


class ScheduleChanges:
    """What the facade supplies to the changes below."""

    store: Store
    book: ScheduleBook
    clock: Clock
    transcript: Transcript

    @property
    def actions(self) -> Actions:
        raise NotImplementedError

    def now(self) -> datetime:
        raise NotImplementedError

    def check_edit(self, time_prompt: str, prompt: str) -> EditCheck:
        raise NotImplementedError

    def schedules_changed(self) -> None:
        raise NotImplementedError

    def notice(self, card: str, text: str, *, to_bot: bool = False, **meta: Any) -> Message:
        raise NotImplementedError

    def change(self, message_id: int, **kw: Any) -> Message:
        raise NotImplementedError

    async def create(self, *, recipient: Party, time_prompt: str, prompt: str) -> Schedule:
        # Deferred: the instruction parser is off the first frame.
        from dynaprompt_tui.core.conversation.actions import show
        from dynaprompt_tui.core.conversation.instructions import ScheduleInstruction

        result = self.actions.schedule(
            ScheduleInstruction(
                recipient, time_prompt, prompt, 1, f"dps {recipient} {time_prompt}"
            ),
            by=Party.USER,
        )
        show(self.transcript, result, to_bot=False)
        if not result.ok or result.schedule is None:
            raise StoreError(result.text)
        return result.schedule

    async def edit(self, schedule_id: str, *, time_prompt: str, prompt: str) -> Schedule:
        time_prompt, on_missed = split_missed(time_prompt)  # "(skip if missed)" at its end
        check = self.check_edit(time_prompt, prompt)
        if not check.ok:
            raise StoreError(check.error or "invalid")
        current = self.store.get_schedule(schedule_id)
        when = None
        if time_prompt.strip() != current.time_prompt:
            from dynaprompt_tui.core.timephrases.parse import parse_when  # deferred: the parser

            when = parse_when(time_prompt, self.now())
        s = self.book.edit(
            schedule_id,
            now=self.clock.now(),
            time_prompt=time_prompt.strip(),
            when=when,
            prompt=prompt,
        )
        if on_missed is not None:
            s = self.book.set_missed_policy(s.id, on_missed, now=self.clock.now())
        self.schedules_changed()
        return s

    async def set_missed_policy(self, schedule_id: str, policy: MissedPolicy) -> Schedule:
        return self._apply(partial(self.book.set_missed_policy, policy=policy), schedule_id)

    def _apply(self, change: Callable[..., Schedule], schedule_id: str) -> Schedule:
        """One state change of a schedule, then wake the engine and tell the UI."""
        s = change(schedule_id, now=self.clock.now())
        self.schedules_changed()
        return s

    async def cancel(self, schedule_id: str) -> Schedule:
        return self._apply(self.book.cancel, schedule_id)

    async def cancel_all(self) -> list[Schedule]:
        """Cancel every pending and paused schedule, the next to fire first; the listener is
        told once, after them all (also when one fails: its error is raised as is)."""
        now = self.clock.now()
        cancelled: list[Schedule] = []
        try:
            for s in self.store.schedules():
                cancelled.append(self.book.cancel(s.id, now=now))
        finally:
            if cancelled:
                self.schedules_changed()
        return cancelled

    async def pause(self, schedule_id: str) -> Schedule:
        return self._apply(self.book.pause, schedule_id)

    async def resume(self, schedule_id: str) -> Schedule:
        return self._apply(self.book.resume, schedule_id)

    async def toggle_pause(self, schedule_id: str) -> Schedule:
        s = self.store.get_schedule(schedule_id)
        if s.state is ScheduleState.PAUSED:
            return await self.resume(schedule_id)
        return await self.pause(schedule_id)

    async def approve(self, schedule_id: str) -> Schedule:
        s = self.book.approve(schedule_id, now=self.clock.now())
        self._settle_approval_card(schedule_id, "approved")
        self.schedules_changed()
        return s

    async def reject(self, schedule_id: str) -> Schedule:
        s = self.book.cancel(schedule_id, now=self.clock.now())
        self._settle_approval_card(schedule_id, "rejected")
        self.notice("cancelled", f"rejected the chatbot's recurring schedule {s.id}", to_bot=True)
        self.schedules_changed()
        return s

    def _settle_approval_card(self, schedule_id: str, outcome: str) -> None:
        for m in self.store.messages(limit=200):
            if m.meta.get("card") == "approval" and m.meta.get("schedule_id") == schedule_id:
                self.change(m.id, meta={"outcome": outcome})
