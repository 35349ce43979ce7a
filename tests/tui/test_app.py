"""Pilot tests: every key, button and dialog, against the real core (SQLite in tmp_path)."""

from __future__ import annotations

import contextlib
from pathlib import Path
from typing import Any

import pytest
from textual import events
from textual.widgets import Button, Input, Markdown, Static, TextArea

from dynaprompt_tui.core.models import Message, Party, Role, ScheduleState
from dynaprompt_tui.tui.history import PAGE
from dynaprompt_tui.tui.screens.confirm import ConfirmScreen
from dynaprompt_tui.tui.screens.edit import ScheduleEditScreen
from dynaprompt_tui.tui.screens.help import HelpScreen
from dynaprompt_tui.tui.widgets.bot_message import BotMessage
from dynaprompt_tui.tui.widgets.chat import WINDOW, ChatView
from dynaprompt_tui.tui.widgets.composer import Composer
from dynaprompt_tui.tui.widgets.message import MessageItem
from dynaprompt_tui.tui.widgets.sidebar import ScheduleSidebar
from tests.tui.helpers import SIZE, record_toasts, settle, text_of, type_text


def items(app) -> list[MessageItem]:
    return list(app.query(MessageItem))


def roles(app) -> list[Role]:
    return [i.message.role for i in items(app)]


async def test_first_start(app) -> None:
    async with app.run_test(size=SIZE) as pilot:
        await settle(app, pilot)
        assert isinstance(app.focused, Composer)
        assert app.sub_title == "New conversation · demo · Europe/London"
        assert app.query_one(ScheduleSidebar).schedules == []
        assert "Nothing scheduled" in app.query_one(ScheduleSidebar).render_line(2).text
        assert items(app) == []


async def test_enter_sends_and_bot_answers_in_markdown(app) -> None:
    async with app.run_test(size=SIZE) as pilot:
        await type_text(pilot, "hello")
        await pilot.press("enter")
        await settle(app, pilot)
        assert app.query_one(Composer).text == ""
        assert roles(app) == [Role.USER, Role.ASSISTANT]
        bot = app.query_one(BotMessage)
        assert "demo bot" in bot.markdown.source
        assert bot.message.content == bot.markdown.source


async def test_ctrl_j_inserts_newline_and_paste_keeps_newlines(app) -> None:
    async with app.run_test(size=SIZE) as pilot:
        composer = app.query_one(Composer)
        await type_text(pilot, "one\ntwo")
        assert composer.text == "one\ntwo"
        app.post_message(events.Paste("\nthree\nfour"))
        await pilot.pause()
        assert composer.text == "one\ntwo\nthree\nfour"
        await pilot.press("enter")
        await settle(app, pilot)
        assert items(app)[0].message.content == "one\ntwo\nthree\nfour"


async def test_up_on_empty_input_recalls_last_message(app) -> None:
    async with app.run_test(size=SIZE) as pilot:
        composer = app.query_one(Composer)
        await type_text(pilot, "first")
        await pilot.press("enter")
        await type_text(pilot, "second")
        await pilot.press("enter")
        await settle(app, pilot)
        await pilot.press("up")
        assert composer.text == "second"
        await pilot.press("up")
        assert composer.text == "first"
        await pilot.press("down")
        assert composer.text == "second"
        await pilot.press("down")
        assert composer.text == ""


async def test_live_preview_of_dps_line(app) -> None:
    async with app.run_test(size=SIZE) as pilot:
        await type_text(pilot, "hello")
        assert not [p for p in app.query("#preview") if p.display]  # plain text: no line
        app.query_one(Composer).clear()
        await type_text(pilot, "dps c in 20 minutes")
        preview = app.query_one("#preview", Static)
        assert preview.display and preview.has_class("-hint")  # no message yet: a hint
        # It sits between the chat and the input.
        assert preview.region.bottom <= app.query_one(Composer).region.y
        await type_text(pilot, "\nstretch")
        assert preview.display
        assert preview.has_class("-ok")
        assert "to the chatbot" in text_of(preview)
        assert "10:35" in text_of(preview)
        app.query_one(Composer).clear()
        await type_text(pilot, "dps nobody tomorrow\nx")
        await pilot.pause()
        assert preview.display and preview.has_class("-hint")  # red once Enter is pressed
        app.query_one(Composer).clear()
        await pilot.pause()
        assert not preview.display
        assert app.conversation.pending() == []  # nothing sent


