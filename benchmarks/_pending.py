"""A database with many pending schedules, for the benchmarks that need one (none of them due
while the benchmark runs)."""

from __future__ import annotations

import random
from datetime import datetime, timedelta
from zoneinfo import ZoneInfo

from dynaprompt_tui.core.models import Party
from dynaprompt_tui.core.scheduling.book import ScheduleBook
from dynaprompt_tui.core.scheduling.rules import When
from dynaprompt_tui.core.storage.store import Store


def fill_pending(store: Store, now: datetime, count: int, tz: ZoneInfo) -> None:
    """`count` one-off schedules due over the 30 days after tomorrow."""
    # Setup only: per-row fsync (synchronous=FULL) would make this the slowest part of the run.
    store._conn.execute("PRAGMA synchronous = OFF")
    rnd = random.Random(7)
    book = ScheduleBook(store)
    for i in range(count):
        at = now + timedelta(days=1, seconds=rnd.randrange(30 * 86400))
        prompt = f"filler {i}"
        book.add_schedule(
            created_by=Party.USER,
            recipient=Party.USER,
            time_prompt=prompt,
            when=When("once", tz, prompt, start=now, at=at),
            prompt=prompt,
            now=now,
        )
    store._conn.execute("PRAGMA synchronous = FULL")
