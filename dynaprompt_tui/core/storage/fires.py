"""The `fires` table, the log of deliveries, and the transactions that make each one happen once.

A fire row per (schedule, due time), unique by the schema, is inserted under BEGIN IMMEDIATE
(`claim`); `deliver` then writes the message, the fire and the schedule in one transaction that
first checks the claim is still ours. What a delivery writes (who receives it, the next fire) is
a plan handed in by the caller and evaluated inside that transaction, on the row as it is then.
"""

from __future__ import annotations

import sqlite3
from collections.abc import Callable
from datetime import datetime, timedelta
from typing import Any, Protocol

from dynaprompt_tui.core.models import Fire, Message, Outcome, Role, Schedule, ScheduleState
from dynaprompt_tui.core.storage import messages, schedules
from dynaprompt_tui.core.storage.codec import (
    FIRE_COLUMNS,
    SCHEDULE_COLUMNS,
    decode_fire,
    decode_schedule,
    ts,
    ts_opt,
)
from dynaprompt_tui.core.storage.errors import ClaimLostError
from dynaprompt_tui.core.storage.owners import owner_alive

_BY_ID = f"SELECT {FIRE_COLUMNS} FROM fires WHERE id = ?"


class PlannedDelivery(Protocol):
    """What `deliver` writes, as decided by core.scheduling.plan (a DeliveryPlan)."""

    @property
    def role(self) -> Role: ...  # the role of the delivered message
    @property
    def late(self) -> bool: ...
    @property
    def missed(self) -> int: ...  # fires coalesced into this one; 0: none
    @property
    def state(self) -> ScheduleState: ...  # the schedule's state afterwards
    @property
    def next_fire(self) -> datetime | None: ...
    @property
    def deliver(self) -> bool: ...  # False: skipped, no message written
    @property
    def skipped(self) -> int: ...  # later fires skipped with this one


def _get(c: sqlite3.Connection, fire_id: int) -> Fire:
    return decode_fire(c.execute(_BY_ID, (fire_id,)).fetchone())


def claim(c: sqlite3.Connection, schedule: Schedule, *, now: datetime, owner: str) -> Fire | None:
    """Take the right to deliver `schedule` at its due time, or None if taken or moot."""
    due = schedule.next_fire
    if due is None or due > now:
        return None
    row = c.execute(
        "SELECT state, approved, next_fire FROM schedules WHERE id = ?", (schedule.id,)
    ).fetchone()
    if row is None or row[0] != ScheduleState.PENDING.value or not row[1] or row[2] != ts(due):
        return None
    existing = c.execute(
        "SELECT id, status FROM fires WHERE schedule_id = ? AND due_at = ?",
        (schedule.id, ts(due)),
    ).fetchone()
    if existing is None:
        cur = c.execute(
            "INSERT INTO fires (schedule_id, due_at, status, owner, claimed_at, outcome)"
            " VALUES (?, ?, 'claimed', ?, ?, 'claimed')",
            (schedule.id, ts(due), owner, ts(now)),
        )
        fire_id = cur.lastrowid or 0
    elif existing[1] == "failed":  # an abandoned attempt: try again
        fire_id = existing[0]
        c.execute(
            "UPDATE fires SET status = 'claimed', owner = ?, claimed_at = ?, outcome = 'claimed'"
            " WHERE id = ?",
            (owner, ts(now), fire_id),
        )
    else:
        return None
    return _get(c, fire_id)


def take_over(c: sqlite3.Connection, fire: Fire, *, now: datetime, owner: str) -> Fire | None:
    """Move a stale claim to `owner`; None if someone else got there first."""
    cur = c.execute(
        "UPDATE fires SET owner = ?, claimed_at = ? WHERE id = ? AND status = 'claimed'"
        " AND owner = ?",
        (owner, ts(now), fire.id, fire.owner),
    )
    return _get(c, fire.id) if cur.rowcount == 1 else None


def release(c: sqlite3.Connection, fire: Fire, *, error: str) -> None:
    """Give up a claim we cannot deliver; the fire may be claimed again later."""
    c.execute(
        "UPDATE fires SET status = 'failed', outcome = 'failed', error = ? WHERE id = ?"
        " AND status = 'claimed' AND owner = ?",
        (error, fire.id, fire.owner),
    )


ABANDONED = "schedule changed before delivery"
_STATE = Schedule._fields.index("state")
_NEXT_FIRE = Schedule._fields.index("next_fire")