async def test_a_failing_preview_is_shown_in_the_preview_line(app) -> None:
    def broken(text: str) -> list:
        raise RuntimeError("parser exploded")

    app.conversation.preview = broken
    async with app.run_test(size=SIZE) as pilot:
        await type_text(pilot, "dps c tomorrow")
        preview = app.query_one("#preview", Static)
        assert preview.display and preview.has_class("-error")
        assert "✗ preview failed: parser exploded" in text_of(preview)
        assert app.is_running and not app._notifications  # a line, not a toast per keystroke


async def test_dps_creates_schedule_in_sidebar(app) -> None:
    async with app.run_test(size=SIZE) as pilot:
        await type_text(pilot, "dps u in 20 minutes\nstretch")
        await pilot.press("enter")
        await settle(app, pilot)
        lst = app.query_one(ScheduleSidebar)
        assert len(lst.schedules) == 1
        assert lst.render_line(0).text.strip() == "Schedules (1)"
        assert "in 20 min" in lst.render_line(3).text
        assert any(i.message.meta.get("card") == "scheduled" for i in items(app))


async def schedule(app, pilot, text: str = "dps u in 20 minutes\nstretch") -> None:
    await app.conversation.send(text)
    await settle(app, pilot)


async def test_focus_keys(app) -> None:
    async with app.run_test(size=SIZE) as pilot:
        await pilot.press("ctrl+l")
        assert isinstance(app.focused, ChatView)
        await pilot.press("ctrl+s")
        assert isinstance(app.focused, ScheduleSidebar)
        await pilot.press("ctrl+g")
        assert isinstance(app.focused, Composer)
        sidebar, chat = app.query_one(ScheduleSidebar), app.query_one(ChatView)
        beside = sidebar.region
        await pilot.press("ctrl+b")
        assert not sidebar.display
        await pilot.pause()
        assert chat.region.width == SIZE[0] and app.main_screen.composer.region.width == SIZE[0]
        await pilot.press("ctrl+b")
        assert sidebar.display
        await pilot.pause()
        assert sidebar.region == beside and chat.region.right == beside.x
        # ctrl+s brings a hidden sidebar back, beside the chat as before.
        await pilot.press("ctrl+b", "ctrl+s")
        await pilot.pause()
        assert sidebar.display and sidebar.region == beside and chat.region.right == beside.x
        assert isinstance(app.focused, ScheduleSidebar)


async def test_cancel_with_x_asks_first(app) -> None:
    async with app.run_test(size=SIZE) as pilot:
        await schedule(app, pilot)
        await pilot.press("ctrl+s", "x")
        assert isinstance(app.screen, ConfirmScreen)
        await pilot.press("n")
        assert app.conversation.pending() != []
        await pilot.press("delete")
        assert isinstance(app.screen, ConfirmScreen)
        await pilot.press("y")
        await settle(app, pilot)
        assert app.conversation.pending() == []
        assert "Nothing scheduled" in app.query_one(ScheduleSidebar).render_line(2).text


async def test_the_empty_sidebar_says_how_to_schedule(build, settings, clock):
    # Under its title, an empty sidebar shows a hint; it comes when the last schedule goes.
    from dynaprompt_tui.core.conversation import Conversation

    conversation = Conversation.open(settings, clock=clock)
    await conversation.send("dps u in 20 minutes\nstretch")
    await conversation.idle()
    app = build(conversation=conversation)
    async with app.run_test(size=(80, 24)) as pilot:
        await settle(app, pilot)
        sidebar = app.query_one(ScheduleSidebar)
        lines = [sidebar.render_line(y).text for y in range(8)]
        assert not any("Nothing scheduled" in line for line in lines)
        await pilot.press("ctrl+s", "x", "y")
        await settle(app, pilot)
        lines = [sidebar.render_line(y).text.rstrip() for y in range(8)]
        assert lines[0] == " Schedules (0)" and lines[1] == ""
        # (the hint is wrapped to the sidebar's width, indented by two: here the overlay's)
        assert lines[2:6] == [
            "  Nothing scheduled.",
            "",
            "  Write  dps …  in a message,",
            "  or press n here.",
        ]


async def test_cancel_by_clicking_the_cross(app) -> None:
    async with app.run_test(size=SIZE) as pilot:
        await schedule(app, pilot)
        lst = app.query_one(ScheduleSidebar)
        await pilot.click(ScheduleSidebar, offset=(lst.scrollable_content_region.width - 2, 1))
        assert isinstance(app.screen, ConfirmScreen)
        await pilot.click("#yes")
        await settle(app, pilot)
        assert app.conversation.pending() == []


