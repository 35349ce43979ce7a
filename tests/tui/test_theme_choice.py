"""The theme picked in the palette is the one the app opens with next time, drawn so from the
first frame. Real app, real SQLite (the database's key/value table), the real palette."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from dynaprompt_tui.config import Settings
from dynaprompt_tui.core.clock import FakeClock
from dynaprompt_tui.core.conversation import Conversation
from dynaprompt_tui.tui import theme_choice
from tests.tui.helpers import settle

SIZE = (100, 30)


def reopened(build: Callable[..., Any], settings: Settings, clock: FakeClock) -> Any:
    return build(conversation=Conversation.open(settings, clock=clock))


async def test_the_theme_picked_in_the_palette_is_the_next_start_s_from_its_first_frame(
    build: Callable[..., Any], settings: Settings, clock: FakeClock
) -> None:
    app = build()
    async with app.run_test(size=SIZE) as pilot:
        assert app.theme == "textual-dark"
        await pilot.press("ctrl+p", *"theme", "enter")  # Textual's "Theme" command
        await pilot.pause()
        await pilot.press(*"nord", "enter")  # its list of themes
        await settle(app, pilot)
        assert app.theme == "nord"

    again = reopened(build, settings, clock)
    assert again.theme == "nord"  # before it runs: no frame in the default theme first
    first_frame: list[str] = []

    def on_message(message: object) -> None:  # the first frame is drawn before this
        if type(message).__name__ == "Resize" and not first_frame:
            first_frame.append(again.current_theme.name)

    async with again.run_test(size=SIZE, message_hook=on_message) as pilot:
        await pilot.pause()
        assert first_frame == ["nord"]
        background = again.screen.get_style_at(0, SIZE[1] // 2).bgcolor
        assert background is not None
        assert (
            background.get_truecolor()
            == again.current_theme.to_color_system().background.rich_color.get_truecolor()
        )


async def test_the_last_of_themes_picked_in_a_row_is_kept(
    build: Callable[..., Any], settings: Settings, clock: FakeClock
) -> None:
    """The palette's list sets a theme for each line it passes over: what is kept is the one
    it stopped at, whatever order the writes ran in."""
    app = build()
    async with app.run_test(size=SIZE) as pilot:
        for name in ["nord", "dracula", "gruvbox", "textual-light", "monokai"]:
            app.theme = name
        await settle(app, pilot)
        await app.workers.wait_for_complete()
    assert reopened(build, settings, clock).theme == "monokai"


async def test_a_theme_no_longer_there_gives_the_default(
    build: Callable[..., Any], settings: Settings, clock: FakeClock
) -> None:
    Conversation.open(settings, clock=clock).store.set_meta(theme_choice.KEY, "gone-theme")
    app = reopened(build, settings, clock)
    async with app.run_test(size=SIZE) as pilot:
        await pilot.pause()
        assert app.theme == "textual-dark"
