"""The schema, as named migration steps applied in order (after simonw/llm's migrations.py).

`PRAGMA user_version` counts the steps a database has had: 1 the first release, 2 the run
history, 3 many conversations, 4 schedule counts kept by triggers, 5 unread counts kept by
triggers. Steps are append-only: never edit or reorder a released one, add another.
"""

from __future__ import annotations

import sqlite3
from collections.abc import Callable
from datetime import UTC, datetime
from pathlib import Path

from dynaprompt_tui.core.formatting import title_from_words
from dynaprompt_tui.core.storage.codec import ts
from dynaprompt_tui.core.storage.errors import StoreError

Step = Callable[[sqlite3.Connection], None]
MIGRATIONS: list[tuple[str, Step]] = []


def migration(step: Step) -> Step:
    """Register `step` as the next migration, named after its function."""
    MIGRATIONS.append((step.__name__, step))
    return step


@migration
def m001_initial(c: sqlite3.Connection) -> None:
    c.execute(
        """CREATE TABLE messages (
            id INTEGER PRIMARY KEY AUTOINCREMENT,
            role TEXT NOT NULL,
            content TEXT NOT NULL,
            created_at TEXT NOT NULL,
            schedule_id TEXT,
            scheduled_by TEXT,
            due_at TEXT,
            late INTEGER NOT NULL DEFAULT 0,
            meta TEXT NOT NULL DEFAULT '{}'
        )"""
    )
    c.execute("CREATE INDEX messages_schedule ON messages(schedule_id)")
    c.execute(
        """CREATE TABLE schedules (
            id TEXT PRIMARY KEY,
            created_by TEXT NOT NULL CHECK (created_by IN ('user', 'chatbot')),
            recipient TEXT NOT NULL CHECK (recipient IN ('user', 'chatbot')),
            time_prompt TEXT NOT NULL,
            rule TEXT NOT NULL,
            tz TEXT NOT NULL,
            prompt TEXT NOT NULL,
            state TEXT NOT NULL
                CHECK (state IN ('pending', 'paused', 'fired', 'cancelled', 'failed')),
            next_fire TEXT,
            created_at TEXT NOT NULL,
            updated_at TEXT NOT NULL,
            recurring INTEGER NOT NULL DEFAULT 0,
            description TEXT NOT NULL DEFAULT '',
            fire_count INTEGER NOT NULL DEFAULT 0,
            failures INTEGER NOT NULL DEFAULT 0,
            approved INTEGER NOT NULL DEFAULT 1,
            last_error TEXT
        )"""
    )
    # next_due()/due() walk this index in next_fire order and stop at the first hit.
    c.execute("CREATE INDEX schedules_due ON schedules(state, approved, next_fire)")
    c.execute(
        """CREATE TABLE fires (
            id INTEGER PRIMARY KEY AUTOINCREMENT,
            schedule_id TEXT NOT NULL REFERENCES schedules(id) ON DELETE CASCADE,
            due_at TEXT NOT NULL,
            status TEXT NOT NULL CHECK (status IN ('claimed', 'delivered', 'failed')),
            owner TEXT NOT NULL,
            claimed_at TEXT NOT NULL,
            delivered_at TEXT,
            message_id INTEGER REFERENCES messages(id),
            late INTEGER NOT NULL DEFAULT 0,
            error TEXT,
            UNIQUE (schedule_id, due_at)
        )"""
    )
    c.execute("CREATE INDEX fires_claimed ON fires(claimed_at) WHERE status = 'claimed'")
    c.execute(
        """CREATE TABLE meta (
            key TEXT PRIMARY KEY,
            value TEXT NOT NULL,
            updated_at TEXT NOT NULL
        )"""
    )


@migration
def m002_missed_policy_and_run_history(c: sqlite3.Connection) -> None:
    """Per schedule, what a fire found late does (once: today's behaviour); per fire, what the
    run history shows: its outcome, the model call's result, the fires coalesced into it."""
    c.execute(
        "ALTER TABLE schedules ADD COLUMN on_missed TEXT NOT NULL DEFAULT 'once'"
        " CHECK (on_missed IN ('once', 'skip', 'each'))"
    )
    c.execute(
        "ALTER TABLE fires ADD COLUMN outcome TEXT CHECK (outcome IN"
        " ('claimed', 'delivered', 'late', 'skipped', 'failed', 'blocked'))"
    )
    c.execute(
        "ALTER TABLE fires ADD COLUMN model TEXT CHECK (model IN ('ok', 'failed', 'blocked'))"
    )
    c.execute("ALTER TABLE fires ADD COLUMN missed INTEGER NOT NULL DEFAULT 0")
    # The fires of earlier releases: their outcome read from what they recorded.
    c.execute(
        "UPDATE fires SET outcome = CASE WHEN status = 'failed' THEN 'failed'"
        " WHEN status = 'claimed' THEN 'claimed' WHEN late THEN 'late' ELSE 'delivered' END"
    )


