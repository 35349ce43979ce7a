"""Many conversations in the window (issue 14): new, switch, where a fire lands, the unread mark,
search jumping to a message, a conversation's own settings reaching the header."""

from __future__ import annotations

from textual.widgets import Input, OptionList

from dynaprompt_tui.core.models import Role
from dynaprompt_tui.tui.screens.conversation_settings import ConversationSettingsScreen
from dynaprompt_tui.tui.screens.conversations import ConversationsScreen
from dynaprompt_tui.tui.screens.search import SearchScreen
from tests.tui.helpers import SIZE, settle, text_of, type_text


def shown(app) -> list[str]:
    return [text_of(i) for i in app.main_screen.chat.mounted()]


async def send(app, pilot, text: str) -> None:
    app.main_screen.composer.focus()
    await type_text(pilot, text)
    await pilot.press("enter")
    await settle(app, pilot)


async def test_a_new_conversation_starts_empty_and_is_named_by_its_first_words(app) -> None:
    async with app.run_test(size=SIZE) as pilot:
        await settle(app, pilot)
        first = app.workspace.current_id
        await send(app, pilot, "hello from the first")
        await pilot.press("ctrl+t")
        await settle(app, pilot)
        assert app.workspace.current_id != first
        assert app.main_screen.query("#welcome")  # an empty conversation greets
        assert not app.main_screen.chat.mounted()
        assert app.sub_title.startswith("New conversation · demo")
        assert app.focused is app.main_screen.composer
        await send(app, pilot, "Spanish lessons every morning")
        assert app.sub_title.startswith("Spanish lessons every morning · demo")
        assert all("first" not in t for t in shown(app))
        assert [c.title for c in app.workspace.conversations()][:2] == [
            "Spanish lessons every morning",
            "hello from the first",
        ]
        await pilot.press("ctrl+o")  # the open conversation's reply was seen: not "new"
        await settle(app, pilot)
        options = app.screen.query_one(OptionList)
        row = options.get_option(str(app.workspace.current_id))
        assert "new" not in str(row.prompt).replace("New conversation", "")


async def test_a_fire_lands_in_its_conversation_with_an_unread_mark(app, clock) -> None:
    async with app.run_test(size=SIZE) as pilot:
        await settle(app, pilot)
        home = app.workspace.current_id
        await pilot.press("ctrl+t")
        await settle(app, pilot)
        lessons = app.workspace.current_id
        await send(app, pilot, "dps user in 10 minutes\nRepasa el vocabulario")
        assert app.main_screen.sidebar.total == 1

        await pilot.press("ctrl+o")  # back to the first one through the list
        await settle(app, pilot)
        assert isinstance(app.screen, ConversationsScreen)
        options = app.screen.query_one(OptionList)
        target = next(
            i for i in range(options.option_count) if options.get_option_at_index(i).id == str(home)
        )
        options.highlighted = target
        await pilot.press("enter")
        await settle(app, pilot)
        assert app.workspace.current_id == home
        assert app.main_screen.sidebar.total == 0  # its own schedules: none

        clock.advance(11 * 60)
        await app.workspace.engine.fire_due()
        await settle(app, pilot)
        assert not any("Repasa" in t for t in shown(app))  # not in the open conversation
        assert "1 unread elsewhere" in app.sub_title
        assert any("Repasa el vocabulario" in n.message for n in app._notifications)
        assert app.workspace.info(lessons).unread == 1

        await pilot.press("ctrl+o")
        await settle(app, pilot)
        options = app.screen.query_one(OptionList)
        row = next(
            options.get_option_at_index(i)
            for i in range(options.option_count)
            if options.get_option_at_index(i).id == str(lessons)
        )
        assert "1 new" in str(row.prompt)
        options.highlighted = options.get_option_index(str(lessons))
        await pilot.press("enter")
        await settle(app, pilot)
        assert any("Repasa el vocabulario" in t for t in shown(app))
        assert app.workspace.info(lessons).unread == 0
        assert "unread" not in app.sub_title


async def test_search_jumps_to_the_message_in_its_conversation(app) -> None:
    async with app.run_test(size=SIZE) as pilot:
        await settle(app, pilot)
        home = app.workspace.current_id
        for i in range(80):  # a page and more: the match is far from the latest
            app.conversation.add(Role.USER, f"filler {i}" if i != 5 else "the zebra crossing")
        await pilot.press("ctrl+t")
        await settle(app, pilot)
        await pilot.press("ctrl+f")
        await settle(app, pilot)
        assert isinstance(app.screen, SearchScreen)
        app.screen.query_one(Input).value = "zebr"
        await settle(app, pilot)
        await pilot.press("enter")
        await settle(app, pilot)
        assert app.workspace.current_id == home
        chat = app.main_screen.chat
        selected = chat.selected_message
        assert selected is not None and selected.content == "the zebra crossing"
        assert not chat.at_latest  # a page of history; the latest is a jump away
        assert chat.query("NewBelow")  # "new messages below" offers the way back


async def test_a_conversations_model_shows_in_the_header(app) -> None:
    async with app.run_test(size=SIZE) as pilot:
        await settle(app, pilot)
        await app.main_screen.run_action("conversation_settings")
        await settle(app, pilot)
        assert isinstance(app.screen, ConversationSettingsScreen)
        app.screen.query_one("#model", Input).value = "gpt-4o"
        await pilot.press("ctrl+s")
        await settle(app, pilot)
        assert app.workspace.info().model == "gpt-4o"
