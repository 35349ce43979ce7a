"""Keys typed before anything has the focus are held, with every key after them, and typed into
the focused widget on release, in order (type_ahead.py; the real start is tested in tmux:
tests/e2e/test_tmux_type_ahead.py)."""

from __future__ import annotations

from textual import events
from textual.app import App, ComposeResult
from textual.widgets import Input

from dynaprompt_tui.tui.type_ahead import TypeAhead


class Typed(App[None]):
    AUTO_FOCUS = None  # nothing focused at first, as while the main screen is being made

    def __init__(self) -> None:
        super().__init__()
        self.ahead = TypeAhead()

    def compose(self) -> ComposeResult:
        yield Input(id="input")

    async def on_event(self, event: events.Event) -> None:
        if not self.ahead.held(self, event):
            await super().on_event(event)


async def test_held_until_released_then_typed_in_order() -> None:
    app = Typed()
    async with app.run_test() as pilot:
        field = app.query_one(Input)
        await pilot.press("a", "b")  # nothing has the focus: held, not lost
        assert field.value == ""
        field.focus()
        await pilot.pause()
        await pilot.press("c")  # focused now, but typed after held keys: held behind them
        assert field.value == ""
        app.ahead.release(app)
        await pilot.pause()
        assert field.value == "abc"
        await pilot.press("d")  # after the release: straight through
        assert field.value == "abcd"


async def test_nothing_is_held_while_something_has_the_focus() -> None:
    app = Typed()
    async with app.run_test() as pilot:
        field = app.query_one(Input)
        field.focus()
        await pilot.pause()
        await pilot.press("x", "y")
        assert field.value == "xy"
