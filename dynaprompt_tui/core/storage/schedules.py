"""The `schedules` table: short ids, lookups by id or unique prefix, listings, due queries, and
writing a changed schedule. What a change should be is decided above (core.scheduling)."""

from __future__ import annotations

import json
import os
import sqlite3
from collections.abc import Iterable
from datetime import UTC, datetime
from typing import Any

from dynaprompt_tui.core.models import MissedPolicy, Party, Schedule, ScheduleState
from dynaprompt_tui.core.storage.codec import (
    SCHEDULE_COLUMNS,
    decode_schedule,
    dt_opt,
    encode_schedule_field,
    ts,
)
from dynaprompt_tui.core.storage.errors import UnknownScheduleError

ACTIVE = (ScheduleState.PENDING, ScheduleState.PAUSED)
_HEX = frozenset("0123456789abcdef")
_FIXED = frozenset({"id", "created_at"})  # a change may not touch these

# Pending, approved and not currently claimed by anyone (a failed fire may be claimed again).
DUE_WHERE = """s.state = 'pending' AND s.approved = 1 AND s.next_fire IS NOT NULL
    AND NOT EXISTS (SELECT 1 FROM fires f WHERE f.schedule_id = s.id
                    AND f.due_at = s.next_fire AND f.status != 'failed')"""


def _random_hex(nbytes: int) -> str:
    # What secrets.token_hex does, without importing secrets (hmac, OpenSSL) at start-up.
    return os.urandom(nbytes).hex()


def _new_id(c: sqlite3.Connection) -> str:
    length = 4
    while True:
        sid = _random_hex((length + 1) // 2)[:length]
        if c.execute("SELECT 1 FROM schedules WHERE id = ?", (sid,)).fetchone() is None:
            return sid
        length += 1  # collisions get rarer fast: 65,536 ids at 4, a million at 5


def insert(
    c: sqlite3.Connection,
    *,
    created_by: Party,
    recipient: Party,
    time_prompt: str,
    rule: dict[str, Any],
    tz: str,
    recurring: bool,
    description: str,
    prompt: str,
    next_fire: datetime,
    now: datetime,
    approved: bool = True,
    on_missed: MissedPolicy = MissedPolicy.ONCE,
) -> Schedule:
    """A new pending schedule with a fresh short id."""
    sid = _new_id(c)
    c.execute(
        "INSERT INTO schedules (id, created_by, recipient, time_prompt, rule, tz, prompt, state,"
        " next_fire, created_at, updated_at, recurring, description, fire_count, failures,"
        " approved, last_error, on_missed)"
        " VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, 0, 0, ?, NULL, ?)",
        (
            sid,
            Party(created_by).value,
            Party(recipient).value,
            time_prompt,
            json.dumps(rule),
            tz,
            prompt,
            ScheduleState.PENDING.value,
            ts(next_fire),
            ts(now),
            ts(now),
            int(recurring),
            description,
            int(approved),
            MissedPolicy(on_missed).value,
        ),
    )
    return resolve(c, sid)


def resolve(c: sqlite3.Connection, schedule_id: str) -> Schedule:
    """The schedule with this id, or the only one it is a prefix of (any case, spaces trimmed)."""
    key = schedule_id.strip().lower()
    if not key or not _HEX.issuperset(key):
        raise UnknownScheduleError(
            f"no schedule with id '{schedule_id}'; type dpl to list schedules"
        )
    row = c.execute(f"SELECT {SCHEDULE_COLUMNS} FROM schedules WHERE id = ?", (key,)).fetchone()
    if row is not None:
        return decode_schedule(row)
    # key is hex only, so LIKE wildcards cannot sneak in.
    rows = c.execute(
        f"SELECT {SCHEDULE_COLUMNS} FROM schedules WHERE id LIKE ? LIMIT 2", (key + "%",)
    ).fetchall()
    if len(rows) == 1:
        return decode_schedule(rows[0])
    if rows:
        raise UnknownScheduleError(
            f"'{schedule_id}' matches more than one schedule; type dpl to see their ids"
        )
    raise UnknownScheduleError(f"no schedule with id '{schedule_id}'; type dpl to list schedules")


def listing(
    c: sqlite3.Connection, states: Iterable[ScheduleState], *, limit: int | None
) -> list[Schedule]:
    """Schedules in these states, the next to fire first; `limit`: only the first ones."""
    values = [ScheduleState(s).value for s in states]
    if not values:
        return []
    marks = ",".join("?" * len(values))
    rows = c.execute(
        f"SELECT {SCHEDULE_COLUMNS} FROM schedules WHERE state IN ({marks})"
        " ORDER BY next_fire IS NULL, next_fire, created_at, id LIMIT ?",
        [*values, -1 if limit is None else limit],  # LIMIT -1: all of them
    ).fetchall()
    return [decode_schedule(r) for r in rows]


def count(
    c: sqlite3.Connection, *, created_by: Party | None, states: Iterable[ScheduleState]
) -> int:
    values: list[Any] = [ScheduleState(s).value for s in states]
    if not values:
        return 0
    sql = f"SELECT count(*) FROM schedules WHERE state IN ({','.join('?' * len(values))})"
    if created_by is not None:
        sql += " AND created_by = ?"
        values.append(Party(created_by).value)
    n: int = c.execute(sql, values).fetchone()[0]
    return n


def save(c: sqlite3.Connection, before: Schedule, after: Schedule, now: datetime | None) -> None:
    """Write the fields in which `after` differs from `before` (as read in this transaction),
    and the update time: `now`, or the wall clock when None."""
    cols: dict[str, Any] = {}
    for name, old, new in zip(Schedule._fields, before, after, strict=True):
        if old != new:
            if name in _FIXED:
                raise ValueError(f"a schedule's {name} never changes")
            cols[name] = encode_schedule_field(name, new)
    set_columns(c, before.id, now, **cols)


def set_columns(c: sqlite3.Connection, sid: str, now: datetime | None, **cols: Any) -> None:
    """Set already-encoded columns of one schedule, and its update time."""
    cols["updated_at"] = ts(now or datetime.now(UTC))
    assigns = ", ".join(f"{k} = ?" for k in cols)
    c.execute(f"UPDATE schedules SET {assigns} WHERE id = ?", (*cols.values(), sid))


def next_due(c: sqlite3.Connection) -> datetime | None:
    """The earliest time anything is due (may be in the past), or None."""
    row = c.execute(
        f"SELECT s.next_fire FROM schedules s WHERE {DUE_WHERE} ORDER BY s.next_fire LIMIT 1"
    ).fetchone()
    return dt_opt(row[0]) if row else None


_DUE_COLUMNS = ", ".join(f"s.{name}" for name in Schedule._fields)


def due(c: sqlite3.Connection, now: datetime) -> list[Schedule]:
    """What is due by `now` and nobody has claimed, oldest first."""
    rows = c.execute(
        f"SELECT {_DUE_COLUMNS} FROM schedules s WHERE {DUE_WHERE} AND s.next_fire <= ?"
        " ORDER BY s.next_fire, s.created_at, s.id",
        (ts(now),),
    ).fetchall()
    return [decode_schedule(r) for r in rows]
