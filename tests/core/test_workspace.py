"""Many conversations (issue 14), in the core: the migration of a single-conversation database,
where fires land, unread marks, per-conversation guardrails, settings and titles, search, delete."""

from __future__ import annotations

import shutil
import sqlite3
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any

import pytest

from dynaprompt_tui.config import Guardrails, Settings
from dynaprompt_tui.core.clock import FakeClock
from dynaprompt_tui.core.conversation.titles import clean_title
from dynaprompt_tui.core.conversation.workspace import Workspace
from dynaprompt_tui.core.llm.demo import DemoChatClient
from dynaprompt_tui.core.models import Message, Party, Role, ScheduleState, TitleSource
from dynaprompt_tui.core.storage.migrations import SCHEMA_VERSION
from dynaprompt_tui.core.storage.store import Store, StoreError
from tests.core.scripted import Scripted
from tests.openai_server import MODELS, OpenAIServer

V2_DB = Path(__file__).resolve().parents[1] / "data" / "single-conversation-v2.db"
T0 = datetime(2030, 1, 7, 10, 30, tzinfo=UTC)  # after the first conversation was made


class Recorder:
    """A window's listener: what it is told, and of which other conversation."""

    def __init__(self) -> None:
        self.shown: list[Message] = []
        self.elsewhere: list[tuple[int, Message | None]] = []

    def on_message(self, message: Message) -> None:
        self.shown.append(message)

    def on_elsewhere(self, conversation_id: int, message: Message | None) -> None:
        self.elsewhere.append((conversation_id, message))

    def __getattr__(self, name: str) -> Any:
        return lambda *a, **k: None


def open_ws(tmp_path: Path, client: Any = None, **kw: Any) -> Workspace:
    settings = Settings(db_path=tmp_path / "chat.db", tz="Europe/Madrid", demo=client is None, **kw)
    return Workspace.open(
        settings, clock=FakeClock(T0), chat_client=client or DemoChatClient(), listener=Recorder()
    )


# -- the migration --------------------------------------------------------------------------


def test_a_single_conversation_database_becomes_the_first_conversation(tmp_path: Path) -> None:
    db = tmp_path / "old.db"
    shutil.copy(V2_DB, db)
    before = sqlite3.connect(db)
    assert before.execute("PRAGMA user_version").fetchone()[0] == 2
    counts = [
        before.execute(f"SELECT count(*) FROM {t}").fetchone()[0]
        for t in ("messages", "schedules", "fires")
    ]
    before.close()

    store = Store(db)
    [first] = store.conversations()
    assert first.id == 1
    assert first.title == "Hola! Can you teach me Spanish?"
    assert first.title_source is TitleSource.WORDS
    assert first.unread == 0  # all of it was seen before
    assert first.pending == 4  # pending and paused, the one awaiting approval too
    assert [
        store.message_count(),
        len(store.schedules(ScheduleState)),
        len(store.fires()),
    ] == counts
    assert all(m.conversation_id == 1 for m in store.messages(limit=100))
    assert {s.conversation_id for s in store.schedules(ScheduleState)} == {1}
    [fire] = store.fires()
    assert fire.message_id is not None
    assert store.get_message(fire.message_id).content == "Stretch your legs."
    assert store.search("spanish")  # the old messages are indexed
    store.close()


def test_a_database_from_a_newer_release_is_refused_and_left_as_it_is(tmp_path: Path) -> None:
    db = tmp_path / "new.db"
    Store(db).close()
    raw = sqlite3.connect(db)
    raw.execute(f"PRAGMA user_version = {SCHEMA_VERSION + 1}")
    raw.commit()
    raw.close()
    with pytest.raises(StoreError, match="newer dynaprompt-tui"):
        Store(db)
    raw = sqlite3.connect(db)
    assert raw.execute("PRAGMA user_version").fetchone()[0] == SCHEMA_VERSION + 1
    assert raw.execute("SELECT count(*) FROM conversations").fetchone()[0] == 1
    raw.close()


# -- where things land ------------------------------------------------------------------------


async def test_a_fire_lands_in_its_conversation_with_an_unread_mark(tmp_path: Path) -> None:
    ws = open_ws(tmp_path)
    window: Recorder = ws.listener  # type: ignore[assignment]
    first = ws.current
    lessons = ws.create("Spanish")
    await lessons.send("dps user in 10 minutes\nRepasa el vocabulario.")
    await first.send("hello")
    assert [s.conversation_id for s in ws.get(lessons.id).pending()] == [lessons.id]
    assert first.pending() == []

    ws.clock.advance(11 * 60)  # type: ignore[attr-defined]
    await ws.engine.fire_due()
    await ws.idle()

    [fired] = [m for m in lessons.messages() if m.role is Role.REMINDER]
    assert fired.content == "Repasa el vocabulario." and fired.conversation_id == lessons.id
    assert all(m.conversation_id == first.id for m in first.messages())
    assert (lessons.id, fired) in window.elsewhere  # not shown: another conversation is open
    assert fired not in window.shown
    ws.mark_read()  # (what a window does with what it shows)
    listed = {c.id: c for c in ws.conversations()}
    assert listed[lessons.id].unread == 1 and listed[first.id].unread == 0
    assert ws.store.unread_total(besides=first.id) == 1
    assert ws.store.unread_total(besides=lessons.id) == 0
    assert ws.conversations()[0].id == lessons.id  # the latest activity first

    ws.switch(lessons.id)
    assert ws.info(lessons.id).unread == 0
    await ws.stop()


