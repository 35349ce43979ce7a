"""A long message (a pasted log, a long reply) is never wrapped and rendered whole: its height
is counted once for a width and only the lines in view are rendered (message.py, `PlainMessage`;
lazy_lines.py); they follow the width, the theme, its classes and a text selection.

Real app, real SQLite; the assertions count which lines of text Textual is asked to wrap or
render, and read what is drawn, never time."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import pytest
from textual.content import Content
from textual.geometry import Offset
from textual.selection import Selection

from dynaprompt_tui.config import Settings
from dynaprompt_tui.core.clock import FakeClock
from dynaprompt_tui.core.conversation import Conversation
from dynaprompt_tui.core.models import Role
from dynaprompt_tui.tui.widgets.chat_cursor import SELECTED
from dynaprompt_tui.tui.widgets.message import PlainMessage
from tests.tui.helpers import SIZE, settle

LOG = "\n".join(
    f"09:12:{i % 60:02d} worker-{i % 7} handled request {i} status=200" for i in range(600)
)
REPLY = "\n\n".join(
    f"## Part {i}\n\nSome **bold** prose about part {i}.\n\n- a\n- b" for i in range(80)
)


@pytest.fixture
def spy(monkeypatch: pytest.MonkeyPatch) -> list[str]:
    """The text of every Content Textual is asked to wrap (for a height) or render, in order."""
    asked: list[str] = []
    for name in ("render_strips", "get_height"):
        original = getattr(Content, name)

        def counted(content: Content, *args: Any, _original: Any = original, **kw: Any) -> Any:
            asked.append(content.plain)
            return _original(content, *args, **kw)

        monkeypatch.setattr(Content, name, counted)
    return asked


def log_lines(asked: list[str]) -> int:
    """How many lines of the log were wrapped or rendered."""
    return sum(text.count("worker-") for text in asked)


def long_chat(settings: Settings, clock: FakeClock, *texts: tuple[Role, str]) -> Conversation:
    """A conversation ending with `texts`: the last of them is in view at start-up."""
    conversation = Conversation.open(settings, clock=clock)
    conversation.store.add_message(Role.USER, "hello", now=clock.now())
    for role, text in texts:
        conversation.store.add_message(role, text, now=clock.now())
    return conversation


def latest(conversation: Conversation) -> int:
    return conversation.messages(limit=1)[-1].id


def drawn(item: PlainMessage) -> list[str]:
    return [item.render_line(y).text.rstrip() for y in range(item.size.height)]


async def test_only_the_lines_in_view_are_rendered(
    build: Callable[..., Any], settings: Settings, clock: FakeClock, spy: list[str]
) -> None:
    conversation = long_chat(settings, clock, (Role.USER, f"What is wrong here?\n{LOG}"))
    log = latest(conversation)
    app = build(conversation=conversation)
    async with app.run_test(size=SIZE) as pilot:
        await settle(app, pilot)
        chat = app.main_screen.chat
        item = chat.item(log)
        assert isinstance(item, PlainMessage)
        assert item.size.height > 600  # its height: every line of the log, counted
        # Start-up rendered a screenful of its 600 lines (each line of it fits: none wrapped
        # to count it), one line at a time: never the whole text.
        assert 0 < log_lines(spy) <= SIZE[1]
        assert all(text.count("worker-") <= 1 for text in spy)
        assert "request&#160;599&#160;status=200" in app.export_screenshot()  # the newest, shown

        shown = log_lines(spy)
        chat.scroll_page_up(animate=False)
        await settle(app, pilot)
        assert shown < log_lines(spy) <= shown + SIZE[1]  # a page more, once
        chat.scroll_end(animate=False, immediate=True)
        app.screen.refresh(layout=True)
        await settle(app, pilot)
        assert log_lines(spy) <= shown + SIZE[1]  # (lines drawn before are kept)

        spy.clear()
        await pilot.resize_terminal(SIZE[0] - 20, SIZE[1])
        await settle(app, pilot)
        assert 0 < log_lines(spy) <= SIZE[1]  # a new width: a screenful rendered for it
        lines = drawn(item)
        assert len(lines) == item.size.height > 600  # its height: the lines it draws
        assert lines[-1].endswith("handled request 599 status=200")  # the newest at the bottom
        assert lines[-600].endswith("handled request 0 status=200")


async def test_the_lines_follow_the_theme_the_classes_and_a_selection(
    build: Callable[..., Any], settings: Settings, clock: FakeClock
) -> None:
    conversation = long_chat(settings, clock, (Role.ASSISTANT, REPLY))
    reply = latest(conversation)
    app = build(conversation=conversation)
    async with app.run_test(size=SIZE) as pilot:
        await settle(app, pilot)
        item = app.main_screen.chat.item(reply)
        assert isinstance(item, PlainMessage)
        before = item.render_line(0)

        app.theme = "textual-light" if app.theme != "textual-light" else "nord"
        await settle(app, pilot)
        themed = item.render_line(0)
        assert themed.text == before.text and list(themed) != list(before)  # other colours

        app.main_screen.chat.focus()  # the chat's cursor: the latest message selected
        item.add_class(SELECTED)
        await settle(app, pilot)
        assert item.has_class(SELECTED)
        assert list(item.render_line(0)) != list(themed)  # its selected background
        themed = item.render_line(0)

        app.screen.selections = {item: Selection(Offset(0, 0), Offset(3, 0))}
        await settle(app, pilot)
        selected = item.render_line(0)
        assert selected.text == themed.text
        styles = {segment.style for segment in selected}
        app.screen.selections = {}
        await settle(app, pilot)
        assert {segment.style for segment in item.render_line(0)} != styles  # highlight gone
