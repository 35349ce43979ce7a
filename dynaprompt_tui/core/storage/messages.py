"""The `messages` table: the chat as shown, oldest first, paged by id."""

from __future__ import annotations

import json
import sqlite3
from collections.abc import Mapping
from datetime import datetime
from typing import Any

from dynaprompt_tui.core.models import Message, Party, Role
from dynaprompt_tui.core.storage import conversations
from dynaprompt_tui.core.storage.codec import MESSAGE_COLUMNS, decode_message, ts, ts_opt
from dynaprompt_tui.core.storage.errors import StoreError

_BY_ID = f"SELECT {MESSAGE_COLUMNS} FROM messages WHERE id = ?"


def insert(
    c: sqlite3.Connection,
    role: Role,
    content: str,
    *,
    now: datetime,
    schedule_id: str | None = None,
    scheduled_by: Party | None = None,
    due_at: datetime | None = None,
    late: bool = False,
    meta: Mapping[str, Any] | None = None,
    conversation_id: int = 1,
) -> Message:
    conversations.require(c, conversation_id)
    cur = c.execute(
        "INSERT INTO messages (role, content, created_at, schedule_id, scheduled_by, due_at,"
        " late, meta, conversation_id) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)",
        (
            Role(role).value,
            content,
            ts(now),
            schedule_id,
            Party(scheduled_by).value if scheduled_by else None,
            ts_opt(due_at),
            int(late),
            json.dumps(dict(meta or {})),
            conversation_id,
        ),
    )
    return get(c, cur.lastrowid or 0)


def get(c: sqlite3.Connection, message_id: int) -> Message:
    row = c.execute(_BY_ID, (message_id,)).fetchone()
    if row is None:
        raise StoreError(f"no message {message_id}")
    return decode_message(row)


def update(
    c: sqlite3.Connection,
    message_id: int,
    *,
    content: str | None = None,
    meta: Mapping[str, Any] | None = None,
) -> Message:
    """Replace the content (if given) and merge `meta` into the message's meta."""
    old = get(c, message_id)
    merged = dict(old.meta)
    if meta:
        merged.update(meta)
    c.execute(
        "UPDATE messages SET content = ?, meta = ? WHERE id = ?",
        (old.content if content is None else content, json.dumps(merged), message_id),
    )
    return get(c, message_id)


def page(
    c: sqlite3.Connection,
    *,
    before_id: int | None,
    limit: int,
    after_id: int | None = None,
    conversation_id: int | None = None,
) -> list[Message]:
    """Oldest first: the latest `limit` messages before `before_id` (all, if None), or, with
    `after_id`, the first `limit` messages after it (a chat scrolled back paging forward); of
    one conversation, or of all (None)."""
    where, args = [], []
    if conversation_id is not None:
        where.append("conversation_id = ?")
        args.append(conversation_id)
    if after_id is not None:
        where.append("id > ?")
        args.append(after_id)
    elif before_id is not None:
        where.append("id < ?")
        args.append(before_id)
    sql = f"SELECT {MESSAGE_COLUMNS} FROM messages"
    if where:
        sql += " WHERE " + " AND ".join(where)
    order = "" if after_id is not None else " DESC"
    rows = c.execute(f"{sql} ORDER BY id{order} LIMIT ?", (*args, limit)).fetchall()
    if after_id is None:
        rows.reverse()
    return [decode_message(r) for r in rows]


def count(c: sqlite3.Connection, conversation_id: int | None = None) -> int:
    if conversation_id is None:
        n: int = c.execute("SELECT count(*) FROM messages").fetchone()[0]
    else:
        n = c.execute(
            "SELECT count(*) FROM messages WHERE conversation_id = ?", (conversation_id,)
        ).fetchone()[0]
    return n


def delete(c: sqlite3.Connection, message_ids: list[int]) -> None:
    """Delete messages (a delivery that wrote one keeps its record, without the message)."""
    marks = ",".join("?" * len(message_ids))
    c.execute(f"UPDATE fires SET message_id = NULL WHERE message_id IN ({marks})", message_ids)
    c.execute(f"DELETE FROM messages WHERE id IN ({marks})", message_ids)
