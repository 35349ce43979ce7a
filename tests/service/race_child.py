"""Child process for test_races.py, started several at once on one database.

Usage: race_child.py open DIR ROUNDS    open DIR/ROUND/db (brand new) when DIR/ROUND/go appears
       race_child.py cap DB GO N        as the chatbot, schedule N messages once GO appears
Prints one line per failure (the test expects none) and, for `cap`, how many were made.
"""

from __future__ import annotations

import os
import sys
import time
from pathlib import Path


def _wait_for(path: Path) -> None:
    while not path.exists():  # start together, to make the processes contend
        time.sleep(0.0005)


def opens(directory: Path, rounds: int) -> None:
    from dynaprompt_tui.core.storage import Store

    for r in range(rounds):
        here = directory / str(r)
        (here / f"ready.{os.getpid()}").write_text("")
        _wait_for(here / "go")
        try:
            Store(here / "db").close()
        except Exception as e:
            print(f"round {r}: {type(e).__name__}: {e}", flush=True)


def cap(db: str, go: Path, n: int) -> None:
    from dynaprompt_tui.config import Settings
    from dynaprompt_tui.core.conversation import Conversation
    from dynaprompt_tui.core.conversation.instructions import ScheduleInstruction
    from dynaprompt_tui.core.models import Party

    conversation = Conversation.open(Settings(db_path=Path(db), demo=True, tz="UTC"))
    _ = conversation.actions  # (loaded before the start: the race is the inserts)
    go.with_name(f"ready.{os.getpid()}").write_text("")
    _wait_for(go)
    made = 0
    for i in range(n):
        ins = ScheduleInstruction(Party.USER, f"in {i + 2} hours", f"note {i}", 1, "dps u")
        result = conversation.actions.schedule(ins, by=Party.CHATBOT)
        made += result.ok
    conversation.store.close()
    print(f"made {made}", flush=True)


if __name__ == "__main__":
    if sys.argv[1] == "open":
        opens(Path(sys.argv[2]), int(sys.argv[3]))
    else:
        cap(sys.argv[2], Path(sys.argv[3]), int(sys.argv[4]))
