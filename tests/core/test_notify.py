"""Notifications: what a local ntfy-protocol endpoint and a webhook receiver get (headers, body,
token), quiet hours holding and releasing (FakeClock), failures that never raise or leak a
secret, and the listener that turns a conversation's arrivals into notifications."""

from __future__ import annotations

import asyncio
import base64
import json
import logging
import socket
from datetime import UTC, datetime, time

import pytest

from dynaprompt_tui.config import Settings
from dynaprompt_tui.core.clock import FakeClock
from dynaprompt_tui.core.conversation import Conversation
from dynaprompt_tui.core.models import Message, Role
from dynaprompt_tui.core.notify.channels import NtfyChannel, WebhookChannel, webhook_body
from dynaprompt_tui.core.notify.dispatch import Notifier, channels_for
from dynaprompt_tui.core.notify.listener import NotifyingListener
from dynaprompt_tui.core.notify.notification import Notification, digest, first_line
from dynaprompt_tui.core.notify.quiet import QuietHours, parse_quiet_hours
from dynaprompt_tui.core.notify.settings import NotifyConfig
from tests.core.conftest import LONDON
from tests.notify_receiver import Receiver

T0 = datetime(2026, 3, 5, 10, 15, tzinfo=UTC)
TOKEN = "tk_0123456789abcdefsecret"


def note(text: str = "Time to stretch", **kw) -> Notification:
    return Notification("your reminder", "dynaprompt", text, T0, message_id=7, **kw)


@pytest.fixture
def unused_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


@pytest.fixture
def receiver():
    with Receiver() as r:
        yield r


def notifier(*channels, clock=None, quiet=None, failures=None) -> Notifier:
    return Notifier(
        list(channels),
        clock=clock or FakeClock(T0),
        zone=LONDON,
        quiet_hours=quiet,
        on_failure=None if failures is None else failures.append,
    )


async def test_ntfy_gets_title_priority_tags_token_and_the_first_line(receiver):
    n = notifier(
        NtfyChannel(f"{receiver.url}/my-topic", TOKEN, priority="high", tags=("alarm_clock",))
    )
    n.notify(note())
    await n.drain()
    [r] = receiver.wait_for(1)
    assert r.path == "/my-topic"
    assert r.body == b"Time to stretch"
    assert r.headers["Title"] == "dynaprompt: your reminder"
    assert r.headers["Priority"] == "high"
    assert r.headers["Tags"] == "alarm_clock"
    assert r.headers["Authorization"] == f"Bearer {TOKEN}"
    assert n.sent == 1


async def test_ntfy_non_ascii_title_is_rfc2047_and_url_credentials_are_basic_auth(receiver):
    url = receiver.url.replace("http://", "http://phil:s3cr%40t@") + "/topic"
    n = notifier(NtfyChannel(url))
    n.notify(note("¡Hola! means hello.")._replace(sender="chatbot", app="dynaprompt ⏰"))
    await n.drain()
    [r] = receiver.wait_for(1)
    encoded = r.headers["Title"]
    assert encoded.startswith("=?UTF-8?B?")
    assert base64.b64decode(encoded[10:-2]).decode() == "dynaprompt ⏰: chatbot"
    assert r.body.decode() == "¡Hola! means hello."
    assert r.headers["Authorization"] == "Basic " + base64.b64encode(b"phil:s3cr@t").decode()


async def test_webhook_gets_the_documented_json(receiver):
    n = notifier(WebhookChannel(f"{receiver.url}/hook"))
    named = note(schedule_id="ab12", conversation="Spanish", conversation_id=3)
    n.notify(named)
    await n.drain()
    [r] = receiver.wait_for(1)
    assert r.headers["Content-Type"] == "application/json"
    assert json.loads(r.body) == {
        "app": "dynaprompt",
        "sender": "your reminder",
        "title": "dynaprompt: Spanish · your reminder",
        "text": "Time to stretch",
        "at": "2026-03-05T10:15:00+00:00",
        "message_id": 7,
        "schedule_id": "ab12",
        "held": 0,
        "conversation": "Spanish",
        "conversation_id": 3,
    }
    assert json.loads(r.body) == webhook_body(named)
    unnamed = webhook_body(note())
    assert unnamed["title"] == "dynaprompt: your reminder" and unnamed["conversation"] is None


