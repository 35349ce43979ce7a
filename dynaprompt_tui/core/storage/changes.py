"""What other processes wrote: the cheap test (`PRAGMA data_version`) and, when it says so, what
is new since a `SyncPoint` (messages added, recent messages changed or deleted, the messages a
viewer shows deleted, the viewer's conversation deleted, schedules changed).

`data_version` is per connection and changes only when *another* connection commits, so asking
it costs one read of the WAL index and never sees our own writes; a window asks it on a slow
timer (tui/sync.py) and reads the tables only when it moved. Writes of this process are left out
by the caller (`Store` passes the ids of the messages it wrote itself).
"""

from __future__ import annotations

import sqlite3
import zlib
from collections.abc import Collection
from typing import NamedTuple

from dynaprompt_tui.core.models import Message
from dynaprompt_tui.core.storage.codec import MESSAGE_COLUMNS, decode_message

RECENT = 30  # the newest messages re-read for changes (a reply streamed by another process)
MAX_NEW = 500  # new messages read at once; a longer burst arrives over the next reads


class SyncPoint(NamedTuple):
    """What a reader has seen of the database."""

    data_version: int
    last_message_id: int
    schedules: int  # the writes the schedules had
    recent: tuple[tuple[int, int], ...]  # (id, checksum of content and meta), newest messages


class Changes(NamedTuple):
    """What other connections wrote since a SyncPoint."""

    point: SyncPoint  # the point to ask from next time
    added: list[Message]  # oldest first
    changed: list[Message]  # recent messages whose content or meta changed
    schedules_changed: bool
    removed: tuple[int, ...] = ()  # messages deleted: recent ones, or ones the viewer shows
    conversation_gone: bool = False  # the viewer's conversation was deleted


def data_version(c: sqlite3.Connection) -> int:
    n: int = c.execute("PRAGMA data_version").fetchone()[0]
    return n


def _schedules_stamp(c: sqlite3.Connection) -> int:
    """How many writes the schedules have had (kept by triggers: storage/migrations.py, m004)."""
    n: int = c.execute("SELECT n FROM schedule_writes").fetchone()[0]
    return n


def _recent(c: sqlite3.Connection) -> list[tuple[int, int]]:
    rows = c.execute(
        "SELECT id, content, meta FROM messages ORDER BY id DESC LIMIT ?", (RECENT,)
    ).fetchall()
    return [(i, zlib.crc32(f"{content}\0{meta}".encode())) for i, content, meta in rows]


def point(c: sqlite3.Connection, last_message_id: int | None = None) -> SyncPoint:
    """Where the reader is now; `last_message_id`: the newest message it has (default: the
    newest stored), so that messages written after it still count as new."""
    recent = _recent(c)
    if last_message_id is None:
        last_message_id = recent[0][0] if recent else 0
    return SyncPoint(data_version(c), last_message_id, _schedules_stamp(c), tuple(recent))


def since(
    c: sqlite3.Connection,
    old: SyncPoint,
    mine: Collection[int],
    *,
    look: bool = False,
    shown: Collection[int] = (),
    conversation_id: int | None = None,
) -> Changes | None:
    """What others wrote since `old` (None: nothing, the cheap answer). `mine`: ids of the
    messages this process wrote (or changed), which its own listeners have shown already.
    `look`: read the tables even if no other connection wrote (this process changed a schedule
    without telling anyone: a skipped fire). `shown`: the messages a viewer shows, and
    `conversation_id` its conversation: told when they were deleted (a message deleted or a
    reply regenerated in another window, the conversation deleted from the command line)."""
    version = data_version(c)
    if version == old.data_version and not look:
        return None
    rows = c.execute(
        f"SELECT {MESSAGE_COLUMNS} FROM messages WHERE id > ? ORDER BY id LIMIT ?",
        (old.last_message_id, MAX_NEW),
    ).fetchall()
    added = [m for m in (decode_message(r) for r in rows) if m.id not in mine]
    last = max(old.last_message_id, rows[-1][0] if rows else 0)
    recent = _recent(c)
    before = dict(old.recent)
    stale = [i for i, crc in recent if i in before and before[i] != crc and i not in mine]
    changed = []
    for i in sorted(stale):
        row = c.execute(f"SELECT {MESSAGE_COLUMNS} FROM messages WHERE id = ?", (i,)).fetchone()
        if row is not None:
            changed.append(decode_message(row))
    stamp = _schedules_stamp(c)
    left = {i for i, _ in old.recent} - {i for i, _ in recent}  # deleted, or older than RECENT
    removed = _deleted(c, left | set(shown))
    gone = conversation_id is not None and not _conversation_exists(c, conversation_id)
    # A burst longer than MAX_NEW: keep the old version, so that the next read goes on.
    new = SyncPoint(
        version if len(rows) < MAX_NEW else old.data_version, last, stamp, tuple(recent)
    )
    return Changes(new, added, changed, stamp != old.schedules, removed, gone)


def _conversation_exists(c: sqlite3.Connection, conversation_id: int) -> bool:
    row = c.execute("SELECT 1 FROM conversations WHERE id = ?", (conversation_id,)).fetchone()
    return row is not None


def _deleted(c: sqlite3.Connection, ids: set[int]) -> tuple[int, ...]:
    """Those of `ids` no longer stored (a few hundred at most: one indexed query)."""
    if not ids:
        return ()
    marks = ",".join("?" * len(ids))
    kept = {i for (i,) in c.execute(f"SELECT id FROM messages WHERE id IN ({marks})", [*ids])}
    return tuple(sorted(ids - kept))
