"""The app against a real OpenAI-protocol server (local, scripted): streaming, errors, Retry."""

from __future__ import annotations

from dataclasses import replace

from textual.widgets import Button, Static

from dynaprompt_tui.core.models import Role
from dynaprompt_tui.tui.widgets.chat import BotMessage, MessageItem
from tests.tui.helpers import SIZE, settle, text_of, type_text

FENCE = "Here you go:\n\n```python\ndef add(a, b):\n    return a + b\n```\n\nDone."


def online(settings, server):
    return replace(
        settings, demo=False, api_key="sk-test-123456", base_url=server.base_url, max_retries=0
    )


async def test_streamed_code_fence_is_complete_at_the_end(build, settings, openai_server) -> None:
    openai_server.reply(FENCE)
    app = build(online(settings, openai_server))
    async with app.run_test(size=SIZE) as pilot:
        assert app.sub_title.startswith(settings.model)
        await type_text(pilot, "show me code")
        await pilot.press("enter")
        await settle(app, pilot)
        bot = app.query_one(BotMessage)
        assert bot.markdown.source == FENCE
        assert bot.message.content == FENCE
        fence = bot.markdown.query_one("MarkdownFence")
        assert "return a + b" in fence.code


async def test_failed_call_shows_error_with_retry(build, settings, openai_server) -> None:
    openai_server.fail(500)
    app = build(online(settings, openai_server))
    async with app.run_test(size=SIZE) as pilot:
        await app.conversation.send("hello?")
        await settle(app, pilot)
        (error,) = [i for i in app.query(MessageItem) if i.message.role is Role.ERROR]
        assert "failed" in text_of(error.query_one(".msg-body", Static))
        retry = error.query_one(".retry", Button)
        openai_server.reply("Back again.")
        await pilot.click(retry)
        await settle(app, pilot)
        assert not error.query(".retry")
        bots = [i for i in app.query(BotMessage) if i.message.content]
        assert bots[-1].message.content == "Back again."
        assert app.is_running