def test_a_title_names_the_conversation_cut_to_one_short_line():
    long = note(conversation="A very long conversation title that goes on\nand on and on")
    assert long.title.startswith("dynaprompt: A very long conversation title that go")
    assert long.title.endswith("… · your reminder") and "\n" not in long.title


async def test_every_channel_is_sent_and_a_failing_one_is_logged_scrubbed(caplog):
    failures: list[str] = []
    with Receiver(status=403) as refusing, Receiver() as hook:
        n = notifier(
            NtfyChannel(f"{refusing.url}/secret-topic", TOKEN),
            WebhookChannel(f"{hook.url}/hook"),
            failures=failures,
        )
        with caplog.at_level(logging.WARNING, logger="dynaprompt_tui.notify"):
            n.notify(note())  # returns at once, never raises
            await n.drain()
        refusing.wait_for(1)
        hook.wait_for(1)
    assert n.sent == 1  # the webhook
    assert failures == [
        f"notification via ntfy ({refusing.url}) failed: the server answered HTTP 403"
    ]
    logged = caplog.text
    assert "HTTP 403" in logged
    assert TOKEN not in logged and "secret-topic" not in logged


async def test_an_unreachable_server_never_raises(unused_port):
    failures: list[str] = []
    url = f"http://user:pa55word@127.0.0.1:{unused_port}/topic"
    n = notifier(NtfyChannel(url, TOKEN), WebhookChannel(url), failures=failures)
    n.notify(note())
    await n.drain()
    assert len(failures) == 2 and all("could not connect" in f for f in failures)
    assert not any(s in f for f in failures for s in ("pa55word", TOKEN, "/topic"))


def test_notify_without_an_event_loop_is_logged_not_raised():
    failures: list[str] = []
    n = notifier(WebhookChannel("http://127.0.0.1:9/x"), failures=failures)
    n.notify(note())
    assert failures and "not sent" in failures[0]


# -- quiet hours -------------------------------------------------------------------------------


def at(hhmm: str, day: int = 5) -> datetime:
    h, m = map(int, hhmm.split(":"))
    return datetime(2026, 3, day, h, m, tzinfo=LONDON).astimezone(UTC)


def test_quiet_hours_cross_midnight():
    q = parse_quiet_hours("22:00-07:00")
    assert q == QuietHours(time(22), time(7)) and str(q) == "22:00-07:00"
    assert [q.active(at(t), LONDON) for t in ("21:59", "22:00", "03:00", "06:59", "07:00")] == [
        False,
        True,
        True,
        True,
        False,
    ]
    assert q.ends(at("23:30"), LONDON) == at("07:00", day=6)
    assert q.ends(at("01:00", day=6), LONDON) == at("07:00", day=6)
    assert q.ends(at("12:00"), LONDON) == at("12:00")


def test_quiet_hours_within_a_day_and_in_the_users_zone():
    q = parse_quiet_hours(" 12:30 - 14:00 ")
    assert q.active(at("13:00"), LONDON) and not q.active(at("14:00"), LONDON)
    # 13:00 in London is 08:00 in New York: not quiet there.
    from zoneinfo import ZoneInfo

    assert not q.active(at("13:00"), ZoneInfo("America/New_York"))


@pytest.mark.parametrize("bad", ["22-07", "25:00-07:00", "22:00-07:60", "07:00-07:00", ""])
def test_bad_quiet_hours_are_refused(bad):
    with pytest.raises(ValueError):
        parse_quiet_hours(bad)


async def wait_released(n: Notifier) -> None:
    for _ in range(1000):  # a few loop turns: the release task wakes and hands the sends over
        if not n.held:
            break
        await asyncio.sleep(0)
    await n.drain()


async def test_quiet_hours_hold_notifications_and_send_them_when_they_end(receiver):
    clock = FakeClock(at("23:10"))
    n = notifier(
        WebhookChannel(f"{receiver.url}/hook"),
        clock=clock,
        quiet=parse_quiet_hours("22:00-07:00"),
    )
    n.notify(note("first"))
    clock.advance(minutes=30)
    n.notify(note("second"))
    await n.drain()
    assert len(n.held) == 2 and receiver.requests == []
    clock.set(at("06:59", day=6))
    await asyncio.sleep(0)
    assert len(n.held) == 2  # still quiet
    clock.set(at("07:00", day=6))
    await wait_released(n)
    got = receiver.wait_for(2)
    assert sorted(json.loads(r.body)["text"] for r in got) == ["first", "second"]
    n.notify(note("daytime"))  # after the quiet hours: at once
    await n.drain()
    assert json.loads(receiver.wait_for(3)[2].body)["text"] == "daytime"


