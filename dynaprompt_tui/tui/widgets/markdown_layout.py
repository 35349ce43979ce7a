"""Markdown's blocks laid out as Textual's `Markdown` widget lays them out, as lines of text.

While a reply streams, Textual's `Markdown` draws it: a widget per block, spaced by their CSS
margins (the larger of two neighbours' margins between them, a container's first and last
margins inside it), a list item's bullet beside a column of its blocks, a quote's blocks inside
its bar and padding. A reply from history is one widget of lines (markdown_message.py); they are
laid out here by the same rules, so the reply looks the same after a restart, row for row:

* a paragraph at the top level is followed by a blank line, one in a list or a quote is not;
* headings: two blank lines above the first two levels, one above the others, one below;
  a top heading centred;
* lists: numbers right-aligned to the widest (`` 9.`` above ``10.``), bullets by how many
  bulleted items they are in; a list item's text wraps under its text (lazy_lines.Hanging);
  a list ends with a blank line unless it is inside another list;
* quotes: a blank line above and below, a bar before every row, a column kept on the right,
  a background (lazy_lines.Hanging's fill);
* code: a blank line above and below, and one inside each side; its lines set off by two
  columns each side, on a background, its syntax coloured as Textual colours it (`Code`)
  (Textual cuts a long code line at the edge; here it wraps, under itself); on an ANSI theme
  neither the lines above and below nor the columns (`Look`);
* a rule: a blank line, the rule across the width, a blank line; a table: a blank line below.

(Textual's class and CSS: `MarkdownParagraph`, `MarkdownHeader`, `MarkdownBulletList`,
`MarkdownOrderedList`, `MarkdownBlockQuote`, `MarkdownFence`, `MarkdownHorizontalRule`,
`MarkdownTable`.) tests/tui/test_history_looks_live.py streams replies through the app and
compares the screen after a restart.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from functools import partial
from typing import TYPE_CHECKING

from rich.cells import cell_len
from textual.content import Content, Span

from dynaprompt_tui.tui.widgets import markdown_colours as colours
from dynaprompt_tui.tui.widgets.lazy_lines import Frame, Framed, Hanging, Line, under
from dynaprompt_tui.tui.widgets.markdown_table import Table

if TYPE_CHECKING:
    from collections.abc import Callable, Sequence

    from markdown_it.token import Token

    from dynaprompt_tui.tui.widgets.markdown_lite import Tok

BULLETS = ["• ", "▪ ", "‣ ", "⭑ ", "◦ "]  # as Textual's Markdown, by depth
BULLET = colours.BULLET  # (the colours that change with the theme: markdown_colours.py)
BAR = Content.styled("▌", colours.BAR) + " "  # a quote's border and padding
QUOTE = "on $boost"  # a quote's background
CODE_FILL = colours.CODE_FILL  # a code block's (Textual's `MarkdownFence`)
FENCE = "$text-muted"
RULE = "$secondary"
# Margins above and below a block, as Textual's CSS gives them (paragraphs and lists: below, at
# the top level only; a rule: below).
HEADING_MARGINS = {1: (2, 1), 2: (2, 1)}  # by level; the others (1, 1)
QUOTE_MARGINS = CODE_MARGINS = (1, 1)
_PAD = Content(" ")
_EMPTY = Content()
_CODE_PAD = under(Content("  "), CODE_FILL)  # (two columns each side of the code)


@dataclass(frozen=True, slots=True)
class Look:
    """What of a reply's layout and code colours the theme decides: on an ANSI theme Textual's
    `MarkdownFence` has no margin above and below and no columns each side of its lines, and
    colours the syntax with its ANSI highlight theme, dark or light (its `:ansi` rules)."""

    ansi: bool = False
    dark: bool = True  # (only read on an ANSI theme)

    @classmethod
    def of(cls, ansi: bool, dark: bool) -> Look:
        return cls(ansi, dark or not ansi)  # (the other themes all look alike here)

    @property
    def code_margins(self) -> tuple[int, int]:
        return (0, 0) if self.ansi else CODE_MARGINS

    @property
    def code_pad(self) -> Content:
        return _EMPTY if self.ansi else _CODE_PAD


PLAIN = Look()  # every theme but the ANSI ones


class Code:
    """A code block's lines in the colours Textual's `MarkdownFence` gives its syntax (its
    `highlight`), worked out when a line of the block is first drawn: pygments and a lexer
    (~30 ms to load) and the lexing wait until a code block is in view."""

    __slots__ = ("_lines", "code", "language", "look")

    def __init__(self, code: str, language: str, look: Look = PLAIN) -> None:
        self.code = code
        self.language = language
        self.look = look
        self._lines: list[Content] | None = None

    def line(self, at: int, text: str) -> Content:
        """Line `at` (`text`) coloured, or uncoloured if it cannot be (a tab: the lexer expands
        them). An unknown language is coloured as text, as Textual does."""
        if self._lines is None:
            try:
                from textual import highlight as hl

                theme = hl.HighlightTheme
                if self.look.ansi:  # (as Textual's `MarkdownFence.highlight` picks it)
                    dark = self.look.dark
                    theme = hl.ANSIDarkHighlightTheme if dark else hl.ANSILightHighlightTheme
                coloured = hl.highlight(self.code, language=self.language or None, theme=theme)
                self._lines = coloured.split("\n", allow_blank=True)
            except Exception:  # (a lexer's failure costs the colours, not the reply)
                self._lines = []
        if at < len(self._lines) and self._lines[at].plain == text:
            return self._lines[at]
        return Content.styled(text, FENCE)


def _code(line: str, pad: Content, block: Code | None = None, at: int = 0) -> Hanging:
    """Line `at` of a code block (None: a blank row around it), on its background."""
    spans = [Span(0, len(line), CODE_FILL), Span(0, len(line), FENCE)] if line else []
    restyle = None if block is None or not line else partial(block.line, at, line)
    return Hanging(pad, pad, Content(line, spans), pad, (CODE_FILL,), restyle)


@dataclass
class Rule(Framed):
    """A horizontal rule, as wide as the width left."""

    frame: Frame = field(default_factory=Frame)

    def lines(self, width: int | None) -> list[Line]:
        room = 24 if width is None else max(self.frame.room(width), 0)
        return self.frame.around([Content.styled("─" * room, RULE)])


@dataclass
class Centred(Framed):
    """A line centred in the width left (a top heading), wrapped there when longer."""

    body: Content
    frame: Frame = field(default_factory=Frame)

    def lines(self, width: int | None) -> list[Line]:
        room = None if width is None else self.frame.room(width)
        if room is None or room < 1 or self.body.cell_length > room:
            return self.frame.around([self.body])  # (wrapped as it is drawn: not centred)
        return self.frame.around([Content(" " * ((room - self.body.cell_length) // 2)) + self.body])


Part = Content | Hanging | Table | Rule | Centred  # a line, or a block drawn for a width


# (outer prefix, inner prefix, fill) by identity -> (outer, inner, the two joined): the pair kept
# alive with it, so that an id is not reused while it is a key.
_Shared = dict[tuple[int, int, str | None], tuple[Content, Content, Content]]


def framed(
    parts: list[Part],
    lead: Content,
    rest: Content,
    tail: Content,
    fill: str | None = None,
    shared: _Shared | None = None,
) -> list[Part]:
    """`parts` in a frame: `lead` before the first row (a bullet), `rest` before the others,
    `tail` after each; `fill` (a background) under all of it. Prefixes are joined once per
    reply (`shared`): a reply's lines stay in memory while it is shown."""
    made: _Shared = {} if shared is None else shared

    def joined(outer: Content, inner: Content) -> Content:
        if not fill and not (outer.plain and inner.plain):
            return outer if outer.plain else inner
        key = (id(outer), id(inner), fill)
        if (known := made.get(key)) is None:
            known = made[key] = (outer, inner, under(outer + inner, fill))
        return known[2]

    out: list[Part] = []
    for n, part in enumerate(parts):
        first = lead if n == 0 else rest
        if isinstance(part, Table | Rule | Centred):  # (asked first: Content's check is slow)
            out.append(part.within(first, rest, tail, fill))
            continue
        if not isinstance(part, Hanging):
            part = Hanging(_EMPTY, _EMPTY, part)
        out.append(part.within(first, rest, tail, fill, joined))
    return out


