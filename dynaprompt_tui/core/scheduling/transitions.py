"""Every change to a schedule other than a delivery, as a pure function from the schedule as
stored to the schedule as it should be saved (ScheduleBook has the store save it).

A function returns its argument itself when nothing is to change (the store then writes
nothing), and raises StoreError, with a message fit for the user, when the change is refused.
"""

from __future__ import annotations

from datetime import datetime
from typing import TYPE_CHECKING

from dynaprompt_tui.core.models import MissedPolicy, Schedule, ScheduleState
from dynaprompt_tui.core.scheduling.plan import rule_of
from dynaprompt_tui.core.storage import StoreError

if TYPE_CHECKING:
    from dynaprompt_tui.core.scheduling.rules import When

MAX_FAILURES = 3  # consecutive failed deliveries that pause a schedule
ACTIVE = (ScheduleState.PENDING, ScheduleState.PAUSED)


def not_active(s: Schedule) -> StoreError:
    return StoreError(f"schedule {s.id} is {s.state.value}; only pending or paused ones change")


def cancelled(s: Schedule) -> Schedule:
    if s.state == ScheduleState.CANCELLED:
        return s
    if s.state not in ACTIVE:
        raise not_active(s)
    return s._replace(state=ScheduleState.CANCELLED)


def paused(s: Schedule) -> Schedule:
    if s.state == ScheduleState.PAUSED:
        return s
    if s.state != ScheduleState.PENDING:
        raise not_active(s)
    return s._replace(state=ScheduleState.PAUSED)


def resumed(s: Schedule, *, now: datetime) -> Schedule:
    """A recurring rule goes on from `now` (the paused fires are skipped, not caught up); a
    one-off missed while paused keeps its due time, so it fires at once, marked late."""
    if s.state == ScheduleState.PENDING:
        return s
    if s.state != ScheduleState.PAUSED:
        raise not_active(s)
    nxt = rule_of(s).next_fire(now) if s.recurring else s.next_fire
    return s._replace(
        state=ScheduleState.PENDING if nxt else ScheduleState.FIRED,
        next_fire=nxt,
        failures=0,
        last_error=None,
    )


def approved(s: Schedule, *, now: datetime) -> Schedule:
    """Approved; fires of a recurring rule that passed while it awaited approval were never
    agreed to, so they are skipped."""
    out = s._replace(approved=True)
    if s.recurring and s.state == ScheduleState.PENDING and s.next_fire and s.next_fire < now:
        nxt = rule_of(s).next_fire(now)
        out = out._replace(next_fire=nxt)
        if nxt is None:
            out = out._replace(state=ScheduleState.FIRED)
    return out


def edited(
    s: Schedule,
    *,
    now: datetime,
    time_prompt: str | None = None,
    when: When | None = None,
    prompt: str | None = None,
) -> Schedule:
    """A new text, time prompt or rule; a new rule starts afresh from `now` (failures forgotten)
    and is refused when it would never fire."""
    if s.state not in ACTIVE:
        raise not_active(s)
    if time_prompt is None and when is None and prompt is None:
        return s
    out = s
    if time_prompt is not None:
        out = out._replace(time_prompt=time_prompt)
    if prompt is not None:
        out = out._replace(prompt=prompt)
    if when is not None:
        nxt = when.next_fire(now)
        if nxt is None:
            raise StoreError(
                f"'{time_prompt or when.description}' is already past: it would never fire"
            )
        out = out._replace(
            rule=when.to_dict(),
            tz=when.tz.key,
            recurring=when.recurring,
            description=when.description,
            next_fire=nxt,
            failures=0,
            last_error=None,
        )
    return out


def failed(s: Schedule, *, error: str) -> Schedule:
    """One more failed delivery; the MAX_FAILURES-th in a row pauses a pending schedule."""
    failures = s.failures + 1
    if failures >= MAX_FAILURES and s.state == ScheduleState.PENDING:
        return s._replace(
            failures=failures,
            state=ScheduleState.PAUSED,
            last_error=f"paused after {failures} failed deliveries in a row; last error: {error}",
        )
    return s._replace(failures=failures, last_error=error)


def succeeded(s: Schedule) -> Schedule:
    """A delivery went through: the run of failures ends (last_error stays, for the record)."""
    return s._replace(failures=0) if s.failures else s


def missed_policy(s: Schedule, *, policy: MissedPolicy) -> Schedule:
    """What the schedule's fires found late do from now on (see plan.py)."""
    if s.on_missed == policy:
        return s
    if s.state not in (ScheduleState.PENDING, ScheduleState.PAUSED):
        raise not_active(s)
    return s._replace(on_missed=MissedPolicy(policy))