async def test_many_held_notifications_become_one_digest(receiver):
    clock = FakeClock(at("22:30"))
    n = notifier(
        WebhookChannel(f"{receiver.url}/hook"), clock=clock, quiet=parse_quiet_hours("22:00-07:00")
    )
    for i in range(5):
        n.notify(note(f"reminder {i}", conversation="Spanish", conversation_id=3))
    clock.set(at("07:00", day=6))
    await wait_released(n)
    [r] = receiver.wait_for(1)
    body = json.loads(r.body)
    assert body["held"] == 5 and body["text"] == "latest: reminder 4"
    assert body["sender"] == "5 messages during quiet hours"
    assert body["title"] == "dynaprompt: Spanish · 5 messages during quiet hours"
    mixed = digest([note(conversation="Spanish", conversation_id=3), note(conversation_id=4)])
    assert (mixed.conversation, mixed.conversation_id) == (None, None)


async def test_closing_during_quiet_hours_stops_waiting():
    n = notifier(
        WebhookChannel("http://127.0.0.1:9/x"),
        clock=FakeClock(at("23:00")),
        quiet=parse_quiet_hours("22:00-07:00"),
    )
    n.notify(note())
    await n.aclose()
    assert n.forget_held() == 1 and n.held == []


# -- what becomes a notification -----------------------------------------------------------------


def test_first_line():
    assert first_line("\n\n  Hello there  \nmore") == "Hello there"
    assert first_line("x" * 300, limit=10) == "x" * 9 + "…"


def test_channels_for_the_config():
    assert channels_for(NotifyConfig(desktop="off"), "app") == []
    made = channels_for(
        NotifyConfig(desktop="off", ntfy_url="https://ntfy.sh/t", webhook_url="https://h/x"),
        "app",
    )
    assert [c.label for c in made] == ["ntfy (https://ntfy.sh)", "webhook (https://h)"]
    assert [c.label for c in channels_for(NotifyConfig(desktop="on"), "app")] == ["desktop"]


class Recorded:
    def __init__(self) -> None:
        self.events: list[str] = []

    def __getattr__(self, name: str):
        return lambda *a: self.events.append(name)


def msg(i: int, role: Role, content: str = "hi", **meta) -> Message:
    return Message(i, role, content, T0, meta=meta)


async def test_the_listener_notifies_finished_replies_and_reminders_once(receiver):
    n = notifier(WebhookChannel(f"{receiver.url}/hook"))
    inner = Recorded()
    focused = [False]
    listener = NotifyingListener(n, app="dyn", inner=inner, active=lambda: not focused[0])
    listener.on_message(msg(1, Role.USER, "my own words"))
    listener.on_message(msg(2, Role.ASSISTANT, "", streaming=True))
    listener.on_delta(2, "partial")
    listener.on_message_changed(msg(2, Role.ASSISTANT, "Done thinking.\nMore", streaming=False))
    listener.on_message_changed(msg(2, Role.ASSISTANT, "Done thinking.\nMore", outcome="x"))
    listener.on_message(msg(3, Role.NOTICE, "scheduled"))
    listener.on_message(msg(4, Role.ASSISTANT, "cut", error="boom", partial=True))
    listener.on_message(msg(5, Role.REMINDER, "Stretch"))
    focused[0] = True
    listener.on_message(msg(6, Role.REMINDER, "seen in the window"))
    listener.on_schedules_changed()
    listener.on_status("x", "info")
    await n.drain()
    got = receiver.wait_for(2)
    # Each send runs in its own thread: they may arrive in either order.
    assert sorted((json.loads(r.body)["sender"], json.loads(r.body)["text"]) for r in got) == [
        ("chatbot", "Done thinking."),
        ("your reminder", "Stretch"),
    ]
    assert inner.events.count("on_message") == 6 and "on_status" in inner.events


