"""The footer: the keys that apply now, on one line, drawn with the first frame.

Textual's `Footer` is a container of one widget per key, composed only once the screen says its
bindings are ready, i.e. after the first frame: a terminal showed the app without its keys for
another 40-60 ms, then restyled and laid out ten more widgets (bench_app.py: the footer's row
was the last part of the complete screen). This footer is one widget that renders the screen's
`active_bindings` when it paints, so its keys are in the first frame, and a change of the
bindings repaints one line, only when the keys shown changed. It looks and acts as Textual's
does: the same theme variables, the command palette's key on the right, a click runs the key,
a disabled key is dimmed (and rings the bell), the hovered key is highlighted and shows its
tooltip, `compact` packs the keys closer (a narrow terminal).

Behind a dialog it is hidden (its row kept): it shows the keys of the screen below, which do
nothing while the dialog is open.
"""

from __future__ import annotations

from dataclasses import dataclass, replace
from itertools import groupby

from rich.style import Style
from rich.text import Text
from textual import events
from textual.app import RenderResult
from textual.binding import Binding
from textual.reactive import reactive
from textual.screen import Screen
from textual.widget import Widget

SEPARATOR = "▏"  # before the command palette's key (Textual's Footer: a vkey border)


@dataclass(frozen=True)
class Key:
    """One key as shown: what pressing it means, and its place on the line."""

    key: str  # what a click simulates
    display: str  # the key as the user reads it ("^q")
    description: str
    enabled: bool
    tooltip: str
    start: int = 0  # columns on the line
    end: int = 0


def keys_of(
    screen: Screen[object],
) -> tuple[list[tuple[Binding, bool, str]], tuple[Binding, bool, str] | None]:
    """The bindings to show (the first binding of each action, in order, with whether it is
    enabled and its tooltip) and the command palette's, from the screen's active bindings (as
    Textual's Footer reads them)."""
    active = screen.active_bindings
    by_action: dict[str, tuple[Binding, bool, str]] = {}
    for _, binding, enabled, tooltip in active.values():
        if binding.show:
            by_action.setdefault(binding.action, (binding, enabled, tooltip))
    palette = None
    app = screen.app
    if app.ENABLE_COMMAND_PALETTE and (found := active.get(app.COMMAND_PALETTE_BINDING)):
        palette = (found.binding, found.enabled, found.tooltip)
    return list(by_action.values()), palette


