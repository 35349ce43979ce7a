"""A bot reply that holds a table looks the same read from history (after a restart) as when it
streamed in: its tables boxed as Textual's `Markdown` draws them, not as a column of their cells
(markdown_table.py, drawn into the reply's one widget). Real app, real SQLite, the real
streaming path; and Textual's own drawing of random tables to compare with."""

from __future__ import annotations

import random
from collections.abc import Callable
from typing import Any

from textual.app import App, ComposeResult
from textual.widgets import Markdown

from dynaprompt_tui.config import Settings
from dynaprompt_tui.core.clock import FakeClock
from dynaprompt_tui.core.conversation import Conversation
from dynaprompt_tui.core.models import Role
from dynaprompt_tui.tui.widgets.bot_message import BotMessage
from dynaprompt_tui.tui.widgets.lazy_lines import whole
from dynaprompt_tui.tui.widgets.markdown_message import (
    MarkdownMessage,
    markdown_content,
    markdown_lines,
)
from tests.tui.helpers import SIZE, screen_rows, settle
from tests.tui.test_snapshots import SPANISH, ScriptedBot

FENCE = "```\n| not | a table |\n|---|---|\n\nin a fence\n```"
LONG = "\n\n".join(
    [
        "Intro paragraph.",
        FENCE,
        SPANISH,
        "## After",
        "| a | b |\n|:-:|---|\n| 1 | 2 |",
        "- in a list:\n\n  | x | y |\n  |---|---|\n  | 1 | 2 |",
        "Last words.",
    ]
)
WORDS = ["a", "word", "hola", "thank you", "x" * 12, "longerwordthanmost", "`code`", "**bold**"]
WORDS += ["日本", "🙂", ""]


async def test_a_reply_with_a_table_looks_the_same_after_a_restart(
    build: Callable[..., Any], settings: Settings, clock: FakeClock
) -> None:
    app = build(chat_client=ScriptedBot(SPANISH))
    async with app.run_test(size=SIZE) as pilot:
        await app.conversation.send("Can you teach me some Spanish words?")
        await settle(app, pilot)
        live = app.query_one(BotMessage)
        assert live.query("MarkdownTable")  # (Textual's, as it streamed)
        live_screen = screen_rows(app.export_screenshot())

    restarted = build(conversation=Conversation.open(settings, clock=clock))
    async with restarted.run_test(size=SIZE) as pilot:
        await settle(restarted, pilot)
        assert isinstance(restarted.main_screen.chat.children[-1], MarkdownMessage)
        assert not restarted.query("MarkdownTable")  # (one widget: no Markdown loaded)
        screen = screen_rows(restarted.export_screenshot())
        assert any("┌───" in row for row in screen) and any("│ gracias" in row for row in screen)
        assert screen == live_screen  # the whole screen, row by row


async def test_tables_are_boxed_wherever_they_are(
    build: Callable[..., Any], settings: Settings, clock: FakeClock
) -> None:
    conversation = Conversation.open(settings, clock=clock)
    conversation.store.add_message(Role.USER, "and?", now=clock.now())
    conversation.store.add_message(Role.ASSISTANT, LONG, now=clock.now())
    app = build(conversation=conversation)
    async with app.run_test(size=(120, 80)) as pilot:
        await settle(app, pilot)
        item = app.main_screen.chat.children[-1]
        assert isinstance(item, MarkdownMessage)
        width = item.size.width
        lines = [whole(line).plain for line in item.lines_at(width)]
        tops = [line for line in lines if "┌" in line]
        assert len(tops) == 3 and tops[2].startswith("  ┌")  # two, and one under a bullet
        assert {len(line) for line in tops} == {width}  # each as wide as the reply
        fence = lines.index("  | not | a table |")  # a fence's table-like lines: code
        assert lines[fence + 1] == "  |---|---|"


def random_table(rng: random.Random) -> str:
    columns = rng.randint(1, 4)

    def cell() -> str:
        return " ".join(rng.choice(WORDS) for _ in range(rng.randint(0, 4))).strip()

    lines = ["| " + " | ".join(cell() or "h" for _ in range(columns)) + " |"]
    lines.append("|" + "---|" * columns)
    for _ in range(rng.randint(0, 4)):
        lines.append("| " + " | ".join(cell() for _ in range(columns)) + " |")
    return "\n".join(lines)


class Host(App[None]):
    CSS = "Markdown { padding: 0; margin: 0; }"

    def __init__(self, source: str) -> None:
        super().__init__()
        self.source = source

    def compose(self) -> ComposeResult:
        yield Markdown(self.source)


def visible(rows: list[str]) -> list[str]:
    """Rows with text: spacing between blocks is drawn otherwise (margins, blank lines)."""
    return [row.rstrip() for row in rows if row.strip(" ▌")]


async def drawn_by_textual(
    source: str, width: int, visible: Callable[[list[str]], list[str]] = visible
) -> list[str]:
    app = Host(source)
    async with app.run_test(size=(width, 120)) as pilot:
        await pilot.pause()
        return visible(screen_rows(app.export_screenshot()))


async def test_tables_are_drawn_as_textual_draws_them() -> None:
    """Random tables (wrapping, shrinking, stretching; wide characters, empty cells, inline
    styles) at widths from 20 to 100 columns, and tables in lists and quotes: the same text as
    Textual's `Markdown`. (Below about 18 columns Textual's own columns collapse and overlap:
    not compared.)"""
    rng = random.Random(15)
    for _ in range(40):
        source, width = random_table(rng), rng.randint(20, 100)
        ours = visible(markdown_content(source, width=width).plain.split("\n"))
        assert ours == await drawn_by_textual(source, width), (source, width)
        for narrow in range(20):  # (narrower: drawn all the same, without an error)
            assert len(markdown_lines(source, width=narrow)) >= 3
    nested = [
        "- in a list:\n\n  | x | y |\n  |---|---|\n  | 1 | 2 |",
        "> | q | r |\n> |---|---|\n> | 3 | 4 |",
        "- a\n  - b\n\n    | x | y |\n    |---|---|\n    | 1 | 2 |",
        "> - in a quoted list\n>\n>   | x | y |\n>   |---|---|",
    ]
    for source in nested:
        for width in (40, 63):
            ours = visible(markdown_content(source, width=width).plain.split("\n"))
            assert ours == await drawn_by_textual(source, width), (source, width)
