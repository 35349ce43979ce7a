"""Child process for test_crash.py: claim the due fire (and maybe deliver it), say so, then hang.

The test kills this process with SIGKILL at that point, as a crash or `kill -9` would.
Usage: crash_child.py DB_PATH claim|deliver NOW_ISO READY_FILE
"""

from __future__ import annotations

import sys
import time
from datetime import datetime, timedelta
from pathlib import Path

from dynaprompt_tui.core.store import Store, default_owner


def main() -> None:
    db, mode, now_iso, ready = sys.argv[1:5]
    now = datetime.fromisoformat(now_iso)
    store = Store(db)
    [schedule] = store.due(now)
    fire = store.claim(schedule, now=now, owner=default_owner())
    assert fire is not None
    if mode == "deliver":
        store.deliver(fire, now=now, late_after=timedelta(seconds=90))
    # Written after the commit above, so the test kills us with the claim (or delivery) on disk.
    tmp = Path(ready + ".tmp")
    tmp.write_text(str(fire.id))
    tmp.replace(ready)
    time.sleep(600)


if __name__ == "__main__":
    main()
