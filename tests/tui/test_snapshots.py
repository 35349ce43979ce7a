"""Snapshots (pytest-textual-snapshot) at a fixed FakeClock time: 2026-03-05 10:15 London.

The main screens are taken at 80x24 (the sidebar an overlay, shown on demand), 120x36 and
200x50 (the chat a column at most 100 wide, centred). Update with
`pytest tests/tui/test_snapshots.py --snapshot-update` and look at the SVGs.
"""

from __future__ import annotations

import asyncio
import itertools
from collections.abc import AsyncIterator
from typing import Any

import pytest

from dynaprompt_tui.core.llm.events import Done, TextDelta
from dynaprompt_tui.core.models import Role
from tests.tui.helpers import SIZE, settle, steady

SIZES = [pytest.param((80, 24), id="80x24"), pytest.param(SIZE, id="120x36")]
SIZES.append(pytest.param((200, 50), id="200x50"))

SPANISH = """\
Here are **three words** for today:

| Word | Meaning |
|---|---|
| *hola* | hello |
| *gracias* | thank you |

- Say each one aloud.
- Use `gracias` in a sentence."""


class ScriptedBot:
    """A ChatClient with canned Markdown answers, streamed word by word."""

    def __init__(self, *answers: str) -> None:
        self.answers = list(answers)

    async def stream(
        self, messages: list[dict[str, Any]], *, tools: list[dict[str, Any]] | None = None
    ) -> AsyncIterator[Any]:
        text = self.answers.pop(0) if self.answers else "Noted."
        for piece in text.split(" "):
            yield TextDelta(piece + " ")
            await asyncio.sleep(0)
        yield Done("stop")


@pytest.fixture(autouse=True)
def stable_ids(monkeypatch: pytest.MonkeyPatch) -> None:
    """Schedule ids are random; number them so the snapshots do not change between runs."""
    counter = itertools.count(0xA1)
    monkeypatch.setattr(
        "dynaprompt_tui.core.storage.schedules._random_hex", lambda n: f"{next(counter):0{2 * n}x}"
    )


async def schedules(app: Any, pilot: Any) -> None:
    c = app.conversation
    await c.send("dps u in 20 minutes\nStretch your legs")
    await c.send("dps c every day at 8am\nTeach me one *Spanish* word, with an example sentence")
    await c.send("dps user tomorrow evening\nCall mum about the weekend")
    await c.send("every monday at 9am check my week plan")  # the bot's, awaiting approval
    await settle(app, pilot)


@pytest.mark.parametrize("size", SIZES)
def test_first_start(snap_compare, app, size) -> None:
    """The welcome box whole, its first line in view, at every size."""

    async def run_before(pilot) -> None:
        await settle(app, pilot)
        await steady(app, pilot)

    assert snap_compare(app, terminal_size=size, run_before=run_before)


@pytest.mark.parametrize("size", SIZES)
def test_a_conversation(snap_compare, build, clock, size) -> None:
    """Yours set apart, the bot's plain (with Markdown), a card under the message it is about,
    a reminder with its time said once; a blank row between messages."""
    app = build(chat_client=ScriptedBot(SPANISH))

    async def run_before(pilot) -> None:
        c = app.conversation
        await c.send("dps u in 2 minutes\nStand-up in 5 minutes: grab a coffee")
        await c.send("Can you teach me some Spanish words?")
        await settle(app, pilot)
        clock.advance(minutes=2)
        for _ in range(50):
            await settle(app, pilot)
            if not c.pending():
                break
            await asyncio.sleep(0.02)
        app.clear_notifications()
        app.main_screen.chat.anchor()
        await pilot.pause()
        await steady(app, pilot)

    assert snap_compare(app, terminal_size=size, run_before=run_before)


@pytest.mark.parametrize("size", SIZES)
def test_sidebar_with_schedules(snap_compare, app, clock, size) -> None:
    """Beside the chat, or over it below 90 columns (opened by ctrl+s)."""

    async def run_before(pilot) -> None:
        await schedules(app, pilot)
        await pilot.press("ctrl+s", "down", "down", "p")
        await settle(app, pilot)
        clock.advance(30)
        app.query_one("ScheduleSidebar").tick()
        app.clear_notifications()
        await pilot.pause()
        await steady(app, pilot)

    assert snap_compare(app, terminal_size=size, run_before=run_before)


@pytest.mark.parametrize("size", SIZES)
def test_edit_dialog(snap_compare, app, size) -> None:
    async def run_before(pilot) -> None:
        await app.conversation.send("dps c every day at 8am\nTeach me one Spanish word")
        await settle(app, pilot)
        await pilot.press("ctrl+s", "e")
        await pilot.pause()
        await steady(app, pilot)

    assert snap_compare(app, terminal_size=size, run_before=run_before)


@pytest.mark.parametrize("size", SIZES)
def test_conversation_list(snap_compare, app, size) -> None:
    async def run_before(pilot) -> None:
        await app.conversation.send("Plan my week: gym on Monday, groceries on Tuesday")
        for first in ["Spanish lessons, every weekday", "Work reminders for the release"]:
            app.workspace.create().add(Role.USER, first)
        await settle(app, pilot)
        await pilot.press("ctrl+o")
        await pilot.pause()
        await steady(app, pilot)

    assert snap_compare(app, terminal_size=size, run_before=run_before)


def test_error_message(snap_compare, build, settings, openai_server) -> None:
    online = settings._replace(
        demo=False,
        api_key="sk-test-123456",
        base_url=openai_server.base_url,
        max_retries=0,
    )
    openai_server.fail(500)
    app = build(online)

    async def run_before(pilot) -> None:
        await app.conversation.send("are you there?")
        await settle(app, pilot)
        app.clear_notifications()
        await pilot.pause()
        await steady(app, pilot)

    assert snap_compare(app, terminal_size=SIZE, run_before=run_before)
