"""The `conversations` table: the list (latest activity first, with unread and pending counts),
a conversation's own settings, reading marks, deleting one with everything in it, and search.

Unread: messages from the bot or a reminder newer than the conversation's `read_up_to`. The
count is the row's `unread`, kept by triggers (storage/migrations.py, m005): reading it never
counts the messages, however many are unread.
"""

from __future__ import annotations

import re
import sqlite3
import unicodedata
from collections.abc import Callable
from datetime import datetime
from typing import Any

from dynaprompt_tui.core.models import ConversationInfo, Role, SearchHit, TitleSource
from dynaprompt_tui.core.storage.codec import ts
from dynaprompt_tui.core.storage.errors import ConversationGoneError, StoreError

FIRST = 1  # the conversation an older database's chat became, and a new database's first
_PENDING = (  # (kept by triggers: storage/migrations.py, m004)
    "(SELECT coalesce(sum(k.n), 0) FROM schedule_counts k WHERE k.conversation_id = c.id"
    " AND k.state IN ('pending', 'paused'))"
)
_COLUMNS = (
    "c.id, c.title, c.title_source, c.created_at, c.updated_at, c.archived, c.model,"
    f" c.system_prompt, c.temperature, c.read_up_to, c.unread, {_PENDING}"
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


def require(c: sqlite3.Connection, conversation_id: int) -> None:
    """ConversationGoneError unless the conversation is stored: checked in the transaction that
    writes into it, which holds the write lock, so no other process deletes it meanwhile."""
    if c.execute("SELECT 1 FROM conversations WHERE id = ?", (conversation_id,)).fetchone() is None:
        raise ConversationGoneError(conversation_id)


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


def unread_total(c: sqlite3.Connection, *, besides: int | None = None) -> int:
    """Unread messages in every conversation not archived (but `besides`)."""
    n: int = c.execute(
        "SELECT coalesce(sum(unread), 0) FROM conversations WHERE archived = 0 AND id != ?",
        (-1 if besides is None else besides,),
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
    # (Its counts are all 0 now; the rows go too, as ids are never used again.)
    c.execute("DELETE FROM schedule_counts WHERE conversation_id = ?", (conversation_id,))
    c.execute("DELETE FROM messages WHERE conversation_id = ?", (conversation_id,))
    c.execute("DELETE FROM conversations WHERE id = ?", (conversation_id,))


_WORD = re.compile(r"[^\W_]+", re.UNICODE)  # a word as the index's tokenizer cuts them
SNIPPET_WORDS = 12  # words of context around a match
INDEXED_PREFIX = 4  # the longest prefix the index keeps (migrations: prefix='2 3 4')
CANDIDATES = 200  # rows checked at a time when the last word is a longer prefix
MAX_CANDIDATES = 600  # then FTS5 is asked for the longer prefix itself (it is rare)


def _fold(word: str) -> str:
    """As the index compares words: case and accents ignored (unicode61, remove_diacritics)."""
    decomposed = unicodedata.normalize("NFKD", word.lower())
    return "".join(ch for ch in decomposed if not unicodedata.combining(ch))


def match_query(text: str, *, prefix_len: int | None = None) -> str | None:
    """What the user typed as an FTS5 query: each word must occur, the last one as a prefix
    (results while typing); punctuation and FTS5 operators are taken as plain text.
    `prefix_len`: the last word cut to that many letters (a looser query, checked after)."""
    words = _WORD.findall(text)
    if not words:
        return None
    if prefix_len is not None:
        words[-1] = words[-1][:prefix_len]
    quoted = [f'"{w}"' for w in words]
    quoted[-1] += "*"
    return " ".join(quoted)


def snippet(content: str, text: str, mark: tuple[str, str]) -> str:
    """The words around the first match of `text` in `content`, the matching words between
    the `mark` strings. (Made here, not by FTS5's snippet(): that re-reads the index for every
    row, which costs more than the search itself when the last word is a common prefix.)"""
    wanted = [_fold(w) for w in _WORD.findall(text)]
    if not wanted:
        return " ".join(content.split())
    exact, prefix = set(wanted[:-1]), wanted[-1]

    def hit(word: str) -> bool:
        folded = _fold(word)
        return folded in exact or folded.startswith(prefix)

    tokens = list(_WORD.finditer(content))
    first = next((i for i, m in enumerate(tokens) if hit(m.group())), 0)
    lo = max(0, first - SNIPPET_WORDS // 3)
    hi = min(len(tokens), lo + SNIPPET_WORDS)
    if not tokens:
        return " ".join(content.split())
    parts: list[str] = []
    at = tokens[lo].start() if lo else 0
    for m in tokens[lo:hi]:
        parts.append(content[at : m.start()])
        parts.append(f"{mark[0]}{m.group()}{mark[1]}" if hit(m.group()) else m.group())
        at = m.end()
    parts.append(content[at:] if hi == len(tokens) else "")
    shown = " ".join("".join(parts).split())
    return ("…" if lo else "") + shown + ("…" if hi < len(tokens) else "")


def _matches(text: str) -> Callable[[str], bool]:
    """Whether a message's text has every word of `text`, the last as a prefix (one regular
    expression per word over the folded text: quicker than cutting it into words)."""
    *exact, last = [_fold(w) for w in _WORD.findall(text)]
    edge = r"(?<![^\W_])"  # the start of a word, as the tokenizer cuts them
    patterns = [re.compile(edge + re.escape(w) + r"(?![^\W_])") for w in exact]
    patterns.append(re.compile(edge + re.escape(last)))

    def check(content: str) -> bool:
        folded = _fold(content)
        return all(p.search(folded) for p in patterns)

    return check


_HITS = (
    "SELECT m.id, m.conversation_id, cv.title, m.role, m.created_at, m.content"
    " FROM ({found}) hit JOIN messages m ON m.id = hit.rowid"
    " JOIN conversations cv ON cv.id = m.conversation_id ORDER BY m.id DESC"
)


def _found(conversation_id: int | None, before: bool) -> str:
    """The FTS5 query's rowids, newest first: FTS5 walks its index in rowid order and stops at
    the limit (no sort of every match)."""
    where = "messages_fts MATCH ?"
    if before:
        where += " AND f.rowid < ?"
    if conversation_id is None:
        return f"SELECT f.rowid FROM messages_fts f WHERE {where} ORDER BY f.rowid DESC LIMIT ?"
    return (
        "SELECT f.rowid FROM messages_fts f JOIN messages m ON m.id = f.rowid"
        f" WHERE {where} AND m.conversation_id = ? ORDER BY f.rowid DESC LIMIT ?"
    )


def _rows(
    c: sqlite3.Connection,
    query: str,
    conversation_id: int | None,
    limit: int,
    before: int | None = None,
) -> list[tuple[Any, ...]]:
    args: list[Any] = [query]
    if before is not None:
        args.append(before)
    if conversation_id is not None:
        args.append(conversation_id)
    args.append(limit)
    sql = _HITS.format(found=_found(conversation_id, before is not None))
    return c.execute(sql, args).fetchall()


def _longer_prefix(
    c: sqlite3.Connection, text: str, conversation_id: int | None, limit: int
) -> list[tuple[Any, ...]] | None:
    """The last word is longer than the indexed prefixes: FTS5 would merge the index entries
    of every word it begins, all of them (~0.1 s for a common word in a million messages).
    Instead walk the newest messages matching its first letters (an indexed prefix) and keep
    those that match: exact, and quick while matches are not rare among them. None: too rare,
    ask FTS5 itself (then its merge is small)."""
    loose = match_query(text, prefix_len=INDEXED_PREFIX)
    assert loose is not None
    check = _matches(text)
    kept: list[tuple[Any, ...]] = []
    before: int | None = None
    seen = 0
    while seen < MAX_CANDIDATES:
        batch = _rows(c, loose, conversation_id, CANDIDATES, before)
        kept += [row for row in batch if check(row[5])]
        if len(kept) >= limit or len(batch) < CANDIDATES:
            return kept[:limit]
        seen += len(batch)
        before = batch[-1][0]
    return None


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
    rows = None
    if len(_WORD.findall(text)[-1]) > INDEXED_PREFIX:
        rows = _longer_prefix(c, text, conversation_id, limit)
    if rows is None:
        rows = _rows(c, query, conversation_id, limit)
    return [
        SearchHit(
            mid, cid, title, Role(role), datetime.fromisoformat(at), snippet(body, text, mark)
        )
        for mid, cid, title, role, at, body in rows
    ]
