"""Missed fires and the run history in the app (issue 13): the edit dialog sets what a schedule
does with fires it missed, the sidebar says it, and `h` in the sidebar opens the schedule's run
history. The real app under Pilot, on a real SQLite file, with a fake clock."""

from __future__ import annotations

from datetime import timedelta

from textual.widgets import RadioButton, Static

from dynaprompt_tui.core.models import MissedPolicy
from dynaprompt_tui.tui.screens.edit import ScheduleEditScreen
from dynaprompt_tui.tui.screens.run_history import RunHistoryScreen
from tests.tui.helpers import SIZE, settle, text_of


async def test_the_edit_dialog_sets_the_missed_policy_and_the_sidebar_says_it(app):
    async with app.run_test(size=SIZE) as pilot:
        await app.conversation.send("dps user every day at 8am\nWater the plants.")
        await settle(app, pilot)
        await pilot.press("ctrl+s", "e")
        await pilot.pause()
        dialog = app.screen
        assert isinstance(dialog, ScheduleEditScreen)
        assert dialog.query_one("#missed-once", RadioButton).value  # today's default
        await pilot.click("#missed-skip")
        await pilot.press("ctrl+s")
        await settle(app, pilot)
        [s] = app.conversation.pending()
        assert s.on_missed is MissedPolicy.SKIP
        sidebar = app.screen.sidebar
        assert "skips missed" in sidebar.row(0).recurrence
        await pilot.press("ctrl+s", "e")
        await pilot.pause()
        assert app.screen.query_one("#missed-skip", RadioButton).value


async def test_h_in_the_sidebar_shows_the_run_history(app, clock):
    async with app.run_test(size=SIZE) as pilot:
        await app.conversation.send("dps user in 1 hour\nStretch your legs.")
        await app.conversation.send("dps user every day at 8am (skip if missed)\nA word.")
        await settle(app, pilot)
        one_off = next(s for s in app.conversation.pending() if not s.recurring)
        clock.set(one_off.next_fire + timedelta(hours=2))
        await app.conversation.engine.fire_due()
        await settle(app, pilot)
        # The daily one stays; its history is empty and says what it does with missed fires.
        await pilot.press("ctrl+s", "h")
        await pilot.pause()
        assert isinstance(app.screen, RunHistoryScreen)
        assert "Not fired yet." in text_of(app.screen.query_one("#runs", Static))
        assert "skipped" in text_of(app.screen.query_one("#missed-policy", Static))
        await pilot.press("escape")
        await pilot.pause()
        assert not isinstance(app.screen, RunHistoryScreen)
        # The delivered one-off, from its fires in the store.
        runs = app.conversation.store.fires(one_off.id)
        screen = RunHistoryScreen(one_off, app.conversation.store.fires, app.zone, clock.now)
        await app.push_screen(screen)
        await pilot.pause()
        text = text_of(screen.query_one("#runs", Static))
        assert len(runs) == 1 and "delivered 13:15 (late)" in text


async def test_a_skipped_fire_leaves_the_sidebar_and_the_chat_says_nothing(app, clock):
    import time

    async with app.run_test(size=SIZE) as pilot:
        await app.conversation.send("dps user in 1 hour (skip if missed)\nToo late now.")
        await settle(app, pilot)
        [s] = app.conversation.pending()
        assert s.on_missed is MissedPolicy.SKIP
        sidebar = app.screen.sidebar
        assert [x.id for x in sidebar.schedules] == [s.id]
        assert s.next_fire is not None
        clock.set(s.next_fire + timedelta(hours=2))
        assert await app.conversation.engine.fire_due() == []  # skipped: nothing delivered
        start = time.monotonic()
        while sidebar.schedules:  # the window's own skip shows (through the live sync)
            assert time.monotonic() - start < 5, "the sidebar still shows the skipped one-off"
            await pilot.pause(0.02)
        assert not [m for m in app.conversation.messages() if m.content == "Too late now."]


async def test_a_missed_clause_typed_in_the_dialog_presses_its_button(app):
    from tests.tui.helpers import type_text

    async with app.run_test(size=SIZE) as pilot:
        await pilot.press("ctrl+n")
        await pilot.pause()
        await type_text(pilot, "every day at 8am (each if missed)")
        await pilot.pause()
        assert app.screen.query_one("#missed-each", RadioButton).value
        app.screen.query_one("#prompt").text = "A Spanish word."
        await pilot.press("ctrl+s")
        await settle(app, pilot)
        [s] = app.conversation.pending()
        assert (s.on_missed, s.time_prompt) == (MissedPolicy.EACH, "every day at 8am")
