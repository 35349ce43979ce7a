"""The offline demo bot: real instructions in its text, read as the app reads any bot reply."""

from __future__ import annotations

from typing import Any

from dynaprompt_tui.core.conversation.instructions import (
    CancelInstruction,
    ListInstruction,
    ScheduleInstruction,
)
from dynaprompt_tui.core.conversation.replies import parse_reply
from dynaprompt_tui.core.llm.demo import HELP, DemoChatClient, reply_for
from dynaprompt_tui.core.llm.events import ChatClient, Done, TextDelta
from dynaprompt_tui.core.models import Party
from tests.core.scripted import bubbles, conversation


def instructions(text: str) -> list[Any]:
    return list(parse_reply(reply_for(text)).instructions)


async def run(client: ChatClient, text: str) -> list[Any]:
    msgs = [{"role": "system", "content": "x"}, {"role": "user", "content": text}]
    return [e async for e in client.stream(msgs, tools=None)]


def test_remind_in_one_minute() -> None:
    reply = reply_for("remind me to stretch in 1 minute")
    parsed = parse_reply(reply)
    assert parsed.visible.strip()  # some visible text before the instruction
    [ins] = parsed.instructions
    assert ins == ScheduleInstruction(
        Party.USER, "in 1 minute", "Time to stretch!", ins.line, ins.raw
    )


def test_message_me_tomorrow_morning() -> None:
    [ins] = instructions("message me tomorrow morning about the dentist")
    assert isinstance(ins, ScheduleInstruction)
    assert ins.recipient == Party.USER and ins.time_prompt == "tomorrow morning"
    assert "dentist" in ins.prompt


def test_every_day_spanish_goes_to_chatbot() -> None:
    [ins] = instructions("every day at 8am teach me Spanish")
    assert isinstance(ins, ScheduleInstruction)
    assert ins.recipient == Party.CHATBOT and ins.time_prompt == "every day at 8am"
    assert "Spanish word" in ins.prompt


def test_send_me_three_messages() -> None:
    ins = instructions("send me 3 messages")
    assert [i.time_prompt for i in ins] == ["in 10 seconds", "in 20 seconds", "in 30 seconds"]
    assert all(i.recipient == Party.USER for i in ins)


def test_list_and_cancel() -> None:
    assert isinstance(instructions("what's scheduled?")[0], ListInstruction)
    assert isinstance(instructions("list")[0], ListInstruction)
    [c] = instructions("cancel abcd")
    assert isinstance(c, CancelInstruction) and c.ids == ("abcd",)
    [c] = instructions("cancel all")
    assert isinstance(c, CancelInstruction) and c.all


def test_help_has_no_instructions() -> None:
    assert reply_for("hello") == HELP
    assert not parse_reply(HELP).instructions
    assert "demo" in reply_for("tell me a joke").lower()
    assert not instructions("tell me a joke")


def test_scheduled_turn_is_answered() -> None:
    text = reply_for("[scheduled by you, every day at 8am] Teach me one Spanish word.")
    assert "Spanish word" in text and not parse_reply(text).instructions
    other = reply_for("[scheduled] Summarise my day")
    assert "Summarise my day" in other and not parse_reply(other).instructions


async def test_streams_word_by_word() -> None:
    client = DemoChatClient()
    events = await run(client, "remind me to stretch in 1 minute")
    text = "".join(e.text for e in events if isinstance(e, TextDelta))
    assert text == reply_for("remind me to stretch in 1 minute")
    assert sum(isinstance(e, TextDelta) for e in events) > 5
    assert events[-1] == Done("stop", None)


async def test_injectable_delay() -> None:
    waits: list[float] = []

    async def sleep(s: float) -> None:
        waits.append(s)

    client = DemoChatClient(delay=0.01, sleep=sleep)
    await run(client, "hi")
    assert waits and set(waits) == {0.01}


def test_reminder_speaks_to_the_user() -> None:
    [ins] = instructions("remind me to check my list in 5 minutes")
    assert ins.prompt == "Time to check your list!"


def test_app_notes_get_a_short_ack_without_instructions() -> None:
    text = reply_for("[app note]\nyour dps line failed: unknown recipient")
    assert text.startswith("Noted") and not parse_reply(text).instructions


def test_real_scheduled_header_format() -> None:
    text = reply_for("[scheduled message, set by you for Tue 25 Nov 08:00]\nTeach me Spanish")
    assert "Spanish word" in text


README_EXAMPLE = """Going for a run.
dps user in 45 minutes
Stretch, then drink water.
dps chatbot tomorrow evening
Ask me how the run went and suggest tomorrow's distance."""


async def test_the_readme_example_in_demo_mode_makes_each_schedule_once(tmp_path) -> None:
    """The demo bot used to quote the message back, which ran every instruction twice."""
    conv = conversation(tmp_path, DemoChatClient(), demo=True)
    await conv.send(README_EXAMPLE)
    assert sorted((s.created_by, s.recipient, s.time_prompt) for s in conv.pending()) == [
        (Party.USER, Party.CHATBOT, "tomorrow evening"),
        (Party.USER, Party.USER, "in 45 minutes"),
    ]
    [bubble] = bubbles(conv)
    assert "Going for a run" in bubble and "dps" not in bubble.split("You can also")[0]
    await conv.stop()


def test_the_demo_neither_quotes_nor_acts_on_the_users_own_instructions() -> None:
    reply = reply_for("remind me in 5 minutes\ndps u in 5 minutes\nstretch")
    assert [type(i) for i in parse_reply(reply).instructions] == [ScheduleInstruction]
    assert parse_reply(reply_for("dpl\nanything else?")).instructions == ()
    quoted = reply_for("hello there\ndps user in 1 hour\nstretch")
    assert "dps" not in quoted.split("You can also")[0] and not parse_reply(quoted).instructions
    scheduled = reply_for("[scheduled message]\ndps user in 5 minutes\nx")
    assert not parse_reply(scheduled).instructions
