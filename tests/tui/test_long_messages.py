"""A long message (a pasted log, a long reply) is wrapped once for a width, for its height and
its lines alike (message.py, `PlainMessage`), and drawn from those lines; they follow the width,
the theme, its classes and a text selection.

Real app, real SQLite; the assertions count how often the text is wrapped and read what is
drawn, never time."""

from __future__ import annotations

from collections import Counter
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

LOG_END = LOG.rsplit("\n", 1)[-1]
REPLY_END = "• b"  # (how the reply's last line is drawn)


@pytest.fixture
def wraps(monkeypatch: pytest.MonkeyPatch) -> Counter[str]:
    """How many times each long message's whole text was wrapped (to draw it, or to learn its
    height), by the message's last line."""
    counts: Counter[str] = Counter()
    for name in ("render_strips", "get_height"):
        original = getattr(Content, name)

        def counted(content: Content, *args: Any, _original: Any = original, **kw: Any) -> Any:
            counts[content.plain.rsplit("\n", 1)[-1]] += 1
            return _original(content, *args, **kw)

        monkeypatch.setattr(Content, name, counted)
    return counts


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


async def test_a_long_message_is_rendered_once_for_a_width(
    build: Callable[..., Any], settings: Settings, clock: FakeClock, wraps: Counter[str]
) -> None:
    conversation = long_chat(settings, clock, (Role.USER, f"What is wrong here?\n{LOG}"))
    log = latest(conversation)
    app = build(conversation=conversation)
    async with app.run_test(size=SIZE) as pilot:
        await settle(app, pilot)
        chat = app.main_screen.chat
        item = chat.item(log)
        assert isinstance(item, PlainMessage)
        assert wraps[LOG_END] == 1  # start-up: wrapped once, for its height and its lines
        lines = drawn(item)
        assert len(lines) == item.size.height > 600  # its height: the lines it draws
        assert lines[-1].endswith("handled request 599 status=200")  # (the newest at the bottom)
        assert "request&#160;599&#160;status=200" in app.export_screenshot()  # and on screen
        chat.scroll_up(animate=False, immediate=True)
        chat.scroll_end(animate=False, immediate=True)
        app.screen.refresh(layout=True)
        await settle(app, pilot)
        assert wraps[LOG_END] == 1
        await pilot.resize_terminal(SIZE[0] - 20, SIZE[1])
        await settle(app, pilot)
        assert wraps[LOG_END] == 2  # a new width: wrapped for it, once
        assert drawn(item)[-1].endswith("handled request 599 status=200")


async def test_the_lines_follow_the_theme_the_classes_and_a_selection(
    build: Callable[..., Any], settings: Settings, clock: FakeClock, wraps: Counter[str]
) -> None:
    conversation = long_chat(settings, clock, (Role.ASSISTANT, REPLY))
    reply = latest(conversation)
    app = build(conversation=conversation)
    async with app.run_test(size=SIZE) as pilot:
        await settle(app, pilot)
        item = app.main_screen.chat.item(reply)
        assert isinstance(item, PlainMessage)
        before, count = item.render_line(0), wraps[REPLY_END]

        app.theme = "textual-light" if app.theme != "textual-light" else "nord"
        await settle(app, pilot)
        themed = item.render_line(0)
        assert wraps[REPLY_END] == count + 1
        assert themed.text == before.text and list(themed) != list(before)  # other colours

        app.main_screen.chat.focus()  # the chat's cursor: the latest message selected
        item.add_class(SELECTED)
        await settle(app, pilot)
        assert item.has_class(SELECTED) and wraps[REPLY_END] > count + 1
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
