"""Fixtures for the store and engine tests: a real SQLite file per test, and a fake clock."""

from __future__ import annotations

import asyncio
import contextlib
import sqlite3
from collections.abc import Iterator
from datetime import UTC, datetime, timedelta
from zoneinfo import ZoneInfo

import pytest

from dynaprompt_tui.core.clock import FakeClock
from dynaprompt_tui.core.models import Party
from dynaprompt_tui.core.scheduling.book import ScheduleBook
from dynaprompt_tui.core.scheduling.rules import When
from dynaprompt_tui.core.storage import Store

T0 = datetime(2026, 3, 5, 10, 15, tzinfo=UTC)
LONDON = ZoneInfo("Europe/London")


@pytest.fixture
def db_path(tmp_path):
    return tmp_path / "data" / "dynaprompt.db"


@pytest.fixture
def store(db_path):
    s = Store(db_path)
    yield s
    s.close()


@pytest.fixture
def book(store):
    return ScheduleBook(store)


@pytest.fixture
def clock():
    return FakeClock(T0)


def once(now: datetime, after: timedelta, desc: str = "once") -> When:
    return When("once", LONDON, desc, start=now, at=now + after)


def daily(now: datetime, hhmm: str = "09:00", **kw) -> When:
    h, m = hhmm.split(":")
    return When(
        "cron", LONDON, f"every day at {hhmm}", start=now, cron=f"{int(m)} {int(h)} * * *", **kw
    )


def add(store: Store, when: When, *, now: datetime, prompt: str = "hello", **kw):
    """A schedule as the app adds one (through the ScheduleBook, which reads the rule)."""
    kw.setdefault("created_by", Party.USER)
    kw.setdefault("recipient", Party.USER)
    return ScheduleBook(store).add_schedule(
        time_prompt=when.description, when=when, prompt=prompt, now=now, **kw
    )


async def settle(engine, clock: FakeClock | None = None, *, seconds: float | None = None) -> None:
    """Move the fake clock (optionally) and wait until the engine is parked in its sleep again.

    The engine does its database work in threads, so this waits on its `idle` event rather than
    on a fixed number of event-loop turns.
    """
    engine.idle.clear()
    if clock is not None and seconds is not None:
        clock.advance(seconds)
    engine.wake()  # also covers an advance too short to end the engine's current sleep
    await asyncio.wait_for(engine.idle.wait(), timeout=10)
    # Coroutine callbacks run as their own tasks; let them finish before the test looks.
    await asyncio.wait_for(asyncio.gather(*engine._callbacks, return_exceptions=True), timeout=10)


@contextlib.contextmanager
def tables_read(store: Store) -> Iterator[set[str]]:
    """The tables the statements run inside the block read (SQLite's authorizer names them)."""
    read: set[str] = set()

    def authorize(action: int, table: str | None, *_: object) -> int:
        if action == sqlite3.SQLITE_READ and table:
            read.add(table)
        return sqlite3.SQLITE_OK

    store._conn.set_authorizer(authorize)  # (all prepared statements are prepared again)
    try:
        yield read
    finally:
        store._conn.set_authorizer(None)
