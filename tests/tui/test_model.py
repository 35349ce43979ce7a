"""The app against a real OpenAI-protocol server (local, scripted): streaming, errors, Retry."""

from __future__ import annotations

from textual.widgets import Button

from dynaprompt_tui.core.models import Role
from dynaprompt_tui.tui.widgets.bot_message import BotMessage
from dynaprompt_tui.tui.widgets.message import MessageItem
from tests.tui.helpers import SIZE, settle, text_of, type_text

FENCE = "Here you go:\n\n```python\ndef add(a, b):\n    return a + b\n```\n\nDone."


def online(settings, server):
    return settings._replace(
        demo=False, api_key="sk-test-123456", base_url=server.base_url, max_retries=0
    )


async def test_streamed_code_fence_is_complete_at_the_end(build, settings, openai_server) -> None:
    openai_server.reply(FENCE)
    app = build(online(settings, openai_server))
    async with app.run_test(size=SIZE) as pilot:
        assert f" · {settings.model} · " in app.sub_title
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
        assert "failed" in text_of(error)
        retry = error.query_one(".retry", Button)
        openai_server.reply("Back again.")
        await pilot.click(retry)
        await settle(app, pilot)
        assert not error.query(".retry")
        bots = [i for i in app.query(BotMessage) if i.message.content]
        assert bots[-1].message.content == "Back again."
        assert app.is_running


async def test_instructions_only_turn_leaves_no_empty_bubble(build, settings, openai_server):
    openai_server.reply("dps user in 5 minutes\nStretch!")
    online_settings = online(settings, openai_server)
    app = build(online_settings)
    async with app.run_test(size=SIZE) as pilot:
        await app.conversation.send("remind me to stretch in 5 minutes")
        await settle(app, pilot)
        assert len(app.conversation.pending()) == 1
        visible = [b for b in app.query(BotMessage) if b.display and not b.has_class("-empty")]
        assert visible == []
    again = build(online_settings)  # reopened: stored history must not show it either
    async with again.run_test(size=SIZE) as pilot:
        await settle(again, pilot)
        visible = [b for b in again.query(BotMessage) if not b.has_class("-empty")]
        assert visible == []
        assert len(again.query(MessageItem)) >= 2  # the user's message and the card


async def test_streaming_bot_message_says_it_is_writing(app) -> None:
    from dynaprompt_tui.core.models import Message
    from tests.tui.helpers import START

    streaming = Message(1, Role.ASSISTANT, "", START, meta={"streaming": True})
    async with app.run_test(size=SIZE) as pilot:
        await app.main_screen.chat.add(streaming)
        bot = app.query_one(BotMessage)
        assert bot.has_class("-streaming")
        assert "writing…" in text_of(bot.query_one(".msg-header"))
        await bot.write("Hello **wor")
        await bot.write("ld**")
        await app.main_screen.chat.add(streaming._replace(content="Hello **world**", meta={}))
        await pilot.pause()
        assert not bot.has_class("-streaming")
        assert "writing…" not in text_of(bot.query_one(".msg-header"))
        assert bot.markdown.source == "Hello **world**"
