"""The conversation list, search and a conversation's settings (issue 14): every key and action,
under Pilot, on a real Workspace over a SQLite file, with a fake clock. Each screen is pushed by
a bare host app, as the main screen pushes it, and what it dismisses with is recorded."""

from __future__ import annotations

import threading
from collections.abc import AsyncIterator
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any
from zoneinfo import ZoneInfo

import pytest
from textual.app import App
from textual.screen import Screen
from textual.widgets import Input, OptionList, Static, TextArea

from dynaprompt_tui.config import Settings
from dynaprompt_tui.core.clock import FakeClock
from dynaprompt_tui.core.conversation.workspace import Workspace
from dynaprompt_tui.core.models import Role, SearchHit
from dynaprompt_tui.core.storage.codec import ts
from dynaprompt_tui.tui.screens.confirm import ConfirmScreen
from dynaprompt_tui.tui.screens.conversation_settings import (
    NO_MODELS,
    TEMPERATURE_ERROR,
    ConversationSettingsScreen,
    parse_temperature,
)
from dynaprompt_tui.tui.screens.conversations import PAGE, ConversationsScreen, activity
from dynaprompt_tui.tui.screens.prompt import PromptScreen
from dynaprompt_tui.tui.screens.search import HINT, MARK, SearchScreen, snippet
from tests.openai_server import MODELS
from tests.tui.helpers import START, text_of

SIZE = (100, 30)
LONDON = ZoneInfo("Europe/London")
UNSET = object()


class Host(App[None]):
    """Pushes one dialog, as the main screen would, and keeps what it dismissed with."""

    def __init__(self, dialog: Screen[Any] | None = None) -> None:
        super().__init__()
        self.dialog = dialog
        self.result: Any = UNSET
        self.bells = 0

    def on_mount(self) -> None:
        if self.dialog is not None:
            self.show(self.dialog)

    def show(self, dialog: Screen[Any]) -> None:
        self.push_screen(dialog, self._done)

    def _done(self, result: Any) -> None:
        self.result = result

    def bell(self) -> None:
        self.bells += 1


def open_ws(path: Path, **kw: Any) -> Workspace:
    settings = Settings(db_path=path / "chat.db", tz="Europe/London", **{"demo": True, **kw})
    return Workspace.open(settings, clock=FakeClock(START - timedelta(days=10)))


@pytest.fixture
async def ws(tmp_path: Path) -> AsyncIterator[Workspace]:
    workspace = open_ws(tmp_path)
    yield workspace
    await workspace.stop()


async def populate(ws: Workspace) -> dict[str, int]:
    """A few conversations at known times (the clock ends at START): the open one, one with
    unread replies and a pending schedule, an untitled one, an archived one."""
    clock: FakeClock = ws.clock  # type: ignore[assignment]
    spanish = ws.create("Spanish lesson")
    await spanish.send("teach me a Spanish word")
    clock.advance(days=5)
    coach = ws.create("Workout coach: legs, arms and a long title that will not fit in the row")
    await coach.send("dps c in 3 hours\nAsk me about squats")
    clock.advance(days=4, hours=20)
    untitled = ws.create()
    await untitled.send("plan my week please")
    old = ws.create("Old stuff")
    ws.archive(old.id)
    ws.switch(spanish.id)
    await ws.delete(1)  # (the first conversation's times are the real clock's)
    await ws.idle()
    clock.set(START)
    return {"spanish": spanish.id, "coach": coach.id, "untitled": untitled.id, "old": old.id}


def rows(app: Host) -> list[str]:
    option_list = app.screen.query_one(OptionList)
    return [
        option_list.get_option_at_index(i).prompt.plain  # type: ignore[union-attr]
        for i in range(option_list.option_count)
    ]


# -- the words --------------------------------------------------------------------------------


