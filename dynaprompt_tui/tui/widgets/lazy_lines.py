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

A line can hang (`Hanging`): a list item's text wraps under its text, not under its bullet, and
every row of a quote has its bar, as Textual's `Markdown` draws them (its bullet and its text
are two widgets side by side). A text selection is drawn here too (`selected_row`), a line at a
time as Textual does it for the whole text, so a selected row is where it was.
"""

from __future__ import annotations

from bisect import bisect_right
from dataclasses import dataclass, field, replace
from typing import TYPE_CHECKING, Self

from rich.segment import Segment
from rich.style import Style as RichStyle
from textual.content import Content, Span
from textual.strip import Strip

if TYPE_CHECKING:
    from collections.abc import Callable

    from textual.css.styles import RulesMap
    from textual.selection import Selection
    from textual.style import Style


def under(content: Content, fill: str | None) -> Content:
    """`content` with `fill` (a background) under its own styles."""
    return content.stylize_before(fill) if fill else content


def filled(content: Content, fills: tuple[str, ...]) -> Content:
    """`content` on `fills` (backgrounds, outermost first), under its own styles."""
    for fill in reversed(fills):
        content = under(content, fill)
    return content


@dataclass(frozen=True, slots=True)
class Hanging:
    """A line drawn in a frame: `lead` before its first row (a bullet), `rest` (as wide) before
    the others (the indentation, a quote's bar), `tail` after each (a quote's padding); `body`
    wrapped in the width left. `fill`: the styles (backgrounds: a quote's, a code block's),
    outermost first, of the cells between a row's text and its tail. `restyle`: the body's
    text in styles too costly to work out before it is drawn (a code line's syntax colours),
    asked for when the line is first drawn and drawn on `fill`; `body` until then."""

    lead: Content
    rest: Content
    body: Content
    tail: Content = field(default_factory=Content)
    fill: tuple[str, ...] = ()
    restyle: Callable[[], Content] | None = None

    def within(
        self,
        lead: Content,
        rest: Content,
        tail: Content,
        fill: str | None = None,
        join: Callable[[Content, Content], Content] | None = None,
    ) -> Hanging:
        """This line inside another frame (a list item in a quote...), under its `fill`.
        `join(outer, inner)`: the two prefixes as one, on `fill` (markdown_layout.framed makes
        each once per reply)."""
        if join is None:

            def join(outer: Content, inner: Content) -> Content:
                return under(outer + inner, fill)

        return Hanging(
            join(lead, self.lead),
            join(rest, self.rest),
            under(self.body, fill),
            join(self.tail, tail),
            (fill, *self.fill) if fill else self.fill,
            self.restyle,
        )

    def room(self, width: int) -> int:
        """How many columns of `width` its body wraps in (one at least)."""
        return max(width - self.lead.cell_length - self.tail.cell_length, 1)

    @property
    def whole(self) -> Content:
        """The line as text (its first row's prefix, then its body): what a selection copies."""
        return self.lead + self.body

    def drawn(self) -> Content:
        """The body as it is drawn (restyled, if it is)."""
        return self.body if self.restyle is None else filled(self.restyle(), self.fill)


@dataclass(frozen=True, slots=True)
class Frame:
    """A `Hanging` line's frame, for a block drawn for a width (a table, a rule, a centred
    heading) in a list or a quote: its lines fit the width it leaves (`room`)."""

    lead: Content = field(default_factory=Content)
    rest: Content = field(default_factory=Content)
    tail: Content = field(default_factory=Content)
    fill: tuple[str, ...] = ()

    def within(self, lead: Content, rest: Content, tail: Content, fill: str | None = None) -> Frame:
        line = Hanging(self.lead, self.rest, Content(), self.tail, self.fill)
        line = line.within(lead, rest, tail, fill)
        return Frame(line.lead, line.rest, line.tail, line.fill)

    def room(self, width: int) -> int:
        return width - self.lead.cell_length - self.tail.cell_length

    def around(self, lines: list[Content]) -> list[Line]:
        """`lines` in this frame, each a row."""
        if not (self.lead.cell_length or self.tail.cell_length or self.fill):
            return list(lines)
        return [
            Hanging(
                self.rest if n else self.lead,
                self.rest,
                filled(line, self.fill),
                self.tail,
                self.fill,
            )
            for n, line in enumerate(lines)
        ]


class Framed:
    """A block drawn for a width, in a `frame` (a table, a rule, a centred heading)."""

    frame: Frame

    def within(self, lead: Content, rest: Content, tail: Content, fill: str | None) -> Self:
        """The block in a list or a quote."""
        # (every Framed is a dataclass: Table, Rule, Centred)
        return replace(self, frame=self.frame.within(lead, rest, tail, fill))  # type: ignore[type-var]


Line = Content | Hanging


def whole(line: Line) -> Content:
    return line.whole if isinstance(line, Hanging) else line


def _numbered(strip: Strip, y: int, dx: int = 0, at: int | None = None) -> Strip:
    """`strip` with the line number its selection offsets carry set to `y`, their column moved
    `dx` to the right (a hanging line's body comes after its prefix), or set to `at` (the
    blank after a line's text: its end)."""
    if y == 0 and dx == 0 and at is None:
        return strip
    segments: list[Segment] = []
    for text, style, control in strip:
        if style is not None and "offset" in (meta := style.meta):
            x = meta["offset"][0] + dx if at is None else at
            style += RichStyle.from_meta({"offset": (x, y)})
        segments.append(Segment(text, style, control))
    return Strip(segments, strip.cell_length)


def _span(line: Content, start: int, end: int, style: Style) -> Content:
    """`line` with `style` from `start` to `end` (clipped to it; -1: its end)."""
    end = len(line.plain) if end == -1 else min(end, len(line.plain))
    start = max(start, 0)
    return line.stylize(style, start, end) if start < end else line


class LazyLines:
    """The rows of a text at one width: how many, and each on demand."""

    def __init__(
        self,
        lines: list[Line],
        width: int,
        rules: RulesMap,
        render: Callable[[Content, int], list[Strip]],
        restyled: bool = True,
    ) -> None:
        self.lines = lines  # the text split at its newlines
        self.width = width
        self.restyled = restyled  # False: lines with a `restyle` drawn in their plain styles
        self._plain = False  # one was
        # (a line of text, a width): its rows, as Textual renders them, selection not applied
        self._render = render
        self._drawn: dict[int, list[Strip]] = {}  # the rows of the lines rendered so far
        # Bullets, bars, indents: a handful, rendered once. (By text and styles: a Content is
        # equal to another with the same text.)
        self._prefixes: dict[tuple[str, tuple[Span, ...]], Strip] = {}
        self.starts: list[int] = []  # the first row of each line
        total = 0
        if width > 0:  # (Textual draws nothing at no width)
            pad = rules.get("line_pad", 0)
            for index, line in enumerate(lines):
                self.starts.append(total)
                text, room = self._room(line)
                if "\t" in text.plain:  # (Textual's count of a line with tabs, made without
                    total += len(self._rows(index))  # its styles, can be a row short: rendered)
                elif text.cell_length + 2 * pad <= room:
                    total += 1  # fits: one row (the common case, and far cheaper than asking)
                else:
                    total += text.get_height(rules, room)
        self.height = total

    def _room(self, line: Line) -> tuple[Content, int]:
        """What of `line` is wrapped, and in how many columns."""
        if isinstance(line, Hanging):
            return line.body, line.room(self.width)
        return line, self.width

    def _draw(self, line: Line, index: int) -> list[Strip]:
        if not isinstance(line, Hanging):
            return [_numbered(strip, index) for strip in self._render(line, self.width)]
        room = line.room(self.width)
        rows = self._render(self._body(line), room)
        indent = line.lead.cell_length
        lead, rest = (_numbered(self._prefix(p), index) for p in (line.lead, line.rest))
        out = []
        for n, strip in enumerate(rows or [Strip([])]):
            row = [lead if n == 0 else rest, _numbered(strip, index, indent)]
            if line.tail or line.fill:  # (filled to the tail: a quote's background)
                blank = filled(Content(" " * max(room - strip.cell_length, 0)), line.fill)
                end = len(line.whole.plain)
                row += [_numbered(self._prefix(blank + line.tail), index, at=end)]
            out.append(Strip.join(row))
        return out

    def _body(self, line: Hanging) -> Content:
        if self.restyled:
            return line.drawn()
        self._plain = self._plain or line.restyle is not None
        return line.body

    def restyle(self) -> bool:
        """Draw lines restyled from now on; True if one was drawn plain (to be drawn again)."""
        self.restyled = True
        if not self._plain:
            return False
        self._plain = False
        self._drawn.clear()
        return True

    def _prefix(self, prefix: Content) -> Strip:
        key = (prefix.plain, tuple(prefix.spans))
        strip = self._prefixes.get(key)
        if strip is None:
            rows = self._render(prefix, prefix.cell_length) if prefix.cell_length else []
            strip = self._prefixes[key] = rows[0] if rows else Strip([])
        return strip

    def _rows(self, index: int) -> list[Strip]:
        rows = self._drawn.get(index)
        if rows is None:
            rows = self._drawn[index] = self._draw(self.lines[index], index)
        return rows

    def _at(self, y: int) -> tuple[int, int] | None:
        """(the line row `y` is in, which of its rows)."""
        if not 0 <= y < self.height:
            return None
        index = bisect_right(self.starts, y) - 1
        return index, y - self.starts[index]

    def row(self, y: int) -> Strip | None:
        """Row `y`, its line rendered the first time it is asked for; None past the end."""
        if (at := self._at(y)) is None:
            return None
        rows = self._rows(at[0])
        return rows[at[1]] if at[1] < len(rows) else None

    def selected_row(self, y: int, selection: Selection, style: Style) -> Strip | None:
        """Row `y` with the part of `selection` on its line in `style` (not kept: a selection
        changes as the mouse moves)."""
        if (at := self._at(y)) is None:
            return None
        index, k = at
        span = selection.get_span(index)
        if span is None:
            return self.row(y)
        start, end = span
        line = self.lines[index]
        if isinstance(line, Hanging):
            n = len(line.lead.plain)
            body = _span(self._body(line), start - n, end if end == -1 else end - n, style)
            lead = _span(line.lead, start, n if end == -1 else end, style)
            line = Hanging(lead, line.rest, body, line.tail, line.fill)
        else:
            line = _span(line, start, end, style)
        rows = self._draw(line, index)
        return rows[k] if k < len(rows) else None
