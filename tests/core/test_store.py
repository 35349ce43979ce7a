"""The SQLite store against a real file: schema, modes, every method, concurrent claims."""

from __future__ import annotations

import json
import shutil
import sqlite3
import stat
import sys
import threading
from datetime import UTC, datetime, timedelta
from pathlib import Path

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from dynaprompt_tui.core.clock import FakeClock
from dynaprompt_tui.core.models import (
    Fire,
    Message,
    MissedPolicy,
    Outcome,
    Party,
    Role,
    Schedule,
    ScheduleState,
)
from dynaprompt_tui.core.scheduling.book import ScheduleBook
from dynaprompt_tui.core.scheduling.engine import Engine
from dynaprompt_tui.core.scheduling.plan import DeliveryPlan
from dynaprompt_tui.core.scheduling.rules import When
from dynaprompt_tui.core.storage import ClaimLostError, Store, StoreError, UnknownScheduleError
from dynaprompt_tui.core.storage.migrations import MIGRATIONS, SCHEMA_VERSION, migrate
from dynaprompt_tui.core.storage.owners import default_owner

from .conftest import LONDON, T0, add, daily, once

LATE = timedelta(seconds=90)
H = timedelta(hours=1)
LEGACY_DB = Path(__file__).resolve().parents[1] / "data" / "legacy-v1.db"


def deliver_due(store: Store, now: datetime, owner: str = "test:1:a"):
    out = []
    for s in store.due(now):
        fire = store.claim(s, now=now, owner=owner)
        assert fire is not None
        out.append(ScheduleBook(store).deliver(fire, now=now, late_after=LATE))
    return out


# -- file, schema, settings --------------------------------------------------------------------


def test_fresh_db_is_migrated_and_reopens(db_path):
    s = Store(db_path)
    s.set_meta("k", {"a": 1})
    s.close()
    raw = sqlite3.connect(db_path)
    assert raw.execute("PRAGMA user_version").fetchone()[0] == SCHEMA_VERSION
    tables = {r[0] for r in raw.execute("SELECT name FROM sqlite_master WHERE type='table'")}
    assert {"messages", "schedules", "fires", "meta"} <= tables
    raw.close()
    s2 = Store(db_path)  # re-opening runs no migration step again and keeps the data
    assert s2.get_meta("k") == {"a": 1}
    s2.close()


def test_newer_schema_is_refused(db_path):
    Store(db_path).close()
    raw = sqlite3.connect(db_path)
    raw.execute(f"PRAGMA user_version = {SCHEMA_VERSION + 1}")
    raw.close()
    with pytest.raises(StoreError, match="newer"):
        Store(db_path)


def test_migrations_are_named_steps_applied_once():
    names = [name for name, _ in MIGRATIONS]
    assert names[:1] == ["m001_initial"]  # released steps never change: append only
    assert names == sorted(set(names)) and len(names) == SCHEMA_VERSION
    raw = sqlite3.connect(":memory:")
    assert migrate(raw, Path("mem")) == names
    assert migrate(raw, Path("mem")) == []
    assert raw.execute("PRAGMA user_version").fetchone()[0] == SCHEMA_VERSION


@pytest.mark.parametrize(
    ("table", "record"), [("messages", Message), ("schedules", Schedule), ("fires", Fire)]
)
def test_every_record_field_is_a_column(store, table, record):
    """Rows are selected and decoded by the record's own field names."""
    columns = {r[1] for r in store._conn.execute(f"PRAGMA table_info({table})")}
    assert set(record._fields) <= columns