@migration
def m003_conversations(c: sqlite3.Connection) -> None:
    """Many conversations: today's single chat becomes conversation 1, its messages, schedules
    and deliveries with it (the columns' default); a full-text index of every message."""
    c.execute(
        """CREATE TABLE conversations (
            id INTEGER PRIMARY KEY AUTOINCREMENT,
            title TEXT NOT NULL DEFAULT '',
            title_source TEXT NOT NULL DEFAULT 'none'
                CHECK (title_source IN ('none', 'words', 'model', 'user')),
            created_at TEXT NOT NULL,
            updated_at TEXT NOT NULL,
            archived INTEGER NOT NULL DEFAULT 0,
            model TEXT,
            system_prompt TEXT,
            temperature REAL,
            read_up_to INTEGER NOT NULL DEFAULT 0
        )"""
    )
    # The first conversation: what the database held so far, all of it read (the user saw it).
    first, last, newest = c.execute(
        "SELECT min(created_at), max(created_at), max(id) FROM messages"
    ).fetchone()
    now = ts(datetime.now(UTC))
    row = c.execute(
        "SELECT content FROM messages WHERE role = 'user' ORDER BY id LIMIT 1"
    ).fetchone()
    title = title_from_words(row[0]) if row else ""
    c.execute(
        "INSERT INTO conversations (id, title, title_source, created_at, updated_at, read_up_to)"
        " VALUES (1, ?, ?, ?, ?, ?)",
        (title, "words" if title else "none", first or now, last or now, newest or 0),
    )
    # (No REFERENCES clause: SQLite adds a column with one only if its default is NULL.
    # storage/conversations.py deletes a conversation's rows with it.)
    c.execute("ALTER TABLE messages ADD COLUMN conversation_id INTEGER NOT NULL DEFAULT 1")
    c.execute("ALTER TABLE schedules ADD COLUMN conversation_id INTEGER NOT NULL DEFAULT 1")
    # A conversation's page of history, and its unread count, walk this index.
    c.execute("CREATE INDEX messages_conversation ON messages(conversation_id, id)")
    # A conversation's schedules in firing order (the sidebar's pages, like schedules_due).
    c.execute(
        "CREATE INDEX schedules_conversation"
        " ON schedules(conversation_id, state, approved, next_fire)"
    )
    c.execute("CREATE INDEX conversations_recent ON conversations(archived, updated_at)")
    # The list shows the latest activity first: a message bumps its conversation.
    c.execute(
        """CREATE TRIGGER messages_activity AFTER INSERT ON messages BEGIN
            UPDATE conversations SET updated_at = new.created_at WHERE id = new.conversation_id;
        END"""
    )
    # Search: an external-content FTS5 index kept in step with the messages by triggers, with
    # prefix indexes (2 to 4 letters) so that a word being typed is looked up, not merged from
    # every word it begins (storage/conversations.py: search).
    c.execute(
        "CREATE VIRTUAL TABLE messages_fts USING fts5(content, content='messages',"
        " content_rowid='id', tokenize='unicode61 remove_diacritics 2', prefix='2 3 4')"
    )
    c.execute(
        """CREATE TRIGGER messages_fts_insert AFTER INSERT ON messages BEGIN
            INSERT INTO messages_fts(rowid, content) VALUES (new.id, new.content);
        END"""
    )
    c.execute(
        """CREATE TRIGGER messages_fts_delete AFTER DELETE ON messages BEGIN
            INSERT INTO messages_fts(messages_fts, rowid, content)
            VALUES ('delete', old.id, old.content);
        END"""
    )
    c.execute(
        """CREATE TRIGGER messages_fts_update AFTER UPDATE OF content ON messages BEGIN
            INSERT INTO messages_fts(messages_fts, rowid, content)
            VALUES ('delete', old.id, old.content);
            INSERT INTO messages_fts(rowid, content) VALUES (new.id, new.content);
        END"""
    )
    c.execute("INSERT INTO messages_fts(messages_fts) VALUES ('rebuild')")


