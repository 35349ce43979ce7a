"""The use cases end to end: real SQLite, real openai SDK against the local server, fake clock."""

from __future__ import annotations

import contextlib
import json
from datetime import UTC, datetime, timedelta

import pytest

from dynaprompt_tui.config import Guardrails, Settings
from dynaprompt_tui.core.clock import FakeClock
from dynaprompt_tui.core.conversation import Conversation
from dynaprompt_tui.core.conversation.instructions import parse_message
from dynaprompt_tui.core.models import Party, Role, ScheduleState

T0 = datetime(2026, 3, 5, 10, 15, tzinfo=UTC)  # a Thursday, 10:15 in London


class Recorder:
    def __init__(self) -> None:
        self.events: list[tuple[str, object]] = []

    def on_message(self, m):
        self.events.append(("message", m))

    def on_delta(self, mid, text):
        self.events.append(("delta", (mid, text)))

    def on_message_changed(self, m):
        self.events.append(("changed", m))

    def on_schedules_changed(self):
        self.events.append(("schedules", None))

    def on_delivery(self, d):
        self.events.append(("delivery", d))

    def on_status(self, text, severity):
        self.events.append(("status", (text, severity)))

    def of(self, kind):
        return [v for k, v in self.events if k == kind]


@pytest.fixture
def clock():
    return FakeClock(T0)


@pytest.fixture
async def make(tmp_path, clock, openai_server):
    made: list[Conversation] = []

    def factory(**kw) -> tuple[Conversation, Recorder]:
        settings = Settings(
            model="test-model",
            api_key="sk-test-secret-key-1234",
            base_url=openai_server.base_url,
            db_path=tmp_path / "db.sqlite",
            tz="Europe/London",
            max_retries=1,
            request_timeout=5,
        )
        settings = settings._replace(**kw)
        rec = Recorder()
        conv = Conversation.open(settings, clock=clock, listener=rec)
        made.append(conv)
        return conv, rec

    yield factory
    for conv in made:
        with contextlib.suppress(Exception):
            await conv.stop()


def texts(conv, role=None):
    return [m.content for m in conv.messages(limit=500) if role is None or m.role is role]


def cards(conv, kind=None):
    return [
        m
        for m in conv.messages(limit=500)
        if m.role is Role.NOTICE and (kind is None or m.meta.get("card") == kind)
    ]


async def test_user_schedules_without_calling_the_model(make, openai_server):
    conv, rec = make()
    await conv.send("dps u in 5 minutes\nstretch your legs")
    assert openai_server.bodies == []
    [s] = conv.pending()
    assert (s.recipient, s.created_by, s.prompt) == (Party.USER, Party.USER, "stretch your legs")
    [card] = cards(conv, "scheduled")
    assert f"id {s.id}" in card.content and "Thu 5 Mar 10:20 (in 5 min)" in card.content
    assert rec.of("schedules")


async def test_reply_streams_and_the_request_teaches_the_protocol(make, openai_server):
    conv, rec = make()
    openai_server.reply("Hello **there**, how can I help?")
    await conv.send("hi")
    [bot] = [m for m in conv.messages() if m.role is Role.ASSISTANT]
    assert bot.content == "Hello **there**, how can I help?"
    assert "".join(t for mid, t in rec.of("delta") if mid == bot.id) == bot.content
    body = openai_server.last_body
    assert body["model"] == "test-model" and body["stream"] is True
    system = body["messages"][0]["content"]
    assert "dps" in system and "Europe/London" in system
    assert body["messages"][-1] == {"role": "user", "content": "hi"}


