"""Child process for the service tests: an engine on the database, as an open window runs one
(role "app", the real clock), delivering only while it holds the lease, until killed.

Usage: engine_child.py DB_PATH
"""

from __future__ import annotations

import asyncio
import sys

from dynaprompt_tui.core.clock import SystemClock
from dynaprompt_tui.core.scheduling.engine import Engine
from dynaprompt_tui.core.storage import Store


async def main(db: str) -> None:
    engine = Engine(Store(db), SystemClock(), lambda d: None, role="app")
    await engine.run()


if __name__ == "__main__":
    asyncio.run(main(sys.argv[1]))
