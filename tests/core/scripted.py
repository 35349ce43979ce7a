"""A scripted chat client and a conversation built on it, for the reply-family tests: the same
Conversation -> Turns -> StreamedReply -> Actions path the app runs, with a real SQLite file and
a fake clock; each reply is streamed in small chunks, as servers send them."""

from __future__ import annotations

from collections.abc import AsyncIterator
from datetime import UTC, datetime
from typing import Any

from dynaprompt_tui.config import Guardrails, Settings
from dynaprompt_tui.core.clock import FakeClock
from dynaprompt_tui.core.conversation import Conversation
from dynaprompt_tui.core.llm.events import ChatError, Done, TextDelta, ToolCall
from dynaprompt_tui.core.models import Message, Role

T0 = datetime(2026, 3, 5, 10, 15, tzinfo=UTC)  # a Thursday, 10:15 in London


class Scripted:
    """Streams the scripted replies in order: a str (chunked, then Done("stop")) or a list of
    events (a ChatError in it is raised there). Records every request."""

    def __init__(self, chunk: int = 5) -> None:
        self.replies: list[str | list[Any]] = []
        self.requests: list[tuple[list[dict[str, Any]], Any]] = []
        self.chunk = chunk

    def script(self, *replies: str | list[Any]) -> None:
        self.replies += replies

    async def stream(
        self, messages: list[dict[str, Any]], *, tools: list[dict[str, Any]] | None = None
    ) -> AsyncIterator[Any]:
        self.requests.append((messages, tools))
        spec = self.replies.pop(0) if self.replies else "OK."
        if isinstance(spec, str):
            n = self.chunk
            events: list[Any] = [TextDelta(spec[i : i + n]) for i in range(0, len(spec), n)]
            events.append(Done("stop"))
        else:
            events = spec
        for event in events:
            if isinstance(event, ChatError):
                raise event
            yield event


def text(reply: str, finish: str | None = "stop", n: int = 5) -> list[Any]:
    return [TextDelta(reply[i : i + n]) for i in range(0, len(reply), n)] + [Done(finish)]


def tool(name: str, call_id: str = "call_1", **arguments: Any) -> ToolCall:
    return ToolCall(call_id, name, arguments)


def settings(tmp_path: Any, **kw: Any) -> Settings:
    base = Settings(
        model="test-model",
        api_key="sk-test",
        db_path=tmp_path / "db.sqlite",
        tz="Europe/London",
        guardrails=Guardrails(),
    )
    return base._replace(**kw)


def conversation(tmp_path: Any, client: Any, clock: FakeClock | None = None, **kw: Any):
    return Conversation.open(
        settings(tmp_path, **kw), clock=clock or FakeClock(T0), chat_client=client
    )


def bubbles(conv: Conversation) -> list[str]:
    """The bot's chat bubbles (hidden, instructions-only turns left out)."""
    return [
        m.content
        for m in conv.messages(limit=500)
        if m.role is Role.ASSISTANT and not m.meta.get("hidden")
    ]


def cards(conv: Conversation, kind: str | None = None) -> list[Message]:
    return [
        m
        for m in conv.messages(limit=500)
        if m.role is Role.NOTICE and (kind is None or m.meta.get("card") == kind)
    ]


def errors(conv: Conversation) -> list[Message]:
    return [m for m in conv.messages(limit=500) if m.role is Role.ERROR]
