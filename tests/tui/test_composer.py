"""The input's cursor blinks a while after the last key or the focus, then stays lit."""

from __future__ import annotations

from textual.app import App, ComposeResult

from dynaprompt_tui.tui.widgets import composer as composer_module
from dynaprompt_tui.tui.widgets.composer import Composer


class _One(App[None]):
    def compose(self) -> ComposeResult:
        yield Composer(id="composer")


async def test_the_cursor_rests_after_a_while_and_blinks_again_on_a_key(monkeypatch) -> None:
    monkeypatch.setattr(composer_module, "BLINK_FOR", 0.1)
    app = _One()
    async with app.run_test() as pilot:
        composer = app.query_one(Composer)
        composer.focus()
        await pilot.pause()
        assert composer.cursor_blink
        await pilot.pause(0.5)
        assert not composer.cursor_blink  # resting: lit, not blinking
        await pilot.press("a")
        assert composer.cursor_blink
        assert composer.text == "a"
        await pilot.pause(0.5)
        assert not composer.cursor_blink
