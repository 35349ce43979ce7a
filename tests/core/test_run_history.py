"""Missed fires and the run history (issue 13), through the real engine and conversation on a
real SQLite file: the policy set by a `dps` clause, each fire's outcome recorded where it is
known (the delivery, the model call), and what another connection sees of it all."""

from __future__ import annotations

from datetime import timedelta

import pytest

from dynaprompt_tui.config import Guardrails
from dynaprompt_tui.core.clock import FakeClock
from dynaprompt_tui.core.conversation.missed import split_missed
from dynaprompt_tui.core.llm.events import ChatError
from dynaprompt_tui.core.models import MissedPolicy, Outcome, Party, Role, ScheduleState
from dynaprompt_tui.core.scheduling.engine import Engine
from dynaprompt_tui.core.storage import Store
from tests.core.scripted import T0, Scripted, conversation

H = timedelta(hours=1)
D = timedelta(days=1)


@pytest.mark.parametrize(
    ("typed", "phrase", "policy"),
    [
        ("every day at 8am (skip if missed)", "every day at 8am", MissedPolicy.SKIP),
        ("every day at 8am, skip missed", "every day at 8am", MissedPolicy.SKIP),
        ("every weekday at 8am skip if missed", "every weekday at 8am", MissedPolicy.SKIP),
        ("every hour (deliver each missed)", "every hour", MissedPolicy.EACH),
        ("every day at 8am (if missed, catch up)", "every day at 8am", MissedPolicy.EACH),
        ("every day at 9 (once if missed)", "every day at 9", MissedPolicy.ONCE),
        ("tomorrow at 9", "tomorrow at 9", None),
        ("in 5 minutes (missed)", "in 5 minutes (missed)", None),  # names no policy
    ],
)
def test_the_missed_clause_of_a_dps_line(typed, phrase, policy):
    assert split_missed(typed) == (phrase, policy)


async def _fire_all(engine: Engine) -> list:
    """Passes until nothing is due (EACH makes a schedule due again at once)."""
    out: list = []
    for _ in range(50):
        got = await engine.fire_due()
        if not got:
            return out
        out += got
    raise AssertionError("still delivering after 50 passes")


async def test_dps_sets_the_policy_and_skip_delivers_nothing_late(tmp_path):
    clock = FakeClock(T0)
    conv = conversation(tmp_path, Scripted(), clock)
    await conv.send("dps user every day at 8am (skip if missed)\nWater the plants.")
    [s] = conv.pending()
    assert s.on_missed is MissedPolicy.SKIP and s.time_prompt == "every day at 8am"
    assert "if missed: skipped" in [m for m in conv.messages() if m.role is Role.NOTICE][-1].content
    # Down for three days: nothing arrives, the rule goes on tomorrow at 8.
    assert s.next_fire is not None
    clock.set(s.next_fire + 3 * D + H)
    engine = Engine(conv.store, clock, lambda d: None)
    assert await _fire_all(engine) == []
    after = conv.store.get_schedule(s.id)
    assert after.state is ScheduleState.PENDING and after.next_fire == s.next_fire + 4 * D
    [fire] = conv.store.fires(s.id)
    assert (fire.outcome, fire.missed, fire.message_id) == (Outcome.SKIPPED, 3, None)
    assert not [m for m in conv.messages() if m.schedule_id == s.id]
    await conv.stop()


async def test_each_delivers_every_missed_fire_and_once_coalesces(tmp_path):
    clock = FakeClock(T0)
    conv = conversation(tmp_path, Scripted(), clock)
    await conv.send("dps user every day at 8am (each if missed)\nA Spanish word.")
    await conv.send("dps user every day at 8am\nA French word.")
    once, each = sorted(conv.pending(), key=lambda s: s.prompt)  # French, Spanish
    assert (each.on_missed, once.on_missed) == (MissedPolicy.EACH, MissedPolicy.ONCE)
    assert each.next_fire is not None
    clock.set(each.next_fire + 2 * D + H)
    got = await _fire_all(Engine(conv.store, clock, lambda d: None))
    assert sorted(d.message.content for d in got) == ["A French word."] + ["A Spanish word."] * 3
    assert all(d.late for d in got)
    assert [f.outcome for f in conv.store.fires(each.id)] == [Outcome.LATE] * 3
    [coalesced] = conv.store.fires(once.id)
    assert (coalesced.outcome, coalesced.missed) == (Outcome.LATE, 2)
    await conv.stop()


async def test_the_policy_changes_and_edits_keep_it(tmp_path):
    conv = conversation(tmp_path, Scripted())
    s = await conv.create(recipient=Party.USER, time_prompt="every day at 9am", prompt="Hi")
    assert s.on_missed is MissedPolicy.ONCE
    s = await conv.set_missed_policy(s.id, MissedPolicy.SKIP)
    assert conv.store.get_schedule(s.id).on_missed is MissedPolicy.SKIP
    s = await conv.edit(s.id, time_prompt="every day at 10am", prompt="Hello")
    assert s.on_missed is MissedPolicy.SKIP  # an edit without a clause keeps it
    s = await conv.edit(s.id, time_prompt="every day at 10am (each if missed)", prompt="Hello")
    assert (s.on_missed, s.time_prompt) == (MissedPolicy.EACH, "every day at 10am")
    await conv.stop()