@dataclass
class Box:
    """A block's lines and its margins."""

    top: int
    bottom: int
    parts: list[Part]


def stacked(boxes: list[Box]) -> list[Part]:
    """Boxes one under another as Textual's vertical layout places them: between two, the larger
    of their margins; the first one's top margin and the last one's bottom margin inside."""
    parts: list[Part] = []
    for n, box in enumerate(boxes):
        gap = box.top if n == 0 else max(boxes[n - 1].bottom, box.top)
        parts += [Content("")] * gap + box.parts
    if boxes:
        parts += [Content("")] * boxes[-1].bottom
    return parts


@dataclass
class _Open:
    """A container being read: a list, a list item or a quote."""

    kind: str  # "bullet" | "ordered" | "item" | "quote"
    boxes: list[Box] = field(default_factory=list)  # (a list: one box per item)
    start: int = 1  # an ordered list's first number
    bullet: str = ""  # an item's bullet (a bulleted list's)
    bullets: list[str] = field(default_factory=list)  # a bulleted list's, per item


def _symbols(start: int, count: int) -> list[str]:
    """An ordered list's numbers as Textual draws them: right-aligned, a space before the
    widest."""
    width = max(len(f"{n}. ") for n in range(start, start + count)) + 1
    return [f"{n}. ".rjust(width) for n in range(start, start + count)]


