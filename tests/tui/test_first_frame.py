"""The first frame shows the chat in place: an anchored scroll view's end is drawn in its first
layout, not one layout later (anchored.py).

The first frame is the screen's first layout, when it is shown (ScreenResume). Textual then
sends the screen its size (Resize) and lays it out again; so "drawn in the first frame" is
"drawn before the screen handles its first Resize". Each test checks first that something
outside the scroll view is drawn by then, so a Textual that starts differently fails here
rather than passing for the wrong reason."""

from __future__ import annotations

from typing import Any

import pytest
from textual import events
from textual.app import App, ComposeResult
from textual.containers import VerticalScroll
from textual.screen import Screen
from textual.strip import Strip
from textual.widgets import Static

from dynaprompt_tui.tui.widgets.anchored import AnchoredScroll
from dynaprompt_tui.tui.widgets.lines_view import LinesView
from tests.tui.helpers import SIZE, chatted, settle


class Trace:
    """Draws and the screen's Resize events, in the order they happen."""

    def __init__(self) -> None:
        self.events: list[str] = []
        self.resumed = False

    def hook(self, message: Any) -> None:  # run_test's message_hook: every message handled
        if isinstance(message, events.ScreenResume):
            self.resumed = True
        elif isinstance(message, events.Resize) and self.resumed:
            self.events.append("resize")

    def drawn(self, name: str) -> None:
        if self.resumed:
            self.events.append(name)

    def before_first_resize(self) -> set[str]:
        until = self.events.index("resize") if "resize" in self.events else len(self.events)
        return set(self.events[:until])


class Row(Static):
    def __init__(self, trace: Trace, n: int) -> None:
        super().__init__(f"row {n}", id=f"row{n}")
        self.trace = trace

    def render_line(self, y: int) -> Strip:
        self.trace.drawn(self.id or "")
        return super().render_line(y)


class Rows(Screen[None]):
    def __init__(self, trace: Trace, scroll: type[VerticalScroll]) -> None:
        super().__init__()
        self.trace, self.scroll = trace, scroll

    def compose(self) -> ComposeResult:
        yield Row(self.trace, -1)  # outside the scroll view: surely in the first frame
        with self.scroll(id="rows"):
            for n in range(30):
                yield Row(self.trace, n)

    def on_mount(self) -> None:
        self.query_one("#rows", VerticalScroll).anchor()


class RowsApp(App[None]):
    CSS = "#row-1 { height: 1; } #rows { height: 1fr; }"

    def __init__(self, trace: Trace, scroll: type[VerticalScroll]) -> None:
        super().__init__()
        self.trace, self.scroll = trace, scroll

    def get_default_screen(self) -> Screen[None]:
        return Rows(self.trace, self.scroll)


@pytest.mark.parametrize(
    ("scroll", "in_first_frame"),
    [
        (AnchoredScroll, True),
        # Textual's own: when this fails, Textual draws an anchored view in place from its
        # first frame, and anchored.py can go.
        (VerticalScroll, False),
    ],
)
async def test_an_anchored_view_draws_its_end_in_its_first_frame(
    scroll: type[VerticalScroll], in_first_frame: bool
) -> None:
    trace = Trace()
    app = RowsApp(trace, scroll)
    async with app.run_test(size=(40, 10), message_hook=trace.hook) as pilot:
        await pilot.pause()
        first = trace.before_first_resize()
        assert "row-1" in first  # (the first frame is the one before the first Resize)
        assert ("row29" in first) is in_first_frame
        rows = app.query_one("#rows", VerticalScroll)
        assert rows.scroll_y == rows.max_scroll_y > 0  # and it stays at the end
        assert app.query_one("#row29").region.bottom == rows.region.bottom


@pytest.mark.parametrize("size", [SIZE, (80, 24)])
async def test_the_chat_shows_its_latest_message_in_the_first_frame(
    build, settings, clock, monkeypatch, size
) -> None:
    conversation = chatted(settings, clock, 60)
    latest = conversation.messages(limit=1)[-1].id
    trace = Trace()
    draw = LinesView.render_line

    def render_line(view: LinesView, y: int) -> Strip:
        message = getattr(view, "message", None)
        if message is not None:
            trace.drawn("latest" if message.id == latest else "other")
        return draw(view, y)

    monkeypatch.setattr(LinesView, "render_line", render_line)
    app = build(conversation=conversation)
    async with app.run_test(size=size, message_hook=trace.hook) as pilot:
        await settle(app, pilot)
        first = trace.before_first_resize()
        assert {"latest", "other"} <= first  # the screenful that ends with it, drawn at once
        chat = app.main_screen.chat
        assert chat.scroll_y == chat.max_scroll_y > 0
        assert chat.item(latest).region.bottom <= chat.region.bottom
