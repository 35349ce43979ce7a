"""What a draft would do before it is sent: the composer's live preview of its instructions and
the edit dialog's check. Loaded on first use, not at start-up."""

from __future__ import annotations

from dataclasses import dataclass
from typing import TYPE_CHECKING

from dynaprompt_tui.core import formatting as fmt
from dynaprompt_tui.core.conversation.instructions import (
    CancelInstruction,
    InvalidInstruction,
    ListInstruction,
    ScheduleInstruction,
    parse_message,
)
from dynaprompt_tui.core.timephrases.parse import TimePhraseError, parse_when

if TYPE_CHECKING:
    from dynaprompt_tui.core.conversation.facade import Conversation


@dataclass(frozen=True, slots=True)
class Preview:
    ok: bool
    text: str


@dataclass(frozen=True, slots=True)
class EditCheck:
    ok: bool
    error: str | None
    description: str
    fires: tuple[str, ...]  # the next three fire times, in words


def preview(c: Conversation, text: str) -> list[Preview]:
    """One line per instruction in `text`: what it would schedule, cancel or list, or why not."""
    if "dp" not in text.lower():
        return []
    out: list[Preview] = []
    now = c.now()
    for ins in parse_message(text).instructions:
        if isinstance(ins, InvalidInstruction):
            out.append(Preview(False, str(ins.error)))
        elif isinstance(ins, ScheduleInstruction):
            try:
                when = parse_when(ins.time_prompt, now)
            except TimePhraseError as e:
                out.append(Preview(False, str(e)))
                continue
            first = when.next_fire(now)
            if first is None:
                out.append(Preview(False, f"'{ins.time_prompt}' would never fire"))
                continue
            then = f", then {when.description}" if when.recurring else ""
            to = fmt.party_to(ins.recipient)
            out.append(Preview(True, f"to {to}, {fmt.when_both(first, now)}{then}"))
        elif isinstance(ins, CancelInstruction):
            out.append(c.actions.preview_cancel(ins))
        elif isinstance(ins, ListInstruction):
            n = len(c.pending())
            out.append(Preview(True, f"lists the {n} pending schedule{'s' * (n != 1)}"))
    return out


def check_edit(c: Conversation, time_prompt: str, prompt: str) -> EditCheck:
    """Valid, with the next three fire times in words, or the reason it is not."""
    now = c.now()
    if not prompt.strip():
        return EditCheck(False, "the message is empty: write what should be sent", "", ())
    try:
        when = parse_when(time_prompt, now)
    except TimePhraseError as e:
        return EditCheck(False, str(e), "", ())
    fires = tuple(fmt.when_both(t, now) for t in when.next_fires(now, 3))
    if not fires:
        return EditCheck(False, f"'{time_prompt}' would never fire", when.description, ())
    return EditCheck(True, None, when.description, fires)
