"""The installed command in a real terminal (tmux): the theme picked in the palette is the one
the next start opens with, and no screen of that start is drawn in the default theme."""

from __future__ import annotations

import re
import time
from pathlib import Path

import pytest

from tests.e2e.tmux_helpers import APP, E2E, POLL, WAIT, Tmux, app_tmux

pytestmark = E2E

BACKGROUND = re.compile(r"\x1b\[[0-9;]*48;2;(\d+);(\d+);(\d+)[0-9;]*m")
DARK = (18, 18, 18)  # textual-dark's background, #121212
NORD = (46, 52, 64)  # nord's, #2E3440


def backgrounds(tmux: Tmux) -> set[tuple[int, ...]]:
    """The truecolor backgrounds on the screen (`capture-pane -e`)."""
    screen = tmux.run("capture-pane", "-e", "-p", "-t", tmux.session).stdout
    return {tuple(map(int, m.groups())) for m in BACKGROUND.finditer(screen)}


def test_the_theme_picked_is_the_next_start_s(tmp_path: Path) -> None:
    if not APP.exists():
        pytest.skip(f"the console script is not installed at {APP} (run: pip install -e .)")
    tmux = app_tmux(tmp_path, "theme", DYNAPROMPT_DB=str(tmp_path / "chat.db"), OPENAI_API_KEY="")
    command = [str(APP), "--demo", "--tz", "Europe/London"]
    try:
        tmux.start(command, (100, 30))
        tmux.wait_for("the composer", lambda s: "Message…" in s, WAIT)
        assert DARK in backgrounds(tmux)
        tmux.keys("C-p")
        tmux.wait_for("the palette", lambda s: "Search for commands" in s, WAIT)
        tmux.type("theme")
        tmux.wait_for("the Theme command", lambda s: "Theme" in s, WAIT)
        tmux.keys("Enter")
        tmux.wait_for("the list of themes", lambda s: "nord" in s, WAIT)
        tmux.type("nord")
        tmux.keys("Enter")
        tmux.wait_for("the palette closed", lambda s: "Search for" not in s, WAIT)
        tmux.wait_for("nord", lambda _: NORD in backgrounds(tmux), WAIT)
        tmux.keys("C-q")
        tmux.wait_clean_exit(WAIT)
        tmux.kill_session()  # (its pane stays on exit)

        tmux.start(command, (100, 30))
        seen: list[set[tuple[int, ...]]] = []
        deadline = time.monotonic() + WAIT
        while time.monotonic() < deadline:
            if "Message…" in tmux.screen():
                seen.append(backgrounds(tmux))
                if len(seen) >= 3:
                    break
            else:
                seen.append(backgrounds(tmux))
            time.sleep(POLL / 3)
        assert seen and NORD in seen[-1]
        assert not any(DARK in frame for frame in seen), "a screen in the default theme"
        tmux.keys("C-q")
        tmux.wait_clean_exit(WAIT)
    finally:
        tmux.kill_server()
