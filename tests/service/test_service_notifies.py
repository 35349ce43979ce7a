"""The service tells the user through the [notify] channels only while no window is focused:
windows record their focus in the database (core/notify/presence.py); a dead window's record
does not count. The service runs in process here (its `serve` coroutine), a webhook receiver
stands for the user's phone."""

from __future__ import annotations

import asyncio
import json
import os
import socket
import subprocess

from dynaprompt_tui.config import Settings
from dynaprompt_tui.core.models import Role
from dynaprompt_tui.core.notify import presence
from dynaprompt_tui.core.notify.settings import NotifyConfig
from dynaprompt_tui.core.storage import Store
from dynaprompt_tui.service.runner import serve
from tests.notify_receiver import Receiver
from tests.service.conftest import add_due

HOST = socket.gethostname()


def _dead_window() -> str:
    """The owner id of a window that crashed: its process (on this host) has exited."""
    child = subprocess.Popen(["true"])
    child.wait()
    return f"{HOST}:{child.pid}:dead"


async def _serve_until_delivered(settings: Settings, store: Store, schedule_id: str) -> None:
    stop = asyncio.Event()
    task = asyncio.create_task(serve(settings, stop=stop))
    for _ in range(1500):  # up to 30 s, polling the database (no fixed wait for the fire)
        if any(m.schedule_id == schedule_id for m in store.messages()):
            break
        await asyncio.sleep(0.02)
    stop.set()
    await task  # closes the notifier after the sends under way


def _settings(tmp_path, url: str) -> Settings:
    return Settings(
        db_path=tmp_path / "db.sqlite",
        tz="UTC",
        demo=True,
        notify=NotifyConfig(desktop="off", webhook_url=url),
    )


async def test_no_window_focused_the_service_notifies(tmp_path) -> None:
    with Receiver() as receiver:
        settings = _settings(tmp_path, receiver.url + "/hook")
        store = Store(settings.db_path)
        presence.record(store, _dead_window(), focused=True)  # crashed while focused: ignored
        presence.record(store, f"{HOST}:{os.getpid()}:blurred", focused=False)
        s = add_due(store, -0.5, "Stretch your legs")
        await _serve_until_delivered(settings, store, s.id)
        [request] = receiver.wait_for(1)
        assert "Stretch your legs" in json.dumps(json.loads(request.body))
        store.close()


async def test_a_focused_window_means_the_service_stays_quiet(tmp_path) -> None:
    with Receiver() as receiver:
        settings = _settings(tmp_path, receiver.url + "/hook")
        store = Store(settings.db_path)
        presence.record(store, f"{HOST}:{os.getpid()}:reading", focused=True)
        s = add_due(store, -0.5, "Stretch your legs")
        await _serve_until_delivered(settings, store, s.id)
        [m] = [m for m in store.messages() if m.schedule_id == s.id]
        assert m.role is Role.REMINDER
        assert receiver.requests == []  # the service has closed: nothing is still on its way
        store.close()


def test_presence_records_forgets_and_ignores_dead_windows(tmp_path) -> None:
    store = Store(tmp_path / "db.sqlite")
    me = f"{HOST}:{os.getpid()}:w1"
    assert not presence.a_window_is_focused(store)
    dead = _dead_window()
    presence.record(store, dead, focused=True)
    assert not presence.a_window_is_focused(store)
    presence.record(store, me, focused=True)
    assert presence.a_window_is_focused(store)
    assert dead not in store.get_meta(presence.KEY)  # pruned when a live one wrote
    presence.record(store, me, focused=False)
    assert not presence.a_window_is_focused(store)
    presence.forget(store, me)
    assert store.get_meta(presence.KEY) == {}
    store.close()