def test_the_latest_activity_in_few_words() -> None:
    now = datetime(2026, 3, 5, 10, 15, tzinfo=UTC)
    assert activity(now - timedelta(seconds=20), now, LONDON) == "just now"
    assert activity(now - timedelta(minutes=2), now, LONDON) == "2 min ago"
    assert activity(now - timedelta(hours=3), now, LONDON) == "3 h ago"
    assert activity(now - timedelta(hours=11), now, LONDON) == "yesterday"
    assert activity(now - timedelta(days=3), now, LONDON) == "3 days ago"
    assert activity(now - timedelta(days=30), now, LONDON) == "3 Feb"
    assert activity(now - timedelta(days=400), now, LONDON) == "29 Jan 2025"


def test_a_snippet_highlights_the_match_and_never_reads_markup() -> None:
    text = snippet(f"say [bold]{MARK[0]}hola{MARK[1]}[/bold] \x1b[31m\nand {MARK[0]}hi{MARK[1]}")
    assert text.plain == "say [bold]hola[/bold] ␛[31m and hi"
    highlighted = [text.plain[s.start : s.end] for s in text.spans]
    assert highlighted == ["hola", "hi"]


def test_a_temperature_is_empty_or_from_0_to_2() -> None:
    assert parse_temperature("") == (True, None)
    assert parse_temperature(" 0,5 ") == (True, 0.5)
    assert parse_temperature("2") == (True, 2.0)
    assert parse_temperature("2.5")[0] is False
    assert parse_temperature("warm")[0] is False


# -- the list ---------------------------------------------------------------------------------


async def test_the_list_shows_the_latest_first_with_unread_pending_and_the_open_mark(ws) -> None:
    await populate(ws)
    app = Host(ConversationsScreen(ws))
    async with app.run_test(size=SIZE) as pilot:
        await pilot.pause()
        first, second, third = rows(app)
        assert first.startswith("  plan my week please") and "1 new" in first
        assert first.rstrip().endswith("4 h ago")
        assert second.startswith("  Workout coach: legs, arms") and "…" in second
        assert "new" not in second and "1 pending" in second
        assert second.rstrip().endswith("5 days ago")
        assert third.startswith("● Spanish lesson") and third.rstrip().endswith("23 Feb")
        assert "new" not in third  # the open one: read
        assert all("Old stuff" not in r for r in rows(app))  # archived: hidden
        status = text_of(app.screen.query_one("#list-status", Static))
        assert status == "3 conversations · 1 archived (tab shows them)"


async def test_enter_opens_the_highlighted_conversation(ws) -> None:
    ids = await populate(ws)
    app = Host(ConversationsScreen(ws))
    async with app.run_test(size=SIZE) as pilot:
        await pilot.pause()
        await pilot.press("down", "enter")
        await pilot.pause()
        assert app.result == ids["coach"]


async def test_enter_on_the_open_one_and_escape_switch_nothing(ws, tmp_path) -> None:
    ids = await populate(ws)
    app = Host(ConversationsScreen(ws))
    async with app.run_test(size=SIZE) as pilot:
        await pilot.pause()
        await pilot.press("end", "enter")
        await pilot.pause()
        assert app.result is None
    app = Host(ConversationsScreen(ws))
    async with app.run_test(size=SIZE) as pilot:
        await pilot.pause()
        await pilot.press("escape")
        await pilot.pause()
        assert app.result is None and ws.current_id == ids["spanish"]


async def test_a_click_opens_a_conversation(ws) -> None:
    ids = await populate(ws)
    app = Host(ConversationsScreen(ws))
    async with app.run_test(size=SIZE) as pilot:
        await pilot.pause()
        option_list = app.screen.query_one(OptionList)
        await pilot.click(option_list, offset=(10, 2))  # (the second row, under the border)
        await pilot.pause()
        assert app.result == ids["coach"]


async def test_n_asks_a_title_and_opens_the_new_conversation(ws) -> None:
    await populate(ws)
    app = Host(ConversationsScreen(ws))
    async with app.run_test(size=SIZE) as pilot:
        await pilot.pause()
        await pilot.press("n")
        await pilot.pause()
        assert isinstance(app.screen, PromptScreen)
        await pilot.press(*"Trip to Rome", "enter")
        await pilot.pause()
        assert isinstance(app.result, int)
        assert ws.info(app.result).title == "Trip to Rome"


