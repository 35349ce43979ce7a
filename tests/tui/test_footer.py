"""The footer: the focused widget's keys on one line, drawn with the first frame, repainted only
when the keys change; clicks run keys, a disabled key is dimmed and rings the bell."""

from __future__ import annotations

from textual.app import App, ComposeResult
from textual.binding import Binding
from textual.widgets import Static

from dynaprompt_tui.tui.widgets.footer import Footer


class _Pane(Static, can_focus=True):
    BINDINGS = [
        Binding("x", "count", "Pane key"),
        Binding("y", "locked", "Locked", tooltip="never now"),
    ]

    def action_count(self) -> None:
        self.app.pressed.append("x")  # type: ignore[attr-defined]

    def check_action(self, action: str, parameters: tuple[object, ...]) -> bool | None:
        return None if action == "locked" else True  # (None: shown, disabled)


class _Two(App[None]):
    AUTO_FOCUS = None
    BINDINGS = [Binding("f5", "noop", "App key")]

    def __init__(self) -> None:
        super().__init__()
        self.pressed: list[str] = []
        self.first_frame = ""
        self.bells = 0

    def compose(self) -> ComposeResult:
        yield Static("a", id="plain")
        yield _Pane("b", id="pane")
        yield Footer()

    def on_ready(self) -> None:
        # Textual's Ready follows the first frame: what the footer painted in it.
        self.first_frame = self.query_one(Footer).render_line(0).text

    def bell(self) -> None:
        self.bells += 1


def _line(app: App[None]) -> str:
    return app.query_one(Footer).render_line(0).text


async def test_the_keys_are_in_the_first_frame() -> None:
    app = _Two()
    async with app.run_test(size=(80, 10)):
        assert "f5 App key" in app.first_frame
        assert app.first_frame.rstrip().endswith("▏^p palette")


async def test_the_footer_follows_the_focused_widget_and_repaints_only_on_a_change() -> None:
    app = _Two()
    async with app.run_test(size=(80, 10)) as pilot:
        footer = app.query_one(Footer)
        assert "Pane key" not in _line(app)
        painted = footer.render_line(0)
        app.screen.refresh_bindings()  # the same keys: nothing to paint again
        await pilot.pause()
        assert footer.render_line(0) is painted  # (the line cache kept)
        app.query_one("#pane").focus()
        await pilot.pause()
        assert "x Pane key" in _line(app) and "y Locked" in _line(app)
        app.set_focus(None)
        await pilot.pause()
        assert "Pane key" not in _line(app)


async def test_a_click_runs_the_key_and_a_disabled_one_rings_the_bell() -> None:
    app = _Two()
    async with app.run_test(size=(80, 10)) as pilot:
        app.query_one("#pane").focus()
        await pilot.pause()
        line = _line(app)
        await pilot.click(Footer, offset=(line.index("Pane key"), 0))
        await pilot.pause()
        assert app.pressed == ["x"]
        await pilot.click(Footer, offset=(line.index("Locked"), 0))
        await pilot.pause()
        assert app.pressed == ["x"] and app.bells == 1
        await pilot.click(Footer, offset=(line.index("▏") - 2, 0))  # between keys: nothing
        await pilot.pause()
        assert app.pressed == ["x"] and app.bells == 1


async def test_hovering_a_key_highlights_it_and_shows_its_tooltip() -> None:
    app = _Two()
    async with app.run_test(size=(80, 10)) as pilot:
        app.query_one("#pane").focus()
        await pilot.pause()
        footer = app.query_one(Footer)
        line = _line(app)
        plain = footer.render_line(0)
        await pilot.hover(Footer, offset=(line.index("Locked"), 0))
        await pilot.pause()
        assert footer.hovered is not None
        assert footer.tooltip == "never now"
        assert footer.render_line(0).text == line  # the same text, another style
        assert list(footer.render_line(0)) != list(plain)
        await pilot.hover("#plain")
        await pilot.pause()
        assert footer.hovered is None and footer.tooltip is None


async def test_compact_packs_the_keys_and_a_narrow_line_keeps_whole_keys() -> None:
    app = _Two()
    async with app.run_test(size=(80, 10)) as pilot:
        app.query_one("#pane").focus()
        footer = app.query_one(Footer)
        footer.compact = True
        await pilot.pause()
        assert "x Pane key y Locked f5 App key" in _line(app)
        assert _line(app).rstrip().endswith("▏^p palette")
        await pilot.resize_terminal(28, 10)
        await pilot.pause()
        line = _line(app)
        assert line.rstrip().endswith("▏^p palette") and len(line) == 28
        assert line.startswith("x Pane key ") and "Locked" not in line  # (no half key)
        # The palette's key after a cut line is highlighted when hovered, as the others are.
        plain = list(footer.render_line(0))
        await pilot.hover(Footer, offset=(line.index("palette"), 0))
        await pilot.pause()
        assert footer.tooltip == "Open the command palette"
        assert list(footer.render_line(0)) != plain


async def test_the_footer_hides_behind_a_dialog(app) -> None:
    """Its keys are the main screen's, which do nothing while a dialog is open."""
    from dynaprompt_tui.tui.screens.confirm import ConfirmScreen

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
