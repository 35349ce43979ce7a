"""SQLite persistence: chat messages, schedules and the log of deliveries, behind `Store`."""

from dynaprompt_tui.core.storage.errors import (
    ClaimLostError,
    FireSkippedError,
    PendingLimitError,
    StoreError,
    UnknownScheduleError,
)
from dynaprompt_tui.core.storage.store import Store

__all__ = [
    "ClaimLostError",
    "FireSkippedError",
    "PendingLimitError",
    "Store",
    "StoreError",
    "UnknownScheduleError",
]
