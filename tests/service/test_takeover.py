"""The service and another engine (as an open window runs) on one database: only the lease
holder delivers, nothing is delivered twice, and SIGKILL at random instants, many times, loses
and doubles nothing; the survivor takes over within the lease time.

DYNAPROMPT_KILL_ROUNDS raises the number of kills (default 20) for a longer run."""

from __future__ import annotations

import asyncio
import os
import random
import signal
import sys
import time
from collections import Counter
from datetime import UTC, datetime

import pytest

from dynaprompt_tui.config import Settings
from dynaprompt_tui.core.models import Party, ScheduleState
from dynaprompt_tui.core.scheduling.lease import (
    LEASE_TIME,
    RETRY_EVERY,
    LeaseHolder,
    current_holder,
)
from dynaprompt_tui.core.storage import Store
from dynaprompt_tui.core.storage.owners import owner_alive
from dynaprompt_tui.tui.app import make_app
from tests.service.conftest import Home, add_due, wait_for

pytestmark = pytest.mark.skipif(sys.platform == "win32", reason="needs SIGKILL and pid checks")

ROUNDS = int(os.environ.get("DYNAPROMPT_KILL_ROUNDS", "20"))
TAKEOVER = LEASE_TIME.total_seconds() + RETRY_EVERY  # the lease time, and the next try


def _all_delivered(store: Store, n: int) -> bool:
    return store.count_schedules(states=[ScheduleState.FIRED]) == n


def _check_exactly_once(store: Store, ids: list[str]) -> None:
    per_schedule = Counter(m.schedule_id for m in store.messages(limit=100_000) if m.schedule_id)
    assert {sid: per_schedule[sid] for sid in ids} == dict.fromkeys(ids, 1)
    fires = store.fires()
    assert Counter(f.schedule_id for f in fires if f.status == "delivered") == Counter(ids)
    assert [f for f in fires if f.status == "claimed"] == []


def test_the_service_and_a_window_engine_deliver_each_once(home: Home) -> None:
    store = Store(home.db)
    service = home.serve("--demo")
    wait_for(lambda: current_holder(store, store_now()), what="the service to take the lease")
    home.engine()
    ids = [add_due(store, i / 20, f"reminder {i}").id for i in range(40)]
    wait_for(lambda: _all_delivered(store, len(ids)), what="every delivery")
    _check_exactly_once(store, ids)
    holder = current_holder(store, store_now())
    assert holder is not None and holder.role == "service" and holder.pid == service.pid
    assert {f.owner for f in store.fires()} == {holder.owner}  # the other only waited
    # Added by this process while the service slept: it looks every second, so none is late.
    worst = max((f.delivered_at - f.due_at).total_seconds() for f in store.fires())
    assert worst < 2.0, worst
    store.close()


def store_now() -> datetime:
    return datetime.now(UTC)


def _other_holder(store: Store, old: str) -> LeaseHolder | None:
    h = current_holder(store, store_now())
    return h if h is not None and h.owner != old else None


def test_sigkill_at_random_instants_loses_and_doubles_nothing(home: Home) -> None:
    rng = random.Random(1234)
    store = Store(home.db)
    procs = {"service": home.serve("--demo"), "app": home.engine()}
    ids: list[str] = []
    takeovers: list[float] = []
    for r in range(ROUNDS):
        # Some due now, some in the next second, while we pick an instant to kill the holder.
        ids += [add_due(store, rng.uniform(-0.5, 1.0), f"round {r} #{i}").id for i in range(5)]
        holder = wait_for(lambda: current_holder(store, store_now()), what="a holder")
        kind = next(k for k, p in procs.items() if p.pid == holder.pid)
        time.sleep(rng.uniform(0, 0.4))  # a random instant, mid-delivery or not
        os.kill(procs[kind].pid, signal.SIGKILL)
        procs[kind].wait(timeout=10)
        killed = time.monotonic()
        assert not owner_alive(holder.owner)
        new = wait_for(
            lambda old=holder.owner: _other_holder(store, old),
            timeout=TAKEOVER + 5,
            what="another process to take over",
        )
        takeovers.append(time.monotonic() - killed)
        assert new.owner != holder.owner
        procs[kind] = home.serve("--demo") if kind == "service" else home.engine()
    wait_for(lambda: _all_delivered(store, len(ids)), timeout=60, what="every delivery")
    _check_exactly_once(store, ids)
    assert max(takeovers) <= TAKEOVER, takeovers
    store.close()


async def _poll(check, timeout: float, what: str):
    """wait_for without blocking the app's event loop."""
    deadline = time.monotonic() + timeout
    while not (got := check()):
        assert time.monotonic() < deadline, f"timed out waiting for {what}"
        await asyncio.sleep(0.05)
    return got


async def test_a_window_leaves_delivery_to_the_service_and_takes_over_when_it_dies(
    home: Home,
) -> None:
    store = Store(home.db)
    service = home.serve("--demo")
    first = wait_for(lambda: current_holder(store, store_now()), what="the service's lease")
    assert first.pid == service.pid
    app = make_app(Settings(db_path=home.db, tz="UTC", demo=True, bell=False))
    async with app.run_test(size=(120, 36)) as pilot:
        await pilot.pause()
        conversation = app.conversation
        workspace = conversation.hub
        engine = await _poll(lambda: workspace.__dict__.get("engine"), 10, "the app's engine")
        s = await conversation.create(
            recipient=Party.USER, time_prompt="in 2 seconds", prompt="from the window"
        )
        [fire] = await _poll(lambda: store.fires(s.id), 15, "the service to fire it")
        await _poll(lambda: store.fires(s.id)[0].status == "delivered", 5, "the delivery")
        assert fire.owner == first.owner and not engine.delivering

        os.kill(service.pid, signal.SIGKILL)
        service.wait(timeout=10)
        killed = time.monotonic()
        await _poll(lambda: engine.delivering, TAKEOVER, "the window to take over")
        assert time.monotonic() - killed <= TAKEOVER
        t = await conversation.create(
            recipient=Party.USER, time_prompt="in 2 seconds", prompt="now the window's"
        )
        await _poll(lambda: store.fires(t.id), 15, "the window to fire it")
        assert store.fires(t.id)[0].owner == engine.owner
        await pilot.press("ctrl+q")
    store.close()
