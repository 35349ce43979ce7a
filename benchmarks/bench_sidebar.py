"""The sidebar's start-up cost: is it flat from 0 to 100,000 pending schedules?

Run: python benchmarks/bench_sidebar.py [--rounds 3] [--counts 0,10000,100000]
(the 100,000-schedule database takes a minute or two to build; everything in a temp dir)

Each start is a fresh subprocess that builds the app as the CLI does (``build_app``, headless,
160x45) on a database with that many pending one-off schedules, and exits 3 s after its first
frame (Textual's ``events.Ready``). Measured in the child:

- first frame: wall time from the parent's spawn to ``Ready``;
- CPU: the process's CPU time from its start until 3 s after the first frame, so work done
  after the first frame (reading the rest of the schedules, say) counts too;
- RSS: ``ru_maxrss`` at the end (peak memory);
- stall: the longest the event loop was busy after the first frame (a timer asks every 10 ms;
  the longest gap between its calls, less 10 ms): how long the window could not answer a key.

Medians over the rounds (the database sizes in turn), with their spread [min..max]; each size
beside the empty database. Target: at 100,000 within 1.2x the empty database's CPU and RSS.
"""

from __future__ import annotations

import argparse
import itertools
import json
import os
import resource
import statistics
import subprocess
import sys
import tempfile
import time
from datetime import UTC, datetime
from pathlib import Path
from zoneinfo import ZoneInfo

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

SIZE = (160, 45)
AFTER = 3.0  # seconds the child keeps running after its first frame
TARGET = 1.2  # times the empty database's CPU and RSS


def child(db: str, spawn: float) -> None:
    from dynaprompt_tui.cli.main import build_app
    from dynaprompt_tui.config import load_settings

    here = Path(db).parent
    settings = load_settings(
        {"db_path": db, "base_url": "http://127.0.0.1:9/v1", "tz": "UTC"},
        env={"OPENAI_API_KEY": "bench-key"},
        cwd=here,
        config_path=here / "no-config.toml",
    )
    instance = build_app(settings)
    base = type(instance)
    out: dict[str, float] = {}
    ticks: list[float] = []

    class Timed(base):  # type: ignore[misc,valid-type]
        def on_ready(self) -> None:
            out["first_frame_s"] = time.time() - spawn
            ticks.append(time.perf_counter())
            self.set_interval(0.01, lambda: ticks.append(time.perf_counter()))
            self.set_timer(AFTER, self.done)

        def done(self) -> None:
            gaps = [b - a for a, b in itertools.pairwise(ticks)]
            out["stall_s"] = max(0.0, max(gaps, default=0.0) - 0.01)
            out["cpu_s"] = time.process_time()
            out["maxrss_mib"] = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
            print(json.dumps(out), flush=True)
            self.exit()

    instance.__class__ = Timed
    instance.run(headless=True, size=SIZE)


def build(path: Path, count: int) -> Path:
    from _pending import fill_pending

    from dynaprompt_tui.core.storage.store import Store

    store = Store(path)
    fill_pending(store, datetime.now(UTC), count, ZoneInfo("UTC"))
    store.close()
    return path


def start(db: Path) -> dict[str, float]:
    env = {k: v for k, v in os.environ.items() if not k.startswith(("OPENAI_", "DYNAPROMPT_"))}
    env.update(HOME=str(db.parent), XDG_STATE_HOME=str(db.parent / "state"))
    env.update(XDG_CONFIG_HOME=str(db.parent / "config"))
    spawn = time.time()
    done = subprocess.run(
        [sys.executable, __file__, "--child", str(db), str(spawn)],
        env=env,
        capture_output=True,
        text=True,
        timeout=120,
        check=False,
    )
    lines = [line for line in done.stdout.splitlines() if line.startswith("{")]
    if not lines:
        raise SystemExit(f"the child failed:\n{done.stderr[-2000:]}")
    return json.loads(lines[-1])  # type: ignore[no-any-return]


def main() -> int:
    if len(sys.argv) == 4 and sys.argv[1] == "--child":
        child(sys.argv[2], float(sys.argv[3]))
        return 0
    from _verdicts import Verdicts

    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--rounds", type=int, default=3)
    ap.add_argument("--counts", default="0,10000,100000")
    ap.add_argument("--keep", type=Path, help="build the databases here, reuse them next time")
    args = ap.parse_args()
    counts = [int(n) for n in args.counts.split(",")]
    verdicts = Verdicts()
    with tempfile.TemporaryDirectory(prefix="dps-bench-sidebar-") as tmp:
        where = args.keep or Path(tmp)
        dbs = {}
        for n in counts:
            path = where / f"pending-{n}" / "chat.db"
            if not path.exists():
                path.parent.mkdir(parents=True, exist_ok=True)
                print(f"building {n:,} pending ...", flush=True)
                build(path, n)
            dbs[n] = path
        start(dbs[counts[0]])  # warm-up, discarded
        runs: dict[int, list[dict[str, float]]] = {n: [] for n in counts}
        for r in range(args.rounds):
            for n in counts[r % len(counts) :] + counts[: r % len(counts)]:
                runs[n].append(start(dbs[n]))
                print(f"  {n:>7,} pending: {runs[n][-1]}", flush=True)
    base = {k: statistics.median(x[k] for x in runs[counts[0]]) for k in runs[counts[0]][0]}
    for n in counts:
        for key, unit, scale in (
            ("first_frame_s", "ms", 1e3),
            ("cpu_s", "ms", 1e3),
            ("stall_s", "ms", 1e3),
            ("maxrss_mib", "MiB", 1),
        ):
            values = [x[key] for x in runs[n]]
            med = statistics.median(values)
            ratio = med / base[key] if base[key] else float("nan")
            ok = None
            if n == max(counts) and n != counts[0] and key in ("cpu_s", "maxrss_mib"):
                ok = ratio <= TARGET
            verdicts.report(
                f"{n:,} pending: {key}",
                f"{med * scale:.0f} {unit} [{min(values) * scale:.0f}..{max(values) * scale:.0f}]",
                f"{ratio:.2f}x {counts[0]:,} pending",
                ok,
            )
    verdicts.print_table()
    print("FAIL" if verdicts.failed else "PASS")
    return verdicts.exit_code


if __name__ == "__main__":
    sys.exit(main())
