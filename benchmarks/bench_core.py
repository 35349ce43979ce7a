"""Core benchmarks: parsing, finding the next due schedule, fire latency, idle CPU.

Run: python benchmarks/bench_core.py   (about 20 s; everything lives in a temp dir)

Each figure is printed beside a baseline measured in the same run on the same machine, so the
numbers mean something on a slow CI box too. Exit status is 1 if a target is missed.
"""

from __future__ import annotations

import asyncio
import random
import statistics
import sys
import tempfile
import time
from datetime import UTC, datetime, timedelta
from pathlib import Path
from zoneinfo import ZoneInfo

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from _pending import fill_pending
from _verdicts import Verdicts

from dynaprompt_tui.core.clock import SystemClock
from dynaprompt_tui.core.models import Party
from dynaprompt_tui.core.scheduling.book import ScheduleBook
from dynaprompt_tui.core.scheduling.engine import Delivery, Engine
from dynaprompt_tui.core.scheduling.rules import When
from dynaprompt_tui.core.storage.store import Store

TZ = ZoneInfo("Europe/London")
N_PENDING = 10_000
N_LATENCY = 200

PHRASES = [
    "in 5 minutes",
    "in 90 seconds",
    "in 2 hours",
    "in an hour and a half",
    "tomorrow at 9am",
    "tomorrow morning",
    "tonight at 10",
    "at 18:00",
    "at noon",
    "next friday at noon",
    "next monday at 8:30",
    "on 3 april at 10am",
    "on the 14th at 2pm",
    "this evening",
    "in 3 days",
    "in a week",
    "every day at 09:00",
    "every morning at 7",
    "every monday at 8:30",
    "every weekday at 7am",
    "every 15 minutes",
    "every hour",
    "every 2 hours",
    "every 2 days at 8pm",
    "every sunday evening",
    "every month on the 1st at 9",
    "every day at 9 for 5 days",
    "every 30 minutes until 6pm",
    "daily at 6:45 pm",
    "weekly on thursday at 4pm",
]

PARSE_ROUNDS = 9  # median of these, spread printed
VERDICTS = Verdicts()
report = VERDICTS.report


def per_second(fn, items, seconds: float = 1.5) -> float:
    """Calls of fn over items per second, timed over roughly `seconds`."""
    done = 0
    t0 = time.perf_counter()
    while time.perf_counter() - t0 < seconds:
        for it in items:
            fn(it)
        done += len(items)
    return done / (time.perf_counter() - t0)


# -- 1. parsing ------------------------------------------------------------------------------------


def bench_parse() -> None:
    import parsedatetime

    now = datetime.now(UTC)
    cal = parsedatetime.Calendar()
    source = now.astimezone(TZ).timetuple()
    try:
        from dynaprompt_tui.core.timephrases.parse import parse_when
    except ImportError as e:
        report(
            "parse_when phrases/s",
            f"n/a ({e.name} missing)",
            "parsedatetime",
            None,
        )
        return
    errors = 0

    def one(p: str) -> None:
        nonlocal errors
        try:
            parse_when(p, now)
        except Exception:
            errors += 1

    # Rounds alternate ours and the baseline, so a busy machine slows both alike.
    ours: list[float] = []
    theirs: list[float] = []
    for _ in range(PARSE_ROUNDS):
        ours.append(per_second(one, PHRASES, seconds=0.4))
        theirs.append(per_second(lambda p: cal.parse(p, source), PHRASES, seconds=0.4))
    rate, base = statistics.median(ours), statistics.median(theirs)
    note = f" ({errors} errors)" if errors else ""
    # Target (issue 17): at least 10,000 phrases/s, so parsing a whole corpus is instant.
    report(
        "parse_when phrases/s (>=10,000)",
        f"{rate:,.0f}/s [{min(ours):,.0f}-{max(ours):,.0f}]{note}",
        f"{base:,.0f}/s parsedatetime [{min(theirs):,.0f}-{max(theirs):,.0f}]",
        rate >= 10_000,
    )


# -- 2. next due among 10,000 ------------------------------------------------------------------


