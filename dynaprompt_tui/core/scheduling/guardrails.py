"""Limits on what the chatbot may schedule, so a model cannot flood or loop the conversation.

`Guardrails` holds the limits (the settings' ``[guardrails]`` table). Each check returns None when
allowed or a sentence saying which limit was hit; the conversation shows that sentence to the user
and tells it to the bot. Pure functions over plain values.
"""

from __future__ import annotations

import itertools
from datetime import datetime, timedelta
from typing import TYPE_CHECKING, NamedTuple

if TYPE_CHECKING:  # (annotations only: the settings import this module at start-up)
    from dynaprompt_tui.core.scheduling.rules import When


class Guardrails(NamedTuple):
    max_bot_pending: int = 10
    bot_recurring_min_interval_minutes: int = 60
    auto_approve_bot_recurring: bool = False
    max_days_ahead: int = 120
    max_bot_turns_in_a_row: int = 5
    max_scheduled_model_calls_per_day: int = 50


def check_bot_schedule(
    when: When,
    now: datetime,
    *,
    bot_pending: int,
    max_bot_pending: int,
    min_interval_minutes: int,
    max_days_ahead: int,
) -> str | None:
    if bot_pending >= max_bot_pending:
        return pending_limit(bot_pending, max_bot_pending)
    fires = when.next_fires(now, 3)
    if when.recurring:
        gaps = [(b - a) for a, b in itertools.pairwise(fires)]
        if gaps and min(gaps) < timedelta(minutes=min_interval_minutes):
            return (
                f"the chatbot may not schedule a recurring message more often than every "
                f"{min_interval_minutes} minutes"
            )
    if fires and fires[0] - now > timedelta(days=max_days_ahead):
        return f"the chatbot may not schedule more than {max_days_ahead} days ahead"
    return None


def pending_limit(bot_pending: int, max_bot_pending: int) -> str:
    """The sentence for the pending cap (also when the store finds it reached at insert)."""
    return (
        f"the chatbot already has {bot_pending} pending schedules (limit {max_bot_pending}); "
        "cancel some with dpd first"
    )


def check_bot_turn(streak: int, max_in_a_row: int) -> str | None:
    if streak >= max_in_a_row:
        return (
            f"the chatbot has taken {streak} turns in a row without you speaking "
            f"(limit {max_in_a_row}); it waits for your next message"
        )
    return None


def check_daily_calls(calls_today: int, max_per_day: int) -> str | None:
    if calls_today >= max_per_day:
        return f"the daily limit of {max_per_day} scheduled model calls is reached"
    return None
