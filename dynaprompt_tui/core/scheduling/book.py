"""`ScheduleBook`: the schedules' state changes, decided by the pure functions of transitions.py
and plan.py and saved by the store, each in one transaction on the row as it is then.

The store knows no rules (When) and no policy; this is where the two meet. Its methods are the
ones the store had before it was split, with the same signatures.
"""

from __future__ import annotations

from datetime import datetime, timedelta
from functools import partial
from typing import TYPE_CHECKING

from dynaprompt_tui.core.models import Fire, Message, MissedPolicy, Party, Schedule
from dynaprompt_tui.core.scheduling import transitions
from dynaprompt_tui.core.scheduling.plan import DeliveryPlan, plan_delivery
from dynaprompt_tui.core.storage import Store, StoreError

if TYPE_CHECKING:
    from dynaprompt_tui.core.scheduling.rules import When


class ScheduleBook:
    """Creates, changes and delivers the schedules of one store."""

    def __init__(self, store: Store) -> None:
        self.store = store

    def add_schedule(
        self,
        *,
        created_by: Party,
        recipient: Party,
        time_prompt: str,
        when: When,
        prompt: str,
        now: datetime,
        approved: bool = True,
        max_pending: int | None = None,
        on_missed: MissedPolicy = MissedPolicy.ONCE,
    ) -> Schedule:
        """A new pending schedule; StoreError if the rule would never fire, PendingLimitError
        if `created_by` has `max_pending` pending already (checked in the insert's transaction)."""
        next_fire = when.next_fire(now)
        if next_fire is None:
            raise StoreError(f"'{time_prompt}' is already past: it would never fire")
        return self.store.add_schedule(
            created_by=created_by,
            recipient=recipient,
            time_prompt=time_prompt,
            rule=when.to_dict(),
            tz=when.tz.key,
            recurring=when.recurring,
            description=when.description,
            prompt=prompt,
            next_fire=next_fire,
            now=now,
            approved=approved,
            max_pending=max_pending,
            on_missed=on_missed,
        )

    def cancel(self, schedule_id: str, *, now: datetime) -> Schedule:
        return self.store.change_schedule(schedule_id, transitions.cancelled, now=now)

    def pause(self, schedule_id: str, *, now: datetime) -> Schedule:
        return self.store.change_schedule(schedule_id, transitions.paused, now=now)

    def resume(self, schedule_id: str, *, now: datetime) -> Schedule:
        return self.store.change_schedule(
            schedule_id, partial(transitions.resumed, now=now), now=now
        )

    def approve(self, schedule_id: str, *, now: datetime) -> Schedule:
        return self.store.change_schedule(
            schedule_id, partial(transitions.approved, now=now), now=now
        )

    def edit(
        self,
        schedule_id: str,
        *,
        now: datetime,
        time_prompt: str | None = None,
        when: When | None = None,
        prompt: str | None = None,
    ) -> Schedule:
        change = partial(
            transitions.edited, now=now, time_prompt=time_prompt, when=when, prompt=prompt
        )
        return self.store.change_schedule(schedule_id, change, now=now)

    def set_missed_policy(
        self, schedule_id: str, policy: MissedPolicy, *, now: datetime
    ) -> Schedule:
        return self.store.change_schedule(
            schedule_id, partial(transitions.missed_policy, policy=policy), now=now
        )

    def record_failure(self, schedule_id: str, *, now: datetime, error: str) -> Schedule:
        """A delivery (or the turn it started) failed; three in a row pause the schedule."""
        return self.store.change_schedule(
            schedule_id, partial(transitions.failed, error=error), now=now
        )

    def record_success(self, schedule_id: str) -> None:
        self.store.change_schedule(schedule_id, transitions.succeeded, now=None)

    def deliver(
        self, fire: Fire, *, now: datetime, late_after: timedelta
    ) -> tuple[Message, Schedule]:
        """Deliver a claimed fire as plan_delivery decides; ClaimLostError if it is not ours."""

        def plan(schedule: Schedule) -> DeliveryPlan:
            return plan_delivery(schedule, fire.due_at, now, late_after)

        return self.store.deliver(fire, now=now, plan=plan)
