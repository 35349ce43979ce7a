"""A Markdown table drawn as lines of styled text, as Textual's `Markdown` lays it out.

A reply from history is one widget of styled text (markdown_message.py); while it streamed,
Textual's `Markdown` drew its tables: a grid of a widget per cell, with thin keylines between
them. Loading and mounting that for a reply in view cost start-up ~75 ms, so its tables are
drawn here instead, to the same text: columns as wide as their widest cell plus a space each
side, then stretched (or shrunk, no narrower than their longest word) in proportion to fill the
width, as Textual's grid (`expand` and `shrink`, the floor of the running sum); a cell's text
wrapped to its column, a longer word cut with an ellipsis; header cells at the bottom of their
row, the others at the top; in a list or a quote, under its bullet or bar, in the width left
(a quote leaves a column on the right). tests/tui/test_table_replies.py compares the text with
Textual's drawing of random tables at widths from 20 columns (narrower, Textual's own columns
overlap) and of tables in lists and quotes.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from fractions import Fraction
from itertools import accumulate

from rich.cells import cell_len
from textual.content import Content

from dynaprompt_tui.tui.widgets.lazy_lines import Frame, Framed, Line, under
from dynaprompt_tui.tui.widgets.markdown_colours import TABLE_FILL

RULE = "$foreground 20%"  # the keylines (Textual: `keyline: thin $foreground 20%`)
HEADER = "$primary"  # a header cell's text
PAD = 2  # a space each side of a cell's text


def column_widths(natural: list[int], minimums: list[int], total: int) -> list[int]:
    """The columns' widths in `total` cells with a gutter of one between columns: Textual's
    grid `resolve` with expand and shrink."""
    gutter = len(natural) - 1
    space = Fraction(total - gutter)
    widths = [Fraction(n) for n in natural]
    used = sum(widths, Fraction(0))
    if used and space > used:  # stretched in proportion
        widths = [w + Fraction(w, used) * (space - used) for w in widths]
    excess = used - space
    if used and excess > 0:  # shrunk: no narrower than its minimum first, then in proportion
        for index, (minimum, width) in enumerate(zip(minimums, widths, strict=True)):
            removed = max(Fraction(width, used), Fraction(1)) * excess
            narrower = max(Fraction(minimum), width - removed)
            widths[index] = narrower
            used = used - width + narrower
            excess = used - space
            if excess <= 0:
                break
        used = sum(widths, Fraction(0))
        excess = used - space
        if excess > 0:
            widths = [w - Fraction(w, used) * excess for w in widths]
    edges = [0] + [
        value.__floor__() for value in accumulate(v for w in widths for v in (w, Fraction(1)))
    ]
    return [end - start for start, end in zip(edges[::2], edges[1::2], strict=False)]


@dataclass
class Table(Framed):
    """A table's header cells and rows of cells, each cell's inline text styled."""

    headers: list[Content]
    rows: list[list[Content]]
    frame: Frame = field(default_factory=Frame)  # in a list or a quote: its bullet, its bar

    def lines(self, width: int | None) -> list[Line]:
        """The table drawn in `width` cells (None: as wide as its cells need)."""
        return self.frame.around(self._drawn(None if width is None else self.frame.room(width)))

    def _drawn(self, width: int | None) -> list[Content]:
        rows = [self.headers, *self.rows]
        count = len(self.headers)
        rows = [(row + [Content("")] * count)[:count] for row in rows]
        natural = [max(row[c].cell_length for row in rows) + PAD for c in range(count)]
        minimums = [max(_longest_word(row[c]) + PAD for row in rows) for c in range(count)]
        total = sum(natural) + count - 1 if width is None else width - 2  # (inside the frame)
        widths = column_widths(natural, minimums, total)
        out = [_rule("┌", "┬", "┐", widths)]
        for n, row in enumerate(rows):
            if n:
                out.append(_rule("├", "┼", "┤", widths))
            out.extend(_row(row, widths, header=n == 0))
        out.append(_rule("└", "┴", "┘", widths))
        return [under(row, TABLE_FILL) for row in out]  # (a background on a light theme)


def _longest_word(cell: Content) -> int:
    return max((cell_len(word) for word in cell.plain.split()), default=0)


def _rule(left: str, middle: str, right: str, widths: list[int]) -> Content:
    text = left + middle.join("─" * w for w in widths) + right
    return Content(text).stylize(RULE)


def _row(cells: list[Content], widths: list[int], *, header: bool) -> list[Content]:
    wrapped = [
        cell.wrap(max(width - PAD, 1), overflow="ellipsis") if width > PAD else [Content("")]
        for cell, width in zip(cells, widths, strict=True)
    ]
    height = max(len(lines) for lines in wrapped)
    bar = Content("│").stylize(RULE)
    out: list[Content] = []
    for y in range(height):
        parts: list[Content] = [bar]
        for lines, width in zip(wrapped, widths, strict=True):
            top = height - len(lines) if header else 0  # (header cells sit at the bottom)
            line = lines[y - top] if 0 <= y - top < len(lines) else Content("")
            if header:
                line = line.stylize(HEADER)
            parts += [(Content(" ") + line).truncate(width, pad=True), bar]
        out.append(Content("").join(parts))
    return out
