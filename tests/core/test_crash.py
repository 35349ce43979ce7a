"""A process killed with SIGKILL mid-delivery: the fire is delivered exactly once afterwards."""

from __future__ import annotations

import os
import signal
import subprocess
import sys
import time
from datetime import timedelta
from pathlib import Path

import pytest

from dynaprompt_tui.core.clock import FakeClock
from dynaprompt_tui.core.scheduling.engine import Engine
from dynaprompt_tui.core.storage import Store

from .conftest import T0, add, once

pytestmark = pytest.mark.skipif(sys.platform == "win32", reason="needs SIGKILL and pid checks")

CHILD = Path(__file__).with_name("crash_child.py")
REPO = Path(__file__).resolve().parents[2]


def run_child_and_kill(db_path: Path, mode: str, now, tmp_path: Path) -> int:
    ready = tmp_path / f"ready-{mode}"
    env = {
        **os.environ,
        "PYTHONPATH": os.pathsep.join([str(REPO), os.environ.get("PYTHONPATH", "")]),
    }
    proc = subprocess.Popen(
        [sys.executable, str(CHILD), str(db_path), mode, now.isoformat(), str(ready)],
        env=env,
        stderr=subprocess.PIPE,
    )
    try:
        deadline = time.monotonic() + 30
        while not ready.exists():  # waiting on another process, not on a due time
            if proc.poll() is not None:
                pytest.fail(f"child exited early: {proc.stderr.read().decode()}")
            if time.monotonic() > deadline:
                pytest.fail("child never claimed the fire")
            time.sleep(0.01)
        fire_id = int(ready.read_text())
    finally:
        os.kill(proc.pid, signal.SIGKILL)
        proc.wait(timeout=10)
        proc.stderr.close()
    assert proc.returncode == -signal.SIGKILL
    return fire_id


async def test_killed_after_claim_is_delivered_once_by_the_next_engine(db_path, tmp_path):
    setup = Store(db_path)
    s = add(setup, once(T0, timedelta(minutes=5)), now=T0, prompt="survive the crash")
    setup.close()
    due = T0 + timedelta(minutes=5)
    fire_id = run_child_and_kill(db_path, "claim", due, tmp_path)

    store = Store(db_path)
    [claimed] = store.fires(s.id)
    assert claimed.id == fire_id and claimed.status == "claimed"
    assert store.message_count() == 0
    # One second later: well inside the 60 s lease, so it is the dead pid that frees the claim.
    clock = FakeClock(due + timedelta(seconds=1))
    got = []
    eng = Engine(store, clock, got.append)
    [d] = await eng.fire_due()
    assert d.message.content == "survive the crash" and d.fire.id == fire_id
    assert got == [d]
    assert await eng.fire_due() == []
    assert store.message_count() == 1
    [f] = store.fires(s.id)
    assert f.status == "delivered" and f.message_id == d.message.id and f.owner == eng.owner
    store.close()

    again = Store(db_path)  # and a later start does not deliver it again
    assert await Engine(again, FakeClock(due + timedelta(hours=1)), got.append).fire_due() == []
    assert again.message_count() == 1
    again.close()


async def test_killed_after_delivery_commits_is_not_redelivered(db_path, tmp_path):
    setup = Store(db_path)
    s = add(setup, once(T0, timedelta(minutes=5)), now=T0, prompt="once only")
    setup.close()
    due = T0 + timedelta(minutes=5)
    run_child_and_kill(db_path, "deliver", due, tmp_path)

    store = Store(db_path)
    got = []
    eng = Engine(store, FakeClock(due + timedelta(minutes=10)), got.append)
    assert await eng.fire_due() == []
    assert got == [] and store.message_count() == 1
    [f] = store.fires(s.id)
    assert f.status == "delivered"
    assert store.get_schedule(s.id).state.value == "fired"
    store.close()


def test_processes_racing_deliver_each_fire_once(db_path, tmp_path):
    setup = Store(db_path)
    n = 150
    for i in range(n):
        add(setup, once(T0, timedelta(seconds=i + 1)), now=T0, prompt=f"p{i}")
    setup.close()
    go = tmp_path / "go"
    env = {
        **os.environ,
        "PYTHONPATH": os.pathsep.join([str(REPO), os.environ.get("PYTHONPATH", "")]),
    }
    now = (T0 + timedelta(minutes=10)).isoformat()
    procs = [
        subprocess.Popen(
            [sys.executable, str(CHILD), str(db_path), "engine", now, str(go)],
            env=env,
            stdout=subprocess.PIPE,
            stderr=subprocess.PIPE,
            text=True,
        )
        for _ in range(4)
    ]
    # Wait until all have imported and opened the store (each says so), then start them at once.
    deadline = time.monotonic() + 30
    while len(list(tmp_path.glob("go.ready.*"))) < len(procs):
        assert time.monotonic() < deadline, "the racing processes did not start"
        assert all(p.poll() is None for p in procs), "a racing process exited early"
        time.sleep(0.01)
    go.write_text("go")
    counts = []
    for p in procs:
        out, err = p.communicate(timeout=60)
        assert p.returncode == 0, err
        counts.append(int(out.strip()))
    assert sum(counts) == n
    store = Store(db_path)
    assert store.message_count() == n
    fires = store.fires()
    assert len(fires) == n and all(f.status == "delivered" for f in fires)
    assert sorted(m.content for m in store.messages(limit=n)) == sorted(f"p{i}" for i in range(n))
    store.close()