async def test_n_with_an_empty_title_leaves_it_to_be_named_and_escape_cancels(ws) -> None:
    await populate(ws)
    before = len(ws.conversations(archived=None))
    app = Host(ConversationsScreen(ws))
    async with app.run_test(size=SIZE) as pilot:
        await pilot.pause()
        await pilot.press("n")
        await pilot.pause()
        await pilot.press("escape")  # the question: nothing made
        await pilot.pause()
        assert isinstance(app.screen, ConversationsScreen)
        assert len(ws.conversations(archived=None)) == before
        await pilot.press("n", "enter")
        await pilot.pause()
        info = ws.info(app.result)
        assert info.title == "" and info.shown_title == "New conversation"


async def test_r_renames_the_highlighted_one_and_refuses_an_empty_title(ws) -> None:
    ids = await populate(ws)
    app = Host(ConversationsScreen(ws))
    async with app.run_test(size=SIZE) as pilot:
        await pilot.pause()
        await pilot.press("down", "r")
        await pilot.pause()
        box = app.screen.query_one("#answer", Input)
        assert box.value.startswith("Workout coach")
        box.value = ""
        await pilot.press("enter")
        await pilot.pause()
        assert isinstance(app.screen, PromptScreen) and app.bells == 1
        assert "cannot be empty" in text_of(app.screen.query_one("#prompt-error", Static))
        await pilot.press(*"Coach")
        await pilot.press("enter")
        await pilot.pause()
        assert isinstance(app.screen, ConversationsScreen) and app.result is UNSET
        assert ws.info(ids["coach"]).title == "Coach"
        assert rows(app)[1].startswith("  Coach ")
        assert app.screen.query_one(OptionList).highlighted == 1  # still on it


async def test_d_asks_naming_what_goes_then_deletes(ws) -> None:
    ids = await populate(ws)
    app = Host(ConversationsScreen(ws))
    async with app.run_test(size=SIZE) as pilot:
        await pilot.pause()
        await pilot.press("down", "d")
        await pilot.pause()
        confirm = app.screen
        assert isinstance(confirm, ConfirmScreen)
        assert confirm.question.startswith("Delete “Workout coach: legs")
        assert "with its 2 messages and 1 pending schedule?" in confirm.question
        await pilot.press("n")  # kept
        await pilot.pause()
        assert ws.info(ids["coach"])
        await pilot.press("delete", "y")
        await pilot.pause()
        await app.workers.wait_for_complete()
        await pilot.pause()
        assert ids["coach"] not in [c.id for c in ws.conversations(archived=None)]
        assert len(rows(app)) == 2 and app.result is UNSET  # (not the open one: it stays)


async def test_deleting_the_open_conversation_dismisses_with_the_one_now_open(ws) -> None:
    ids = await populate(ws)
    app = Host(ConversationsScreen(ws))
    async with app.run_test(size=SIZE) as pilot:
        await pilot.pause()
        await pilot.press("end", "d", "y")
        await pilot.pause()
        await app.workers.wait_for_complete()
        await pilot.pause()
        assert ids["spanish"] not in [c.id for c in ws.conversations(archived=None)]
        assert app.result == ws.current_id != ids["spanish"]


async def test_a_archives_tab_shows_the_archived_and_a_brings_one_back(ws) -> None:
    ids = await populate(ws)
    app = Host(ConversationsScreen(ws))
    async with app.run_test(size=SIZE) as pilot:
        await pilot.pause()
        await pilot.press("down", "a")
        await pilot.pause()
        assert ws.info(ids["coach"]).archived
        assert len(rows(app)) == 2 and not any("Workout" in r for r in rows(app))
        await pilot.press("tab")
        await pilot.pause()
        archived = [r for r in rows(app) if "· archived" in r]
        assert len(archived) == 2 and len(rows(app)) == 4
        status = text_of(app.screen.query_one("#list-status", Static))
        assert "2 archived (shown: tab hides them)" in status
        coach = [r.startswith("  Workout") for r in rows(app)].index(True)
        app.screen.query_one(OptionList).highlighted = coach
        await pilot.press("a")
        await pilot.pause()
        assert not ws.info(ids["coach"]).archived
        await pilot.press("tab")
        await pilot.pause()
        assert len(rows(app)) == 3