def claimed_schedule(c: sqlite3.Connection, fire: Fire) -> Schedule | None:
    """The schedule `fire` delivers, read for delivery; None when it changed since the claim
    (paused, cancelled or edited: the user wins), the fire then marked failed. Raises
    ClaimLostError when the claim is no longer ours."""
    f = c.execute("SELECT status, owner, due_at FROM fires WHERE id = ?", (fire.id,)).fetchone()
    if f is None or f[0] != "claimed" or (fire.owner and f[1] != fire.owner):
        raise ClaimLostError(f"fire {fire.id} of schedule {fire.schedule_id} is not ours")
    row = c.execute(
        f"SELECT {SCHEDULE_COLUMNS} FROM schedules WHERE id = ?", (fire.schedule_id,)
    ).fetchone()
    if row is None or row[_STATE] != ScheduleState.PENDING.value or row[_NEXT_FIRE] != f[2]:
        c.execute(
            "UPDATE fires SET status = 'failed', outcome = 'skipped', error = ? WHERE id = ?",
            (ABANDONED, fire.id),
        )
        return None
    return decode_schedule(row)


def deliver(
    c: sqlite3.Connection,
    fire: Fire,
    schedule: Schedule,
    *,
    now: datetime,
    plan: Callable[[Schedule], PlannedDelivery],
) -> tuple[Message | None, Schedule]:
    """Write the delivery `plan(schedule)` decides: the message (None when the plan skips the
    fire), the fire done with its outcome, the schedule's next state; `schedule` as
    `claimed_schedule` read it in this transaction."""
    s = schedule
    p = plan(s)
    msg: Message | None = None
    if p.deliver:
        meta: dict[str, Any] = {"fire_id": fire.id}
        if p.missed:
            meta["missed"] = p.missed
        msg = messages.insert(
            c,
            p.role,
            s.prompt,
            now=now,
            schedule_id=s.id,
            scheduled_by=s.created_by,
            due_at=fire.due_at,
            late=p.late,
            meta=meta,
            conversation_id=s.conversation_id,
        )
    outcome = Outcome.SKIPPED if msg is None else Outcome.LATE if p.late else Outcome.DELIVERED
    c.execute(
        "UPDATE fires SET status = 'delivered', delivered_at = ?, message_id = ?, late = ?,"
        " error = NULL, outcome = ?, missed = ? WHERE id = ?",
        (
            ts(now),
            None if msg is None else msg.id,
            int(p.late),
            outcome.value,
            p.missed + p.skipped,
            fire.id,
        ),
    )
    schedules.set_columns(
        c,
        s.id,
        now,
        state=ScheduleState(p.state).value,
        next_fire=ts_opt(p.next_fire),
        fire_count=s.fire_count + (msg is not None),
    )
    return msg, schedules.resolve(c, s.id)


MODEL_RESULTS = {"ok": None, "failed": Outcome.FAILED, "blocked": Outcome.BLOCKED}


def record_model(c: sqlite3.Connection, fire_id: int, result: str, error: str | None) -> None:
    """The result of the model call a delivered fire started (ok | failed | blocked by a
    guardrail); a failed or blocked call becomes the fire's outcome."""
    outcome = MODEL_RESULTS[result]
    c.execute(
        "UPDATE fires SET model = ?, outcome = coalesce(?, outcome), error = coalesce(?, error)"
        " WHERE id = ?",
        (result, None if outcome is None else outcome.value, error, fire_id),
    )


def stale_claims(c: sqlite3.Connection, *, now: datetime, lease: timedelta) -> list[Fire]:
    """Claims nobody will deliver: the claimer died (same host) or held it past the lease."""
    rows = c.execute(
        f"SELECT {FIRE_COLUMNS} FROM fires WHERE status = 'claimed' ORDER BY due_at, id"
    ).fetchall()
    claims = [decode_fire(r) for r in rows]
    return [f for f in claims if now - f.claimed_at > lease or not owner_alive(f.owner or "")]


def listing(c: sqlite3.Connection, schedule_id: str | None) -> list[Fire]:
    """The log, oldest first: all of it, or one schedule's (by id or unique prefix)."""
    if schedule_id is None:
        rows = c.execute(f"SELECT {FIRE_COLUMNS} FROM fires ORDER BY id").fetchall()
    else:
        sid = schedules.resolve(c, schedule_id).id
        rows = c.execute(
            f"SELECT {FIRE_COLUMNS} FROM fires WHERE schedule_id = ? ORDER BY id", (sid,)
        ).fetchall()
    return [decode_fire(r) for r in rows]
