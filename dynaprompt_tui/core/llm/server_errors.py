"""What a failed model request says: the server's message out of any body shape
(``{"error": {"message"}}``, ``{"error": "..."}``, ``{"detail": ...}``, ``{"message"}``), whether
it refuses tools or a parameter, and which failures are transient.

Transient (retried before the first token, never a reason to change the request): network faults,
timeouts, HTTP 408, 409, 429 and 5xx that are not a refusal of tools. Everything else is final.
"""

from __future__ import annotations

import json
import re
from typing import Any

TRANSIENT_STATUSES = frozenset({408, 409, 429})

_TOOL_WORDS = re.compile(
    r"\btools?\b|tool_choice|tool[ _-]?call|function[ _-]?call|\bfunctions?\b|jinja", re.I
)
_REFUSAL_WORDS = re.compile(
    r"not supported|unsupported|(?:does|do|did)(?: not|n't) support|requires?\b|cannot|can't|"
    r"can not|not allowed|not permitted|not enabled|not implemented|disabled|unknown|"
    r"unrecogni[sz]ed|unexpected|extra (?:fields|inputs)|not (?:a )?valid (?:param|field)|"
    r"invalid (?:param|field)|not available|no tools",
    re.I,
)
# A 5xx is transient unless it says plainly that tools are refused (llama.cpp's wording).
_PLAIN_REFUSAL = re.compile(
    r"--jinja|(?:tools?|tool_choice|function[ _-]?calling)\b[^.;]{0,40}?"
    r"(?:not supported|unsupported|requires?\b|not enabled|not implemented|not available)|"
    r"(?:cannot|can't|can not|does not|doesn't|do not) (?:use|support|accept) [^.;]{0,20}?"
    r"(?:tools?\b|tool_choice|function[ _-]?calling)",
    re.I,
)
# Failures that mention tools but are about this one request (the model's output, its length):
# they must not switch tools off for the session (Groq's tool_use_failed, context length).
_NOT_A_REFUSAL = re.compile(
    r"tool_use_failed|failed to call a function|failed_generation|context[ _]length|"
    r"maximum context|too many tokens|reduce the length|too long|parse (?:the )?tool call",
    re.I,
)


class ReportedError(Exception):
    """An error the server reported inside a 200 answer (an SSE ``error`` event, a JSON body)."""

    def __init__(self, body: Any) -> None:
        super().__init__("the server reported an error")
        self.body = body

    @property
    def status(self) -> int | None:
        code = self.body.get("code") if isinstance(self.body, dict) else None
        if isinstance(code, str) and code.isdigit():
            code = int(code)
        return code if isinstance(code, int) and 100 <= code <= 599 else None


def _strings(value: Any, depth: int = 0) -> list[str]:
    """Every text in a body, the message fields first (bounded: bodies can be large)."""
    if depth > 4:
        return []
    if isinstance(value, str):
        return [value]
    if isinstance(value, dict):
        first = [value[k] for k in ("message", "error", "detail", "msg") if k in value]
        rest = [v for k, v in value.items() if k not in ("message", "error", "detail", "msg")]
        return [s for v in first + rest for s in _strings(v, depth + 1)]
    if isinstance(value, list):
        return [s for v in value[:10] for s in _strings(v, depth + 1)]
    if isinstance(value, int | float) and not isinstance(value, bool):
        return [str(value)]
    return []


def body_message(body: Any) -> str:
    """The server's own message, for the user: the first message-like field, or the texts."""
    if isinstance(body, dict):
        for key in ("message", "error", "detail", "msg"):
            inner = body.get(key)
            if inner:
                found = body_message(inner)
                if found:
                    return found
        if body.get("loc") is not None:  # FastAPI validation item without "msg"
            return " ".join(_strings(body))
        return ""
    if isinstance(body, list):
        return "; ".join(m for m in (body_message(v) for v in body[:3]) if m)
    if isinstance(body, str):
        return body
    return ""


def exception_text(exc: BaseException) -> tuple[str, str]:
    """(the message to show, all the text to search) of an SDK error."""
    body = getattr(exc, "body", None)
    shown = body_message(body)
    if not shown:
        raw = getattr(exc, "message", None) or str(exc)
        shown = raw if isinstance(raw, str) else ""
    everything = " ".join([shown, *_strings(body)])
    if isinstance(body, dict | list):
        everything += " " + json.dumps(body, default=str)[:2000]  # keys such as "loc": ["tools"]
    return shown, everything


_TRANSPORT_MODULES = frozenset({"httpx", "httpx2", "httpcore", "httpcore2", "h11", "anyio", "ssl"})


def is_transport_error(exc: BaseException) -> bool:
    """A network-level fault the SDK did not wrap (e.g. while a whole body is read)."""
    if isinstance(exc, OSError | TimeoutError | EOFError):
        return True
    return any(c.__module__.split(".")[0] in _TRANSPORT_MODULES for c in type(exc).__mro__)


def transient(status: int | None) -> bool:
    return status is not None and (status in TRANSIENT_STATUSES or status >= 500)


def refuses_tools(status: int | None, text: str) -> bool:
    """The server will not take ``tools`` (llama.cpp without --jinja answers 500; Ollama,
    vLLM and FastAPI servers 400 or 422 in several body shapes; some proxies 404)."""
    if status is None or _NOT_A_REFUSAL.search(text):
        return False
    if status == 404:
        return "model" not in text.lower()  # "model not found" is about the model
    if status >= 500:
        return bool(_PLAIN_REFUSAL.search(text))
    if status not in (400, 405, 422):
        return False
    return bool(_TOOL_WORDS.search(text)) and bool(_REFUSAL_WORDS.search(text))


def refuses_param(status: int | None, text: str, param: str) -> bool:
    """The server rejects one request parameter, e.g. ``stream_options`` or ``max_tokens``."""
    if status not in (400, 404, 422, 500, 501) or param not in text:
        return False
    return status != 500 or bool(_REFUSAL_WORDS.search(text))
