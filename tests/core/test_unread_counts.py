"""Unread counts kept by triggers (migration m005): whatever happens to the messages and the
reading marks, every unread count the app shows equals a count of the rows, and reading one
never counts the messages (start-up and the list flat however many are unread)."""

from __future__ import annotations

import sqlite3
from datetime import timedelta
from pathlib import Path

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from dynaprompt_tui.core.models import Role
from dynaprompt_tui.core.storage import Store
from dynaprompt_tui.core.storage.migrations import MIGRATIONS, SCHEMA_VERSION

from .conftest import T0, tables_read

ACTIONS = st.lists(
    st.tuples(
        st.sampled_from(["say", "say", "say", "read", "read_some", "forget", "archive", "drop"]),
        st.integers(min_value=0, max_value=2),  # which conversation
        st.sampled_from(list(Role)),
        st.integers(min_value=0, max_value=60),  # which of its messages
    ),
    max_size=40,
)


def counted(path: Path) -> dict[int, int]:
    """The truth: the messages after each conversation's mark from the bot or a reminder."""
    raw = sqlite3.connect(path)
    try:
        rows = raw.execute(
            "SELECT c.id, count(m.id) FROM conversations c LEFT JOIN messages m"
            " ON m.conversation_id = c.id AND m.id > c.read_up_to"
            " AND m.role IN ('assistant', 'reminder') GROUP BY c.id"
        )
        return dict(rows.fetchall())
    finally:
        raw.close()


def check(store: Store, archived: set[int]) -> None:
    truth = counted(store.path)
    listed = {c.id: c.unread for c in store.conversations(archived=None)}
    assert listed == truth
    for cid, n in truth.items():
        assert store.conversation(cid).unread == n
        besides = sum(v for c, v in truth.items() if c != cid and c not in archived)
        assert store.unread_total(besides=cid) == besides
    assert store.unread_total() == sum(v for c, v in truth.items() if c not in archived)


@settings(max_examples=30, deadline=None)
@given(actions=ACTIONS)
def test_the_unread_counts_equal_the_rows_whatever_happens(
    tmp_path_factory: pytest.TempPathFactory, actions: list[tuple[str, int, Role, int]]
) -> None:
    path = tmp_path_factory.mktemp("unread") / "db.sqlite"
    store = Store(path)
    ids = [1, store.add_conversation(now=T0).id, store.add_conversation(now=T0).id]
    archived: set[int] = set()
    now = T0
    try:
        for action, which, role, pick in actions:
            cid = ids[which]
            view = store.scoped(cid)
            mine = view.messages(limit=1000)
            chosen = mine[pick % len(mine)] if mine else None
            now += timedelta(minutes=1)
            if action == "say":
                view.add_message(role, f"message {pick}", now=now)
            elif action == "read":
                store.mark_read(conversation_id=cid)  # up to its newest
            elif action == "read_some" and chosen is not None:
                store.mark_read(chosen.id, conversation_id=cid)  # (a mark never moves back)
            elif action == "forget" and chosen is not None:
                view.delete_messages([chosen.id])
            elif action == "archive":
                store.archive_conversation(cid not in archived, conversation_id=cid)
                archived ^= {cid}
            elif action == "drop" and which:  # (the first conversation stays)
                store.delete_conversation(cid)
                archived.discard(cid)
                ids[which] = store.add_conversation(now=now).id
            check(store, archived)
    finally:
        store.close()


def test_reading_the_counts_never_counts_the_messages(store: Store) -> None:
    """What start-up (the open conversation, the header's unread elsewhere) and the list ask:
    answered from the conversations' rows. SQLite's authorizer names every table a statement
    reads."""
    other = store.scoped(store.add_conversation(now=T0).id)
    for k in range(5):
        other.add_message(Role.ASSISTANT, f"reply {k}", now=T0)
        store.scoped(1).add_message(Role.REMINDER, f"reminder {k}", now=T0)
    with tables_read(store) as read:
        assert store.conversation(1).unread == 5
        assert [c.unread for c in store.conversations()] == [5, 5]
        assert store.unread_total(besides=1) == 5
    assert "conversations" in read
    assert "messages" not in read


def test_a_database_of_the_previous_schema_gets_its_counts(db_path: Path) -> None:
    """Step 5 counts what an older release left: each conversation's unread after its mark."""
    db_path.parent.mkdir(parents=True)
    raw = sqlite3.connect(db_path)
    for number, (_, step) in enumerate(MIGRATIONS[:4], start=1):
        step(raw)
        raw.execute(f"PRAGMA user_version = {number}")
    at = T0.isoformat()
    raw.execute(
        "INSERT INTO conversations (id, created_at, updated_at, read_up_to) VALUES (2, ?, ?, 3)",
        (at, at),
    )
    roles = ["assistant", "user", "reminder", "assistant", "notice", "reminder", "error"]
    for conversation in (1, 2):
        for role in roles:
            raw.execute(
                "INSERT INTO messages (role, content, created_at, conversation_id)"
                " VALUES (?, 'x', ?, ?)",
                (role, at, conversation),
            )
    raw.commit()
    raw.close()
    store = Store(db_path)
    try:
        assert store._conn.execute("PRAGMA user_version").fetchone()[0] == SCHEMA_VERSION
        # Conversation 1 read nothing: its 4 from the bot or a reminder. Conversation 2 (ids
        # 8 to 14) read up to message 3, from another conversation: all of its 4 too.
        assert store.conversation(1).unread == 4
        assert store.conversation(2).unread == 4
        store.mark_read(10, conversation_id=2)  # its assistant (8) and reminder (10) seen
        assert store.conversation(2).unread == 2
    finally:
        store.close()
