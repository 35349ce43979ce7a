"""How a bot turn ends (issue 11): one schedule per request however often it is asked for in a
turn, cut and empty replies, the daily limit counted in model requests, and a reply interrupted
by a crash. Through the app's own path, with a scripted client and a real SQLite file."""

from __future__ import annotations

import asyncio
import socket
import subprocess
import sys

import pytest

from dynaprompt_tui.config import Guardrails
from dynaprompt_tui.core.clock import FakeClock
from dynaprompt_tui.core.conversation import streamed_reply
from dynaprompt_tui.core.llm.events import ChatError, Done, TextDelta
from dynaprompt_tui.core.models import Party, Role
from dynaprompt_tui.core.storage.store import Store
from tests.core.scripted import (
    T0,
    Scripted,
    bubbles,
    cards,
    conversation,
    errors,
    settings,
    text,
    tool,
)

STRETCH_TOOL = {"recipient": "user", "when": "in 20 minutes", "prompt": "Time to stretch!"}
STRETCH_TEXT = "dps user in 20 minutes\nTime to stretch!"


# -- the same schedule asked for twice in a turn is made once ---------------------------------


async def test_a_tool_call_and_the_same_dps_in_text_make_one_schedule(tmp_path):
    client = Scripted()
    client.script(
        [tool("schedule_message", **STRETCH_TOOL), Done("tool_calls")],
        text(f"Done! I'll remind you.\n\n{STRETCH_TEXT}"),
    )
    conv = conversation(tmp_path, client)
    await conv.send("remind me to stretch in 20 minutes")
    [s] = conv.pending()
    assert s.prompt == "Time to stretch!"
    assert len(cards(conv, "scheduled")) == 1
    assert bubbles(conv) == ["Done! I'll remind you."]


async def test_the_same_time_in_other_words_is_the_same_request(tmp_path):
    client = Scripted()
    client.script(
        [tool("schedule_message", **STRETCH_TOOL), Done("tool_calls")],
        "Done!\n\ndps user in 20 mins\ntime to stretch\n\ndps user in 21 minutes\nTime to stretch!",
    )
    conv = conversation(tmp_path, client)
    await conv.send("remind me to stretch in 20 minutes")
    assert sorted(s.time_prompt for s in conv.pending()) == ["in 20 minutes", "in 21 minutes"]


async def test_a_tool_call_repeated_every_round_makes_one_schedule(tmp_path):
    client = Scripted()
    client.script(
        *[[tool("schedule_message", f"c{i}", **STRETCH_TOOL), Done("tool_calls")] for i in range(4)]
    )
    conv = conversation(tmp_path, client)
    await conv.send("remind me to stretch in 20 minutes")
    assert len(conv.pending()) == 1 and len(cards(conv, "scheduled")) == 1
    # The model is told it already exists, so it can stop asking.
    answers = [m["content"] for m in client.requests[-1][0] if m["role"] == "tool"]
    assert all('"ok": true' in a for a in answers) and "already scheduled" in answers[-1]


async def test_the_bot_quoting_the_users_message_does_not_schedule_it_again(tmp_path):
    client = Scripted()
    user = "Going for a run.\ndps user in 45 minutes\nStretch, then drink water."
    client.script(f"Have a great run! You wrote:\n\n{user}")
    conv = conversation(tmp_path, client)
    await conv.send(user)
    [s] = conv.pending()
    assert s.created_by is Party.USER
    assert [c.content.startswith("you scheduled") for c in cards(conv, "scheduled")] == [True]


async def test_a_correction_turn_does_not_repeat_what_already_worked(tmp_path):
    client = Scripted()
    client.script(
        f"Sure.\n\n{STRETCH_TEXT}\n\ndps user at teatime-ish\nTea!",
        f"Sorry, fixed.\n\n{STRETCH_TEXT}\n\ndps user at 4pm\nTea!",
    )
    conv = conversation(tmp_path, client)
    await conv.send("remind me to stretch in 20 minutes and about tea at 4pm")
    assert sorted(s.prompt for s in conv.pending()) == ["Tea!", "Time to stretch!"]
    assert len(client.requests) == 2


