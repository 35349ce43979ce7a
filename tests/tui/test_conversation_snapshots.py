"""Snapshots (pytest-textual-snapshot) of the conversation list and of search, at 100x30, at a
fixed FakeClock time (2026-03-05 10:15 London), each pushed by a bare host app as the main
screen pushes it (so the main screen behind does not change them).

Update with `pytest tests/tui/test_conversation_snapshots.py --snapshot-update` and look at the
SVGs."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from textual.widgets import Input

from dynaprompt_tui.core.conversation.workspace import Workspace
from dynaprompt_tui.tui.screens.conversations import ConversationsScreen
from dynaprompt_tui.tui.screens.search import SearchScreen
from tests.tui.test_conversation_screens import (
    LONDON,
    SIZE,
    Host,
    conversations_to_search,
    open_ws,
    populate,
)


@pytest.fixture
def ws(tmp_path: Path) -> Iterator[Workspace]:
    workspace = open_ws(tmp_path)
    yield workspace
    workspace.store.close()


def test_the_conversation_list(snap_compare: Any, ws: Workspace) -> None:
    """Latest first; unread and pending counts; the open one marked; the archived one hidden;
    a long title cut with an ellipsis."""
    app = Host()

    async def run_before(pilot: Any) -> None:
        await populate(ws)
        app.show(ConversationsScreen(ws))
        await pilot.pause()

    assert snap_compare(app, terminal_size=SIZE, run_before=run_before)


def test_search_with_results(snap_compare: Any, ws: Workspace) -> None:
    """Each result: its conversation, time, who wrote it, and the match highlighted in text
    shown as written (brackets and an escape character are not markup)."""
    app = Host()

    async def run_before(pilot: Any) -> None:
        await conversations_to_search(ws)
        app.show(SearchScreen(ws, LONDON))
        await pilot.pause()
        await pilot.press(*"squats")
        await app.workers.wait_for_complete()
        await pilot.pause()
        app.screen.query_one("#query", Input).cursor_blink = False
        await pilot.pause()

    assert snap_compare(app, terminal_size=SIZE, run_before=run_before)
