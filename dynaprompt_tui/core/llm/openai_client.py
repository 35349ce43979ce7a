"""The OpenAI-compatible model client: sends one request (adapting it once to a server that
refuses tools or a parameter), retries transient failures before the first token, and turns
every failure into a one-line `ChatError` with no secret in it.

Reading the answer is `stream_reader`'s; telling failures apart is `server_errors`'s. ``openai``
is imported when a client is built (it costs ~0.5 s), so importing this module is cheap. The
tool-call loop is not here: the conversation runs tools and calls ``stream`` again.
"""

from __future__ import annotations

import asyncio
import random
from collections.abc import AsyncGenerator, AsyncIterator, Awaitable, Callable
from typing import Any

from dynaprompt_tui.core.llm import server_errors as se
from dynaprompt_tui.core.llm.events import ChatError, ChatEvent, Notice, TextDelta, ToolCall
from dynaprompt_tui.core.llm.secrets import Scrubber, display_host, key_problem
from dynaprompt_tui.core.llm.settings import ModelSettings
from dynaprompt_tui.core.llm.stream_reader import MalformedAnswer, read_stream

DEFAULT_MAX_TOKENS = 1024


def _one_line(text: str, limit: int = 200) -> str:
    return " ".join(text.split())[:limit]


class OpenAIChatClient:
    """Chat completions over the ``openai`` SDK, asking for a stream (``stream=True``)."""

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
        self.max_tokens: int | None = getattr(settings, "max_tokens", DEFAULT_MAX_TOKENS) or None
        self.max_tokens_param = "max_tokens"  # OpenAI's reasoning models want max_completion_
        self.max_retries = settings.max_retries
        self.requests = 0  # HTTP requests made, retries and fallbacks included
        self._sleep = sleep
        self.backoff_base = backoff_base
        self.backoff_max = backoff_max
        self.retry_after_max = retry_after_max
        self._host = display_host(settings.base_url)
        self._scrub = Scrubber(settings.api_key, settings.base_url)
        # (settings checks the key at start-up; this guards clients built any other way)
        self._key_problem = key_problem(settings.api_key) if settings.api_key else None
        self._client = openai.AsyncOpenAI(
            # Local servers (Ollama, llama.cpp, ours) take no key but the SDK insists on one.
            api_key=settings.api_key or "no-key",
            base_url=settings.base_url,
            timeout=settings.request_timeout,
            max_retries=0,  # we retry ourselves, and only before the first token
        )

    async def aclose(self) -> None:
        await self._client.close()

    async def list_models(self) -> list[str]:
        """The model ids the server offers (GET /v1/models); ChatError when it cannot say."""
        self.requests += 1
        try:
            page = await self._client.models.list()
            return [m.id async for m in page]
        except self._openai.OpenAIError as e:
            message = _one_line(self._scrub(f"listing models failed: {type(e).__name__}"), 300)
            raise ChatError("server", message) from None

    def _send_tools(self, tools: list[dict[str, Any]] | None) -> bool:
        if not tools or self.tools_mode == "off":
            return False
        return self.tools_mode == "on" or self.tools_supported is not False

    def _backoff(self, attempt: int) -> float:
        # Full-jitter-ish: spread retries a little so many clients don't stampede together.
        d = min(self.backoff_max, self.backoff_base * (2.0**attempt))
        return d * (0.75 + random.random() * 0.25)

    def _request(
        self, messages: list[dict[str, Any]], tools: list[dict[str, Any]] | None
    ) -> dict[str, Any]:
        kwargs: dict[str, Any] = {"model": self.model, "messages": messages, "stream": True}
        if self.settings.temperature is not None:
            kwargs["temperature"] = self.settings.temperature
        if self.max_tokens is not None:
            kwargs[self.max_tokens_param] = self.max_tokens
        if tools:
            kwargs["tools"] = tools
        if self.usage_supported:
            kwargs["stream_options"] = {"include_usage": True}
        return kwargs

    async def stream(
        self, messages: list[dict[str, Any]], *, tools: list[dict[str, Any]] | None = None
    ) -> AsyncIterator[ChatEvent]:
        events = self._stream(messages, tools)
        try:
            async for event in events:
                yield event
        except ChatError as e:
            # Every message passes here: no key or URL credential leaves, whatever made it.
            clean = _one_line(self._scrub(e.message), 300)
            err = ChatError(e.kind, clean, status=e.status, attempts=e.attempts)
            err.retry_after = e.retry_after
            raise err from None
        finally:
            await events.aclose()  # a caller that stops early closes the response now

    async def _stream(
        self, messages: list[dict[str, Any]], tools: list[dict[str, Any]] | None
    ) -> AsyncGenerator[ChatEvent, None]:
        if self._key_problem:
            raise ChatError(
                "auth",
                f"The API key cannot be sent: it {self._key_problem}; "
                "check OPENAI_API_KEY or your .env file.",
            )
        attempt = 0
        names = [str(t.get("function", {}).get("name", "")) for t in tools or ()]
        while True:
            send_tools = self._send_tools(tools)
            kwargs = self._request(messages, tools if send_tools else None)
            yielded = False
            try:
                self.requests += 1
                response = await self._client.chat.completions.create(**kwargs)
                async for event in read_stream(response, names):
                    if not yielded and isinstance(event, TextDelta | ToolCall):
                        yielded = True
                    yield event
                if send_tools and self.tools_supported is None:
                    self.tools_supported = True
                return
            except ChatError:
                raise
            except Exception as exc:  # SDK, transport and shape errors; classified below
                if yielded:
                    # Output already reached the caller: retrying would duplicate it.
                    raise self._cut(exc) from None
                notice = self._fallback(exc, send_tools)
                if notice is not None:
                    if notice:
                        yield Notice(notice)
                    continue  # not an attempt: the request itself changed
                err = self._classify(exc, attempt + 1, sent_tools=send_tools)
                if not err.retryable or attempt >= self.max_retries:
                    raise err from None
                delay = err.retry_after if err.retry_after is not None else self._backoff(attempt)
                attempt += 1
                await self._sleep(delay)

    # -- adapting the request -----------------------------------------------------------------
    def _status(self, exc: Exception) -> int | None:
        if isinstance(exc, self._openai.APIStatusError):
            return int(exc.status_code)
        if isinstance(exc, se.ReportedError):
            return exc.status
        if isinstance(exc, self._openai.APIError) and not isinstance(
            exc, self._openai.APIConnectionError
        ):
            return se.ReportedError(getattr(exc, "body", None)).status
        return None

    def _fallback(self, exc: Exception, sent_tools: bool) -> str | None:
        """Adjust the request for a server lacking a feature: None = no change, else the
        notice to show the user ("" for none) before sending it again."""
        if not isinstance(exc, self._openai.APIError | se.ReportedError):
            return None
        if isinstance(exc, self._openai.APIConnectionError):
            return None
        status = self._status(exc)
        shown, text = se.exception_text(exc)
        if self.usage_supported and se.refuses_param(status, text, "stream_options"):
            self.usage_supported = False
            return ""
        if self.max_tokens is not None and self.max_tokens_param == "max_tokens":
            if se.refuses_param(status, text, "max_completion_tokens"):
                self.max_tokens_param = "max_completion_tokens"
                return ""
            if se.refuses_param(status, text, "max_tokens"):
                self.max_tokens = None
                return ""
        if sent_tools and self.tools_mode == "auto" and se.refuses_tools(status, text):
            self.tools_supported = False
            why = _one_line(self._scrub(shown), 120)
            return (
                f"The model server does not accept tools (HTTP {status}: {why}); "
                "the bot schedules with text instructions instead."
            )
        return None

    # -- telling failures apart ---------------------------------------------------------------
    def _classify(self, exc: Exception, attempts: int, *, sent_tools: bool = False) -> ChatError:
        o = self._openai
        tries = f" after {attempts} tries" if attempts > 1 else ""
        host = self._host
        if isinstance(exc, o.APITimeoutError):
            t = self.settings.request_timeout
            return ChatError(
                "timeout",
                f"The model server at {host} did not answer within {t:g}s{tries}.",
                attempts=attempts,
            )
        if isinstance(exc, o.APIConnectionError) or se.is_transport_error(exc):
            cause = (exc.__cause__ or exc.__context__) if isinstance(exc, o.APIError) else exc
            why = f" ({self._why(cause)})" if cause is not None else ""
            return ChatError(
                "connection",
                f"Cannot reach the model server at {host}{why}{tries}.",
                attempts=attempts,
            )
        if isinstance(exc, MalformedAnswer):
            return ChatError(
                "bad_response",
                f"The model server at {host} answered with something that is not a chat "
                f"completion ({exc}).",
                attempts=attempts,
            )
        if not isinstance(exc, o.APIError | se.ReportedError):
            # Our own reading failed on a shape we did not foresee: the same request would
            # fail the same way, so it is final, and the Python text is not the user's business.
            return ChatError(
                "bad_response",
                f"The model server at {host} sent an answer in a shape this app cannot read.",
                attempts=attempts,
            )
        status = self._status(exc)
        shown = self._scrub(se.exception_text(exc)[0]) or "no details"
        if status in (401, 403):
            return ChatError(
                "auth",
                f"The model server refused the API key (HTTP {status}); "
                "check OPENAI_API_KEY or your .env file.",
                status=status,
                attempts=attempts,
            )
        if sent_tools and se.refuses_tools(status, se.exception_text(exc)[1]):
            return ChatError(
                "bad_request",
                f"The model server does not accept tools (HTTP {status}: {_one_line(shown, 120)}); "
                "use --tools auto or off.",
                status=status,
                attempts=attempts,
            )
        where = "" if isinstance(exc, o.APIStatusError) else " during the answer"
        if status == 429:
            err = ChatError(
                "rate_limit",
                f"The model server is rate limiting requests (HTTP 429){tries}; try again later.",
                status=status,
                attempts=attempts,
            )
        elif status == 408:
            err = ChatError(
                "timeout",
                f"The model server timed out (HTTP 408){tries}.",
                status=status,
                attempts=attempts,
            )
        elif se.transient(status):
            err = ChatError(
                "server",
                f"The model server failed (HTTP {status}){where}{tries}.",
                status=status,
                attempts=attempts,
            )
        else:
            code = f"HTTP {status}" if status else "an error"
            return ChatError(
                "bad_request",
                f"The model server rejected the request ({code}){where}: {_one_line(shown)}",
                status=status,
                attempts=attempts,
            )
        err.retry_after = self._retry_after(exc)
        return err

    def _why(self, cause: BaseException) -> str:
        """A transport error's own words, scrubbed (they can quote the Authorization header)."""
        text = str(cause) or cause.__class__.__name__
        return _one_line(self._scrub(text), 160)

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
        elif isinstance(exc, o.APIConnectionError) or se.is_transport_error(exc):
            why = "connection lost"
        elif isinstance(exc, o.APIError | se.ReportedError):
            why = "the server reported an error: " + _one_line(
                self._scrub(se.exception_text(exc)[0]), 120
            )
        else:
            why = "the server sent data this app cannot read"
        return ChatError("stream_cut", f"The answer was cut off midway ({why}).")
