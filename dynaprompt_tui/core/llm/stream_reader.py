"""One answer read into events: the SDK's stream of chunks, or the single JSON body a server sends
when it ignores ``stream: true``. Tolerant of shapes real servers produce (fields missing or
null, objects where text was expected); tool calls are put together by `toolcalls`.

A body that ends without a ``finish_reason`` is a complete answer (vLLM and Gemini proxies never
send one); only a transport error mid-body means the answer was cut, and that is the caller's to
report. The SDK is not imported here: chunks are read by attribute or key, whichever they have.
"""

from __future__ import annotations

import json
from collections.abc import AsyncIterator, Iterable
from typing import Any

from dynaprompt_tui.core.llm.events import ChatEvent, Done, TextDelta
from dynaprompt_tui.core.llm.server_errors import ReportedError
from dynaprompt_tui.core.llm.toolcalls import ToolCallAssembler


class MalformedAnswer(Exception):
    """The server answered with something that is not a chat completion."""


def _get(obj: Any, key: str) -> Any:
    if isinstance(obj, dict):
        return obj.get(key)
    return getattr(obj, key, None)


def _text(content: Any) -> str:
    if isinstance(content, str):
        return content
    if isinstance(content, list):  # content parts: [{"type": "text", "text": ...}]
        return "".join(t for t in (_get(p, "text") for p in content) if isinstance(t, str))
    return ""


def _usage(usage: Any) -> dict[str, Any] | None:
    if usage is None:
        return None
    if isinstance(usage, dict):
        return {k: v for k, v in usage.items() if v is not None}
    dump = getattr(usage, "model_dump", None)
    return dump(exclude_none=True) if dump is not None else None


class _Answer:
    """What the chunks said so far: tool-call fragments, the finish reason, the usage."""

    def __init__(self, known_tools: Iterable[str]) -> None:
        self.calls = ToolCallAssembler(known_tools)
        self.finish: str | None = None
        self.usage: Any = None  # dumped once at the end: some servers send it on every chunk

    def read(self, chunk: Any) -> str:
        """Take one chunk (an SDK object or a dict); the text it adds."""
        if isinstance(chunk, dict) and chunk.get("error"):
            raise ReportedError(chunk["error"])
        usage = _get(chunk, "usage")
        if usage is not None:
            self.usage = usage
        choices = _get(chunk, "choices")
        if not choices:
            return ""
        choice = choices[0]
        reason = _get(choice, "finish_reason")
        if reason:
            self.finish = str(reason)
        delta = _get(choice, "delta") or _get(choice, "message")
        if delta is None:
            return ""
        fragments = _get(delta, "tool_calls")
        if fragments:
            for tc in fragments if isinstance(fragments, list) else [fragments]:
                fn = _get(tc, "function")
                self.calls.add(
                    _get(tc, "index"), _get(tc, "id"), _get(fn, "name"), _get(fn, "arguments")
                )
        content = _get(delta, "content")
        if content.__class__ is str:  # the common case, checked cheaply
            return str(content)
        return _text(content)

    def end(self) -> list[ChatEvent]:
        return [*self.calls.calls(), Done(self.finish, _usage(self.usage))]


async def read_stream(response: Any, known_tools: Iterable[str]) -> AsyncIterator[ChatEvent]:
    """The events of one answer from the SDK's ``AsyncStream`` (closed at the end)."""
    http = getattr(response, "response", None)
    headers = getattr(http, "headers", None)
    ctype = str(headers.get("content-type", "")) if headers is not None else ""
    answer = _Answer(known_tools)
    try:
        if http is not None and ctype and "event-stream" not in ctype:
            # stream=true ignored (one JSON completion), or an event stream mislabelled, or a
            # page from a proxy: read whole, as that answer or as an error.
            for event in _body_events(await http.aread(), answer, ctype):
                yield event
            return
        async for chunk in response:
            text = answer.read(chunk)
            if text:
                yield TextDelta(text)
    finally:
        await response.close()
    for event in answer.end():
        yield event


def _body_events(raw: bytes, answer: _Answer, ctype: str) -> list[ChatEvent]:
    """A body that was not labelled a stream: one JSON completion, or SSE lines."""
    text = raw.decode("utf-8", "replace").strip()
    chunks: list[Any] = []
    try:
        if text.startswith("data:"):
            for line in text.splitlines():
                data = line[5:].strip() if line.startswith("data:") else ""
                if data and not data.startswith("[DONE]"):
                    chunks.append(json.loads(data))
        else:
            chunks.append(json.loads(text))
    except ValueError:
        kind = ctype.split(";")[0].strip()[:40]
        raise MalformedAnswer(f"a {kind} body that is not JSON") from None
    events: list[ChatEvent] = []
    for chunk in chunks:
        if not isinstance(chunk, dict):
            raise MalformedAnswer("the body is not a JSON object")
        if "choices" not in chunk and not chunk.get("error"):
            raise MalformedAnswer("the body has no choices")
        got = answer.read(chunk)
        if got:
            events.append(TextDelta(got))
    return events + answer.end()
