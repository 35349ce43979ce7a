"""The footer: Textual's, rebuilt once per burst of binding changes, and only when the keys it
shows changed.

Textual's `Footer` rebuilds all its key widgets after the next refresh each time the screen says
its bindings changed, and on the way to the first key the screen says so three times (the focus,
the screen stack, the focus again after a refresh) with the same keys each time: three rebuilds
between the first frame and the footer's row on screen, the last one in the way of the first
key typed. This one asks for a rebuild only when none is pending (the pending one reads the
bindings as they are when it runs, so it shows every change made before it) and skips a rebuild
that would show what is already shown.

Behind a dialog it is hidden (its row kept): it shows the keys of the screen below, which do
nothing while the dialog is open.
"""

from __future__ import annotations

from typing import Any

from textual.screen import Screen
from textual.widgets import Footer as TextualFooter


class Footer(TextualFooter):
    """`textual.widgets.Footer`, rebuilt at most once per refresh."""

    _rebuild_pending = False
    _built: Any = None  # what the keys shown were built from

    def bindings_changed(self, screen: Screen[object]) -> None:
        if self._rebuild_pending:
            return  # the rebuild already asked for reads the bindings when it runs
        super().bindings_changed(screen)
        # (What Textual's own handler checks before it asks for a rebuild.)
        self._rebuild_pending = bool(
            screen.app.app_focus and self.is_attached and screen is self.screen
        )

    def _shown(self) -> Any:
        """Everything Textual's `Footer.compose` reads (but the key names, which follow the
        keymap: a keymap change changes the bindings' keys)."""
        try:
            bindings = self.screen.active_bindings.values()
        except Exception:  # (no screen any more: leave it to Textual)
            return object()
        return (
            self.show_command_palette,
            self.app.ENABLE_COMMAND_PALETTE,
            tuple(
                (b.key, b.action, b.description, b.show, b.tooltip, b.group, enabled, tip)
                for _, b, enabled, tip in bindings
            ),
        )

    def on_mount(self) -> None:
        self.app.screen_change_signal.subscribe(self, self._screen_changed)

    def _screen_changed(self, screen: Screen[object]) -> None:
        self.visible = screen is self.screen

    async def recompose(self) -> None:
        self._rebuild_pending = False
        shown = self._shown()
        if shown == self._built:
            return  # the same keys: nothing to rebuild
        self._built = shown
        await super().recompose()
