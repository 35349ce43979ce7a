"""Live sync (issue 13): a window shows what other processes wrote while it runs: a message a
service delivered, a bot reply it streamed, a schedule added from the command line; and what
they deleted: a message it shows, the conversation it shows. The real app under Pilot; the other
writers are real subprocesses on the same SQLite file."""

from __future__ import annotations

import asyncio
import os
import subprocess
import sys
import textwrap
import time
from collections.abc import Callable
from typing import Any

from dynaprompt_tui.tui.widgets.chat import ChatView
from tests.tui.helpers import SIZE, record_toasts, text_of

WRITER = """
import sys
from datetime import UTC, datetime
from dynaprompt_tui.core.models import Party, Role
from dynaprompt_tui.core.storage import Store

store = Store(sys.argv[1])
now = datetime.now(UTC)
step = sys.argv[2]
if step == "deliver":
    store.add_message(Role.REMINDER, "Water the plants.", now=now, schedule_id=None)
elif step == "deliver-to":  # into another conversation
    store.scoped(int(sys.argv[3])).add_message(Role.REMINDER, "Feed the cat.", now=now)
elif step == "fire":  # a fire delivered by the service (its engine writes the fire's id)
    store.add_message(Role.REMINDER, "Stretch!", now=now, schedule_id="ab12",
                      scheduled_by=Party.USER, due_at=now, meta={"fire_id": 7})
elif step == "stream":
    m = store.add_message(Role.ASSISTANT, "Hel", now=now, meta={"streaming": True})
    print(m.id)
elif step == "history":  # messages enough for several pages
    for k in range(int(sys.argv[3])):
        store.add_message(Role.USER, f"line {k}", now=now)
elif step == "delete":
    store.delete_messages([int(sys.argv[3])])
elif step == "finish":
    store.update_message(int(sys.argv[3]), content="Hello from the service!",
                         meta={"streaming": False})
store.close()
"""


def write(db: Any, *args: str) -> str:
    """Another process writes to the database."""
    done = subprocess.run(
        [sys.executable, "-c", textwrap.dedent(WRITER), str(db), *args],
        capture_output=True,
        text=True,
        check=True,
        timeout=60,
    )
    return done.stdout.strip()


async def until(pilot: Any, condition: Callable[[], bool], timeout: float = 10.0) -> None:
    """Wait (polling) until `condition()` holds."""
    start = time.monotonic()
    while not condition():
        assert time.monotonic() - start < timeout, "never shown"
        await pilot.pause(0.02)


def chat_texts(app: Any) -> list[str]:
    return [text_of(item) for item in app.main_screen.query_one(ChatView)._items.values()]


async def test_messages_and_replies_written_by_another_process_show(app, settings):
    async with app.run_test(size=SIZE) as pilot:
        await pilot.pause()
        await asyncio.to_thread(write, settings.db_path, "deliver")
        # (How soon: benchmarks/bench_sync.py measures it; here only that it shows.)
        await until(pilot, lambda: any("Water the plants." in t for t in chat_texts(app)))
        message_id = await asyncio.to_thread(write, settings.db_path, "stream")
        await until(pilot, lambda: app.screen.chat.item(int(message_id)) is not None)
        await asyncio.to_thread(write, settings.db_path, "finish", message_id)
        await until(pilot, lambda: any("Hello from the service!" in t for t in chat_texts(app)))
        # Each once: the window's own sync point leaves nothing to show twice.
        texts = chat_texts(app)
        assert sum("Water the plants." in t for t in texts) == 1
        assert sum("Hello from the service!" in t for t in texts) == 1


async def test_a_schedule_added_from_the_command_line_shows_in_the_sidebar(app, settings):
    env = {k: v for k, v in os.environ.items() if not k.startswith(("OPENAI_", "DYNAPROMPT_"))}
    env["DYNAPROMPT_TZ"] = "Europe/London"
    async with app.run_test(size=SIZE) as pilot:
        await pilot.pause()
        sidebar = app.screen.sidebar
        assert sidebar.schedules == []
        command = [sys.executable, "-m", "dynaprompt_tui", "schedule", "add", "--to", "user"]
        command += ["in 2 hours", "Call Sam.", "--db", str(settings.db_path)]
        await asyncio.to_thread(
            subprocess.run, command, env=env, check=True, capture_output=True, timeout=60
        )
        await until(pilot, lambda: [s.prompt for s in sidebar.schedules] == ["Call Sam."])
        # The command line's card shows in the chat too.
        await until(
            pilot, lambda: any("Call Sam" in t or "scheduled" in t for t in chat_texts(app))
        )


