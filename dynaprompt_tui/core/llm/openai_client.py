"""The OpenAI-compatible model client: streams one answer as events, assembling tool calls
from fragments and tolerating servers without tools or usage; retries only before the first token.

``openai`` is imported when a client is built (it costs ~0.5 s), so importing this module is
cheap. The tool-call loop is not here: the conversation runs tools and calls ``stream`` again.
"""

from __future__ import annotations

import asyncio
import json
import random
from collections.abc import AsyncIterator, Awaitable, Callable
from typing import Any
from urllib.parse import urlsplit

from dynaprompt_tui.core.llm.events import ChatError, ChatEvent, Done, TextDelta, ToolCall
from dynaprompt_tui.core.llm.secrets import masked
from dynaprompt_tui.core.llm.settings import ModelSettings


class _PendingCall:
    """A tool call while its fragments arrive (the SDK streams name and arguments in pieces)."""

    def __init__(self) -> None:
        self.id = ""
        self.name = ""
        self.args: list[str] = []

    def finish(self) -> ToolCall:
        raw = "".join(self.args)
        try:
            parsed = json.loads(raw) if raw.strip() else {}
        except ValueError as e:
            return ToolCall(self.id, self.name, {}, raw, f"arguments are not valid JSON: {e}")
        if not isinstance(parsed, dict):
            return ToolCall(self.id, self.name, {}, raw, "arguments are not a JSON object")
        return ToolCall(self.id, self.name, parsed, raw)


def _mentions_tools(text: str) -> bool:
    t = text.lower()
    return "tool" in t or "function" in t