async def _deliver_to_bot(tmp_path, client: Scripted, **kw):
    clock = FakeClock(T0)
    conv = conversation(tmp_path, client, clock, **kw)
    s = await conv.create(recipient=Party.CHATBOT, time_prompt="in 1 hour", prompt="Ping?")
    clock.set(T0 + H)
    [d] = await conv.engine.fire_due()
    await conv.idle()
    [fire] = conv.store.fires(s.id)
    await conv.stop()
    return d, fire


async def test_history_records_a_model_call_that_succeeded(tmp_path):
    client = Scripted()
    client.script("Pong!")
    d, fire = await _deliver_to_bot(tmp_path, client)
    assert (fire.outcome, fire.model, fire.message_id) == (Outcome.DELIVERED, "ok", d.message.id)


async def test_history_records_a_model_call_that_failed(tmp_path):
    client = Scripted()
    client.script([ChatError("server", "503 from the server")])
    _, fire = await _deliver_to_bot(tmp_path, client)
    assert (fire.outcome, fire.model) == (Outcome.FAILED, "failed")
    assert fire.status == "delivered"  # the message was delivered; the turn failed


async def test_history_records_a_turn_blocked_by_a_guardrail(tmp_path):
    client = Scripted()
    _, fire = await _deliver_to_bot(
        tmp_path, client, guardrails=Guardrails(max_scheduled_model_calls_per_day=0)
    )
    assert (fire.outcome, fire.model) == (Outcome.BLOCKED, "blocked")
    assert fire.error and "limit" in fire.error
    assert client.requests == []


async def test_another_connection_sees_what_this_one_wrote(tmp_path):
    """changes_since: nothing for our own writes, the others' added and changed messages, and
    schedules changed."""
    path = tmp_path / "db.sqlite"
    window, other = Store(path), Store(path)
    window.add_message(Role.USER, "mine", now=T0)
    point = window.sync_point()
    window.add_message(Role.USER, "mine too", now=T0)
    assert window.changes_since(point) is None  # our own writes: the cheap answer
    reply = other.add_message(Role.ASSISTANT, "", now=T0, meta={"streaming": True})
    changes = window.changes_since(point)
    assert changes is not None and [m.id for m in changes.added] == [reply.id]
    assert not changes.changed and not changes.schedules_changed
    other.update_message(reply.id, content="Hello!", meta={"streaming": False})
    other.add_schedule(
        created_by=Party.USER,
        recipient=Party.USER,
        time_prompt="in 1 hour",
        rule={},
        tz="UTC",
        recurring=False,
        description="",
        prompt="x",
        next_fire=T0 + H,
        now=T0,
    )
    later = window.changes_since(changes.point)
    assert later is not None and later.added == [] and later.schedules_changed
    assert [(m.id, m.content) for m in later.changed] == [(reply.id, "Hello!")]
    assert window.changes_since(later.point) is None
    window.close()
    other.close()


# -- the history in words ----------------------------------------------------------------------


def _fire(**kw):
    from dynaprompt_tui.core.models import Fire

    base = {"id": 1, "schedule_id": "ab12", "due_at": T0, "status": "delivered", "claimed_at": T0}
    return Fire(**(base | kw))


@pytest.mark.parametrize(
    ("fire", "words"),
    [
        (_fire(delivered_at=T0, outcome=Outcome.DELIVERED), "delivered 10:15"),
        (
            _fire(delivered_at=T0 + H, late=True, outcome=Outcome.LATE, missed=3),
            "delivered 11:15 (late) · 3 more missed (in one message)",
        ),
        (_fire(outcome=Outcome.SKIPPED, missed=2), "skipped · 2 more missed (skipped)"),
        (
            _fire(delivered_at=T0, outcome=Outcome.FAILED, model="failed"),
            "failed · the model call failed",
        ),
        (
            _fire(delivered_at=T0, outcome=Outcome.BLOCKED, model="blocked", error="daily limit"),
            "blocked by a guardrail · daily limit",
        ),
        (
            _fire(delivered_at=T0, outcome=Outcome.DELIVERED, model="ok"),
            "delivered 10:15 · the chatbot answered",
        ),
        (_fire(status="failed", error="disk full"), "failed · disk full"),  # an old row
        (_fire(delivered_at=T0 + D, late=True), "delivered 2026-03-06 10:15 (late)"),  # old row
    ],
)
def test_each_fire_in_words(fire, words):
    from zoneinfo import ZoneInfo

    from dynaprompt_tui.core.conversation.runs import run_line

    line = run_line(fire, ZoneInfo("Europe/London"))
    assert (line.due, line.text) == ("2026-03-05 10:15", words)
