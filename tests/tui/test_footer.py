"""The footer shows the focused widget's keys, and is rebuilt only when they change."""

from __future__ import annotations

from textual.app import App, ComposeResult
from textual.binding import Binding
from textual.widget import Widget
from textual.widgets import Static

from dynaprompt_tui.tui.widgets.footer import Footer


class _Pane(Static, can_focus=True):
    BINDINGS = [Binding("x", "noop", "Pane key")]


class _Two(App[None]):
    AUTO_FOCUS = None
    BINDINGS = [Binding("f5", "noop", "App key")]

    def compose(self) -> ComposeResult:
        yield Static("a", id="plain")
        yield _Pane("b", id="pane")
        yield Footer()


def _keys(app: App[None]) -> list[Widget]:
    return list(app.query("FooterKey"))  # (the footer's key widgets, by their CSS type)


async def test_the_footer_follows_the_keys_and_keeps_its_widgets_otherwise() -> None:
    app = _Two()
    async with app.run_test() as pilot:
        app.app_focus = True  # (as in a terminal that reports its focus)
        app.screen.refresh_bindings()
        await pilot.pause()
        await pilot.pause()
        before = _keys(app)
        assert [getattr(k, "description", None) for k in before] == ["App key", "palette"]
        app.screen.refresh_bindings()  # the same keys: nothing to rebuild
        await pilot.pause()
        await pilot.pause()
        assert _keys(app) == before
        app.query_one("#pane").focus()  # the pane's key joins
        await pilot.pause()
        await pilot.pause()
        assert any(getattr(k, "description", None) == "Pane key" for k in _keys(app))


async def test_the_footer_hides_behind_a_dialog(app) -> None:
    """Its keys are the main screen's, which do nothing while a dialog is open."""
    from dynaprompt_tui.tui.screens.confirm import ConfirmScreen
    from dynaprompt_tui.tui.widgets.footer import Footer

    async with app.run_test(size=(120, 36)) as pilot:
        await pilot.pause()
        footer = app.main_screen.query_one(Footer)
        assert footer.visible
        app.push_screen(ConfirmScreen("Really?"))
        await pilot.pause()
        assert not footer.visible
        await pilot.press("n")
        await pilot.pause()
        assert footer.visible
