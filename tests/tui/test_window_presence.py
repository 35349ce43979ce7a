"""A window records in the database whether it has the focus (for the background service,
which notifies only while no window does), follows focus changes, and forgets itself on quit."""

from __future__ import annotations

from dynaprompt_tui.core.notify import presence


async def test_the_window_records_its_focus_and_forgets_itself(app) -> None:
    store = app.conversation.store
    async with app.run_test() as pilot:
        await pilot.pause()
        await app.workers.wait_for_complete()
        assert presence.a_window_is_focused(store)
        app.app_focus = False  # what a terminal's focus-out report does
        await pilot.pause()
        await app.workers.wait_for_complete()
        assert not presence.a_window_is_focused(store)
        [(owner, focused)] = store.get_meta(presence.KEY).items()
        assert focused is False
        app.app_focus = True
        await pilot.pause()
        await app.workers.wait_for_complete()
        assert presence.a_window_is_focused(store)
    reopened = type(store)(store.path)  # the app closed its store on quit
    assert owner not in reopened.get_meta(presence.KEY, {})
    reopened.close()