async def test_arrows_move_the_selection(app) -> None:
    async with app.run_test(size=SIZE) as pilot:
        await schedule(app, pilot, "dps u in 20 minutes\none\ndps u in 40 minutes\ntwo")
        lst = app.query_one(ScheduleSidebar)
        await pilot.press("ctrl+s")
        assert lst.selected.prompt == "one"
        await pilot.press("down")
        assert lst.selected.prompt == "two"
        await pilot.press("up")
        assert lst.selected.prompt == "one"


async def test_pause_and_resume_with_p(app) -> None:
    async with app.run_test(size=SIZE) as pilot:
        await schedule(app, pilot)
        await pilot.press("ctrl+s", "p")
        await settle(app, pilot)
        assert app.conversation.pending()[0].state is ScheduleState.PAUSED
        assert "paused" in app.query_one(ScheduleSidebar).render_line(2).text
        await pilot.press("p")
        await settle(app, pilot)
        assert app.conversation.pending()[0].state is ScheduleState.PENDING


async def test_edit_dialog_validates_live_and_saves(app) -> None:
    async with app.run_test(size=SIZE) as pilot:
        await schedule(app, pilot)
        await pilot.press("ctrl+s", "e")
        screen = app.screen
        assert isinstance(screen, ScheduleEditScreen)
        time_input = screen.query_one("#time-prompt", Input)
        assert time_input.value == "in 20 minutes"
        check = screen.query_one("#check", Static)
        assert check.has_class("-ok")
        assert text_of(check).count("\n") >= 1  # the next fire times are listed
        time_input.value = "blorp o'clock"
        await pilot.pause()
        assert check.has_class("-error")
        assert screen.query_one("#save", Button).disabled
        time_input.value = "every day at 8am"
        await pilot.pause()
        assert check.has_class("-ok")
        assert "08:00" in text_of(check)
        screen.query_one("#prompt", TextArea).text = "drink water"
        await pilot.press("ctrl+s")
        await settle(app, pilot)
        assert not isinstance(app.screen, ScheduleEditScreen)
        (s,) = app.conversation.pending()
        assert s.prompt == "drink water"
        assert s.recurring


async def test_edit_dialog_escape_changes_nothing(app) -> None:
    async with app.run_test(size=SIZE) as pilot:
        await schedule(app, pilot)
        before = app.conversation.pending()
        await pilot.press("ctrl+s", "enter")
        assert isinstance(app.screen, ScheduleEditScreen)
        await pilot.press("escape")
        assert not isinstance(app.screen, ScheduleEditScreen)
        assert app.conversation.pending() == before


async def test_new_schedule_dialog_with_recipient(app) -> None:
    async with app.run_test(size=SIZE) as pilot:
        await pilot.press("ctrl+n")
        screen = app.screen
        assert isinstance(screen, ScheduleEditScreen)
        await pilot.click("#to-user")
        screen.query_one("#time-prompt", Input).value = "in 2 hours"
        screen.query_one("#prompt", TextArea).text = "call mum"
        await pilot.pause()
        await pilot.click("#save")
        await settle(app, pilot)
        (s,) = app.conversation.pending()
        assert (s.recipient, s.prompt, s.created_by) == (Party.USER, "call mum", Party.USER)


async def test_n_in_sidebar_opens_new_dialog(app) -> None:
    async with app.run_test(size=SIZE) as pilot:
        await pilot.press("ctrl+s", "n")
        assert isinstance(app.screen, ScheduleEditScreen)
        await pilot.click("#cancel")
        assert not isinstance(app.screen, ScheduleEditScreen)


async def test_a_delivery_in_view_rings_and_one_out_of_view_toasts_too(app, clock) -> None:
    """In a chat that follows the latest, the reminder lands where the user looks: the bell
    rings and no toast repeats it. Under a dialog it is out of view: a toast says what came."""
    async with app.run_test(size=SIZE) as pilot:
        await schedule(app, pilot, "dps u in 1 minute\nstretch your legs")
        await schedule(app, pilot, "dps u in 3 minutes\ndrink some water")
        clock.advance(61)
        await settle(app, pilot)
        reminder = [i for i in items(app) if i.message.role is Role.REMINDER]
        assert len(reminder) == 1
        header = text_of(reminder[0]).splitlines()[0]
        # Delivered when it was due: its time once ("due 15:05  15:05" said it twice).
        assert "scheduled by you" in header and header.count("10:16") == 1
        assert app.bells == 1
        assert not any("stretch your legs" in n.message for n in app._notifications)
        await pilot.press("f1")  # the help: a dialog over the chat
        assert isinstance(app.screen, HelpScreen)
        clock.advance(120)
        await settle(app, pilot)
        assert app.bells == 2
        assert any("drink some water" in n.message for n in app._notifications)
        assert app.conversation.pending() == []


