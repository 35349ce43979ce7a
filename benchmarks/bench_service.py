"""The background service's benchmarks: its idle CPU, and fire latency through it.

Run: python benchmarks/bench_service.py [--idle 60] [--rounds 3]   (about 2 min by default)

`dynaprompt-tui serve` runs as a subprocess on a database with 10,000 pending schedules (none
due during the run), everything in a temp dir. Measured:

- idle CPU of the service over --idle seconds, beside a sleeping process (Linux: /proc);
- fire latency of 200 schedules added from this process, due over 2.5 s: delivered_at - due_at
  as stored in the fires table, p50 and p99 (target p99 <= 20 ms), beside a bare asyncio
  sleep's lateness to the same deadlines in this process;
- a burst of 100 due at the same instant: from the due time to the last delivery (target
  <= 1 s).

Each round adds its schedules afresh; the medians over rounds are printed with their spread.
Exit status 1 if a target is missed.
"""

from __future__ import annotations

import argparse
import asyncio
import os
import random
import statistics
import subprocess
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
from dynaprompt_tui.core.scheduling.lease import current_holder
from dynaprompt_tui.core.scheduling.rules import When
from dynaprompt_tui.core.storage.store import Store

TZ = ZoneInfo("UTC")
N_PENDING = 10_000
N_LATENCY = 200
N_BURST = 100
COMMAND = str(Path(sys.executable).parent / "dynaprompt-tui")

VERDICTS = Verdicts()
report = VERDICTS.report


def pct(values: list[float], q: float) -> float:
    s = sorted(values)
    return s[min(len(s) - 1, round(q * (len(s) - 1)))]


def spread(values: list[float], unit: float = 1e3) -> str:
    return f"[{min(values) * unit:.1f}..{max(values) * unit:.1f}]"


def once(prompt: str, at: datetime, now: datetime) -> When:
    return When("once", TZ, prompt, start=now, at=at)


def add(store: Store, at: datetime, now: datetime, prompt: str) -> str:
    return (
        ScheduleBook(store)
        .add_schedule(
            created_by=Party.USER,
            recipient=Party.USER,
            time_prompt=prompt,
            when=once(prompt, at, now),
            prompt=prompt,
            now=now,
        )
        .id
    )


def cpu_seconds(pid: int) -> float | None:
    """User + system CPU of a process so far (Linux /proc; None elsewhere)."""
    try:
        fields = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
    except OSError:
        return None
    return (int(fields[11]) + int(fields[12])) / os.sysconf("SC_CLK_TCK")


def wait_until(check, timeout: float, what: str):
    deadline = time.monotonic() + timeout
    while not (got := check()):
        if time.monotonic() > deadline:
            raise SystemExit(f"timed out waiting for {what}")
        time.sleep(0.01)
    return got


async def timer_baseline(offsets: list[float]) -> list[float]:
    clock = SystemClock()
    start = clock.now()
    late: list[float] = []

    async def one(off: float) -> None:
        target = start + timedelta(seconds=off)
        await clock.sleep((target - clock.now()).total_seconds())
        late.append((clock.now() - target).total_seconds())

    await asyncio.gather(*(one(o) for o in offsets))
    return late


def delivered(store: Store, ids: list[str], timeout: float) -> list[float]:
    """Each schedule's lateness (delivered_at - due_at), once all are delivered."""
    wanted = set(ids)

    def done():
        fires = [f for f in store.fires() if f.schedule_id in wanted and f.status == "delivered"]
        return fires if len(fires) == len(wanted) else None

    fires = wait_until(done, timeout, "the deliveries")
    return [(f.delivered_at - f.due_at).total_seconds() for f in fires if f.delivered_at]