async def test_s_opens_the_settings_of_the_highlighted_one(ws) -> None:
    ids = await populate(ws)
    app = Host(ConversationsScreen(ws))
    async with app.run_test(size=SIZE) as pilot:
        await pilot.pause()
        await pilot.press("down", "s")
        await pilot.pause()
        dialog = app.screen
        assert isinstance(dialog, ConversationSettingsScreen)
        assert dialog.conversation_id == ids["coach"]
        dialog.query_one("#title", Input).value = "Legs day"
        await pilot.press("ctrl+s")
        await pilot.pause()
        assert isinstance(app.screen, ConversationsScreen)
        assert rows(app)[1].startswith("  Legs day ")


async def test_slash_filters_by_title_and_escape_clears_it(ws) -> None:
    ids = await populate(ws)
    app = Host(ConversationsScreen(ws))
    async with app.run_test(size=SIZE) as pilot:
        await pilot.pause()
        await pilot.press("slash", *"SPAN")
        await pilot.pause()
        assert [r[:16] for r in rows(app)] == ["● Spanish lesson"]
        await pilot.press(*"ZZ")
        await pilot.pause()
        assert rows(app) == []
        empty = app.screen.query_one("#empty", Static)
        assert empty.display and "“SPANZZ”" in text_of(empty)
        await pilot.press("escape")  # clears the filter
        await pilot.pause()
        assert len(rows(app)) == 3 and isinstance(app.screen, ConversationsScreen)
        await pilot.press("slash", *"coach", "enter")
        await pilot.pause()
        assert app.result == ids["coach"]


async def test_a_key_with_nothing_highlighted_rings_the_bell(ws) -> None:
    await populate(ws)
    app = Host(ConversationsScreen(ws))
    async with app.run_test(size=SIZE) as pilot:
        await pilot.pause()
        await pilot.press("slash", *"nothing like it", "tab")  # (tab: archived ones too)
        await pilot.pause()
        app.screen.query_one(OptionList).focus()
        await pilot.press("r", "d", "a", "s")
        await app.workers.wait_for_complete()
        assert app.bells == 4
        await pilot.press("slash", "enter")
        assert app.bells == 5 and isinstance(app.screen, ConversationsScreen)


async def test_a_thousand_conversations_are_read_a_page_at_a_time(ws) -> None:
    now = ws.clock.now()
    ws.store._conn.execute("BEGIN")  # (one transaction: written at once)
    ws.store._conn.executemany(
        "INSERT INTO conversations (title, title_source, created_at, updated_at)"
        " VALUES (?, 'user', ?, ?)",
        [(f"Topic {i}", ts(now), ts(now + timedelta(seconds=i))) for i in range(1000)],
    )
    ws.store._conn.execute("COMMIT")
    app = Host(ConversationsScreen(ws))
    async with app.run_test(size=SIZE) as pilot:
        await pilot.pause()
        screen = app.screen
        assert isinstance(screen, ConversationsScreen)
        assert len(screen.loaded) == PAGE
        assert rows(app)[0].startswith("● ")  # the first, open (its time is the real clock's)
        assert rows(app)[1].startswith("  Topic 999 ")
        await pilot.press("end")  # near the end of the page: the next one is read
        await pilot.pause()
        assert len(screen.loaded) == 2 * PAGE and len(rows(app)) == 2 * PAGE
        await pilot.press("slash", *"topic 12")  # the filter reads every title
        await pilot.pause()
        assert screen.complete and len(screen.loaded) == 1001
        assert len(rows(app)) == 11  # Topic 12 and Topic 120…129
        await pilot.press("escape")
        await pilot.pause()
        assert len(rows(app)) == 1001 and rows(app)[-1].startswith("  Topic 0 ")


# -- search -----------------------------------------------------------------------------------


async def conversations_to_search(ws: Workspace) -> None:
    ids = await populate(ws)
    coach = ws.get(ids["coach"])
    await coach.send("squats [bold]not bold[/bold] \x1b[31m and lunges, then squats again")


