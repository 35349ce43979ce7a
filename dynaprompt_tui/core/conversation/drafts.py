"""What a draft would do before it is sent: the composer's live preview of its instructions and
the edit dialog's check. Reads only; loaded on first use, not at start-up."""

from __future__ import annotations

from datetime import datetime
from typing import NamedTuple

from dynaprompt_tui.core import formatting as fmt
from dynaprompt_tui.core.conversation.instructions import (
    CancelInstruction,
    InvalidInstruction,
    ListInstruction,
    ScheduleInstruction,
    parse_message,
)
from dynaprompt_tui.core.conversation.missed import WORDS as MISSED_WORDS
from dynaprompt_tui.core.conversation.missed import split_missed
from dynaprompt_tui.core.storage.store import Store, UnknownScheduleError
from dynaprompt_tui.core.timephrases.parse import TimePhraseError, parse_when


class Preview(NamedTuple):
    ok: bool
    text: str


class EditCheck(NamedTuple):
    ok: bool
    error: str | None
    description: str
    fires: tuple[str, ...]  # the next three fire times, in words


def preview(text: str, now: datetime, store: Store) -> list[Preview]:
    """One line per instruction in `text`: what it would schedule, cancel or list, or why not.
    `now`: aware, in the user's zone."""
    if "dp" not in text.lower():
        return []
    out: list[Preview] = []
    for ins in parse_message(text).instructions:
        if isinstance(ins, InvalidInstruction):
            out.append(Preview(False, str(ins.error)))
        elif isinstance(ins, ScheduleInstruction):
            out.append(_preview_schedule(ins, now))
        elif isinstance(ins, CancelInstruction):
            out.append(_preview_cancel(ins, store))
        elif isinstance(ins, ListInstruction):
            n = store.count_schedules()
            out.append(Preview(True, _lists(n)))
    return out


def _preview_schedule(ins: ScheduleInstruction, now: datetime) -> Preview:
    time_prompt, on_missed = split_missed(ins.time_prompt)
    ins = ins._replace(time_prompt=time_prompt)
    try:
        when = parse_when(ins.time_prompt, now)
    except TimePhraseError as e:
        return Preview(False, str(e))
    first = when.next_fire(now)
    if first is None:
        return Preview(False, never_fires(ins.time_prompt))
    then = f", then {when.description}" if when.recurring else ""
    if on_missed is not None:
        then += f" · {MISSED_WORDS[on_missed]}"
    return Preview(True, f"to {fmt.party_to(ins.recipient)}, {fmt.when_both(first, now)}{then}")


def _preview_cancel(ins: CancelInstruction, store: Store) -> Preview:
    if ins.all:
        n = store.count_schedules()
        if n == 1:
            return Preview(True, "cancels the one pending schedule")
        return Preview(True, f"cancels all {n} pending schedules" if n else "nothing to cancel")
    words = []
    for sid in ins.ids:
        try:
            s = store.get_schedule(sid)
        except UnknownScheduleError:
            return Preview(False, f"no schedule {sid} (dpl lists them)")
        words.append(f"{s.id} “{fmt.preview(s.prompt, 30)}”")
    return Preview(True, "cancels " + ", ".join(words))


def check_edit(time_prompt: str, prompt: str, now: datetime) -> EditCheck:
    """Valid, with the next three fire times in words, or the reason it is not."""
    if not prompt.strip():
        return EditCheck(False, "the message is empty: write what should be sent", "", ())
    time_prompt, _ = split_missed(time_prompt)  # (the dialog has its own choice too)
    try:
        when = parse_when(time_prompt, now)
    except TimePhraseError as e:
        return EditCheck(False, str(e), "", ())
    fires = tuple(fmt.when_both(t, now) for t in when.next_fires(now, 3))
    if not fires:
        return EditCheck(False, never_fires(time_prompt), when.description, ())
    return EditCheck(True, None, when.description, fires)


def never_fires(time_prompt: str) -> str:
    """Why a phrase that parsed makes no schedule, and what to write instead."""
    return (
        f"'{time_prompt}' would never fire: it is over, or further ahead than the 8 years a "
        "schedule looks; try a nearer time, e.g. 'in 2 hours' or 'every monday at 9am'."
    )


def _lists(n: int) -> str:
    if n == 0:
        return "lists the pending schedules (there are none)"
    return "lists the one pending schedule" if n == 1 else f"lists the {n} pending schedules"
