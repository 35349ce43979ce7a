"""Issue 16's trial as a new user: each test failed before its fix (the issue's bug number in
its name's docstring)."""

from __future__ import annotations

import asyncio

import pytest
from textual.containers import VerticalScroll
from textual.widgets import Static
from textual.widgets.markdown import MarkdownBlock

from dynaprompt_tui.core.llm.events import ChatError, Done, TextDelta
from dynaprompt_tui.core.models import Role
from dynaprompt_tui.tui.screens.help import HelpScreen
from dynaprompt_tui.tui.widgets.composer import Composer
from dynaprompt_tui.tui.widgets.message import MessageItem
from dynaprompt_tui.tui.widgets.sidebar import ScheduleSidebar
from tests.tui.helpers import SIZE, settle, text_of, type_text

HALF_BAD = "dps u in 20 minutes\nstretch\ndps u tomorrw at 9\ncall mum"


async def test_a_message_with_a_bad_instruction_is_not_sent(app) -> None:
    """Bug 2: Enter sent it anyway, the good line was applied, and again after the fix."""
    async with app.run_test(size=SIZE) as pilot:
        composer = app.query_one(Composer)
        await type_text(pilot, HALF_BAD)
        await pilot.press("enter")
        await settle(app, pilot)
        assert composer.text == HALF_BAD  # kept, to be fixed
        assert app.conversation.pending() == []
        assert not [i for i in app.query(MessageItem) if i.message.role is Role.USER]
        preview = app.query_one("#preview", Static)
        assert preview.display and preview.has_class("-error")
        assert "not sent" in text_of(preview)
        # Fixed and sent: each schedule made once.
        composer.text = HALF_BAD.replace("tomorrw", "tomorrow")
        await pilot.press("enter")
        await settle(app, pilot)
        assert composer.text == ""
        assert len(app.conversation.pending()) == 2
        assert not preview.display


@pytest.mark.parametrize("size", [(120, 35), (80, 24)])
async def test_help_scrolls_from_the_keyboard_to_its_last_line(app, size) -> None:
    """Bug 3: PageDown, Down, j, Space and End did nothing; the end was out of reach."""
    async with app.run_test(size=size) as pilot:
        await pilot.press("f1")
        await pilot.pause()
        assert isinstance(app.screen, HelpScreen)
        scroll = app.screen.query_one("#help", VerticalScroll)
        assert scroll.max_scroll_y > 0  # the help is longer than the screen
        for key in ("down", "j", "pagedown", "space"):
            scroll.scroll_home(animate=False, immediate=True)
            await pilot.press(key)
            await pilot.pause()
            assert scroll.scroll_y > 0, key
        await pilot.press("end")
        await pilot.pause()
        assert scroll.scroll_y == scroll.max_scroll_y
        # The last words are on screen, inside the box.
        last = app.screen.query(MarkdownBlock).last()
        assert last.source and "escape" in last.source
        assert last.region.height and last.region.bottom <= scroll.region.bottom
        assert scroll.region.bottom <= size[1]
        await pilot.press("home")
        await pilot.pause()
        assert scroll.scroll_y == 0
        await pilot.press("escape")
        assert not isinstance(app.screen, HelpScreen)


SIZES = [(60, 20), (80, 24), (200, 50), (30, 16), (120, 35), (44, 12), (80, 24)]


async def test_resizing_never_moves_focus_and_typing_reaches_the_input(app) -> None:
    """Bug 4: after a resize, typed letters reached the sidebar (edit dialogs, approvals); the
    narrowest sizes crashed the input."""
    async with app.run_test(size=SIZE) as pilot:
        await app.conversation.send("every monday at 9am check my week plan")  # awaits approval
        await settle(app, pilot)
        composer = app.query_one(Composer)
        for size in SIZES:
            await pilot.resize_terminal(*size)
            await pilot.pause()
            assert app.focused is composer, size
            await type_text(pilot, "a pen and an edit ")
            await pilot.pause()
        assert app.is_running and app.screen is app.main_screen
        assert composer.text == "a pen and an edit " * len(SIZES)
        assert [s.approved for s in app.conversation.pending()] == [False]