async def test_database_written_before_the_split_opens_and_works(tmp_path):
    """tests/data/legacy-v1.db was written by the release before the redesign."""
    path = tmp_path / "legacy.db"
    shutil.copy(LEGACY_DB, path)
    raw = sqlite3.connect(path)
    n_messages = raw.execute("SELECT count(*) FROM messages").fetchone()[0]
    [(key, value)] = raw.execute("SELECT key, value FROM meta").fetchall()
    raw.close()
    store = Store(path)
    # Schema 1, migrated by the later steps (append-only: step 1 is what it was).
    assert store._conn.execute("PRAGMA user_version").fetchone()[0] == SCHEMA_VERSION
    assert len(store.messages(limit=100)) == n_messages == store.message_count()
    assert store.get_meta(key) == json.loads(value)
    by_prompt = {s.prompt: s for s in store.schedules(states=list(ScheduleState))}
    states = {p: s.state for p, s in by_prompt.items()}
    assert states == {
        "Stretch your legs.": ScheduleState.FIRED,
        "Teach me one Spanish word.": ScheduleState.PENDING,
        "Call Sam.": ScheduleState.PENDING,
        "This one gets cancelled.": ScheduleState.CANCELLED,
        "Weekly review (paused).": ScheduleState.PAUSED,
        "Good morning! Ready for today's word?": ScheduleState.PENDING,
    }
    [fire] = store.fires()
    reminder = store.get_message(fire.message_id)
    assert fire.status == "delivered" and reminder.role == Role.REMINDER
    assert fire.outcome == (Outcome.LATE if fire.late else Outcome.DELIVERED)  # from the row
    assert fire.model is None and fire.missed == 0
    assert all(s.on_missed == MissedPolicy.ONCE for s in by_prompt.values())  # as before
    assert reminder.schedule_id == fire.schedule_id == by_prompt["Stretch your legs."].id
    assert by_prompt["Stretch your legs."].fire_count == 1
    # It goes on working: approve the bot's rule, then deliver the next morning's fires.
    bot = by_prompt["Good morning! Ready for today's word?"]
    assert not bot.approved and bot.recurring
    book = ScheduleBook(store)
    book.approve(bot.id, now=T0 + H)
    nine = datetime(2026, 3, 6, 9, 0, tzinfo=UTC)
    got = await Engine(store, FakeClock(nine), lambda d: None).fire_due()
    assert [(d.message.content, d.message.role, d.late) for d in got] == [
        ("Good morning! Ready for today's word?", Role.ASSISTANT, True),
        ("Teach me one Spanish word.", Role.USER, False),
    ]
    store.close()
    again = Store(path)
    assert again.message_count() == n_messages + 2 and len(again.fires()) == 3
    again.close()


@pytest.mark.skipif(sys.platform == "win32", reason="POSIX modes")
def test_creates_private_dir_and_file(tmp_path):
    path = tmp_path / "a" / "b" / "db.sqlite"
    Store(path).close()
    assert stat.S_IMODE(path.stat().st_mode) == 0o600
    assert stat.S_IMODE(path.parent.stat().st_mode) == 0o700
    assert stat.S_IMODE((tmp_path / "a").stat().st_mode) == 0o700


@pytest.mark.skipif(sys.platform == "win32", reason="POSIX modes")
def test_existing_dir_mode_is_left_alone(tmp_path):
    tmp_path.chmod(0o755)
    Store(tmp_path / "db.sqlite").close()
    assert stat.S_IMODE(tmp_path.stat().st_mode) == 0o755


def test_durability_pragmas(store):
    c = store._conn
    assert c.execute("PRAGMA journal_mode").fetchone()[0] == "wal"
    assert c.execute("PRAGMA foreign_keys").fetchone()[0] == 1
    assert c.execute("PRAGMA synchronous").fetchone()[0] == 2  # FULL
    assert c.execute("PRAGMA busy_timeout").fetchone()[0] == 5000
    assert c.execute("PRAGMA cache_size").fetchone()[0] == -1024  # KiB (SQLite's: -2000)


# -- messages -----------------------------------------------------------------------------------


def test_messages_roundtrip_and_paging(store):
    ids = [
        store.add_message(Role.USER, f"m{i}", now=T0 + timedelta(seconds=i)).id for i in range(7)
    ]
    assert store.message_count() == 7
    latest = store.messages(limit=3)
    assert [m.content for m in latest] == ["m4", "m5", "m6"]  # latest three, oldest first
    older = store.messages(before_id=latest[0].id, limit=3)
    assert [m.content for m in older] == ["m1", "m2", "m3"]
    assert [m.content for m in store.messages(before_id=ids[1])] == ["m0"]
    m = store.get_message(ids[2])
    assert m.role == Role.USER and m.created_at == T0 + timedelta(seconds=2)
    assert m.created_at.tzinfo is not None


