"""One chatbot turn: build the context, stream the reply, run its instructions and tool calls.

Failures never escape: a failed call leaves the partial text (marked) and a retryable error in the
chat, and a failed scheduled turn counts against its schedule (three in a row pause it).
"""

from __future__ import annotations

import asyncio
import json
import logging
from datetime import datetime, tzinfo
from typing import Any

from dynaprompt_tui.core.clock import Clock
from dynaprompt_tui.core.conversation.actions import ActionResult, Actions, show
from dynaprompt_tui.core.conversation.instructions import (
    CancelInstruction,
    Instruction,
    InvalidInstruction,
    ScheduleInstruction,
    VisibleStream,
    parse_message,
)
from dynaprompt_tui.core.conversation.transcript import Transcript
from dynaprompt_tui.core.llm.context import MAX_MESSAGES, build_context
from dynaprompt_tui.core.llm.events import ChatClient, ChatError, Done, TextDelta, ToolCall
from dynaprompt_tui.core.llm.prompt import TOOLS, build_system_prompt
from dynaprompt_tui.core.models import Message, Party, Role
from dynaprompt_tui.core.scheduling.guardrails import (
    Guardrails,
    check_bot_turn,
    check_daily_calls,
)
from dynaprompt_tui.core.storage.store import Store

log = logging.getLogger(__name__)

MAX_TOOL_ROUNDS = 4
STREAK_KEY = "bot_turns_in_a_row"


class Turns:
    """The bot's turns, one at a time; it writes to the chat through `transcript` and carries
    out the bot's instructions and tool calls through `actions`."""

    def __init__(
        self,
        store: Store,
        transcript: Transcript,
        client: ChatClient,
        actions: Actions,
        *,
        clock: Clock,
        zone: tzinfo,
        guardrails: Guardrails,
        tools: str,
        system_prompt: str | None,
    ) -> None:
        self.store = store
        self.transcript = transcript
        self.client = client
        self.actions = actions
        self.clock = clock
        self.zone = zone
        self.guardrails = guardrails
        self.tools = tools  # auto | on | off
        self.system_prompt = system_prompt
        self._lock = asyncio.Lock()  # one model turn at a time keeps the history in order

    def _now(self) -> datetime:
        return self.clock.now().astimezone(self.zone)

    def user_spoke(self) -> None:
        self.store.set_meta(STREAK_KEY, 0)

    def _calls_key(self) -> str:
        return f"scheduled_calls:{self._now().date().isoformat()}"

    async def reply(self, *, scheduled: str | None = None, correction: bool = False) -> bool:
        """Ask the bot for a turn; False when the model call failed (the chat says why).

        `scheduled`: the id of the schedule whose delivery triggered it.
        """
        try:
            async with self._lock:
                ok, told = await self._turn(scheduled=scheduled, correction=correction)
            if told and not correction:
                # Tell the bot once, so it can correct itself; its next mistakes are only shown.
                await self.reply(correction=True)
            return ok
        except asyncio.CancelledError:
            raise
        except Exception as e:  # a bug must not take the app down; show it and go on
            log.exception("model turn failed")
            self.transcript.add(Role.ERROR, f"internal error during the bot's turn: {e}")
            return False

    def _guard(self, *, unprompted: bool, scheduled: str | None) -> str | None:
        store, g = self.store, self.guardrails
        if not unprompted:
            return None
        streak = int(store.get_meta(STREAK_KEY, 0) or 0)
        limit = check_bot_turn(streak, g.max_bot_turns_in_a_row)
        if limit is None and scheduled:
            calls = int(store.get_meta(self._calls_key(), 0) or 0)
            limit = check_daily_calls(calls, g.max_scheduled_model_calls_per_day)
            if limit is None:
                store.set_meta(self._calls_key(), calls + 1)
        if limit is None:
            store.set_meta(STREAK_KEY, streak + 1)
        return limit

    async def _turn(self, *, scheduled: str | None, correction: bool) -> tuple[bool, bool]:
        """One turn: (the call succeeded, the bot's instructions had errors to tell it about)."""
        transcript = self.transcript
        limit = self._guard(unprompted=bool(scheduled) or correction, scheduled=scheduled)
        if limit:
            transcript.notice("limit", f"the chatbot did not answer: {limit}", to_bot=False)
            return True, False
        now = self._now()
        use_tools = (
            self.tools != "off" and getattr(self.client, "tools_supported", True) is not False
        )
        system = build_system_prompt(
            now, self.store.schedules(), self.system_prompt, tools=use_tools
        )
        messages: list[dict[str, Any]] = [{"role": "system", "content": system}]
        messages += build_context(self.store.messages(limit=MAX_MESSAGES * 2), now)
        reply = _Reply(transcript, self.client)
        results: list[ActionResult] = []
        try:
            for _ in range(MAX_TOOL_ROUNDS):
                calls = await reply.stream_round(messages, TOOLS if use_tools else None)
                if not calls:
                    break
                messages.append(_assistant_tool_message(reply.round_raw, calls))
                for call in calls:
                    result = self._run_tool(call)
                    results.append(result)
                    messages.append(
                        {
                            "role": "tool",
                            "tool_call_id": call.id,
                            "content": json.dumps(result.for_tool()),
                        }
                    )
        except ChatError as e:
            reply.fail(e)
            transcript.add(
                Role.ERROR,
                f"the model call failed: {e.message}",
                meta={"retryable": True, "schedule_id": scheduled, "kind": e.kind},
            )
            return False, False
        instructions = reply.finish()
        results += self.actions.run(instructions, by=Party.CHATBOT)
        for r in results:
            show(transcript, r, to_bot=not r.ok)
        return True, any(not r.ok for r in results)

    def _run_tool(self, call: ToolCall) -> ActionResult:
        a = self.actions
        args = call.arguments
        if call.error:
            return ActionResult(False, "error", f"tool {call.name}: {call.error}")
        if call.name == "schedule_message":
            ins = parse_message(
                f"dps {args.get('recipient', '')} {args.get('when', '')}\n{args.get('prompt', '')}"
            ).instructions
            if len(ins) != 1 or not isinstance(ins[0], ScheduleInstruction | InvalidInstruction):
                return ActionResult(False, "error", "schedule_message: malformed arguments")
            if isinstance(ins[0], InvalidInstruction):
                return ActionResult(False, "error", f"schedule_message: {ins[0].error}")
            return a.schedule(ins[0], by=Party.CHATBOT)
        if call.name == "cancel_schedules":
            ids = args.get("ids") or []
            if isinstance(ids, str):
                ids = [ids]
            line = "dpd " + " ".join(str(i) for i in ids)
            ins = parse_message(line).instructions
            if len(ins) == 1 and isinstance(ins[0], CancelInstruction):
                return a.cancel(ins[0], by=Party.CHATBOT)
            err = ins[0].error if ins and isinstance(ins[0], InvalidInstruction) else "no ids"
            return ActionResult(False, "error", f"cancel_schedules: {err}")
        if call.name == "list_schedules":
            return a.list()
        return ActionResult(False, "error", f"unknown tool {call.name!r}")


