"""The use cases: the user sends text, a schedule fires, the bot replies and schedules.

Everything the UI does goes through `Conversation`; it tells the UI what changed through a
`ConversationListener`. Model calls and instruction handling live in `turns.py`; this module keeps
the state changes and their notifications.
"""

from __future__ import annotations

import asyncio
import contextlib
import json
import logging
from collections.abc import Callable
from datetime import datetime
from functools import cached_property
from typing import TYPE_CHECKING, Any, NamedTuple, Protocol
from zoneinfo import ZoneInfo

from dynaprompt_tui.core import formatting as fmt
from dynaprompt_tui.core.clock import Clock, SystemClock
from dynaprompt_tui.core.models import Message, Party, Role, Schedule, ScheduleState
from dynaprompt_tui.core.storage.store import Store, StoreError

# The instruction and time-phrase parsers, `Actions` and `Turns` are imported where they are
# first used: the app's first frame needs none of them (~25 ms of imports at start-up).
if TYPE_CHECKING:
    from dynaprompt_tui.config import Settings
    from dynaprompt_tui.core.conversation.actions import Actions
    from dynaprompt_tui.core.conversation.drafts import EditCheck, Preview
    from dynaprompt_tui.core.conversation.turns import Turns
    from dynaprompt_tui.core.llm.client import ChatClient
    from dynaprompt_tui.core.scheduling.engine import Delivery, Engine

log = logging.getLogger(__name__)


class TurnFailed(Exception):
    """A scheduled turn's model call failed (already shown in the chat)."""


class ConversationListener(Protocol):
    def on_message(self, message: Message) -> None: ...
    def on_delta(self, message_id: int, text: str) -> None: ...
    def on_message_changed(self, message: Message) -> None: ...
    def on_schedules_changed(self) -> None: ...
    def on_delivery(self, delivery: Delivery) -> None: ...
    def on_status(self, text: str, severity: str) -> None: ...


class _Silent:
    """The listener while none is attached (tests, export)."""

    def __getattr__(self, name: str) -> Callable[..., None]:
        return lambda *a, **k: None


class ScheduleView(NamedTuple):  # (a NamedTuple: see core.models)
    id: str
    to: str  # "to you" / "to the chatbot"
    by: str  # "by you" / "by the bot"
    recurrence: str  # "every day at 09:00", or "once"
    next_abs: str
    next_rel: str
    prompt: str  # a one-line preview
    paused: bool
    awaiting_approval: bool


class _LazyClient:
    """Builds the OpenAI client on first use: importing `openai` costs ~0.5 s at start-up."""

    def __init__(self, settings: Settings) -> None:
        self._settings = settings
        self._client: Any = None

    def _get(self) -> Any:
        if self._client is None:
            from dynaprompt_tui.core.llm.client import OpenAIChatClient

            self._client = OpenAIChatClient(self._settings)
        return self._client

    @property
    def tools_supported(self) -> bool | None:
        return None if self._client is None else self._client.tools_supported

    def stream(self, messages: list[dict[str, Any]], *, tools: list[dict[str, Any]] | None = None):
        return self._get().stream(messages, tools=tools)

    async def aclose(self) -> None:
        if self._client is not None:
            await self._client.aclose()


