"""`dynaprompt-tui serve` as a subprocess with no window, against the local OpenAI-protocol
server: a schedule to the chatbot fires, the reply is stored, an app opened afterwards has it
(not late, not fired again); SIGTERM stops it cleanly, its log never holds the API key."""

from __future__ import annotations

import signal
import sys

import pytest

from dynaprompt_tui.config import Settings
from dynaprompt_tui.core.models import Party, Role
from dynaprompt_tui.core.storage import Store
from dynaprompt_tui.tui.app import make_app
from tests.openai_server import OpenAIServer
from tests.service.conftest import Home, add_due, wait_for

pytestmark = pytest.mark.skipif(sys.platform == "win32", reason="POSIX signals")

KEY = "sk-test-do-not-log-0123456789"


async def test_a_schedule_to_the_chatbot_fires_with_no_window(
    home: Home, openai_server: OpenAIServer
) -> None:
    openai_server.reply("Gato: a cat. El gato duerme.")
    store = Store(home.db)
    s = add_due(store, -0.5, "One Spanish word, with an example", to=Party.CHATBOT)
    service = home.serve("--base-url", openai_server.base_url, env={"OPENAI_API_KEY": KEY})

    def reply():
        return [m for m in store.messages() if m.role is Role.ASSISTANT and "Gato" in m.content]

    [answer] = wait_for(reply, what="the bot's reply")
    [prompt] = [m for m in store.messages() if m.schedule_id == s.id]
    assert prompt.role is Role.USER and not prompt.late
    assert openai_server.requests[-1]["headers"]["authorization"] == f"Bearer {KEY}"
    wait_for(lambda: not store.get_message(answer.id).meta.get("streaming"), what="the end")

    status = home.cli("service", "status")
    assert status.returncode == 0, status.stderr
    lines = status.stdout.splitlines()
    assert lines[0].startswith(f"service: running (pid {service.pid}, since ")
    assert lines[2].startswith(f"delivering: the service (pid {service.pid}")
    assert lines[3].startswith("last fire: ") and f"schedule {s.id} (delivered)" in lines[3]
    assert lines[4] == "next due: nothing scheduled"

    service.send_signal(signal.SIGTERM)
    assert service.wait(timeout=30) == 0
    stopped = home.cli("service", "status")
    assert stopped.returncode == 3 and stopped.stdout.startswith("service: not running")
    assert "delivering: nobody" in stopped.stdout  # the lease was released
    log = home.log.read_text()
    assert f"fired schedule {s.id} to the chatbot" in log and "stopped" in log
    assert KEY not in log and KEY[-8:] not in log
    [fire] = store.fires(s.id)
    assert fire.status == "delivered" and not fire.late
    store.close()

    # A window opened afterwards shows the reply, and fires nothing again.
    settings = Settings(db_path=home.db, tz="UTC", demo=True, bell=False)
    app = make_app(settings)
    async with app.run_test(size=(120, 36)) as pilot:
        await pilot.pause()
        texts = [m.content for m in app.conversation.messages()]
        assert "Gato: a cat. El gato duerme." in texts
        assert len(app.conversation.store.fires(s.id)) == 1
        await pilot.press("ctrl+q")


def test_a_bad_config_is_one_line_in_the_log_and_in_status(home: Home) -> None:
    bad = home.root / "config.toml"
    bad.write_text("model = [unclosed\n")
    service = home.serve("--config", str(bad))
    assert service.wait(timeout=30) == 2  # the unit does not restart on 2
    assert service.stderr is not None
    err = service.stderr.read().decode().strip().splitlines()
    assert len(err) == 1 and "Traceback" not in err[0], err
    [line] = [x for x in home.log.read_text().splitlines() if " ERROR " in x]
    assert "not started" in line


def test_a_model_server_down_marks_the_fire_failed_and_the_service_goes_on(
    home: Home, openai_server: OpenAIServer
) -> None:
    openai_server.fail(503, times=-1)
    config = home.root / "config.toml"
    config.write_text("max_retries = 1\n")
    store = Store(home.db)
    s = add_due(store, -0.2, "Are you there?", to=Party.CHATBOT)
    service = home.serve(
        "--base-url", openai_server.base_url, "--config", str(config), env={"OPENAI_API_KEY": KEY}
    )
    wait_for(lambda: store.get_schedule(s.id).failures == 1, what="the failure to be counted")
    [error] = [m for m in store.messages() if m.role is Role.ERROR]
    assert error.meta.get("retryable") and error.meta.get("schedule_id") == s.id
    assert service.poll() is None  # still serving
    later = add_due(store, 0.3, "a reminder still arrives")
    wait_for(lambda: store.fires(later.id), what="the next fire")
    status = home.cli("service", "status")
    assert status.returncode == 0 and "last error: " in status.stdout
    assert KEY not in home.log.read_text()
    store.close()