def test_update_message_merges_meta(store):
    m = store.add_message(
        Role.ASSISTANT, "part", now=T0, meta={"partial": True, "model": "x"}, due_at=T0, late=True
    )
    assert m.late and m.due_at == T0
    m2 = store.update_message(m.id, content="partial and more", meta={"partial": False})
    assert m2.content == "partial and more"
    assert m2.meta == {"partial": False, "model": "x"}
    assert store.update_message(m.id, meta={"n": 1}).content == "partial and more"
    with pytest.raises(StoreError):
        store.get_message(999)
    with pytest.raises(StoreError):
        store.update_message(999, content="x")


def test_meta_kv(store):
    assert store.get_meta("nope") is None
    assert store.get_meta("nope", 5) == 5
    store.set_meta("limits", [1, 2])
    store.set_meta("limits", {"x": "y"})
    assert store.get_meta("limits") == {"x": "y"}


# -- schedules ----------------------------------------------------------------------------------


def test_add_and_get_schedule(store):
    w = once(T0, 2 * H, "in 2 hours")
    s = add(store, w, now=T0, created_by=Party.CHATBOT, recipient=Party.USER, prompt="stretch")
    assert len(s.id) == 4 and all(c in "0123456789abcdef" for c in s.id)
    assert s.state == ScheduleState.PENDING and s.approved
    assert s.next_fire == T0 + 2 * H
    assert s.rule == w.to_dict() and s.tz == "Europe/London" and not s.recurring
    assert s.description == "in 2 hours" and s.time_prompt == "in 2 hours"
    assert store.get_schedule(s.id) == s
    assert store.get_schedule(s.id.upper()) == s
    assert store.get_schedule(s.id[:2]) == s  # unique prefix
    assert When.from_dict(s.rule, LONDON).next_fire(T0) == T0 + 2 * H


def test_add_schedule_in_the_past_is_refused(store):
    with pytest.raises(StoreError, match="past"):
        add(store, When("once", LONDON, "yesterday", start=T0, at=T0 - H), now=T0)


def test_unknown_and_ambiguous_ids(store, book, monkeypatch):
    with pytest.raises(UnknownScheduleError, match=r"zz.*dpl"):
        store.get_schedule("zz")
    with pytest.raises(UnknownScheduleError, match="dpl"):
        book.cancel("abcd", now=T0)
    for fn in (book.pause, book.resume, book.approve, book.edit):
        with pytest.raises(UnknownScheduleError):
            fn("ffff", now=T0)
    with pytest.raises(UnknownScheduleError):
        store.get_schedule("%")  # LIKE wildcards are not ids
    # Force two ids sharing a prefix to check ambiguity.
    ids = iter(["ab12", "ab34"])
    monkeypatch.setattr("dynaprompt_tui.core.storage.schedules._random_hex", lambda n: next(ids))
    add(store, once(T0, H), now=T0)
    add(store, once(T0, H), now=T0)
    with pytest.raises(UnknownScheduleError, match="more than one"):
        store.get_schedule("ab")
    assert store.get_schedule("ab3").id == "ab34"


def test_id_collision_gets_longer(store, monkeypatch):
    seq = iter(["beef", "beef", "beefca"])
    monkeypatch.setattr("dynaprompt_tui.core.storage.schedules._random_hex", lambda n: next(seq))
    a = add(store, once(T0, H), now=T0)
    b = add(store, once(T0, H), now=T0)
    assert a.id == "beef" and b.id == "beefc"
    assert store.get_schedule("beef") == a  # exact match beats prefix


