"""End to end, as a person uses it: the installed `dynaprompt-tui` in a real terminal (tmux).

The chatbot is the local OpenAI-protocol server (`tests/openai_server.py`) in its own process,
reached through OPENAI_BASE_URL with a key it checks. The test pastes a `dps` instruction (a
bracketed paste keeps its newline), watches the schedule appear in the sidebar and fire into the
chat five seconds later, chats with the bot, quits with ctrl+q and finds the conversation again
after a restart. Screens are polled with deadlines; no fixed sleep stands in for an assertion.
"""

from __future__ import annotations

import re
import time
import uuid
from pathlib import Path
from typing import Any

import pytest

from tests.e2e.tmux_helpers import APP, E2E, WAIT, LocalServer, Tmux, clean_env, split_screen

pytestmark = E2E

KEY = "test-key"
BOT_REPLY = "Pong from the local test server: all systems nominal"
REMINDER = "stretch your legs"
SIZES = [pytest.param((80, 24), id="80x24"), pytest.param((200, 50), id="200x50")]
NARROW = 90  # below this the sidebar is an overlay, opened with ctrl+b (screens/sidebar_place.py)


def read_sidebar(tmux: Tmux, size: tuple[int, int], what: str, predicate: Any) -> str:
    """Wait for the sidebar to show `predicate`; on a narrow terminal open its overlay with
    ctrl+b first and close it again with escape (focus back in the input), as a person would."""
    if size[0] >= NARROW:
        return tmux.wait_for(what, predicate, WAIT)
    deadline = time.monotonic() + WAIT
    while True:
        tmux.keys("C-b")
        opened = tmux.wait_for(
            f"the sidebar's overlay ({what})", lambda s: "Schedules (" in s, WAIT
        )
        if predicate(opened) or time.monotonic() > deadline:
            break
        tmux.keys("Escape")
        tmux.wait_for("the overlay to close", lambda s: "Schedules (" not in s, WAIT)
    screen = tmux.wait_for(what, predicate, 1.0)
    tmux.keys("Escape")
    tmux.wait_for("the overlay to close", lambda s: "Schedules (" not in s, WAIT)
    return screen


@pytest.mark.parametrize("size", SIZES)
def test_schedule_fires_chat_and_restart(tmp_path: Path, size: tuple[int, int]) -> None:
    if not APP.exists():
        pytest.skip(f"the console script is not installed at {APP} (run: pip install -e .)")

    # Every request gets the same recognisable reply; a wrong API key would get 401.
    server = LocalServer({"api_key": KEY, "default": {"text": BOT_REPLY}}, tmp_path)
    work = tmp_path / "cwd"  # the app reads .env from its working directory: keep it empty
    work.mkdir()
    tmux: Tmux | None = None
    try:
        server.start()
        env = clean_env(
            tmp_path,
            DYNAPROMPT_DB=str(tmp_path / "data" / "chat.db"),
            OPENAI_BASE_URL=server.base_url,
            OPENAI_API_KEY=KEY,
        )
        tmux = Tmux(f"dp-e2e-{uuid.uuid4().hex[:8]}", env, work)
        command = [str(APP), "--tz", "Europe/London"]
        tmux.start(command, size)

        # First frame: the input's placeholder, every key of the footer in view, and the empty
        # sidebar (beside the chat; hidden on a narrow terminal, where the chat takes the width).
        tmux.wait_for(
            "the first frame",
            lambda s: "Message…" in s and "Quit" in s and "Help" in s,
            WAIT,
        )
        read_sidebar(tmux, size, "the empty sidebar", lambda s: "Schedules (0)" in s)

        # Paste a two-line dps instruction. The live preview approves it only if the message
        # line arrived too, i.e. the bracketed paste kept the newline instead of sending.
        tmux.paste(f"dps u in 5 seconds\n{REMINDER}")
        tmux.wait_for("the dps preview", lambda s: "✓ to you" in s, WAIT)
        tmux.keys("Enter")

        # The schedule shows in the sidebar with its prompt preview...
        tmux.wait_for("the message in the chat", lambda s: "dps u in 5 seconds" in s, WAIT)
        screen = read_sidebar(
            tmux,
            size,
            "the schedule in the sidebar",
            lambda s: "Schedules (1)" in s and REMINDER in split_screen(s)[1],
        )
        assert "to you" in split_screen(screen)[1]

        # ...then fires into the chat as a reminder and leaves the sidebar.
        def fired(s: str) -> bool:
            chat, side = split_screen(s)
            lines = chat.splitlines()
            header = [i for i, line in enumerate(lines) if "reminder" in line]
            return (
                ("Schedules (0)" in s or size[0] < NARROW)
                and REMINDER not in side
                and any(i + 1 < len(lines) and REMINDER in lines[i + 1] for i in header)
            )

        screen = tmux.wait_for("the reminder to fire into the chat", fired, WAIT)
        header = next(line for line in screen.splitlines() if "reminder" in line)
        assert "scheduled by you" in header
        assert len(re.findall(r"\d\d:\d\d", header)) == 1  # its time said once
        read_sidebar(tmux, size, "the sidebar emptied", lambda s: "Schedules (0)" in s)

        # A normal message gets the server's scripted answer.
        tmux.type("hello from tmux")
        tmux.keys("Enter")
        tmux.wait_for("the bot's reply", lambda s: BOT_REPLY in split_screen(s)[0], WAIT)
        bodies = server.requests()
        assert bodies, "the app never called the server"
        users = [m for m in bodies[-1]["messages"] if m.get("role") == "user"]
        assert any("hello from tmux" in str(m.get("content")) for m in users)

        # Quit with ctrl+q: a clean exit.
        tmux.keys("C-q")
        tmux.wait_clean_exit(WAIT)

        # Restart with the same environment: the conversation is still there.
        tmux.kill_session()
        tmux.start(command, size)
        screen = tmux.wait_for(
            "the conversation after a restart",
            lambda s: BOT_REPLY in s and "hello from tmux" in s,
            WAIT,
        )
        chat, side = split_screen(screen)
        assert REMINDER not in side
        assert re.search(r"\bbot\b", chat)
        read_sidebar(tmux, size, "the sidebar after a restart", lambda s: "Schedules (0)" in s)
        tmux.keys("C-q")
        tmux.wait_clean_exit(WAIT)
    finally:
        if tmux is not None:
            tmux.kill_server()
        server.stop()
