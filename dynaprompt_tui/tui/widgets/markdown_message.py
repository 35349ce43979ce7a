"""A bot message read from history: header and Markdown in ONE widget, as lines of styled text.

Textual's `Markdown` widget builds a tree of block widgets per message (styled, laid out and
painted one by one); a screenful of them made start-up 3x slower than a minimal app, and every
page of history scrolled into view paid the same again. A reply that has finished streaming
never changes, so the chat shows history with this instead: markdown-it parses the text (the
parser Textual uses) and the blocks become lines of styled text, looking as
the `Markdown` widget draws them (bullets, headings in the theme's markdown colours, inline
code, fences set off, tables boxed: markdown_table.py). Streaming replies keep the `Markdown`
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

from dynaprompt_tui.tui.widgets import markdown_lite
from dynaprompt_tui.tui.widgets.markdown_table import Table, prefixed
from dynaprompt_tui.tui.widgets.message import PlainMessage, body
from dynaprompt_tui.tui.widgets.safe import clean

if TYPE_CHECKING:
    from collections.abc import Sequence

    from markdown_it import MarkdownIt
    from markdown_it.token import Token

    from dynaprompt_tui.tui.widgets.markdown_lite import Tok

BULLETS = ["• ", "▪ ", "‣ ", "⭑ ", "◦ "]  # as Textual's Markdown, by depth
INLINE = {
    "em": "italic",
    "strong": "bold",
    "s": "strike",
    "link": "underline",
}
CODE = "$text-warning 95% on $warning 10%"
FENCE = "$text-muted"
QUOTE = "$text-muted"


@lru_cache(maxsize=1)
def _parser() -> MarkdownIt:
    # Loaded for the first reply the small reader (markdown_lite.py) leaves to it.
    from markdown_it import MarkdownIt

    # CommonMark with tables and strikethrough: "gfm-like" less linkify, whose regexes cost
    # ~20 ms on first use (a bare URL stays text).
    return MarkdownIt("commonmark").enable(["table", "strikethrough"])


# The rule under a table's header row.
_TABLE_RULE = re.compile(r"^[ \t]*[|:-]*-[ \t|:-]*$", re.MULTILINE)


def has_table(source: str) -> bool:
    """Whether Markdown `source` may hold a table: while a reply streams, its finished blocks
    with a table are set aside for Textual's `Markdown` to draw (bot_message.py)."""
    return any("|" in m.group() for m in _TABLE_RULE.finditer(source))


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
            add(re.sub(r"\s+", " ", child.content))
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
    """`source` as styled text: one block after another, a blank line between blocks; its tables
    drawn `width` cells wide (None: as wide as their cells need). `lite=False`: read by
    markdown-it even when the small reader could (the tests compare)."""
    return Content("\n").join(markdown_lines(source, lite=lite, width=width))


def markdown_lines(source: str, *, lite: bool = True, width: int | None = None) -> list[Content]:
    """The lines of `markdown_content`, built as lines: a long reply is drawn a line at a time
    (lazy_lines.py), and joining it only to split it again cost its start-up ~10 ms."""
    return at_width(markdown_parts(source, lite=lite), width)


def at_width(parts: list[Content | Table], width: int | None) -> list[Content]:
    """`markdown_parts` as lines, its tables drawn `width` cells wide."""
    lines: list[Content] = []
    for part in parts:
        if isinstance(part, Table):
            lines += part.lines(width)
        else:
            lines.append(part)
    return lines


