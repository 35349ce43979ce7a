"""The bot message of one turn as it streams: created on its first visible text, its rounds
(one per model request) kept raw, and finished once into the bubble's text and the instructions
to carry out. A round the server cut short (`length`, `content_filter`) runs nothing."""

from __future__ import annotations

import time
from collections.abc import Callable
from typing import Any, NamedTuple

from dynaprompt_tui.core.conversation.instructions import Instruction
from dynaprompt_tui.core.conversation.replies import ParsedReply, parse_reply, strip_think
from dynaprompt_tui.core.conversation.reply_stream import VisibleStream
from dynaprompt_tui.core.conversation.transcript import Transcript
from dynaprompt_tui.core.llm.events import (
    ChatClient,
    ChatError,
    Done,
    Notice,
    TextDelta,
    ToolCall,
)
from dynaprompt_tui.core.models import Message, Role
from dynaprompt_tui.core.storage.owners import default_owner

WRITER = default_owner()  # this process (host:pid:tag)
CHECKPOINT_SECONDS = 2.0  # how often the text so far is saved while it streams (a crash keeps it)

# Finish reasons of a reply that did not end where the model meant it to.
CUT_REASONS = {
    "length": "the reply was cut off at the length limit",
    "content_filter": "the server's content filter stopped the reply",
}


class Round(NamedTuple):
    calls: list[ToolCall]
    cut: str | None  # a finish reason from CUT_REASONS, or None for a complete round


class Finished(NamedTuple):
    instructions: tuple[Instruction, ...]  # the instructions of the complete rounds, in order
    examples: int  # lines that looked runnable but were shown as examples
    cut: str | None  # the first cut reason, when a round was cut
    empty: bool  # the model sent nothing at all (no text, no instruction)


class StreamedReply:
    """The bot message being streamed."""

    def __init__(
        self,
        transcript: Transcript,
        client: ChatClient,
        *,
        ticks: Callable[[], float] = time.monotonic,
    ) -> None:
        self.transcript = transcript
        self.client = client
        self._ticks = ticks  # a throttle for the checkpoints, not a time anything is due
        self._saved_at = ticks()
        self.message: Message | None = None
        self.rounds: list[tuple[str, str | None]] = []  # (raw text, cut reason)
        # Parts, joined on demand: `+=` on an attribute copies the whole string every token.
        self._round: list[str] = []
        self._shown: list[str] = []

    @property
    def round_raw(self) -> str:
        return strip_think("".join(self._round))

    @property
    def shown(self) -> str:
        return "".join(self._shown)

    def _emit(self, text: str) -> None:
        if not text:
            return
        if self.message is None:
            # The writer's id lets a later start tell a crashed writer from a live one.
            meta = {"streaming": True, "writer": WRITER}
            self.message = self.transcript.add(Role.ASSISTANT, "", meta=meta)
        self._shown.append(text)
        self.transcript.delta(self.message.id, text)
        if self._ticks() - self._saved_at >= CHECKPOINT_SECONDS:
            # Saved quietly (the screen has it already): only a later start reads it.
            self._saved_at = self._ticks()
            self.transcript.store.update_message(self.message.id, content=self.shown)

    async def stream_round(
        self, messages: list[dict[str, Any]], tools: list[dict[str, Any]] | None
    ) -> Round:
        visible = VisibleStream()
        self._round = []
        calls: list[ToolCall] = []
        cut: str | None = None
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
                # No finish reason (vLLM, some proxies) is a complete reply, as "stop" is.
                cut = event.finish_reason if event.finish_reason in CUT_REASONS else None
            elif isinstance(event, Notice):
                # How the answer was obtained (e.g. tools refused, plain-text instructions
                # instead): the user's business, not the bot's.
                self.transcript.notice("note", event.text, to_bot=False)
            # Any other event a newer client sends is not this class's business.
        tail = visible.finish()
        if tail and sep_pending:
            tail = "\n\n" + tail
        self._emit(tail)
        self.rounds.append((self.round_raw, cut))
        return Round(calls, cut)

    def fail(self, e: ChatError) -> None:
        self.rounds.append((self.round_raw, None))
        if self.message is not None:
            self.transcript.change(
                self.message.id,
                content=self.shown,
                meta={"streaming": False, "partial": True, "error": e.message},
            )

    def finish(self, *, tool_calls: int = 0) -> Finished:
        """Final content: the visible text of every round, instructions taken out."""
        parsed: list[tuple[ParsedReply, str | None]] = [(parse_reply(r), c) for r, c in self.rounds]
        visible = "\n\n".join(p.visible for p, _ in parsed if p.visible.strip())
        raw = "\n\n".join(r for r, _ in self.rounds if r.strip())
        has_instructions = any(p.instructions for p, _ in parsed)
        cut = next((c for _, c in self.rounds if c), None)
        meta: dict[str, Any] = {"streaming": False}
        if has_instructions:
            meta["raw"] = raw
        if cut:
            meta |= {"partial": True, "cut": cut}
        if self.message is None and visible:
            self.message = self.transcript.add(Role.ASSISTANT, visible, meta=meta)
        elif self.message is not None:
            self.transcript.change(self.message.id, content=visible, meta=meta)
        elif has_instructions:
            # Instructions only: keep them in the bot's memory without an empty bubble.
            self.message = self.transcript.record(Role.ASSISTANT, "", meta=meta | {"hidden": True})
        return Finished(
            tuple(i for p, c in parsed if not c for i in p.instructions),
            sum(len(p.examples) for p, _ in parsed),
            cut,
            not visible and not has_instructions and not tool_calls,
        )