def test_schedules_sorted_and_counted(store, book):
    late = add(store, once(T0, 5 * H), now=T0)
    soon = add(store, once(T0, H), now=T0, created_by=Party.CHATBOT)
    mid = add(store, once(T0, 3 * H), now=T0)
    book.pause(mid.id, now=T0)
    gone = add(store, once(T0, 2 * H), now=T0)
    book.cancel(gone.id, now=T0)
    assert [s.id for s in store.schedules()] == [soon.id, mid.id, late.id]
    assert [s.id for s in store.schedules(states=[ScheduleState.CANCELLED])] == [gone.id]
    assert store.count_schedules() == 3
    assert store.count_schedules(created_by=Party.CHATBOT) == 1
    assert store.count_schedules(states=list(ScheduleState)) == 4
    assert store.schedules(states=[]) == [] and store.count_schedules(states=[]) == 0


def test_schedules_none_next_fire_last(store, book):
    a = add(store, once(T0, H), now=T0)
    b = add(store, daily(T0, count=1), now=T0)
    book.pause(b.id, now=T0)
    deliver_due(store, T0 + H)
    assert store.get_schedule(a.id).state == ScheduleState.FIRED
    listed = store.schedules(states=list(ScheduleState))
    assert [s.id for s in listed] == [b.id, a.id] and listed[-1].next_fire is None


def test_cancel_pause_resume(store, book):
    s = add(store, daily(T0), now=T0)
    p = book.pause(s.id, now=T0)
    assert p.state == ScheduleState.PAUSED and book.pause(s.id, now=T0) == p
    assert store.next_due() is None and store.due(T0 + 48 * H) == []
    # Resume recomputes from now: the paused days are skipped, not caught up.
    r = book.resume(s.id, now=T0 + 72 * H)
    assert r.state == ScheduleState.PENDING
    assert r.next_fire == datetime(2026, 3, 9, 9, 0, tzinfo=UTC)
    assert book.resume(s.id, now=T0) == r
    c = book.cancel(s.id, now=T0)
    assert c.state == ScheduleState.CANCELLED and book.cancel(s.id, now=T0) == c
    for fn in (book.pause, book.resume, book.edit):
        with pytest.raises(StoreError, match="cancelled"):
            fn(s.id, now=T0)


def test_resume_missed_one_off_fires_at_once_late(store, book):
    s = add(store, once(T0, H), now=T0)
    book.pause(s.id, now=T0)
    later = T0 + 5 * H
    r = book.resume(s.id, now=later)
    assert r.next_fire == T0 + H
    [(msg, done)] = deliver_due(store, later)
    assert msg.late and msg.due_at == T0 + H and done.state == ScheduleState.FIRED


def test_cancel_fired_is_refused(store, book):
    s = add(store, once(T0, H), now=T0)
    deliver_due(store, T0 + H)
    with pytest.raises(StoreError, match="fired"):
        book.cancel(s.id, now=T0 + H)


def test_edit(store, book):
    s = add(store, once(T0, H), now=T0, prompt="old")
    e = book.edit(s.id, now=T0, prompt="new")
    assert e.prompt == "new" and e.next_fire == s.next_fire
    w = daily(T0, "18:30")
    e = book.edit(s.id, now=T0, time_prompt="every day at 18:30", when=w)
    assert e.recurring and e.time_prompt == "every day at 18:30"
    assert e.description == "every day at 18:30" and e.rule == w.to_dict()
    assert e.next_fire == datetime(2026, 3, 5, 18, 30, tzinfo=UTC)
    with pytest.raises(StoreError, match="past"):
        book.edit(s.id, now=T0, when=When("once", LONDON, "then", start=T0, at=T0 - H))
    assert book.edit(s.id, now=T0) == store.get_schedule(s.id)


def test_change_schedule_saves_what_differs(store):
    s = add(store, once(T0, H), now=T0)

    def raw():
        return store._conn.execute(
            "SELECT prompt, updated_at FROM schedules WHERE id = ?", (s.id,)
        ).fetchone()

    assert store.change_schedule(s.id, lambda x: x, now=T0 + H) == s
    assert raw() == ("hello", "2026-03-05T10:15:00.000000Z")  # the same object: nothing written
    out = store.change_schedule(s.id[:3], lambda x: x._replace(prompt="new"), now=T0 + H)
    assert out == s._replace(prompt="new")
    assert raw() == ("new", "2026-03-05T11:15:00.000000Z")
    with pytest.raises(ValueError, match="never changes"):
        store.change_schedule(s.id, lambda x: x._replace(prompt="x", id="ffff"), now=T0)

    def refuse(x):
        raise StoreError("refused")

    with pytest.raises(StoreError, match="refused"):
        store.change_schedule(s.id, refuse, now=T0)
    assert store.get_schedule(s.id) == out and raw()[0] == "new"


