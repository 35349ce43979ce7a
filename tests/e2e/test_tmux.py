"""End to end, as a person uses it: the installed `dynaprompt-tui` in a real terminal (tmux).

The chatbot is the local OpenAI-protocol server (`tests/openai_server.py`) in its own process,
reached through OPENAI_BASE_URL with a key it checks. The test pastes a `dps` instruction (a
bracketed paste keeps its newline), watches the schedule appear in the sidebar and fire into the
chat five seconds later, chats with the bot, quits with ctrl+q and finds the conversation again
after a restart. Screens are polled with deadlines; no fixed sleep stands in for an assertion.
"""

from __future__ import annotations

import re
import shutil
import sys
import uuid
from pathlib import Path

import pytest

from tests.e2e.tmux_helpers import LocalServer, Tmux, clean_env, split_screen

pytestmark = [
    pytest.mark.e2e,
    pytest.mark.skipif(shutil.which("tmux") is None, reason="tmux is not installed"),
]

APP = Path(sys.executable).parent / "dynaprompt-tui"
KEY = "test-key"
BOT_REPLY = "Pong from the local test server: all systems nominal"
REMINDER = "stretch your legs"
SIZE = (120, 40)
WAIT = 30.0  # generous: a 2-core CI machine starting Python + Textual


def test_schedule_fires_chat_and_restart(tmp_path: Path) -> None:
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
        tmux.start(command, SIZE)

        # First frame: empty sidebar and the input's placeholder.
        tmux.wait_for(
            "the first frame",
            lambda s: "Schedules (0)" in s and "Message…" in s and "Quit" in s,
            WAIT,
        )

        # Paste a two-line dps instruction. The live preview approves it only if the message
        # line arrived too, i.e. the bracketed paste kept the newline instead of sending.
        tmux.paste(f"dps u in 5 seconds\n{REMINDER}")
        tmux.wait_for("the dps preview", lambda s: "✓ to you" in s, WAIT)
        tmux.keys("Enter")

        # The schedule shows in the sidebar with its prompt preview...
        screen = tmux.wait_for(
            "the schedule in the sidebar",
            lambda s: "Schedules (1)" in s and REMINDER in split_screen(s)[1],
            WAIT,
        )
        assert "to you" in split_screen(screen)[1]
        chat, _ = split_screen(screen)
        assert "dps u in 5 seconds" in chat  # the user's message stays in the chat

        # ...then fires into the chat as a reminder and leaves the sidebar.
        def fired(s: str) -> bool:
            chat, side = split_screen(s)
            lines = chat.splitlines()
            header = [i for i, line in enumerate(lines) if "reminder" in line]
            return (
                "Schedules (0)" in s
                and REMINDER not in side
                and any(i + 1 < len(lines) and REMINDER in lines[i + 1] for i in header)
            )

        screen = tmux.wait_for("the reminder to fire into the chat", fired, WAIT)
        assert "scheduled by you" in split_screen(screen)[0]

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
        tmux.start(command, SIZE)
        screen = tmux.wait_for(
            "the conversation after a restart",
            lambda s: BOT_REPLY in s and "hello from tmux" in s,
            WAIT,
        )
        chat, side = split_screen(screen)
        assert REMINDER not in side
        assert REMINDER in chat
        assert "Schedules (0)" in screen
        assert re.search(r"\bbot\b", chat)
        tmux.keys("C-q")
        tmux.wait_clean_exit(WAIT)
    finally:
        if tmux is not None:
            tmux.kill_server()
        server.stop()
