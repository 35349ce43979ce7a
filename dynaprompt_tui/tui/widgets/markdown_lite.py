"""A small reader for the Markdown most replies are written in, so that the first screen of a
chat with history does not wait for markdown-it (~20 ms to import).

`tokens(source)` returns the block and inline tokens markdown-it would make for `source`, as far
as markdown_message.py reads them, or None when `source` uses anything beyond this subset:

* paragraphs (lines joined by soft breaks), ATX headings (``# Title``), fenced code blocks;
* lists, bulleted (``-``, ``*``, ``+``) or numbered (``1.``, ``1)``), an item a line, with lists
  (or code) nested under an item's text, indented to it;
* quotes (``> ``), their lines read again without the bar, up to a blank line;
* ``**strong**``, ``*emphasis*`` and ```code``` spans, on one line, delimited plainly (a space,
  the start or end of the line, or common punctuation outside, none inside);
* links to a web address, ``[text](https://...)``, their text plain, set off by a space, the
  start or end of the line or common punctuation (they are in most replies that cite anything);
* tables after a blank line (or first), every row between pipes (``| a | b |``), as many cells
  in each row as in the header, up to a blank line (models answer comparisons with them).

Anything else (other links, images, HTML, entities, escapes, underscores, other tables, setext
headings, other indentation, tabs, trailing spaces, a lazy continuation line...) makes
it answer None, and markdown-it reads the text. tests/tui/test_markdown_lite.py compares the two
on such texts.
"""

from __future__ import annotations

import re
from typing import NamedTuple

_BULLET = re.compile(r"([-*+]) (\S.*)")
_ORDERED = re.compile(r"(\d{1,9})([.)]) (\S.*)")
_HEADING = re.compile(r"(#{1,6}) +(\S.*)")
_FENCE = re.compile(r"(`{3,}|~{3,})(.*)")
# Lines this reader does not take on: rules and setext underlines, empty list items, quotes,
# HTML blocks, a heading with no text or a closing sequence, a list item whose marker is
# followed by more than one space (its text indented further).
_OTHER = re.compile(
    r"(?:[-*_] *){3,}|=+ *|-+ *|[-*+]|\d{1,9}[.)]|>.*|<.*|#{1,6}|#{1,6} .*#"
    r"|(?:[-*+]|\d{1,9}[.)])  .*"
)
_NESTED = re.compile(r"[-*+](?: |$)|\d{1,9}[.)](?: |$)|#{1,6}(?: |$)|>|```|~~~")
_TABLE_RULE = re.compile(r"\|(?: *:?-+:? *\|)+")  # a table's rule: |---|:-:|
_ENTITY = re.compile(r"&(?:#\d+|#[xX][0-9a-fA-F]+|\w+);")
_UNSAFE_TEXT = re.compile(r"[\\<\[\]_~|]")
_CODE = re.compile(r"`([^`]+)`")
_OPEN_BEFORE = " ([{\"'"  # what may come before an opening * or **
_CLOSE_AFTER = " .,:;!?)]}\"'"  # and after a closing one
_EMPHASIS = re.compile(r"(\*\*?)([^*\s](?:[^*]*[^*\s])?)\1")
# An inline link to a web address whose text has no markup, set off plainly on both sides.
_LINK = re.compile(
    r"(?<![^\s(])\[([^\[\]\\`*_<>&!~|]+)\]\((https?://[^\s()<>\\`\"]+)\)(?=[\s.,:;!?)]|$)"
)


class Tok(NamedTuple):
    """A token, with what markdown_message.py reads of markdown-it's `Token`."""

    type: str
    tag: str = ""
    content: str = ""
    children: list[Tok] | None = None
    attrs: dict[str, str | int | float] = {}  # (never changed)
    info: str = ""  # a fence's info string (its language)


def _links(text: str) -> list[Tok] | None:
    """A run of text without code spans: text, link, strong and em tokens; None beyond the
    subset."""
    out: list[Tok] = []
    at = 0
    for m in _LINK.finditer(text):
        if (part := _emphasis(text[at : m.start()])) is None:
            return None
        href = m.group(2)
        out += [*part, Tok("link_open", attrs={"href": href}), Tok("text", content=m.group(1))]
        out.append(Tok("link_close"))
        at = m.end()
    if (part := _emphasis(text[at:])) is None:
        return None
    return [*out, *part]