async def test_the_windows_own_messages_are_not_shown_twice(app, settings):
    from tests.tui.helpers import settle, type_text

    async with app.run_test(size=SIZE) as pilot:
        await type_text(pilot, "hello there")
        await pilot.press("enter")
        await settle(app, pilot)
        before = chat_texts(app)
        await asyncio.to_thread(write, settings.db_path, "deliver")  # another process wrote
        await until(pilot, lambda: len(chat_texts(app)) == len(before) + 1)
        assert app.live_sync.check() is None  # nothing more to show
        await pilot.pause()
        assert chat_texts(app)[:-1] == before


async def test_a_fire_delivered_by_another_process_toasts_and_rings(app, settings):
    from dynaprompt_tui.tui.screens.help import HelpScreen

    told = record_toasts(app)  # (each toast as it is given: a slow run may see one expire)
    async with app.run_test(size=SIZE) as pilot:
        await pilot.pause()
        bells = app.bells
        await pilot.press("f1")  # a dialog over the chat: the fire is out of view, so toasted
        await until(pilot, lambda: isinstance(app.screen, HelpScreen))  # (on top before it)
        await asyncio.to_thread(write, settings.db_path, "fire")
        await until(pilot, lambda: any("Stretch!" in t for t in chat_texts(app)))
        await until(pilot, lambda: app.bells == bells + 1)
        assert any("Reminder: Stretch!" in message for message in told), told


def cli(db: Any, *args: str) -> None:
    env = {k: v for k, v in os.environ.items() if not k.startswith(("OPENAI_", "DYNAPROMPT_"))}
    command = [sys.executable, "-m", "dynaprompt_tui", *args, "--db", str(db)]
    subprocess.run(command, env=env, check=True, capture_output=True, timeout=60)


async def test_a_message_deleted_by_another_process_leaves_the_chat(app, settings):
    async with app.run_test(size=SIZE) as pilot:
        await pilot.pause()
        await asyncio.to_thread(write, settings.db_path, "deliver")
        await until(pilot, lambda: any("Water the plants." in t for t in chat_texts(app)))
        chat = app.screen.chat
        (gone,) = [i for i in chat.message_ids() if "Water" in text_of(chat.item(i))]
        await asyncio.to_thread(write, settings.db_path, "delete", str(gone))
        await until(pilot, lambda: chat.item(gone) is None)
        assert not any("Water the plants." in t for t in chat_texts(app))


async def test_an_old_message_shown_and_deleted_elsewhere_leaves_too(app, settings):
    """Far older than the newest messages sync re-reads: the chat's own ids are checked."""
    await asyncio.to_thread(write, settings.db_path, "history", "120")
    async with app.run_test(size=SIZE) as pilot:
        await pilot.pause()
        chat = app.screen.chat
        await app.main_screen.conversations.switch(1, around=10)  # (as a search hit opens)
        await until(pilot, lambda: chat.item(10) is not None)
        await asyncio.to_thread(write, settings.db_path, "delete", "10")
        await until(pilot, lambda: chat.item(10) is None)
        assert chat.item(11) is not None  # (its neighbours stay)


async def test_the_open_conversation_deleted_from_the_command_line_gives_way(app, settings):
    from tests.tui.helpers import settle, type_text

    told = record_toasts(app)
    async with app.run_test(size=SIZE) as pilot:
        await pilot.pause()
        await app.main_screen.conversations.new()
        second = app.workspace.current_id
        assert second != 1
        await asyncio.to_thread(cli, settings.db_path, "conversations", "rm", str(second), "--yes")
        await until(pilot, lambda: app.workspace.current_id == 1)
        await until(pilot, lambda: any("was deleted" in t for t in told))
        # What is typed now goes to the conversation on screen, and nothing into the deleted one.
        await type_text(pilot, "still here")
        await pilot.press("enter")
        await settle(app, pilot)
        store = app.workspace.store
        assert "still here" in [m.content for m in store.scoped(1).messages(limit=5)]
        rows = store._conn.execute(
            "SELECT count(*) FROM messages WHERE conversation_id = ?", (second,)
        ).fetchone()
        assert rows == (0,)


async def test_the_header_follows_conversations_changed_from_the_command_line(app, settings):
    """No message tells these: the unread count and the title in the header are read again."""
    await asyncio.to_thread(cli, settings.db_path, "conversations", "new", "Spanish")
    await asyncio.to_thread(write, settings.db_path, "deliver-to", "2")  # unread there
    async with app.run_test(size=SIZE) as pilot:
        await pilot.pause()
        await app.main_screen.conversations.switch(1)
        await until(pilot, lambda: "1 unread elsewhere" in app.sub_title)
        await asyncio.to_thread(cli, settings.db_path, "conversations", "rename", "1", "Garden")
        await until(pilot, lambda: app.sub_title.startswith("Garden · 1 unread elsewhere"))
        await asyncio.to_thread(cli, settings.db_path, "conversations", "rm", "2", "--yes")
        await until(pilot, lambda: "unread" not in app.sub_title)
        assert app.sub_title.startswith("Garden · demo")
