"""Snapshots (pytest-textual-snapshot) at a fixed FakeClock time: 2026-03-05 10:15 London.

Update with `pytest tests/tui/test_snapshots.py --snapshot-update` and look at the SVGs.
"""

from __future__ import annotations

import itertools

import pytest

from tests.tui.helpers import SIZE, settle, steady


@pytest.fixture(autouse=True)
def stable_ids(monkeypatch: pytest.MonkeyPatch) -> None:
    """Schedule ids are random; number them so the snapshots do not change between runs."""
    counter = itertools.count(0xA1)
    monkeypatch.setattr(
        "dynaprompt_tui.core.storage.schedules._random_hex", lambda n: f"{next(counter):0{2 * n}x}"
    )


def test_first_start(snap_compare, app) -> None:
    async def run_before(pilot) -> None:
        await settle(app, pilot)
        await steady(app, pilot)

    assert snap_compare(app, terminal_size=SIZE, run_before=run_before)


def test_conversation_with_markdown(snap_compare, app) -> None:
    async def run_before(pilot) -> None:
        await app.conversation.send("hello")
        await app.conversation.send("[bold]not bold[/bold] \x1b[31m stays plain")
        await settle(app, pilot)
        app.query_one("#composer").focus()
        await pilot.pause()
        await steady(app, pilot)

    assert snap_compare(app, terminal_size=SIZE, run_before=run_before)


def test_sidebar_with_schedules(snap_compare, app, clock) -> None:
    async def run_before(pilot) -> None:
        c = app.conversation
        await c.send("dps u in 20 minutes\nStretch your legs")
        await c.send("dps c every day at 8am\nTeach me one Spanish word")
        await c.send("dps user tomorrow evening\nCall mum about the weekend")
        await c.send("dps c in 3 hours\nAsk me how the interview went")
        await c.send("every monday at 9am check my week plan")  # the bot's, awaiting approval
        await settle(app, pilot)
        await pilot.press("ctrl+s", "down", "down", "p")
        await settle(app, pilot)
        clock.advance(30)
        app.query_one("ScheduleSidebar").tick()
        await pilot.pause()
        await steady(app, pilot)

    assert snap_compare(app, terminal_size=SIZE, run_before=run_before)


def test_edit_dialog(snap_compare, app) -> None:
    async def run_before(pilot) -> None:
        await app.conversation.send("dps c every day at 8am\nTeach me one Spanish word")
        await settle(app, pilot)
        await pilot.press("ctrl+s", "e")
        await pilot.pause()
        await steady(app, pilot)

    assert snap_compare(app, terminal_size=SIZE, run_before=run_before)


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