def _assistant_tool_message(text: str, calls: list[ToolCall]) -> dict[str, Any]:
    return {
        "role": "assistant",
        "content": text or None,
        "tool_calls": [
            {
                "id": k.id,
                "type": "function",
                "function": {
                    "name": k.name,
                    "arguments": k.raw_arguments or json.dumps(k.arguments),
                },
            }
            for k in calls
        ],
    }


class _Reply:
    """The bot message being streamed: created on its first visible text, finished once."""

    def __init__(self, transcript: Transcript, client: ChatClient) -> None:
        self.transcript = transcript
        self.client = client
        self.message: Message | None = None
        self.raw_rounds: list[str] = []
        # Parts, joined on demand: `+=` on an attribute copies the whole string every token.
        self._round: list[str] = []
        self._shown: list[str] = []

    @property
    def round_raw(self) -> str:
        return "".join(self._round)

    @property
    def shown(self) -> str:
        return "".join(self._shown)

    def _emit(self, text: str) -> None:
        if not text:
            return
        if self.message is None:
            self.message = self.transcript.add(Role.ASSISTANT, "", meta={"streaming": True})
        self._shown.append(text)
        self.transcript.delta(self.message.id, text)

    async def stream_round(
        self, messages: list[dict[str, Any]], tools: list[dict[str, Any]] | None
    ) -> list[ToolCall]:
        visible = VisibleStream()
        self._round = []
        calls: list[ToolCall] = []
        sep_pending = any(self._shown)  # rounds are separated only if this one shows text
        async for event in self.client.stream(messages, tools=tools):
            if isinstance(event, TextDelta):
                self._round.append(event.text)
                out = visible.feed(event.text)
                if out and sep_pending:
                    out, sep_pending = "\n\n" + out, False
                self._emit(out)
            elif isinstance(event, ToolCall):
                calls.append(event)
            elif isinstance(event, Done):
                pass
        tail = visible.finish()
        if tail and sep_pending:
            tail = "\n\n" + tail
        self._emit(tail)
        self.raw_rounds.append(self.round_raw)
        return calls

    def fail(self, e: ChatError) -> None:
        self.raw_rounds.append(self.round_raw)
        if self.message is not None:
            self.transcript.change(
                self.message.id,
                content=self.shown,
                meta={"streaming": False, "partial": True, "error": e.message},
            )

    def finish(self) -> tuple[Instruction, ...]:
        """Final content: the visible text of every round, instructions taken out."""
        parsed_rounds = [parse_message(r) for r in self.raw_rounds]
        visible = "\n\n".join(p.visible for p in parsed_rounds if p.visible.strip())
        raw = "\n\n".join(r for r in self.raw_rounds if r.strip())
        has_instructions = any(p.instructions for p in parsed_rounds)
        meta: dict[str, Any] = {"streaming": False}
        if has_instructions:
            meta["raw"] = raw
        if self.message is None and visible:
            self.message = self.transcript.add(Role.ASSISTANT, visible, meta=meta)
        elif self.message is not None:
            self.transcript.change(self.message.id, content=visible, meta=meta)
        elif has_instructions:
            # Instructions only: keep them in the bot's memory without an empty bubble.
            self.message = self.transcript.record(Role.ASSISTANT, "", meta=meta | {"hidden": True})
        return tuple(i for p in parsed_rounds for i in p.instructions)
