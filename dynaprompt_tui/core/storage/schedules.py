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
from dynaprompt_tui.core.storage import conversations
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
    conversation_id: int = 1,
) -> Schedule:
    """A new pending schedule with a fresh short id."""
    conversations.require(c, conversation_id)
    sid = _new_id(c)
    c.execute(
        "INSERT INTO schedules (id, created_by, recipient, time_prompt, rule, tz, prompt, state,"
        " next_fire, created_at, updated_at, recurring, description, fire_count, failures,"
        " approved, last_error, on_missed, conversation_id)"
        " VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, 0, 0, ?, NULL, ?, ?)",
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
            conversation_id,
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


def _in_order(
    values: list[str], conversation_id: int | None, *, has_next: bool
) -> tuple[str, list[Any]]:
    """`f` (next_fire) and `r` (rowid) of the schedules in these states: one SELECT per (state,
    approved) joined by UNION ALL. Each walks the schedules_due index in (next_fire, rowid)
    order, so SQLite merges them rather than sorting every row. With 100,000 pending the first
    page costs under a millisecond (ORDER BY over all of them: 400 ms); OFFSET still steps
    through the index, ~30 ms for a page 50,000 deep."""
    where = "next_fire IS NOT NULL" if has_next else "next_fire IS NULL"
    scope: list[Any] = []
    if conversation_id is not None:
        where += " AND conversation_id = ?"
        scope = [conversation_id]
    arms, args = [], []
    for state in values:
        for approved in (0, 1):
            arms.append(
                "SELECT next_fire AS f, rowid AS r FROM schedules"
                f" WHERE state = ? AND approved = ? AND {where}"
            )
            args += [state, approved, *scope]
    return " UNION ALL ".join(arms), args


def _rowids(
    c: sqlite3.Connection,
    values: list[str],
    scope: int | None,
    has_next: bool,
    page: tuple[int, int],
) -> list[int]:
    arms, args = _in_order(values, scope, has_next=has_next)
    rows = c.execute(f"{arms} ORDER BY 1, 2 LIMIT ? OFFSET ?", [*args, *page])
    return [r[1] for r in rows]


def listing(
    c: sqlite3.Connection,
    states: Iterable[ScheduleState],
    *,
    limit: int | None,
    offset: int = 0,
    conversation_id: int | None = None,
) -> list[Schedule]:
    """Schedules in these states, the next to fire first (those with no next fire last, ties in
    the order they were added); `limit` of them (None: all) from `offset`; `conversation_id`:
    only that conversation's."""
    values = [ScheduleState(s).value for s in states]
    if not values or limit == 0:
        return []
    if limit is None and not offset:  # all of them: one sort is cheaper than a merge
        marks, scope, args = ",".join("?" * len(values)), "", list[Any](values)
        if conversation_id is not None:
            scope, args = " AND conversation_id = ?", [*values, conversation_id]
        rows = c.execute(
            f"SELECT {SCHEDULE_COLUMNS} FROM schedules WHERE state IN ({marks}){scope}"
            " ORDER BY next_fire IS NULL, next_fire, rowid",
            args,
        ).fetchall()
        return [decode_schedule(r) for r in rows]
    want = -1 if limit is None else limit  # LIMIT -1: all of them
    ids = _rowids(c, values, conversation_id, True, (want, offset))
    if want < 0 or len(ids) < want:  # past those with a next fire: those without come last
        skip = 0
        if offset and not ids:  # how far into the second part the page starts
            arms, args = _in_order(values, conversation_id, has_next=True)
            skip = offset - c.execute(f"SELECT count(*) FROM ({arms})", args).fetchone()[0]
        more = -1 if want < 0 else want - len(ids)
        ids += _rowids(c, values, conversation_id, False, (more, max(0, skip)))
    found: dict[int, Schedule] = {}
    for start in range(0, len(ids), 500):  # (SQLite's limit on bound parameters)
        chunk = ids[start : start + 500]
        marks = ",".join("?" * len(chunk))
        for row in c.execute(
            f"SELECT rowid, {SCHEDULE_COLUMNS} FROM schedules WHERE rowid IN ({marks})", chunk
        ):
            found[row[0]] = decode_schedule(row[1:])
    return [found[i] for i in ids if i in found]


def position(
    c: sqlite3.Connection,
    states: Iterable[ScheduleState],
    schedule_id: str,
    *,
    conversation_id: int | None = None,
) -> int | None:
    """Where this schedule is in `listing`'s order (0: the first), or None when `listing` would
    not show it (gone, in another state or another conversation)."""
    values = [ScheduleState(s).value for s in states]
    row = c.execute(
        "SELECT state, next_fire, rowid, conversation_id FROM schedules WHERE id = ?",
        (schedule_id,),
    ).fetchone()
    if row is None or row[0] not in values or conversation_id not in (None, row[3]):
        return None
    _, next_fire, rowid, _ = row
    arms, args = _in_order(values, conversation_id, has_next=True)
    if next_fire is None:  # after all those with a next fire, and those without added before it
        nulls, more = _in_order(values, conversation_id, has_next=False)
        sql = (
            f"SELECT (SELECT count(*) FROM ({arms})) + (SELECT count(*) FROM ({nulls}) WHERE r < ?)"
        )
        return int(c.execute(sql, [*args, *more, rowid]).fetchone()[0])
    sql = (
        f"SELECT (SELECT count(*) FROM ({arms}) WHERE f < ?)"
        f" + (SELECT count(*) FROM ({arms}) WHERE f = ? AND r < ?)"
    )
    return int(c.execute(sql, [*args, next_fire, *args, next_fire, rowid]).fetchone()[0])


def count(
    c: sqlite3.Connection,
    *,
    created_by: Party | None,
    states: Iterable[ScheduleState],
    conversation_id: int | None = None,
) -> int:
    values: list[Any] = [ScheduleState(s).value for s in states]
    if not values:
        return 0
    # (Kept by triggers, storage/migrations.py m004: no scan of the schedules.)
    marks = ",".join("?" * len(values))
    sql = f"SELECT coalesce(sum(n), 0) FROM schedule_counts WHERE state IN ({marks})"
    if created_by is not None:
        sql += " AND created_by = ?"
        values.append(Party(created_by).value)
    if conversation_id is not None:
        sql += " AND conversation_id = ?"
        values.append(conversation_id)
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