async def test_a_burst_of_deliveries_is_one_toast_and_one_bell_then_one_more(app, clock) -> None:
    """Five reminders due at once: the first toasted (and rung) at once, the other four held
    and told together when the burst's time is up: not five toasts stacked over the chat."""
    toasted = record_toasts(app)
    async with app.run_test(size=SIZE) as pilot:
        for k in range(5):
            await schedule(app, pilot, f"dps u in 1 minute\nreminder {k}")
        burst = app.main_screen.delivery_toasts.burst  # (the held ones are told after it)
        await pilot.press("f1")  # a dialog over the chat: out of view, deliveries are toasted
        toasted.clear()
        clock.advance(61)
        await settle(app, pilot)
        assert sum(i.message.role is Role.REMINDER for i in items(app)) == 5
        assert len(toasted) == 1 and "reminder" in toasted[0] and app.bells == 1
        clock.advance(burst * 0.9)  # (the app's clock: not yet)
        await settle(app, pilot)
        assert len(toasted) == 1
        clock.advance(burst * 0.2)
        await settle(app, pilot)
        assert len(toasted) == 2 and app.bells == 2
        assert toasted[1].startswith("4 scheduled messages · the latest: Reminder: reminder")
        clock.advance(burst * 2)  # nothing more held: nothing more said
        await settle(app, pilot)
        assert len(toasted) == 2


async def test_no_bell_when_disabled(build, settings, clock) -> None:

    app = build(settings._replace(bell=False))
    async with app.run_test(size=SIZE) as pilot:
        await schedule(app, pilot, "dps u in 1 minute\nquiet")
        clock.advance(61)
        await settle(app, pilot)
        assert app.bells == 0
        assert Role.REMINDER in roles(app)


async def test_bot_recurring_schedule_needs_approval_button(app) -> None:
    async with app.run_test(size=SIZE) as pilot:
        await schedule(app, pilot, "every day at 8am teach me Spanish")
        cards = [i for i in items(app) if i.message.meta.get("card") == "approval"]
        assert len(cards) == 1
        index = items(app).index(cards[0])
        await pilot.click(cards[0].query_one(".approve"))
        await settle(app, pilot)
        (s,) = app.conversation.pending()
        assert s.approved
        # The answered card keeps its place and text, says so, and has no buttons any more.
        (card,) = [i for i in items(app) if i.message.meta.get("card") == "approval"]
        assert items(app).index(card) == index and not card.query("Button")
        assert "approved by you" in text_of(card).splitlines()[0]


async def test_reject_button(app) -> None:
    async with app.run_test(size=SIZE) as pilot:
        await schedule(app, pilot, "every day at 8am teach me Spanish")
        (card,) = [i for i in items(app) if i.message.meta.get("card") == "approval"]
        await pilot.click(card.query_one(".reject"))
        await settle(app, pilot)
        assert app.conversation.pending() == []


async def test_markup_and_escapes_are_shown_literally(app) -> None:
    nasty = "[bold]hi[/bold] [@click=app.quit]quit[/] \x1b[31mred\x07"
    async with app.run_test(size=SIZE) as pilot:
        await app.conversation.send(nasty)
        await settle(app, pilot)
        user, bot = items(app)[:2]
        shown = text_of(user)
        assert "[bold]hi[/bold]" in shown and "[@click=app.quit]quit[/]" in shown
        assert "\x1b" not in shown and "\x07" not in shown and "␛[31mred␇" in shown
        source = bot.query_one(Markdown).source
        assert "\x1b" not in source and "[@click=app.quit]" in source
        # Clicking the would-be link does not quit.
        await pilot.click(user)
        assert app.is_running


async def test_errors_from_the_core_become_toasts(app) -> None:
    async with app.run_test(size=SIZE) as pilot:
        await schedule(app, pilot)
        (s,) = app.conversation.pending()
        app.conversation.book.cancel(s.id, now=app.clock.now())  # behind the app's back
        await pilot.press("ctrl+s", "p")
        await settle(app, pilot)
        assert app.is_running
        assert any(n.severity == "error" for n in app._notifications)


async def test_help_screen(app) -> None:
    async with app.run_test(size=SIZE) as pilot:
        await pilot.press("f1")
        assert isinstance(app.screen, HelpScreen)
        assert "dps" in app.screen.query_one(Markdown).source
        await pilot.press("escape")
        assert not isinstance(app.screen, HelpScreen)
        await pilot.press("ctrl+l", "question_mark")
        assert isinstance(app.screen, HelpScreen)
        await pilot.press("escape", "ctrl+g", "question_mark")
        assert not isinstance(app.screen, HelpScreen)
        assert app.query_one(Composer).text == "?"


