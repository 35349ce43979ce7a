"""The delivery engine with a FakeClock: ordering, sleeping, waking, catch-up, failures, DST."""

from __future__ import annotations

import asyncio
from datetime import UTC, datetime, timedelta

import pytest

from dynaprompt_tui.core.clock import FakeClock
from dynaprompt_tui.core.models import Party, Role, ScheduleState
from dynaprompt_tui.core.scheduling.engine import Delivery, Engine
from dynaprompt_tui.core.scheduling.rules import When
from dynaprompt_tui.core.storage import Store

from .conftest import LONDON, T0, add, once, settle

H = timedelta(hours=1)


def every(now: datetime, seconds: int) -> When:
    return When("every", LONDON, f"every {seconds}s", start=now, seconds=seconds, anchor=now)


class Recorder:
    def __init__(self, fail_for: set[str] | None = None, is_async: bool = False) -> None:
        self.got: list[Delivery] = []
        self.fail_for = fail_for or set()
        self.is_async = is_async

    def _handle(self, d: Delivery) -> None:
        self.got.append(d)
        if d.schedule.id in self.fail_for:
            raise RuntimeError(f"model call failed for {d.schedule.id}")

    def __call__(self, d: Delivery):
        if not self.is_async:
            return self._handle(d)

        async def run() -> None:
            await asyncio.sleep(0)
            self._handle(d)

        return run()

    @property
    def prompts(self) -> list[str]:
        return [d.message.content for d in self.got]


ALONE = {"renew_every": 1e9, "lease_time": timedelta(days=36500), "watch_every": 1e9}


@pytest.fixture
async def running():
    """Start an engine on demand and always stop it."""
    engines: list[Engine] = []

    async def start(store, clock, rec, **kw) -> Engine:
        # The sleeps asserted here are the due times: a lease renewal timer longer than them
        # (the lease itself is tested in test_lease.py).
        eng = Engine(store, clock, rec, **(ALONE | kw))
        engines.append(eng)
        eng.start()
        await asyncio.wait_for(eng.idle.wait(), timeout=10)
        return eng

    yield start
    for eng in engines:
        await eng.stop()


async def test_fire_due_delivers_in_due_order(store, clock):
    rec = Recorder()
    eng = Engine(store, clock, rec)
    add(store, once(T0, 3 * H), now=T0, prompt="third")
    add(store, once(T0, H), now=T0, prompt="first")
    add(store, once(T0, 2 * H), now=T0, prompt="second")
    assert await eng.fire_due() == []
    clock.advance(hours=4)
    out = await eng.fire_due()
    assert [d.message.content for d in out] == ["first", "second", "third"]
    assert rec.prompts == ["first", "second", "third"]
    assert all(d.late and d.schedule.state == ScheduleState.FIRED for d in out)
    assert await eng.fire_due() == []


async def test_run_loop_sleeps_until_due_and_fires_in_order(store, clock, running):
    rec = Recorder()
    add(store, once(T0, timedelta(seconds=20)), now=T0, prompt="b")
    add(store, once(T0, timedelta(seconds=10)), now=T0, prompt="a")
    eng = await running(store, clock, rec)
    assert clock.sleep_calls[-1] == 10
    await settle(eng, clock, seconds=10)
    assert rec.prompts == ["a"] and not rec.got[0].late
    assert clock.sleep_calls[-1] == 10
    await settle(eng, clock, seconds=10)
    assert rec.prompts == ["a", "b"]
    assert clock.sleep_calls[-1] == eng.max_sleep  # nothing left: park for the cap


async def test_sleep_is_capped_and_idle_does_no_work(store, clock, running):
    add(store, once(T0, H), now=T0)
    calls = []
    real_next_due = store.next_due
    store.next_due = lambda: calls.append(1) or real_next_due()
    eng = await running(store, clock, Recorder(), max_sleep=30)
    assert clock.sleep_calls == [30]
    n = len(calls)
    for _ in range(50):  # plenty of loop turns without the clock moving: nothing happens
        await asyncio.sleep(0)
    assert len(calls) == n and clock.sleep_calls == [30]
    await settle(eng, clock, seconds=30)
    assert clock.sleep_calls[-1] == 30


async def test_wake_on_add_recomputes_sleep(store, clock, running):
    rec = Recorder()
    eng = await running(store, clock, rec, max_sleep=3600)
    assert clock.sleep_calls == [3600]
    add(store, once(clock.now(), timedelta(seconds=10)), now=clock.now(), prompt="soon")
    await settle(eng)  # wake()
    assert clock.sleep_calls[-1] == 10
    await settle(eng, clock, seconds=10)
    assert rec.prompts == ["soon"]


async def test_wake_from_another_thread(store, clock, running):
    eng = await running(store, clock, Recorder(), max_sleep=3600)
    add(store, once(clock.now(), timedelta(seconds=5)), now=clock.now())
    eng.idle.clear()
    await asyncio.to_thread(eng.wake)
    await asyncio.wait_for(eng.idle.wait(), timeout=10)
    assert clock.sleep_calls[-1] == 5