def _emphasis(text: str) -> list[Tok] | None:
    """A run of text without code spans or links: text, strong and em tokens; None beyond the
    subset."""
    if _UNSAFE_TEXT.search(text) or _ENTITY.search(text):
        return None
    out: list[Tok] = []
    at = 0
    for m in _EMPHASIS.finditer(text):
        before = text[m.start() - 1] if m.start() else " "
        after = text[m.end()] if m.end() < len(text) else " "
        if before not in _OPEN_BEFORE or after not in _CLOSE_AFTER:
            return None
        if m.start() > at:
            out.append(Tok("text", content=text[at : m.start()]))
        kind = "strong" if len(m.group(1)) == 2 else "em"
        out += [Tok(f"{kind}_open"), Tok("text", content=m.group(2)), Tok(f"{kind}_close")]
        at = m.end()
    rest = text[at:]
    if "*" in rest or any("*" in t.content for t in out):
        return None  # a star left over: not emphasis this reader can vouch for
    if rest:
        out.append(Tok("text", content=rest))
    return out


def _inline_line(line: str) -> list[Tok] | None:
    if "``" in line:
        return None  # a code span opened by two backticks or more
    out: list[Tok] = []
    at = 0
    for m in _CODE.finditer(line):
        code = m.group(1)
        if code.startswith(" ") or code.endswith(" "):
            return None
        if (part := _links(line[at : m.start()])) is None:
            return None
        out += [*part, Tok("code_inline", content=code)]
        at = m.end()
    if (part := _links(line[at:])) is None or "`" in line[at:]:
        return None
    return _joined([*out, *part])


def _joined(parts: list[Tok]) -> list[Tok]:
    """Adjacent text tokens as one (as markdown-it hands them)."""
    out: list[Tok] = []
    for t in parts:
        if t.type == "text" and out and out[-1].type == "text":
            out[-1] = Tok("text", content=out[-1].content + t.content)
        elif t.type != "text" or t.content:
            out.append(t)
    return out


def _inline(lines: list[str]) -> Tok | None:
    children: list[Tok] = []
    for n, line in enumerate(lines):
        if (part := _inline_line(line)) is None:
            return None
        if n:
            children.append(Tok("softbreak"))
        children += part
    return Tok("inline", content="\n".join(lines), children=children)


def _cells(line: str) -> list[str]:
    return [cell.strip() for cell in line[1:-1].split("|")]


def _table(lines: list[str]) -> list[Tok] | None:
    """A table's tokens: a header row, its rule, rows of as many cells (all between pipes)."""
    header = _cells(lines[0])
    if len(_cells(lines[1])) != len(header):
        return None  # (not a table to markdown-it)
    out = [Tok("table_open"), Tok("thead_open")]
    for n, line in enumerate([lines[0], *lines[2:]]):
        cells = _cells(line)
        if not (line.startswith("|") and line.endswith("|") and len(line) > 1):
            return None
        if len(cells) != len(header):
            return None  # (markdown-it pads or cuts the row)
        if n == 1:
            out += [Tok("thead_close"), Tok("tbody_open")]
        cell = "th" if n == 0 else "td"
        out.append(Tok("tr_open"))
        for text in cells:
            inline = _inline([text]) if text else Tok("inline", children=[])
            if inline is None:
                return None
            out += [Tok(f"{cell}_open"), inline, Tok(f"{cell}_close")]
        out.append(Tok("tr_close"))
    out += [Tok("tbody_close" if len(lines) > 2 else "thead_close"), Tok("table_close")]
    return out


