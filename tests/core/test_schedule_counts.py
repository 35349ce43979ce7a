"""Schedule counts kept by triggers (migration m004): whatever happens to the schedules, every
count the app shows equals a count of the rows, and a write to the schedules (and only that)
moves the stamp another process's sync compares."""

from __future__ import annotations

import contextlib
import sqlite3
from datetime import timedelta
from pathlib import Path

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from dynaprompt_tui.core.models import Party, Role, ScheduleState
from dynaprompt_tui.core.scheduling.book import ScheduleBook
from dynaprompt_tui.core.storage import Store
from dynaprompt_tui.core.storage.errors import PendingLimitError

from .conftest import T0, add, daily, once, tables_read
from .test_store import deliver_due

H = timedelta(hours=1)
ACTIONS = st.lists(
    st.tuples(
        st.sampled_from(["add", "add", "pause", "resume", "cancel", "fire", "drop"]),
        st.integers(min_value=0, max_value=2),  # which conversation
        st.sampled_from([Party.USER, Party.CHATBOT]),
        st.integers(min_value=0, max_value=50),  # which of its schedules
        st.booleans(),  # one-off (fires once) or daily (stays pending)
    ),
    max_size=40,
)


def counted(path: Path) -> dict[tuple[int, str, str], int]:
    """The truth: the rows, counted."""
    raw = sqlite3.connect(path)
    try:
        rows = raw.execute(
            "SELECT conversation_id, created_by, state, count(*) FROM schedules GROUP BY 1, 2, 3"
        )
        return {(c, by, state): n for c, by, state, n in rows}
    finally:
        raw.close()


def check(store: Store, conversations: list[int]) -> None:
    truth = counted(store.path)
    active = ("pending", "paused")
    for cid in conversations:
        view = store.scoped(cid)
        for by in (None, Party.USER, Party.CHATBOT):
            for states in ([ScheduleState.PENDING, ScheduleState.PAUSED], [ScheduleState.PAUSED]):
                want = sum(
                    n
                    for (c, who, state), n in truth.items()
                    if c == cid and (by is None or who == by.value) and state in states
                )
                assert view.count_schedules(created_by=by, states=states) == want
        pending = sum(n for (c, _, state), n in truth.items() if c == cid and state in active)
        assert store.conversation(cid).pending == pending
        listed = {c.id: c.pending for c in store.conversations(archived=None)}
        assert listed[cid] == pending
    everywhere = store.scoped(None).count_schedules()
    assert everywhere == sum(n for (_, _, state), n in truth.items() if state in active)


@settings(max_examples=30, deadline=None)
@given(actions=ACTIONS)
def test_the_counts_equal_the_rows_whatever_happens(
    tmp_path_factory: pytest.TempPathFactory, actions: list[tuple[str, int, Party, int, bool]]
) -> None:
    path = tmp_path_factory.mktemp("counts") / "db.sqlite"
    store = Store(path)
    ids = [1, store.add_conversation(now=T0).id, store.add_conversation(now=T0).id]
    now = T0
    try:
        for action, which, by, pick, one_off in actions:
            view = store.scoped(ids[which])
            book = ScheduleBook(view)
            mine = view.schedules(list(ScheduleState))
            chosen = mine[pick % len(mine)] if mine else None
            if action == "add":
                when = once(now, H) if one_off else daily(now)
                with contextlib.suppress(PendingLimitError):  # (the cap reads the counts)
                    add(view, when, now=now, created_by=by, max_pending=3)
            elif action == "drop" and which:  # (the first conversation stays)
                store.delete_conversation(ids[which])
                ids[which] = store.add_conversation(now=now).id
            elif chosen is not None and action in ("pause", "resume", "cancel"):
                live = chosen.state in (ScheduleState.PENDING, ScheduleState.PAUSED)
                if action == "cancel" and live:
                    book.cancel(chosen.id, now=now)
                elif action == "pause" and chosen.state is ScheduleState.PENDING:
                    book.pause(chosen.id, now=now)
                elif action == "resume" and chosen.state is ScheduleState.PAUSED:
                    book.resume(chosen.id, now=now)
            elif action == "fire":
                now += timedelta(days=1)
                deliver_due(store.scoped(None), now)
            check(store, ids)
    finally:
        store.close()


def test_the_pending_cap_counts_each_conversation_and_author(store: Store) -> None:
    other = store.scoped(store.add_conversation(now=T0).id)
    store = store.scoped(1)
    for k in range(3):
        add(store, once(T0, H * (k + 1)), now=T0, max_pending=3)
    with pytest.raises(PendingLimitError):
        add(store, once(T0, H), now=T0, max_pending=3)
    add(store, once(T0, H), now=T0, max_pending=3, created_by=Party.CHATBOT)  # the bot's own
    add(other, once(T0, H), now=T0, max_pending=3)  # another conversation's own
    ScheduleBook(store).cancel(store.schedules()[0].id, now=T0)
    add(store, once(T0, H), now=T0, max_pending=3)  # room again


def test_only_writes_to_the_schedules_move_the_stamp_others_compare(
    db_path: Path, store: Store
) -> None:
    other = Store(db_path)  # another process, as far as SQLite can tell
    try:
        point = other.sync_point()
        store.add_message(Role.USER, "hello", now=T0)
        changes = other.changes_since(point)
        assert changes is not None and not changes.schedules_changed  # a message, not a schedule
        s = add(store, once(T0, H), now=T0)
        changes = other.changes_since(changes.point)
        assert changes is not None and changes.schedules_changed
        ScheduleBook(store).pause(s.id, now=T0)  # same count, a changed schedule
        changes = other.changes_since(changes.point)
        assert changes is not None and changes.schedules_changed
        assert other.changes_since(changes.point) is None  # told once
    finally:
        other.close()


def test_counting_and_the_sync_stamp_never_read_the_schedules(store: Store) -> None:
    """What start-up and every sync tick ask: answered from the counts, not from the schedules
    (flat from 0 to 100,000 pending). SQLite's authorizer names every table a statement reads."""
    for k in range(5):
        add(store, once(T0, H * (k + 1)), now=T0)
    with tables_read(store) as read:
        store.scoped(1).count_schedules()
        store.scoped(1).count_schedules(created_by=Party.CHATBOT, states=[ScheduleState.PAUSED])
        assert store.conversation(1).pending == 5
        assert [c.pending for c in store.conversations()] == [5]
        point = store.sync_point()
    assert point.schedules == 5  # five writes: the five added
    assert {"schedule_counts", "schedule_writes", "conversations"} <= read
    assert "schedules" not in read