# -- how the reply ended ------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("finish", "why"),
    [("length", "cut off at the length limit"), ("content_filter", "content filter")],
)
async def test_a_cut_reply_schedules_nothing_and_says_so(tmp_path, finish, why):
    client = Scripted()
    client.script(text("Sure!\n\ndps user in 20 minutes\nTime to str", finish=finish))
    conv = conversation(tmp_path, client)
    await conv.send("remind me to stretch in 20 minutes")
    assert conv.pending() == []
    [note] = cards(conv, "note")
    assert why in note.content and "nothing it asked to schedule" in note.content
    [bot] = [m for m in conv.messages() if m.role is Role.ASSISTANT]
    assert bot.content == "Sure!" and bot.meta["partial"] and bot.meta["cut"] == finish


async def test_a_cut_round_runs_none_of_its_tool_calls(tmp_path):
    client = Scripted()
    client.script([tool("schedule_message", **STRETCH_TOOL), Done("length")])
    conv = conversation(tmp_path, client)
    await conv.send("remind me")
    assert conv.pending() == [] and len(client.requests) == 1
    assert cards(conv, "note")


async def test_a_stream_without_a_finish_reason_is_a_complete_reply(tmp_path):
    client = Scripted()
    client.script(text(f"Sure!\n\n{STRETCH_TEXT}", finish=None))
    conv = conversation(tmp_path, client)
    await conv.send("remind me to stretch in 20 minutes")
    assert [s.prompt for s in conv.pending()] == ["Time to stretch!"]
    assert not cards(conv, "note") and not errors(conv)


@pytest.mark.parametrize(
    "reply",
    [[Done("stop")], [TextDelta("  \n"), Done("stop")], text("<think>nothing to say</think>\n")],
)
async def test_an_empty_reply_shows_an_error_with_retry(tmp_path, reply):
    client = Scripted()
    client.script(reply, "Hello again!")
    conv = conversation(tmp_path, client)
    await conv.send("hi")
    [error] = errors(conv)
    assert error.content == "the model sent an empty reply" and error.meta["retryable"]
    await conv.retry(error.id)
    assert bubbles(conv) == ["Hello again!"]


async def test_events_a_turn_does_not_know_are_ignored(tmp_path):
    class Notice(tuple):
        pass

    client = Scripted()
    client.script([Notice(("the server refused tools",)), *text("Hi!")])
    conv = conversation(tmp_path, client)
    await conv.send("hi")
    assert bubbles(conv) == ["Hi!"] and not errors(conv)


# -- the daily limit counts model requests --------------------------------------------------------


async def test_the_daily_limit_counts_every_request_of_a_scheduled_turn(tmp_path):
    client = Scripted()
    clock = FakeClock(T0)
    conv = conversation(
        tmp_path, client, clock, guardrails=Guardrails(max_scheduled_model_calls_per_day=3)
    )
    client.script(
        [tool("list_schedules", "a"), Done("tool_calls")],
        [tool("list_schedules", "b"), Done("tool_calls")],
        [tool("list_schedules", "c"), Done("tool_calls")],
        "never asked",
    )
    assert await conv.turns.reply(scheduled="ab12")
    assert len(client.requests) == 3  # the 4th request would pass the limit of 3
    [limit] = cards(conv, "limit")
    assert "stopped" in limit.content and "daily limit of 3" in limit.content
    assert await conv.turns.reply(scheduled="ab12")
    assert len(client.requests) == 3
    assert "did not answer" in cards(conv, "limit")[-1].content
    # The user's own turns are not limited.
    await conv.send("hello?")
    assert len(client.requests) == 4


async def test_the_daily_limit_counts_a_failed_calls_retries(tmp_path):
    client = Scripted()
    conv = conversation(
        tmp_path, client, guardrails=Guardrails(max_scheduled_model_calls_per_day=3)
    )
    client.script([ChatError("server", "the server failed (HTTP 503)", attempts=3)])
    assert not await conv.turns.reply(scheduled="ab12")  # 3 requests: 1 + the client's 2 retries
    assert await conv.turns.reply(scheduled="ab12")  # not a failure: the limit, told
    assert len(client.requests) == 1
    assert "daily limit" in cards(conv, "limit")[-1].content