def markdown_parts(source: str, *, lite: bool = True) -> list[Content | Table]:
    """The lines of `markdown_content`, but a table at the top level left whole: how wide it is
    drawn depends on the width (markdown_table.py)."""
    blocks: list[list[Content | Table]] = []  # the lines of each block
    prefix: list[str] = []  # the indentation (and quote bars) of the blocks being read
    lists: list[list[int]] = []  # per open list: [next number, or -1 when bulleted]
    pending = ""  # a list item's bullet, put in front of its first line
    tight = 0  # how many lists are open: their blocks are not separated by blank lines
    last_in_list = False
    table: Table | None = None  # the table being read
    header = False  # its cells being read are header cells

    def put(content: Content | Table | list[Content]) -> None:
        """Add a block: text, a table, or lines already split."""
        nonlocal pending, last_in_list
        lead = "".join(prefix)
        if pending:  # the first line of a list item: its bullet in place of the indentation
            lead = lead[: len(lead) - len(pending)] + pending
            pending = ""
        rest = "".join(prefix)
        out: list[Content | Table]
        if isinstance(content, Table):  # (drawn for a width later, under its bullet or bar)
            content.lead, content.rest, content.margin = lead, rest, prefix.count("▌ ")
            out = [content]
        else:
            if isinstance(content, list):
                lines = content
            else:  # (a block at the top level keeps a last blank line)
                lines = content.split("\n", allow_blank=not (lead or rest))
            out = list(prefixed(lines, lead, rest))
        if tight and last_in_list and blocks:  # list items follow each other line by line
            blocks[-1].extend(out)
        else:
            blocks.append(out)
        last_in_list = bool(tight)

    tokens: Sequence[Token | Tok] | None = markdown_lite.tokens(source) if lite else None
    if tokens is None:  # beyond the small reader: markdown-it
        tokens = _parser().parse(source)
    for i, token in enumerate(tokens):
        kind = token.type
        if kind in ("bullet_list_open", "ordered_list_open"):
            start = int(token.attrs.get("start", 1) or 1) if kind == "ordered_list_open" else -1
            lists.append([start])
            tight += 1
        elif kind in ("bullet_list_close", "ordered_list_close"):
            lists.pop()
            tight -= 1
        elif kind == "list_item_open":
            number = lists[-1][0]
            if number < 0:
                pending = BULLETS[(len(lists) - 1) % len(BULLETS)]
            else:
                pending = f"{number}. "
                lists[-1][0] += 1
            prefix.append(" " * len(pending))
        elif kind == "list_item_close":
            prefix.pop()
        elif kind == "blockquote_open":
            prefix.append("▌ ")
        elif kind == "blockquote_close":
            prefix.pop()
        elif kind == "table_open":
            table = Table([], [])
        elif kind == "table_close" and table is not None:
            put(table)
            table = None
        elif kind in ("thead_open", "thead_close"):
            header = kind == "thead_open"
        elif kind == "tr_open" and table is not None and not header:
            table.rows.append([])
        elif kind == "inline" and table is not None:  # a cell
            (table.headers if header else table.rows[-1]).append(_inline(token))
        elif kind == "inline":
            opener = tokens[i - 1] if i else None
            content = _inline(token)
            if opener is not None and opener.type == "heading_open":
                content = content.stylize(_heading_style(int(opener.tag[1:])))
            elif "▌ " in prefix:
                content = content.stylize(QUOTE)
            put(content)
        elif kind in ("fence", "code_block"):
            code = token.content.rstrip("\n").split("\n")  # every line set off by two spaces
            put(
                [
                    Content(f"  {line}", [Span(2, 2 + len(line), FENCE)] if line else [])
                    for line in code
                ]
            )
        elif kind == "hr":
            put(Content("─" * 24, spans=[Span(0, 24, "$secondary")]))
        elif kind == "html_block":
            put(Content(token.content.rstrip("\n")))
    parts: list[Content | Table] = []
    for n, block in enumerate(blocks):
        if n:
            parts.append(Content(""))  # (the blank line between blocks)
        parts.extend(block)
    return parts or [Content("")]


class MarkdownMessage(PlainMessage):
    """A bot message from history: its header and its Markdown, rendered, in one widget."""

    FROM_HISTORY = True

    _parts: list[Content | Table] | None = None  # its Markdown read (tables left whole)

    def lines_at(self, width: int | None) -> list[Content]:
        if self._parts is None:
            self._parts = markdown_parts(clean(body(self.message)))
        self._content = None  # (the whole text, for a selection: its tables at this width)
        return [self.header(), *at_width(self._parts, width)]

    def text(self) -> Content:
        return Content("\n").join(self.lines_at(self.size.width or None))

    def _forget(self) -> None:
        super()._forget()
        self._parts = None
