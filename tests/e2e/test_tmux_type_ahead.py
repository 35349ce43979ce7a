"""The installed command in a real terminal (tmux): what a person types while the app is still
starting lands in the input (type_ahead.py), as it does in a bare Textual app. The keys are
typed the moment the command is started, before the main screen exists."""

from __future__ import annotations

from datetime import UTC, datetime
from pathlib import Path

import pytest

from dynaprompt_tui.core.models import Role
from dynaprompt_tui.core.storage.store import Store
from tests.e2e.tmux_helpers import APP, E2E, WAIT, app_tmux

pytestmark = E2E


def composer_row(screen: str) -> str:
    """The input's text row (its left bar, then what is typed)."""
    return next((r for r in screen.splitlines() if r.startswith("▊ ")), "")


def test_keys_typed_while_it_starts_reach_the_input(tmp_path: Path) -> None:
    if not APP.exists():
        pytest.skip(f"the console script is not installed at {APP} (run: pip install -e .)")
    db = tmp_path / "chat.db"
    store = Store(db)  # a history to compose, as a real start has
    now = datetime.now(UTC)
    for i in range(60):
        store.add_message(Role.USER if i % 2 == 0 else Role.ASSISTANT, f"**line** {i}", now=now)
    store.close()
    tmux = app_tmux(tmp_path, "ahead", DYNAPROMPT_DB=str(db), OPENAI_API_KEY="")
    try:
        tmux.start([str(APP), "--demo", "--tz", "Europe/London"], (100, 30))
        tmux.type("typed early")  # at once: the app has not drawn anything yet
        # (The terminal echoes them before the app takes it over: only the input's row counts.)
        screen = tmux.wait_for(
            "the typed keys in the input", lambda s: "typed early" in composer_row(s), WAIT
        )
        assert composer_row(screen).split("▊ ", 1)[1].startswith("typed early")
        tmux.wait_for("the latest message", lambda s: "line 59" in s, WAIT)
        tmux.type(" and later")  # the keys after them come after them
        screen = tmux.wait_for("the later keys", lambda s: "typed early and later" in s, WAIT)
        assert "typed early and later" in composer_row(screen)
        tmux.keys("C-q")
        tmux.wait_clean_exit(WAIT)
    finally:
        tmux.kill_server()
