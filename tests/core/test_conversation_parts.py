"""The conversation's collaborators alone (each built from plain parts, no facade), the facade's
export and cancel-all, and the shape of the subsystem: no circles, no back-references."""

from __future__ import annotations

import json
import os
from datetime import timedelta
from zoneinfo import ZoneInfo

import grimp
import pytest

from dynaprompt_tui import config
from dynaprompt_tui.config import Settings
from dynaprompt_tui.core.conversation import Conversation
from dynaprompt_tui.core.conversation.actions import ActionResult, Actions, show
from dynaprompt_tui.core.conversation.drafts import EditCheck, Preview, check_edit, preview
from dynaprompt_tui.core.conversation.export import export_file_name, export_text
from dynaprompt_tui.core.conversation.instructions import (
    CancelInstruction,
    InvalidInstruction,
    ListInstruction,
    ParsedMessage,
    ScheduleInstruction,
    parse_message,
)
from dynaprompt_tui.core.conversation.schedule_view import ScheduleView, describe
from dynaprompt_tui.core.conversation.transcript import Transcript
from dynaprompt_tui.core.llm.events import Done, TextDelta, ToolCall
from dynaprompt_tui.core.llm.secrets import masked
from dynaprompt_tui.core.llm.settings import ModelSettings
from dynaprompt_tui.core.models import Party, Role, ScheduleState
from dynaprompt_tui.core.scheduling.book import ScheduleBook
from dynaprompt_tui.core.scheduling.guardrails import Guardrails
from tests.core.conftest import LONDON, T0


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

    def kinds(self) -> list[str]:
        return [k for k, _ in self.events]


def user_schedules(store, clock, text: str):
    """Schedules made by the user's `dps` lines, through `Actions` built alone."""
    actions = Actions(
        store,
        ScheduleBook(store),
        clock=clock,
        zone=LONDON,
        guardrails=Guardrails(),
        schedules_changed=lambda: None,
    )
    return [r.schedule for r in actions.run(parse_message(text).instructions, by=Party.USER)]


@pytest.fixture
def conv(tmp_path, clock):
    settings = Settings(db_path=tmp_path / "db.sqlite", tz="Europe/London", demo=True)
    c = Conversation.open(settings, clock=clock)
    yield c
    c.store.close()


# -- the facade's public names ------------------------------------------------------------------


@pytest.mark.parametrize(
    "module", ["dynaprompt_tui.core.conversation", "dynaprompt_tui.core.conversation.facade"]
)
def test_star_import_gives_every_public_name(module):
    names: dict[str, object] = {}
    exec(f"from {module} import *", names)
    assert {"Conversation", "ConversationListener", "ScheduleView", "TurnFailed"} <= set(names)


# -- collaborators built alone ------------------------------------------------------------------


def test_transcript_stores_then_tells_the_listener(store, clock):
    rec = Recorder()
    t = Transcript(store, clock, rec)
    m = t.add(Role.USER, "hi")
    hidden = t.record(Role.ASSISTANT, "", meta={"hidden": True})
    t.delta(m.id, "more")
    changed = t.change(m.id, content="hello")
    card = t.notice("limit", "stop", to_bot=True, schedule_id="ab")
    assert rec.kinds() == ["message", "delta", "changed", "message"]  # `record` is silent
    assert changed.content == "hello" and hidden.meta == {"hidden": True}
    assert card.role is Role.NOTICE
    assert card.meta == {"card": "limit", "to_bot": True, "schedule_id": "ab"}
    assert [x.id for x in store.messages()] == [m.id, hidden.id, card.id]
    Transcript(store, clock).add(Role.USER, "nobody listens")  # the silent listener


def test_actions_alone_apply_the_guardrails_and_report_changes(store, clock):
    changes: list[None] = []
    actions = Actions(
        store,
        ScheduleBook(store),
        clock=clock,
        zone=LONDON,
        guardrails=Guardrails(max_bot_pending=1),
        schedules_changed=lambda: changes.append(None),
    )
    [first, second] = parse_message("dps u in 1 hour\none\ndps u in 2 hours\ntwo").instructions
    ok, limited = actions.run([first, second], by=Party.CHATBOT)
    assert ok.ok and ok.card == "scheduled" and ok.data["id"] == ok.schedule.id
    assert ok.data["next_fire"] == (T0 + timedelta(hours=1)).astimezone(LONDON).isoformat()
    assert (limited.ok, limited.card) == (False, "limit") and "limit 1" in limited.text
    assert len(changes) == 1 and len(store.schedules()) == 1
    [listing] = actions.run([ListInstruction(1, "dpl")], by=Party.USER)
    assert listing.data["schedules"][0]["prompt"] == "one"
    cancel = actions.cancel(CancelInstruction((), True, 1, "dpd all"), by=Party.USER)
    assert cancel.data["cancelled"] == [ok.schedule.id] and len(changes) == 2
    assert cancel.for_tool() == {"ok": True, "result": cancel.text, **cancel.data}


def test_show_puts_a_result_in_the_chat_as_a_card(store, clock):
    rec = Recorder()
    t = Transcript(store, clock, rec)
    m = show(t, ActionResult(False, "error", "line 1: nope"), to_bot=True)
    assert m.meta == {"card": "error", "to_bot": True, "ok": False}
    assert rec.kinds() == ["message"]


