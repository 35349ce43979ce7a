"""Rows rendered a line at a time (lazy_lines.py) are Textual's rows of the whole text: the same
number, the same text and styles, and the same selection offsets (the line and column a mouse
selection reads from each segment), whatever the text, width and wrapping rules.

Random texts (seeded) in a real app, compared with `Visual.to_strips` of the whole text."""

from __future__ import annotations

import random
from functools import partial
from typing import Any, cast

from textual.app import App, ComposeResult
from textual.content import Content, Span
from textual.css.styles import RulesMap
from textual.strip import Strip
from textual.visual import Visual
from textual.widgets import Static

from dynaprompt_tui.tui.widgets.lazy_lines import LazyLines
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


async def test_a_replys_lines_are_drawn_as_its_whole_text_is() -> None:
    """A reply from history is built as lines (markdown_lines), never as one text: each line
    draws as the same line of the whole text does, for the covered Markdown, what markdown-it
    reads and random mixtures of both."""
    parts = [*COVERED, *DECLINED, "", "- x", "1. y", "> q\n> r", "- a\n  - b\n    1. c"]
    parts += ["| a | b |\n|---|---|\n| 1 | 2 |", "- a\n\n  para\n- b", "```", "# H"]
    rng = random.Random(15)
    sources = [*parts] + ["\n".join(rng.sample(parts, rng.randint(2, 6))) for _ in range(300)]
    app = Host()
    async with app.run_test():
        widget = app.query_one(Static)
        for source in sources:
            for lite in (True, False):
                lines = markdown_lines(source, lite=lite)
                whole = markdown_content(source, lite=lite).split(allow_blank=True)
                assert len(lines) == len(whole), source
                for line, same in zip(lines, whole, strict=True):
                    assert render(widget, line, 30) == render(widget, same, 30), source