async def test_keys_can_be_remapped(build, settings) -> None:

    app = build(settings._replace(keys={"schedules": "ctrl+r", "help": "f2"}))
    async with app.run_test(size=SIZE) as pilot:
        await pilot.press("ctrl+r")
        assert isinstance(app.focused, ScheduleSidebar)
        await pilot.press("f2")
        assert isinstance(app.screen, HelpScreen)
        assert "ctrl+r" in app.screen.query_one(Markdown).source


async def test_an_unknown_key_id_in_the_config_is_reported_not_ignored(build, settings) -> None:

    app = build(settings._replace(keys={"schedules": "ctrl+r", "shedules.cancel": "k"}))
    async with app.run_test(size=SIZE) as pilot:
        await pilot.pause()
        warnings = [n for n in app._notifications if n.severity == "warning"]
        assert len(warnings) == 1
        assert "shedules.cancel" in warnings[0].message and "no key binding" in warnings[0].message
        await pilot.press("ctrl+r")  # the valid entry still works
        assert isinstance(app.focused, ScheduleSidebar)


async def test_command_palette_export(app, tmp_path: Path, monkeypatch) -> None:
    monkeypatch.chdir(tmp_path)
    async with app.run_test(size=SIZE) as pilot:
        await app.conversation.send("hello")
        await settle(app, pilot)
        await pilot.press("ctrl+p")
        await type_text(pilot, "export chat as markdown")
        await pilot.pause(0.1)
        await pilot.press("enter")
        await settle(app, pilot)
        (path,) = tmp_path.glob("dynaprompt-*.md")
        assert "hello" in path.read_text()


async def test_command_palette_new_schedule(app) -> None:
    async with app.run_test(size=SIZE) as pilot:
        await pilot.press("ctrl+p")
        await type_text(pilot, "new schedule")
        await pilot.pause(0.1)
        await pilot.press("enter")
        await pilot.pause()
        assert isinstance(app.screen, ScheduleEditScreen)


async def test_older_messages_load_at_the_top(build, settings, clock) -> None:
    from dynaprompt_tui.core.conversation import Conversation
    from dynaprompt_tui.core.llm.demo import DemoChatClient

    conversation = Conversation.open(settings, clock=clock, chat_client=DemoChatClient())
    for n in range(120):
        conversation.add(Role.USER, f"message {n}")
    app = build(conversation=conversation)
    async with app.run_test(size=SIZE) as pilot:
        await settle(app, pilot)
        chat = app.query_one(ChatView)
        first = chat.count  # a screenful and some (the virtual chat: test_virtual_chat.py)
        assert 0 < first < PAGE
        assert chat.scroll_y == chat.max_scroll_y  # starts at the bottom
        chat.scroll_home(animate=False, immediate=True)
        await settle(app, pilot)
        assert chat.count == first + PAGE
        assert chat.scroll_y > 0  # the view stayed on what the user was reading
        while not chat.history_exhausted:
            chat.scroll_home(animate=False, immediate=True)
            await settle(app, pilot)
        assert chat.count == WINDOW  # (the newest unmounted as the oldest came in)
        assert text_of(chat.mounted()[0]).splitlines()[-1] == "message 0"


async def test_new_text_does_not_yank_a_reader(build, settings, clock) -> None:
    from dynaprompt_tui.core.conversation import Conversation
    from dynaprompt_tui.core.llm.demo import DemoChatClient

    conversation = Conversation.open(settings, clock=clock, chat_client=DemoChatClient())
    for n in range(40):
        conversation.add(Role.USER, f"message {n}")
    app = build(conversation=conversation)
    async with app.run_test(size=SIZE) as pilot:
        await settle(app, pilot)
        chat = app.query_one(ChatView)
        chat.scroll_to(y=5, animate=False, immediate=True)
        chat.release_anchor()
        await pilot.pause()
        app.conversation.add(Role.REMINDER, "new")
        await settle(app, pilot)
        assert chat.scroll_y == 5
        chat.scroll_end(animate=False, immediate=True)
        await pilot.pause()
        app.conversation.add(Role.REMINDER, "newer")
        await settle(app, pilot)
        assert chat.scroll_y == chat.max_scroll_y


