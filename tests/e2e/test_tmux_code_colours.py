"""The installed command in a real terminal (tmux): a reply's code from history gets its syntax
colours once the first frame is out (MainScreen.restyle, on the app's own warm-up timer)."""

from __future__ import annotations

import re
import time
from datetime import UTC, datetime
from pathlib import Path

import pytest

from dynaprompt_tui.core.models import Role
from dynaprompt_tui.core.storage.store import Store
from tests.e2e.tmux_helpers import APP, E2E, POLL, WAIT, app_tmux

pytestmark = E2E

SGR = re.compile(r"\x1b\[([0-9;:]*)m")


def colours_of(row: str, text: str) -> set[str]:
    """The foreground colours of `text` where it is in a row of `capture-pane -e`."""
    cells: list[tuple[str, str]] = []  # (character, its foreground)
    colour = "default"
    at = 0
    for m in SGR.finditer(row + "\x1b[m"):
        cells += [(c, colour) for c in row[at : m.start()]]
        at = m.end()
        parts = m.group(1).split(";")
        for i, p in enumerate(parts):
            if p == "38" and parts[i + 1 : i + 2] == ["2"]:
                colour = ";".join(parts[i + 2 : i + 5])
            elif p in ("0", "", "39"):
                colour = "default"
    plain = "".join(c for c, _ in cells)
    start = plain.index(text)
    return {colour for _, colour in cells[start : start + len(text)]}


def test_code_from_history_gets_its_colours(tmp_path: Path) -> None:
    if not APP.exists():
        pytest.skip(f"the console script is not installed at {APP} (run: pip install -e .)")
    db = tmp_path / "chat.db"
    store = Store(db)
    now = datetime.now(UTC)
    store.add_message(Role.USER, "Show me code.", now=now)
    store.add_message(Role.ASSISTANT, "Here:\n\n```python\ndef f(x):\n```\n\nDone.", now=now)
    store.close()
    tmux = app_tmux(tmp_path, "colours", DYNAPROMPT_DB=str(db), OPENAI_API_KEY="")
    try:
        tmux.start([str(APP), "--demo", "--tz", "Europe/London"], (100, 30))
        tmux.wait_for("the reply's code", lambda s: "def f(x):" in s, WAIT)
        deadline = time.monotonic() + WAIT
        row = ""
        while time.monotonic() < deadline:
            rows = tmux.run("capture-pane", "-e", "-p", "-t", tmux.session).stdout.splitlines()
            row = next(r for r in rows if "def f(x):" in SGR.sub("", r))
            if len(colours_of(row, "def f(x):")) > 1:  # (a keyword, a name: not one colour)
                break
            time.sleep(POLL)
        else:
            raise AssertionError(f"the code stayed in one colour: {row!r}")
        tmux.keys("C-q")
        tmux.wait_clean_exit(WAIT)
    finally:
        tmux.kill_server()
