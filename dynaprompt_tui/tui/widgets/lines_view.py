"""A widget whose text is a list of lines, drawn through Textual's line API (as its `Log`): its
height counted once for a width, only the lines in view rendered (lazy_lines.py).

Textual draws a widget's text by wrapping all of it to learn its height and again to draw it:
a long message (a pasted log, a long reply) cost start-up tens of milliseconds for lines nobody
sees. Counted again for a new width or theme, or when the styles change (a class such as
selected). A text selection is drawn a line at a time too, as Textual draws it."""

from __future__ import annotations

from typing import TYPE_CHECKING, cast

from textual.app import RenderResult
from textual.content import Content
from textual.geometry import Size
from textual.strip import Strip
from textual.style import Style
from textual.visual import Visual
from textual.widget import Widget

from dynaprompt_tui.tui.widgets.lazy_lines import LazyLines, Line, whole

if TYPE_CHECKING:
    from collections.abc import Callable

    from textual.css.styles import RulesMap


class LinesView(Widget):
    """Shows `lines_at(width)`: a line is text, or a line hanging after a bullet or a bar."""

    _rows: tuple[tuple[int, str], LazyLines] | None = None  # ((width, theme), its rows)
    # False: lines restyled when drawn (code's syntax colours: pygments and a lexer load, ~30 ms)
    # are drawn plain until `restyle()` (the chat's first screen: tui/screens/main.py).
    restyled = True

    def lines_at(self, width: int | None) -> list[Line]:
        """The lines (no newline in any) for a width (None: any)."""
        raise NotImplementedError

    def render(self) -> RenderResult:
        # (Not drawn: the text a selection is copied from, and what `text_of` in tests reads.)
        return Content("\n").join(whole(line) for line in self.lines_at(self.size.width or None))

    def _rows_at(self, width: int) -> LazyLines:
        key = (width, self.app.theme)
        if self._rows is None or self._rows[0] != key:
            # (Textual passes its styles as the rules too: they answer `get` alike)
            rules = cast("RulesMap", self.styles)
            lines = self.lines_at(width)
            self._rows = (key, LazyLines(lines, width, rules, self._render_line, self.restyled))
        return self._rows[1]

    def restyle(self) -> None:
        """Draw the lines restyled from now on (redrawn if one was drawn plain)."""
        self.restyled = True
        if self._rows is not None and self._rows[1].restyle():
            self.refresh()

    def _render_line(self, line: Content, width: int) -> list[Strip]:
        return Visual.to_strips(self, line, width, None, self.visual_style, apply_selection=False)

    def get_content_height(self, container: Size, viewport: Size, width: int) -> int:
        return self._rows_at(width).height

    def render_line(self, y: int) -> Strip:
        rows = self._rows_at(self.size.width)
        if (selection := self.text_selection) is not None:
            style = Style.from_styles(self.screen.get_component_styles("screen--selection"))
            row = rows.selected_row(y, selection, style)
        else:
            row = rows.row(y)
        return row or Strip.blank(self.size.width, self.visual_style.rich_style)

    def notify_style_update(self) -> None:
        super().notify_style_update()
        self._rows = None

    def forget(self) -> None:
        """The lines changed: count and render them again."""
        self._rows = None


def hold_restyling(root: Widget) -> Callable[[], None]:
    """The views under `root` draw their lines plain (code without its syntax colours) until
    the function returned is called: a screen's first frame is not kept waiting for pygments
    and a lexer (~30 ms). A view mounted meanwhile draws them restyled."""
    held = root.walk_children(LinesView)  # (not `query`: a message is a LinesView second)
    for view in held:
        view.restyled = False

    def restyle() -> None:
        for view in held:
            view.restyle()

    return restyle
