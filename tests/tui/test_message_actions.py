"""Message actions: the chat's selected message (↑/↓, k/j, a click) and what the keys and the
command palette do to it: copy, edit and resend, regenerate the last reply, delete, open its
schedule. The real app on SQLite in tmp_path, the demo bot, a FakeClock."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from dynaprompt_tui.config import Settings
from dynaprompt_tui.core.clock import FakeClock
from dynaprompt_tui.core.models import Party, Role
from dynaprompt_tui.tui.screens.confirm import ConfirmScreen
from dynaprompt_tui.tui.screens.edit import ScheduleEditScreen
from dynaprompt_tui.tui.screens.run_history import RunHistoryScreen
from dynaprompt_tui.tui.widgets.chat import WINDOW, ChatView
from dynaprompt_tui.tui.widgets.chat_cursor import SELECTED
from dynaprompt_tui.tui.widgets.composer import Composer
from tests.tui.helpers import SIZE, chatted, settle, type_text


def selected_ids(chat: ChatView) -> list[int]:
    """The messages whose widget shows as selected (one at most, always the selection)."""
    marked = [i.message.id for i in chat.mounted() if i.has_class(SELECTED)]
    chosen = chat.selected_message
    assert marked == ([chosen.id] if chosen is not None else [])
    return marked


def in_view(chat: ChatView, message_id: int) -> bool:
    item = chat.item(message_id)
    assert item is not None
    region = item.virtual_region
    bottom = chat.scroll_y + chat.scrollable_content_region.height
    return region.y >= chat.scroll_y and region.bottom <= bottom


def toasts(app: Any) -> list[str]:
    return [str(n.message) for n in app._notifications]


def stored(app: Any) -> list[tuple[Role, str]]:
    return [(m.role, m.content) for m in app.conversation.messages(limit=500)]


async def palette(app: Any, pilot: Any, command: str) -> None:
    await pilot.press("ctrl+p")
    await type_text(pilot, command)
    await pilot.pause(0.1)
    await pilot.press("enter")
    await settle(app, pilot)


async def test_the_keys_move_the_selection_and_a_click_selects(
    build: Callable[..., Any], settings: Settings, clock: FakeClock
) -> None:
    conversation = chatted(settings, clock, 40)
    last = conversation.messages(limit=1)[-1].id
    app = build(conversation=conversation)
    async with app.run_test(size=SIZE) as pilot:
        await settle(app, pilot)
        chat = app.main_screen.chat
        await pilot.press("ctrl+l")
        assert selected_ids(chat) == []
        await pilot.press("up")  # the first move: the last message in view
        assert selected_ids(chat) == [last]
        await pilot.press("up", "k")
        assert selected_ids(chat) == [last - 2]
        await pilot.press("down")
        assert selected_ids(chat) == [last - 1]
        for _ in range(16):  # up and up: each selected message is scrolled into view
            await pilot.press("k")
            await pilot.pause()
            assert in_view(chat, selected_ids(chat)[0])
        assert selected_ids(chat) == [last - 17] and chat.scroll_y < chat.max_scroll_y
        await pilot.press("j")
        assert selected_ids(chat) == [last - 16]
        # The footer offers what applies: a user message can be edited, not opened.
        item = chat.item(last - 17)
        assert item is not None and item.message.role is Role.USER
        chat.select(item)
        await pilot.pause()
        assert chat.check_action("message", ("edit",)) is True
        assert chat.check_action("message", ("schedule",)) is False
        # A click on a message selects it.
        await pilot.click(chat.item(last - 16))
        await pilot.pause()
        assert selected_ids(chat) == [last - 16]
        assert chat.check_action("message", ("edit",)) is False  # (a reply)
        await pilot.press("G")  # g/G scroll; the selection stays
        await pilot.pause()
        assert selected_ids(chat) == [last - 16] and chat.scroll_target_y == chat.max_scroll_y


async def test_the_selection_goes_on_into_an_older_page_and_survives_the_window(
    build: Callable[..., Any], settings: Settings, clock: FakeClock
) -> None:
    conversation = chatted(settings, clock, 600)
    app = build(conversation=conversation)
    async with app.run_test(size=SIZE) as pilot:
        await settle(app, pilot)
        chat = app.main_screen.chat
        await pilot.press("ctrl+l", "up")
        first = chat.mounted()[0].message.id
        for _ in range(60):  # up and up: past the top of the window, into the page before
            await pilot.press("up")
            await settle(app, pilot)
            if selected_ids(chat)[0] < first:
                break
        assert selected_ids(chat) == [first - 1] and chat.mounted()[0].message.id < first - 1
        # Selected by a click or the palette at the top, the page before is read too.
        top = chat.mounted()[0]
        chat.select(top)
        await settle(app, pilot)
        assert chat.mounted()[0].message.id < top.message.id
        assert selected_ids(chat) == [top.message.id]  # still selected, in place
        await pilot.press("up")  # and the selection goes on into it
        await settle(app, pilot)
        assert selected_ids(chat) == [top.message.id - 1]
        chosen = top.message.id - 1
        # Far up, the selected message leaves the window; read back in, it is selected again.
        while chat.item(chosen) is not None:
            chat.scroll_home(animate=False, immediate=True)
            await settle(app, pilot)
        assert chat.count <= WINDOW and selected_ids(chat) == []
        while chat.item(chosen) is None:
            chat.scroll_end(animate=False, immediate=True)
            await settle(app, pilot)
        assert selected_ids(chat) == [chosen]


async def test_copy_puts_the_text_in_the_clipboard(app) -> None:
    async with app.run_test(size=SIZE) as pilot:
        await app.conversation.send("hello")
        await settle(app, pilot)
        chat = app.main_screen.chat
        reply = chat.mounted()[-1].message
        assert reply.role is Role.ASSISTANT
        await pilot.press("ctrl+l", "up", "y")
        await settle(app, pilot)
        assert app.clipboard == app.conversation.store.get_message(reply.id).content
        assert any(t.startswith("Copied the message") for t in toasts(app))
        await pilot.press("up", "c")  # c too; the user's message
        assert app.clipboard == "hello"
        # The palette: the last reply, whatever is selected.
        await palette(app, pilot, "copy the last reply")
        assert app.clipboard.startswith("Hi! I'm the **offline demo bot**")


async def test_edit_fills_the_input_to_send_as_a_new_message(app) -> None:
    async with app.run_test(size=SIZE) as pilot:
        await app.conversation.send("remind me to strech")
        await settle(app, pilot)
        composer = app.main_screen.composer
        composer.text = "a draft"
        await pilot.press("ctrl+l", "up")
        chat = app.main_screen.chat
        assert chat.check_action("message", ("edit",)) is False  # the bot's reply
        await pilot.press("up", "e")
        await settle(app, pilot)
        assert isinstance(app.focused, Composer)
        assert composer.text == "remind me to strech"
        assert composer.cursor_location == composer.document.end
        assert any("Enter sends it as a new message" in t for t in toasts(app))
        await pilot.press("ctrl+z")  # the draft it replaced comes back
        assert composer.text == "a draft"
        await pilot.press("ctrl+y")
        composer.text = "hello again"
        await pilot.press("enter")
        await settle(app, pilot)
        users = [c for r, c in stored(app) if r is Role.USER]
        assert users == ["remind me to strech", "hello again"]


async def test_the_palette_edits_the_last_of_your_messages(app) -> None:
    async with app.run_test(size=SIZE) as pilot:
        await app.conversation.send("first")
        await app.conversation.send("second")
        await settle(app, pilot)
        await palette(app, pilot, "edit and resend")
        assert app.main_screen.composer.text == "second"
        assert isinstance(app.focused, Composer)


async def test_regenerate_replaces_the_last_reply(app) -> None:
    async with app.run_test(size=SIZE) as pilot:
        await app.conversation.send("hello")
        await settle(app, pilot)
        chat = app.main_screen.chat
        (old,) = app.conversation.last_reply()
        assert chat.item(old.id) is not None
        await pilot.press("ctrl+l", "r")  # nothing selected: the last reply
        await settle(app, pilot)
        assert chat.item(old.id) is None  # its widget is gone
        (new,) = app.conversation.last_reply()  # exactly one reply
        assert new.id != old.id and new.content == old.content
        assert [r for r, _ in stored(app)] == [Role.USER, Role.ASSISTANT]
        shown = [i.message.id for i in chat.mounted()]
        assert shown[-1] == new.id and shown.count(new.id) == 1 and old.id not in shown
        assert "Regenerating the last reply" in toasts(app)


async def test_regenerate_asks_when_the_reply_made_schedules_and_refuses_an_old_reply(
    app,
) -> None:
    async with app.run_test(size=SIZE) as pilot:
        await app.conversation.send("remind me to stretch in 1 minute")
        await settle(app, pilot)
        (old,) = app.conversation.last_reply()
        made = app.conversation.pending()
        assert len(made) == 1
        await pilot.press("ctrl+l", "r")
        await pilot.pause()
        assert isinstance(app.screen, ConfirmScreen)
        assert made[0].id in app.screen.question and "They stay" in app.screen.question
        await pilot.press("n")
        await settle(app, pilot)
        assert app.conversation.last_reply() == [old]  # kept
        await pilot.press("r", "y")
        await settle(app, pilot)
        (new,) = app.conversation.last_reply()
        assert new.id > old.id and app.main_screen.chat.item(old.id) is None
        # An older reply cannot be: a toast says so.
        await app.conversation.send("hello")
        await settle(app, pilot)
        chat = app.main_screen.chat
        item = chat.item(new.id)
        assert item is not None
        chat.select(item)
        await pilot.press("r")
        await settle(app, pilot)
        assert "Only the last reply can be regenerated" in toasts(app)
        assert app.conversation.store.get_message(new.id).content == new.content
        # The palette regenerates the last reply whatever is selected.
        (last,) = app.conversation.last_reply()
        await palette(app, pilot, "regenerate the last reply")
        (again,) = app.conversation.last_reply()
        assert again.id > last.id and chat.item(last.id) is None


async def test_delete_asks_then_removes_the_message_from_the_store_and_the_chat(app) -> None:
    async with app.run_test(size=SIZE) as pilot:
        await app.conversation.send("one")
        await app.conversation.send("two")
        await settle(app, pilot)
        chat = app.main_screen.chat
        (user,) = [m for m in app.conversation.messages() if m.content == "two"]
        await pilot.press("ctrl+l", "up", "up")
        assert selected_ids(chat) == [user.id]
        await pilot.press("d")
        await pilot.pause()
        assert isinstance(app.screen, ConfirmScreen) and "“two”" in app.screen.question
        await pilot.press("n")  # kept
        await settle(app, pilot)
        assert chat.item(user.id) is not None and ("two" in [c for _, c in stored(app)])
        await pilot.press("delete", "y")
        await settle(app, pilot)
        assert chat.item(user.id) is None and user.id not in [i.message.id for i in chat.mounted()]
        assert "two" not in [c for _, c in stored(app)]
        assert "Message deleted" in toasts(app)
        # The selection moved on to the next message (the reply to it).
        assert selected_ids(chat) == [chat.mounted()[-1].message.id]
        # The palette: the selected message.
        reply = chat.mounted()[-1].message
        await palette(app, pilot, "delete the selected message")
        assert isinstance(app.screen, ConfirmScreen)
        await pilot.press("y")
        await settle(app, pilot)
        assert chat.item(reply.id) is None
        assert reply.id not in [m.id for m in app.conversation.messages()]


async def test_open_schedule_opens_the_dialog_or_the_run_history(app) -> None:
    async with app.run_test(size=SIZE) as pilot:
        c = app.conversation
        s = await c.create(recipient=Party.USER, time_prompt="in 20 minutes", prompt="stretch")
        fired = c.add(Role.REMINDER, "stretch", schedule_id=s.id, scheduled_by=Party.USER)
        await settle(app, pilot)
        chat = app.main_screen.chat
        await pilot.press("ctrl+l", "up")
        assert selected_ids(chat) == [fired.id]
        assert chat.check_action("message", ("schedule",)) is True
        await pilot.press("o")
        await pilot.pause()
        assert isinstance(app.screen, ScheduleEditScreen)
        await pilot.press("escape")
        await settle(app, pilot)
        await c.cancel(s.id)  # done: its run history instead
        await settle(app, pilot)
        chat.select(chat.item(fired.id))
        await pilot.press("o")
        await pilot.pause()
        assert isinstance(app.screen, RunHistoryScreen) and app.screen.schedule.id == s.id
        await pilot.press("escape")
        await settle(app, pilot)
        # A schedule that is gone: a clear toast.
        lost = c.add(Role.REMINDER, "from a deleted schedule", schedule_id="deadbeef")
        await settle(app, pilot)
        chat.select(chat.item(lost.id))
        await pilot.press("o")
        await settle(app, pilot)
        assert app.screen is app.main_screen
        assert "Schedule deadbeef no longer exists" in toasts(app)
        # The palette: the latest message a schedule delivered, when none is selected.
        chat.select(None)
        await palette(app, pilot, "open the message's schedule")
        assert "Schedule deadbeef no longer exists" in toasts(app)[-1]


async def test_palette_actions_with_nothing_to_act_on_say_so(app) -> None:
    async with app.run_test(size=SIZE) as pilot:
        await palette(app, pilot, "copy the last reply")
        assert "There is no reply to copy yet" in toasts(app)
        await palette(app, pilot, "regenerate the last reply")
        assert "There is no reply to regenerate (send a message first)" in toasts(app)
        await palette(app, pilot, "open the message's schedule")
        assert "No message here was delivered by a schedule" in toasts(app)
        assert app.clipboard == ""


async def test_the_keys_can_be_remapped_and_a_taken_key_is_refused(build, settings) -> None:
    from dynaprompt_tui.tui import keys

    assert keys.conflicts({"chat.copy": "x"}) == []
    (clash,) = keys.conflicts({"chat.copy": "d"})
    assert "chat.delete's key" in clash and "(chat.copy keeps y)" in clash
    assert keys.conflicts({"chat.edit": "up"}) != []  # the selection's key
    app = build(settings._replace(keys={"chat.copy": "x"}))
    async with app.run_test(size=SIZE) as pilot:
        await app.conversation.send("hello")
        await settle(app, pilot)
        await pilot.press("ctrl+l", "up", "up", "y")
        assert app.clipboard == ""  # y no longer copies
        await pilot.press("x")
        assert app.clipboard == "hello"
