"""A bot message read from history: header and Markdown in ONE widget, as lines of styled text.

Textual's `Markdown` widget builds a tree of block widgets per message (styled, laid out and
painted one by one); a screenful of them made start-up 3x slower than a minimal app, and every
page of history scrolled into view paid the same again. A reply that has finished streaming
never changes, so the chat shows history with this instead: markdown-it parses the text (the
parser Textual uses) and the blocks become lines of styled text, laid out as the `Markdown`
widget lays them out (markdown_layout.py: spacing, bullets, numbers, quotes, code; tables boxed:
markdown_table.py), inline text styled as it styles it. Streaming replies keep the `Markdown`
widget (bot_message.py).

Loaded with the first bot message from history (message_factory.py). Most replies are read by
markdown_lite.py, which makes the same tokens for the Markdown replies commonly use; markdown-it
is loaded for the first reply beyond it.
"""

from __future__ import annotations

import re
from functools import lru_cache
from typing import TYPE_CHECKING

from textual.content import Content, Span

from dynaprompt_tui.tui.widgets import markdown_colours as colours
from dynaprompt_tui.tui.widgets import markdown_lite
from dynaprompt_tui.tui.widgets.lazy_lines import Hanging, Line, whole
from dynaprompt_tui.tui.widgets.markdown_layout import (
    PLAIN,
    Centred,
    Look,
    Part,
    Rule,
    bottom_margin,
    layout,
    top_margin,
)
from dynaprompt_tui.tui.widgets.markdown_table import Table
from dynaprompt_tui.tui.widgets.message import PlainMessage, body
from dynaprompt_tui.tui.widgets.safe import clean

if TYPE_CHECKING:
    from collections.abc import Sequence

    from markdown_it import MarkdownIt
    from markdown_it.token import Token
    from textual.widget import Widget

    from dynaprompt_tui.tui.widgets.markdown_lite import Tok

INLINE = {
    "em": "italic",
    "strong": "bold",
    "s": "strike",
    "link": "underline",
}
CODE = colours.CODE_INLINE


@lru_cache(maxsize=1)
def _parser() -> MarkdownIt:
    # Loaded for the first reply the small reader (markdown_lite.py) leaves to it.
    from markdown_it import MarkdownIt

    # CommonMark with tables and strikethrough: "gfm-like" less linkify, whose regexes cost
    # ~20 ms on first use (a bare URL stays text).
    return MarkdownIt("commonmark").enable(["table", "strikethrough"])


_SPACES = re.compile(r"\s+")


def _heading_style(level: int) -> str:
    style = {1: "bold", 2: "underline", 4: "bold", 6: "underline"}.get(level, "")
    return f"$markdown-h{level}-color {style}".strip()


def _inline(token: Token | Tok) -> Content:
    """The text of an inline token, styled like Textual's MarkdownBlock does."""
    text: list[str] = []
    spans: list[Span] = []
    stack: list[tuple[str, int]] = []
    position = 0

    def add(part: str) -> None:
        nonlocal position
        text.append(part)
        position += len(part)

    for child in token.children or []:
        kind = child.type
        if kind == "text":
            add(_SPACES.sub(" ", child.content))
        elif kind == "hardbreak":
            add("\n")
        elif kind == "softbreak":
            add(" ")
        elif kind == "code_inline":
            spans.append(Span(position, position + len(child.content), CODE))
            add(child.content)
        elif kind == "image":
            add(f"🖼  ({child.attrs.get('alt') or child.content})")
        elif kind == "html_inline":
            add(child.content)
        elif kind.endswith("_open"):
            stack.append((INLINE.get(kind.removesuffix("_open"), ""), position))
        elif kind.endswith("_close") and stack:
            style, start = stack.pop()
            if style:
                spans.append(Span(start, position, style))
    return Content("".join(text), spans=spans)


def markdown_content(source: str, *, lite: bool = True, width: int | None = None) -> Content:
    """`source` as one styled text, its blocks laid out as Textual's `Markdown` lays them out,
    its lines wrapped at `width` (None: not wrapped, tables as wide as their cells need): what
    the tests compare with Textual's drawing and with markdown-it's reading. `lite=False`: read
    by markdown-it even when the small reader could."""
    lines = markdown_lines(source, lite=lite, width=width)
    if width is not None:
        lines = [row for line in lines for row in wrapped(line, width)]
    return Content("\n").join(whole(line) for line in lines)


def wrapped(line: Line, width: int) -> list[Content]:
    """`line` as rows `width` cells wide, wrapped as Textual wraps it (a hanging line in the
    width its frame leaves, its frame's padding and tail left out)."""
    if not isinstance(line, Hanging):
        return line.wrap(width) or [line]
    rows = line.body.wrap(line.room(width)) or [line.body]
    return [(line.lead if n == 0 else line.rest) + row for n, row in enumerate(rows)]


def markdown_lines(source: str, *, lite: bool = True, width: int | None = None) -> list[Line]:
    """The lines of a reply for `width`, built as lines: a long reply is drawn a line at a time
    (lazy_lines.py), and joining it only to split it again cost its start-up ~10 ms."""
    return at_width(markdown_parts(source, lite=lite), width)


def at_width(parts: list[Part], width: int | None) -> list[Line]:
    """`markdown_parts` as lines, its tables and rules drawn `width` cells wide."""
    lines: list[Line] = []
    for part in parts:
        if isinstance(part, Table | Rule | Centred):  # (asked first: Content's check is slow)
            lines += part.lines(width)
        else:
            lines.append(part)
    return lines


def _tokens(source: str, lite: bool = True) -> Sequence[Token | Tok]:
    tokens: Sequence[Token | Tok] | None = markdown_lite.tokens(source) if lite else None
    if tokens is None:  # beyond the small reader: markdown-it
        tokens = _parser().parse(source)
    return tokens


def markdown_parts(source: str, *, lite: bool = True, look: Look = PLAIN) -> list[Part]:
    """The lines of a reply, but what depends on the width (tables, rules, a centred heading)
    left whole, to be drawn for a width (`at_width`); `look`: what the theme decides."""
    return _laid_out(_tokens(source, lite), look)


def _laid_out(tokens: Sequence[Token | Tok], look: Look) -> list[Part]:
    return layout(tokens, _inline, _heading_style, look) or [Content("")]


def margin_above(source: str, look: Look = PLAIN) -> int:
    """The blank rows Textual's `Markdown` puts above the first block of `source`."""
    return top_margin(_tokens(source), look)


def parts_and_margin_below(source: str, look: Look = PLAIN) -> tuple[list[Part], int]:
    """`markdown_parts(source)` and the blank rows Textual's `Markdown` puts below its last
    block, from one reading of it."""
    tokens = _tokens(source)
    return _laid_out(tokens, look), bottom_margin(tokens, look)


def look_of(widget: Widget) -> Look:
    """What the app's theme decides of a reply's look (markdown_layout.Look)."""
    return Look.of(widget.app.native_ansi_color, widget.app.current_theme.dark)


class MarkdownMessage(PlainMessage):
    """A bot message from history: its header and its Markdown, rendered, in one widget."""

    FROM_HISTORY = True

    # Its Markdown read for a look, what depends on the width left whole.
    _parts: tuple[Look, list[Part]] | None = None

    def lines_at(self, width: int | None) -> list[Line]:
        look = look_of(self)
        if self._parts is None or self._parts[0] != look:
            self._parts = (look, markdown_parts(clean(body(self.message)), look=look))
        return [self.header(), *at_width(self._parts[1], width)]

    def _forget(self) -> None:
        super()._forget()
        self._parts = None
