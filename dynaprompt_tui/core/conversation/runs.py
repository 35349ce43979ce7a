"""A schedule's run history in words: one line per fire (when it was due, what happened, and for
the chatbot how the model call went), shared by the app's history dialog and the command line's
`schedule history`."""

from __future__ import annotations

from datetime import datetime, tzinfo
from typing import NamedTuple

from dynaprompt_tui.core.models import Fire, Outcome

OUTCOME_WORDS = {
    Outcome.CLAIMED: "being delivered",
    Outcome.DELIVERED: "delivered",
    Outcome.LATE: "delivered late",
    Outcome.SKIPPED: "skipped",
    Outcome.FAILED: "failed",
    Outcome.BLOCKED: "blocked by a guardrail",
}
MODEL_WORDS = {
    "ok": "the chatbot answered",
    "failed": "the model call failed",
    "blocked": "the chatbot did not answer",
}


class RunLine(NamedTuple):
    """One fire, as the history shows it."""

    due: str  # when it was due, in the user's zone
    outcome: Outcome
    text: str  # the outcome and its details in words


def outcome_of(fire: Fire) -> Outcome:
    """The fire's outcome (rows written before the run history recorded one: from their status)."""
    if fire.outcome is not None:
        return fire.outcome
    if fire.status == "failed":
        return Outcome.FAILED
    if fire.status == "claimed":
        return Outcome.CLAIMED
    return Outcome.LATE if fire.late else Outcome.DELIVERED


def _stamp(t: datetime, zone: tzinfo, today: datetime | None) -> str:
    local = t.astimezone(zone)
    if today is not None and local.date() == today.astimezone(zone).date():
        return local.strftime("today %H:%M")
    return local.strftime("%Y-%m-%d %H:%M")


def run_line(fire: Fire, zone: tzinfo, now: datetime | None = None) -> RunLine:
    outcome = outcome_of(fire)
    parts = [OUTCOME_WORDS[outcome]]
    if fire.delivered_at is not None and outcome in (Outcome.LATE, Outcome.DELIVERED):
        late = " (late)" if outcome is Outcome.LATE else ""
        at = fire.delivered_at.astimezone(zone)
        same_day = at.date() == fire.due_at.astimezone(zone).date()
        parts[0] = (
            f"delivered {at:%H:%M}{late}" if same_day else f"delivered {at:%Y-%m-%d %H:%M}{late}"
        )
    if fire.missed:
        verb = "skipped" if outcome is Outcome.SKIPPED else "in one message"
        parts.append(f"{fire.missed} more missed ({verb})")
    if fire.model is not None and fire.model != "blocked":
        parts.append(MODEL_WORDS.get(fire.model, fire.model))
    if fire.error:
        parts.append(fire.error)
    return RunLine(_stamp(fire.due_at, zone, now), outcome, " · ".join(parts))
