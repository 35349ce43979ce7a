"""End to end, two conversations (issue 14): the installed command in tmux, the demo bot. A second
conversation is made with ctrl+t and given a reminder; the user goes back to the first through
the list (ctrl+o); the reminder fires into the second, which gets an unread mark (the header,
the list) while the first stays as it was; opening it shows the reminder."""

from __future__ import annotations

from pathlib import Path

import pytest

from tests.e2e.test_tmux import SIZES, read_sidebar
from tests.e2e.tmux_helpers import APP, E2E, WAIT, app_tmux, split_screen

pytestmark = E2E

REMINDER = "Repasa el vocabulario"


@pytest.mark.parametrize("size", SIZES)
def test_a_fire_lands_in_its_conversation_with_an_unread_mark(
    tmp_path: Path, size: tuple[int, int]
) -> None:
    if not APP.exists():
        pytest.skip(f"the console script is not installed at {APP} (run: pip install -e .)")
    tmux = app_tmux(tmp_path, "conv", DYNAPROMPT_DB=str(tmp_path / "data" / "chat.db"))
    try:
        tmux.start([str(APP), "--demo", "--tz", "Europe/Madrid"], size)
        tmux.wait_for("the first frame", lambda s: "Message…" in s and "Quit" in s, WAIT)
        read_sidebar(tmux, size, "the empty sidebar", lambda s: "Schedules (0)" in s)
        tmux.type("hola desde la primera")
        tmux.keys("Enter")
        tmux.wait_for(
            "the first conversation's title", lambda s: "hola desde la primera ·" in s, WAIT
        )

        # A second conversation, with a reminder in it.
        tmux.keys("C-t")
        tmux.wait_for("a new conversation", lambda s: "New conversation ·" in s, WAIT)
        tmux.paste(f"dps u in 10 seconds\n{REMINDER}")
        tmux.wait_for("the dps preview", lambda s: "✓ to you" in s, WAIT)
        tmux.keys("Enter")
        read_sidebar(tmux, size, "its schedule", lambda s: "Schedules (1)" in s)

        # Back to the first through the list: the second is on top (the latest activity).
        tmux.keys("C-o")
        tmux.wait_for("the list", lambda s: "2 conversations" in s, WAIT)
        tmux.keys("Down", "Enter")
        screen = tmux.wait_for(
            "the first conversation again",
            lambda s: "hola desde la primera ·" in s and "Conversations" not in s,
            WAIT,
        )
        assert REMINDER not in split_screen(screen)[0]
        read_sidebar(tmux, size, "its own schedules", lambda s: "Schedules (0)" in s)

        # The fire lands in the second: an unread mark, a toast; the chat here is unchanged.
        # (At 80 columns the header cuts the mark after its count: "… · Europe/Madrid · 1…".)
        screen = tmux.wait_for(
            "the unread mark",
            lambda s: "1 unread elsewhere" in s.splitlines()[0],
            WAIT,
        )
        chat = split_screen(screen)[0]
        assert "hola desde la primera" in chat

        tmux.keys("C-o")
        tmux.wait_for("the list with the unread count", lambda s: "1 new" in s, WAIT)
        tmux.keys("Enter")  # the highlight starts on the latest: the second conversation
        screen = tmux.wait_for(
            "the reminder in its conversation",
            lambda s: REMINDER in split_screen(s)[0] and "unread" not in s.splitlines()[0],
            WAIT,
        )
        tmux.keys("C-q")
        tmux.wait_clean_exit(WAIT)
    finally:
        tmux.kill_server()
