"""Issue 16, friction: Escape in the schedule dialog asks before it discards a change; the new
schedule dialog's focus order follows its layout (When first, then the recipient)."""

from __future__ import annotations

from textual.widgets import Input, RadioSet, TextArea

from dynaprompt_tui.tui.screens.confirm import ConfirmScreen
from dynaprompt_tui.tui.screens.edit import ScheduleEditScreen
from tests.tui.helpers import SIZE, settle, type_text


async def make_one(app, pilot) -> None:
    await app.conversation.send("dps c in 20 minutes\nstretch")
    await settle(app, pilot)


async def test_escape_with_changes_asks_before_discarding(app) -> None:
    async with app.run_test(size=SIZE) as pilot:
        await make_one(app, pilot)
        (before,) = app.conversation.pending()
        await pilot.press("ctrl+s", "e")
        dialog = app.screen
        assert isinstance(dialog, ScheduleEditScreen)
        dialog.query_one("#prompt", TextArea).text = "stretch and breathe"
        await pilot.pause()
        await pilot.press("escape")
        await pilot.pause()
        assert isinstance(app.screen, ConfirmScreen)
        assert "Discard your changes?" in str(app.screen.question)
        await pilot.press("escape")  # no: back to the edits, kept
        await pilot.pause()
        assert app.screen is dialog
        assert dialog.query_one("#prompt", TextArea).text == "stretch and breathe"
        await pilot.press("escape")
        await pilot.pause()
        await pilot.press("y")  # yes: discarded, nothing saved
        await settle(app, pilot)
        assert not isinstance(app.screen, ScheduleEditScreen | ConfirmScreen)
        assert app.conversation.pending() == [before]


async def test_escape_without_changes_closes_at_once(app) -> None:
    async with app.run_test(size=SIZE) as pilot:
        await make_one(app, pilot)
        await pilot.press("ctrl+s", "e")
        dialog = app.screen
        dialog.query_one("#prompt", TextArea).text = "something else"
        dialog.query_one("#prompt", TextArea).text = "stretch"  # and back: no change
        await pilot.pause()
        await pilot.press("escape")
        await pilot.pause()
        assert not isinstance(app.screen, ScheduleEditScreen | ConfirmScreen)


async def test_the_new_schedule_dialog_focus_follows_its_layout(app) -> None:
    async with app.run_test(size=SIZE) as pilot:
        await pilot.press("ctrl+n")
        await pilot.pause()
        dialog = app.screen
        assert isinstance(dialog, ScheduleEditScreen)
        when = dialog.query_one("#time-prompt", Input)
        recipient = dialog.query_one("#recipient", RadioSet)
        message = dialog.query_one("#prompt", TextArea)
        assert app.focused is when  # a time can be typed at once
        # Every field below the one before it, in the order Tab visits them.
        assert when.region.y < recipient.region.y < message.region.y
        await type_text(pilot, "in 2 hours")
        await pilot.press("tab")
        assert app.focused is recipient
        await pilot.press("tab")
        assert app.focused is message


async def test_save_is_in_view_in_a_small_terminal(app) -> None:
    """At 80x24 the dialog scrolls; its buttons stay at its bottom, in view."""
    from textual.widgets import Button

    async with app.run_test(size=(80, 24)) as pilot:
        await pilot.press("ctrl+n")
        await pilot.pause()
        save = app.screen.query_one("#save", Button)
        assert save.region.height > 0
        assert app.screen.region.contains_region(save.region)
