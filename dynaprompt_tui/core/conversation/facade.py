"""The use cases: the user sends text, a schedule fires, the bot replies and schedules.

Everything the UI does goes through `Conversation`, which composes its collaborators (a
`Transcript` that writes the chat, `Actions`, `Turns`, drafts, export, schedule views), each
given what it needs when built; it tells the UI what changed through a `ConversationListener`.
"""

from __future__ import annotations

import asyncio
import logging
from collections.abc import Coroutine
from datetime import datetime
from functools import cached_property
from pathlib import Path
from typing import TYPE_CHECKING, Any
from zoneinfo import ZoneInfo

from dynaprompt_tui.core.clock import Clock, SystemClock
from dynaprompt_tui.core.conversation.export import (
    all_messages,
    export_file_name,
    export_text,
    write_private,
)
from dynaprompt_tui.core.conversation.hub import Hub
from dynaprompt_tui.core.conversation.schedule_changes import ScheduleChanges
from dynaprompt_tui.core.conversation.schedule_view import ScheduleView, describe
from dynaprompt_tui.core.conversation.transcript import ConversationListener, Transcript
from dynaprompt_tui.core.llm.factory import close_client, make_chat_client
from dynaprompt_tui.core.models import Message, Party, Role, Schedule, ScheduleState
from dynaprompt_tui.core.scheduling.book import ScheduleBook
from dynaprompt_tui.core.storage.conversations import FIRST
from dynaprompt_tui.core.storage.store import Store, StoreError

if TYPE_CHECKING:  # (annotations only: these modules are off the app's first frame)
    from dynaprompt_tui.core.conversation.actions import Actions
    from dynaprompt_tui.core.conversation.drafts import EditCheck, Preview
    from dynaprompt_tui.core.conversation.settings import ConversationSettings
    from dynaprompt_tui.core.conversation.titles import TitleWriter
    from dynaprompt_tui.core.conversation.turns import Turns
    from dynaprompt_tui.core.llm.events import ChatClient
    from dynaprompt_tui.core.scheduling.engine import Delivery, Engine

log = logging.getLogger(__name__)


class TurnFailed(Exception):
    """A scheduled turn's model call failed (already shown in the chat)."""