@migration
def m004_schedule_counts(c: sqlite3.Connection) -> None:
    """Counts kept by triggers, so that none scans the schedules: how many each conversation
    has by author and state (the sidebar, the list's pending counts, the pending cap), and a
    count of writes to the table (another process changed a schedule: the sync's test)."""
    c.execute(
        """CREATE TABLE schedule_counts (
            conversation_id INTEGER NOT NULL,
            created_by TEXT NOT NULL,
            state TEXT NOT NULL,
            n INTEGER NOT NULL,
            PRIMARY KEY (conversation_id, created_by, state)
        ) WITHOUT ROWID"""
    )
    c.execute(
        "INSERT INTO schedule_counts SELECT conversation_id, created_by, state, count(*)"
        " FROM schedules GROUP BY conversation_id, created_by, state"
    )
    c.execute(
        "CREATE TABLE schedule_writes (id INTEGER PRIMARY KEY CHECK (id = 1), n INTEGER NOT NULL)"
    )
    c.execute("INSERT INTO schedule_writes VALUES (1, 0)")
    add = (
        "INSERT INTO schedule_counts VALUES (new.conversation_id, new.created_by, new.state, 1)"
        " ON CONFLICT DO UPDATE SET n = n + 1"
    )
    take = (
        "UPDATE schedule_counts SET n = n - 1 WHERE conversation_id = old.conversation_id"
        " AND created_by = old.created_by AND state = old.state"
    )
    wrote = "UPDATE schedule_writes SET n = n + 1"
    for name, event, body in (
        ("schedules_counted_insert", "INSERT", f"{add}; "),
        ("schedules_counted_delete", "DELETE", f"{take}; "),
        ("schedules_written", "UPDATE", ""),
    ):
        c.execute(f"CREATE TRIGGER {name} AFTER {event} ON schedules BEGIN {body}{wrote}; END")
    c.execute(
        "CREATE TRIGGER schedules_counted_update"
        " AFTER UPDATE OF conversation_id, created_by, state ON schedules"
        " WHEN old.conversation_id IS NOT new.conversation_id"
        " OR old.created_by IS NOT new.created_by OR old.state IS NOT new.state"
        f" BEGIN {take}; {add}; END"
    )


@migration
def m005_unread_counts(c: sqlite3.Connection) -> None:
    """Each conversation's unread count kept by triggers, so that none counts the messages: a
    conversation with 500,000 unread took 125 ms per read of its row (start-up read it three
    times), every message after the reading mark looked up for its role."""
    roles = "('assistant', 'reminder')"  # what is unread: the bot's replies and reminders
    c.execute("ALTER TABLE conversations ADD COLUMN unread INTEGER NOT NULL DEFAULT 0")

    def recount(row: str) -> str:
        """The unread of the conversation `row` names, counted from the messages."""
        return (
            f"(SELECT count(*) FROM messages m WHERE m.conversation_id = {row}.id"
            f" AND m.id > {row}.read_up_to AND m.role IN {roles})"
        )

    c.execute(f"UPDATE conversations SET unread = {recount('conversations')}")
    add = (
        "UPDATE conversations SET unread = unread + 1"
        f" WHERE id = new.conversation_id AND new.id > read_up_to AND new.role IN {roles}"
    )
    take = (
        "UPDATE conversations SET unread = unread - 1"
        f" WHERE id = old.conversation_id AND old.id > read_up_to AND old.role IN {roles}"
    )
    c.execute(f"CREATE TRIGGER messages_unread_insert AFTER INSERT ON messages BEGIN {add}; END")
    c.execute(f"CREATE TRIGGER messages_unread_delete AFTER DELETE ON messages BEGIN {take}; END")
    c.execute(
        "CREATE TRIGGER messages_unread_update AFTER UPDATE OF id, role, conversation_id"
        f" ON messages BEGIN {take}; {add}; END"
    )
    # The mark moves (to the newest message, mostly): the messages after it, counted again.
    c.execute(
        "CREATE TRIGGER conversations_read AFTER UPDATE OF read_up_to ON conversations"
        " WHEN old.read_up_to IS NOT new.read_up_to BEGIN"
        f" UPDATE conversations SET unread = {recount('new')} WHERE id = new.id; END"
    )


SCHEMA_VERSION = len(MIGRATIONS)


def migrate(c: sqlite3.Connection, path: Path) -> list[str]:
    """Apply the steps `c`'s database has not had; call inside a write transaction, so that two
    processes opening one file cannot both migrate it. Returns the names of the steps applied."""
    version: int = c.execute("PRAGMA user_version").fetchone()[0]
    if version > SCHEMA_VERSION:
        raise StoreError(
            f"{path} was written by a newer dynaprompt-tui "
            f"(schema {version}, this one knows {SCHEMA_VERSION}); please upgrade"
        )
    applied = []
    for number, (name, step) in enumerate(MIGRATIONS[version:], start=version + 1):
        step(c)
        c.execute(f"PRAGMA user_version = {number}")
        applied.append(name)
    return applied
