"""Chat text -> `dps` / `dpd` / `dpl` instructions, with typed errors that say how to fix them.

A line that starts (after optional spaces) with `dps`, `dpd` or `dpl` as a word begins an
instruction. A `dps` prompt runs until the next instruction line or the end of the message; text
before the first instruction, and text after a `dpd`/`dpl` line, is the visible text. Lines inside
a fenced code block are never instructions, so a bot can show the syntax without running it.
Nothing in here raises on any input: problems become `InvalidInstruction` items.

This is the grammar of the user's own messages (and of tool-call arguments); the chatbot's
replies are read by the more careful rules of `replies.py`, which reuses the line readers here.
"""

from __future__ import annotations

import re
from typing import NamedTuple

from dynaprompt_tui.core.models import Party

_START = re.compile(r"^[ \t]*(dps|dpd|dpl)(?=\s|$)", re.IGNORECASE)
_FENCE = re.compile(r"^[ \t]*(```|~~~)")
_ID = re.compile(r"^[0-9a-f]{1,32}$")  # short ids are hex

RECIPIENTS = {
    "user": Party.USER,
    "u": Party.USER,
    "chatbot": Party.CHATBOT,
    "c": Party.CHATBOT,
    "bot": Party.CHATBOT,  # (unambiguous whoever writes it; "me" and "you" are not: refused)
}

SYNTAX = "dps <user|u|chatbot|c> <time prompt>, then the message on the next lines"


class InstructionError(ValueError):
    """A malformed instruction. `str()` says what is wrong and how to write it right."""

    code = "invalid"


class UnknownRecipientError(InstructionError):
    code = "unknown_recipient"


class MissingRecipientError(InstructionError):
    code = "missing_recipient"


class MissingTimeError(InstructionError):
    code = "missing_time"


class EmptyPromptError(InstructionError):
    code = "empty_prompt"


class BadTimeError(InstructionError):
    """The time prompt could not be read (wraps the parser's TimePhraseError)."""

    code = "bad_time"


class PastTimeError(BadTimeError):
    code = "past_time"


class MissingIdsError(InstructionError):
    code = "missing_ids"


class UnknownIdError(InstructionError):
    code = "unknown_id"


class ScheduleInstruction(NamedTuple):
    recipient: Party
    time_prompt: str
    prompt: str
    line: int  # 1-based line of the `dps` line in the message
    raw: str


class CancelInstruction(NamedTuple):
    ids: tuple[str, ...]  # lower-cased; empty when `all`
    all: bool
    line: int
    raw: str


class ListInstruction(NamedTuple):
    line: int
    raw: str


class InvalidInstruction(NamedTuple):
    error: InstructionError
    line: int
    raw: str


Instruction = ScheduleInstruction | CancelInstruction | ListInstruction | InvalidInstruction


class ParsedMessage(NamedTuple):
    visible: str  # what is shown as the message itself, instructions taken out
    instructions: tuple[Instruction, ...]

    @property
    def has_instructions(self) -> bool:
        return bool(self.instructions)


def is_instruction_line(line: str) -> bool:
    return _START.match(line) is not None


def parse_message(text: str) -> ParsedMessage:
    """Split chat text into its visible text and its instructions, in order."""
    lines = text.split("\n")
    visible: list[str] = []
    instructions: list[Instruction] = []
    in_fence = False
    head: tuple[int, str] | None = None  # the open `dps` line, collecting its prompt
    body: list[str] = []

    def close() -> None:
        nonlocal head, body
        if head is not None:
            instructions.append(read_schedule(head[1], "\n".join(body), head[0]))
        head, body = None, []

    for number, line in enumerate(lines, start=1):
        if not in_fence and _START.match(line):
            close()
            keyword = _START.match(line).group(1).lower()  # type: ignore[union-attr]
            if keyword == "dps":
                head = (number, line)
            elif keyword == "dpd":
                instructions.append(read_cancel(line, number))
            else:
                instructions.append(read_list(line, number))
            continue
        if _FENCE.match(line):
            in_fence = not in_fence
        (body if head is not None else visible).append(line)
    close()
    return ParsedMessage("\n".join(visible).strip("\n").rstrip(), tuple(instructions))


def _words_after_keyword(line: str) -> str:
    m = _START.match(line)
    return line[m.end() :].strip() if m else ""


def read_schedule(line: str, body: str, number: int) -> Instruction:
    """A `dps` line and its message; `line` starts with the keyword (after spaces)."""
    raw = line.strip() + ("\n" + body if body else "")
    rest = _words_after_keyword(line)
    if not rest:
        return InvalidInstruction(
            MissingRecipientError(f"dps needs a recipient and a time. Write: {SYNTAX}."),
            number,
            raw,
        )
    word, _, time_prompt = rest.partition(" ")
    recipient = RECIPIENTS.get(word.lower())
    if recipient is None:
        return InvalidInstruction(
            UnknownRecipientError(
                f"unknown recipient {_quote(word)}: use user (u) or chatbot (c), "
                f"e.g. 'dps u tomorrow at 9am'"
                + (
                    f" ({_quote(word)} means you or the bot depending on who writes it)."
                    if word.lower() in ("me", "you", "myself")
                    else "."
                )
            ),
            number,
            raw,
        )
    time_prompt = time_prompt.strip()
    if not time_prompt:
        return InvalidInstruction(
            MissingTimeError(
                f"dps {word} needs a time after the recipient, e.g. 'dps {word} in 20 minutes'."
            ),
            number,
            raw,
        )
    prompt = body.strip("\n")
    if not prompt.strip():
        return InvalidInstruction(
            EmptyPromptError(
                f"nothing to send: write the message on the line(s) below 'dps {word} "
                f"{time_prompt}'."
            ),
            number,
            raw,
        )
    return ScheduleInstruction(recipient, time_prompt, prompt, number, raw)


def read_cancel(line: str, number: int) -> Instruction:
    """A `dpd` line."""
    raw = line.strip()
    words = [w.strip(",;").lower() for w in _words_after_keyword(line).replace(",", " ").split()]
    words = [w.lstrip("#") for w in words if w]
    if not words:
        return InvalidInstruction(
            MissingIdsError("dpd needs the ids to cancel, e.g. 'dpd 3f2a' or 'dpd all'."),
            number,
            raw,
        )
    if words == ["all"]:
        return CancelInstruction((), True, number, raw)
    bad = [w for w in words if not _ID.match(w)]
    if bad:
        return InvalidInstruction(
            UnknownIdError(
                f"{_quote(bad[0])} is not a schedule id: ids are short codes like 3f2a "
                f"(dpl lists them)."
            ),
            number,
            raw,
        )
    return CancelInstruction(tuple(dict.fromkeys(words)), False, number, raw)


def read_list(line: str, number: int) -> Instruction:
    """A `dpl` line."""
    extra = _words_after_keyword(line)
    if extra:
        return InvalidInstruction(
            InstructionError(f"dpl takes nothing after it (got {_quote(extra)}); write 'dpl'."),
            number,
            line.strip(),
        )
    return ListInstruction(number, line.strip())


def _quote(s: str, limit: int = 40) -> str:
    s = "".join(ch if ch.isprintable() else "?" for ch in s)
    return repr(s if len(s) <= limit else s[: limit - 1] + "…")