async def test_catch_up_one_off_after_downtime(db_path):
    # The app was closed while the one-off came due; a new engine delivers it once, late.
    store = Store(db_path)
    add(store, once(T0, H), now=T0, prompt="while you were away")
    store.close()
    clock = FakeClock(T0 + 5 * H)
    store = Store(db_path)
    rec = Recorder()
    eng = Engine(store, clock, rec)
    [d] = await eng.fire_due()
    assert d.late and d.message.late and d.message.due_at == T0 + H
    assert d.message.created_at == T0 + 5 * H and d.message.role == Role.REMINDER
    assert await eng.fire_due() == []
    assert store.message_count() == 1
    store.close()


async def test_catch_up_recurring_coalesces_then_goes_on(store, clock, running):
    add(store, every(T0, 60), now=T0, prompt="tick")
    rec = Recorder()
    eng = await running(store, clock, rec, max_sleep=3600)
    await settle(eng, clock, seconds=60)
    assert len(rec.got) == 1 and not rec.got[0].late
    # Suspended for an hour and a half: 90 fires missed, one delivery, then on schedule.
    eng.idle.clear()
    clock.advance(minutes=90, seconds=30)
    eng.wake()
    await asyncio.wait_for(eng.idle.wait(), timeout=10)
    assert len(rec.got) == 2
    d = rec.got[1]
    assert d.late and d.message.due_at == T0 + timedelta(minutes=2)
    assert d.message.meta["missed"] == 89
    assert d.schedule.next_fire == T0 + timedelta(minutes=92)
    assert clock.sleep_calls[-1] == 30
    await settle(eng, clock, seconds=30)
    assert len(rec.got) == 3 and not rec.got[2].late


@pytest.mark.parametrize("is_async", [False, True])
async def test_three_failures_pause_without_blocking_others(store, clock, running, is_async):
    bad = add(store, every(T0, 60), now=T0, prompt="bad")
    good = add(store, every(T0, 60), now=T0, prompt="good")
    rec = Recorder(fail_for={bad.id}, is_async=is_async)
    eng = await running(store, clock, rec, max_sleep=3600)
    for _ in range(3):
        await settle(eng, clock, seconds=60)
    assert store.get_schedule(bad.id).state == ScheduleState.PAUSED
    assert "3 failed deliveries" in store.get_schedule(bad.id).last_error
    await settle(eng, clock, seconds=60)
    assert rec.prompts.count("bad") == 3
    assert rec.prompts.count("good") == 4
    assert store.get_schedule(good.id).state == ScheduleState.PENDING
    assert store.get_schedule(good.id).failures == 0


async def test_success_resets_failures(store, clock):
    s = add(store, every(T0, 60), now=T0)
    flaky = {s.id}
    rec = Recorder(fail_for=flaky)
    eng = Engine(store, clock, rec)
    clock.advance(60)
    await eng.fire_due()
    assert store.get_schedule(s.id).failures == 1
    flaky.clear()
    clock.advance(60)
    await eng.fire_due()
    assert store.get_schedule(s.id).failures == 0


async def test_store_error_during_delivery_is_released_and_not_spun_on(store, clock, running):
    s = add(store, once(T0, timedelta(seconds=10)), now=T0)
    real = store.deliver

    def broken(*a, **kw):
        raise RuntimeError("disk on fire")

    store.deliver = broken
    rec = Recorder()
    eng = await running(store, clock, rec, max_sleep=3600)
    await settle(eng, clock, seconds=10)
    assert clock.sleep_calls[-1] >= 1.0  # backs off instead of spinning on the due schedule
    [f] = store.fires(s.id)
    assert f.status == "failed" and "disk on fire" in f.error
    assert store.get_schedule(s.id).failures == 1
    store.deliver = real
    await settle(eng, clock, seconds=1)
    assert len(rec.got) == 1 and store.fires(s.id)[0].status == "delivered"


async def test_recurring_count_ends(store, clock, running):
    w = When("every", LONDON, "every minute, 3 times", start=T0, seconds=60, anchor=T0, count=3)
    s = add(store, w, now=T0)
    rec = Recorder()
    eng = await running(store, clock, rec, max_sleep=3600)
    for _ in range(4):
        await settle(eng, clock, seconds=60)
    assert len(rec.got) == 3
    assert store.get_schedule(s.id).state == ScheduleState.FIRED
    assert rec.got[-1].schedule.state == ScheduleState.FIRED


async def test_recurring_until_ends(store, clock):
    until = T0 + timedelta(minutes=2, seconds=30)
    w = When("every", LONDON, "every minute", start=T0, seconds=60, anchor=T0, until=until)
    s = add(store, w, now=T0)
    eng = Engine(store, clock, Recorder())
    n = 0
    for _ in range(4):
        clock.advance(60)
        n += len(await eng.fire_due())
    assert n == 2 and store.get_schedule(s.id).state == ScheduleState.FIRED


