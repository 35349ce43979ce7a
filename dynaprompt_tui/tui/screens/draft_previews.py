"""A draft's instructions previewed under the input as the user types: what each `dps` line
will do, or why it cannot (widgets/draft_preview.py draws the line, made on first use). A draft
whose instruction fails is not sent: the composer asks `sendable`."""

from __future__ import annotations

from collections.abc import Callable
from typing import TYPE_CHECKING

from textual.widget import MountError

if TYPE_CHECKING:
    from textual.screen import Screen
    from textual.widget import Widget

    from dynaprompt_tui.core.conversation.facade import Conversation
    from dynaprompt_tui.tui.widgets.draft_preview import DraftPreview


class DraftPreviews:
    """The preview line of `screen`, mounted above `composer()` when first needed."""

    def __init__(
        self,
        screen: Screen[None],
        conversation: Callable[[], Conversation],
        composer: Callable[[], Widget],
    ) -> None:
        self.screen = screen
        self.conversation = conversation  # (the open one: the user can switch)
        self.composer = composer

    def lines(self, text: str) -> list[tuple[bool, str]]:
        """(fine, what it says) for each instruction of `text`."""
        try:
            return [(p.ok, p.text) for p in self.conversation().preview(text)]
        except Exception as e:  # shown in the preview line, not as a toast per keystroke
            return [(False, f"preview failed: {e}")]

    def sendable(self, text: str) -> bool:
        """Not while an instruction fails: its good lines would be carried out now and again
        once it is fixed. (A preview that itself failed does not hold the message back.)"""
        return all(ok or why.startswith("preview failed") for ok, why in self.lines(text))

    def show(self, text: str, *, refused: bool = False) -> None:
        # (No "dp", no instruction: the parsers are not loaded on the way to the first key.)
        if "dp" not in text.lower() or not (lines := self.lines(text)):
            self.hide()
        elif (preview := self.line()) is not None:
            preview.show(lines, refused=refused)

    def hide(self) -> None:
        self.screen.query("#preview").set(display=False)

    def line(self) -> DraftPreview | None:
        """The line under the input, made on first use (a draft with no `dps` line never
        needs it); None once the app is quitting."""
        from dynaprompt_tui.tui.widgets.draft_preview import DraftPreview

        for line in self.screen.query("#preview").results(DraftPreview):
            return line
        line = DraftPreview("", id="preview", markup=False)
        try:
            self.screen.mount(line, before=self.composer())
        except MountError:  # Textual refuses to mount once the user has quit
            return None
        return line
