"""Human words for times and schedules, shared by cards, previews, the sidebar and the prompt."""

from __future__ import annotations

from datetime import datetime, timedelta

from dynaprompt_tui.core.models import MissedPolicy, Party, Schedule, ScheduleState

PREVIEW_CHARS = 60


def when_abs(t: datetime, now: datetime) -> str:
    """`Tue 25 Nov 08:00`, with the year only when it is not this year. Both aware, same zone."""
    t = t.astimezone(now.tzinfo)
    text = f"{t:%a} {t.day} {t:%b} {t:%H:%M}"
    return text if t.year == now.year else f"{text} {t.year}"


def when_rel(t: datetime, now: datetime) -> str:
    """`in 21 h`, `in 5 min`, `in 2 days`, or `3 min ago`: short enough for a sidebar."""
    seconds = (t - now).total_seconds()
    words = _span(abs(seconds))
    if words == "now":
        return "now"
    return f"in {words}" if seconds > 0 else f"{words} ago"


def _span(seconds: float) -> str:
    s = round(seconds)
    if s < 1:
        return "now"
    if s < 60:
        return f"{s} s"
    minutes = round(s / 60)
    if minutes < 60:
        return f"{minutes} min"
    hours, rest = divmod(minutes, 60)
    if hours < 10 and rest:
        return f"{hours} h {rest} min"
    if hours < 48:
        return f"{round(minutes / 60)} h"
    days = round(s / 86400)
    return f"{days} days"


def when_both(t: datetime, now: datetime) -> str:
    return f"{when_abs(t, now)} ({when_rel(t, now)})"


def party_to(p: Party) -> str:
    return "you" if p is Party.USER else "the chatbot"


def party_by(p: Party) -> str:
    return "you" if p is Party.USER else "the bot"


def preview(text: str, limit: int = PREVIEW_CHARS) -> str:
    one = " ".join(text.split())
    return one if len(one) <= limit else one[: limit - 1] + "…"


TITLE_WORDS = 6
TITLE_CHARS = 48


def title_from_words(text: str) -> str:
    """A conversation's title from the first words of its first message: instructions (`dps`
    lines) and markup left out, at most six words."""
    lines = [
        ln for ln in text.splitlines() if not ln.strip().lower().startswith(("dps", "dpd", "dpl"))
    ]
    words = " ".join(lines).replace("*", "").replace("`", "").replace("#", "").split()
    title = " ".join(words[:TITLE_WORDS]).rstrip(",;:")
    return preview(title, TITLE_CHARS) if title else ""


# What a schedule does with fires it missed, in a list or the sidebar; the default says nothing.
MISSED_SHORT = {
    MissedPolicy.ONCE: "",
    MissedPolicy.SKIP: "skips missed",
    MissedPolicy.EACH: "sends each missed",
}


def schedule_line(s: Schedule, now: datetime) -> str:
    """One line for a list: `3f2a · to you · by you · every day at 09:00 · next … · “prompt”`."""
    parts = [s.id, f"to {party_to(s.recipient)}", f"by {party_by(s.created_by)}"]
    if s.recurring:
        parts.append(s.description or s.time_prompt)
    if s.next_fire is not None:
        parts.append(f"next {when_both(s.next_fire, now)}")
    if s.state is ScheduleState.PAUSED:
        parts.append("paused")
    if not s.approved:
        parts.append("awaiting approval")
    if missed := MISSED_SHORT[s.on_missed]:
        parts.append(missed)
    parts.append(f"“{preview(s.prompt, 40)}”")
    return " · ".join(parts)


def ago(delta: timedelta) -> str:
    return _span(delta.total_seconds())
