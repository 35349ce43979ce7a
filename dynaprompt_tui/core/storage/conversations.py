"""The `conversations` table: the list (latest activity first, with unread and pending counts),
a conversation's own settings, reading marks, deleting one with everything in it, and search.

Unread: messages from the bot or a reminder newer than the conversation's `read_up_to`, counted
through the (conversation_id, id) index, so the list costs a few rows per conversation, not a
scan of the messages.
"""

from __future__ import annotations

import re
import sqlite3
from datetime import datetime
from typing import Any

from dynaprompt_tui.core.models import ConversationInfo, Role, SearchHit, TitleSource
from dynaprompt_tui.core.storage.codec import ts
from dynaprompt_tui.core.storage.errors import StoreError

FIRST = 1  # the conversation an older database's chat became, and a new database's first
UNREAD_ROLES = (Role.ASSISTANT.value, Role.REMINDER.value)
_UNREAD = (
    "(SELECT count(*) FROM messages m WHERE m.conversation_id = c.id AND m.id > c.read_up_to"
    f" AND m.role IN ('{UNREAD_ROLES[0]}', '{UNREAD_ROLES[1]}'))"
)
_PENDING = (
    "(SELECT count(*) FROM schedules s WHERE s.conversation_id = c.id"
    " AND s.state IN ('pending', 'paused'))"
)
_COLUMNS = (
    "c.id, c.title, c.title_source, c.created_at, c.updated_at, c.archived, c.model,"
    f" c.system_prompt, c.temperature, c.read_up_to, {_UNREAD}, {_PENDING}"
)
_SETTINGS = frozenset({"model", "system_prompt", "temperature"})


def _decode(row: tuple[Any, ...]) -> ConversationInfo:
    cid, title, source, created, updated, archived, model, prompt, temp, read, unread, n = row
    return ConversationInfo(
        cid,
        title,
        TitleSource(source),
        datetime.fromisoformat(created),
        datetime.fromisoformat(updated),
        bool(archived),
        model,
        prompt,
        temp,
        read,
        unread,
        n,
    )


def insert(c: sqlite3.Connection, *, now: datetime, title: str = "") -> ConversationInfo:
    source = TitleSource.USER if title.strip() else TitleSource.NONE
    cur = c.execute(
        "INSERT INTO conversations (title, title_source, created_at, updated_at)"
        " VALUES (?, ?, ?, ?)",
        (title.strip(), source.value, ts(now), ts(now)),
    )
    return get(c, cur.lastrowid or 0)


def get(c: sqlite3.Connection, conversation_id: int) -> ConversationInfo:
    row = c.execute(
        f"SELECT {_COLUMNS} FROM conversations c WHERE c.id = ?", (conversation_id,)
    ).fetchone()
    if row is None:
        raise StoreError(f"no conversation {conversation_id}")
    return _decode(row)


def listing(
    c: sqlite3.Connection, *, archived: bool | None = False, limit: int = -1, offset: int = 0
) -> list[ConversationInfo]:
    """Latest activity first; `archived`: only those (True), only the others (False), all
    (None)."""
    where, args = "", []
    if archived is not None:
        where, args = "WHERE c.archived = ?", [int(archived)]
    rows = c.execute(
        f"SELECT {_COLUMNS} FROM conversations c {where}"
        " ORDER BY c.updated_at DESC, c.id DESC LIMIT ? OFFSET ?",
        [*args, limit, offset],
    ).fetchall()
    return [_decode(r) for r in rows]


def count(c: sqlite3.Connection, *, archived: bool | None = False) -> int:
    if archived is None:
        n: int = c.execute("SELECT count(*) FROM conversations").fetchone()[0]
    else:
        n = c.execute(
            "SELECT count(*) FROM conversations WHERE archived = ?", (int(archived),)
        ).fetchone()[0]
    return n


def latest(c: sqlite3.Connection) -> int | None:
    """The conversation with the latest activity that is not archived (any, if all are)."""
    row = c.execute(
        "SELECT id FROM conversations ORDER BY archived, updated_at DESC, id DESC LIMIT 1"
    ).fetchone()
    return None if row is None else int(row[0])


def set_title(c: sqlite3.Connection, conversation_id: int, title: str, source: TitleSource) -> None:
    """Name it; an automatic title never replaces the user's."""
    get(c, conversation_id)  # (StoreError if there is none)
    sql = "UPDATE conversations SET title = ?, title_source = ? WHERE id = ?"
    if source is not TitleSource.USER:
        sql += " AND title_source != 'user'"
    c.execute(sql, (" ".join(title.split()), source.value, conversation_id))


