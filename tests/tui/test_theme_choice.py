"""The theme picked in the palette is the one the app opens with next time, drawn so from the
first frame; the config file's `theme` until one is picked, and again once the file names
another. Real app, real SQLite (the database's key/value table), the real palette."""

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
    return build(settings, conversation=Conversation.open(settings, clock=clock))


async def pick(app: Any, name: str) -> None:
    """`name` picked in the palette's list of themes, the app then closed."""
    async with app.run_test(size=SIZE) as pilot:
        app.theme = name  # (as the list does: test_the_theme_picked_in_the_palette...)
        await settle(app, pilot)
        await app.workers.wait_for_complete()


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
    store = Conversation.open(settings, clock=clock).store
    store.set_meta(theme_choice.KEY, {"theme": "gone-theme", "config": None})
    app = reopened(build, settings, clock)
    async with app.run_test(size=SIZE) as pilot:
        await pilot.pause()
        assert app.theme == "textual-dark"


async def test_the_config_file_s_theme_until_one_is_picked_and_once_it_names_another(
    build: Callable[..., Any], settings: Settings, clock: FakeClock
) -> None:
    nord = settings._replace(theme="nord")
    assert reopened(build, nord, clock).theme == "nord"  # nothing picked yet
    await pick(reopened(build, nord, clock), "dracula")
    assert reopened(build, nord, clock).theme == "dracula"  # the file unchanged: the pick
    gruvbox = settings._replace(theme="gruvbox")
    assert reopened(build, gruvbox, clock).theme == "gruvbox"  # the file edited since: it
    assert reopened(build, settings, clock).theme == "dracula"  # (no theme in the file)


async def test_a_theme_the_config_file_names_that_textual_has_not_is_said(
    build: Callable[..., Any], settings: Settings, clock: FakeClock
) -> None:
    app = reopened(build, settings._replace(theme="no-such-theme"), clock)
    told = []
    notify = app.notify

    def record(message: str, **kw: Any) -> None:
        told.append(message)
        notify(message, **kw)

    app.notify = record  # type: ignore[method-assign]
    async with app.run_test(size=SIZE) as pilot:
        await pilot.pause()
        assert app.theme == "textual-dark"
        assert any("'theme'" in m and "no-such-theme" in m for m in told), told