# -- a reply interrupted by a crash -----------------------------------------------------------


async def test_an_interrupted_reply_is_marked_and_offers_retry_on_open(tmp_path):
    store = Store(tmp_path / "db.sqlite")
    store.add_message(Role.USER, "tell me a story", now=T0)
    partial = store.add_message(Role.ASSISTANT, "Once upon a", now=T0, meta={"streaming": True})
    store.close()
    client = Scripted()
    client.script("Once upon a time, the end.")
    conv = conversation(tmp_path, client)
    bot = conv.store.get_message(partial.id)
    assert bot.content == "Once upon a"
    assert bot.meta["interrupted"] and bot.meta["partial"] and not bot.meta["streaming"]
    [error] = errors(conv)
    assert "interrupted" in error.content and error.meta["retryable"]
    await conv.start()  # nothing left to recover: no second error
    await conv.stop()
    conv = conversation(tmp_path, client)
    [error] = errors(conv)
    await conv.retry(error.id)
    assert bubbles(conv)[-1] == "Once upon a time, the end."
    await conv.stop()


def test_settings_helper_reads_the_default_cap(tmp_path):
    assert settings(tmp_path).guardrails.max_scheduled_model_calls_per_day == 50


def _dead_writer() -> str:
    """The writer id of a process that has exited (as after a crash)."""
    child = subprocess.run(
        [sys.executable, "-c", "import os; print(os.getpid())"],
        check=True,
        capture_output=True,
        text=True,
    )
    return f"{socket.gethostname()}:{int(child.stdout)}:dead"


async def test_a_crash_mid_stream_keeps_the_text_so_far_for_the_next_start(tmp_path, monkeypatch):
    monkeypatch.setattr(streamed_reply, "WRITER", _dead_writer())
    monkeypatch.setattr(streamed_reply, "CHECKPOINT_SECONDS", 0.0)  # save at every delta

    class Crashing(Scripted):
        async def stream(self, messages, *, tools=None):
            yield TextDelta("Once upon ")
            yield TextDelta("a time")
            raise asyncio.CancelledError  # the process is killed here

    conv = conversation(tmp_path, Crashing())
    with pytest.raises(asyncio.CancelledError):
        await conv.send("tell me a story")
    [bot] = [m for m in conv.messages() if m.role is Role.ASSISTANT]
    assert bot.meta["streaming"] and bot.content == "Once upon a time"
    conv.store.close()
    client = Scripted()
    client.script("Once upon a time, the end.")
    conv = conversation(tmp_path, client)
    bot = conv.store.get_message(bot.id)
    assert bot.content == "Once upon a time" and bot.meta["interrupted"]
    [error] = errors(conv)
    await conv.retry(error.id)
    assert bubbles(conv)[-1] == "Once upon a time, the end."
    await conv.stop()


async def test_a_reply_being_written_by_a_live_process_is_left_alone(tmp_path):
    store = Store(tmp_path / "db.sqlite")
    store.add_message(
        Role.ASSISTANT, "", now=T0, meta={"streaming": True, "writer": streamed_reply.WRITER}
    )
    store.close()
    conv = conversation(tmp_path, Scripted())  # another window, while the first one writes
    assert errors(conv) == []
    await conv.stop()


async def test_a_bug_mid_stream_does_not_leave_the_reply_writing(tmp_path):
    class Broken(Scripted):
        async def stream(self, messages, *, tools=None):
            yield TextDelta("Hel")
            raise RuntimeError("unexpected chunk shape")

    conv = conversation(tmp_path, Broken())
    await conv.send("hi")
    [bot] = [m for m in conv.messages() if m.role is Role.ASSISTANT]
    assert not bot.meta["streaming"] and bot.meta["partial"] and bot.content == "Hel"
    assert "internal error" in errors(conv)[0].content
