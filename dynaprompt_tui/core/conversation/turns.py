"""One chatbot turn: build the context, stream the reply, run its instructions and tool calls.

Failures never escape: a failed call leaves the partial text (marked) and a retryable error in the
chat, and a failed scheduled turn counts against its schedule (three in a row pause it). The same
schedule asked for twice in a turn (in text and by a tool, by a repeated tool call, or by quoting
the user's message) is created once. Every model request the bot makes on its own (a scheduled
turn, its tool rounds, a self-correction) counts against the daily limit.
"""

from __future__ import annotations

import asyncio
import json
import logging
from collections.abc import Iterable
from datetime import datetime, tzinfo
from typing import Any

from dynaprompt_tui.core.clock import Clock
from dynaprompt_tui.core.conversation.actions import ActionResult, Actions, show
from dynaprompt_tui.core.conversation.instructions import (
    CancelInstruction,
    Instruction,
    InvalidInstruction,
    ScheduleInstruction,
    parse_message,
)
from dynaprompt_tui.core.conversation.streamed_reply import (
    CUT_REASONS,
    Finished,
    StreamedReply,
)
from dynaprompt_tui.core.conversation.transcript import Transcript
from dynaprompt_tui.core.llm.context import MAX_MESSAGES, build_context
from dynaprompt_tui.core.llm.events import ChatClient, ChatError, ToolCall
from dynaprompt_tui.core.llm.prompt import TOOLS, build_system_prompt
from dynaprompt_tui.core.models import Party, Role, Schedule
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
        # Scheduled turns a guardrail kept from running, by schedule id: the facade takes the
        # entry to record the fire as blocked in the run history.
        self.blocked: dict[str, str] = {}

    def _now(self) -> datetime:
        return self.clock.now().astimezone(self.zone)

    def record_run(self, fire_id: int, schedule_id: str, *, ok: bool) -> None:
        """Record in the fire's run history how the turn it started went: ok, failed, or
        blocked by a guardrail (the chat has said it already; a failed write is only logged)."""
        blocked = self.blocked.pop(schedule_id, None)
        result = "blocked" if blocked else "ok" if ok else "failed"
        try:
            self.store.record_model(fire_id, result, error=blocked)
        except Exception:
            log.exception("recording the model call of fire %s failed", fire_id)

    @property
    def _streak_key(self) -> str:
        """Turns in a row are counted per conversation (the first keeps the older key); the
        daily call limit is one for all (it protects money)."""
        cid = self.store.conversation_id
        return STREAK_KEY if cid in (None, 1) else f"{STREAK_KEY}:{cid}"

    def user_spoke(self) -> None:
        self.store.set_meta(self._streak_key, 0)

    def _calls_key(self) -> str:
        return f"scheduled_calls:{self._now().date().isoformat()}"

    async def reply(
        self,
        *,
        scheduled: str | None = None,
        correction: bool = False,
        seen: Iterable[Schedule] = (),
    ) -> bool:
        """Ask the bot for a turn; False when the model call failed (the chat says why).

        `scheduled`: the id of the schedule whose delivery triggered it. `seen`: schedules made
        just before it (by the user's message), which the bot's repeating them must not double.
        """
        created = list(seen)
        try:
            async with self._lock:
                ok, told = await self._turn(
                    scheduled=scheduled, correction=correction, created=created
                )
            if told and not correction:
                # Tell the bot once, so it can correct itself; its next mistakes are only shown.
                await self.reply(correction=True, seen=created)
            return ok
        except asyncio.CancelledError:
            raise
        except Exception as e:  # a bug must not take the app down; show it and go on
            log.exception("model turn failed")
            self.transcript.add(Role.ERROR, f"internal error during the bot's turn: {e}")
            return False

    def _guard_turn(self, *, unprompted: bool) -> str | None:
        """The turns-in-a-row limit (a turn the user did not ask for counts)."""
        if not unprompted:
            return None
        streak = int(self.store.get_meta(self._streak_key, 0) or 0)
        limit = check_bot_turn(streak, self.guardrails.max_bot_turns_in_a_row)
        if limit is None:
            self.store.set_meta(self._streak_key, streak + 1)
        return limit

    def _count_requests(self, n: int, *, unprompted: bool, force: bool = False) -> str | None:
        """Count `n` model requests against the daily limit; the limit's sentence when it is
        reached (nothing is counted then, unless `force`: requests already made count). The
        user's own turns are not counted."""
        if not unprompted:
            return None
        calls = int(self.store.get_meta(self._calls_key(), 0) or 0)
        limit = check_daily_calls(calls, self.guardrails.max_scheduled_model_calls_per_day)
        if limit is None or force:
            self.store.set_meta(self._calls_key(), calls + n)
        return limit

    def _requests_sent(self) -> int | None:
        """The client's count of HTTP requests, where it keeps one (the OpenAI client does)."""
        n = getattr(self.client, "requests", None)
        return n if isinstance(n, int) else None

    def _count_retries(self, sent: int | None, attempts: int, *, unprompted: bool) -> None:
        """Count the requests a round made beyond the one counted before it: the client's
        retries and fallbacks (from its own count, else from the error's `attempts`)."""
        now = self._requests_sent()
        made = now - sent if sent is not None and now is not None else attempts
        if made > 1:
            self._count_requests(made - 1, unprompted=unprompted, force=True)

    async def _turn(
        self, *, scheduled: str | None, correction: bool, created: list[Schedule]
    ) -> tuple[bool, bool]:
        """One turn: (the call succeeded, the bot's instructions had errors to tell it about)."""
        transcript = self.transcript
        unprompted = bool(scheduled) or correction
        limit = self._guard_turn(unprompted=unprompted) or self._count_requests(
            1, unprompted=unprompted
        )
        if limit:
            transcript.notice("limit", f"the chatbot did not answer: {limit}", to_bot=False)
            if scheduled:
                self.blocked[scheduled] = limit
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
        reply = StreamedReply(transcript, self.client)
        results: list[ActionResult] = []
        tool_calls = 0
        sent: int | None = None
        try:
            for round_number in range(MAX_TOOL_ROUNDS):
                if round_number and (limit := self._count_requests(1, unprompted=unprompted)):
                    transcript.notice("limit", f"the chatbot stopped: {limit}", to_bot=False)
                    break
                sent = self._requests_sent()
                calls, cut = await reply.stream_round(messages, TOOLS if use_tools else None)
                self._count_retries(sent, 1, unprompted=unprompted)
                if not calls or cut:  # a cut round's calls may be cut too: none is run
                    break
                tool_calls += len(calls)
                messages.append(_assistant_tool_message(reply.round_raw, calls))
                for call in calls:
                    result = self._run_tool(call, created)
                    results.append(result)
                    messages.append(
                        {
                            "role": "tool",
                            "tool_call_id": call.id,
                            "content": json.dumps(result.for_tool()),
                        }
                    )
        except ChatError as e:
            self._count_retries(sent, e.attempts, unprompted=unprompted)
            reply.fail(e)
            transcript.add(
                Role.ERROR,
                f"the model call failed: {e.message}",
                meta={"retryable": True, "schedule_id": scheduled, "kind": e.kind},
            )
            return False, False
        except Exception as e:  # a bug: the reply must not say "writing..." forever
            reply.fail(ChatError("stream_cut", f"internal error: {e}"))
            raise
        done = reply.finish(tool_calls=tool_calls)
        results += self._run_text(done.instructions, created)
        for r in results:
            if r.card != "duplicate":
                show(transcript, r, to_bot=not r.ok)
        return self._tell_outcome(done, results, scheduled), any(not r.ok for r in results)

    def _tell_outcome(
        self, done: Finished, results: list[ActionResult], scheduled: str | None
    ) -> bool:
        """Notices about the reply as a whole; False when it brought nothing (an empty reply)."""
        transcript = self.transcript
        if done.cut:
            # A truncated "dps ... Time to str" must not become a schedule: none is carried out.
            note = f"{CUT_REASONS[done.cut]}: nothing it asked to schedule was carried out"
            transcript.notice("note", note, to_bot=False)
        if done.examples and not any(r.schedule is not None for r in results):
            transcript.notice(
                "note",
                "the reply shows a dps/dpd/dpl line as an example (in a code block, a quote, "
                "or introduced as something to type): examples are not carried out",
                to_bot=False,
            )
        if done.empty and not results:
            transcript.add(
                Role.ERROR,
                "the model sent an empty reply",
                meta={"retryable": True, "schedule_id": scheduled, "kind": "empty"},
            )
            return False
        return True

    def _schedule(self, ins: ScheduleInstruction, created: list[Schedule]) -> ActionResult:
        """The bot's schedule, unless the same one was already made in this turn."""
        result = self.actions.schedule(ins, by=Party.CHATBOT, made=created)
        if result.schedule is not None and result.card != "duplicate":
            created.append(result.schedule)
        return result

    def _run_text(
        self, instructions: Iterable[Instruction], created: list[Schedule]
    ) -> list[ActionResult]:
        out: list[ActionResult] = []
        for ins in instructions:
            if isinstance(ins, ScheduleInstruction):
                out.append(self._schedule(ins, created))
            else:
                out += self.actions.run([ins], by=Party.CHATBOT)
        return out

    def _run_tool(self, call: ToolCall, created: list[Schedule]) -> ActionResult:
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
            return self._schedule(ins[0], created)
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