async def test_scheduled_turn_to_the_chatbot_is_badged_late_and_answered(app, clock) -> None:
    async with app.run_test(size=SIZE) as pilot:
        await schedule(app, pilot, "dps c in 1 minute\nhow is my plan going?")
        clock.advance(60 * 60)  # the laptop slept: delivered an hour late
        await settle(app, pilot)
        (turn,) = [i for i in items(app) if i.message.schedule_id and i.message.role is Role.USER]
        header = text_of(turn).splitlines()[0]
        assert "scheduled by you" in header and "due 10:16" in header and "late" in header
        assert turn.has_class("-scheduled")
        assert items(app)[-1].message.role is Role.ASSISTANT
        assert "Scheduled prompt received" in items(app)[-1].message.content


async def test_make_app_opens_the_conversation_from_settings(settings, clock) -> None:
    from dynaprompt_tui.tui.app import make_app

    app = make_app(settings, clock=clock)
    async with app.run_test(size=SIZE) as pilot:
        assert app.conversation.label == "demo"
        await app.conversation.send("dps u in 5 minutes\nhi")
        await settle(app, pilot)
        await pilot.press("ctrl+q")
        await pilot.pause()
    assert not app.is_running
    assert settings.db_path.exists()


async def test_messages_from_other_days_show_the_date(build, settings, clock) -> None:
    from dynaprompt_tui.core.conversation import Conversation

    conversation = Conversation.open(settings, clock=clock)
    conversation.add(Role.USER, "yesterday's note")
    clock.advance(hours=24)
    app = build(conversation=conversation)
    async with app.run_test(size=SIZE) as pilot:
        await app.conversation.send("dps u in 1 hour\ntoday's")
        await settle(app, pilot)
        old, new = items(app)[:2]
        assert text_of(old).splitlines()[0].startswith("you  Thu 05 Mar 10:15")
        assert text_of(new).splitlines()[0].startswith("you  10:15")


async def test_a_in_sidebar_approves_the_bots_recurring_schedule(app) -> None:
    async with app.run_test(size=SIZE) as pilot:
        await schedule(app, pilot, "every day at 8am teach me Spanish")
        assert not app.conversation.pending()[0].approved
        await pilot.press("ctrl+s", "a")
        await settle(app, pilot)
        assert app.conversation.pending()[0].approved
        assert "needs approval" not in app.query_one(ScheduleSidebar).render_line(2).text


async def test_narrow_terminal_keeps_everything_visible(app) -> None:
    """Below 90 columns the chat takes the width; the sidebar is an overlay opened on demand
    (ctrl+b) with focus in it, and it closes when focus leaves it."""
    async with app.run_test(size=(70, 24)) as pilot:
        await schedule(app, pilot)
        sidebar, chat = app.query_one(ScheduleSidebar), app.query_one(ChatView)
        assert app.screen.has_class("-narrow") and not sidebar.display
        assert chat.outer_size.width == 70 and app.query_one(Composer).size.width > 60
        await pilot.press("ctrl+b")
        await pilot.pause()
        assert sidebar.display and app.focused is sidebar
        assert sidebar.region.right == 70 and chat.outer_size.width == 70  # over the chat
        await pilot.press("escape")  # focus back in the input: the overlay goes
        await pilot.pause()
        assert not sidebar.display and isinstance(app.focused, Composer)
        # Widening the terminal brings the sidebar back beside the chat, narrowing hides it.
        await pilot.resize_terminal(130, 24)
        await settle(app, pilot)
        assert not app.screen.has_class("-narrow") and sidebar.display
        assert chat.region.right == sidebar.region.x
        await pilot.resize_terminal(80, 24)
        await settle(app, pilot)
        assert not sidebar.display
        # Resized while a dialog is open: the main screen still follows.
        await pilot.press("f1")
        assert isinstance(app.screen, HelpScreen)
        await pilot.resize_terminal(130, 24)
        await settle(app, pilot)
        await pilot.press("escape")
        await settle(app, pilot)
        assert not app.screen.has_class("-narrow") and sidebar.display


async def test_recall_works_after_a_restart(build, settings, clock) -> None:
    from dynaprompt_tui.core.conversation import Conversation

    conversation = Conversation.open(settings, clock=clock)
    await conversation.send("typed last time")
    await conversation.idle()
    app = build(conversation=conversation)
    async with app.run_test(size=SIZE) as pilot:
        await pilot.press("up")
        assert app.query_one(Composer).text == "typed last time"