class OpenAIChatClient:
    """Chat completions over the ``openai`` SDK, always with ``stream=True``."""

    def __init__(
        self,
        settings: ModelSettings,
        *,
        sleep: Callable[[float], Awaitable[Any]] = asyncio.sleep,
        backoff_base: float = 0.5,
        backoff_max: float = 20.0,
        retry_after_max: float = 60.0,
    ) -> None:
        import openai  # deferred: ~0.5 s of imports, only when a real model is called

        self._openai = openai
        self.settings = settings
        self.model = settings.model
        self.tools_mode = settings.tools
        self.tools_supported: bool | None = None if settings.tools == "auto" else True
        self.usage_supported = True  # stream_options.include_usage; some servers reject it
        self.max_retries = settings.max_retries
        self._sleep = sleep
        self.backoff_base = backoff_base
        self.backoff_max = backoff_max
        self.retry_after_max = retry_after_max
        self._host = urlsplit(settings.base_url or "https://api.openai.com/v1").netloc
        self._client = openai.AsyncOpenAI(
            # Local servers (Ollama, llama.cpp, ours) take no key but the SDK insists on one.
            api_key=settings.api_key or "no-key",
            base_url=settings.base_url,
            timeout=settings.request_timeout,
            max_retries=0,  # we retry ourselves, and only before the first token
        )

    async def aclose(self) -> None:
        await self._client.close()

    def _send_tools(self, tools: list[dict[str, Any]] | None) -> bool:
        if not tools or self.tools_mode == "off":
            return False
        return self.tools_mode == "on" or self.tools_supported is not False

    def _backoff(self, attempt: int) -> float:
        # Full-jitter-ish: spread retries a little so many clients don't stampede together.
        d = min(self.backoff_max, self.backoff_base * (2.0**attempt))
        return d * (0.75 + random.random() * 0.25)

    async def stream(
        self, messages: list[dict[str, Any]], *, tools: list[dict[str, Any]] | None = None
    ) -> AsyncIterator[ChatEvent]:
        attempt = 0
        while True:
            send_tools = self._send_tools(tools)
            kwargs: dict[str, Any] = {"model": self.model, "messages": messages, "stream": True}
            if self.settings.temperature is not None:
                kwargs["temperature"] = self.settings.temperature
            if send_tools:
                kwargs["tools"] = tools
            if self.usage_supported:
                kwargs["stream_options"] = {"include_usage": True}
            yielded = False
            try:
                response = await self._client.chat.completions.create(**kwargs)
                async for event in self._events(response):
                    yielded = True
                    yield event
                if send_tools and self.tools_supported is None:
                    self.tools_supported = True
                return
            except ChatError:
                raise
            except Exception as exc:  # SDK and transport errors; classified below
                if yielded:
                    # Output already reached the caller: retrying would duplicate it.
                    raise self._cut(exc) from None
                fallback = self._fallback(exc, send_tools)
                if fallback:
                    continue  # not an attempt: the request itself changed
                err = self._classify(exc, attempt + 1)
                if not err.retryable or attempt >= self.max_retries:
                    raise err from None
                delay = err.retry_after if err.retry_after is not None else self._backoff(attempt)
                attempt += 1
                await self._sleep(delay)

    async def _events(self, response: Any) -> AsyncIterator[ChatEvent]:
        calls: dict[int, _PendingCall] = {}
        finish: str | None = None
        usage: dict[str, Any] | None = None
        try:
            async for chunk in response:
                if chunk.usage is not None:
                    usage = chunk.usage.model_dump(exclude_none=True)
                if not chunk.choices:
                    continue
                choice = chunk.choices[0]
                delta = choice.delta
                if delta is not None:
                    if delta.content:
                        yield TextDelta(delta.content)
                    if delta.tool_calls:
                        for tc in delta.tool_calls:
                            pending = calls.setdefault(tc.index, _PendingCall())
                            if tc.id:
                                pending.id = tc.id
                            fn = tc.function
                            if fn is not None:
                                if fn.name:
                                    pending.name += fn.name
                                if fn.arguments:
                                    pending.args.append(fn.arguments)
                if choice.finish_reason:
                    finish = choice.finish_reason
        finally:
            await response.close()
        if finish is None:
            # The server ended the body cleanly but never said the answer was finished.
            raise ChatError("stream_cut", "The answer was cut off: the stream ended early.")
        for i in sorted(calls):
            yield calls[i].finish()
        yield Done(finish, usage)

    # -- error handling -----------------------------------------------------------------------
    def _fallback(self, exc: Exception, sent_tools: bool) -> bool:
        """Adjust the request for servers lacking a feature; True means "send again"."""
        status = getattr(exc, "status_code", None)
        text = self._server_message(exc)
        if status in (400, 404, 422) and self.usage_supported and "stream_options" in text:
            self.usage_supported = False
            return True
        if (
            sent_tools
            and self.tools_mode == "auto"
            and (status == 404 or (status in (400, 422) and _mentions_tools(text)))
        ):
            self.tools_supported = False
            return True
        return False

    def _server_message(self, exc: Exception) -> str:
        body = getattr(exc, "body", None)
        msg = body.get("message") if isinstance(body, dict) else None
        if not isinstance(msg, str):
            msg = getattr(exc, "message", None) or str(exc)
        return self._scrub(" ".join(str(msg).split()))

    def _scrub(self, text: str) -> str:
        key = self.settings.api_key
        if key and key in text:
            text = text.replace(key, masked(key))
        return text[:200]

    def _classify(self, exc: Exception, attempts: int) -> ChatError:
        o = self._openai
        tries = f" after {attempts} tries" if attempts > 1 else ""
        if isinstance(exc, o.APITimeoutError):
            t = self.settings.request_timeout
            return ChatError(
                "timeout",
                f"The model server at {self._host} did not answer within {t:g}s{tries}.",
                attempts=attempts,
            )
        if isinstance(exc, o.APIConnectionError):
            cause = exc.__cause__ or exc.__context__
            why = f" ({_short(cause)})" if cause is not None else ""
            return ChatError(
                "connection",
                f"Cannot reach the model server at {self._host}{why}{tries}.",
                attempts=attempts,
            )
        if isinstance(exc, o.APIStatusError):
            status = exc.status_code
            if status in (401, 403):
                return ChatError(
                    "auth",
                    f"The model server refused the API key (HTTP {status}); "
                    "check OPENAI_API_KEY or your .env file.",
                    status=status,
                    attempts=attempts,
                )
            if status == 429:
                err = ChatError(
                    "rate_limit",
                    f"The model server is rate limiting requests (HTTP 429){tries}; "
                    "try again later.",
                    status=status,
                    attempts=attempts,
                )
                err.retry_after = self._retry_after(exc)
                return err
            if status >= 500:
                err = ChatError(
                    "server",
                    f"The model server failed (HTTP {status}){tries}.",
                    status=status,
                    attempts=attempts,
                )
                err.retry_after = self._retry_after(exc)
                return err
            return ChatError(
                "bad_request",
                f"The model server rejected the request (HTTP {status}): "
                f"{self._server_message(exc)}",
                status=status,
                attempts=attempts,
            )
        return ChatError(
            "connection", f"Model call failed: {self._scrub(_short(exc))}", attempts=attempts
        )

    def _retry_after(self, exc: Exception) -> float | None:
        response = getattr(exc, "response", None)
        headers = getattr(response, "headers", None)
        if headers is None:
            return None
        raw = headers.get("retry-after-ms")
        scale = 1000.0
        if raw is None:
            raw, scale = headers.get("retry-after"), 1.0
        try:
            value = float(raw) / scale if raw is not None else None
        except ValueError:
            return None  # HTTP-date form: rare for these APIs; fall back to backoff
        if value is None or value < 0:
            return None
        return min(value, self.retry_after_max)

    def _cut(self, exc: Exception) -> ChatError:
        o = self._openai
        if isinstance(exc, o.APITimeoutError):
            why = "the server stopped sending"
        elif isinstance(exc, o.APIConnectionError):
            why = "connection lost"
        else:
            why = self._scrub(_short(exc))
        return ChatError("stream_cut", f"The answer was cut off midway ({why}).")


def _short(exc: BaseException) -> str:
    text = " ".join(str(exc).split()) or exc.__class__.__name__
    return text[:160]
