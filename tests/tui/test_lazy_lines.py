"""Rows rendered a line at a time (lazy_lines.py) are Textual's rows of the whole text: the same
number, the same text and styles, and the same selection offsets (the line and column a mouse
selection reads from each segment), whatever the text, width and wrapping rules.

Random texts (seeded) in a real app, compared with `Visual.to_strips` of the whole text."""

from __future__ import annotations

import random
from bisect import bisect_right
from functools import partial
from typing import Any, cast

from textual.app import App, ComposeResult
from textual.content import Content, Span
from textual.css.styles import RulesMap
from textual.geometry import Offset
from textual.selection import Selection
from textual.strip import Strip
from textual.style import Style as TStyle
from textual.visual import Visual
from textual.widgets import Static

from dynaprompt_tui.tui.widgets.lazy_lines import Hanging, LazyLines, Line, whole
from dynaprompt_tui.tui.widgets.markdown_message import markdown_content, markdown_lines
from tests.tui.test_markdown_lite import COVERED, DECLINED

PIECES = ["word", "a", "longerwordthanmost", "  ", " ", "\t", "日本語", "🙂", "x" * 70, "-", "\n"]
STYLES = ["bold", "italic $text-accent", "$text-warning on $warning-muted", "underline"]


def random_text(rng: random.Random) -> Content:
    plain = "".join(rng.choice(PIECES) for _ in range(rng.randint(0, 60)))
    spans = []
    for _ in range(rng.randint(0, 6)):
        start = rng.randint(0, len(plain))
        spans.append(Span(start, rng.randint(start, len(plain)), rng.choice(STYLES)))
    return Content(plain, spans=spans)


def render(widget: Static, line: Content, width: int) -> list[Strip]:
    return Visual.to_strips(widget, line, width, None, widget.visual_style)


class Host(App[None]):
    def compose(self) -> ComposeResult:
        yield Static()


def compare(widget: Static, content: Content, width: int) -> None:
    whole = Visual.to_strips(widget, content, width, None, widget.visual_style)
    rules = cast("RulesMap", widget.styles)
    lazy = LazyLines(content.split(allow_blank=True), width, rules, partial(render, widget))
    rows = [lazy.row(y) for y in range(lazy.height)]
    assert lazy.height == len(whole), (content.plain, width)
    for y, (row, strip) in enumerate(zip(rows, whole, strict=True)):
        assert row is not None
        assert list(row) == list(strip), (content.plain, width, y)  # text, style, offsets
    assert lazy.row(lazy.height) is None and lazy.row(-1) is None


async def test_rows_are_textuals_rows_of_the_whole_text() -> None:
    rng = random.Random(15)
    app = Host()
    async with app.run_test():
        widget = app.query_one(Static)
        rules: list[dict[str, Any]] = [
            {},
            {"line_pad": 1},
            {"text_wrap": "nowrap"},
            {"text_wrap": "nowrap", "text_overflow": "ellipsis"},
            {"text_overflow": "ellipsis"},
        ]
        for rule in rules:
            widget.styles.clear_rule("line_pad")
            widget.styles.clear_rule("text_wrap")
            widget.styles.clear_rule("text_overflow")
            for name, value in rule.items():
                setattr(widget.styles, name, value)
            for _ in range(150):
                # (Textual itself fails on a width of no more than the padding)
                narrowest = 1 + 2 * rule.get("line_pad", 0)
                compare(widget, random_text(rng), rng.randint(narrowest, 50))


async def test_only_the_rows_asked_for_are_rendered() -> None:
    app = Host()
    async with app.run_test():
        widget = app.query_one(Static)
        content = Content("\n".join(f"line {i} " + "word " * (i % 30) for i in range(500)))
        rendered: list[str] = []

        def counted(line: Content, width: int) -> list[Strip]:
            rendered.append(line.plain)
            return render(widget, line, width)

        rules = cast("RulesMap", widget.styles)
        lazy = LazyLines(content.split(allow_blank=True), 40, rules, counted)
        assert rendered == []  # (its height counted, nothing rendered)
        bottom = [lazy.row(y) for y in range(lazy.height - 10, lazy.height)]
        assert all(row is not None for row in bottom)
        assert len(rendered) <= 10 and rendered[-1].startswith("line 499 ")
        again = [lazy.row(y) for y in range(lazy.height - 10, lazy.height)]
        assert again == bottom and len(rendered) <= 10  # (kept: not rendered again)


