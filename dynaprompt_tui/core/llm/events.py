"""What a model client streams, and the protocol every client (OpenAI, demo bot, test fakes)
implements: text deltas, assembled tool calls, notices for the user, a final `Done`, or a
`ChatError`. Consumers match events with isinstance and ignore kinds they do not know."""

from __future__ import annotations

from collections.abc import AsyncIterator
from typing import Any, Literal, NamedTuple, Protocol

ErrorKind = Literal[
    "connection",
    "auth",
    "rate_limit",
    "server",
    "timeout",
    "stream_cut",
    "bad_request",
    "bad_response",  # the server answered in a shape that is not a chat completion
]
RETRYABLE: frozenset[str] = frozenset({"connection", "rate_limit", "server", "timeout"})


class ChatError(Exception):
    """A failed model call, with a one-line message fit for the chat screen."""

    def __init__(
        self, kind: ErrorKind, message: str, *, status: int | None = None, attempts: int = 1
    ) -> None:
        super().__init__(message)
        self.kind = kind
        self.message = message
        self.status = status
        self.attempts = attempts
        self.retry_after: float | None = None

    @property
    def retryable(self) -> bool:
        return self.kind in RETRYABLE


class TextDelta(NamedTuple):
    text: str


class ToolCall(NamedTuple):
    id: str
    name: str
    arguments: dict[str, Any]
    raw_arguments: str = ""
    error: str | None = None  # set when the model sent arguments that are not a JSON object


class Notice(NamedTuple):
    """Something the user should know about how the answer was obtained (one line), e.g. the
    server refused tools and the client fell back to text instructions."""

    text: str


class Done(NamedTuple):
    """The end of a complete answer. ``finish_reason`` is the server's (``stop``,
    ``tool_calls``, ``length`` and ``content_filter`` mean the text was cut by the server) or
    None when the server never said (the stream still ended cleanly)."""

    finish_reason: str | None
    usage: dict[str, Any] | None = None


ChatEvent = TextDelta | ToolCall | Notice | Done


class ChatClient(Protocol):
    """Anything that can stream one assistant answer (the OpenAI client, the demo bot, fakes).

    Implementations are async generators: ``async def stream(...): yield ...``.
    """

    def stream(
        self, messages: list[dict[str, Any]], *, tools: list[dict[str, Any]] | None = None
    ) -> AsyncIterator[ChatEvent]: ...