def layout(
    tokens: Sequence[Token | Tok],
    inline: Callable[[Token | Tok], Content],
    heading: Callable[[int], str],
    look: Look = PLAIN,
) -> list[Part]:
    """The lines of a reply read into `tokens`; `inline` styles an inline token's text,
    `heading` gives a heading level's style, `look` what the theme decides. The last block's
    margin below is left out (the reply's widget ends there)."""
    stack: list[_Open] = []
    top: list[Box] = []
    table: Table | None = None
    header = False
    shared: _Shared = {}  # (the reply's prefixes: bullets, bars, indentation)
    prefixes: dict[str, tuple[Content, Content]] = {}  # a bullet or number: (lead, rest)

    def add(box: Box) -> None:
        (stack[-1].boxes if stack else top).append(box)

    def in_list() -> bool:
        return any(o.kind in ("bullet", "ordered") for o in stack)

    for i, token in enumerate(tokens):
        kind = token.type
        if kind in ("bullet_list_open", "ordered_list_open"):
            start = int(token.attrs.get("start", 1) or 1) if kind == "ordered_list_open" else 1
            stack.append(_Open(kind.split("_")[0], start=start))
        elif kind == "list_item_open":
            depth = sum(1 for o in stack if o.kind == "item" and o.bullet)
            bulleted = stack[-1].kind == "bullet"
            stack.append(_Open("item", bullet=BULLETS[depth % len(BULLETS)] if bulleted else ""))
        elif kind == "list_item_close":
            item = stack.pop()
            add(Box(0, 0, stacked(item.boxes) or [Content("")]))  # (an empty item: its bullet)
            stack[-1].bullets.append(item.bullet)
        elif kind in ("bullet_list_close", "ordered_list_close"):
            items = stack.pop()
            symbols = items.bullets
            if items.kind == "ordered":
                symbols = _symbols(items.start, len(items.boxes))
            parts: list[Part] = []
            for box, symbol in zip(items.boxes, symbols, strict=True):
                if (prefix := prefixes.get(symbol)) is None:
                    lead, rest = Content.styled(symbol, BULLET), Content(" " * cell_len(symbol))
                    prefix = prefixes[symbol] = (lead, rest)
                parts += framed(box.parts, *prefix, _EMPTY, None, shared)
            add(Box(0, 0 if in_list() else 1, parts))
        elif kind == "blockquote_open":
            stack.append(_Open("quote"))
        elif kind == "blockquote_close":
            quote = stack.pop()
            add(Box(*QUOTE_MARGINS, framed(stacked(quote.boxes), BAR, BAR, _PAD, QUOTE, shared)))
        elif kind == "table_open":
            table = Table([], [])
        elif kind == "table_close" and table is not None:
            add(Box(0, 1, [table]))
            table = None
        elif kind in ("thead_open", "thead_close"):
            header = kind == "thead_open"
        elif kind == "tr_open" and table is not None and not header:
            table.rows.append([])
        elif kind == "inline" and table is not None:  # a cell
            (table.headers if header else table.rows[-1]).append(inline(token))
        elif kind == "inline":
            opener = tokens[i - 1] if i else None
            content = inline(token)
            if opener is not None and opener.type == "heading_open":
                level = int(opener.tag[1:])
                content = content.stylize(heading(level))
                line: Part = Centred(content) if level == 1 else content
                add(Box(*HEADING_MARGINS.get(level, (1, 1)), [line]))
            else:
                lines: list[Part] = list(content.split("\n", allow_blank=True))
                add(Box(0, 0 if stack else 1, lines))
        elif kind in ("fence", "code_block"):
            text = token.content.rstrip()
            # The language: the info string's first word (CommonMark's; Textual takes it
            # whole, so "``` js" or "```python title" are not coloured while streaming).
            language = token.info.split(maxsplit=1)[0] if token.info.strip() else ""
            block = Code(text, language, look)  # (none for an indented block: guessed, as Textual)
            pad = look.code_pad
            lines = [_code(line, pad, block, n) for n, line in enumerate(text.split("\n"))]
            blank = _code("", pad)  # (a blank row each side)
            add(Box(*look.code_margins, [blank, *lines, blank]))
        elif kind == "hr":
            add(Box(0, 1, [Content(""), Rule()]))
    parts = stacked(top)
    if top and top[-1].bottom:
        del parts[-top[-1].bottom :]
    return parts


def top_margin(tokens: Sequence[Token | Tok], look: Look = PLAIN) -> int:
    """The margin above the first block: a block set aside while a reply streams is followed by
    the rest in another widget, and the margin between the two must be the larger of theirs,
    as it is within one (bot_message.py)."""
    if not tokens:
        return 0
    first = tokens[0]
    if first.type == "heading_open":
        return HEADING_MARGINS.get(int(first.tag[1:]), (1, 1))[0]
    if first.type == "blockquote_open":
        return QUOTE_MARGINS[0]
    if first.type in ("fence", "code_block"):
        return look.code_margins[0]
    return 0


def bottom_margin(tokens: Sequence[Token | Tok], look: Look = PLAIN) -> int:
    """The margin below the last block: one, but none below a code block on an ANSI theme
    (a block set aside keeps it below itself: bot_message.py)."""
    depth, last = 0, None
    for token in tokens:  # (the last token at the top level: a block, or a block's close)
        depth -= token.type.endswith("_close")
        if depth == 0:
            last = token
        depth += token.type.endswith("_open")
    if last is not None and last.type in ("fence", "code_block"):
        return look.code_margins[1]
    return 1