async def test_dst_fall_back_daily_fires_once(store, running):
    # Europe/London falls back at 02:00 BST on 25 Oct 2026: 01:30 happens twice that night.
    start = datetime(2026, 10, 23, 12, 0, tzinfo=UTC)
    clock = FakeClock(start)
    w = When("cron", LONDON, "every day at 01:30", start=start, cron="30 1 * * *")
    add(store, w, now=start, created_by=Party.CHATBOT, recipient=Party.CHATBOT, prompt="check")
    rec = Recorder()
    eng = await running(store, clock, rec, max_sleep=7 * 86400)
    while clock.now() < datetime(2026, 10, 26, 12, 0, tzinfo=UTC):
        await settle(eng, clock, seconds=clock.sleep_calls[-1])
    local = [d.message.due_at.astimezone(LONDON) for d in rec.got]
    assert [(t.day, t.hour, t.minute) for t in local] == [
        (24, 1, 30),
        (25, 1, 30),
        (26, 1, 30),
        (27, 1, 30),
    ]
    assert local[1].fold == 0 and local[1].utcoffset() == H  # the first 01:30, still BST
    assert all(not d.late for d in rec.got)
    assert all(d.message.role == Role.USER for d in rec.got)


async def test_stale_claim_of_vanished_owner_is_delivered_once(store, clock):
    s = add(store, once(T0, H), now=T0)
    clock.advance(hours=1)
    fire = store.claim(store.get_schedule(s.id), now=clock.now(), owner="elsewhere:1:x")
    rec = Recorder()
    eng = Engine(store, clock, rec, lease=timedelta(seconds=60))
    assert await eng.fire_due() == []  # held by a live-looking owner within its lease
    clock.advance(61)
    [d] = await eng.fire_due()
    assert d.fire.id == fire.id and d.fire.owner == eng.owner
    assert await eng.fire_due() == [] and store.message_count() == 1


async def test_two_engines_on_one_file_deliver_once(db_path, clock):
    stores = [Store(db_path) for _ in range(3)]
    for i in range(20):
        add(stores[0], once(T0, timedelta(seconds=i + 1)), now=T0, prompt=f"p{i}")
    recs = [Recorder() for _ in stores]
    engines = [Engine(st, clock, r) for st, r in zip(stores, recs, strict=True)]
    clock.advance(30)
    await asyncio.gather(*(e.fire_due() for e in engines))
    got = sorted(p for r in recs for p in r.prompts)
    assert got == sorted(f"p{i}" for i in range(20))
    assert stores[0].message_count() == 20
    assert all(f.status == "delivered" for f in stores[1].fires())
    for st in stores:
        st.close()


async def test_stop_ends_run(store, clock):
    eng = Engine(store, clock, Recorder())
    task = eng.start()
    await asyncio.wait_for(eng.idle.wait(), timeout=10)
    await eng.stop()
    assert task.done()


async def test_stop_right_after_start(store, clock):
    eng = Engine(store, clock, Recorder())
    task = eng.start()
    await asyncio.wait_for(eng.stop(), timeout=10)
    assert task.done()
    eng.start()  # and it can be started again
    await asyncio.wait_for(eng.idle.wait(), timeout=10)
    await eng.stop()


async def test_stop_cancels_a_slow_callback_after_a_grace(store, clock):
    started = asyncio.Event()

    async def slow(d: Delivery) -> None:
        started.set()
        await asyncio.Event().wait()  # a model turn that never ends

    add(store, once(T0, H), now=T0)
    eng = Engine(store, clock, slow)
    eng.start()
    await asyncio.wait_for(eng.idle.wait(), timeout=10)
    eng.idle.clear()
    clock.advance(hours=1)
    await asyncio.wait_for(started.wait(), timeout=10)
    await asyncio.wait_for(eng.stop(), timeout=5)
    assert store.message_count() == 1
    s = store.schedules(states=list(ScheduleState))[0]
    assert s.failures == 0  # cancelled by quitting is not a failed delivery


async def test_deliveries_run_with_a_prompt_thread_handover_and_restore_it(store, clock):
    """While the deliveries of a pass run in their thread, the interpreter hands the GIL over
    every 0.5 ms (a window busy showing them must not starve them); the setting is restored."""
    import sys
    import threading

    seen: list[tuple[float, bool]] = []

    class Watched(Store):
        def claim(self, *args, **kwargs):
            seen.append((sys.getswitchinterval(), threading.current_thread() is main))
            return super().claim(*args, **kwargs)

    main = threading.current_thread()
    before = sys.getswitchinterval()
    watched = Watched(store.path)
    for k in range(3):
        add(watched, once(T0, timedelta(minutes=k + 1)), now=T0, prompt=f"p{k}")
    eng = Engine(watched, clock, Recorder())
    clock.advance(minutes=5)
    assert len(await eng.fire_due()) == 3
    assert seen and all(interval <= 0.0005 and not on_main for interval, on_main in seen)
    assert sys.getswitchinterval() == before
    watched.close()
