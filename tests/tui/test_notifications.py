"""The app notifies while its terminal is not focused (AppBlur) and not while it is (AppFocus):
the real app under Pilot, a FakeClock firing schedules, a local ntfy-protocol endpoint."""

from __future__ import annotations

from collections.abc import Callable

from textual import events

from dynaprompt_tui.config import Settings
from dynaprompt_tui.core.models import Role
from dynaprompt_tui.core.notify.quiet import parse_quiet_hours
from dynaprompt_tui.core.notify.settings import NotifyConfig
from dynaprompt_tui.tui.app import DynapromptApp
from tests.notify_receiver import Receiver
from tests.tui.helpers import SIZE, settle


async def focus(app: DynapromptApp, pilot, focused: bool) -> None:
    app.post_message(events.AppFocus() if focused else events.AppBlur())
    await pilot.pause()
    assert app.app_focus is focused


async def test_a_delivery_while_blurred_notifies_and_while_focused_does_not(
    build: Callable[..., DynapromptApp], settings: Settings, clock
) -> None:
    with Receiver() as ntfy:
        notify = NotifyConfig(desktop="off", ntfy_url=f"{ntfy.url}/dynaprompt-topic")
        app = build(settings._replace(notify=notify))
        async with app.run_test(size=SIZE) as pilot:
            await app.conversation.send("dps u in 1 minute\nstretch your legs")
            await app.conversation.send("dps u in 2 minutes\ndrink some water")
            await settle(app, pilot)
            await focus(app, pilot, False)
            clock.advance(61)
            await settle(app, pilot)
            await app.notifications.notifier.drain()
            [r] = ntfy.wait_for(1)
            assert r.path == "/dynaprompt-topic" and r.body == b"stretch your legs"
            assert r.headers["Title"] == "dynaprompt: your reminder"

            await focus(app, pilot, True)
            clock.advance(60)
            await settle(app, pilot)
            await app.notifications.notifier.drain()
            reminders = [m.content for m in app.conversation.messages() if m.role is Role.REMINDER]
            assert reminders == ["stretch your legs", "drink some water"]  # both in the chat
            assert len(ntfy.requests) == 1  # the second arrived while the window had the focus
            assert app.bells == 2  # the bell setting is unchanged


async def test_a_bot_reply_while_blurred_notifies(
    build: Callable[..., DynapromptApp], settings: Settings
) -> None:
    with Receiver() as hook:
        app = build(settings._replace(notify=NotifyConfig(desktop="off", webhook_url=hook.url)))
        async with app.run_test(size=SIZE) as pilot:
            await focus(app, pilot, False)
            await app.conversation.send("hello there")
            await settle(app, pilot)
            await app.notifications.notifier.drain()
            [r] = hook.wait_for(1)
            assert b'"sender": "chatbot"' in r.body


async def test_quiet_hours_hold_until_focus_drops_them(
    build: Callable[..., DynapromptApp], settings: Settings, clock
) -> None:
    with Receiver() as hook:
        quiet = parse_quiet_hours("10:00-12:00")  # the clock starts at 10:15 in London
        notify = NotifyConfig(desktop="off", webhook_url=hook.url, quiet_hours=quiet)
        app = build(settings._replace(notify=notify))
        async with app.run_test(size=SIZE) as pilot:
            await app.conversation.send("dps u in 1 minute\nstretch")
            await focus(app, pilot, False)
            clock.advance(61)
            await settle(app, pilot)
            assert len(app.notifications.notifier.held) == 1 and hook.requests == []
            await focus(app, pilot, True)  # the user is back: nothing to send at noon
            assert app.notifications.notifier.held == []


async def test_a_failing_channel_is_one_toast(
    build: Callable[..., DynapromptApp], settings: Settings, clock
) -> None:
    with Receiver(status=500) as broken:
        notify = NotifyConfig(desktop="off", ntfy_url=f"{broken.url}/t", ntfy_token="tk_secret1")
        app = build(settings._replace(notify=notify))
        async with app.run_test(size=SIZE) as pilot:
            await app.conversation.send("dps u in 1 minute\none\ndps u in 2 minutes\ntwo")
            await focus(app, pilot, False)
            clock.advance(61)
            await settle(app, pilot)
            clock.advance(60)
            await settle(app, pilot)
            await app.notifications.notifier.drain()
            await pilot.pause()
            broken.wait_for(2)
            toasts = [n.message for n in app._notifications if "HTTP 500" in n.message]
            assert len(toasts) == 1 and "tk_secret1" not in toasts[0]


async def test_what_another_process_delivered_is_shown_but_not_notified_here(
    build: Callable[..., DynapromptApp], settings: Settings, clock
) -> None:
    """A message written by another process (the service) is told by that process: this window
    shows it (live sync) and does not notify it a second time, even while blurred."""
    from dynaprompt_tui.core.storage import Store

    with Receiver() as hook:
        app = build(settings._replace(notify=NotifyConfig(desktop="off", webhook_url=hook.url)))
        async with app.run_test(size=SIZE) as pilot:
            await focus(app, pilot, False)
            other = Store(settings.db_path)  # another process's connection
            written = other.add_message(
                Role.ASSISTANT, "written by the service", now=clock.now(), meta={}
            )
            other.close()
            for _ in range(200):  # live sync's timer picks it up (polled, no fixed wait)
                app.live_sync.check()
                await pilot.pause()
                if app.main_screen.chat.item(written.id) is not None:
                    break
            assert app.main_screen.chat.item(written.id) is not None
            await app.notifications.notifier.drain()
            assert hook.requests == []
            await app.conversation.send("and a reply made here")  # this window's own: told
            await settle(app, pilot)
            await app.notifications.notifier.drain()
            [r] = hook.wait_for(1)
            assert b"written by the service" not in r.body
