"""The engine lease in one process: one engine delivers at a time, a released, expired or dead
holder's lease is taken by the next engine to try, and a non-holder claims nothing."""

from __future__ import annotations

import asyncio
from datetime import timedelta

from dynaprompt_tui.core.clock import FakeClock
from dynaprompt_tui.core.scheduling.engine import Engine
from dynaprompt_tui.core.scheduling.lease import LEASE_KEY, Lease, current_holder
from dynaprompt_tui.core.storage import Store
from dynaprompt_tui.core.storage.codec import ts
from tests.core.conftest import T0, add, once, settle


def test_one_holder_at_a_time(tmp_path) -> None:
    a, b = Store(tmp_path / "db"), Store(tmp_path / "db")
    la, lb = Lease(a, "host-a:1:x", role="service"), Lease(b, "host-b:2:y")
    assert la.acquire(T0) and not lb.acquire(T0)
    holder = current_holder(b, T0)
    assert holder is not None and holder.owner == "host-a:1:x" and holder.role == "service"
    # Renewing keeps `since` and moves the expiry.
    assert la.acquire(T0 + timedelta(seconds=5))
    renewed = current_holder(b, T0 + timedelta(seconds=5))
    assert renewed is not None and renewed.since == T0
    assert renewed.expires_at == T0 + timedelta(seconds=5) + la.duration
    # Not renewed: another host's holder loses it once it expires, not before.
    assert not lb.acquire(T0 + timedelta(seconds=19))
    assert lb.acquire(T0 + timedelta(seconds=21))
    assert not la.acquire(T0 + timedelta(seconds=22)) and not la.held
    lb.release()
    assert current_holder(a, T0 + timedelta(seconds=23)) is None
    assert la.acquire(T0 + timedelta(seconds=23))
    a.close()
    b.close()


def test_a_dead_holder_on_this_host_is_replaced_at_once(tmp_path) -> None:
    import socket

    store = Store(tmp_path / "db")
    dead = f"{socket.gethostname()}:999999999:dead"  # no such pid
    store.set_meta(
        LEASE_KEY,
        {"owner": dead, "role": "service", "since": ts(T0), "expires_at": ts(T0 + timedelta(1))},
    )
    assert current_holder(store, T0) is None
    assert Lease(store, "me:1:x").acquire(T0)
    store.close()


def test_an_unreadable_lease_is_free(tmp_path) -> None:
    store = Store(tmp_path / "db")
    store.set_meta(LEASE_KEY, {"owner": "x"})
    assert Lease(store, "me:1:x").acquire(T0)
    store.close()


async def test_only_the_holder_delivers_and_the_other_takes_over(tmp_path) -> None:
    clock = FakeClock(T0)
    first, second = Store(tmp_path / "db"), Store(tmp_path / "db")
    got_first: list = []
    got_second: list = []
    a = Engine(first, clock, got_first.append, owner="host-a:1:a", role="service")
    b = Engine(second, clock, got_second.append, owner="host-b:2:b")
    a.start()
    await settle(a)
    b.start()
    await settle(b)
    assert a.delivering and not b.delivering
    add(first, once(T0, timedelta(seconds=2)), now=T0, prompt="one")
    for _ in range(3):
        clock.advance(1)
        await settle(a)
        await settle(b)
    assert [d.message.content for d in got_first] == ["one"] and got_second == []
    assert not b.delivering

    await a.stop()  # a clean stop releases the lease: the other takes it at its next try
    add(second, once(clock.now(), timedelta(seconds=1)), now=clock.now(), prompt="two")
    await settle(b, clock, seconds=b.retry_every)
    await settle(b, clock, seconds=1)
    assert b.delivering
    assert [d.message.content for d in got_second] == ["two"]
    await b.stop()
    assert current_holder(second, clock.now()) is None
    first.close()
    second.close()


async def _tick(eng: Engine, clock: FakeClock, seconds: float) -> None:
    """Move the clock and wait for the engine to park again, without waking it."""
    eng.idle.clear()
    clock.advance(seconds)
    await asyncio.wait_for(eng.idle.wait(), timeout=10)


async def test_the_holder_sees_a_schedule_another_process_added(tmp_path) -> None:
    clock = FakeClock(T0)
    mine, other = Store(tmp_path / "db"), Store(tmp_path / "db")
    got: list = []
    eng = Engine(mine, clock, got.append)
    eng.start()
    await settle(eng)
    assert eng.delivering and clock.sleep_calls[-1] == eng.watch_every  # one look a second
    # Another connection (another process) adds one due in 3 s; nobody wakes this engine, and
    # its next renewal is 5 s away: the look each second finds the commit.
    add(other, once(T0, timedelta(seconds=3)), now=T0, prompt="from elsewhere")
    for _ in range(3):
        await _tick(eng, clock, 1)
    await asyncio.wait_for(asyncio.gather(*eng._callbacks), timeout=10)
    assert [d.message.content for d in got] == ["from elsewhere"]
    [fire] = mine.fires()
    assert fire.delivered_at == T0 + timedelta(seconds=3)  # on time, not at the renewal
    await eng.stop()
    mine.close()
    other.close()
