"""The sidebar's view of every conversation's schedules (issue 14): `v` toggles it, grouped by
conversation under each one's title, counted from SQL, kept across a switch; the sidebar's keys
act on the selected schedule in the conversation it belongs to."""

from __future__ import annotations

from textual.widgets import TextArea

from dynaprompt_tui.core.models import Party, ScheduleState
from dynaprompt_tui.tui.screens.confirm import ConfirmScreen
from dynaprompt_tui.tui.screens.edit import ScheduleEditScreen
from tests.tui.helpers import SIZE, settle


async def two_conversations(app, pilot):
    """Home with one reminder; "Spanish" (not open) with two, the second the bot's and
    waiting for approval."""
    ws = app.workspace
    home = ws.current
    await home.create(recipient=Party.USER, time_prompt="in 2 hours", prompt="water the plants")
    info = ws.store.add_conversation(now=app.clock.now(), title="Spanish")
    spanish = ws.get(info.id)
    first = await spanish.create(
        recipient=Party.USER, time_prompt="in 10 minutes", prompt="repasa el vocabulario"
    )
    second = await spanish.create(
        recipient=Party.CHATBOT, time_prompt="in 3 hours", prompt="quiz me"
    )
    ws.store.change_schedule(second.id, lambda s: s._replace(approved=False), now=None)
    await settle(app, pilot)
    return info.id, first, ws.store.get_schedule(second.id)


def lines(sidebar) -> list[str]:
    return [sidebar.render_line(y).text for y in range(sidebar.size.height)]


async def test_v_toggles_every_conversations_schedules_grouped_by_conversation(app) -> None:
    async with app.run_test(size=SIZE) as pilot:
        await settle(app, pilot)
        await two_conversations(app, pilot)
        sidebar = app.main_screen.sidebar
        assert sidebar.title == "Schedules (1)"
        await pilot.press("ctrl+s")  # focus the sidebar
        bindings = {b.binding.id: b for b in app.screen.active_bindings.values()}
        assert bindings["schedules.all"].binding.show  # in the footer
        await pilot.press("v")
        await settle(app, pilot)
        assert sidebar.title == "All schedules (3)"
        # The open conversation first (the oldest), then Spanish's, the next to fire first.
        assert [s.prompt for s in sidebar.schedules] == [
            "water the plants",
            "repasa el vocabulario",
            "quiz me",
        ]
        shown = lines(sidebar)
        headings = [line.strip() for line in shown if line.strip().startswith("▸")]
        assert headings == ["▸ New conversation", "▸ Spanish"]
        await pilot.press("v")
        await settle(app, pilot)
        assert sidebar.title == "Schedules (1)"
        assert not any("▸" in line for line in lines(sidebar))


async def test_the_keys_act_on_another_conversations_schedule(app) -> None:
    async with app.run_test(size=SIZE) as pilot:
        await settle(app, pilot)
        spanish_id, first, second = await two_conversations(app, pilot)
        store, sidebar = app.workspace.store, app.main_screen.sidebar
        await pilot.press("ctrl+s", "v", "down")  # Spanish's first
        await settle(app, pilot)
        assert sidebar.selected.id == first.id

        await pilot.press("p")
        await settle(app, pilot)
        assert store.get_schedule(first.id).state is ScheduleState.PAUSED
        assert sidebar.title == "All schedules (3) · 1 paused"

        await pilot.press("e")  # the edit dialog saves to that schedule
        await settle(app, pilot)
        assert isinstance(app.screen, ScheduleEditScreen)
        app.screen.query_one("#prompt", TextArea).text = "repasa los verbos"
        await pilot.press("ctrl+s")
        await settle(app, pilot)
        edited = store.get_schedule(first.id)
        assert edited.prompt == "repasa los verbos"
        assert edited.conversation_id == spanish_id

        await pilot.press("down", "a")  # approve the bot's, in Spanish
        await settle(app, pilot)
        assert store.get_schedule(second.id).approved

        await pilot.press("x")
        await settle(app, pilot)
        assert isinstance(app.screen, ConfirmScreen)
        await pilot.press("y")
        await settle(app, pilot)
        assert store.get_schedule(second.id).state is ScheduleState.CANCELLED
        assert sidebar.title == "All schedules (2) · 1 paused"
        assert app.workspace.current_id != spanish_id  # nothing switched


async def test_the_view_is_kept_across_a_switch(app) -> None:
    async with app.run_test(size=SIZE) as pilot:
        await settle(app, pilot)
        await two_conversations(app, pilot)
        sidebar = app.main_screen.sidebar
        await pilot.press("ctrl+s", "v")
        await settle(app, pilot)
        await pilot.press("ctrl+t")  # a new conversation: still every one's
        await settle(app, pilot)
        assert sidebar.title == "All schedules (3)"
        await pilot.press("ctrl+s", "v")
        await settle(app, pilot)
        assert sidebar.title == "Schedules (0)"
