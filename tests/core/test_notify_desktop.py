"""Desktop notifications through desktop-notifier on a real D-Bus session bus that the test
starts, with a notification server on it: what it shows, and a missing server that turns an
"auto" desktop channel off instead of failing at every message."""

from __future__ import annotations

import sys
from datetime import UTC, datetime

import pytest

from dynaprompt_tui.core.clock import FakeClock
from dynaprompt_tui.core.notify.channels import ChannelError, DesktopChannel, desktop_available
from dynaprompt_tui.core.notify.dispatch import Notifier
from dynaprompt_tui.core.notify.notification import Notification
from tests.core.conftest import LONDON

dbus = pytest.importorskip("tests.dbus_notifications", reason="dbus-fast is not installed")

pytestmark = [
    pytest.mark.skipif(sys.platform != "linux", reason="the D-Bus path is Linux's"),
    pytest.mark.skipif(
        dbus.DAEMON is None, reason="dbus-daemon is not installed (.ci/run installs it)"
    ),
]

T0 = datetime(2026, 3, 5, 10, 15, tzinfo=UTC)
NOTE = Notification("chatbot", "dynaprompt", "¡Hola! means hello.", T0, message_id=3)


@pytest.fixture
def bus(monkeypatch):
    with dbus.session_bus() as address:
        monkeypatch.setenv("DBUS_SESSION_BUS_ADDRESS", address)
        yield address


async def test_the_notification_server_shows_who_wrote_and_the_first_line(bus):
    async with dbus.notification_server(bus) as server:
        assert desktop_available()
        n = Notifier([DesktopChannel("dynaprompt")], clock=FakeClock(T0), zone=LONDON)
        n.notify(NOTE)
        await n.drain()
        assert n.sent == 1
    assert server.shown == [
        {"app_name": "dynaprompt", "summary": "dynaprompt: chatbot", "body": "¡Hola! means hello."}
    ]


async def test_no_notification_server_turns_an_auto_channel_off(bus):
    channel = DesktopChannel("dynaprompt", tried=True)
    with pytest.raises(ChannelError, match="off until the next start"):
        await channel.send(NOTE)
    assert not channel.enabled
    failures: list[str] = []
    n = Notifier([channel], clock=FakeClock(T0), zone=LONDON, on_failure=failures.append)
    n.notify(NOTE)  # nothing left to send through: not tried again
    await n.drain()
    assert failures == [] and n.sent == 0


async def test_an_asked_for_channel_stays_on_after_a_failure(bus):
    channel = DesktopChannel("dynaprompt")
    with pytest.raises(ChannelError):
        await channel.send(NOTE)
    assert channel.enabled