class Footer(Widget, can_focus=False):
    """The keys of the focused widget, its screen and the app; one line, docked at the bottom."""

    ALLOW_SELECT = False
    COMPONENT_CLASSES = {"footer--key", "footer--description", "footer--separator", "footer--hover"}
    DEFAULT_CSS = """
    Footer {
        dock: bottom;
        height: 1;
        color: $footer-foreground;
        background: $footer-background;
        .footer--key {
            color: $footer-key-foreground;
            background: $footer-key-background;
            text-style: bold;
        }
        .footer--description {
            color: $footer-description-foreground;
            background: $footer-description-background;
        }
        .footer--separator {
            color: $foreground 20%;
        }
        .footer--hover {
            background: $block-hover-background;
        }
    }
    """

    compact = reactive(False)
    """Keys closer together (a narrow terminal)."""
    show_command_palette = reactive(True)
    hovered: reactive[int | None] = reactive(None)
    """The index of the key under the mouse."""

    def __init__(
        self,
        *,
        show_command_palette: bool = True,
        name: str | None = None,
        id: str | None = None,
        classes: str | None = None,
    ) -> None:
        super().__init__(name=name, id=id, classes=classes)
        self.set_reactive(Footer.show_command_palette, show_command_palette)
        self._keys: list[Key] = []  # as last painted, with their columns
        self._shown: tuple[list[Key], Key | None] | None = None  # what was laid out last

    def on_mount(self) -> None:
        self.screen.bindings_updated_signal.subscribe(self, self._bindings_changed)
        self.app.screen_change_signal.subscribe(self, self._screen_changed)

    def _screen_changed(self, screen: Screen[object]) -> None:
        self.visible = screen is self.screen

    def _bindings_changed(self, screen: Screen[object]) -> None:
        # The keys as they would be drawn: repainted only when that differs from the line.
        if self.is_attached and self._layout() != self._shown:
            self.refresh()

    def _layout(self) -> tuple[list[Key], Key | None]:
        """The keys in order, grouped bindings as Textual groups them, and the palette's key."""
        shown, palette = keys_of(self.screen)
        keys: list[Key] = []
        for group, members in groupby(shown, lambda m: m[0].group):
            items = list(members)
            if group is not None and len(items) > 1:  # "keys… description", one tooltip each
                for i, (b, enabled, tip) in enumerate(items):
                    label = group.description if i == len(items) - 1 else ""
                    keys.append(self._key(b, label, enabled, tip or b.description))
            else:
                keys.extend(self._key(b, b.description, e, t) for b, e, t in items)
        last = None
        if palette is not None and self.show_command_palette:
            binding, enabled, tip = palette
            last = self._key(binding, binding.description, enabled, tip or binding.description)
        return keys, last

    def _key(self, binding: Binding, description: str, enabled: bool, tooltip: str) -> Key:
        display = self.app.get_key_display(binding)
        return Key(binding.key, display, description, enabled, tooltip or "")

    def render(self) -> RenderResult:
        keys, palette = self._shown = self._layout()
        key_style = self.get_component_rich_style("footer--key")
        text_style = self.get_component_rich_style("footer--description")
        width = self.size.width
        # "▏^p palette " on the right, as Textual docks it (its key compact there).
        right = 0
        if palette is not None:
            right = len(palette.display) + len(palette.description) + (2 if self.compact else 3)
        line = Text(no_wrap=True, overflow="crop", end="")
        placed: list[Key] = []
        for i, key in enumerate(keys):
            # Textual's FooterKey: " ^q " + "Quit " (compact: "^q" + " Quit", a gap between).
            if self.compact:
                piece = Text.assemble((key.display, key_style), (f" {key.description}", text_style))
                piece.rstrip()
                gap = " " if i else ""
            else:
                piece = Text.assemble(
                    (f" {key.display} ", key_style), (f"{key.description} ", text_style)
                )
                gap = ""
            start = line.cell_len + len(gap)
            if start + piece.cell_len > width - right:
                break  # (no room: the keys that fit, whole)
            line.append(gap)
            line.append_text(self._styled(piece, key, i))
            placed.append(replace(key, start=start, end=line.cell_len))
        if palette is not None and line.cell_len <= width - right:  # (else: no room at all)
            line.append(" " * (width - right - line.cell_len))
            line.append(SEPARATOR, self.get_component_rich_style("footer--separator"))
            tail = "" if self.compact else " "  # (Textual's: no padding when compact)
            piece = Text.assemble(
                (palette.display, key_style), (f" {palette.description}{tail}", text_style)
            )
            start = line.cell_len
            line.append_text(self._styled(piece, palette, len(placed)))  # (its index in _keys)
            placed.append(replace(palette, start=start, end=line.cell_len))
        self._keys = placed
        return line

    def _styled(self, piece: Text, key: Key, index: int) -> Text:
        if index == self.hovered:  # (its background only: the key keeps its colours)
            piece.stylize(Style(bgcolor=self.get_component_rich_style("footer--hover").bgcolor))
        if not key.enabled:
            piece.stylize(Style(dim=True))
        return piece

    # -- the mouse -------------------------------------------------------------------------
    def _at(self, x: int) -> int | None:
        for i, key in enumerate(self._keys):
            if key.start <= x < key.end:
                return i
        return None

    def on_mouse_move(self, event: events.MouseMove) -> None:
        self.hovered = self._at(event.x)

    def on_leave(self, event: events.Leave) -> None:
        self.hovered = None

    def watch_hovered(self, hovered: int | None) -> None:
        key = self._keys[hovered] if hovered is not None and hovered < len(self._keys) else None
        self.tooltip = key.tooltip if key is not None and key.tooltip else None
        self.refresh()

    def on_mouse_down(self, event: events.MouseDown) -> None:
        index = self._at(event.x)
        if index is None:
            return
        key = self._keys[index]
        if key.enabled:
            self.app.simulate_key(key.key)
        else:
            self.app.bell()
