"""A burst in the app: 100 schedules due at one instant, 10,000 pending, delivered by the window.

Run: python benchmarks/bench_burst.py [--rounds 5] [--pending 10000] [--burst 100]
(about 1 minute with the defaults; everything in a temp dir)

The real app (``make_app`` as the CLI builds it, the demo bot, the system clock) runs headless
(``run_test``, 160x45) on a database with --pending one-off schedules, none due during the run.
Its own engine holds the lease and delivers. Each round a second connection (as the command
line or another window would) adds --burst schedules to the user, all due at the same instant
3 s later, in a worker thread so the app keeps running. Measured per round:

- last delivered: the latest ``delivered_at - due_at`` of the burst's fires, as the engine
  stored them (target <= 1 s);
- sidebar caught up: from the due time until the sidebar shows none of the burst's schedules
  any more and its title counts the pending ones again (the window has caught up with the
  deliveries, their messages and the sidebar's refreshes; no target, for information).

Medians over the rounds, with their spread [min..max]. Exit status 1 if a target is missed.
"""

from __future__ import annotations

import argparse
import asyncio
import sqlite3
import statistics
import sys
import tempfile
import time
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any
from zoneinfo import ZoneInfo

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from _pending import fill_pending
from _verdicts import Verdicts

from dynaprompt_tui.config import Settings
from dynaprompt_tui.core.conversation import Conversation
from dynaprompt_tui.core.models import Party
from dynaprompt_tui.core.scheduling.book import ScheduleBook
from dynaprompt_tui.core.scheduling.rules import When
from dynaprompt_tui.core.storage.store import Store

TZ = ZoneInfo("UTC")
SIZE = (160, 45)
LEAD = 3.0  # seconds between adding a burst and its due time
TARGET = 1.0  # seconds: the last of the burst delivered within this of the due time
TIMEOUT = 120.0

VERDICTS = Verdicts()
report = VERDICTS.report


def spread(values: list[float]) -> str:
    return f"[{min(values) * 1e3:.0f}..{max(values) * 1e3:.0f}]"


def add_burst(db: Path, n: int, due: datetime, tag: str) -> list[str]:
    """`n` one-off schedules due at `due`, added by a connection of their own."""
    store = Store(db)
    try:
        book, now = ScheduleBook(store), datetime.now(UTC)
        ids = []
        for i in range(n):
            prompt = f"burst {tag}.{i}"
            when = When("once", TZ, prompt, start=now, at=due)
            s = book.add_schedule(
                created_by=Party.USER,
                recipient=Party.USER,
                time_prompt=prompt,
                when=when,
                prompt=prompt,
                now=now,
            )
            ids.append(s.id)
        return ids
    finally:
        store.close()


def delivered(db: Path, ids: list[str]) -> list[datetime]:
    """The delivery times of these schedules' fires so far."""
    conn = sqlite3.connect(f"file:{db}?mode=ro", uri=True)
    try:
        marks = ",".join("?" * len(ids))
        rows = conn.execute(
            "SELECT delivered_at FROM fires WHERE status = 'delivered'"
            f" AND schedule_id IN ({marks})",
            ids,
        ).fetchall()
    finally:
        conn.close()
    return [datetime.fromisoformat(r[0]) for r in rows]


def sidebar_caught_up(app: Any, ids: set[str], pending: int) -> bool:
    """What the sidebar paints (its lines, not its properties: those would make it reload)."""
    sidebar = app.main_screen.sidebar
    if not sidebar.render_line(0).text.strip().startswith(f"Schedules ({pending})"):
        return False
    first = sidebar.render_line(1).text
    return not any(sid in first for sid in ids)


async def bench(db: Path, rounds: int, burst: int, pending: int) -> None:
    from dynaprompt_tui.tui.app import make_app

    settings = Settings(db_path=db, tz="UTC", demo=True, bell=False)
    app = make_app(settings, conversation=Conversation.open(settings))
    lasts: list[float] = []
    caught: list[float] = []
    async with app.run_test(size=SIZE) as pilot:
        await pilot.pause()
        deadline = time.monotonic() + 30
        while not app.conversation.engine.delivering:
            if time.monotonic() > deadline:
                raise SystemExit("the app's engine never took the lease")
            await asyncio.sleep(0.05)
        for r in range(rounds):
            due = datetime.now(UTC) + timedelta(seconds=LEAD)
            ids = await asyncio.to_thread(add_burst, db, burst, due, str(r))
            assert datetime.now(UTC) < due - timedelta(seconds=1), "adding took too long"
            wanted, ui_at = set(ids), None
            stop = time.monotonic() + TIMEOUT
            while True:
                if (
                    ui_at is None
                    and datetime.now(UTC) > due
                    and sidebar_caught_up(app, wanted, pending)
                ):
                    ui_at = datetime.now(UTC)
                times = await asyncio.to_thread(delivered, db, ids)
                if len(times) == burst and ui_at is not None:
                    break
                if time.monotonic() > stop:
                    raise SystemExit(f"round {r}: {len(times)}/{burst} delivered after {TIMEOUT} s")
                await asyncio.sleep(0.02)
            lasts.append((max(times) - due).total_seconds())
            caught.append((ui_at - due).total_seconds())
            print(
                f"  round {r}: last delivered {lasts[-1] * 1e3:.0f} ms, "
                f"sidebar caught up {caught[-1] * 1e3:.0f} ms",
                flush=True,
            )
            await asyncio.sleep(1.0)  # quiet between rounds
    report(
        f"burst of {burst} due at once, {pending:,} pending: last delivered (<=1 s)",
        f"{statistics.median(lasts) * 1e3:.0f} ms {spread(lasts)}",
        f"median of {rounds} rounds",
        statistics.median(lasts) <= TARGET,
    )
    report(
        "  the sidebar caught up",
        f"{statistics.median(caught) * 1e3:.0f} ms {spread(caught)}",
        "from the due time",
        None,
    )


def main() -> int:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--rounds", type=int, default=5)
    ap.add_argument("--pending", type=int, default=10_000)
    ap.add_argument("--burst", type=int, default=100)
    args = ap.parse_args()
    with tempfile.TemporaryDirectory(prefix="dps-bench-burst-") as tmp:
        db = Path(tmp) / "bench.db"
        store = Store(db)
        fill_pending(store, datetime.now(UTC), args.pending, TZ)
        store.close()
        asyncio.run(bench(db, args.rounds, args.burst, args.pending))
    VERDICTS.print_table()
    print("FAIL" if VERDICTS.failed else "PASS")
    return VERDICTS.exit_code


if __name__ == "__main__":
    sys.exit(main())