async def test_the_bots_pending_cap_is_per_conversation(tmp_path: Path) -> None:
    ws = open_ws(tmp_path, guardrails=Guardrails(max_bot_pending=1))
    one, two = ws.current, ws.create()
    reply = "Sure.\ndps user in 1 hour\nStand up."
    for c in (one, two):
        c.client = Scripted()
        c.client.script(reply, reply)
        await c.send("remind me")
    assert one.store.count_schedules(created_by=Party.CHATBOT) == 1
    assert two.store.count_schedules(created_by=Party.CHATBOT) == 1
    await one.send("again")  # the second in the same conversation is over the cap
    assert one.store.count_schedules(created_by=Party.CHATBOT) == 1
    assert any(m.meta.get("card") == "limit" for m in one.messages())
    await ws.stop()


# -- settings, titles ---------------------------------------------------------------------------


async def test_a_conversations_persona_and_model_are_its_own(
    tmp_path: Path, openai_server: OpenAIServer
) -> None:
    openai_server.default = {"text": "Vale."}
    settings = Settings(
        db_path=tmp_path / "chat.db",
        tz="Europe/Madrid",
        model="gpt-4o-mini",
        base_url=openai_server.base_url,
        api_key="sk-test",
        system_prompt="You are terse.",
        model_titles=False,
    )
    ws = Workspace.open(settings, clock=FakeClock(T0))
    coach = ws.create("Coach")
    ws.configure(
        coach.id, model="gpt-4o", system_prompt="You are a workout coach.", temperature=0.2
    )
    await coach.send("plan my week")
    await ws.current.send("hi")
    to_coach, to_default = [r["body"] for r in openai_server.requests if r["method"] == "POST"]
    assert to_coach["model"] == "gpt-4o" and to_coach["temperature"] == 0.2
    assert "workout coach" in to_coach["messages"][0]["content"]
    assert to_default["model"] == "gpt-4o-mini" and "terse" in to_default["messages"][0]["content"]
    assert "workout coach" not in to_default["messages"][0]["content"]
    assert await ws.models() == sorted(MODELS)
    with pytest.raises(StoreError, match="between 0 and 2"):
        ws.configure(coach.id, temperature=3)
    ws.configure(coach.id, model=None, system_prompt="  ")  # back to the defaults
    assert ws.info(coach.id).model is None and ws.info(coach.id).system_prompt is None
    await ws.stop()


async def test_titles_from_the_first_words_then_the_model_never_over_the_users(
    tmp_path: Path,
) -> None:
    client = Scripted()
    ws = open_ws(tmp_path, client)
    ws.settings = ws.settings._replace(demo=False)  # type: ignore[attr-defined]
    c = ws.current
    c.settings = ws.settings
    client.script("Claro, empecemos.", '"Spanish lessons."\n')
    await c.send("Can you teach me **Spanish** every day please?")
    assert ws.info().title_source in (TitleSource.WORDS, TitleSource.MODEL)
    await ws.idle()
    assert (ws.info().title, ws.info().title_source) == ("Spanish lessons", TitleSource.MODEL)
    assert client.requests[-1][1] is None  # the title request offers no tools

    other = ws.create()
    ws.rename(other.id, "Mine")
    client.script("ok", "Model title")
    await other.send("whatever")
    await ws.idle()
    assert ws.info(other.id).title == "Mine"
    with pytest.raises(StoreError):
        ws.rename(other.id, "   ")
    await ws.stop()


def test_a_model_title_is_cleaned() -> None:
    assert clean_title('Title: "Weekly *workout* plan."\nmore') == "Weekly *workout* plan"
    assert clean_title("\n\n  ") == ""


# -- search, delete -----------------------------------------------------------------------------


async def test_search_finds_words_in_every_conversation_newest_first(tmp_path: Path) -> None:
    ws = open_ws(tmp_path)
    a, b = ws.current, ws.create("B")
    a.add(Role.USER, "Mañana vamos al mercado")
    b.add(Role.ASSISTANT, "El mercado abre a las nueve")
    a.add(Role.USER, 'odd "quotes" AND (parens) NEAR*')
    hits = ws.search("merc")  # a prefix while typing
    assert [h.conversation_id for h in hits] == [b.id, a.id]
    assert hits[0].snippet == "El [mercado] abre a las nueve"
    assert ws.search("manana")  # accents folded
    assert ws.search('"quotes" AND (')  # FTS5 syntax is plain text
    assert ws.search("   ") == [] and ws.search("zzz") == []
    a.store.delete_messages([hits[1].message_id])
    assert [h.conversation_id for h in ws.search("mercado")] == [b.id]
    a.change(a.messages()[-1].id, content="now about cheese")
    assert ws.search("cheese") and not ws.search("parens")
    await ws.stop()