async def test_search_shows_results_as_the_user_types(ws) -> None:
    await conversations_to_search(ws)
    app = Host(SearchScreen(ws, LONDON))
    async with app.run_test(size=SIZE) as pilot:
        await pilot.pause()
        assert text_of(app.screen.query_one("#search-status", Static)) == HINT
        await pilot.press(*"squa")
        await app.workers.wait_for_complete()
        await pilot.pause()
        found = rows(app)
        assert len(found) == 3  # the newest first
        header, text = found[0].split("\n")
        assert header.startswith("Workout coach: legs, arms") and "…" in header
        assert header.endswith("  Thu 5 Mar 10:15 · bot") and text.startswith("  You said: “squats")
        header, text = found[1].split("\n")
        assert header.endswith("  Thu 5 Mar 10:15 · you")
        assert text == "  squats [bold]not bold[/bold] ␛[31m and lunges, then squats again"
        assert found[2].split("\n")[0].endswith("  Sat 28 Feb 10:15 · you")
        assert "3 matches" in text_of(app.screen.query_one("#search-status", Static))
        await pilot.press(*"zzz")
        await app.workers.wait_for_complete()
        await pilot.pause()
        assert rows(app) == []
        status = text_of(app.screen.query_one("#search-status", Static))
        assert status == "No matches for “squazzz”."
        app.screen.query_one("#query", Input).value = ""
        await pilot.pause()
        assert text_of(app.screen.query_one("#search-status", Static)) == HINT


async def test_up_down_move_enter_dismisses_with_the_hit(ws) -> None:
    await conversations_to_search(ws)
    app = Host(SearchScreen(ws, LONDON))
    async with app.run_test(size=SIZE) as pilot:
        await pilot.pause()
        await pilot.press(*"squats")
        await app.workers.wait_for_complete()
        await pilot.pause()
        results = app.screen.query_one("#results", OptionList)
        assert results.highlighted == 0
        await pilot.press("down", "down", "up")
        assert results.highlighted_option is not None
        assert results.highlighted_option.id == "1"
        await pilot.press("enter")
        await pilot.pause()
        hit = app.result
        assert isinstance(hit, SearchHit) and hit.role is Role.USER
        assert hit.message_id == ws.search("squats", mark=MARK)[1].message_id


async def test_escape_closes_search_and_enter_without_results_rings(ws) -> None:
    app = Host(SearchScreen(ws, LONDON))
    async with app.run_test(size=SIZE) as pilot:
        await pilot.pause()
        await pilot.press("enter")
        assert app.bells == 1 and app.result is UNSET
        await pilot.press("escape")
        await pilot.pause()
        assert app.result is None


async def test_results_for_an_older_query_are_dropped(ws) -> None:
    await conversations_to_search(ws)
    screen = SearchScreen(ws, LONDON)
    app = Host(screen)
    async with app.run_test(size=SIZE) as pilot:
        await pilot.pause()
        await pilot.press(*"lunges")
        await app.workers.wait_for_complete()
        await pilot.pause()
        screen.show_hits("squats", ws.search("squats", mark=MARK))  # (a late older worker)
        await pilot.pause()
        assert screen.shown_for == "lunges" and len(rows(app)) == 2


async def test_typing_never_waits_for_the_search(ws, monkeypatch) -> None:
    await conversations_to_search(ws)
    gate = threading.Event()
    search = ws.search

    def held(text: str, **kw: Any) -> list[SearchHit]:  # a slow database, in the worker
        gate.wait(timeout=30)
        return search(text, **kw)

    monkeypatch.setattr(ws, "search", held)
    screen = SearchScreen(ws, LONDON)
    app = Host(screen)
    async with app.run_test(size=SIZE) as pilot:
        await pilot.pause()
        await pilot.press(*"squats")
        assert screen.query_one("#query", Input).value == "squats"  # typed meanwhile
        assert rows(app) == [] and screen.shown_for == ""
        gate.set()
        await app.workers.wait_for_complete()
        await pilot.pause()
        assert screen.shown_for == "squats" and len(rows(app)) == 3


