"""`serve`: the scheduler with no window. The same `Conversation` and `Engine` as the app: due
schedules fire, schedules to the chatbot get a model turn (guardrails, retries and the daily
cap apply), everything is stored in the same database. It delivers only while it holds the
engine lease (a window may hold it instead); SIGTERM or SIGINT stop it cleanly.

What reaches the user outside the window is core.notify's notifications, sent as the `[notify]`
settings say while no window is focused (windows record their focus: core/notify/presence.py),
each naming its conversation; `run_service(settings, listener=...)` puts another
`ConversationListener` in their place (tests).
"""

from __future__ import annotations

import asyncio
import logging
import os
import signal
from collections.abc import Callable
from typing import TYPE_CHECKING

from dynaprompt_tui.config import Settings
from dynaprompt_tui.core.conversation.transcript import ConversationListener, SilentListener
from dynaprompt_tui.core.conversation.workspace import Workspace
from dynaprompt_tui.core.formatting import preview
from dynaprompt_tui.core.models import Message, Role
from dynaprompt_tui.core.notify import presence
from dynaprompt_tui.core.notify.dispatch import Notifier
from dynaprompt_tui.core.notify.listener import NotifyingListener
from dynaprompt_tui.service import logs

APP_NAME = "dynaprompt"

if TYPE_CHECKING:
    from dynaprompt_tui.core.clock import Clock
    from dynaprompt_tui.core.scheduling.engine import Delivery

log = logging.getLogger("dynaprompt_tui.service")


class ServiceListener(SilentListener):
    """Logs what the conversation does (no message text beyond a short preview), and passes
    everything on to `inner` (notifications), whose failures never stop the service."""

    def __init__(self, inner: ConversationListener | None = None) -> None:
        self.inner = inner

    def _pass(self, name: str, *args: object) -> None:
        if self.inner is None:
            return
        try:
            getattr(self.inner, name)(*args)
        except Exception:
            log.exception("the %s listener failed", name)

    def on_message(self, message: Message) -> None:
        if message.role is Role.ERROR:
            log.error("message %s: %s", message.id, preview(message.content, 200))
        elif message.role is Role.ASSISTANT and message.content:
            log.info("reply %s stored (%d characters)", message.id, len(message.content))
        self._pass("on_message", message)

    def on_delta(self, message_id: int, text: str) -> None:
        self._pass("on_delta", message_id, text)

    def on_message_changed(self, message: Message) -> None:
        if message.role is Role.ASSISTANT and not message.meta.get("streaming"):
            log.info("reply %s complete (%d characters)", message.id, len(message.content))
        self._pass("on_message_changed", message)

    def on_schedules_changed(self) -> None:
        self._pass("on_schedules_changed")

    def on_delivery(self, delivery: Delivery) -> None:
        log.info(
            "fired schedule %s to the %s in conversation %s%s (due %s)",
            delivery.schedule.id,
            delivery.schedule.recipient.value,
            delivery.schedule.conversation_id,
            ", late" if delivery.late else "",
            delivery.fire.due_at.isoformat(),
        )
        self._pass("on_delivery", delivery)

    def on_status(self, text: str, severity: str) -> None:
        (log.warning if severity in ("warning", "error") else log.info)("%s", text)
        self._pass("on_status", text, severity)

    # Optional methods (the workspace looks for them): passed on when `inner` has them.

    def on_elsewhere(self, conversation_id: int, message: Message | None) -> None:
        if message is not None and message.role is Role.ERROR:
            log.error(
                "message %s in conversation %s: %s",
                message.id,
                conversation_id,
                preview(message.content, 200),
            )
        self._pass_optional("on_elsewhere", conversation_id, message)

    def on_elsewhere_changed(self, conversation_id: int, message: Message) -> None:
        if message.role is Role.ASSISTANT and not message.meta.get("streaming"):
            log.info(
                "reply %s complete in conversation %s (%d characters)",
                message.id,
                conversation_id,
                len(message.content),
            )
        self._pass_optional("on_elsewhere_changed", conversation_id, message)

    def name_conversations(self, titles: Callable[[int], str | None]) -> None:
        self._pass_optional("name_conversations", titles)

    def _pass_optional(self, name: str, *args: object) -> None:
        if hasattr(self.inner, name):
            self._pass(name, *args)


async def serve(
    settings: Settings,
    *,
    stop: asyncio.Event,
    listener: ConversationListener | None = None,
    clock: Clock | None = None,
) -> None:
    """Run until `stop` is set; the conversation (its engine, its client) closed after."""
    # Every conversation's schedules: the workspace's engine delivers them all.
    workspace = Workspace.open(settings, clock=clock, listener=ServiceListener(listener))
    conversation = workspace.current
    notifier = None
    if listener is None:  # what the user's [notify] settings ask for
        notifier = Notifier.from_config(
            settings.notify, clock=conversation.clock, zone=settings.zone, app_name=APP_NAME
        )
        store = conversation.store
        conversation.listener = ServiceListener(
            NotifyingListener(
                notifier,
                app=APP_NAME,
                # A focused window means the user is reading the chat; a window that is open
                # but not focused leaves it to the service, whose deliveries these are.
                active=lambda: not presence.a_window_is_focused(store),
            )
        )
    conversation.engine.role = "service"
    conversation.warm_up()
    state = logs.state_path()
    logs.write_state(
        state,
        {
            "pid": os.getpid(),
            "owner": conversation.engine.owner,
            "db": str(settings.db_path),
            "since": conversation.clock.now().isoformat(),
        },
    )
    log.info(
        "serving %s (model %s, zone %s, pid %d)",
        settings.db_path,
        conversation.label,
        settings.tz,
        os.getpid(),
    )
    try:
        await conversation.start()
        await stop.wait()
    finally:
        log.info("stopping")
        await conversation.stop()  # releases the engine lease: a window takes over at once
        if notifier is not None:
            await notifier.aclose(timeout=2.0)
        current = logs.read_state(state)
        if current is not None and current.get("pid") == os.getpid():
            state.unlink(missing_ok=True)
        log.info("stopped")


def run_service(settings: Settings, *, listener: ConversationListener | None = None) -> int:
    """The `serve` command: log to the state dir, serve until SIGTERM/SIGINT; the exit code."""
    handler = logs.open_log(logs.log_path(), secrets=[settings.api_key or ""])
    try:

        async def main() -> None:
            stop = asyncio.Event()
            loop = asyncio.get_running_loop()
            for sig in (signal.SIGTERM, signal.SIGINT):
                loop.add_signal_handler(sig, stop.set)
            await serve(settings, stop=stop, listener=listener)

        asyncio.run(main())
        return 0
    except Exception:
        log.exception("the service failed")
        raise
    finally:
        logging.getLogger().removeHandler(handler)
        handler.close()
