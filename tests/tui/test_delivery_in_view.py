"""Where a delivered message is in view (no toast repeats it, sidebar_place.latest_in_view): the
main screen on top, its chat following the latest, not under the sidebar over a narrow chat.
The real app under Pilot."""

from __future__ import annotations

from dynaprompt_tui.core.models import Role
from dynaprompt_tui.tui.screens.sidebar_place import latest_in_view
from tests.tui.helpers import SIZE, settle


async def test_the_latest_is_in_view_until_a_dialog_covers_it(app) -> None:
    async with app.run_test(size=SIZE) as pilot:
        await pilot.pause()
        assert latest_in_view(app.main_screen)
        await pilot.press("f1")
        assert not latest_in_view(app.main_screen)
        await pilot.press("escape")
        assert latest_in_view(app.main_screen)


async def test_a_chat_scrolled_up_is_not_in_view(app) -> None:
    for k in range(60):
        app.conversation.add(Role.USER, f"line {k}\nand another line")
    async with app.run_test(size=SIZE) as pilot:
        await settle(app, pilot)
        chat = app.main_screen.chat
        chat.scroll_end(animate=False)
        await pilot.pause()
        assert latest_in_view(app.main_screen)
        chat.scroll_to(y=0, animate=False)
        await pilot.pause()
        assert not latest_in_view(app.main_screen)


async def test_the_sidebar_over_a_narrow_chat_hides_it(app) -> None:
    async with app.run_test(size=(70, 30)) as pilot:
        await pilot.pause()
        assert latest_in_view(app.main_screen)
        await pilot.press("ctrl+s")  # the sidebar, over the narrow chat
        await pilot.pause()
        assert app.main_screen.sidebar.display
        assert not latest_in_view(app.main_screen)