async def test_bot_instructions_are_carried_out_and_hidden(make, openai_server, clock):
    conv, rec = make()
    openai_server.reply(
        "Sure, I'll check in.\ndps user in 1 minute\nHow is it going?\n"
        "dps c tomorrow at 9am\nAsk about sleep"
    )
    await conv.send("check on me")
    [bot] = [m for m in conv.messages() if m.role is Role.ASSISTANT]
    assert bot.content == "Sure, I'll check in."
    streamed = "".join(t for _, t in rec.of("delta"))
    assert "dps" not in streamed
    pending = conv.pending()
    assert [(s.recipient, s.created_by) for s in pending] == [
        (Party.USER, Party.CHATBOT),
        (Party.CHATBOT, Party.CHATBOT),
    ]
    # it fires as a message from the bot, with no model call
    calls = len(openai_server.bodies)
    clock.advance(61)
    [d] = await conv.engine.fire_due()
    assert d.message.role is Role.ASSISTANT and d.message.content == "How is it going?"
    assert d.message.scheduled_by is Party.CHATBOT
    assert len(openai_server.bodies) == calls
    assert rec.of("delivery")


async def test_invalid_bot_instruction_is_shown_and_told_once(make, openai_server):
    conv, _ = make()
    openai_server.reply("ok\ndps u whenever the moon is blue\nhello")
    openai_server.reply("sorry\ndps u sometime\nstill wrong")
    await conv.send("remind me")
    errors = cards(conv, "error")
    assert len(errors) == 2 and "couldn't read the time" in errors[0].content
    assert len(openai_server.bodies) == 2  # the reply and one correction, not a loop
    told = openai_server.bodies[1]["messages"][-1]["content"]
    assert "couldn't read the time" in told


async def test_scheduled_turn_to_chatbot_streams_a_reply(make, openai_server, clock):
    conv, _rec = make()
    await conv.send("dps c in 10 minutes\nteach me a word of Spanish")
    openai_server.reply("¡Hola! means hello.")
    clock.advance(600)
    [d] = await conv.engine.fire_due()
    assert d.message.role is Role.USER and d.message.schedule_id
    prompt = openai_server.last_body["messages"][-1]["content"]
    assert prompt.startswith("[scheduled message, set by the user") and "Spanish" in prompt
    assert texts(conv, Role.ASSISTANT) == ["¡Hola! means hello."]
    assert conv.pending() == []


async def test_catch_up_after_downtime_is_marked_late(make, openai_server, clock):
    conv, _ = make()
    await conv.send("dps u in 1 minute\nwater the plants")
    conv.store.close()
    clock.advance(hours=5)
    conv2, _ = make()
    [d] = await conv2.engine.fire_due()
    assert d.late and d.message.late and d.message.due_at == T0 + timedelta(minutes=1)
    assert await conv2.engine.fire_due() == []


async def test_guardrail_bot_pending_limit(make, openai_server):
    conv, _ = make(guardrails=Guardrails(max_bot_pending=1))
    openai_server.reply("ok\ndps u in 1 hour\none\ndps u in 2 hours\ntwo")
    openai_server.reply("understood")
    await conv.send("spam me")
    assert len(conv.pending()) == 1
    [limit] = cards(conv, "limit")
    assert "limit 1" in limit.content
    assert "limit 1" in openai_server.bodies[1]["messages"][-1]["content"]


async def test_guardrail_recurring_needs_approval_and_a_minimum_interval(make, openai_server):
    conv, _ = make()
    openai_server.reply("ok\ndps c every 15 minutes\nping\ndps c every day at 8am\nlesson")
    openai_server.reply("fine")
    await conv.send("teach me daily")
    [s] = conv.pending()
    assert s.recurring and not s.approved
    assert "more often than every 60 minutes" in cards(conv, "limit")[0].content
    [approval] = cards(conv, "approval")
    assert approval.meta["schedule_id"] == s.id
    await conv.approve(s.id)
    assert conv.store.get_schedule(s.id).approved
    assert conv.store.get_message(approval.id).meta["outcome"] == "approved"