async def test_a_conversation_notifies_a_fired_reminder_and_a_scheduled_reply(
    tmp_path, openai_server, receiver
):
    clock = FakeClock(T0)
    settings = Settings(
        model="test-model",
        api_key="sk-test-secret-key-1234",
        base_url=openai_server.base_url,
        db_path=tmp_path / "db.sqlite",
        tz="Europe/London",
        max_retries=1,
        request_timeout=5,
    )
    n = notifier(WebhookChannel(f"{receiver.url}/hook"), clock=clock)
    conv = Conversation.open(settings, clock=clock)
    conv.listener = NotifyingListener(n, app="dynaprompt", inner=conv.listener)
    try:
        await conv.send("dps user in 1 minute\nstand up and stretch")
        await conv.send("dps c in 2 minutes\nteach me a word of Spanish")
        openai_server.reply("¡Hola! means hello.")
        clock.advance(180)
        await conv.engine.fire_due()
        await n.drain()
    finally:
        await conv.stop()
    got = [json.loads(r.body) for r in receiver.wait_for(2)]
    assert sorted((b["sender"], b["text"]) for b in got) == [
        ("chatbot", "¡Hola! means hello."),
        ("your reminder", "stand up and stretch"),
    ]
    [reminder] = [b for b in got if b["sender"] == "your reminder"]
    assert reminder["schedule_id"]


async def test_the_listener_names_conversations_and_hears_the_others(receiver):
    """Given titles (the workspace hands them over), each notification names its
    conversation; messages of the conversations not open arrive through on_elsewhere (a
    reminder) and on_elsewhere_changed (a reply that finished), and are passed on."""
    n = notifier(WebhookChannel(f"{receiver.url}/hook"))
    inner = Recorded()
    listener = NotifyingListener(n, app="dyn", inner=inner)
    listener.name_conversations({2: "Spanish"}.get)
    listener.on_elsewhere(2, msg(1, Role.REMINDER, "Conjugate ser")._replace(conversation_id=2))
    listener.on_elsewhere(2, None)  # (a new title there)
    reply = msg(2, Role.ASSISTANT, "", streaming=True)._replace(conversation_id=2)
    listener.on_elsewhere(2, reply)
    listener.on_elsewhere_changed(2, reply._replace(content="¡Hola!", meta={}))
    listener.on_message(msg(3, Role.REMINDER, "In the open one"))  # conversation 1: no title
    await n.drain()
    got = sorted(
        (json.loads(r.body)["title"], json.loads(r.body)["text"]) for r in receiver.wait_for(3)
    )
    assert got == [
        ("dyn: Spanish · chatbot", "¡Hola!"),
        ("dyn: Spanish · your reminder", "Conjugate ser"),
        ("dyn: your reminder", "In the open one"),
    ]
    assert inner.events.count("on_elsewhere") == 3 and "on_elsewhere_changed" in inner.events
    assert "name_conversations" in inner.events


async def test_the_workspace_names_the_conversation_of_a_fire_in_the_app(tmp_path, receiver):
    """The app's path: a NotifyingListener set on the open conversation gets the workspace's
    titles; a fire in another conversation is told with that conversation's title."""
    from dynaprompt_tui.core.conversation.workspace import Workspace

    clock = FakeClock(T0)
    settings = Settings(db_path=tmp_path / "db.sqlite", tz="Europe/London", demo=True)
    n = notifier(WebhookChannel(f"{receiver.url}/hook"), clock=clock)
    workspace = Workspace.open(settings, clock=clock)
    try:
        assert workspace.notification_title(1) is None  # alone, it needs no name
        spanish = workspace.create("Spanish")
        assert workspace.notification_title(1) == "New conversation"
        conv = workspace.current
        assert conv.id != spanish.id
        conv.listener = NotifyingListener(n, app="dynaprompt", inner=conv.listener)
        await spanish.send("dps user in 1 minute\nConjugate ser")
        clock.advance(120)
        await conv.engine.fire_due()
        await n.drain()
    finally:
        await workspace.stop()
    [r] = receiver.wait_for(1)
    body = json.loads(r.body)
    assert body["title"] == "dynaprompt: Spanish · your reminder"
    assert (body["conversation"], body["text"]) == ("Spanish", "Conjugate ser")
