"""A schedule as the sidebar shows it: every field already in words, in the user's zone."""

from __future__ import annotations

from datetime import datetime
from typing import NamedTuple

from dynaprompt_tui.core import formatting as fmt
from dynaprompt_tui.core.models import Schedule, ScheduleState


class ScheduleView(NamedTuple):
    id: str
    to: str  # "to you" / "to the chatbot"
    by: str  # "by you" / "by the bot"
    recurrence: str  # "every day at 09:00", or "once"
    next_abs: str
    next_rel: str
    prompt: str  # a one-line preview
    paused: bool
    awaiting_approval: bool


def describe(s: Schedule, now: datetime) -> ScheduleView:
    """`now`: aware, in the user's zone (the times are written in it)."""
    nxt = s.next_fire
    return ScheduleView(
        id=s.id,
        to=f"to {fmt.party_to(s.recipient)}",
        by=f"by {fmt.party_by(s.created_by)}",
        recurrence=(s.description or s.time_prompt) if s.recurring else "once",
        next_abs=fmt.when_abs(nxt, now) if nxt else "—",
        next_rel=fmt.when_rel(nxt, now) if nxt else "",
        prompt=fmt.preview(s.prompt),
        paused=s.state is ScheduleState.PAUSED,
        awaiting_approval=not s.approved,
    )