async def test_guardrail_days_ahead(make, openai_server):
    conv, _ = make()
    openai_server.reply("ok\ndps u 15 March 2027 at 10am\nfar away")
    openai_server.reply("ok")
    await conv.send("later")
    assert conv.pending() == []
    assert "120 days" in cards(conv, "limit")[0].content


async def test_guardrail_bot_turns_in_a_row(make, openai_server, clock):
    conv, _ = make(guardrails=Guardrails(max_bot_turns_in_a_row=2))
    await conv.send("dps c every hour\nping")
    for i in range(3):
        if i < 2:
            openai_server.reply("pong")
        clock.advance(3600)
        await conv.engine.fire_due()
    assert texts(conv, Role.ASSISTANT) == ["pong", "pong"]
    assert len(openai_server.bodies) == 2
    assert "2 turns in a row" in cards(conv, "limit")[0].content
    openai_server.reply("back")
    await conv.send("I'm here")
    assert texts(conv, Role.ASSISTANT)[-1] == "back"


async def test_failing_api_keeps_partial_text_and_offers_retry(make, openai_server):
    conv, _ = make()
    openai_server.cut("one two three four five six seven", after=4)
    await conv.send("count")
    bot = next(m for m in conv.messages() if m.role is Role.ASSISTANT)
    assert bot.meta["partial"] and bot.content and "seven" not in bot.content
    [err] = [m for m in conv.messages() if m.role is Role.ERROR]
    assert err.meta["retryable"] and "\n" not in err.content
    openai_server.reply("all good now")
    await conv.retry(err.id)
    assert texts(conv, Role.ASSISTANT)[-1] == "all good now"


async def test_scheduled_turn_failing_three_times_pauses_without_losing_it(
    make, openai_server, clock
):
    conv, _ = make()
    await conv.send("dps c every hour\nping")
    openai_server.fail(500, times=-1)
    for _ in range(3):
        clock.advance(3600)
        await conv.engine.fire_due()
    [s] = conv.pending()
    assert s.state is ScheduleState.PAUSED and s.failures == 3
    scheduled_turns = [m for m in conv.messages() if m.role is Role.USER and m.schedule_id]
    assert len(scheduled_turns) == 3  # each turn is kept, marked, with a retryable error
    assert all(m.meta.get("failed") for m in scheduled_turns)
    assert len([m for m in conv.messages() if m.role is Role.ERROR]) == 3
    assert "paused" in cards(conv, "error")[-1].content


async def test_tool_calls_schedule_and_feed_results_back(make, openai_server):
    conv, _ = make(tools="on")
    openai_server.reply_tool_calls(
        {
            "name": "schedule_message",
            "arguments": {"recipient": "user", "when": "in 2 hours", "prompt": "drink water"},
        }
    )
    openai_server.reply("Done, I'll remind you.")
    await conv.send("remind me to drink water in 2 hours")
    [s] = conv.pending()
    assert s.prompt == "drink water" and s.created_by is Party.CHATBOT
    second = openai_server.bodies[1]["messages"]
    tool_msg = next(m for m in second if m["role"] == "tool")
    assert json.loads(tool_msg["content"])["id"] == s.id
    assert "tools" in openai_server.bodies[0]
    assert texts(conv, Role.ASSISTANT) == ["Done, I'll remind you."]


async def test_tools_auto_falls_back_on_a_server_without_tools(make, openai_server):
    conv, _ = make(tools="auto")
    openai_server.reject_tools = True
    openai_server.reply("plain text works")
    await conv.send("hello")
    assert texts(conv, Role.ASSISTANT) == ["plain text works"]


async def test_demo_bot_schedules_through_the_same_path(make, openai_server, clock):
    conv, _ = make(demo=True, api_key=None, base_url=None)
    conv2 = Conversation(conv.store, conv.client, conv.settings, clock=clock)
    assert conv2.label == "demo"
    await conv.send("remind me to stretch in 1 minute")
    [s] = conv.pending()
    assert s.created_by is Party.CHATBOT and s.recipient is Party.USER
    clock.advance(61)
    [d] = await conv.engine.fire_due()
    assert "stretch" in d.message.content.lower()
    assert openai_server.bodies == []