def test_drafts_alone(store, clock):
    now = clock.now().astimezone(LONDON)
    [s] = user_schedules(store, clock, "dps u in 5 minutes\nwater the plants")
    assert preview("dpd all\ndpl", now, store) == [
        Preview(True, "cancels the one pending schedule"),
        Preview(True, "lists the one pending schedule"),
    ]
    [one] = preview(f"dpd {s.id}", now, store)
    assert one == Preview(True, f"cancels {s.id} “water the plants”")
    assert preview("dpd ffff", now, store) == [Preview(False, "no schedule ffff (dpl lists them)")]
    assert preview("hello", now, store) == []
    far = check_edit("in 100 years", "lesson", now)
    assert not far.ok and far.error is not None
    assert far.error.endswith(".") and "e.g. 'in 2 hours'" in far.error  # says what to write
    check = check_edit("every day at 9am", "lesson", now)
    assert check.ok and check.error is None and len(check.fires) == 3
    assert check_edit("in 1 hour", "  ", now).ok is False


def test_schedule_view_is_in_words(store, clock):
    [s] = user_schedules(store, clock, "dps u every day at 9am\n" + "a lesson " * 20)
    view = describe(s, clock.now().astimezone(LONDON))
    assert view._replace(prompt="") == ScheduleView(
        s.id,
        "to you",
        "by you",
        "every day at 09:00",
        "Fri 6 Mar 09:00",
        "in 23 h",
        "",
        False,
        False,
    )
    assert view.prompt.endswith("…") and len(view.prompt) == 60


def test_export_text_and_file_name(store, clock):
    store.add_message(Role.USER, "hello", now=T0)
    messages = store.messages()
    md = export_text(messages, "md", LONDON)
    assert "**You** · 2026-03-05 10:15" in md and "hello" in md
    assert json.loads(export_text(messages, "json", LONDON))[0]["content"] == "hello"
    with pytest.raises(ValueError, match="unknown export format"):
        export_text(messages, "pdf", LONDON)
    paris = T0.astimezone(ZoneInfo("Europe/Paris"))
    assert export_file_name(paris, "md") == "dynaprompt-20260305-1115.md"


# -- the facade's own use cases ----------------------------------------------------------------


async def test_export_file_writes_a_stamped_file_in_the_users_zone(conv, tmp_path):
    await conv.send("dps u in 5 minutes\nstretch")
    path = conv.export_file("md", tmp_path)
    assert path == tmp_path / "dynaprompt-20260305-1015.md"  # London is on UTC in March
    assert path.read_text(encoding="utf-8") == conv.export("md")
    old_umask = os.umask(0)  # the most permissive umask: the file is still the owner's only
    try:
        private = conv.export_file("json", tmp_path / "")
    finally:
        os.umask(old_umask)
    assert private.stat().st_mode & 0o777 == 0o600
    assert conv.export_file("json", tmp_path).suffix == ".json"
    with pytest.raises(OSError):
        conv.export_file("md", tmp_path / "missing" / "dir")
    with pytest.raises(ValueError):
        conv.export_file("pdf", tmp_path)
    assert not list(tmp_path.glob("*.pdf"))


async def test_cancel_all_cancels_pending_and_paused_and_tells_once(conv):
    rec = Recorder()
    conv.listener = rec  # replaced after opening, as the UI does
    assert await conv.cancel_all() == [] and rec.events == []
    await conv.send("dps u in 5 minutes\none\ndps c tomorrow at 9am\ntwo")
    [a, b] = conv.pending()
    await conv.pause(b.id)
    rec.events.clear()
    cancelled = await conv.cancel_all()
    assert [s.id for s in cancelled] == [a.id, b.id]
    assert all(s.state is ScheduleState.CANCELLED for s in cancelled)
    assert conv.pending() == [] and rec.kinds() == ["schedules"]


# -- value types and the shape of the subsystem --------------------------------------------------


@pytest.mark.parametrize(
    "record",
    [
        ActionResult(True, "list", "x"),
        Preview(True, "x"),
        EditCheck(True, None, "once", ()),
        ScheduleInstruction(Party.USER, "in 1 hour", "x", 1, "dps u in 1 hour\nx"),
        CancelInstruction(("ab",), False, 1, "dpd ab"),
        ListInstruction(1, "dpl"),
        InvalidInstruction(ValueError("x"), 1, "dps"),  # type: ignore[arg-type]
        ParsedMessage("x", ()),
        TextDelta("x"),
        ToolCall("id", "list_schedules", {}),
        Done("stop"),
    ],
)
def test_value_types_are_named_tuples(record):
    assert isinstance(record, tuple) and record._replace() == record


def test_action_result_default_data_is_read_only():
    with pytest.raises(TypeError):
        ActionResult(True, "list", "x").data["k"] = 1  # type: ignore[index]


def test_config_reexports_the_cores_guardrails_and_masking():
    assert config.Guardrails is Guardrails and config.masked is masked
    settings: ModelSettings = Settings(tz="UTC")  # satisfies the core's protocol structurally
    assert settings.guardrails == Guardrails()  # type: ignore[attr-defined]


def test_no_collaborator_imports_the_facade_and_there_is_no_circle():
    """The workspace composes facades; the facade composes collaborators; nothing below
    reaches up."""
    graph = grimp.build_graph("dynaprompt_tui")
    facade = "dynaprompt_tui.core.conversation.facade"
    workspace = "dynaprompt_tui.core.conversation.workspace"
    ours = sorted(
        m
        for m in graph.modules
        if m.startswith(("dynaprompt_tui.core.conversation.", "dynaprompt_tui.core.llm."))
    )
    for m in ours:
        if m != workspace:
            assert not graph.chain_exists(m, workspace), f"{m} reaches the workspace"
        if m not in (facade, workspace):
            assert not graph.chain_exists(m, facade), f"{m} reaches the facade"
    for i, a in enumerate(ours):
        for b in ours[i + 1 :]:
            assert not (graph.chain_exists(a, b) and graph.chain_exists(b, a)), f"{a} <-> {b}"