def test_approve(store, book):
    s = add(store, daily(T0), now=T0, created_by=Party.CHATBOT, approved=False)
    assert not s.approved
    assert store.next_due() is None and store.due(T0 + 48 * H) == []
    a = book.approve(s.id, now=T0 + 30 * H)
    # Fires that passed while awaiting approval are skipped.
    assert a.approved and a.next_fire == datetime(2026, 3, 7, 9, 0, tzinfo=UTC)
    assert store.next_due() == a.next_fire


def test_next_due_and_due(store):
    assert store.next_due() is None
    a = add(store, once(T0, 2 * H), now=T0)
    b = add(store, once(T0, H), now=T0)
    assert store.next_due() == T0 + H
    assert store.due(T0) == []
    assert [s.id for s in store.due(T0 + 3 * H)] == [b.id, a.id]


def test_next_due_uses_index(store):
    plan = " ".join(
        r[3]
        for r in store._conn.execute(
            "EXPLAIN QUERY PLAN SELECT s.next_fire FROM schedules s WHERE s.state = 'pending'"
            " AND s.approved = 1 AND s.next_fire IS NOT NULL ORDER BY s.next_fire LIMIT 1"
        )
    )
    assert "schedules_due" in plan and "TEMP B-TREE" not in plan


# -- claim and deliver --------------------------------------------------------------------------


def test_claim_and_deliver_one_off_roles(store, book):
    cases = [
        (Party.USER, Party.USER, Role.REMINDER),
        (Party.CHATBOT, Party.USER, Role.ASSISTANT),
        (Party.USER, Party.CHATBOT, Role.USER),
        (Party.CHATBOT, Party.CHATBOT, Role.USER),
    ]
    for by, to, role in cases:
        s = add(store, once(T0, H), now=T0, created_by=by, recipient=to, prompt=f"{by}->{to}")
        now = T0 + H + timedelta(seconds=5)
        fire = store.claim(s, now=now, owner="me:1:x")
        assert fire is not None and fire.status == "claimed" and fire.due_at == T0 + H
        assert store.claim(s, now=now, owner="other:2:y") is None
        msg, after = book.deliver(fire, now=now, late_after=LATE)
        assert msg.role == role and msg.content == f"{by}->{to}"
        assert msg.schedule_id == s.id and msg.scheduled_by == by
        assert msg.due_at == T0 + H and not msg.late
        assert after.state == ScheduleState.FIRED and after.next_fire is None
        assert after.fire_count == 1
        [f] = store.fires(s.id)
        assert f.status == "delivered" and f.message_id == msg.id and f.delivered_at == now
        with pytest.raises(ClaimLostError):
            book.deliver(fire, now=now, late_after=LATE)
    assert store.message_count() == 4 and len(store.fires()) == 4


def test_claim_refuses_not_yet_due_and_stale_schedule_objects(store, book):
    s = add(store, daily(T0), now=T0)
    assert store.claim(s, now=T0, owner="me:1:x") is None  # not due yet
    deliver_due(store, s.next_fire)
    assert store.claim(s, now=s.next_fire, owner="me:1:x") is None  # already moved on
    paused = add(store, once(T0, H), now=T0)
    book.pause(paused.id, now=T0)
    assert store.claim(paused, now=T0 + H, owner="me:1:x") is None


