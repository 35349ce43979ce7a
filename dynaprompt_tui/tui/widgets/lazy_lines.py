"""A message's text wrapped for one width, its lines drawn only when they come into view.

Textual draws a widget's text by wrapping all of it and rendering every line to a `Strip`; a
30 kB reply is ~1,300 lines and ~50 ms, paid before the first frame although a screen shows
40 of them. Its height needs only how many lines each line of the text wraps to, and a line
that fits the width is one: so here the height is counted (the long lines wrapped, without
styles, as Textual counts them) and a line of the text is rendered, on its own, when one of
its rows is first drawn.

Rendered on its own, a line's segments say it is line 0: Textual reads the line a mouse
selection is on from the segment's meta "offset", so each row gets its real line number back
(`_numbered`). The tests compare every row with Textual's own rendering of the whole text.
"""

from __future__ import annotations

from bisect import bisect_right
from typing import TYPE_CHECKING

from rich.segment import Segment
from rich.style import Style as RichStyle
from textual.strip import Strip

if TYPE_CHECKING:
    from collections.abc import Callable

    from textual.content import Content
    from textual.css.styles import RulesMap


def _numbered(strip: Strip, y: int) -> Strip:
    """`strip` with the line number its selection offsets carry set to `y`."""
    if y == 0:
        return strip
    segments: list[Segment] = []
    for text, style, control in strip:
        if style is not None and "offset" in (meta := style.meta):
            style += RichStyle.from_meta({"offset": (meta["offset"][0], y)})
        segments.append(Segment(text, style, control))
    return Strip(segments, strip.cell_length)


class LazyLines:
    """The rows of a text at one width: how many, and each on demand."""

    def __init__(
        self,
        lines: list[Content],
        width: int,
        rules: RulesMap,
        render: Callable[[Content, int], list[Strip]],
    ) -> None:
        self.lines = lines  # the text split at its newlines
        self.width = width
        self._render = render  # (a line of text, a width): its rows, as Textual renders them
        self._drawn: dict[int, list[Strip]] = {}  # the rows of the lines rendered so far
        self.starts: list[int] = []  # the first row of each line
        total = 0
        if width > 0:  # (Textual draws nothing at no width)
            pad = rules.get("line_pad", 0)
            for index, line in enumerate(lines):
                self.starts.append(total)
                if "\t" in line.plain:  # (Textual's count of a line with tabs, made without
                    total += len(self._rows(index))  # its styles, can be a row short: rendered)
                elif line.cell_length + 2 * pad <= width:
                    total += 1  # fits: one row (the common case, and far cheaper than asking)
                else:
                    total += line.get_height(rules, width)
        self.height = total

    def _rows(self, index: int) -> list[Strip]:
        rows = self._drawn.get(index)
        if rows is None:
            rows = [
                _numbered(strip, index) for strip in self._render(self.lines[index], self.width)
            ]
            self._drawn[index] = rows
        return rows

    def row(self, y: int) -> Strip | None:
        """Row `y`, its line rendered the first time it is asked for; None past the end."""
        if not 0 <= y < self.height:
            return None
        index = bisect_right(self.starts, y) - 1
        rows = self._rows(index)
        k = y - self.starts[index]
        return rows[k] if k < len(rows) else None
