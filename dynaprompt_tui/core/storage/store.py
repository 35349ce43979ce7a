"""SQLite persistence: chat messages, schedules and the delivery log.

Exactly-once delivery rests on two things: a `fires` row per (schedule, due time), made unique by
the schema and inserted under BEGIN IMMEDIATE (`claim`), and `deliver` doing message + fire +
schedule in one transaction that first checks the claim is still ours. Any number of Store objects
or processes may share a file.

Timestamps are stored as fixed-width UTC ISO text (`2026-03-05T10:15:00.000000Z`) so that text
order is time order and equality is exact (the UNIQUE key on fires relies on it).
"""

from __future__ import annotations

import json
import os
import socket
import sqlite3
import sys
import threading
import uuid
from collections.abc import Callable, Iterable, Iterator
from contextlib import contextmanager
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import TYPE_CHECKING, Any
from zoneinfo import ZoneInfo

from dynaprompt_tui.core.models import Fire, Message, Party, Role, Schedule, ScheduleState
from dynaprompt_tui.core.storage.paths import ensure_private_dir, ensure_private_file

if TYPE_CHECKING:
    from dynaprompt_tui.core.scheduling.rules import (
        When,  # loaded where a rule is read: reading schedules needs none
    )

MAX_FAILURES = 3  # consecutive failed deliveries that pause a schedule
BUSY_TIMEOUT_MS = 5000
_MISSED_CAP = 1000  # counting missed recurring fires stops here (an every-minute rule, a long trip)
_ACTIVE = (ScheduleState.PENDING, ScheduleState.PAUSED)


class StoreError(Exception):
    """A request the store cannot carry out; the message is fit to show the user."""


class UnknownScheduleError(StoreError):
    pass


class ClaimLostError(StoreError):
    """`deliver` was handed a fire that is no longer ours to deliver (taken over, or abandoned)."""


# -- encoding -------------------------------------------------------------------------------------


def _ts(d: datetime) -> str:
    if d.tzinfo is None:
        raise ValueError(f"aware datetime required, got {d!r}")
    return d.astimezone(UTC).strftime("%Y-%m-%dT%H:%M:%S.%fZ")


def _ts_opt(d: datetime | None) -> str | None:
    return None if d is None else _ts(d)


def _dt(s: str | None) -> datetime | None:
    return None if s is None else datetime.fromisoformat(s)


def _dt_req(s: str) -> datetime:
    return datetime.fromisoformat(s)


def _random_hex(nbytes: int) -> str:
    # What secrets.token_hex does, without importing secrets (hmac, OpenSSL) at start-up.
    return os.urandom(nbytes).hex()


def default_owner() -> str:
    """A claim owner id: host and pid let another process tell when the claimer has died."""
    return f"{socket.gethostname()}:{os.getpid()}:{uuid.uuid4().hex[:8]}"


def owner_alive(owner: str) -> bool:
    """False only when we can tell for sure: same host, and that pid no longer exists."""
    try:
        host, pid_s, _tag = owner.rsplit(":", 2)
        pid = int(pid_s)
    except ValueError:
        return True
    if host != socket.gethostname() or pid == os.getpid():
        return True
    if sys.platform == "win32":  # os.kill(pid, 0) would terminate the process there
        return True
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    except PermissionError:  # exists, belongs to someone else
        return True
    except OSError:
        return True
    return True


# -- migrations -----------------------------------------------------------------------------------
# One function per user_version step; each runs inside the migration transaction. Never edit a
# released step: add another.