async def test_a_replys_rows_are_its_lines_wrapped() -> None:
    """A reply from history is drawn as lines (markdown_lines), some hanging after a bullet or a
    quote's bar: drawn a line at a time, its rows are the rows of its whole text wrapped (a
    hanging line wrapped in the width its prefix leaves), for the covered Markdown, what
    markdown-it reads and random mixtures of both."""
    parts = [*COVERED, *DECLINED, "", "- x", "1. y", "> q\n> r", "- a\n  - b\n    1. c"]
    parts += ["| a | b |\n|---|---|\n| 1 | 2 |", "- a\n\n  para\n- b", "```", "# H"]
    parts += ["- " + "a long item " * 8, "> " + "a long quote " * 8, "1. x\n   > " + "q " * 30]
    rng = random.Random(15)
    sources = [*parts] + ["\n".join(rng.sample(parts, rng.randint(2, 6))) for _ in range(300)]
    app = Host()
    async with app.run_test():
        widget = app.query_one(Static)
        rules = cast("RulesMap", widget.styles)
        for source in sources:
            for lite in (True, False):
                width = rng.randint(12, 60)
                lines = markdown_lines(source, lite=lite, width=width)
                lazy = LazyLines(lines, width, rules, partial(render, widget))
                rows = [lazy.row(y) for y in range(lazy.height)]
                text = markdown_content(source, lite=lite, width=width).plain.split("\n")
                assert [row.text.rstrip() for row in rows if row] == [
                    row.rstrip() for row in text
                ], (source, width)


def offsets_point_into_their_lines(lazy: LazyLines) -> None:
    """Each segment's selection offset (column, line) is where its text is in its line, so a
    mouse selection copies what it covers; a continuation row's prefix is not in the text.
    (Not for a line with a tab: Textual's offsets count its tabs expanded.)"""
    for y in range(lazy.height):
        row = lazy.row(y)
        assert row is not None
        index = bisect_right(lazy.starts, y) - 1
        line = whole(lazy.lines[index]).plain
        if "\t" in line:
            continue
        hanging = lazy.lines[index]
        first = y == lazy.starts[index]
        skip = hanging.rest.cell_length if isinstance(hanging, Hanging) and not first else 0
        cells = 0
        for segment in row:
            cells += segment.cell_length
            if cells <= skip or not segment.text or segment.style is None:
                continue
            x, line_no = segment.style.meta["offset"]
            assert line_no == index
            if x == len(line) and not segment.text.strip():
                continue  # (the blank after its text, to its tail: the end of the line)
            assert line[x : x + len(segment.text)] == segment.text, (line, x, segment.text)


async def test_hanging_lines_wrap_under_their_text() -> None:
    app = Host()
    async with app.run_test():
        widget = app.query_one(Static)
        rules = cast("RulesMap", widget.styles)
        bullet, indent = Content.styled("• ", "bold"), Content("  ")
        rng = random.Random(15)
        for _ in range(200):
            width = rng.randint(8, 50)
            lines: list[Line] = [random_text(rng).split(allow_blank=True)[0]]
            lines += [
                Hanging(bullet, indent, text, Content(" " * rng.randint(0, 2)))
                for text in random_text(rng).split(allow_blank=True)
            ]
            lazy = LazyLines(lines, width, rules, partial(render, widget))
            offsets_point_into_their_lines(lazy)
            for index, line in enumerate(lines[1:], 1):
                assert isinstance(line, Hanging)
                room = max(width - 2 - line.tail.cell_length, 1)
                body = render(widget, line.body, room)
                start = lazy.starts[index]
                for k, strip in enumerate(body):
                    row = lazy.row(start + k)
                    assert row is not None
                    prefix = "• " if k == 0 else "  "
                    assert row.text.startswith(prefix + strip.text)  # its text under its text
                    if line.tail:  # (then filled to the width, its tail at the end)
                        assert row.cell_length == max(width, 2 + line.tail.cell_length + 1)
                ends = lazy.starts[index + 1] if index + 1 < len(lines) else lazy.height
                assert start + len(body) == ends  # (its height counted as drawn)


async def test_a_selection_across_hanging_lines() -> None:
    """Selected from the middle of one item's text to the middle of the next's: exactly those
    characters are drawn selected, however their lines wrap."""
    app = Host()
    async with app.run_test():
        widget = app.query_one(Static)
        rules = cast("RulesMap", widget.styles)
        lines: list[Line] = [
            Hanging(Content("• "), Content("  "), Content("alpha beta gamma delta epsilon")),
            Hanging(Content("• "), Content("  "), Content("zeta eta theta iota kappa")),
        ]
        lazy = LazyLines(lines, 14, rules, partial(render, widget))
        selection = Selection(Offset(8, 0), Offset(7, 1))  # "beta gamma…" to "zeta e"
        marked = TStyle(reverse=True)
        chosen = ""
        for y in range(lazy.height):
            row = lazy.selected_row(y, selection, marked)
            assert row is not None and row.text == cast("Strip", lazy.row(y)).text
            chosen += "".join(s.text for s in row if s.style and s.style.reverse) + "|"
        whole_text = "\n".join(whole(line).plain for line in lines)
        copied = selection.extract(whole_text)
        assert copied == "beta gamma delta epsilon\n• zeta "
        assert chosen.split("|") == ["beta", "gamma delta", "epsilon", "• zeta ", "", "", ""]