def tokens(source: str) -> list[Tok] | None:
    """markdown-it's tokens for `source`, or None when it is beyond this reader."""
    if "\t" in source or "\r" in source or "\0" in source:
        return None
    out: list[Tok] = []
    para: list[str] = []
    in_list: tuple[str, str] | None = None  # (kind, marker) of the open list
    item_line = False  # the previous line was a list item (a next plain line would continue it)
    lines = source.split("\n")
    i = 0

    def close_para() -> bool:
        if para:
            inline = _inline(para)
            if inline is None:
                return False
            out.extend([Tok("paragraph_open"), inline, Tok("paragraph_close")])
            para.clear()
        return True

    def close_list() -> None:
        nonlocal in_list
        if in_list is not None:
            out.append(Tok(f"{in_list[0]}_list_close"))
            in_list = None

    while i < len(lines):
        line = lines[i]
        i += 1
        if not line.strip():
            if not close_para():
                return None
            item_line = False
            continue
        if line != line.strip():
            return None  # indentation, trailing spaces
        if fence := _FENCE.fullmatch(line):
            marker, info = fence.groups()
            if marker[0] == "`" and "`" in info:
                return None
            body: list[str] = []
            closing = re.compile(f"{re.escape(marker[0])}{{{len(marker)},}} *")
            while i < len(lines) and not closing.fullmatch(lines[i]):
                body.append(lines[i])
                i += 1
            if i == len(lines):
                return None  # not closed
            i += 1
            if not close_para():
                return None
            close_list()
            out.append(Tok("fence", content="".join(b + "\n" for b in body), info=info))
            item_line = False
            continue
        if line.startswith("|") and i < len(lines) and _TABLE_RULE.fullmatch(lines[i]):
            if para or item_line:
                return None  # (right after a paragraph or an item: left to markdown-it)
            rows = [line, lines[i]]
            i += 1
            while i < len(lines) and lines[i].strip():
                rows.append(lines[i])
                i += 1
            if (table := _table(rows)) is None:
                return None
            close_list()
            out += table
            continue
        if line.startswith(">"):  # a quote: its lines read again without their ">"
            quoted = [line]
            while i < len(lines) and lines[i].startswith(">"):
                quoted.append(lines[i])
                i += 1
            if i < len(lines) and lines[i].strip():
                return None  # (a lazy continuation of the quote's last paragraph)
            inner = tokens("\n".join(q[2:] if q.startswith("> ") else q[1:] for q in quoted))
            if inner is None or not close_para():
                return None
            close_list()
            out += [Tok("blockquote_open"), *inner, Tok("blockquote_close")]
            item_line = False
            continue
        bullet, ordered = _BULLET.fullmatch(line), _ORDERED.fullmatch(line)
        if item := bullet or ordered:
            kind, marker = ("bullet", item.group(1)) if bullet else ("ordered", item.group(2))
            text = item.groups()[-1]
            if _NESTED.match(text):
                return None
            if para:
                if ordered and int(ordered.group(1)) != 1:
                    return None  # a paragraph's continuation in CommonMark, not a list
                if not close_para():
                    return None
            if in_list != (kind, marker):
                close_list()
                start = int(ordered.group(1)) if ordered else 1
                attrs: dict[str, str | int | float] = {"start": start} if start != 1 else {}
                out.append(Tok(f"{kind}_list_open", attrs=attrs))
                in_list = (kind, marker)
            inline = _inline([text])
            if inline is None:
                return None
            out += [Tok("list_item_open"), Tok("paragraph_open"), inline, Tok("paragraph_close")]
            # A list (or code) in the item: the lines under its text, indented to it, read again.
            indent = " " * (len(line) - len(text))
            nested: list[str] = []
            while i < len(lines) and lines[i].startswith(indent) and lines[i].strip():
                nested.append(lines[i][len(indent) :])
                i += 1
            if nested:
                # (Only what interrupts the item's paragraph: else it would continue it.)
                first = _ORDERED.fullmatch(nested[0])
                if not (
                    _BULLET.fullmatch(nested[0])
                    or (first and first.group(1) == "1")
                    or _FENCE.fullmatch(nested[0])
                ):
                    return None
                if (inner := tokens("\n".join(nested))) is None:
                    return None
                out += inner
            out.append(Tok("list_item_close"))
            item_line = True
            continue
        if item_line or _OTHER.fullmatch(line):
            return None  # a lazy continuation of a list item; a block this reader skips
        if heading := _HEADING.fullmatch(line):
            if not close_para():
                return None
            close_list()
            inline = _inline([heading.group(2)])
            if inline is None:
                return None
            tag = f"h{len(heading.group(1))}"
            out += [Tok("heading_open", tag=tag), inline, Tok("heading_close", tag=tag)]
            continue
        close_list()
        para.append(line)
    if not close_para():
        return None
    close_list()
    return out
