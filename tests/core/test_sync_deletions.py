"""What another connection deleted, as `changes_since` tells a viewer: a message it shows (or a
recent one), the conversation it shows; and nothing written into a conversation once it is
deleted. Two `Store`s on one real file stand for two processes (each its own connection)."""

from __future__ import annotations

from datetime import timedelta

import pytest

from dynaprompt_tui.core.models import Role
from dynaprompt_tui.core.storage import Store
from dynaprompt_tui.core.storage.changes import RECENT
from dynaprompt_tui.core.storage.errors import ConversationGoneError

from .conftest import T0, add, once


@pytest.fixture
def other(db_path, store):  # (after `store`: the file exists, migrated)
    s = Store(db_path)
    yield s
    s.close()


def say(store: Store, text: str, role: Role = Role.USER) -> int:
    return store.add_message(role, text, now=T0).id


def test_a_recent_message_deleted_elsewhere_is_told_once(store, other):
    ids = [say(store, f"m{k}") for k in range(3)]
    point = store.sync_point()
    other.delete_messages([ids[1]])
    changes = store.changes_since(point)
    assert changes is not None and changes.removed == (ids[1],)
    assert not changes.added and not changes.conversation_gone
    assert store.changes_since(changes.point) is None  # told once


def test_a_regenerated_reply_is_one_removed_and_one_added(store, other):
    say(store, "question")
    old = say(store, "first answer", Role.ASSISTANT)
    point = store.sync_point()
    other.delete_messages([old])
    new = say(other, "second answer", Role.ASSISTANT)
    changes = store.changes_since(point)
    assert changes is not None
    assert changes.removed == (old,) and [m.id for m in changes.added] == [new]


def test_an_old_message_counts_only_where_the_viewer_shows_it(store, other):
    ids = [say(store, f"m{k}") for k in range(RECENT + 20)]
    point = store.sync_point()
    shown_old, unseen_old = ids[3], ids[5]  # both older than the recent ones re-read
    other.delete_messages([shown_old, unseen_old])
    changes = store.changes_since(point, shown=[shown_old, ids[4], ids[-1]])
    assert changes is not None and changes.removed == (shown_old,)


def test_messages_pushed_out_of_the_recent_ones_are_not_removed(store, other):
    ids = [say(store, f"m{k}") for k in range(RECENT)]
    point = store.sync_point()
    for k in range(10):  # the oldest ten recent ones fall out of the re-read window
        say(other, f"new {k}")
    changes = store.changes_since(point, shown=ids)
    assert changes is not None and changes.removed == () and len(changes.added) == 10


def test_the_viewers_conversation_deleted_elsewhere_is_told(store, other):
    second = store.add_conversation(now=T0, title="Plans").id
    say(store.scoped(second), "in the second")
    point = store.sync_point()
    other.delete_conversation(second)
    changes = store.changes_since(point, conversation_id=second)
    assert changes is not None and changes.conversation_gone
    again = store.sync_point()
    say(other, "in the first")
    first = store.changes_since(again, conversation_id=1)
    assert first is not None and not first.conversation_gone


def test_nothing_is_written_into_a_deleted_conversation(store, other):
    second = store.add_conversation(now=T0, title="Plans").id
    view = store.scoped(second)
    say(view, "before")
    other.delete_conversation(second)
    with pytest.raises(ConversationGoneError, match=f"conversation {second} was deleted"):
        say(view, "after")
    with pytest.raises(ConversationGoneError):
        add(view, once(T0, timedelta(hours=1)), now=T0, prompt="later")
    rows = store._conn.execute(
        "SELECT (SELECT count(*) FROM messages WHERE conversation_id = ?),"
        " (SELECT count(*) FROM schedules WHERE conversation_id = ?)",
        (second, second),
    ).fetchone()
    assert rows == (0, 0)
    say(store.scoped(1), "the first still takes messages")
