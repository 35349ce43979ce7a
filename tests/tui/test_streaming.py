"""A long reply streaming into the chat: what the screen holds while it grows, and at its end
(issue 15: streaming never starves input). Behaviour only: what is mounted, what is shown."""

from __future__ import annotations

from textual.widgets import Markdown
from textual.widgets.markdown import MarkdownBlock

from dynaprompt_tui.core.models import Message, Role
from dynaprompt_tui.tui.widgets.bot_message import (
    CHUNK,
    BotMessage,
    SettledBlocks,
    split_point,
)
from dynaprompt_tui.tui.widgets.lazy_lines import whole
from tests.tui.helpers import SIZE, START

WORDS = ("the", "schedule", "fires", "at", "nine", "and", "then", "**again**")


def tokens(n: int) -> list[str]:
    """A reply as a model streams it: a word per token, a paragraph every 60."""
    return [("\n\n" if i and i % 60 == 0 else "") + WORDS[i % 8] + " " for i in range(n)]


async def streaming_bot(app) -> BotMessage:
    message = Message(1, Role.ASSISTANT, "", START, meta={"streaming": True})
    await app.main_screen.chat.add(message)
    return app.query_one(BotMessage)


async def test_a_long_reply_keeps_few_widgets_and_shows_every_token(app) -> None:
    parts = tokens(5000)
    async with app.run_test(size=SIZE) as pilot:
        bot = await streaming_bot(app)
        most_blocks = 0
        for i, part in enumerate(parts):
            await bot.write(part)
            if i % 50 == 49:  # as the widget's timer would, every few dozen tokens
                await bot.flush()
                await pilot.pause()
                most_blocks = max(most_blocks, len(bot.markdown.query(MarkdownBlock)))
        await bot.flush()
        await pilot.pause()
        text = "".join(parts)
        assert bot.shown == text  # nothing lost, nothing twice, in order
        settled = bot.query(SettledBlocks)
        # The growing Markdown keeps only the last blocks; the rest is a few widgets of text.
        assert len(settled) >= len(text) // (2 * CHUNK)
        assert len(settled) <= len(text) // (CHUNK // 2)
        assert most_blocks <= 2 * CHUNK // 300  # (a paragraph here is ~330 characters)
        assert all(len(s.source) >= CHUNK // 2 for s in settled)

        # The end: the finished text after the blocks set aside (no widget per block at once).
        final = text.strip()
        await app.main_screen.chat.add(Message(1, Role.ASSISTANT, final, START, meta={}))
        await pilot.pause()
        assert bot.shown == final
        assert len(bot.query(SettledBlocks)) == len(settled)
        assert len(bot.markdown.query(MarkdownBlock)) <= most_blocks

        # A finished text that differs from what streamed is shown whole in the Markdown.
        await app.main_screen.chat.add(Message(1, Role.ASSISTANT, "Changed.", START, meta={}))
        await pilot.pause()
        assert not bot.query(SettledBlocks)
        assert bot.markdown.source == bot.shown == "Changed."


async def test_written_text_is_shown_by_the_widget_itself_soon_after(app) -> None:
    async with app.run_test(size=SIZE) as pilot:
        bot = await streaming_bot(app)
        await bot.write("Hello ")
        await bot.write("**world**")
        # Handed over at once; the screen's handler does not wait for the Markdown.
        assert bot.held == "Hello **world**"
        for _ in range(50):  # the widget's own timer appends it
            await pilot.pause(0.02)
            if not bot.held:
                break
        assert bot.held == ""
        assert bot.shown == "Hello **world**"
        assert bot.query_one(Markdown).source == "Hello **world**"


def test_split_point_keeps_fences_lists_and_quotes_whole() -> None:
    assert split_point("one\n\ntwo") == 3
    assert split_point("one\n\n```\ncode\n\nmore code\n```\n\nafter") == 28
    assert split_point("```\ncode\n\nstill code") == 0  # an open fence: nowhere
    assert split_point("- item\n\n- next item") == 0  # a loose list goes on
    assert split_point("1. item\n\n2. next") == 0
    assert split_point("> quote\n\n> more") == 0
    assert split_point("para\n\n    indented") == 0
    assert split_point("para\n\n**bold** start") == 0  # (could be a list marker: kept whole)
    assert split_point("no break at all") == 0


async def test_finished_blocks_with_a_table_are_set_aside_drawn_as_a_table(app) -> None:
    table = "| when | what |\n|---|---|\n| 9:00 | stretch |\n"
    parts = [*tokens(400), "\n\n", table, "\n\n", *tokens(400)]
    async with app.run_test(size=SIZE) as pilot:
        bot = await streaming_bot(app)
        for i, part in enumerate(parts):
            await bot.write(part)
            if i % 50 == 49:
                await bot.flush()
        await bot.flush()
        await pilot.pause()
        assert bot.shown == "".join(parts)
        [aside] = [s for s in bot.query(SettledBlocks) if table in s.source]
        drawn = [whole(line).plain for line in aside.lines_at(aside.size.width)]
        assert any(row.startswith("┌") for row in drawn)  # a table, not a column of its cells
        assert any(row.startswith("│ 9:00") for row in drawn)
        assert bot.markdown is bot.query_one(".msg-body")  # (the one that grows)