async def test_the_sidebar_keeps_focus_on_resize_until_there_is_no_room_for_it(app) -> None:
    """Bug 4: focus stays where the user put it; when the sidebar must go (a very narrow
    terminal) focus returns to the input, never to a command-key widget."""
    async with app.run_test(size=SIZE) as pilot:
        sidebar = app.query_one(ScheduleSidebar)
        await pilot.press("ctrl+s")
        await pilot.pause()
        await pilot.resize_terminal(80, 24)
        await pilot.pause()
        assert app.focused is sidebar
        await pilot.resize_terminal(30, 16)
        await pilot.pause()
        assert not sidebar.display and app.focused is app.query_one(Composer)
        await pilot.resize_terminal(120, 35)
        await pilot.pause()
        assert sidebar.display  # back when there is room
        await pilot.press("ctrl+b")  # hidden by the user: stays hidden across resizes
        await pilot.resize_terminal(30, 16)
        await pilot.resize_terminal(120, 35)
        await pilot.pause()
        assert not sidebar.display


async def test_two_quick_edit_keys_open_one_dialog(app) -> None:
    """Bug 4: typing into the sidebar opened two stacked edit dialogs."""
    async with app.run_test(size=SIZE) as pilot:
        await app.conversation.send("dps u in 20 minutes\nstretch")
        await settle(app, pilot)
        sidebar = app.query_one(ScheduleSidebar)
        sidebar.action_edit()  # both before the first dialog is up
        sidebar.action_edit()
        await pilot.pause()
        assert len(app.screen_stack) == 2


@pytest.mark.parametrize("answer", ["approve", "reject"])
async def test_an_answered_approval_card_agrees_with_itself(build, settings, answer) -> None:
    """Bug 6: the header said "(approved)", the body still "waiting for your approval"."""
    said = answer.removesuffix("e") + "ed by you"
    app = build()
    async with app.run_test(size=SIZE) as pilot:
        await app.conversation.send("every day at 8am teach me Spanish")
        await settle(app, pilot)
        (card,) = [i for i in app.query(MessageItem) if i.message.meta.get("card") == "approval"]
        assert "waiting for your approval" in text_of(card)
        await pilot.click(card.query_one(f".{answer}"))
        await settle(app, pilot)
        (card,) = [i for i in app.query(MessageItem) if i.message.meta.get("card") == "approval"]
        header, body = text_of(card).split("\n", 1)
        assert said in header and "approval" not in header
        assert "waiting" not in body and "id " in body
    again = build()  # from history too
    async with again.run_test(size=SIZE) as pilot:
        await settle(again, pilot)
        (card,) = [i for i in again.query(MessageItem) if i.message.meta.get("card") == "approval"]
        assert "waiting" not in text_of(card) and said in text_of(card)


def footer_keys(app) -> list[str]:
    """The key descriptions the footer shows now."""
    return [
        b.description
        for _, b, enabled, _ in app.screen.active_bindings.values()
        if b.show and enabled
    ]


async def test_a_paused_schedule_says_paused_not_when(app, clock) -> None:
    """Bug 9: a paused schedule still showed "in 17 h"."""
    async with app.run_test(size=SIZE) as pilot:
        await app.conversation.send("dps u in 20 minutes\nstretch")
        await settle(app, pilot)
        sidebar = app.query_one(ScheduleSidebar)
        assert "in 20 min" in sidebar.render_line(3).text
        await pilot.press("ctrl+s", "p")
        await settle(app, pilot)
        line = sidebar.render_line(3).text
        assert "paused" in line and "in 20 min" not in line and "20 min" not in line


async def test_the_approve_key_shows_in_the_footer_when_it_applies(app) -> None:
    """Bug 9: the approve key never appeared in the footer."""
    async with app.run_test(size=SIZE) as pilot:
        await app.conversation.send("dps u in 20 minutes\nstretch")
        await app.conversation.send("every monday at 9am check my week plan")  # awaits approval
        await settle(app, pilot)
        await pilot.press("ctrl+s")
        await pilot.pause()
        sidebar = app.query_one(ScheduleSidebar)
        assert sidebar.selected is not None and sidebar.selected.approved
        assert "Approve" not in footer_keys(app)
        await pilot.press("down")
        await pilot.pause()
        assert not sidebar.selected.approved
        assert "Approve" in footer_keys(app)
        await pilot.press("a")
        await settle(app, pilot)
        assert "Approve" not in footer_keys(app)


async def test_a_keys_entry_that_takes_a_key_in_use_is_said_and_not_applied(build, settings):
    """Bug 9: new = "ctrl+q" was accepted silently (and took quit's key)."""
    app = build(settings._replace(keys={"new": "ctrl+q", "schedules": "ctrl+r"}))
    async with app.run_test(size=SIZE) as pilot:
        await pilot.pause()
        (warning,) = [n.message for n in app._notifications if n.severity == "warning"]
        assert "new = 'ctrl+q'" in warning and "quit" in warning and "ctrl+n" in warning
        await pilot.press("ctrl+r")  # the free one applies
        assert isinstance(app.focused, ScheduleSidebar)
        await pilot.press("ctrl+n")  # new keeps its key
        await pilot.pause()
        assert len(app.screen_stack) == 2
        await pilot.press("escape")
        await pilot.press("ctrl+q")
        await pilot.pause()
        assert not app.is_running