def bench_latency(store: Store, rounds: int) -> None:
    p50s, p99s, base50, base99 = [], [], [], []
    for r in range(rounds):
        rnd = random.Random(11 + r)
        now = datetime.now(UTC)
        offsets = sorted(3.0 + rnd.random() * 2.5 for _ in range(N_LATENCY))
        ids = [
            add(store, now + timedelta(seconds=o), now, f"lat {r}.{i}")
            for i, o in enumerate(offsets)
        ]
        assert datetime.now(UTC) < now + timedelta(seconds=3), "adding took too long"
        lat = delivered(store, ids, 30)
        p50s.append(statistics.median(lat))
        p99s.append(pct(lat, 0.99))
        base = asyncio.run(timer_baseline([o - 2.5 for o in offsets]))
        base50.append(statistics.median(base))
        base99.append(pct(base, 0.99))
    report(
        f"fire latency p50 ({rounds} rounds)",
        f"{statistics.median(p50s) * 1e3:.2f} ms {spread(p50s)}",
        f"{statistics.median(base50) * 1e3:.2f} ms bare asyncio sleep",
        None,
    )
    report(
        "fire latency p99 (<=20 ms)",
        f"{statistics.median(p99s) * 1e3:.2f} ms {spread(p99s)}",
        f"{statistics.median(base99) * 1e3:.2f} ms bare asyncio sleep",
        statistics.median(p99s) <= 0.020,
    )


def bench_burst(store: Store, rounds: int) -> None:
    spans = []
    for r in range(rounds):
        now = datetime.now(UTC)
        due = now + timedelta(seconds=3)
        ids = [add(store, due, now, f"burst {r}.{i}") for i in range(N_BURST)]
        assert datetime.now(UTC) < due, "adding took too long"
        spans.append(max(delivered(store, ids, 30)))
    report(
        f"burst of {N_BURST} due at once: last delivered (<=1 s)",
        f"{statistics.median(spans) * 1e3:.0f} ms {spread(spans)}",
        "",
        statistics.median(spans) <= 1.0,
    )


def bench_idle(service: subprocess.Popen[bytes], seconds: float) -> None:
    sleeper = subprocess.Popen([sys.executable, "-c", "import time; time.sleep(1e6)"])
    try:
        time.sleep(1.0)  # let the sleeper finish starting
        s0, b0 = cpu_seconds(service.pid), cpu_seconds(sleeper.pid)
        if s0 is None or b0 is None:
            report("idle CPU", "n/a (needs /proc)", "", None)
            return
        time.sleep(seconds)  # the measurement window itself
        s1, b1 = cpu_seconds(service.pid), cpu_seconds(sleeper.pid)
        assert s1 is not None and b1 is not None
        idle = s1 - s0
        report(
            f"service idle CPU over {seconds:.0f} s (<=0.5%)",
            f"{idle * 1e3:.0f} ms ({idle / seconds:.3%})",
            f"{(b1 - b0) * 1e3:.0f} ms a sleeping process",
            idle / seconds <= 0.005,
        )
    finally:
        sleeper.kill()
        sleeper.wait()


def main() -> int:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--idle", type=float, default=60.0, help="idle window in seconds")
    ap.add_argument("--rounds", type=int, default=3)
    args = ap.parse_args()
    t_start = time.perf_counter()
    with tempfile.TemporaryDirectory(prefix="dps-bench-service-") as tmp:
        db = Path(tmp) / "bench.db"
        store = Store(db)
        fill_pending(store, datetime.now(UTC), N_PENDING, TZ)
        env = {
            **os.environ,
            "HOME": tmp,
            "XDG_STATE_HOME": str(Path(tmp) / "state"),
            "XDG_CONFIG_HOME": str(Path(tmp) / "config"),
        }
        env = {k: v for k, v in env.items() if not k.startswith(("OPENAI_", "DYNAPROMPT_"))}
        service = subprocess.Popen(
            [COMMAND, "serve", "--demo", "--db", str(db), "--tz", "UTC"], env=env, cwd=tmp
        )
        try:
            wait_until(
                lambda: (h := current_holder(store, datetime.now(UTC))) and h.pid == service.pid,
                30,
                "the service to take the lease",
            )
            bench_idle(service, args.idle)
            bench_latency(store, args.rounds)
            bench_burst(store, args.rounds)
        finally:
            service.terminate()
            service.wait(timeout=30)
            store.close()

    VERDICTS.print_table()
    print(
        f"\n{N_PENDING:,} pending schedules in the db; total {time.perf_counter() - t_start:.1f} s"
    )
    print("FAIL" if VERDICTS.failed else "PASS")
    return VERDICTS.exit_code


if __name__ == "__main__":
    sys.exit(main())