def test_deliver_saves_the_plan_it_is_given_in_its_transaction(store):
    s = add(store, once(T0, H), now=T0)
    fire = store.claim(s, now=T0 + H, owner="me:1:x")
    seen = []

    def broken(schedule):
        seen.append(schedule)
        raise RuntimeError("no plan")

    with pytest.raises(RuntimeError):
        store.deliver(fire, now=T0 + H, plan=broken)
    assert seen == [s]  # called on the row as read in the transaction
    assert store.message_count() == 0 and store.fires(s.id)[0].status == "claimed"
    plan = DeliveryPlan(Role.NOTICE, True, 3, ScheduleState.PENDING, T0 + 5 * H)
    msg, after = store.deliver(fire, now=T0 + 2 * H, plan=lambda _: plan)
    assert (msg.role, msg.late, msg.content, msg.due_at) == (Role.NOTICE, True, "hello", T0 + H)
    assert msg.meta == {"fire_id": fire.id, "missed": 3}
    assert (after.state, after.next_fire, after.fire_count) == (
        ScheduleState.PENDING,
        T0 + 5 * H,
        1,
    )
    [f] = store.fires(s.id)
    assert f.status == "delivered" and f.late and f.message_id == msg.id


def test_late_flag_uses_threshold(store, book):
    s = add(store, once(T0, H), now=T0)
    now = T0 + H + timedelta(seconds=91)
    msg, _ = book.deliver(store.claim(s, now=now, owner="me:1:x"), now=now, late_after=LATE)
    assert msg.late and msg.due_at == T0 + H
    assert store.fires(s.id)[0].late


def test_recurring_advances_and_coalesces(store):
    add(store, daily(T0), now=T0)
    first = datetime(2026, 3, 6, 9, 0, tzinfo=UTC)
    [(msg, after)] = deliver_due(store, first)
    assert not msg.late and "missed" not in msg.meta
    assert after.next_fire == first + 24 * H and after.state == ScheduleState.PENDING
    # Down for five days: one delivery for the lot, then the schedule goes on from now.
    back = first + 5 * 24 * H + 2 * H
    [(msg, after)] = deliver_due(store, back)
    assert msg.late and msg.due_at == first + 24 * H and msg.meta["missed"] == 4
    assert after.next_fire == first + 6 * 24 * H and after.fire_count == 2
    assert deliver_due(store, back) == []


def test_recurring_count_and_until_end(store):
    s = add(store, daily(T0, count=2), now=T0)
    d1 = datetime(2026, 3, 6, 9, 0, tzinfo=UTC)
    deliver_due(store, d1)
    [(_, after)] = deliver_due(store, d1 + 24 * H)
    assert after.state == ScheduleState.FIRED and after.next_fire is None
    u = add(store, daily(T0, until=datetime(2026, 3, 6, 12, 0, tzinfo=UTC)), now=T0)
    [(_, after)] = [x for x in deliver_due(store, d1 + 48 * H) if x[1].id == u.id]
    assert after.state == ScheduleState.FIRED and after.fire_count == 1
    assert store.get_schedule(s.id).fire_count == 2


def test_deliver_after_pause_abandons_fire_and_resume_reclaims(store, book):
    s = add(store, once(T0, H), now=T0)
    now = T0 + H
    fire = store.claim(s, now=now, owner="me:1:x")
    book.pause(s.id, now=now)
    with pytest.raises(ClaimLostError, match="changed"):
        book.deliver(fire, now=now, late_after=LATE)
    assert store.fires(s.id)[0].status == "failed"
    book.resume(s.id, now=now)
    [again] = store.due(now)
    fire2 = store.claim(again, now=now, owner="me:1:x")
    assert fire2 is not None and fire2.id == fire.id  # the same log row, claimed again
    book.deliver(fire2, now=now, late_after=LATE)
    assert store.message_count() == 1


def test_release_makes_fire_claimable_again(store):
    s = add(store, once(T0, H), now=T0)
    fire = store.claim(s, now=T0 + H, owner="me:1:x")
    assert store.due(T0 + H) == [] and store.next_due() is None  # claimed: nothing to do
    store.release(fire, error="boom")
    assert store.fires(s.id)[0].error == "boom"
    assert store.next_due() == T0 + H
    assert store.claim(s, now=T0 + H, owner="me:1:x") is not None


