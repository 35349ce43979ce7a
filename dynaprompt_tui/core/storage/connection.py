"""The SQLite connection: opening it with the pragmas delivery relies on, and the lock and
transaction scopes every read and write of the store goes through."""

from __future__ import annotations

import sqlite3
import threading
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

from dynaprompt_tui.core.storage.paths import ensure_private_dir, ensure_private_file

BUSY_TIMEOUT_MS = 5000


def open_connection(path: Path) -> sqlite3.Connection:
    """Open (creating it private) the database at `path`, in WAL mode with full fsync."""
    ensure_private_dir(path.parent)
    ensure_private_file(path)
    # isolation_level=None: we issue BEGIN IMMEDIATE ourselves, so write locks are taken up
    # front and a busy database waits (busy_timeout) instead of failing on lock upgrade.
    conn = sqlite3.connect(
        path, check_same_thread=False, isolation_level=None, timeout=BUSY_TIMEOUT_MS / 1000
    )
    conn.execute(f"PRAGMA busy_timeout = {BUSY_TIMEOUT_MS}")
    conn.execute("PRAGMA journal_mode = WAL")
    conn.execute("PRAGMA synchronous = FULL")  # a delivered fire must survive power loss
    conn.execute("PRAGMA foreign_keys = ON")
    return conn


class Database:
    """One connection shared by the threads of a process; the lock keeps their uses apart.

    Rows come back as plain tuples (the codec decodes them); the engine's worker threads and the
    UI thread share the connection, so every use holds the lock.
    """

    def __init__(self, path: Path) -> None:
        self.path = path
        self.conn = open_connection(path)
        self.lock = threading.Lock()

    @contextmanager
    def transaction(self) -> Iterator[sqlite3.Connection]:
        """A write transaction, its lock taken up front (BEGIN IMMEDIATE); rolled back on error."""
        with self.lock:
            self.conn.execute("BEGIN IMMEDIATE")
            try:
                yield self.conn
            except BaseException:
                self.conn.execute("ROLLBACK")
                raise
            self.conn.execute("COMMIT")

    @contextmanager
    def reading(self) -> Iterator[sqlite3.Connection]:
        """Reads: each statement sees one consistent snapshot (autocommit, WAL)."""
        with self.lock:
            yield self.conn

    def close(self) -> None:
        with self.lock:
            self.conn.close()
