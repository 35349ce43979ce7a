"""The scheduling policy as tables (after apscheduler's trigger tests): what a fire does
(plan_delivery) and every other change to a schedule (transitions), with no database."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from typing import Any

import pytest

from dynaprompt_tui.core.models import MissedPolicy, Party, Role, Schedule, ScheduleState
from dynaprompt_tui.core.scheduling import transitions as tr
from dynaprompt_tui.core.scheduling.plan import (
    EACH_CAP,
    MISSED_CAP,
    DeliveryPlan,
    delivered_role,
    plan_delivery,
    rule_of,
)
from dynaprompt_tui.core.scheduling.rules import When
from dynaprompt_tui.core.storage import StoreError

from .conftest import LONDON, T0, daily, once

LATE = timedelta(seconds=90)
H = timedelta(hours=1)
M = timedelta(minutes=1)
S = timedelta(seconds=1)
PENDING, PAUSED, FIRED = ScheduleState.PENDING, ScheduleState.PAUSED, ScheduleState.FIRED
CANCELLED, FAILED = ScheduleState.CANCELLED, ScheduleState.FAILED
D6 = datetime(2026, 3, 6, 9, 0, tzinfo=UTC)  # the first fire of daily(T0): 09:00 GMT next day
D = timedelta(days=1)


def every(seconds: int, **kw: Any) -> When:
    return When("every", LONDON, f"every {seconds}s", start=T0, seconds=seconds, anchor=T0, **kw)


def sched(when: When, **kw: Any) -> Schedule:
    """A schedule as the store would hand it over: the rule stored, due at its first fire."""
    fields: dict[str, Any] = {
        "id": "abcd",
        "created_by": Party.USER,
        "recipient": Party.USER,
        "time_prompt": when.description,
        "rule": when.to_dict(),
        "tz": when.tz.key,
        "prompt": "hello",
        "state": PENDING,
        "next_fire": when.next_fire(T0),
        "created_at": T0,
        "recurring": when.recurring,
        "description": when.description,
    }
    return Schedule(**(fields | kw))


# -- plan_delivery ------------------------------------------------------------------------------

# id: (schedule's rule, due, now, expected: late, missed, state, next fire)
# fmt: off
DELIVERIES = {
    "one-off on time":      (once(T0, H), T0 + H, T0 + H, False, 0, FIRED, None),
    "90 s: not late":       (once(T0, H), T0 + H, T0 + H + LATE, False, 0, FIRED, None),
    "91 s: late":           (once(T0, H), T0 + H, T0 + H + LATE + S, True, 0, FIRED, None),
    "one-off, hours late":  (once(T0, H), T0 + H, T0 + 9 * H, True, 0, FIRED, None),
    "daily on time":        (daily(T0), D6, D6, False, 0, PENDING, D6 + D),
    "daily late, the next not passed":
                            (daily(T0), D6, D6 + 12 * H, True, 0, PENDING, D6 + D),
    "daily, down 5 days: 4 missed, on from now":
                            (daily(T0), D6 + D, D6 + 5 * D + 2 * H, True, 4, PENDING, D6 + 6 * D),
    "every minute, down 90 min":
                            (every(60), T0 + 2 * M, T0 + 91 * M + 30 * S, True, 89, PENDING,
                             T0 + 92 * M),
    "the missed count stops at the cap":
                            (every(60), T0 + M, T0 + (MISSED_CAP + 501) * M, True, MISSED_CAP,
                             PENDING, T0 + (MISSED_CAP + 502) * M),
    "the next fire due exactly now is missed":
                            (every(60), T0 + M, T0 + 2 * M, False, 1, PENDING, T0 + 3 * M),
    "count reached":        (daily(T0, count=2), D6 + D, D6 + D, False, 0, FIRED, None),
    "count reached while down: missed, then done":
                            (every(60, count=3), T0 + M, T0 + 10 * M, True, 2, FIRED, None),
    "until passed: done":   (daily(T0, until=D6 + 3 * H), D6, D6, False, 0, FIRED, None),
}
# fmt: on


@pytest.mark.parametrize(
    ("when", "due", "now", "late", "missed", "state", "nxt"),
    DELIVERIES.values(),
    ids=DELIVERIES.keys(),
)
def test_plan_delivery(
    when: When,
    due: datetime,
    now: datetime,
    late: bool,
    missed: int,
    state: ScheduleState,
    nxt: datetime | None,
) -> None:
    plan = plan_delivery(sched(when, next_fire=due), due, now, LATE)
    assert plan == DeliveryPlan(Role.REMINDER, late, missed, state, nxt)


ONCE, SKIP, EACH = MissedPolicy.ONCE, MissedPolicy.SKIP, MissedPolicy.EACH

# id: (policy, rule, due, now, expected: deliver, late, missed, skipped, state, next fire)
# fmt: off
POLICIES = {
    "skip: a one-off on time is delivered":
        (SKIP, once(T0, H), T0 + H, T0 + H + LATE, True, False, 0, 0, FIRED, None),
    "skip: a one-off found late is not, and is done":
        (SKIP, once(T0, H), T0 + H, T0 + H + LATE + S, False, True, 0, 0, FIRED, None),
    "skip: daily late, the next not passed: skipped, goes on":
        (SKIP, daily(T0), D6, D6 + 12 * H, False, True, 0, 0, PENDING, D6 + D),
    "skip: down 5 days: all skipped, on from now":
        (SKIP, daily(T0), D6 + D, D6 + 5 * D + 2 * H, False, True, 0, 4, PENDING, D6 + 6 * D),
    "skip: on time, a later fire already passed: this one delivered, that one skipped":
        (SKIP, every(60), T0 + M, T0 + 2 * M, True, False, 0, 1, PENDING, T0 + 3 * M),
    "once (the default): down 5 days: one late delivery for 5":
        (ONCE, daily(T0), D6 + D, D6 + 5 * D + 2 * H, True, True, 4, 0, PENDING, D6 + 6 * D),
    "each: down 5 days: delivered, goes on at the first missed one":
        (EACH, daily(T0), D6 + D, D6 + 5 * D + 2 * H, True, True, 0, 0, PENDING, D6 + 2 * D),
    "each: the last missed one goes on at the next fire":
        (EACH, daily(T0), D6 + 5 * D, D6 + 5 * D + 2 * H, True, True, 0, 0, PENDING, D6 + 6 * D),
    "each: beyond the cap, the oldest coalesced into the first":
        (EACH, every(60), T0 + M, T0 + (EACH_CAP + 10) * M, True, True, 10, 0, PENDING,
         T0 + 12 * M),
    "each: a one-off is just late":
        (EACH, once(T0, H), T0 + H, T0 + 9 * H, True, True, 0, 0, FIRED, None),
    "each: count reached while down: the remaining fires, then done":
        (EACH, every(60, count=3), T0 + M, T0 + 10 * M, True, True, 0, 0, PENDING, T0 + 2 * M),
}
# fmt: on


@pytest.mark.parametrize(
    ("policy", "when", "due", "now", "deliver", "late", "missed", "skipped", "state", "nxt"),
    POLICIES.values(),
    ids=POLICIES.keys(),
)
def test_missed_fires_policy(
    policy: MissedPolicy,
    when: When,
    due: datetime,
    now: datetime,
    deliver: bool,
    late: bool,
    missed: int,
    skipped: int,
    state: ScheduleState,
    nxt: datetime | None,
) -> None:
    plan = plan_delivery(sched(when, next_fire=due, on_missed=policy), due, now, LATE)
    assert plan == DeliveryPlan(Role.REMINDER, late, missed, state, nxt, deliver, skipped)


def test_each_delivers_every_missed_fire_one_by_one() -> None:
    """Following the plans of EACH from the first missed fire: one delivery per fire, late,
    then the rule goes on after now."""
    when, now = daily(T0), D6 + 3 * D + 2 * H
    s, delivered = sched(when, next_fire=D6, on_missed=EACH), []
    while s.next_fire is not None and s.next_fire <= now:
        plan = plan_delivery(s, s.next_fire, now, LATE)
        delivered.append((s.next_fire, plan.late, plan.missed))
        s = s._replace(next_fire=plan.next_fire)
    assert delivered == [(D6 + k * D, True, 0) for k in range(4)]
    assert s.next_fire == D6 + 4 * D


@pytest.mark.parametrize(
    ("created_by", "recipient", "role"),
    [
        (Party.USER, Party.USER, Role.REMINDER),  # a reminder: no model call
        (Party.CHATBOT, Party.USER, Role.ASSISTANT),  # the bot speaking, as scheduled
        (Party.USER, Party.CHATBOT, Role.USER),  # a turn for the bot
        (Party.CHATBOT, Party.CHATBOT, Role.USER),
    ],
)
def test_who_receives_a_fired_message(created_by: Party, recipient: Party, role: Role) -> None:
    assert delivered_role(created_by, recipient) == role
    s = sched(once(T0, H), created_by=created_by, recipient=recipient)
    assert plan_delivery(s, T0 + H, T0 + H, LATE).role == role


def test_next_fire_is_in_the_rules_zone_and_the_rule_reads_back() -> None:
    s = sched(daily(T0))
    assert rule_of(s) == daily(T0)
    nxt = plan_delivery(s, D6, D6, LATE).next_fire
    assert nxt is not None and nxt.tzinfo == LONDON


# -- transitions --------------------------------------------------------------------------------

SAME = "unchanged"  # the function returns its argument itself: the store writes nothing
REFUSED = "refused"

STATE_CHANGES = [
    # (transition, state before, state after | SAME | REFUSED)
    (tr.cancelled, PENDING, CANCELLED),
    (tr.cancelled, PAUSED, CANCELLED),
    (tr.cancelled, CANCELLED, SAME),
    (tr.cancelled, FIRED, REFUSED),
    (tr.cancelled, FAILED, REFUSED),
    (tr.paused, PENDING, PAUSED),
    (tr.paused, PAUSED, SAME),
    (tr.paused, CANCELLED, REFUSED),
    (tr.paused, FIRED, REFUSED),
]


@pytest.mark.parametrize(("change", "before", "after"), STATE_CHANGES)
def test_cancel_and_pause(change: Any, before: ScheduleState, after: Any) -> None:
    s = sched(daily(T0), state=before)
    if after == REFUSED:
        with pytest.raises(StoreError, match=f"is {before.value}; only pending or paused"):
            change(s)
        return
    out = change(s)
    if after == SAME:
        assert out is s
    else:
        assert out == s._replace(state=after)


# id: (rule, state, next_fire before, now, expected state or SAME or REFUSED, next_fire)
# fmt: off
RESUMES = {
    "pending: unchanged":   (daily(T0), PENDING, D6, T0, SAME, None),
    "recurring: on from now, the paused days skipped":
                            (daily(T0), PAUSED, D6, T0 + 72 * H, PENDING, D6 + 3 * D),
    "recurring, resumed in time":
                            (daily(T0), PAUSED, D6, T0, PENDING, D6),
    "one-off keeps its due time: fires at once, late":
                            (once(T0, H), PAUSED, T0 + H, T0 + 5 * H, PENDING, T0 + H),
    "recurring that ended meanwhile":
                            (daily(T0, count=1), PAUSED, D6, D6 + H, FIRED, None),
    "one-off with no due time":
                            (once(T0, H), PAUSED, None, T0, FIRED, None),
    "cancelled: refused":   (daily(T0), CANCELLED, D6, T0, REFUSED, None),
    "fired: refused":       (once(T0, H), FIRED, None, T0, REFUSED, None),
}
# fmt: on


@pytest.mark.parametrize(
    ("when", "state", "before", "now", "after", "nxt"), RESUMES.values(), ids=RESUMES.keys()
)
def test_resume(
    when: When,
    state: ScheduleState,
    before: datetime | None,
    now: datetime,
    after: Any,
    nxt: datetime | None,
) -> None:
    s = sched(when, state=state, next_fire=before, failures=3, last_error="paused after 3 …")
    if after == REFUSED:
        with pytest.raises(StoreError, match=state.value):
            tr.resumed(s, now=now)
        return
    out = tr.resumed(s, now=now)
    if after == SAME:
        assert out is s
        return
    assert out == s._replace(state=after, next_fire=nxt, failures=0, last_error=None)


# id: (rule, state, next_fire before, now, expected state, next_fire)
# fmt: off
APPROVALS = {
    "recurring: the fires passed while waiting are skipped":
                            (daily(T0), PENDING, D6, T0 + 30 * H, PENDING, D6 + D),
    "recurring, approved in time":
                            (daily(T0), PENDING, D6, T0, PENDING, D6),
    "due exactly now: kept":
                            (daily(T0), PENDING, D6, D6, PENDING, D6),
    "recurring that ended meanwhile":
                            (daily(T0, count=1), PENDING, D6, D6 + H, FIRED, None),
    "one-off: kept":        (once(T0, H), PENDING, T0 + H, T0 + 2 * H, PENDING, T0 + H),
    "paused: kept for the resume":
                            (daily(T0), PAUSED, D6, T0 + 30 * H, PAUSED, D6),
    "cancelled: only approved":
                            (daily(T0), CANCELLED, D6, T0, CANCELLED, D6),
}
# fmt: on


@pytest.mark.parametrize(
    ("when", "state", "before", "now", "after", "nxt"), APPROVALS.values(), ids=APPROVALS.keys()
)
def test_approve(
    when: When,
    state: ScheduleState,
    before: datetime,
    now: datetime,
    after: ScheduleState,
    nxt: datetime | None,
) -> None:
    s = sched(when, state=state, next_fire=before, approved=False)
    out = tr.approved(s, now=now)
    assert out is not s  # always written, even when only `approved` changes
    assert out == s._replace(approved=True, state=after, next_fire=nxt)


def test_edit_text_and_time_prompt() -> None:
    s = sched(once(T0, H), failures=2, last_error="e")
    assert tr.edited(s, now=T0) is s
    assert tr.edited(s, now=T0, prompt="new") == s._replace(prompt="new")
    assert tr.edited(s, now=T0, time_prompt="at 11:15") == s._replace(time_prompt="at 11:15")
    # The same text is still an edit (the store writes the update time).
    assert tr.edited(s, now=T0, prompt="hello") is not s


def test_edit_rule_starts_afresh() -> None:
    s = sched(once(T0, H), state=PAUSED, failures=2, last_error="e")
    w = daily(T0, "18:30")
    out = tr.edited(s, now=T0, time_prompt="every day at 18:30", when=w)
    assert out == s._replace(
        time_prompt="every day at 18:30",
        rule=w.to_dict(),
        tz="Europe/London",
        recurring=True,
        description="every day at 18:30",
        next_fire=datetime(2026, 3, 5, 18, 30, tzinfo=UTC),
        failures=0,
        last_error=None,
    )
    assert out.state == PAUSED  # an edit does not resume


@pytest.mark.parametrize(
    ("time_prompt", "message"),
    [("yesterday", "'yesterday' is already past"), (None, "'then' is already past")],
)
def test_edit_to_a_past_time_is_refused(time_prompt: str | None, message: str) -> None:
    past = When("once", LONDON, "then", start=T0, at=T0 - H)
    with pytest.raises(StoreError, match=message):
        tr.edited(sched(once(T0, H)), now=T0, time_prompt=time_prompt, when=past)


@pytest.mark.parametrize("state", [FIRED, CANCELLED, FAILED])
def test_edit_of_a_finished_schedule_is_refused(state: ScheduleState) -> None:
    with pytest.raises(StoreError, match=state.value):
        tr.edited(sched(once(T0, H), state=state), now=T0, prompt="x")


FAILURES = [
    # (failures before, state before, expected failures, state, last_error)
    (0, PENDING, 1, PENDING, "boom"),
    (1, PENDING, 2, PENDING, "boom"),
    (2, PENDING, 3, PAUSED, "paused after 3 failed deliveries in a row; last error: boom"),
    (3, PENDING, 4, PAUSED, "paused after 4 failed deliveries in a row; last error: boom"),
    (2, PAUSED, 3, PAUSED, "boom"),  # (a turn failing after the user paused it)
    (5, FIRED, 6, FIRED, "boom"),
]


@pytest.mark.parametrize(("before", "state", "failures", "after", "error"), FAILURES)
def test_failures_in_a_row_pause(
    before: int, state: ScheduleState, failures: int, after: ScheduleState, error: str
) -> None:
    s = sched(every(60), state=state, failures=before, last_error="older")
    assert tr.failed(s, error="boom") == s._replace(
        failures=failures, state=after, last_error=error
    )


def test_success_ends_the_run_of_failures() -> None:
    s = sched(every(60))
    assert tr.succeeded(s) is s  # nothing to write in the common case
    flaky = s._replace(failures=2, last_error="boom")
    assert tr.succeeded(flaky) == flaky._replace(failures=0)