async def test_cancel_rules_by_sender(make, openai_server):
    conv, _ = make()
    await conv.send("dps c tomorrow\nmine")
    mine = conv.pending()[0]
    openai_server.reply(f"ok\ndpd {mine.id}")
    openai_server.reply("sorry")
    await conv.send("cancel it")
    assert conv.pending() == [mine]
    assert "only the user can cancel" in cards(conv, "error")[0].content
    await conv.send(f"dpd {mine.id}")
    assert conv.pending() == []
    await conv.send("dpd ffff")
    assert "no schedule ffff" in cards(conv, "error")[-1].content


async def test_preview_edit_pause_and_export(make, openai_server):
    conv, _ = make()
    [p] = conv.preview("dps c every day at 8am\nlesson")
    assert p.ok and p.text == "to the chatbot, Fri 6 Mar 08:00 (in 22 h), then every day at 08:00"
    [bad] = conv.preview("dps c whenever\nx")
    assert not bad.ok
    assert conv.preview("just chatting") == []
    await conv.send("dps u tomorrow at 9am\nold text")
    [s] = conv.pending()
    check = conv.check_edit("in 2 hours", "new text")
    assert check.ok and len(check.fires) == 1
    await conv.edit(s.id, time_prompt="in 2 hours", prompt="new text")
    s2 = conv.store.get_schedule(s.id)
    assert s2.prompt == "new text" and s2.next_fire == T0 + timedelta(hours=2)
    await conv.toggle_pause(s.id)
    assert conv.store.get_schedule(s.id).state is ScheduleState.PAUSED
    await conv.toggle_pause(s.id)
    assert conv.store.get_schedule(s.id).state is ScheduleState.PENDING
    md = conv.export("md")
    assert "old text" in md and "sk-test" not in md
    data = json.loads(conv.export("json"))
    assert data[0]["role"] == "user"
    assert "sk-test" not in conv.export("json")


@pytest.mark.parametrize(
    "text",
    [
        "\x1b[2J\x1b]0;pwned\x07",
        "[@click=app.quit]x[/]",
        "dps",
        "dpd all",
        "dpl",
        "\x00",
        "dps u -1\n.",
    ],
)
async def test_odd_text_never_raises(make, openai_server, text):
    conv, _ = make()
    openai_server.reply(text)
    await conv.send(text)
    await conv.send("hello")


async def test_api_key_never_reaches_the_database(make, openai_server, tmp_path):
    conv, _ = make(tools="on")
    openai_server.fail(401, times=-1)
    await conv.send("hello, my key is not here")
    await conv.stop()
    for f in tmp_path.glob("db.sqlite*"):
        assert b"sk-test-secret-key-1234" not in f.read_bytes()
    assert "sk-test-secret" not in repr(conv.settings)


async def test_time_errors_are_typed(make, openai_server):
    conv, _ = make()
    await conv.send("dps u yesterday at 5pm\nlate")
    await conv.send("dps u whenever\nvague")
    past, bad = cards(conv, "error")
    assert "past" in past.content and "couldn't read the time 'whenever'" in bad.content
    result = conv.actions.schedule(
        parse_message("dps u 5 minutes ago\nx").instructions[0], by=Party.USER
    )
    assert result.data["code"] == "past_time"


async def test_guardrail_days_ahead_applies_to_a_recurring_first_fire(make, openai_server):
    conv, _ = make(guardrails=Guardrails(auto_approve_bot_recurring=True))
    openai_server.reply("ok\ndps u every year on January 25\nyearly")
    openai_server.reply("ok")
    await conv.send("yearly please")
    assert conv.pending() == []
    assert "120 days" in cards(conv, "limit")[0].content
