"""A bot reply that holds a table looks the same read from history (after a restart) as when it
streamed in: its table drawn as a table, not as a column of its cells (message_factory.py,
bot_message.py `TableReply`). Real app, real SQLite, the real streaming path."""

from __future__ import annotations

import re
from collections.abc import Callable
from typing import Any

from dynaprompt_tui.config import Settings
from dynaprompt_tui.core.clock import FakeClock
from dynaprompt_tui.core.conversation import Conversation
from dynaprompt_tui.core.models import Role
from dynaprompt_tui.tui.widgets.bot_message import BotMessage, TableReply, parts
from dynaprompt_tui.tui.widgets.markdown_message import MarkdownMessage
from tests.tui.helpers import SIZE, settle
from tests.tui.test_snapshots import SPANISH, ScriptedBot

FENCE = "```\n| not | a table |\n|---|---|\n\nin a fence\n```"
LONG = "\n\n".join(
    [
        "Intro paragraph.",
        FENCE,
        "More prose.",
        SPANISH,
        "## After",
        "| a | b |\n|:-:|---|\n| 1 | 2 |",
        "Last words.",
    ]
)


def test_parts_keep_the_text_and_set_tables_apart() -> None:
    pieces = parts(LONG)
    assert "".join(pieces) == LONG  # nothing lost, nothing added
    tables = [p for p in pieces if "| Word |" in p or "| a | b |" in p]
    assert len(tables) == 2 and tables[1].strip() == "| a | b |\n|:-:|---|\n| 1 | 2 |"
    assert "More prose.\n\nHere are" in pieces[2]  # (prose beside prose: one piece)
    # A fence is never cut; its table-like lines make it Markdown's to draw (as it would).
    assert [p for p in pieces if "in a fence" in p] == ["\n\n" + FENCE]
    assert parts("No table here.\n\nAt all.") == ["No table here.\n\nAt all."]


async def test_a_reply_with_a_table_looks_the_same_after_a_restart(
    build: Callable[..., Any], settings: Settings, clock: FakeClock
) -> None:
    app = build(chat_client=ScriptedBot(SPANISH))
    async with app.run_test(size=SIZE) as pilot:
        await app.conversation.send("Can you teach me some Spanish words?")
        await settle(app, pilot)
        live = app.query_one(BotMessage)
        assert type(live) is BotMessage and live.query("MarkdownTable")
        live_height, live_screen = live.size.height, app.export_screenshot()

    conversation = Conversation.open(settings, clock=clock)
    restarted = build(conversation=conversation)
    async with restarted.run_test(size=SIZE) as pilot:
        await settle(restarted, pilot)
        item = restarted.query_one(TableReply)
        assert len(item.query("MarkdownTable")) == 1  # a table, not its cells as paragraphs
        assert item.size.height == live_height  # the same rows
        screen = restarted.export_screenshot()
        assert "┌───" in "".join(rows(screen))
        assert rows(screen) == rows(live_screen)  # (the whole screen, row by row)


async def test_replies_without_a_table_stay_one_widget(
    build: Callable[..., Any], settings: Settings, clock: FakeClock
) -> None:
    conversation = Conversation.open(settings, clock=clock)
    store = conversation.store
    store.add_message(Role.USER, "and?", now=clock.now())
    store.add_message(Role.ASSISTANT, "Plain **reply** with a | pipe.", now=clock.now())
    store.add_message(Role.ASSISTANT, LONG, now=clock.now())
    app = build(conversation=conversation)
    async with app.run_test(size=SIZE) as pilot:
        await settle(app, pilot)
        assert len(app.query(MarkdownMessage)) == 1 and len(app.query(TableReply)) == 1
        assert len(app.query_one(TableReply).query("MarkdownTable")) == 2


CELL = 12.2  # the width of a cell in Textual's SVG screenshots


def rows(svg: str) -> list[str]:
    """The text of a screenshot, row by row (each piece of text placed at its column)."""
    found = re.findall(r'<text class="[^"]*" x="([\d.]+)" y="([\d.]+)"[^>]*>([^<]*)</text>', svg)
    by_y: dict[float, list[tuple[float, str]]] = {}
    for x, y, t in found:
        by_y.setdefault(float(y), []).append((float(x), t.replace("&#160;", " ")))
    out = []
    for y in sorted(by_y):
        line = ""
        for x, t in sorted(by_y[y]):
            line = line.ljust(round(x / CELL)) + t
        out.append(line)
    return out
