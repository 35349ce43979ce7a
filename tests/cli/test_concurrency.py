"""The command line and the app on one database at the same time: the app running (its engine
started, the file open) while the command adds, lists and cancels; and a second process holding
the write lock while the command waits its turn instead of failing; a conversation made from
the shell whose fire the running app delivers."""

from __future__ import annotations

import asyncio
import subprocess
import sys
import textwrap

from dynaprompt_tui.config import Settings
from dynaprompt_tui.core.models import Party
from dynaprompt_tui.tui.app import make_app
from tests.cli.conftest import Cli


async def test_the_cli_adds_lists_and_cancels_while_the_app_runs(cli: Cli) -> None:
    settings = Settings(db_path=cli.db, tz="Europe/Paris", demo=True, bell=False)
    app = make_app(settings)
    async with app.run_test(size=(120, 36)) as pilot:
        await pilot.pause()
        conversation = app.conversation
        added = await cli.run_async(
            "schedule", "add", "--to", "user", "in 2 hours", "from the shell", "--json"
        )
        assert added.code == 0, added.err
        from_cli = added.json()["schedule"]["id"]
        # The app reads the same file: the schedule is there for it (and for its engine).
        assert [s.id for s in conversation.pending()] == [from_cli]

        mine = await conversation.create(
            recipient=Party.USER, time_prompt="tomorrow 9am", prompt="from the app"
        )
        listed = await cli.run_async("schedule", "list", "--json")
        assert {s["id"] for s in listed.json()["schedules"]} == {from_cli, mine.id}

        cancelled = await cli.run_async("schedule", "cancel", mine.id)
        assert cancelled.code == 0, cancelled.err
        assert [s.id for s in conversation.pending()] == [from_cli]
        # The app can still change what the command made.
        await conversation.pause(from_cli)
        assert "paused" in (await cli.run_async("schedule", "list")).out
        # A question asked from the shell (the demo bot) lands in the app's chat too.
        asked = await cli.run_async("ask", "what's scheduled?")
        assert asked.code == 0, asked.err
        assert "[list] pending schedules:" in asked.err
        # Both sides' cards, and the exchange, are in the one chat.
        texts = [m.content for m in conversation.messages()]
        assert "what's scheduled?" in texts
        assert any(f"id {from_cli}" in t for t in texts)
        assert any(f"id {mine.id}" in t for t in texts)
        await pilot.press("ctrl+q")


async def test_a_conversation_made_from_the_shell_gets_its_fire_while_the_app_runs(
    cli: Cli,
) -> None:
    """The app has conversation 1 open; the shell starts "Spanish" and schedules in it; the
    app's engine delivers the fire there (not in the open chat), and the shell sees it unread."""
    settings = Settings(db_path=cli.db, tz="Europe/Paris", demo=True, bell=False)
    app = make_app(settings)
    async with app.run_test(size=(120, 36)) as pilot:
        await pilot.pause()
        opened = app.conversation.id
        made = await cli.run_async("conversations", "new", "Spanish", "--json")
        assert made.code == 0, made.err
        spanish = made.json()["conversation"]["id"]
        added = await cli.run_async(
            "schedule", "add", "--to", "user", "-c", "spanish", "in 2 seconds", "¡Hola!", "--json"
        )
        assert added.code == 0, added.err
        assert added.json()["schedule"]["conversation"] == spanish
        for _ in range(150):  # up to 30 s: the engine sees the new schedule, then it is due
            listed = await cli.run_async("conversations", "list", "--json")
            unread = {c["id"]: c["unread"] for c in listed.json()["conversations"]}
            if unread[spanish]:
                break
            await asyncio.sleep(0.2)
        assert unread[spanish] == 1
        assert app.conversation.id == opened  # it landed there, the window stayed where it was
        assert "¡Hola!" not in [m.content for m in app.conversation.messages()]
        await pilot.press("ctrl+q")


HOLD_THE_LOCK = """
import sqlite3, sys, time
conn = sqlite3.connect(sys.argv[1], isolation_level=None)
conn.execute("BEGIN IMMEDIATE")
print("locked", flush=True)
time.sleep(float(sys.argv[2]))
conn.execute("COMMIT")
"""


def test_the_cli_waits_for_another_writer(cli: Cli) -> None:
    assert cli("schedule", "add", "--to", "user", "in 1 hour", "first").code == 0
    holder = subprocess.Popen(
        [sys.executable, "-c", textwrap.dedent(HOLD_THE_LOCK), str(cli.db), "1.0"],
        stdout=subprocess.PIPE,
        text=True,
    )
    try:
        assert holder.stdout is not None and holder.stdout.readline().strip() == "locked"
        added = cli("schedule", "add", "--to", "user", "in 2 hours", "second")
        assert added.code == 0, added.err  # waited (busy timeout), did not fail
        cancelled = cli("schedule", "cancel", added.out.split("id ")[-1].strip())
        assert cancelled.code == 0, cancelled.err
    finally:
        holder.wait(timeout=30)
    listed = cli("schedule", "list", "--json").json()["schedules"]
    assert [s["message"] for s in listed] == ["first"]