class Gated:
    """A chat client that answers (or fails) only when the test opens the gate."""

    def __init__(self) -> None:
        self.gate = asyncio.Event()
        self.fail = False

    async def stream(self, messages, *, tools=None):
        await self.gate.wait()
        self.gate.clear()
        if self.fail:
            raise ChatError("connection", "connection refused")
        yield TextDelta("Here I am.")
        yield Done("stop")


def thinking_shown(app) -> bool:
    return any(w.display for w in app.query("#thinking"))


async def test_a_reply_on_its_way_shows_until_its_first_words(build) -> None:
    """Bug 5: seconds of nothing before an answer (or an error from a down server)."""
    client = Gated()
    app = build(chat_client=client)
    async with app.run_test(size=SIZE) as pilot:
        await type_text(pilot, "hello?")
        await pilot.press("enter")
        await pilot.pause()
        assert thinking_shown(app)
        chat, line = app.main_screen.chat, app.query_one("#thinking")
        assert chat.children[-1] is line  # under the message just sent
        assert line.region.height and line.region.bottom <= chat.region.bottom
        client.gate.set()
        await settle(app, pilot)
        assert not thinking_shown(app)
        client.fail = True
        await type_text(pilot, "still there?")
        await pilot.press("enter")
        await pilot.pause()
        assert thinking_shown(app)
        client.gate.set()
        await settle(app, pilot)
        assert not thinking_shown(app)
        assert any(i.message.role is Role.ERROR for i in app.query(MessageItem))


async def test_retry_on_an_older_error_scrolls_to_its_answer(build) -> None:
    """Bug 5: Retry on an older error put the answer below the visible area."""
    client = Gated()
    client.fail = True
    app = build(chat_client=client)
    async with app.run_test(size=(100, 24)) as pilot:
        for n in range(4):
            client.gate.set()
            await app.conversation.send(f"message {n}\n" + "more\n" * 3)
            await settle(app, pilot)
        chat = app.main_screen.chat
        chat.scroll_home(animate=False, immediate=True)
        await pilot.pause()
        first = next(i for i in app.query(MessageItem) if i.message.role is Role.ERROR)
        client.fail = False
        client.gate.set()
        await pilot.click(first.query_one(".retry"))
        await settle(app, pilot)
        await pilot.pause()
        answer = [i for i in app.query(MessageItem) if i.message.role is Role.ASSISTANT][-1]
        assert answer.message.content == "Here I am."
        assert chat.scroll_y == chat.max_scroll_y > 0
        assert answer.region.height and answer.region.bottom <= chat.region.bottom


async def test_the_palettes_screenshot_saves_where_it_can_and_says_where(
    app, tmp_path, monkeypatch
) -> None:
    """Bug 8: Screenshot failed on a machine without ~/Downloads."""
    home, work = tmp_path / "home", tmp_path / "work"
    home.mkdir()
    work.mkdir()
    monkeypatch.setenv("HOME", str(home))  # no Downloads folder in it
    monkeypatch.delenv("XDG_DOWNLOAD_DIR", raising=False)
    monkeypatch.setenv("XDG_CONFIG_HOME", str(home / ".config"))
    monkeypatch.chdir(work)
    async with app.run_test(size=SIZE) as pilot:
        await pilot.press("ctrl+p")
        await type_text(pilot, "screenshot")
        await pilot.pause(0.1)
        await pilot.press("enter")
        for _ in range(40):  # the palette waits 0.1 s, then a thread writes the file
            await pilot.pause(0.05)
            if list(work.glob("*.svg")):
                break
        await pilot.pause(0.1)
        (shot,) = work.glob("*.svg")
        assert shot.read_text().startswith("<svg")
        said = [n.message for n in app._notifications if "screenshot" in n.message.lower()]
        assert any(str(shot) in m for m in said), said
        assert not [n for n in app._notifications if n.severity == "error"]


def test_help_lists_keys_without_binding_ids() -> None:
    """Binding ids are for the config file (docs/keys.md); the help says what keys do, and
    that they can be changed, with a remapped key as the user mapped it."""
    from dynaprompt_tui.tui import keys
    from dynaprompt_tui.tui.screens.help import help_markdown

    text = help_markdown(keys.help_keys({"schedules": "ctrl+r"}))
    assert "· id" not in text and "schedules.cancel" not in text
    assert "`ctrl+r  ` focus the schedule sidebar" in text
    assert "[keys]" in text