# -- a conversation's settings ----------------------------------------------------------------


async def test_settings_save_title_model_persona_and_temperature(ws) -> None:
    ids = await populate(ws)
    app = Host(ConversationSettingsScreen(ws, ids["coach"]))
    async with app.run_test(size=SIZE) as pilot:
        await app.workers.wait_for_complete()
        await pilot.pause()
        screen = app.screen
        assert text_of(screen.query_one("#models-status", Static)) == NO_MODELS  # demo
        assert screen.query_one("#model", Input).placeholder == "empty: the default, gpt-4o-mini"
        screen.query_one("#title", Input).value = "Coach"
        screen.query_one("#model", Input).value = "llama3"
        screen.query_one("#persona", TextArea).text = "You are a workout coach."
        screen.query_one("#temperature", Input).value = "0.3"
        await pilot.press("ctrl+s")
        await pilot.pause()
        assert app.result is True
    info = ws.info(ids["coach"])
    assert (info.title, info.model, info.temperature) == ("Coach", "llama3", 0.3)
    assert info.system_prompt == "You are a workout coach."


async def test_settings_blank_is_the_default_and_a_bad_temperature_is_refused(ws) -> None:
    cid = ws.create("Coach").id
    ws.configure(cid, model="llama3", system_prompt="Terse.", temperature=0.3)
    app = Host(ConversationSettingsScreen(ws, cid))
    async with app.run_test(size=SIZE) as pilot:
        await pilot.pause()
        screen = app.screen
        assert screen.query_one("#temperature", Input).value == "0.3"
        screen.query_one("#temperature", Input).value = "7"
        await pilot.pause()
        assert text_of(screen.query_one("#temperature-error", Static)) == TEMPERATURE_ERROR
        await pilot.press("ctrl+s")
        await pilot.pause()
        assert app.result is UNSET and app.bells == 1
        assert TEMPERATURE_ERROR in text_of(screen.query_one("#save-error", Static))
        for field in ("#temperature", "#model"):
            screen.query_one(field, Input).value = ""
        screen.query_one("#persona", TextArea).text = "  "
        await pilot.click("#save")
        await pilot.pause()
        assert app.result is True
    info = ws.info(cid)
    assert (info.model, info.system_prompt, info.temperature) == (None, None, None)


async def test_settings_escape_cancels(ws) -> None:
    cid = ws.create("Coach").id
    app = Host(ConversationSettingsScreen(ws, cid))
    async with app.run_test(size=SIZE) as pilot:
        await pilot.pause()
        app.screen.query_one("#title", Input).value = "Changed"
        await pilot.press("escape")
        await pilot.pause()
        assert app.result is False
    assert ws.info(cid).title == "Coach"


async def test_settings_list_the_servers_models_and_suggest_them(tmp_path, openai_server) -> None:
    ws = open_ws(tmp_path, demo=False, base_url=openai_server.base_url, api_key="sk-test")
    try:
        app = Host(ConversationSettingsScreen(ws, ws.current_id))
        async with app.run_test(size=SIZE) as pilot:
            await app.workers.wait_for_complete()
            await pilot.pause()
            screen = app.screen
            status = text_of(screen.query_one("#models-status", Static))
            assert status.startswith(f"The server offers {len(MODELS)}")
            listing = screen.query_one("#models", OptionList)
            assert listing.display and listing.option_count == len(MODELS)
            model = screen.query_one("#model", Input)
            model.focus()
            await pilot.press(*"loc")
            await app.workers.wait_for_complete()
            await pilot.pause()
            await pilot.press("right")  # takes the suggestion
            assert model.value == "local-echo"
            listing.focus()
            listing.highlighted = sorted(MODELS).index("gpt-4o")
            await pilot.press("enter")  # picks it
            assert model.value == "gpt-4o" and model.has_focus
            await pilot.press("enter")  # saves
            await pilot.pause()
            assert app.result is True
        assert ws.info().model == "gpt-4o"
    finally:
        await ws.stop()