class Conversation:
    def __init__(
        self,
        store: Store,
        chat_client: ChatClient,
        settings: Settings,
        *,
        clock: Clock | None = None,
        tz: ZoneInfo | None = None,
        listener: ConversationListener | None = None,
    ) -> None:
        self.store = store
        self.client = chat_client
        self.settings = settings
        self.clock = clock or SystemClock()
        self.tz = tz or ZoneInfo(settings.tz)
        self.listener: ConversationListener = listener or _Silent()  # type: ignore[assignment]
        self._tasks: set[asyncio.Task[Any]] = set()

    @classmethod
    def open(
        cls,
        settings: Settings,
        *,
        clock: Clock | None = None,
        listener: ConversationListener | None = None,
        chat_client: ChatClient | None = None,
    ) -> Conversation:
        if chat_client is None:
            if settings.demo:
                from dynaprompt_tui.core.llm.demo import DemoChatClient

                chat_client = DemoChatClient()
            else:
                chat_client = _LazyClient(settings)  # type: ignore[assignment]
        return cls(Store(settings.db_path), chat_client, settings, clock=clock, listener=listener)

    @cached_property
    def engine(self) -> Engine:
        """The scheduler; built on first use (the app starts it after its first frame)."""
        from dynaprompt_tui.core.scheduling.engine import Engine

        return Engine(self.store, self.clock, self._on_delivery)

    @cached_property
    def actions(self) -> Actions:
        from dynaprompt_tui.core.conversation.actions import Actions

        return Actions(self)

    @cached_property
    def turns(self) -> Turns:
        from dynaprompt_tui.core.conversation.turns import Turns

        return Turns(self)

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
        self.engine.start()

    async def stop(self) -> None:
        if "engine" in self.__dict__:  # else it never ran
            await self.engine.stop()
        for task in list(self._tasks):
            task.cancel()
        if self._tasks:
            await asyncio.gather(*self._tasks, return_exceptions=True)
        aclose = getattr(self.client, "aclose", None)
        if aclose is not None:
            with contextlib.suppress(Exception):
                await aclose()
        self.store.close()

    def spawn(self, coro: Any) -> asyncio.Task[Any]:
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
        message = self.store.add_message(role, content, now=self.clock.now(), **kw)
        self.listener.on_message(message)
        return message

    def change(self, message_id: int, **kw: Any) -> Message:
        message = self.store.update_message(message_id, **kw)
        self.listener.on_message_changed(message)
        return message

    def notice(self, card: str, text: str, *, to_bot: bool = False, **meta: Any) -> Message:
        return self.add(Role.NOTICE, text, meta={"card": card, "to_bot": to_bot, **meta})

    def messages(self, *, before_id: int | None = None, limit: int = 50) -> list[Message]:
        return self.store.messages(before_id=before_id, limit=limit)

    async def send(self, text: str) -> None:
        """The user sends text: store it, carry out its instructions, let the bot answer."""
        if not text.strip():
            return
        from dynaprompt_tui.core.conversation.instructions import parse_message

        self.add(Role.USER, text)
        self.turns.user_spoke()
        parsed = parse_message(text)
        for result in self.actions.run(parsed.instructions, by=Party.USER):
            self.actions.show(result, to_bot=False)
        if parsed.visible.strip():
            await self.turns.reply()

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
                self.store.record_success(sid)
            else:
                self.store.record_failure(sid, now=self.clock.now(), error="model call failed")
            self.schedules_changed()

    # -- schedules -----------------------------------------------------------------------------

    def pending(self, limit: int | None = None) -> list[Schedule]:
        """Pending and paused schedules, the next to fire first (`limit`: the first ones)."""
        return self.store.schedules(limit=limit)

    def pending_counts(self) -> tuple[int, int]:
        """(pending and paused, paused) schedules."""
        paused = self.store.count_schedules(states=[ScheduleState.PAUSED])
        return self.store.count_schedules(), paused

    def schedules_changed(self) -> None:
        if "engine" in self.__dict__:  # else there is nothing to wake
            self.engine.wake()
        self.listener.on_schedules_changed()

    def describe(self, s: Schedule) -> ScheduleView:
        now = self.now()
        nxt = s.next_fire
        return ScheduleView(
            id=s.id,
            to=f"to {fmt.party_to(s.recipient)}",
            by=f"by {fmt.party_by(s.created_by)}",
            recurrence=(s.description or s.time_prompt) if s.recurring else "once",
            next_abs=fmt.when_abs(nxt, now) if nxt else "—",
            next_rel=fmt.when_rel(nxt, now) if nxt else "",
            prompt=fmt.preview(s.prompt),
            paused=s.state is ScheduleState.PAUSED,
            awaiting_approval=not s.approved,
        )

    def preview(self, text: str) -> list[Preview]:
        """What sending this draft would schedule, cancel or list; cheap enough per keystroke."""
        from dynaprompt_tui.core.conversation.drafts import preview

        return preview(self, text)

    def check_edit(self, time_prompt: str, prompt: str) -> EditCheck:
        """Whether the edit dialog's time prompt and message would make a valid schedule."""
        from dynaprompt_tui.core.conversation.drafts import check_edit

        return check_edit(self, time_prompt, prompt)

    async def create(self, *, recipient: Party, time_prompt: str, prompt: str) -> Schedule:
        from dynaprompt_tui.core.conversation.instructions import ScheduleInstruction

        result = self.actions.schedule(
            ScheduleInstruction(
                recipient, time_prompt, prompt, 1, f"dps {recipient} {time_prompt}"
            ),
            by=Party.USER,
        )
        self.actions.show(result, to_bot=False)
        if not result.ok or result.schedule is None:
            raise StoreError(result.text)
        return result.schedule

    async def edit(self, schedule_id: str, *, time_prompt: str, prompt: str) -> Schedule:
        check = self.check_edit(time_prompt, prompt)
        if not check.ok:
            raise StoreError(check.error or "invalid")
        current = self.store.get_schedule(schedule_id)
        when = None
        if time_prompt.strip() != current.time_prompt:
            from dynaprompt_tui.core.timephrases.parse import parse_when

            when = parse_when(time_prompt, self.now())
        s = self.store.edit(
            schedule_id,
            now=self.clock.now(),
            time_prompt=time_prompt.strip(),
            when=when,
            prompt=prompt,
        )
        self.schedules_changed()
        return s

    def _apply(self, change: Callable[..., Schedule], schedule_id: str) -> Schedule:
        """One state change of a schedule, then wake the engine and tell the UI."""
        s = change(schedule_id, now=self.clock.now())
        self.schedules_changed()
        return s

    async def cancel(self, schedule_id: str) -> Schedule:
        return self._apply(self.store.cancel, schedule_id)

    async def pause(self, schedule_id: str) -> Schedule:
        return self._apply(self.store.pause, schedule_id)

    async def resume(self, schedule_id: str) -> Schedule:
        return self._apply(self.store.resume, schedule_id)

    async def toggle_pause(self, schedule_id: str) -> Schedule:
        s = self.store.get_schedule(schedule_id)
        if s.state is ScheduleState.PAUSED:
            return await self.resume(schedule_id)
        return await self.pause(schedule_id)

    async def approve(self, schedule_id: str) -> Schedule:
        s = self.store.approve(schedule_id, now=self.clock.now())
        self._settle_approval_card(schedule_id, "approved")
        self.schedules_changed()
        return s

    async def reject(self, schedule_id: str) -> Schedule:
        s = self.store.cancel(schedule_id, now=self.clock.now())
        self._settle_approval_card(schedule_id, "rejected")
        self.notice("cancelled", f"rejected the chatbot's recurring schedule {s.id}", to_bot=True)
        self.schedules_changed()
        return s

    def _settle_approval_card(self, schedule_id: str, outcome: str) -> None:
        for m in self.store.messages(limit=200):
            if m.meta.get("card") == "approval" and m.meta.get("schedule_id") == schedule_id:
                self.change(m.id, meta={"outcome": outcome})

    # -- deliveries ----------------------------------------------------------------------------

    async def _on_delivery(self, d: Delivery) -> None:
        self.listener.on_message(d.message)
        self.listener.on_schedules_changed()
        self.listener.on_delivery(d)
        if d.schedule.recipient is Party.CHATBOT and not await self.turns.reply(
            scheduled=d.schedule.id
        ):
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
        messages = self._all_messages()
        if fmt_ == "json":
            return json.dumps([_message_json(m) for m in messages], indent=2, ensure_ascii=False)
        if fmt_ != "md":
            raise ValueError(f"unknown export format {fmt_!r}: use md or json")
        lines = ["# dynaprompt conversation", ""]
        names = {
            Role.USER: "You",
            Role.ASSISTANT: "Bot",
            Role.REMINDER: "Reminder",
            Role.NOTICE: "App",
            Role.ERROR: "Error",
        }
        for m in messages:
            stamp = m.created_at.astimezone(self.tz).strftime("%Y-%m-%d %H:%M")
            badge = ""
            if m.schedule_id:
                badge = f" · scheduled by {fmt.party_by(m.scheduled_by or Party.USER)}"
                badge += " · late" if m.late else ""
            lines += [f"**{names[m.role]}** · {stamp}{badge}", "", m.content, ""]
        return "\n".join(lines)

    def _all_messages(self) -> list[Message]:
        out: list[Message] = []
        before: int | None = None
        while True:
            page = self.store.messages(before_id=before, limit=500)
            if not page:
                break
            out[:0] = page
            before = page[0].id
        return out


def _message_json(m: Message) -> dict[str, Any]:
    def iso(d: datetime | None) -> str | None:
        return d.isoformat() if d else None

    return {
        "id": m.id,
        "role": m.role.value,
        "content": m.content,
        "created_at": iso(m.created_at),
        "schedule_id": m.schedule_id,
        "scheduled_by": m.scheduled_by.value if m.scheduled_by else None,
        "due_at": iso(m.due_at),
        "late": m.late,
    }


__all__ = [
    "Conversation",
    "ConversationListener",
    "EditCheck",
    "Preview",
    "ScheduleView",
]
