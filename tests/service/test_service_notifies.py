"""The service tells the user through the [notify] channels only while no window is focused:
windows record their focus in the database (core/notify/presence.py); a dead window's record
does not count. A notification names the conversation its message landed in. The service
runs in process here (its `serve` coroutine), a webhook receiver stands for the user's phone."""

from __future__ import annotations

import asyncio
import json
import os
import socket
import subprocess
from datetime import UTC, datetime, timedelta

from dynaprompt_tui.config import Settings
from dynaprompt_tui.core.models import Party, Role
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


async def test_a_notification_names_the_conversation_the_fire_landed_in(tmp_path) -> None:
    """A reminder and a reply to a prompt fire in a conversation that is not the latest one:
    both reach the webhook, titled with that conversation."""
    with Receiver() as receiver:
        settings = _settings(tmp_path, receiver.url + "/hook")
        store = Store(settings.db_path)
        spanish = store.add_conversation(now=datetime.now(UTC), title="Spanish").id
        lessons = store.scoped(spanish)
        remind = add_due(lessons, -0.5, "Conjugate ser")
        add_due(lessons, -0.5, "Teach me a word", to=Party.CHATBOT)
        store.add_conversation(now=datetime.now(UTC) + timedelta(seconds=1), title="Work")
        assert store.latest_conversation() != spanish  # the service opens "Work"
        stop = asyncio.Event()
        task = asyncio.create_task(serve(settings, stop=stop))
        try:
            got = await asyncio.to_thread(receiver.wait_for, 2, 30.0)
        finally:
            stop.set()
            await task
        bodies = [json.loads(r.body) for r in got]
        assert {b["conversation"] for b in bodies} == {"Spanish"}
        assert {b["conversation_id"] for b in bodies} == {spanish}
        assert sorted(b["title"] for b in bodies) == [
            "dynaprompt: Spanish · chatbot",
            "dynaprompt: Spanish · your reminder",
        ]
        [reminder] = [b for b in bodies if b["sender"] == "your reminder"]
        assert (reminder["text"], reminder["schedule_id"]) == ("Conjugate ser", remind.id)
        store.close()