async def test_deleting_a_conversation_removes_all_of_it(tmp_path: Path) -> None:
    ws = open_ws(tmp_path)
    keep, gone = ws.current, ws.create("Gone")
    await keep.send("dps user in 5 minutes\nkeep me")
    await gone.send("dps user in 5 minutes\ndelete me")
    ws.switch(gone.id)
    ws.clock.advance(6 * 60)  # type: ignore[attr-defined]
    await ws.engine.fire_due()
    assert len(ws.store.fires()) == 2
    now_open = await ws.delete(gone.id)
    assert now_open == keep.id and ws.current_id == keep.id
    assert [c.id for c in ws.conversations()] == [keep.id]
    assert len(ws.store.fires()) == 1 and not ws.search("delete")
    assert all(m.conversation_id == keep.id for m in ws.store.messages(limit=100))
    with pytest.raises(StoreError):
        ws.get(gone.id)
    # The last one deleted: a new, empty one is opened.
    assert await ws.delete(keep.id) not in (keep.id, gone.id)
    assert ws.current.messages() == []
    await ws.stop()


async def test_archived_conversations_leave_the_list_but_keep_everything(tmp_path: Path) -> None:
    ws = open_ws(tmp_path)
    old = ws.create("Old")
    await old.send("dps user in 1 hour\nstill pending")
    ws.archive(old.id)
    assert old.id not in [c.id for c in ws.conversations()]
    assert [c.id for c in ws.conversations(archived=True)] == [old.id]
    assert len(old.pending()) == 1  # its schedules still fire
    ws.archive(old.id, archived=False)
    assert old.id in [c.id for c in ws.conversations()]
    await ws.stop()


async def test_a_conversation_that_does_not_exist_is_a_clear_error(tmp_path: Path) -> None:
    Store(tmp_path / "chat.db").close()
    settings = Settings(db_path=tmp_path / "chat.db", tz="UTC", demo=True)
    with pytest.raises(StoreError, match="no conversation 42"):
        Workspace.open(settings, conversation_id=42)
    ws = Workspace.open(settings, clock=FakeClock(T0 + timedelta(days=1)))
    assert ws.current_id == 1
    await ws.stop()


@pytest.mark.parametrize("candidates", [3, 200])
async def test_search_is_exact_for_long_prefixes_whichever_way_it_is_found(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, candidates: int
) -> None:
    """A last word longer than the indexed prefixes is found by walking the indexed prefix's
    matches (in pages) or, when those are too many, by FTS5 itself: the same newest hits."""
    import random

    from dynaprompt_tui.core.storage import conversations as table

    monkeypatch.setattr(table, "CANDIDATES", candidates)
    monkeypatch.setattr(table, "MAX_CANDIDATES", candidates * 4)
    ws = open_ws(tmp_path)
    rng = random.Random(5)
    vocabulary = ["schedule", "scheduled", "schedules", "scheme", "schema", "Schédule", "plan"]
    texts = [" ".join(rng.choice(vocabulary) for _ in range(3)) for _ in range(120)]
    for t in texts:
        ws.current.add(Role.USER, t)

    def brute(query: str) -> list[str]:
        *exact, last = [table._fold(w) for w in query.split()]
        found = []
        for t in reversed(texts):
            words = {table._fold(w) for w in t.split()}
            if set(exact) <= words and any(w.startswith(last) for w in words):
                found.append(t)
        return found[:10]

    for query in ["schedu", "scheduled", "plan schedul", "schem", "schema plan", "schedules"]:
        got = [ws.store.get_message(h.message_id).content for h in ws.search(query, limit=10)]
        assert got == brute(query), query
    await ws.stop()


async def test_regenerate_replaces_the_last_reply_and_delete_removes_one(tmp_path: Path) -> None:
    client = Scripted()
    ws = open_ws(tmp_path, client)
    c = ws.current
    client.script("First answer.", "Second answer.")
    await c.send("question")
    [old] = c.last_reply()
    assert old.content == "First answer."
    assert await c.regenerate() == [old.id]
    assert [m.content for m in c.messages()] == ["question", "Second answer."]
    assert len(client.requests) == 2 and client.requests[1][0][-1]["content"] == "question"
    c.delete_message(c.messages()[0].id)
    assert [m.content for m in c.messages()] == ["Second answer."]
    other = ws.create()
    with pytest.raises(StoreError, match="not in this conversation"):
        other.delete_message(c.messages()[0].id)
    with pytest.raises(StoreError, match="no reply to regenerate"):
        await other.regenerate()
    await ws.stop()
