"""parsedatetime as a strict fallback for one-off phrases the grammar does not know.

`parse` calls `fallback_once` only when the grammar rejected a phrase for an unknown word or
shape (`TimePhraseError.unknown`), never for a phrase it understood or rejected for a reason (past,
impossible, ambiguous, ...), and never for a repeating phrase. parsedatetime silently skips words
it does not know ("tomorrow at the dentist" is tomorrow), so its answer is taken only when one of
its matches covers every word of the phrase but a few fillers, and when that answer survives
checks against parsedatetime's known slips (see `_consistent`). Otherwise the grammar's own error
stands. Our conventions then apply: a date without a time is 09:00, a bare time of day is its next
occurrence, anything else must be ahead of `now`.
"""

from __future__ import annotations

import re
from datetime import datetime, time, timedelta
from zoneinfo import ZoneInfo

import parsedatetime

from dynaprompt_tui.core.scheduling.rules import When, first_instant
from dynaprompt_tui.core.timephrases.lexicon import MONTHS, UNITS, WEEKDAYS, TimePhraseError
from dynaprompt_tui.core.timephrases.resolve import MAX_YEARS_AHEAD, fmt_at

__all__ = ["fallback_once"]

# usePyICU=False: the same answers everywhere. Numeric dates (day/month order) never get here.
_CAL = parsedatetime.Calendar(parsedatetime.Constants(usePyICU=False))

# What may sit outside parsedatetime's match: fillers and punctuation, nothing it could ignore
# ("-" or "+" could be).
FILLERS = frozenset({"at", "on", "the", "in", "of"})
_OUTSIDE = re.compile(r"(?:[\s,.;:!?'\"()]|\b(?:" + "|".join(FILLERS) + r")\b)*")
# Words whose meaning our grammar fixes differently from parsedatetime ("next Friday" on a
# Thursday is tomorrow for us, a week later for it; afternoon is 14:00 for us, 13:00 for it;
# "midnight Friday" ends Friday for us), or that are repeats: never a fallback.
_OURS = frozenset({"next", "this", "last", "coming", "past", "ago", "previous", "now", "midnight"})
_PARTS = frozenset({"morning", "afternoon", "evening", "night", "tonight"})
_REPEATS = frozenset({"every", "each", "daily", "weekly", "monthly", "yearly", "hourly", "nightly"})
_REFUSED = _OURS | _PARTS | _REPEATS | {"times", "weekdays", "weekends", "until", "till", "for"}
# "<amount> from|after|before X": parsedatetime gets X wrong unless it is one of these ("a week from
# Monday" on a Thursday is the coming Monday to it), with units that fit it ("2 hours from today"
# would count from 09:00).
_ANCHORS = {
    **dict.fromkeys(("today", "tomorrow"), ("day", "week", "month", "year")),
    "noon": ("minute", "hour"),
}
_WORD = re.compile(r"[a-z]+|[0-9]+")
_NUMERIC_DATE = re.compile(r"[0-9][/.\-][0-9]")  # 03/04, 3.4, 2026-04: order is ours to decide
_ORDINAL = re.compile(r"\b([0-9]{1,2})(?:st|nd|rd|th)\b")
_DATE_ONLY, _TIME_ONLY = 1, 2
_CYCLE = 28  # years after which the calendar repeats, weekdays and leap days (1901-2099)


def fallback_once(text: str, now: datetime, tz: ZoneInfo, error: TimePhraseError) -> When:
    """`text` as a one-off via parsedatetime, else `error` again. Raises only TimePhraseError."""
    try:
        at = _instant(text, now, tz)
    except TimePhraseError:
        raise
    except Exception as e:  # parsedatetime on arbitrary text: any slip means "not understood"
        raise error from e
    if at is None:
        raise error
    return When(kind="once", tz=tz, description=fmt_at(at, now), start=now, at=at)


def _instant(text: str, now: datetime, tz: ZoneInfo) -> datetime | None:
    s = " ".join(text.lower().replace("\u2019", "'").split()).rstrip(".!?;, ")
    words = _WORD.findall(s)
    if not words or _NUMERIC_DATE.search(s) or _REFUSED.intersection(words):
        return None
    for prev, w, nxt in zip(["", *words], words, [*words[1:], ""], strict=False):
        # only "<amount> from|after|before <anchor>": "after tomorrow" alone is tomorrow to it
        if w in ("from", "after", "before") and UNITS.get(prev) not in _ANCHORS.get(nxt, ()):
            return None
    local = now.replace(tzinfo=None, microsecond=0)
    hit = _match(s, local)
    if hit is None:
        return None
    naive, flag = hit
    # parsedatetime reads the real clock for a few forms ("this afternoon"): the answer must move
    # with `now`, to the same date and time in the same calendar 28 years on.
    again = _match(s, local.replace(year=local.year + _CYCLE))
    if again != (naive.replace(year=naive.year + _CYCLE), flag):
        return None
    if not _consistent(words, naive, flag, s):
        return None
    if flag == _DATE_ONLY:
        naive = datetime.combine(naive.date(), time(9, 0))
    # Today's weekday is a week away to parsedatetime; to us it is today if still ahead.
    week = timedelta(days=7)
    if (
        naive.date() == local.date() + week
        and WEEKDAYS.keys() & set(words)
        and first_instant(naive - week, tz) > now
    ):
        naive -= week
    if naive.year > local.year + MAX_YEARS_AHEAD:
        raise TimePhraseError("That is too far ahead; e.g. '15 March 2027'.")
    at = first_instant(naive, tz)
    if flag == _TIME_ONLY and at <= now and naive.date() == local.date():
        at = first_instant(naive + timedelta(days=1), tz)  # a bare time: its next occurrence
    if at <= now:
        raise TimePhraseError(
            f"{fmt_at(at, now)} has already passed; schedule something ahead, "
            "e.g. 'tomorrow at 9am'.",
            past=True,
        )
    return at


def _match(s: str, source: datetime) -> tuple[datetime, int] | None:
    """parsedatetime's one match for `s`, if it covers every word but the fillers."""
    found = _CAL.nlp(s, sourceTime=source)
    if not found or len(found) != 1:
        return None
    naive, flag, start, end, _ = found[0]
    if flag not in (1, 2, 3) or not _OUTSIDE.fullmatch(f"{s[:start]} {s[end:]}"):
        return None
    return naive.replace(microsecond=0), flag


def _consistent(words: list[str], naive: datetime, flag: int, text: str = "") -> bool:
    """Guards against answers that cover a word but ignore it ("end of day friday" is today,
    "14th April 15" is not 15 April)."""
    days = {int(d) for d in _ORDINAL.findall(text)}
    if days and days != {naive.day}:
        return False
    days = {WEEKDAYS[w] for w in words if w in WEEKDAYS}
    if days and days != {naive.weekday()}:
        return False
    months = {MONTHS[w] for w in words if w in MONTHS}
    if months and months != {naive.month}:
        return False
    for w in words:
        if w.isdigit() and len(w) == 4 and 1900 <= int(w) <= 2100 and naive.year != int(w):
            return False  # "end of 2012", "2017 april": a year, not 20:12
        if not w.isdigit() or len(w) < 3:
            continue
        # "tomorrow 1730" is 17:30; "tomorrow 2500" would be tomorrow, the number dropped.
        hh, mm = divmod(int(w), 100)
        if len(w) > 4 or flag == _DATE_ONLY or (naive.hour, naive.minute) != (hh, mm):
            return False
    return True
