"""Resizing a real terminal (tmux) and typing at once, as the issue 16 trial did: the letters go
to the input, never to the sidebar's one-letter commands; the narrowest size does not crash."""

from __future__ import annotations

from pathlib import Path

import pytest

from dynaprompt_tui.core.models import Role
from dynaprompt_tui.core.storage.store import Store
from tests.e2e.tmux_helpers import APP, E2E, WAIT, app_tmux

pytestmark = E2E

SENTENCE = "a plan: edit nothing and approve nothing"
SIZES = [(60, 20), (200, 50), (30, 16), (80, 24), (120, 35)]
RESIZES = len(SIZES)


def test_typing_right_after_each_resize_reaches_the_input(tmp_path: Path) -> None:
    if not APP.exists():
        pytest.skip(f"the console script is not installed at {APP} (run: pip install -e .)")
    tmux = app_tmux(tmp_path, "resize", DYNAPROMPT_DB=str(tmp_path / "chat.db"), OPENAI_API_KEY="")
    try:
        tmux.start([str(APP), "--demo", "--tz", "Europe/London"], (120, 35))
        tmux.wait_for("the first frame", lambda s: "Schedules (0)" in s, WAIT)
        # A schedule of the bot's that waits for approval: `a` in the sidebar would approve it.
        tmux.type("every monday at 9am check my week plan")
        tmux.keys("Enter")
        tmux.wait_for("the approval card", lambda s: "Approve" in s, WAIT)
        for width, height in SIZES:
            tmux.run("resize-window", "-t", tmux.session, "-x", str(width), "-y", str(height))
            tmux.type(SENTENCE[:8])  # at once, while the app lays itself out again
            tmux.type(SENTENCE[8:] + " ")
        tmux.keys("Enter")
        screen = tmux.wait_for("the demo bot's answer", lambda s: "You said" in s, WAIT)
        assert "Edit schedule" not in screen and "Approved" not in screen
        tmux.keys("C-q")
        tmux.wait_clean_exit(WAIT)
    finally:
        tmux.kill_server()
    store = Store(tmp_path / "chat.db")
    said = [m.content for m in store.messages(limit=20) if m.role is Role.USER]
    assert said[-1] == (SENTENCE + " ") * RESIZES  # every letter, in the input
    assert not store.schedules()[0].approved  # still waiting for the user
    store.close()
