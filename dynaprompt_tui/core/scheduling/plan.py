"""What a fire does, decided without I/O: who receives the message, whether it is late, which
missed fires it stands for, and the schedule's next fire. The store saves the plan (see
storage/fires.py); tests/core/test_plan.py tables the cases.

A fire found late (the app and the service were down when it was due) follows the schedule's
`on_missed` policy: ONCE delivers it late and coalesces the rule's other missed fires into it;
SKIP delivers nothing late and goes on at the next fire; EACH delivers every missed fire, late,
one message each (at most EACH_CAP of them: the older ones are coalesced into the first).
"""

from __future__ import annotations

from datetime import datetime, timedelta
from typing import TYPE_CHECKING, NamedTuple
from zoneinfo import ZoneInfo

from dynaprompt_tui.core.models import MissedPolicy, Party, Role, Schedule, ScheduleState

if TYPE_CHECKING:
    from dynaprompt_tui.core.scheduling.rules import When

MISSED_CAP = 1000  # counting missed recurring fires stops here (an every-minute rule, a long trip)
EACH_CAP = 24  # "deliver each missed" delivers at most this many messages for one absence


class DeliveryPlan(NamedTuple):
    """One delivery of a schedule, as the store writes it (the storage's PlannedDelivery)."""

    role: Role  # of the delivered message
    late: bool  # delivered more than `late_after` after its due time
    missed: int  # later fires that had also passed, coalesced into this delivery; 0: none
    state: ScheduleState  # the schedule's state afterwards
    next_fire: datetime | None  # and its next due time (None: it is done)
    deliver: bool = True  # False: the fire is skipped (on_missed=skip), no message written
    skipped: int = 0  # later fires that had also passed, skipped (on_missed=skip)


def rule_of(schedule: Schedule) -> When:
    """The schedule's rule, read back from its stored form."""
    # rules.py (When, a dataclass) is loaded when a rule is first read: listing needs none.
    from dynaprompt_tui.core.scheduling.rules import When

    return When.from_dict(schedule.rule, ZoneInfo(schedule.tz))


def delivered_role(created_by: Party, recipient: Party) -> Role:
    """How a fired message shows: to the chatbot it is a user turn; from the chatbot to the user,
    the bot speaking; from the user to the user, a reminder (no model call)."""
    if recipient == Party.CHATBOT:
        return Role.USER
    if created_by == Party.CHATBOT:
        return Role.ASSISTANT
    return Role.REMINDER


def plan_delivery(
    schedule: Schedule, due: datetime, now: datetime, late_after: timedelta
) -> DeliveryPlan:
    """Deliver `schedule`'s fire due at `due`, at `now`.

    A one-off is then done. A recurring rule goes on at its first fire after `due`; if that too
    has passed (the app was down), the schedule's `on_missed` policy decides: ONCE counts the
    missed fires into this one delivery and goes on at the first fire after `now`; SKIP skips
    them (and this fire too, if it is late); EACH goes on at the first missed fire, which the
    engine then finds due at once. A rule with no fire left is done.
    """
    late = now - due > late_after
    policy = MissedPolicy(schedule.on_missed)
    state = ScheduleState.FIRED
    missed = skipped = 0
    nxt: datetime | None = None
    if schedule.recurring:
        when = rule_of(schedule)
        first_after = when.next_fire(due)
        if first_after is not None and first_after <= now:
            passed = [t for t in when.next_fires(due, MISSED_CAP) if t <= now]
            if policy is MissedPolicy.EACH:
                # Each passed fire is delivered on its own; beyond the cap, the oldest are
                # coalesced into this one.
                missed = max(0, len(passed) - (EACH_CAP - 1))
                nxt = passed[missed] if missed < len(passed) else when.next_fire(now)
            else:
                # Coalesce (ONCE) or skip (SKIP): the fires missed while we were down.
                if policy is MissedPolicy.SKIP:
                    skipped = len(passed)
                else:
                    missed = len(passed)
                nxt = when.next_fire(now)
        else:
            nxt = first_after
        if nxt is not None:
            state = ScheduleState.PENDING
    return DeliveryPlan(
        role=delivered_role(schedule.created_by, schedule.recipient),
        late=late,
        missed=missed,
        state=state,
        next_fire=nxt,
        deliver=not (late and policy is MissedPolicy.SKIP),
        skipped=skipped,
    )
