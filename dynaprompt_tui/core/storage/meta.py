"""The `meta` table: small JSON values by key (the bot's turn streak, daily call counts)."""

from __future__ import annotations

import json
import sqlite3
from datetime import UTC, datetime
from typing import Any

from dynaprompt_tui.core.storage.codec import ts


def get(c: sqlite3.Connection, key: str, default: Any = None) -> Any:
    row = c.execute("SELECT value FROM meta WHERE key = ?", (key,)).fetchone()
    return default if row is None else json.loads(row[0])


def put(c: sqlite3.Connection, key: str, value: Any) -> None:
    c.execute(
        "INSERT INTO meta (key, value, updated_at) VALUES (?, ?, ?) ON CONFLICT(key) DO"
        " UPDATE SET value = excluded.value, updated_at = excluded.updated_at",
        (key, json.dumps(value), ts(datetime.now(UTC))),
    )