def _migrate_1(c: sqlite3.Connection) -> None:
    c.execute(
        """CREATE TABLE messages (
            id INTEGER PRIMARY KEY AUTOINCREMENT,
            role TEXT NOT NULL,
            content TEXT NOT NULL,
            created_at TEXT NOT NULL,
            schedule_id TEXT,
            scheduled_by TEXT,
            due_at TEXT,
            late INTEGER NOT NULL DEFAULT 0,
            meta TEXT NOT NULL DEFAULT '{}'
        )"""
    )
    c.execute("CREATE INDEX messages_schedule ON messages(schedule_id)")
    c.execute(
        """CREATE TABLE schedules (
            id TEXT PRIMARY KEY,
            created_by TEXT NOT NULL CHECK (created_by IN ('user', 'chatbot')),
            recipient TEXT NOT NULL CHECK (recipient IN ('user', 'chatbot')),
            time_prompt TEXT NOT NULL,
            rule TEXT NOT NULL,
            tz TEXT NOT NULL,
            prompt TEXT NOT NULL,
            state TEXT NOT NULL
                CHECK (state IN ('pending', 'paused', 'fired', 'cancelled', 'failed')),
            next_fire TEXT,
            created_at TEXT NOT NULL,
            updated_at TEXT NOT NULL,
            recurring INTEGER NOT NULL DEFAULT 0,
            description TEXT NOT NULL DEFAULT '',
            fire_count INTEGER NOT NULL DEFAULT 0,
            failures INTEGER NOT NULL DEFAULT 0,
            approved INTEGER NOT NULL DEFAULT 1,
            last_error TEXT
        )"""
    )
    # next_due()/due() walk this index in next_fire order and stop at the first hit.
    c.execute("CREATE INDEX schedules_due ON schedules(state, approved, next_fire)")
    c.execute(
        """CREATE TABLE fires (
            id INTEGER PRIMARY KEY AUTOINCREMENT,
            schedule_id TEXT NOT NULL REFERENCES schedules(id) ON DELETE CASCADE,
            due_at TEXT NOT NULL,
            status TEXT NOT NULL CHECK (status IN ('claimed', 'delivered', 'failed')),
            owner TEXT NOT NULL,
            claimed_at TEXT NOT NULL,
            delivered_at TEXT,
            message_id INTEGER REFERENCES messages(id),
            late INTEGER NOT NULL DEFAULT 0,
            error TEXT,
            UNIQUE (schedule_id, due_at)
        )"""
    )
    c.execute("CREATE INDEX fires_claimed ON fires(claimed_at) WHERE status = 'claimed'")
    c.execute(
        """CREATE TABLE meta (
            key TEXT PRIMARY KEY,
            value TEXT NOT NULL,
            updated_at TEXT NOT NULL
        )"""
    )


MIGRATIONS: list[Callable[[sqlite3.Connection], None]] = [_migrate_1]
SCHEMA_VERSION = len(MIGRATIONS)


# -- the store ------------------------------------------------------------------------------------

_SCHEDULE_COLS = (
    "id, created_by, recipient, time_prompt, rule, tz, prompt, state, next_fire, created_at,"
    " recurring, description, fire_count, failures, approved, last_error"
)
_PARTIES = {p.value: p for p in Party}
_STATES = {s.value: s for s in ScheduleState}
_FIRE_COLS = (
    "id, schedule_id, due_at, status, claimed_at, delivered_at, message_id, late, error, owner"
)
_MESSAGE_COLS = "id, role, content, created_at, schedule_id, scheduled_by, due_at, late, meta"

# Pending, approved and not currently claimed by anyone (a failed fire may be claimed again).
_DUE_WHERE = """s.state = 'pending' AND s.approved = 1 AND s.next_fire IS NOT NULL
    AND NOT EXISTS (SELECT 1 FROM fires f WHERE f.schedule_id = s.id
                    AND f.due_at = s.next_fire AND f.status != 'failed')"""