def bench_next_due(store: Store, now: datetime) -> None:
    times = [s.next_fire for s in store.schedules()]
    assert len(times) == N_PENDING
    reps = 2000
    t0 = time.perf_counter()
    for _ in range(reps):
        store.next_due()
    ours = (time.perf_counter() - t0) / reps
    t0 = time.perf_counter()
    for _ in range(200):
        min(times)
    base = (time.perf_counter() - t0) / 200
    assert store.next_due() == min(times)
    report(
        "next_due() of 10,000 (<=1 ms)",
        f"{ours * 1e6:,.0f} µs",
        f"{base * 1e6:,.0f} µs min() over list",
        ours <= 1e-3,
    )


# -- 3. fire latency and 4. idle CPU -----------------------------------------------------------


def pct(values: list[float], q: float) -> float:
    s = sorted(values)
    return s[min(len(s) - 1, round(q * (len(s) - 1)))]


async def timer_baseline(offsets: list[float]) -> list[float]:
    """Lateness of a bare asyncio sleep to the same kind of deadlines: the floor for any loop."""
    clock = SystemClock()
    start = clock.now()
    late: list[float] = []

    async def one(off: float) -> None:
        target = start + timedelta(seconds=off)
        await clock.sleep((target - clock.now()).total_seconds())
        late.append((clock.now() - target).total_seconds())

    await asyncio.gather(*(one(o) for o in offsets))
    return late


async def bench_engine(store: Store) -> None:
    clock = SystemClock()
    lat: list[float] = []
    done = asyncio.Event()

    def on_delivery(d: Delivery) -> None:
        assert d.message.due_at is not None
        lat.append((clock.now() - d.message.due_at).total_seconds())
        if len(lat) == N_LATENCY:
            done.set()

    engine = Engine(store, clock, on_delivery)
    engine.start()
    await asyncio.sleep(0.2)

    # Idle: the engine is parked with 10,000 schedules pending, none due for a day.
    idle_s = 3.0
    c0 = time.process_time()
    await asyncio.sleep(idle_s)
    idle_cpu = time.process_time() - c0
    await engine.stop()
    c0 = time.process_time()
    await asyncio.sleep(idle_s)  # same wait, no engine
    base_cpu = time.process_time() - c0
    report(
        f"idle CPU over {idle_s:.0f} s (<=30 ms)",
        f"{idle_cpu * 1e3:.1f} ms",
        f"{base_cpu * 1e3:.1f} ms no engine",
        idle_cpu <= 0.030,
    )

    engine = Engine(store, clock, on_delivery)
    engine.start()
    rnd = random.Random(11)
    offsets = sorted(1.0 + rnd.random() * 2.5 for _ in range(N_LATENCY))
    now = clock.now()
    for i, off in enumerate(offsets):
        when = When("once", TZ, f"bench {i}", start=now, at=now + timedelta(seconds=off))
        ScheduleBook(store).add_schedule(
            created_by=Party.CHATBOT,
            recipient=Party.CHATBOT,
            time_prompt=f"bench {i}",
            when=when,
            prompt=f"bench {i}",
            now=now,
        )
    engine.wake()
    await asyncio.wait_for(done.wait(), timeout=30)
    await engine.stop()

    base = await timer_baseline([o - 1.0 + 0.2 for o in offsets])
    report(
        "fire latency median",
        f"{statistics.median(lat) * 1e3:.2f} ms",
        f"{statistics.median(base) * 1e3:.2f} ms bare asyncio sleep",
        None,
    )
    report(
        "fire latency p99 (<=20 ms)",
        f"{pct(lat, 0.99) * 1e3:.2f} ms",
        f"{pct(base, 0.99) * 1e3:.2f} ms bare asyncio sleep",
        pct(lat, 0.99) <= 0.020,
    )


def main() -> int:
    t_start = time.perf_counter()
    bench_parse()
    with tempfile.TemporaryDirectory(prefix="dps-bench-") as tmp:
        store = Store(Path(tmp) / "bench.db")
        now = datetime.now(UTC)
        fill_pending(store, now, N_PENDING, TZ)
        bench_next_due(store, now)
        asyncio.run(bench_engine(store))
        store.close()

    VERDICTS.print_table()
    print(
        f"\n{N_PENDING:,} pending schedules in the db; total {time.perf_counter() - t_start:.1f} s"
    )
    print("FAIL" if VERDICTS.failed else "PASS")
    return VERDICTS.exit_code


if __name__ == "__main__":
    sys.exit(main())