async def test_chat_keys_and_escape_back_to_input(build, settings, clock) -> None:
    from dynaprompt_tui.core.conversation import Conversation

    conversation = Conversation.open(settings, clock=clock)
    for n in range(20):  # all mounted at start (g at the top of more loads a page: virtual)
        conversation.add(Role.USER, f"message {n}")
    app = build(conversation=conversation)
    async with app.run_test(size=SIZE) as pilot:
        await settle(app, pilot)
        chat = app.query_one(ChatView)
        bottom = chat.max_scroll_y
        await pilot.press("ctrl+l", "g")
        await pilot.pause()
        assert chat.scroll_target_y == 0
        await pilot.press("j", "j")
        assert chat.scroll_target_y > 0
        await pilot.press("G")
        await pilot.pause()
        assert chat.scroll_target_y == bottom
        await pilot.press("escape")
        assert isinstance(app.focused, Composer)
        await pilot.press("ctrl+s", "escape")
        assert isinstance(app.focused, Composer)


async def test_sidebar_home_end_and_page_keys(app) -> None:
    async with app.run_test(size=SIZE) as pilot:
        lines = "\n".join(f"dps u in {n + 1} hours\nitem {n}" for n in range(8))
        await schedule(app, pilot, lines)
        lst = app.query_one(ScheduleSidebar)
        await pilot.press("ctrl+s", "end")
        assert lst.selected.prompt == "item 7"
        await pilot.press("home")
        assert lst.selected.prompt == "item 0"
        await pilot.press("pagedown")
        assert lst.selected.prompt == "item 5"
        await pilot.press("pageup")
        assert lst.selected.prompt == "item 0"


async def test_command_palette_cancel_all(app) -> None:
    async with app.run_test(size=SIZE) as pilot:
        await schedule(app, pilot, "dps u in 1 hour\none\ndps c in 2 hours\ntwo")
        await pilot.press("ctrl+p")
        await type_text(pilot, "cancel all schedules")
        await pilot.pause(0.1)
        await pilot.press("enter")
        await pilot.pause()
        assert isinstance(app.screen, ConfirmScreen)
        await pilot.press("y")
        await settle(app, pilot)
        assert app.conversation.pending() == []


async def test_double_click_edits_a_schedule(app) -> None:
    async with app.run_test(size=SIZE) as pilot:
        await schedule(app, pilot)
        await pilot.click(ScheduleSidebar, offset=(4, 3), times=2)
        assert isinstance(app.screen, ScheduleEditScreen)


async def test_quitting_while_the_chat_changes_is_a_clean_exit(build, settings, clock) -> None:
    # ctrl+q is handled by the app while the chat swaps a message's widget; from `exit()` on,
    # Textual refuses mounts (MountError). The CI's e2e test once quit exactly in the middle of
    # a swap and exited with status 1.
    app = build()
    async with app.run_test(size=SIZE) as pilot:
        await settle(app, pilot)
        chat = app.main_screen.chat
        message = Message(998, Role.ERROR, "failed", clock.now(), meta={"retryable": True})
        plain = await chat.add(message)  # a card with a Retry button
        assert plain is not None
        mount_all = chat.mount_all

        def quit_then_mount(*args: Any, **kwargs: Any) -> Any:
            app.exit()  # the user's ctrl+q, arriving as the new widget is mounted
            return mount_all(*args, **kwargs)

        chat.mount_all = quit_then_mount  # type: ignore[method-assign]
        await chat.add(message._replace(meta={}))  # answered: swapped; used to raise MountError
        # Whatever else the chat or the input would show now is dropped, not raised.
        await chat.add(Message(999, Role.USER, "one more", clock.now()))
        await chat.prepend([Message(1, Role.USER, "older", clock.now())], exhausted=True)
        app.main_screen.previews.line()
    assert app.return_code == 0
    assert not chat.query(BotMessage)


async def test_markdown_bodies_end_flush_and_an_empty_reply_keeps_its_header(app) -> None:
    async with app.run_test(size=SIZE) as pilot:
        await settle(app, pilot)
        # Two paragraphs: header, "one", blank, "two"; the last block's margin is clipped.
        done = app.conversation.add(Role.ASSISTANT, "one\n\ntwo")
        await settle(app, pilot)
        assert app.main_screen.chat.item(done.id).size.height == 4
        # A reply before its first words: the header line ("bot … writing…") stays visible.
        writing = app.conversation.add(Role.ASSISTANT, "", meta={"streaming": True})
        await settle(app, pilot)
        assert app.main_screen.chat.item(writing.id).size.height == 1


def test_styles_use_no_order_pseudo_classes() -> None:
    # :first-child, :last-child, :odd... make Textual restyle every sibling (and its subtree)
    # on each mount: a streamed reply appends blocks, which then costs quadratic time.
    import re

    from dynaprompt_tui.tui import app as app_module

    css = (Path(app_module.__file__).parent / "styles" / "app.tcss").read_text()
    rules = re.sub(r"/\*.*?\*/", "", css, flags=re.S)  # comments may name them
    for pseudo in ("first-child", "last-child", "first-of-type", "last-of-type", ":odd", ":even"):
        assert pseudo not in rules, pseudo