def set_settings(c: sqlite3.Connection, conversation_id: int, **values: Any) -> None:
    """model, system_prompt, temperature: the conversation's own (None: the default)."""
    unknown = set(values) - _SETTINGS
    if unknown:
        raise ValueError(f"not a conversation setting: {sorted(unknown)}")
    get(c, conversation_id)
    if values:
        assigns = ", ".join(f"{k} = ?" for k in values)
        c.execute(
            f"UPDATE conversations SET {assigns} WHERE id = ?", (*values.values(), conversation_id)
        )


def set_archived(c: sqlite3.Connection, conversation_id: int, archived: bool) -> None:
    get(c, conversation_id)
    c.execute(
        "UPDATE conversations SET archived = ? WHERE id = ?", (int(archived), conversation_id)
    )


def mark_read(c: sqlite3.Connection, conversation_id: int, up_to: int | None = None) -> bool:
    """The user has seen it up to message `up_to` (default: its newest); True if that changed."""
    if up_to is None:
        row = c.execute(
            "SELECT max(id) FROM messages WHERE conversation_id = ?", (conversation_id,)
        ).fetchone()
        up_to = int(row[0] or 0)
    cur = c.execute(
        "UPDATE conversations SET read_up_to = ? WHERE id = ? AND read_up_to < ?",
        (up_to, conversation_id, up_to),
    )
    return cur.rowcount > 0


def delete(c: sqlite3.Connection, conversation_id: int) -> None:
    """The conversation and everything in it: messages, schedules, their deliveries."""
    get(c, conversation_id)
    schedules = "SELECT id FROM schedules WHERE conversation_id = ?"
    messages = "SELECT id FROM messages WHERE conversation_id = ?"
    c.execute(f"DELETE FROM fires WHERE schedule_id IN ({schedules})", (conversation_id,))
    c.execute(
        f"UPDATE fires SET message_id = NULL WHERE message_id IN ({messages})", (conversation_id,)
    )
    c.execute("DELETE FROM schedules WHERE conversation_id = ?", (conversation_id,))
    c.execute("DELETE FROM messages WHERE conversation_id = ?", (conversation_id,))
    c.execute("DELETE FROM conversations WHERE id = ?", (conversation_id,))


_WORD = re.compile(r"\w+", re.UNICODE)


def match_query(text: str) -> str | None:
    """What the user typed as an FTS5 query: each word must occur, the last one as a prefix
    (results while typing); punctuation and FTS5 operators are taken as plain text."""
    words = _WORD.findall(text)
    if not words:
        return None
    quoted = [f'"{w}"' for w in words]
    quoted[-1] += "*"
    return " ".join(quoted)


def search(
    c: sqlite3.Connection,
    text: str,
    *,
    conversation_id: int | None = None,
    limit: int = 50,
    mark: tuple[str, str] = ("[", "]"),
) -> list[SearchHit]:
    """Messages matching `text` (every word; the last as a prefix), newest first, with the
    words around the match."""
    query = match_query(text)
    if query is None:
        return []
    if conversation_id is None:
        # FTS5 walks its index in rowid order and stops at the limit: no sort of every match.
        found = (
            "SELECT rowid, snippet(messages_fts, 0, ?, ?, '…', 12) AS snip FROM messages_fts"
            " WHERE messages_fts MATCH ? ORDER BY rowid DESC LIMIT ?"
        )
        args: list[Any] = [mark[0], mark[1], query, limit]
    else:
        found = (
            "SELECT f.rowid, snippet(messages_fts, 0, ?, ?, '…', 12) AS snip"
            " FROM messages_fts f JOIN messages m ON m.id = f.rowid"
            " WHERE messages_fts MATCH ? AND m.conversation_id = ? ORDER BY f.rowid DESC LIMIT ?"
        )
        args = [mark[0], mark[1], query, conversation_id, limit]
    rows = c.execute(
        "SELECT m.id, m.conversation_id, cv.title, m.role, m.created_at, hit.snip"
        f" FROM ({found}) hit JOIN messages m ON m.id = hit.rowid"
        " JOIN conversations cv ON cv.id = m.conversation_id ORDER BY m.id DESC",
        args,
    ).fetchall()
    return [
        SearchHit(mid, cid, title, Role(role), datetime.fromisoformat(at), snip)
        for mid, cid, title, role, at, snip in rows
    ]
