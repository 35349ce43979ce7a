"""Tool calls put together from streamed fragments, as real servers send them.

OpenAI sends the id and name once, then argument pieces, all keyed by ``index``. Others differ:
Ollama sends parallel calls all with index 0 (distinct ids), some send no index at all or not on
the first fragment, MiniMax and NIM resend the name on every chunk, LiteLLM resends the id on
every chunk and repeats the whole call (arguments double-encoded) in a final summary chunk, and
some send the arguments as a JSON object instead of a string. A fragment joins the call with its
id, else the latest call at its index, else the latest call; a name different from the call's,
or a whole new argument object after the call's arguments are complete, starts a new call.
"""

from __future__ import annotations

import json
from collections.abc import Iterable
from typing import Any

from dynaprompt_tui.core.llm.events import ToolCall


def _complete_object(text: str) -> dict[str, Any] | None:
    """The object ``text`` holds when it is a whole JSON object (or a string encoding one)."""
    if not text.strip():
        return None
    try:
        value = json.loads(text)
        if isinstance(value, str):  # double-encoded (LiteLLM's summary chunk)
            value = json.loads(value)
    except ValueError:
        return None
    return value if isinstance(value, dict) else None


def _as_text(arguments: Any) -> str:
    if arguments is None:
        return ""
    if isinstance(arguments, str):
        return arguments
    try:  # a JSON object sent as an object, not as a string
        return json.dumps(arguments, ensure_ascii=False)
    except (TypeError, ValueError):
        return ""


class _Pending:
    """One call while its fragments arrive."""

    __slots__ = ("_done", "id", "index", "name", "parts")

    def __init__(self, index: int | None, call_id: str) -> None:
        self.index = index
        self.id = call_id
        self.name = ""
        self.parts: list[str] = []
        self._done: dict[str, Any] | None = None  # the arguments, once they are complete

    @property
    def raw(self) -> str:
        return "".join(self.parts)

    def complete(self) -> dict[str, Any] | None:
        if self._done is None and self.parts:
            self._done = _complete_object(self.raw)
        return self._done

    def add_arguments(self, text: str) -> None:
        if not text:
            return
        done = self.complete()
        if done is not None:
            if _complete_object(text) is not None:
                return  # the whole call again (a summary chunk): what streamed stands
            self._done = None  # more text after a complete object: keep it, it will not parse
        elif self.parts and len(self.raw) >= 2 and text.startswith(self.raw):
            self.parts = [text]  # cumulative: each chunk carries everything so far
            return
        self.parts.append(text)

    def finish(self, fallback_id: str) -> ToolCall:
        raw = self.raw
        call_id = self.id or fallback_id
        name = self.name or "(unnamed)"
        if not raw.strip():
            return ToolCall(call_id, name, {}, "{}")
        parsed = self.complete()
        if parsed is not None:
            return ToolCall(call_id, name, parsed, raw)
        return ToolCall(call_id, name, {}, raw, "arguments are not a complete JSON object")


class ToolCallAssembler:
    """Collects fragments (``add``) and gives the calls in order (``calls``)."""

    def __init__(self, known_names: Iterable[str] = ()) -> None:
        self._calls: list[_Pending] = []
        self._known = tuple(known_names)

    def __bool__(self) -> bool:
        return bool(self._calls)

    def add(self, index: Any, call_id: Any, name: Any, arguments: Any) -> None:
        index = index if isinstance(index, int) and not isinstance(index, bool) else None
        call_id = call_id if isinstance(call_id, str) else ""
        name = name.strip() if isinstance(name, str) else ""
        text = _as_text(arguments)
        call = self._target(index, call_id, name, text)
        if call is None:
            if not name and not text.strip() and not call_id:
                return  # an empty fragment before any call: nothing to keep
            call = _Pending(index, call_id)
            self._calls.append(call)
        if call_id and not call.id:
            call.id = call_id
        if index is not None and call.index is None:
            call.index = index
        if name and name != call.name:
            call.name = call.name + name if self._is_piece(call, name) else name
        call.add_arguments(text)

    def calls(self) -> list[ToolCall]:
        out: list[ToolCall] = []
        seen: set[str] = set()
        for n, pending in enumerate(self._calls):
            call = pending.finish(f"call_{n}")
            if call.id in seen:  # the tool results must answer distinct ids
                call = call._replace(id=f"{call.id}_{n}")
            seen.add(call.id)
            out.append(call)
        return out

    # -- which call a fragment belongs to -------------------------------------------------------
    def _target(self, index: int | None, call_id: str, name: str, text: str) -> _Pending | None:
        if call_id:
            for call in reversed(self._calls):
                if call.id == call_id:
                    # (one id for every call, as a few servers do: a new name is a new call)
                    return None if self._starts_new(call, name, text) else call
        near = self._at(index)
        if index is not None and near is None:
            # The index was missing on the first fragment only: adopt that call.
            near = next((c for c in reversed(self._calls) if c.index is None), None)
        if near is None:
            return None
        if call_id and near.id:
            # A new id: a new call if it names one (Ollama: every call at index 0), else the
            # server changed the id mid-call and the pieces continue the current one.
            return None if name else near
        return None if self._starts_new(near, name, text) else near

    def _at(self, index: int | None) -> _Pending | None:
        if index is None:
            return self._calls[-1] if self._calls else None
        return next((c for c in reversed(self._calls) if c.index == index), None)

    def _starts_new(self, call: _Pending, name: str, text: str) -> bool:
        if (
            name
            and call.name
            and not name.startswith(call.name)  # (the name so far, resent whole)
            and not self._is_piece(call, name)
        ):
            return True
        # The same tool again, with a whole argument object after a complete one.
        done = call.complete()
        other = _complete_object(text) if done is not None else None
        return other is not None and other != done and bool(name)

    def _is_piece(self, call: _Pending, name: str) -> bool:
        """True when ``name`` continues a name sent in pieces (known from the offered tools)."""
        if not call.name or call.parts:
            return False
        joined = call.name + name
        if self._known:
            return any(k.startswith(joined) for k in self._known)
        return False