def test_the_first_screenful_is_counted_in_rows_and_always_fills_the_pane() -> None:
    from datetime import UTC, datetime

    from dynaprompt_tui.core.models import Message
    from dynaprompt_tui.tui.history import screenful

    def msg(i: int, text: str, **meta: object) -> Message:
        return Message(i, Role.USER, text, datetime(2026, 1, 1, tzinfo=UTC), meta=dict(meta))

    one_liners = [msg(i, f"line {i}") for i in range(100)]
    assert screenful(one_liners, 36) == 11  # 3 rows each; 11 x 3 >= 36 - 5
    tall = [msg(i, "\n".join(["x"] * 40)) for i in range(5)]
    assert screenful(tall, 36) == 1
    # Hidden turns and empty bubbles take no room, so they do not count towards the screen.
    hidden = [msg(i, "instructions only", hidden=True) for i in range(20)]
    assert screenful(one_liners[:20] + hidden, 36) == 20 + 11
    assert screenful([], 36) == 1


async def test_the_first_screenful_fills_the_real_chat_pane(build, settings, clock) -> None:
    # `screenful` assumes a pane no taller than the terminal less header, footer and input.
    from dynaprompt_tui.core.conversation import Conversation
    from dynaprompt_tui.tui.history import screenful

    conversation = Conversation.open(settings, clock=clock)
    for i in range(60):
        conversation.add(Role.USER, f"line {i}")
    app = build(conversation=conversation)
    async with app.run_test(size=SIZE) as pilot:
        await settle(app, pilot)
        n = screenful(app.conversation.messages(limit=50), SIZE[1])
        minimal_rows = 3 * n  # gap, header, one line
        assert minimal_rows >= app.main_screen.chat.scrollable_content_region.height


async def test_many_schedules_at_start_all_reach_the_sidebar(build, settings, clock) -> None:
    from dynaprompt_tui.core.conversation import Conversation

    conversation = Conversation.open(settings, clock=clock)
    for n in range(20):  # more than the sidebar shows, so the first frame reads only a page
        await conversation.create(
            recipient=Party.USER, time_prompt=f"in {n + 1} hours", prompt=f"note {n}"
        )
    await conversation.pause(conversation.pending()[0].id)
    app = build(conversation=conversation)
    async with app.run_test(size=SIZE) as pilot:
        await settle(app, pilot)
        lst = app.query_one(ScheduleSidebar)
        assert len(lst.schedules) == 20 and lst.total == 20
        assert [s.prompt for s in lst.schedules] == [f"note {n}" for n in range(20)]
        assert lst.title == "Schedules (20) · 1 paused"
        assert lst.render_line(0).text.rstrip() == " Schedules (20) · 1 paused"


def _computed_styles(app) -> dict[Any, tuple]:
    """Every node's CSS-given and inline rules, and its component classes' rules."""
    out = {}
    for node in app.screen.walk_children(with_self=True):
        names = set().union(*(vars(c).get("COMPONENT_CLASSES", ()) for c in type(node).__mro__))
        parts = {}
        for name in sorted(names):
            with contextlib.suppress(KeyError):  # a component no rule styles
                parts[name] = sorted(node.get_component_styles(name).base.css_lines)
        styles = node.styles
        out[node] = (sorted(styles.base.css_lines), sorted(styles.inline.css_lines), parts)
    return out


@pytest.mark.parametrize("size", [SIZE, (80, 24)])
async def test_the_first_frame_is_styled_as_a_full_restyle_would_style_it(
    build, settings, clock, size
) -> None:
    # Each widget is styled as it mounts, and Textual restyles the whole screen on its first
    # show: nothing on screen may depend on that second pass (a start-up once skipped it).
    from dynaprompt_tui.core.conversation import Conversation

    conversation = Conversation.open(settings, clock=clock)
    conversation.add(Role.USER, "hello")
    conversation.add(Role.ASSISTANT, "**hi** there")
    conversation.add(Role.ERROR, "the server said no")
    await conversation.create(recipient=Party.USER, time_prompt="in 2 hours", prompt="stretch")
    app = build(conversation=conversation)
    async with app.run_test(size=size) as pilot:
        first = _computed_styles(app)
        assert len(first) > 10 and any(parts for _, _, parts in first.values())
        app.update_styles(app.screen, animate=False)  # what the skipped pass would have done
        assert _computed_styles(app) == first
        await settle(app, pilot)
        settled = _computed_styles(app)
        app.update_styles(app.screen, animate=False)
        assert _computed_styles(app) == settled
