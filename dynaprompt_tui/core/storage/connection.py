"""The SQLite connection: opening it with the pragmas delivery relies on, and the lock and
transaction scopes every read and write of the store goes through."""

from __future__ import annotations

import errno
import sqlite3
import threading
import time
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

from dynaprompt_tui.core.storage.errors import DatabaseUnusableError, StoreError
from dynaprompt_tui.core.storage.paths import ensure_private_dir, ensure_private_file

BUSY_TIMEOUT_MS = 5000
# SQLite's own page cache per connection (its default: 2,000 KiB). A long-running window or
# service fills it mostly with pages it wrote (messages, their full-text index, fires) and
# seldom reads again, while the OS keeps the file cached anyway: half the default keeps a
# session's memory flatter, and the read paths measure the same (benchmarks/bench_app.py's
# session; bench_conversations.py's search on 1,000,000 messages).
PAGE_CACHE_KIB = 1024


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
    _use_wal(conn)
    conn.execute("PRAGMA synchronous = FULL")  # a delivered fire must survive power loss
    conn.execute("PRAGMA foreign_keys = ON")
    conn.execute(f"PRAGMA cache_size = -{PAGE_CACHE_KIB}")
    return conn


def _use_wal(conn: sqlite3.Connection) -> None:
    """Switch to WAL, waiting out another process doing the same on a brand-new file.

    Changing the journal mode needs an exclusive lock, and SQLite answers "database is locked"
    at once (no busy handler) while another connection is mid-switch; so retry up to the busy
    timeout. Once a file is in WAL mode it stays so, and this is a plain read."""
    deadline = time.monotonic() + BUSY_TIMEOUT_MS / 1000
    delay = 0.002
    while True:
        try:
            conn.execute("PRAGMA journal_mode = WAL")
            return
        except sqlite3.OperationalError as e:
            if "locked" not in str(e) and "busy" not in str(e):
                raise
            if time.monotonic() + delay > deadline:
                raise
        time.sleep(delay)
        delay = min(delay * 2, 0.05)


@contextmanager
def explained(path: Path) -> Iterator[None]:
    """Opening or preparing the database at `path`: SQLite's and the OS's errors become a
    `DatabaseUnusableError` saying what is wrong with which path and what to do."""
    try:
        yield
    except StoreError:
        raise
    except (sqlite3.Error, OSError) as e:
        raise DatabaseUnusableError(unusable(path, e)) from e


def unusable(path: Path, e: BaseException) -> str:
    """One line for the user: the path, the trouble in words (no exception names), the remedy."""
    text, at = str(e).lower(), f"cannot open the database {path}"
    if path.is_dir() or isinstance(e, IsADirectoryError):
        return f"{at}: it is a directory; give a file in it, e.g. --db {path / 'chat.db'}"
    if isinstance(e, PermissionError) or "readonly" in text or "permission" in text:
        return f"{at}: no permission to write there; choose a path you can write (--db)"
    if "not a database" in text or "malformed" in text:
        return (
            f"{at}: the file is not a dynaprompt database (not SQLite, or damaged); "
            "pass another --db, or move the file away to start afresh"
        )
    if "full" in text or "disk i/o" in text or getattr(e, "errno", None) in _DISK_ERRNOS:
        return f"{at}: the disk is full or failing; free some space, or pass --db on another disk"
    if "locked" in text:
        return f"{at}: another program holds it locked; close that program and try again"
    if isinstance(e, NotADirectoryError):
        return f"{at}: a part of its path is a file, not a folder; pass another --db"
    if isinstance(e, FileNotFoundError) or "unable to open" in text:
        return f"{at}: its folder does not exist and cannot be made there; pass another --db"
    reason = e.strerror if isinstance(e, OSError) and e.strerror else str(e)
    return f"{at}: {reason}"


_DISK_ERRNOS = frozenset({errno.ENOSPC, errno.EIO, errno.EDQUOT})


class Database:
    """One connection shared by the threads of a process; the lock keeps their uses apart.

    Rows come back as plain tuples (the codec decodes them); the engine's worker threads and the
    UI thread share the connection, so every use holds the lock.
    """

    def __init__(self, path: Path) -> None:
        self.path = path
        with explained(path):
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
