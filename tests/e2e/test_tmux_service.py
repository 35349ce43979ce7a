"""End to end with the background service: `dynaprompt-tui serve` runs beside the app in a real
terminal (tmux); the user schedules a prompt to the chatbot and closes the app; the service fires
it and stores the bot's answer (from the local OpenAI-protocol server, in its own process); the
app reopened shows the answer, on time. Waits poll the screen or the database, with deadlines."""

from __future__ import annotations

import signal
import subprocess
import time
import uuid
from pathlib import Path

import pytest

from dynaprompt_tui.core.models import Role
from dynaprompt_tui.core.storage import Store
from tests.e2e.tmux_helpers import APP, E2E, WAIT, LocalServer, Tmux, clean_env, split_screen

pytestmark = E2E

KEY = "test-key-service"
BOT_REPLY = "Hola from the service: the word is gato"
PROMPT = "teach me a spanish word"
SIZE = (120, 40)


def test_the_service_answers_while_the_app_is_closed(tmp_path: Path) -> None:
    if not APP.exists():
        pytest.skip(f"the console script is not installed at {APP} (run: pip install -e .)")
    server = LocalServer({"api_key": KEY, "default": {"text": BOT_REPLY}}, tmp_path)
    work = tmp_path / "cwd"
    work.mkdir()
    db = tmp_path / "data" / "chat.db"
    tmux: Tmux | None = None
    service: subprocess.Popen[bytes] | None = None
    try:
        server.start()
        env = clean_env(
            tmp_path,
            DYNAPROMPT_DB=str(db),
            OPENAI_BASE_URL=server.base_url,
            OPENAI_API_KEY=KEY,
            XDG_STATE_HOME=str(tmp_path / "home" / ".local" / "state"),
        )
        service = subprocess.Popen([str(APP), "serve", "--tz", "Europe/London"], env=env, cwd=work)
        tmux = Tmux(f"dp-e2e-svc-{uuid.uuid4().hex[:8]}", env, work)
        command = [str(APP), "--tz", "Europe/London"]
        tmux.start(command, SIZE)
        tmux.wait_for("the first frame", lambda s: "Schedules (0)" in s, WAIT)
        tmux.paste(f"dps c in 8 seconds\n{PROMPT}")
        tmux.wait_for("the dps preview", lambda s: "✓" in s, WAIT)
        tmux.keys("Enter")
        tmux.wait_for("the schedule in the sidebar", lambda s: "Schedules (1)" in s, WAIT)
        tmux.keys("C-q")  # the window closes before the schedule is due
        tmux.wait_clean_exit(WAIT)
        tmux.kill_session()

        store = Store(db)
        deadline = time.monotonic() + WAIT
        while not any(
            m.role is Role.ASSISTANT and BOT_REPLY in m.content for m in store.messages()
        ):
            assert service.poll() is None, "the service stopped"
            assert time.monotonic() < deadline, "the service never stored the bot's answer"
            time.sleep(0.1)
        [fire] = store.fires()
        assert fire.status == "delivered" and not fire.late
        store.close()

        tmux.start(command, SIZE)
        screen = tmux.wait_for(
            "the answer after reopening", lambda s: BOT_REPLY in split_screen(s)[0], WAIT
        )
        assert PROMPT in split_screen(screen)[0] and "Schedules (0)" in screen
        assert "late" not in split_screen(screen)[0]
        tmux.keys("C-q")
        tmux.wait_clean_exit(WAIT)
        service.send_signal(signal.SIGTERM)
        assert service.wait(timeout=WAIT) == 0
    finally:
        if tmux is not None:
            tmux.kill_server()
        if service is not None and service.poll() is None:
            service.kill()
            service.wait(timeout=10)
        server.stop()
