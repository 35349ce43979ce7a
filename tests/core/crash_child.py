"""Child process for test_crash.py: claim the due fire (and maybe deliver it), say so, then hang.

The test kills this process with SIGKILL at that point, as a crash or `kill -9` would.
Usage: crash_child.py DB_PATH claim|deliver NOW_ISO READY_FILE
       crash_child.py DB_PATH engine NOW_ISO GO_FILE   (race: run one engine pass, print count)
"""

from __future__ import annotations

import asyncio
import os
import sys
import time
from datetime import datetime, timedelta
from pathlib import Path

from dynaprompt_tui.core.clock import FakeClock
from dynaprompt_tui.core.scheduling.book import ScheduleBook
from dynaprompt_tui.core.scheduling.engine import Engine
from dynaprompt_tui.core.storage import Store
from dynaprompt_tui.core.storage.owners import default_owner


def race(store: Store, now: datetime, go: Path) -> None:
    go.with_name(f"{go.name}.ready.{os.getpid()}").write_text("")  # imported, store open
    while not go.exists():  # start together, to make the processes actually contend
        time.sleep(0.001)
    deliveries = asyncio.run(Engine(store, FakeClock(now), lambda d: None).fire_due())
    print(len(deliveries))


def main() -> None:
    db, mode, now_iso, ready = sys.argv[1:5]
    now = datetime.fromisoformat(now_iso)
    store = Store(db)
    if mode == "engine":
        race(store, now, Path(ready))
        return
    [schedule] = store.due(now)
    fire = store.claim(schedule, now=now, owner=default_owner())
    assert fire is not None
    if mode == "deliver":
        ScheduleBook(store).deliver(fire, now=now, late_after=timedelta(seconds=90))
    # Written after the commit above, so the test kills us with the claim (or delivery) on disk.
    tmp = Path(ready + ".tmp")
    tmp.write_text(str(fire.id))
    tmp.replace(ready)
    time.sleep(600)


if __name__ == "__main__":
    main()