class Store:
    def __init__(self, path: str | Path) -> None:
        self.path = Path(path).expanduser()
        ensure_private_dir(self.path.parent)
        ensure_private_file(self.path)
        self._lock = threading.Lock()
        # isolation_level=None: we issue BEGIN IMMEDIATE ourselves, so write locks are taken up
        # front and a busy database waits (busy_timeout) instead of failing on lock upgrade.
        self._conn = sqlite3.connect(
            self.path,
            check_same_thread=False,
            isolation_level=None,
            timeout=BUSY_TIMEOUT_MS / 1000,
        )
        self._conn.row_factory = sqlite3.Row
        c = self._conn
        c.execute(f"PRAGMA busy_timeout = {BUSY_TIMEOUT_MS}")
        c.execute("PRAGMA journal_mode = WAL")
        c.execute("PRAGMA synchronous = FULL")  # a delivered fire must survive power loss
        c.execute("PRAGMA foreign_keys = ON")
        self._migrate()

    def _migrate(self) -> None:
        with self._tx() as c:  # re-read inside the lock: another process may have migrated
            version = c.execute("PRAGMA user_version").fetchone()[0]
            if version > SCHEMA_VERSION:
                raise StoreError(
                    f"{self.path} was written by a newer dynaprompt-tui "
                    f"(schema {version}, this one knows {SCHEMA_VERSION}); please upgrade"
                )
            for step in range(version, SCHEMA_VERSION):
                MIGRATIONS[step](c)
                c.execute(f"PRAGMA user_version = {step + 1}")

    def close(self) -> None:
        with self._lock:
            self._conn.close()

    @contextmanager
    def _tx(self) -> Iterator[sqlite3.Connection]:
        with self._lock:
            self._conn.execute("BEGIN IMMEDIATE")
            try:
                yield self._conn
            except BaseException:
                self._conn.execute("ROLLBACK")
                raise
            self._conn.execute("COMMIT")

    @contextmanager
    def _read(self) -> Iterator[sqlite3.Connection]:
        with self._lock:
            yield self._conn

    # -- row mapping --------------------------------------------------------------------------

    @staticmethod
    def _message(r: sqlite3.Row) -> Message:
        return Message(
            id=r["id"],
            role=Role(r["role"]),
            content=r["content"],
            created_at=_dt_req(r["created_at"]),
            schedule_id=r["schedule_id"],
            scheduled_by=Party(r["scheduled_by"]) if r["scheduled_by"] else None,
            due_at=_dt(r["due_at"]),
            late=bool(r["late"]),
            meta=json.loads(r["meta"]),
        )

    @staticmethod
    def _schedule(r: sqlite3.Row) -> Schedule:
        # Positional, in _SCHEDULE_COLS order: the sidebar loads every pending schedule at
        # start-up and on each change, and name lookups on sqlite3.Row cost a third of that.
        (id_, by, to, time_prompt, rule, tz, prompt, state, nxt, created, *rest) = r
        recurring, description, fire_count, failures, approved, last_error = rest
        return Schedule(
            id_,
            _PARTIES[by],
            _PARTIES[to],
            time_prompt,
            json.loads(rule),
            tz,
            prompt,
            _STATES[state],
            None if nxt is None else datetime.fromisoformat(nxt),
            datetime.fromisoformat(created),
            bool(recurring),
            description,
            fire_count,
            failures,
            bool(approved),
            last_error,
        )

    @staticmethod
    def _fire(r: sqlite3.Row) -> Fire:
        return Fire(
            id=r["id"],
            schedule_id=r["schedule_id"],
            due_at=_dt_req(r["due_at"]),
            status=r["status"],
            claimed_at=_dt_req(r["claimed_at"]),
            delivered_at=_dt(r["delivered_at"]),
            message_id=r["message_id"],
            late=bool(r["late"]),
            error=r["error"],
            owner=r["owner"],
        )

    # -- messages -----------------------------------------------------------------------------

    def _insert_message(
        self,
        c: sqlite3.Connection,
        role: Role,
        content: str,
        now: datetime,
        schedule_id: str | None,
        scheduled_by: Party | None,
        due_at: datetime | None,
        late: bool,
        meta: dict[str, Any] | None,
    ) -> Message:
        cur = c.execute(
            "INSERT INTO messages (role, content, created_at, schedule_id, scheduled_by, due_at,"
            " late, meta) VALUES (?, ?, ?, ?, ?, ?, ?, ?)",
            (
                Role(role).value,
                content,
                _ts(now),
                schedule_id,
                Party(scheduled_by).value if scheduled_by else None,
                _ts_opt(due_at),
                int(late),
                json.dumps(meta or {}),
            ),
        )
        row = c.execute(
            f"SELECT {_MESSAGE_COLS} FROM messages WHERE id = ?", (cur.lastrowid,)
        ).fetchone()
        return self._message(row)

    def add_message(
        self,
        role: Role,
        content: str,
        *,
        now: datetime,
        schedule_id: str | None = None,
        scheduled_by: Party | None = None,
        due_at: datetime | None = None,
        late: bool = False,
        meta: dict[str, Any] | None = None,
    ) -> Message:
        with self._tx() as c:
            return self._insert_message(
                c, role, content, now, schedule_id, scheduled_by, due_at, late, meta
            )

    def update_message(
        self, message_id: int, *, content: str | None = None, meta: dict[str, Any] | None = None
    ) -> Message:
        with self._tx() as c:
            row = c.execute(
                f"SELECT {_MESSAGE_COLS} FROM messages WHERE id = ?", (message_id,)
            ).fetchone()
            if row is None:
                raise StoreError(f"no message {message_id}")
            merged = json.loads(row["meta"])
            if meta:
                merged.update(meta)
            c.execute(
                "UPDATE messages SET content = ?, meta = ? WHERE id = ?",
                (row["content"] if content is None else content, json.dumps(merged), message_id),
            )
            row = c.execute(
                f"SELECT {_MESSAGE_COLS} FROM messages WHERE id = ?", (message_id,)
            ).fetchone()
            return self._message(row)

    def get_message(self, message_id: int) -> Message:
        with self._read() as c:
            row = c.execute(
                f"SELECT {_MESSAGE_COLS} FROM messages WHERE id = ?", (message_id,)
            ).fetchone()
        if row is None:
            raise StoreError(f"no message {message_id}")
        return self._message(row)

    def messages(self, *, before_id: int | None = None, limit: int = 50) -> list[Message]:
        """The latest `limit` messages before `before_id` (all, if None), oldest first."""
        with self._read() as c:
            if before_id is None:
                rows = c.execute(
                    f"SELECT {_MESSAGE_COLS} FROM messages ORDER BY id DESC LIMIT ?", (limit,)
                ).fetchall()
            else:
                rows = c.execute(
                    f"SELECT {_MESSAGE_COLS} FROM messages WHERE id < ? ORDER BY id DESC LIMIT ?",
                    (before_id, limit),
                ).fetchall()
        return [self._message(r) for r in reversed(rows)]

    def message_count(self) -> int:
        with self._read() as c:
            return c.execute("SELECT count(*) FROM messages").fetchone()[0]

    # -- schedules ----------------------------------------------------------------------------

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
    ) -> Schedule:
        next_fire = when.next_fire(now)
        if next_fire is None:
            raise StoreError(f"'{time_prompt}' is already past: it would never fire")
        with self._tx() as c:
            length = 4
            while True:
                sid = _random_hex((length + 1) // 2)[:length]
                if c.execute("SELECT 1 FROM schedules WHERE id = ?", (sid,)).fetchone() is None:
                    break
                length += 1  # collisions get rarer fast: 65,536 ids at 4, a million at 5
            c.execute(
                f"INSERT INTO schedules ({_SCHEDULE_COLS}, updated_at) VALUES"
                " (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, 0, 0, ?, NULL, ?)",
                (
                    sid,
                    Party(created_by).value,
                    Party(recipient).value,
                    time_prompt,
                    json.dumps(when.to_dict()),
                    when.tz.key,
                    prompt,
                    ScheduleState.PENDING.value,
                    _ts(next_fire),
                    _ts(now),
                    int(when.recurring),
                    when.description,
                    int(approved),
                    _ts(now),
                ),
            )
            return self._get_schedule(c, sid)

    def _get_schedule(self, c: sqlite3.Connection, schedule_id: str) -> Schedule:
        return self._schedule(self._resolve(c, schedule_id))

    def _resolve(self, c: sqlite3.Connection, schedule_id: str) -> sqlite3.Row:
        key = schedule_id.strip().lower()
        if not key or any(ch not in "0123456789abcdef" for ch in key):
            raise UnknownScheduleError(
                f"no schedule with id '{schedule_id}'; type dpl to list schedules"
            )
        row = c.execute(f"SELECT {_SCHEDULE_COLS} FROM schedules WHERE id = ?", (key,)).fetchone()
        if row is not None:
            return row
        # key is hex only, so LIKE wildcards cannot sneak in.
        rows = c.execute(
            f"SELECT {_SCHEDULE_COLS} FROM schedules WHERE id LIKE ? LIMIT 2", (key + "%",)
        ).fetchall()
        if len(rows) == 1:
            return rows[0]
        if rows:
            raise UnknownScheduleError(
                f"'{schedule_id}' matches more than one schedule; type dpl to see their ids"
            )
        raise UnknownScheduleError(
            f"no schedule with id '{schedule_id}'; type dpl to list schedules"
        )

    def get_schedule(self, schedule_id: str) -> Schedule:
        with self._read() as c:
            return self._get_schedule(c, schedule_id)

    def schedules(
        self, states: Iterable[ScheduleState] = _ACTIVE, *, limit: int | None = None
    ) -> list[Schedule]:
        """Schedules in these states, the next to fire first; `limit`: only the first ones."""
        states = [ScheduleState(s).value for s in states]
        if not states:
            return []
        marks = ",".join("?" * len(states))
        with self._read() as c:
            rows = c.execute(
                f"SELECT {_SCHEDULE_COLS} FROM schedules WHERE state IN ({marks})"
                " ORDER BY next_fire IS NULL, next_fire, created_at, id LIMIT ?",
                [*states, -1 if limit is None else limit],  # LIMIT -1: all of them
            ).fetchall()
        return [self._schedule(r) for r in rows]

    def count_schedules(
        self, *, created_by: Party | None = None, states: Iterable[ScheduleState] = _ACTIVE
    ) -> int:
        states = [ScheduleState(s).value for s in states]
        if not states:
            return 0
        sql = f"SELECT count(*) FROM schedules WHERE state IN ({','.join('?' * len(states))})"
        args: list[Any] = list(states)
        if created_by is not None:
            sql += " AND created_by = ?"
            args.append(Party(created_by).value)
        with self._read() as c:
            return c.execute(sql, args).fetchone()[0]

    def _set(self, c: sqlite3.Connection, sid: str, now: datetime | None, **cols: Any) -> None:
        cols["updated_at"] = _ts(now or datetime.now(UTC))
        assigns = ", ".join(f"{k} = ?" for k in cols)
        c.execute(f"UPDATE schedules SET {assigns} WHERE id = ?", (*cols.values(), sid))

    @staticmethod
    def _when(s: Schedule) -> When:
        from dynaprompt_tui.core.scheduling.rules import When

        return When.from_dict(s.rule, ZoneInfo(s.tz))

    @staticmethod
    def _not_active(s: Schedule) -> StoreError:
        return StoreError(f"schedule {s.id} is {s.state.value}; only pending or paused ones change")

    def cancel(self, schedule_id: str, *, now: datetime) -> Schedule:
        with self._tx() as c:
            s = self._get_schedule(c, schedule_id)
            if s.state == ScheduleState.CANCELLED:
                return s
            if s.state not in _ACTIVE:
                raise self._not_active(s)
            self._set(c, s.id, now, state=ScheduleState.CANCELLED.value)
            return self._get_schedule(c, s.id)

    def pause(self, schedule_id: str, *, now: datetime) -> Schedule:
        with self._tx() as c:
            s = self._get_schedule(c, schedule_id)
            if s.state == ScheduleState.PAUSED:
                return s
            if s.state != ScheduleState.PENDING:
                raise self._not_active(s)
            self._set(c, s.id, now, state=ScheduleState.PAUSED.value)
            return self._get_schedule(c, s.id)

    def resume(self, schedule_id: str, *, now: datetime) -> Schedule:
        with self._tx() as c:
            s = self._get_schedule(c, schedule_id)
            if s.state == ScheduleState.PENDING:
                return s
            if s.state != ScheduleState.PAUSED:
                raise self._not_active(s)
            if s.recurring:
                nxt = self._when(s).next_fire(now)
                state = ScheduleState.PENDING if nxt else ScheduleState.FIRED
            else:
                # A one-off missed while paused keeps its due time: it fires at once, marked late.
                nxt = s.next_fire
                state = ScheduleState.PENDING if nxt else ScheduleState.FIRED
            self._set(
                c,
                s.id,
                now,
                state=state.value,
                next_fire=_ts_opt(nxt),
                failures=0,
                last_error=None,
            )
            return self._get_schedule(c, s.id)

    def approve(self, schedule_id: str, *, now: datetime) -> Schedule:
        with self._tx() as c:
            s = self._get_schedule(c, schedule_id)
            cols: dict[str, Any] = {"approved": 1}
            if (
                s.recurring
                and s.state == ScheduleState.PENDING
                and s.next_fire
                and s.next_fire < now
            ):
                # Fires that passed while awaiting approval were never agreed to: skip them.
                nxt = self._when(s).next_fire(now)
                cols["next_fire"] = _ts_opt(nxt)
                if nxt is None:
                    cols["state"] = ScheduleState.FIRED.value
            self._set(c, s.id, now, **cols)
            return self._get_schedule(c, s.id)

    def edit(
        self,
        schedule_id: str,
        *,
        now: datetime,
        time_prompt: str | None = None,
        when: When | None = None,
        prompt: str | None = None,
    ) -> Schedule:
        with self._tx() as c:
            s = self._get_schedule(c, schedule_id)
            if s.state not in _ACTIVE:
                raise self._not_active(s)
            cols: dict[str, Any] = {}
            if time_prompt is not None:
                cols["time_prompt"] = time_prompt
            if prompt is not None:
                cols["prompt"] = prompt
            if when is not None:
                nxt = when.next_fire(now)
                if nxt is None:
                    raise StoreError(
                        f"'{time_prompt or when.description}' is already past: it would never fire"
                    )
                cols.update(
                    rule=json.dumps(when.to_dict()),
                    tz=when.tz.key,
                    recurring=int(when.recurring),
                    description=when.description,
                    next_fire=_ts(nxt),
                    failures=0,
                    last_error=None,
                )
            if cols:
                self._set(c, s.id, now, **cols)
            return self._get_schedule(c, s.id)

    # -- due schedules ------------------------------------------------------------------------

    def next_due(self) -> datetime | None:
        """The earliest time anything is due (may be in the past), or None."""
        with self._read() as c:
            row = c.execute(
                f"SELECT s.next_fire FROM schedules s WHERE {_DUE_WHERE}"
                " ORDER BY s.next_fire LIMIT 1"
            ).fetchone()
        return _dt(row[0]) if row else None

    def due(self, now: datetime) -> list[Schedule]:
        cols = ", ".join(f"s.{col.strip()}" for col in _SCHEDULE_COLS.split(","))
        with self._read() as c:
            rows = c.execute(
                f"SELECT {cols} FROM schedules s WHERE {_DUE_WHERE} AND s.next_fire <= ?"
                " ORDER BY s.next_fire, s.created_at, s.id",
                (_ts(now),),
            ).fetchall()
        return [self._schedule(r) for r in rows]

    # -- delivery -----------------------------------------------------------------------------

    def claim(self, schedule: Schedule, *, now: datetime, owner: str) -> Fire | None:
        """Take the right to deliver `schedule` at its current due time, or None if taken/moot."""
        due = schedule.next_fire
        if due is None or due > now:
            return None
        with self._tx() as c:
            row = c.execute(
                "SELECT state, approved, next_fire FROM schedules WHERE id = ?", (schedule.id,)
            ).fetchone()
            if (
                row is None
                or row["state"] != ScheduleState.PENDING.value
                or not row["approved"]
                or row["next_fire"] != _ts(due)
            ):
                return None
            existing = c.execute(
                "SELECT id, status FROM fires WHERE schedule_id = ? AND due_at = ?",
                (schedule.id, _ts(due)),
            ).fetchone()
            if existing is None:
                cur = c.execute(
                    "INSERT INTO fires (schedule_id, due_at, status, owner, claimed_at)"
                    " VALUES (?, ?, 'claimed', ?, ?)",
                    (schedule.id, _ts(due), owner, _ts(now)),
                )
                fire_id = cur.lastrowid
            elif existing["status"] == "failed":  # an abandoned attempt: try again
                fire_id = existing["id"]
                c.execute(
                    "UPDATE fires SET status = 'claimed', owner = ?, claimed_at = ? WHERE id = ?",
                    (owner, _ts(now), fire_id),
                )
            else:
                return None
            r = c.execute(f"SELECT {_FIRE_COLS} FROM fires WHERE id = ?", (fire_id,)).fetchone()
            return self._fire(r)

    def take_over(self, fire: Fire, *, now: datetime, owner: str) -> Fire | None:
        """Move a stale claim to `owner`; None if someone else got there first."""
        with self._tx() as c:
            cur = c.execute(
                "UPDATE fires SET owner = ?, claimed_at = ? WHERE id = ? AND status = 'claimed'"
                " AND owner = ?",
                (owner, _ts(now), fire.id, fire.owner),
            )
            if cur.rowcount != 1:
                return None
            r = c.execute(f"SELECT {_FIRE_COLS} FROM fires WHERE id = ?", (fire.id,)).fetchone()
            return self._fire(r)

    def release(self, fire: Fire, *, error: str) -> None:
        """Give up a claim we cannot deliver; the fire may be claimed again later."""
        with self._tx() as c:
            c.execute(
                "UPDATE fires SET status = 'failed', error = ? WHERE id = ? AND status = 'claimed'"
                " AND owner = ?",
                (error, fire.id, fire.owner),
            )

    def deliver(
        self, fire: Fire, *, now: datetime, late_after: timedelta
    ) -> tuple[Message, Schedule]:
        abandoned: str | None = None
        with self._tx() as c:
            f = c.execute(f"SELECT {_FIRE_COLS} FROM fires WHERE id = ?", (fire.id,)).fetchone()
            if f is None or f["status"] != "claimed" or (fire.owner and f["owner"] != fire.owner):
                raise ClaimLostError(f"fire {fire.id} of schedule {fire.schedule_id} is not ours")
            row = c.execute(
                f"SELECT {_SCHEDULE_COLS} FROM schedules WHERE id = ?", (fire.schedule_id,)
            ).fetchone()
            if (
                row is None
                or row["state"] != ScheduleState.PENDING.value
                or row["next_fire"] != f["due_at"]
            ):
                # Paused, cancelled or edited between claim and delivery: the user wins.
                abandoned = "schedule changed before delivery"
                c.execute(
                    "UPDATE fires SET status = 'failed', error = ? WHERE id = ?",
                    (abandoned, fire.id),
                )
            else:
                return self._deliver(c, self._schedule(row), fire, now, late_after)
        raise ClaimLostError(f"fire {fire.id} of schedule {fire.schedule_id}: {abandoned}")

    def _deliver(
        self,
        c: sqlite3.Connection,
        s: Schedule,
        fire: Fire,
        now: datetime,
        late_after: timedelta,
    ) -> tuple[Message, Schedule]:
        due = fire.due_at
        late = now - due > late_after
        meta: dict[str, Any] = {"fire_id": fire.id}
        state = ScheduleState.FIRED
        nxt: datetime | None = None
        if s.recurring:
            when = self._when(s)
            first_after = when.next_fire(due)
            if first_after is not None and first_after <= now:
                # Coalesce: the fires missed while we were down become this one delivery.
                missed = sum(1 for t in when.next_fires(due, _MISSED_CAP) if t <= now)
                meta["missed"] = missed
                nxt = when.next_fire(now)
            else:
                nxt = first_after
            if nxt is not None:
                state = ScheduleState.PENDING
        if s.recipient == Party.CHATBOT:
            role = Role.USER
        elif s.created_by == Party.CHATBOT:
            role = Role.ASSISTANT
        else:
            role = Role.REMINDER
        msg = self._insert_message(c, role, s.prompt, now, s.id, s.created_by, due, late, meta)
        c.execute(
            "UPDATE fires SET status = 'delivered', delivered_at = ?, message_id = ?, late = ?,"
            " error = NULL WHERE id = ?",
            (_ts(now), msg.id, int(late), fire.id),
        )
        self._set(
            c,
            s.id,
            now,
            state=state.value,
            next_fire=_ts_opt(nxt),
            fire_count=s.fire_count + 1,
        )
        return msg, self._get_schedule(c, s.id)

    def stale_claims(self, *, now: datetime, lease: timedelta) -> list[Fire]:
        """Claims nobody will deliver: the claimer died (same host) or held it past the lease."""
        with self._read() as c:
            rows = c.execute(
                f"SELECT {_FIRE_COLS} FROM fires WHERE status = 'claimed' ORDER BY due_at, id"
            ).fetchall()
        out = []
        for r in rows:
            f = self._fire(r)
            if now - f.claimed_at > lease or not owner_alive(f.owner or ""):
                out.append(f)
        return out

    def record_failure(self, schedule_id: str, *, now: datetime, error: str) -> Schedule:
        with self._tx() as c:
            s = self._get_schedule(c, schedule_id)
            failures = s.failures + 1
            cols: dict[str, Any] = {"failures": failures, "last_error": error}
            if failures >= MAX_FAILURES and s.state == ScheduleState.PENDING:
                cols["state"] = ScheduleState.PAUSED.value
                cols["last_error"] = (
                    f"paused after {failures} failed deliveries in a row; last error: {error}"
                )
            self._set(c, s.id, now, **cols)
            return self._get_schedule(c, s.id)

    def record_success(self, schedule_id: str) -> None:
        with self._tx() as c:
            s = self._get_schedule(c, schedule_id)
            if s.failures:
                self._set(c, s.id, None, failures=0)

    def fires(self, schedule_id: str | None = None) -> list[Fire]:
        with self._read() as c:
            if schedule_id is None:
                rows = c.execute(f"SELECT {_FIRE_COLS} FROM fires ORDER BY id").fetchall()
            else:
                sid = self._resolve(c, schedule_id)["id"]
                rows = c.execute(
                    f"SELECT {_FIRE_COLS} FROM fires WHERE schedule_id = ? ORDER BY id", (sid,)
                ).fetchall()
        return [self._fire(r) for r in rows]

    # -- key/value ----------------------------------------------------------------------------

    def get_meta(self, key: str, default: Any = None) -> Any:
        with self._read() as c:
            row = c.execute("SELECT value FROM meta WHERE key = ?", (key,)).fetchone()
        return default if row is None else json.loads(row[0])

    def set_meta(self, key: str, value: Any) -> None:
        with self._tx() as c:
            c.execute(
                "INSERT INTO meta (key, value, updated_at) VALUES (?, ?, ?) ON CONFLICT(key) DO"
                " UPDATE SET value = excluded.value, updated_at = excluded.updated_at",
                (key, json.dumps(value), _ts(datetime.now(UTC))),
            )
