"""The input box: multi-line, Enter sends, ctrl+j adds a line, up recalls (the preview line
under it is draft_preview.py).

Its cursor blinks for `BLINK_FOR` (to twice that) seconds after the last key or the focus, then
stays lit, as GTK's text fields do (their cursor-blink-timeout): each blink repaints the input,
most of what an idle window would otherwise spend (bench_app.py, idle).
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from textual import events
from textual.message import Message as TMessage
from textual.strip import Strip
from textual.timer import Timer
from textual.widgets import TextArea

BLINK_FOR = 10.0  # seconds the cursor blinks after the last key or the focus


class Composer(TextArea):
    """A TextArea where Enter sends and ctrl+j (or shift+enter) inserts a newline.

    Up on an empty composer recalls the last sent message. Pasted text keeps its newlines.
    `can_send(text)` False keeps the text and posts `Refused` instead of `Submitted`.
    """

    class Submitted(TMessage):
        def __init__(self, composer: Composer, text: str) -> None:
            super().__init__()
            self.composer = composer
            self.text = text

    class Refused(TMessage):
        """Enter on a draft that `can_send` refuses: the text stays, to be fixed."""

        def __init__(self, text: str) -> None:
            super().__init__()
            self.text = text

    def __init__(self, *, can_send: Callable[[str], bool] | None = None, **kwargs: Any) -> None:
        kwargs.setdefault("soft_wrap", True)
        kwargs.setdefault("tab_behavior", "focus")
        kwargs.setdefault("show_line_numbers", False)
        kwargs.setdefault("compact", True)
        super().__init__(**kwargs)
        self.sent: list[str] = []
        self._recall_index: int | None = None
        self.can_send = can_send
        self._blinks = False  # whether it blinks at all (made with cursor_blink=True)
        self._rest: Timer | None = None  # stops the blinking

    def on_mount(self) -> None:
        self._blinks = self.cursor_blink
        self._wake()

    def _still(self) -> None:
        self._rest = None
        self.cursor_blink = False  # (Textual leaves the cursor lit while focused)

    def _wake(self) -> None:
        """A key or the focus: blink again, for another `BLINK_FOR` seconds at least."""
        if self._blinks and not self.cursor_blink and self._rest is not None:
            self._blinks = False  # someone else turned the blinking off: it stays off
        if not self._blinks:
            return
        self.cursor_blink = True
        if self._rest is None:
            self._rest = self.set_timer(BLINK_FOR, self._still, name="cursor-rest")
        else:
            self._rest.reset()

    def on_focus(self) -> None:
        self._wake()

    def render_line(self, y: int) -> Strip:
        # Squeezed to no width for a frame while the terminal shrinks: TextArea would wrap
        # its placeholder to width 0 and raise.
        if self.content_size.width <= 0:
            return Strip.blank(self.size.width)
        return super().render_line(y)

    def on_key(self, event: events.Key) -> None:
        # prevent_default() keeps TextArea's own key handler (a base class's) from also
        # inserting the key, as Textual's events guide documents.
        self._wake()
        key = event.key
        if key == "enter":
            self.submit()
        elif key in ("ctrl+j", "shift+enter", "alt+enter"):
            start, end = self.selection
            # As a typed key is inserted: the cursor ends after the new line.
            self.replace("\n", start, end, maintain_selection_offset=False)
        elif key == "up" and self._recallable():
            self.recall(-1)
        elif key == "down" and self._recall_index is not None and self._at_last_line():
            self.recall(+1)
        else:
            return
        event.stop()
        event.prevent_default()

    def _recallable(self) -> bool:
        if not self.sent:
            return False
        if not self.text:
            return True
        return self._recall_index is not None and self.cursor_location[0] == 0

    def _at_last_line(self) -> bool:
        return self.cursor_location[0] == self.document.line_count - 1

    def recall(self, step: int) -> None:
        """Step through sent messages (-1 older, +1 newer)."""
        if self._recall_index is None:
            index = len(self.sent) - 1 if step < 0 else None
        else:
            index = self._recall_index + step
            if index < 0:
                index = 0
            elif index >= len(self.sent):
                index = None
        self._recall_index = index
        self.text = "" if index is None else self.sent[index]
        self.move_cursor(self.document.end)

    def submit(self) -> None:
        text = self.text
        if not text.strip():
            return
        if self.can_send is not None and not self.can_send(text):
            self.post_message(self.Refused(text))
            return
        if not self.sent or self.sent[-1] != text:
            self.sent.append(text)
        self._recall_index = None
        self.clear()
        self.post_message(self.Submitted(self, text))