class Conversation(ScheduleChanges):
    """One conversation: its messages, its schedules, its bot. `hub`: the `Workspace` that holds
    it with the others and runs the one engine that delivers them all; without one (a test, a
    single-conversation tool) the conversation runs its own engine."""

    def __init__(
        self,
        store: Store,
        chat_client: ChatClient,
        settings: ConversationSettings,
        *,
        clock: Clock | None = None,
        tz: ZoneInfo | None = None,
        listener: ConversationListener | None = None,
        hub: Hub | None = None,
        system_prompt: str | None = None,
    ) -> None:
        if store.conversation_id is None:  # the whole database: this is its first conversation
            store = store.scoped(FIRST)
        self.store = store
        self.id: int = store.conversation_id or FIRST
        self.book = ScheduleBook(store)  # the schedules' state changes
        self.client = chat_client
        self.settings = settings
        self.system_prompt = system_prompt or settings.system_prompt  # its persona, or the default
        self.clock = clock or SystemClock()
        self.tz = tz or ZoneInfo(settings.tz)
        self.transcript = Transcript(store, self.clock, listener)
        self.hub = hub
        self.titles: TitleWriter | None = None  # set by the workspace: names the conversation
        self._tasks: set[asyncio.Task[Any]] = set()

    @classmethod
    def open(
        cls,
        settings: ConversationSettings,
        *,
        clock: Clock | None = None,
        listener: ConversationListener | None = None,
        chat_client: ChatClient | None = None,
    ) -> Conversation:
        """The conversation stored at `settings.db_path`, with the demo bot or the OpenAI
        client (built at the first model call: `openai` is slow to import)."""
        if chat_client is None:
            chat_client = make_chat_client(settings, lazy=True)
        conversation = cls(
            Store(settings.db_path), chat_client, settings, clock=clock, listener=listener
        )
        conversation.recover_interrupted()
        return conversation

    @property
    def listener(self) -> ConversationListener:
        """Who is told of changes: with a hub, the hub's listener (the window hears every
        conversation through it)."""
        return self.hub.listener if self.hub is not None else self.transcript.listener

    @listener.setter
    def listener(self, listener: ConversationListener) -> None:
        if self.hub is not None:
            self.hub.listener = listener
        else:
            self.transcript.listener = listener

    # The collaborators below are built on first use: the app's first frame needs none of them
    # (their modules import the instruction and time-phrase parsers, ~25 ms at start-up).

    @cached_property
    def engine(self) -> Engine:
        """The scheduler (the hub's, which delivers every conversation); built on first use
        (the app starts it after its first frame)."""
        if self.hub is not None:
            return self.hub.engine
        from dynaprompt_tui.core.scheduling.engine import Engine  # deferred: off the first frame

        return Engine(self.store, self.clock, self.on_delivery)

    def reconfigure(self, chat_client: ChatClient, system_prompt: str | None) -> None:
        """Its own model or persona changed: the next turn uses them."""
        self.client = chat_client
        self.system_prompt = system_prompt or self.settings.system_prompt
        self.__dict__.pop("turns", None)  # rebuilt on first use with the new ones

    @cached_property
    def actions(self) -> Actions:
        from dynaprompt_tui.core.conversation.actions import Actions  # deferred: the parsers

        return Actions(
            self.store,
            self.book,
            clock=self.clock,
            zone=self.tz,
            guardrails=self.settings.guardrails,
            schedules_changed=self.schedules_changed,
        )

    @cached_property
    def turns(self) -> Turns:
        from dynaprompt_tui.core.conversation.turns import Turns  # deferred: the parsers

        return Turns(
            self.store,
            self.transcript,
            self.client,
            self.actions,
            clock=self.clock,
            zone=self.tz,
            guardrails=self.settings.guardrails,
            tools=self.settings.tools,
            system_prompt=self.system_prompt,
        )

    def warm_up(self) -> None:
        """Load the parsers and the turn code now (the app calls this after its first frame),
        so the first keystroke's preview or the first reply does not pay for the imports."""
        _ = self.actions, self.turns  # (actions imports both parsers)

    @property
    def label(self) -> str:
        return "demo" if self.settings.demo else self.settings.model

    def now(self) -> datetime:
        """The current instant in the user's zone."""
        return self.clock.now().astimezone(self.tz)

    # -- lifecycle -------------------------------------------------------------------------------

    async def start(self) -> None:
        self.recover_interrupted()
        if self.hub is not None:
            await self.hub.start()
        else:
            self.engine.start()

    def recover_interrupted(self) -> list[Message]:
        """Mark replies a crash left half-written, each with a Retry (see `Transcript`)."""
        return self.transcript.recover_interrupted()

    async def stop(self) -> None:
        """Stop its work; with a hub, the hub's (every conversation's) and close the store."""
        if self.hub is not None:
            await self.hub.stop()
            return
        await self.stop_turns()
        if "engine" in self.__dict__:  # else it never ran
            await self.engine.stop()
        await self.close_client()
        self.store.close()

    async def stop_turns(self) -> None:
        for task in list(self._tasks):
            task.cancel()
        if self._tasks:
            await asyncio.gather(*self._tasks, return_exceptions=True)

    async def close_client(self) -> None:
        await close_client(self.client)

    def spawn(self, coro: Coroutine[Any, Any, Any]) -> asyncio.Task[Any]:
        task = asyncio.get_running_loop().create_task(coro)
        self._tasks.add(task)
        task.add_done_callback(self._tasks.discard)
        return task

    async def idle(self) -> None:
        """Wait until every model turn started so far has finished (tests, export, quit)."""
        while self._tasks:
            await asyncio.gather(*list(self._tasks), return_exceptions=True)

    # -- messages ----------------------------------------------------------------------------

    def add(self, role: Role, content: str, **kw: Any) -> Message:
        return self.transcript.add(role, content, **kw)

    def change(self, message_id: int, **kw: Any) -> Message:
        return self.transcript.change(message_id, **kw)

    def notice(self, card: str, text: str, *, to_bot: bool = False, **meta: Any) -> Message:
        return self.transcript.notice(card, text, to_bot=to_bot, **meta)

    def messages(
        self, *, before_id: int | None = None, limit: int = 50, after_id: int | None = None
    ) -> list[Message]:
        """Oldest first: the latest `limit` before `before_id` (or the newest), or the first
        `limit` after `after_id`."""
        return self.store.messages(before_id=before_id, limit=limit, after_id=after_id)

    async def send(self, text: str) -> None:
        """The user sends text: store it, carry out its instructions, let the bot answer."""
        if not text.strip():
            return
        # Deferred: the instruction parser is off the first frame.
        from dynaprompt_tui.core.conversation.actions import show
        from dynaprompt_tui.core.conversation.instructions import parse_message

        self.add(Role.USER, text)
        if self.titles is not None:
            self.titles.from_words(self.id, text)
        self.turns.user_spoke()
        parsed = parse_message(text)
        results = self.actions.run(parsed.instructions, by=Party.USER)
        for result in results:
            show(self.transcript, result, to_bot=False)
        if parsed.visible.strip():
            # A bot that quotes the message back must not make its schedules a second time.
            await self.turns.reply(seen=[r.schedule for r in results if r.schedule is not None])
            if self.titles is not None:
                enabled = not self.settings.demo and getattr(self.settings, "model_titles", True)
                self.titles.by_model(self.id, self.client, enabled=enabled)

    def delete_message(self, message_id: int) -> Message:
        """Delete one of this conversation's messages (what it scheduled stays); returns it."""
        message = self.store.get_message(message_id)
        if message.conversation_id != self.id:
            raise StoreError(f"message {message_id} is not in this conversation")
        self.store.delete_messages([message_id])
        return message

    def last_reply(self) -> list[Message]:
        """The bot's messages since the user's last one (what regenerating replaces)."""
        tail: list[Message] = []
        for m in reversed(self.store.messages(limit=60)):
            if m.role is Role.USER:
                return tail if tail else []
            if m.role in (Role.ASSISTANT, Role.ERROR):
                tail.insert(0, m)
        return []

    async def regenerate(self) -> list[int]:
        """Ask the bot again for its last reply: the reply (and an error after it) is deleted
        and a new turn runs; the schedules the old reply made stay. Returns the deleted ids."""
        old = self.last_reply()
        if not old:
            raise StoreError("there is no reply to regenerate (send a message first)")
        self.store.delete_messages([m.id for m in old])
        await self.turns.reply()
        return [m.id for m in old]

    async def retry(self, message_id: int) -> None:
        """Retry the model call behind a failed turn (an error message offering Retry)."""
        error = self.store.get_message(message_id)
        if not error.meta.get("retryable"):
            raise StoreError("that message has nothing to retry")
        self.change(message_id, meta={"retryable": False, "retried": True})
        sid = error.meta.get("schedule_id")
        ok = await self.turns.reply(scheduled=sid)
        if sid:
            if ok:
                self.book.record_success(sid)
            else:
                self.book.record_failure(sid, now=self.clock.now(), error="model call failed")
            self.schedules_changed()

    # -- schedules -----------------------------------------------------------------------------

    def pending(self, limit: int | None = None, offset: int = 0) -> list[Schedule]:
        """Pending and paused schedules, the next to fire first (`limit` of them from `offset`)."""
        return self.store.schedules(limit=limit, offset=offset)

    def pending_counts(self) -> tuple[int, int]:
        """(pending and paused, paused) schedules."""
        paused = self.store.count_schedules(states=[ScheduleState.PAUSED])
        return self.store.count_schedules(), paused

    def schedules_changed(self) -> None:
        if self.hub is not None:
            self.hub.wake()
        elif "engine" in self.__dict__:  # else there is nothing to wake
            self.engine.wake()
        self.transcript.listener.on_schedules_changed()

    def describe(self, s: Schedule) -> ScheduleView:
        return describe(s, self.now())

    def preview(self, text: str) -> list[Preview]:
        """What sending this draft would schedule, cancel or list; cheap enough per keystroke."""
        from dynaprompt_tui.core.conversation.drafts import preview  # deferred: the parsers

        return preview(text, self.now(), self.store)

    def check_edit(self, time_prompt: str, prompt: str) -> EditCheck:
        """Whether the edit dialog's time prompt and message would make a valid schedule."""
        from dynaprompt_tui.core.conversation.drafts import check_edit  # deferred: the parsers

        return check_edit(time_prompt, prompt, self.now())

    # -- deliveries ----------------------------------------------------------------------------

    async def on_delivery(self, d: Delivery) -> None:
        """A fire of one of its schedules was delivered (by whichever engine)."""
        self.transcript.listener.on_message(d.message)
        self.transcript.listener.on_schedules_changed()
        self.transcript.listener.on_delivery(d)
        if d.schedule.recipient is not Party.CHATBOT:
            return
        ok = await self.turns.reply(scheduled=d.schedule.id)
        self.turns.record_run(d.fire.id, d.schedule.id, ok=ok)  # (the run history)
        if not ok:
            self.change(d.message.id, meta={"failed": True})  # kept, marked, retryable
            s = self.store.get_schedule(d.schedule.id)
            if s.failures + 1 >= 3:
                self.notice(
                    "error",
                    f"schedule {s.id} failed 3 times in a row and is paused "
                    "(resume it with p in the sidebar)",
                )
            # The engine counts the failure; three in a row pause the schedule.
            raise TurnFailed(f"the scheduled turn for {s.id} failed")

    # -- export --------------------------------------------------------------------------------

    def export(self, fmt_: str = "md") -> str:
        """The whole conversation as "md" or "json" text; ValueError for another format."""
        return export_text(all_messages(self.store), fmt_, self.tz)

    def export_file(self, fmt: str, directory: Path) -> Path:
        """Write the export to `directory`/dynaprompt-YYYYMMDD-HHMM.<fmt> (the time in the
        user's zone) and return its path; OSError as raised by the write."""
        text = self.export(fmt)
        path = directory / export_file_name(self.now(), fmt)
        write_private(path, text)
        return path


__all__ = ["Conversation", "ConversationListener", "ScheduleView", "TurnFailed"]
