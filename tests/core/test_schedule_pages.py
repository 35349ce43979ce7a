"""Pending schedules a page at a time (`Store.schedules(limit=, offset=)`) and where one of them
is (`Store.schedule_position`): the same order as the whole list, whatever the states, the
approvals, ties and schedules with no next fire, on a real SQLite file."""

from __future__ import annotations

import sqlite3
from datetime import UTC, datetime, timedelta
from pathlib import Path

from dynaprompt_tui.core.models import Party, ScheduleState
from dynaprompt_tui.core.storage.store import Store

NOW = datetime(2026, 3, 5, 10, 15, tzinfo=UTC)


def filled(path: Path, n: int = 120) -> Store:
    store = Store(path)
    for i in range(n):
        store.add_schedule(
            created_by=Party.USER,
            recipient=Party.USER,
            time_prompt="t",
            rule={},
            tz="UTC",
            recurring=False,
            description="",
            prompt=f"p{i}",
            # ties: every five share a time; the order among them is the order added
            next_fire=NOW + timedelta(minutes=(i * 37) % 50),
            now=NOW,
            approved=i % 9 != 0,
        )
    store.close()
    conn = sqlite3.connect(path)
    with conn:
        conn.execute("UPDATE schedules SET state = 'paused' WHERE prompt LIKE '%3'")
        conn.execute("UPDATE schedules SET state = 'fired' WHERE prompt LIKE '%5'")
        conn.execute("UPDATE schedules SET next_fire = NULL WHERE prompt IN ('p7', 'p40', 'p2')")
    conn.close()
    return Store(path)


def test_pages_are_slices_of_the_whole_list_and_positions_agree(tmp_path: Path) -> None:
    store = filled(tmp_path / "db.sqlite")
    everything = store.schedules()
    active = [s for s in everything if s.state in (ScheduleState.PENDING, ScheduleState.PAUSED)]
    assert everything == active and len(active) == 108  # (the fired ones are not listed)
    # The next to fire first, ties in the order added, those with no next fire last.
    assert [s.prompt for s in active[-3:]] == ["p2", "p7", "p40"]
    assert [s.prompt for s in active[:3]] == ["p0", "p50", "p100"]
    for offset in (0, 1, 31, 100, 104, 105, 107, 108, 200):
        for limit in (1, 7, 32, None):
            page = store.schedules(limit=limit, offset=offset)
            end = None if limit is None else offset + limit
            assert page == active[offset:end], (offset, limit)
    for i, s in enumerate(active):
        assert store.schedule_position(s.id) == i
    fired = [s for s in store.schedules([ScheduleState.FIRED])]
    assert fired and store.schedule_position(fired[0].id) is None
    assert store.schedule_position("ffffff") is None
    # Other states page the same way.
    paused = store.schedules([ScheduleState.PAUSED])
    assert store.schedules([ScheduleState.PAUSED], limit=5, offset=3) == paused[3:8]
    store.close()