def test_two_stores_race_to_claim(db_path):
    stores = [Store(db_path) for _ in range(4)]
    s = add(stores[0], once(T0, H), now=T0)
    now = T0 + H
    barrier = threading.Barrier(len(stores))
    results = [None] * len(stores)

    def go(i):
        barrier.wait()
        results[i] = stores[i].claim(s, now=now, owner=f"host:{i}:t")

    threads = [threading.Thread(target=go, args=(i,)) for i in range(len(stores))]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    winners = [r for r in results if r is not None]
    assert len(winners) == 1
    ScheduleBook(stores[1]).deliver(winners[0], now=now, late_after=LATE)
    assert stores[2].message_count() == 1 and len(stores[3].fires()) == 1
    for each in stores:
        each.close()


def test_stale_claims_dead_owner_and_lease(store, book):
    a = add(store, once(T0, H), now=T0)
    b = add(store, once(T0, H), now=T0)
    now = T0 + H
    live = store.claim(a, now=now, owner=default_owner())  # this process: alive
    remote = store.claim(b, now=now, owner="some-other-host:1:x")  # unknowable: lease only
    lease = timedelta(seconds=60)
    assert store.stale_claims(now=now, lease=lease) == []
    stale = store.stale_claims(now=now + timedelta(seconds=61), lease=lease)
    assert {f.id for f in stale} == {live.id, remote.id}
    taken = store.take_over(stale[0], now=now + timedelta(seconds=61), owner="me:9:z")
    assert taken is not None and taken.owner == "me:9:z"
    assert store.take_over(stale[0], now=now, owner="you:8:z") is None  # already moved
    book.deliver(taken, now=now + timedelta(seconds=61), late_after=LATE)
    with pytest.raises(ClaimLostError):  # the original owner lost it
        book.deliver(stale[0], now=now, late_after=LATE)
    assert store.message_count() == 1


def test_record_failure_pauses_after_three(store, book):
    s = add(store, daily(T0), now=T0)
    r = book.record_failure(s.id, now=T0, error="e1")
    assert r.failures == 1 and r.state == ScheduleState.PENDING and r.last_error == "e1"
    book.record_success(s.id)
    assert store.get_schedule(s.id).failures == 0
    for i in range(3):
        r = book.record_failure(s.id, now=T0, error=f"e{i}")
    assert r.state == ScheduleState.PAUSED and r.failures == 3
    assert "3 failed deliveries" in r.last_error and "e2" in r.last_error
    r = book.resume(s.id, now=T0)
    assert r.failures == 0 and r.last_error is None


def test_timestamps_are_utc_text(store):
    local = datetime(2026, 3, 5, 10, 15, tzinfo=LONDON)  # GMT in March: same instant as T0
    s = add(store, once(local, H), now=local)
    row = store._conn.execute(
        "SELECT created_at, updated_at, next_fire FROM schedules WHERE id = ?", (s.id,)
    ).fetchone()
    assert row[0] == "2026-03-05T10:15:00.000000Z" and row[1] == row[0]
    assert row[2] == "2026-03-05T11:15:00.000000Z"
    with pytest.raises(ValueError):
        store.add_message(Role.USER, "x", now=datetime(2026, 1, 1))  # naive


@settings(max_examples=40, deadline=None)
@given(
    step=st.sampled_from([60, 300, 3600, 86400]),
    down=st.integers(min_value=0, max_value=10 * 86400),
)
def test_coalescing_property(tmp_path_factory, step, down):
    """Whatever the downtime: one delivery, the right missed count, next fire after now."""
    store = Store(tmp_path_factory.mktemp("prop") / "db.sqlite")
    w = When("every", LONDON, "every n", start=T0, seconds=step, anchor=T0)
    s = add(store, w, now=T0)
    first = T0 + timedelta(seconds=step)
    now = first + timedelta(seconds=down)
    [(msg, after)] = deliver_due(store, now)
    assert msg.due_at == first and msg.late == (down > 90)
    assert msg.meta.get("missed", 0) == min(down // step, 1000)  # counting stops at 1000
    assert after.next_fire > now and after.next_fire - now <= timedelta(seconds=step)
    assert (after.next_fire - T0).total_seconds() % step == 0
    assert deliver_due(store, now) == [] and store.get_schedule(s.id).fire_count == 1
    store.close()
