"""`parse_when(text, now)`: a time phrase -> `When`, the one entry point of the parser.

It takes the user's zone from `now`, tokenizes (`lexicon`), reads the tokens into slots
(`grammar`), resolves them into a one-off instant (`resolve`) or a repeating rule (`recurring`),
and adds the ends ("until Friday", "3 times", "for 2 weeks"). The grammar is deterministic and
accounts for every word, so nothing is ever guessed. Only when it gives up on a word or shape it
does not know (`TimePhraseError.unknown`) does `fallback` ask parsedatetime, strictly: a one-off
only, and only if parsedatetime's match covers every word (it silently ignores words it does not
know: "tomorrow at the dentist" stays an error). Phrases the grammar accepts, or rejects for a
reason (past, impossible, ambiguous), never reach it.
Conventions (morning 09:00, bare hours, day-first dates, ...) are in docs/time-phrases.md.
"""

from __future__ import annotations

import dataclasses
from datetime import datetime, time, timedelta, timezone, tzinfo
from zoneinfo import ZoneInfo

from dynaprompt_tui.core.scheduling.rules import When, first_instant
from dynaprompt_tui.core.timephrases.grammar import Grammar
from dynaprompt_tui.core.timephrases.lexicon import (
    EXAMPLES,
    ZONE_NAMES,
    TimePhraseError,
    Tok,
    tokenize,
)
from dynaprompt_tui.core.timephrases.recurring import amount, recurring_when
from dynaprompt_tui.core.timephrases.resolve import add_calendar, fmt_at, fmt_day, once_at
from dynaprompt_tui.core.timephrases.spec import Spec
from dynaprompt_tui.core.timephrases.words import normalize

__all__ = ["TimePhraseError", "When", "parse_when"]

MAX_PHRASE = 200


def parse_when(text: str, now: datetime) -> When:
    """What `text` means at `now` (aware; its zone is the user's). Raises only TimePhraseError."""
    if not isinstance(now, datetime) or now.tzinfo is None or now.utcoffset() is None:
        raise TimePhraseError("Internal error: 'now' must be a timezone-aware datetime.")
    tz = _zone(now)
    now = now.astimezone(tz)
    try:
        return _parse(text, now, tz)
    except TimePhraseError:
        raise
    except (OverflowError, ValueError, ArithmeticError) as e:
        raise TimePhraseError(f"That time is out of range ({e}); {EXAMPLES}.") from e
    except Exception as e:  # the contract: any string yields a When or a TimePhraseError
        raise TimePhraseError(f"I couldn't read {text!r} as a time; {EXAMPLES}.") from e


def _zone(now: datetime) -> ZoneInfo:
    tz = now.tzinfo
    if isinstance(tz, ZoneInfo):
        return tz
    # pytz and dateutil zones carry their IANA name under one of these.
    for attr in ("key", "zone", "_filename"):
        name = getattr(tz, attr, None)
        if isinstance(name, str):
            try:
                return ZoneInfo(name.split("zoneinfo/")[-1])
            except (ValueError, OSError):
                pass
    off = now.utcoffset() or timedelta(0)
    if off == timedelta(0):
        return ZoneInfo("UTC")
    hours, rest = divmod(off, timedelta(hours=1))
    if not rest:
        return ZoneInfo(f"Etc/GMT{-hours:+d}")  # POSIX sign: Etc/GMT-5 is UTC+5
    fixed: tzinfo = timezone(off)
    return fixed  # type: ignore[return-value]  # a fixed offset has no DST to resolve


def _parse(text: str, now: datetime, tz: ZoneInfo) -> When:
    if not isinstance(text, str) or not text.strip():
        raise TimePhraseError(f"The time is empty; say when, {EXAMPLES}.")
    if len(text) > MAX_PHRASE:
        raise TimePhraseError(
            f"A time phrase is at most {MAX_PHRASE} characters; e.g. 'every day at 9am'."
        )
    try:
        toks, corrections = normalize(tokenize(text))
    except TimePhraseError as e:
        return _fallback(text, now, tz, e)
    if not toks:
        raise TimePhraseError(f"The time is empty; say when, {EXAMPLES}.")
    try:
        spec = Grammar(toks).parse()
    except TimePhraseError as e:
        # "to drink water at 3pm every day": message text, then the time phrase.
        if toks[0].val != "to":
            return _fallback(text, now, tz, e)
        spec = _suffix_spec(toks)
    when = _build(spec, now, tz)
    if corrections:
        # A misspelling we read silently is said, so the user can check what we understood.
        read = ", ".join(f"'{typed}' as '{meant}'" for typed, meant in corrections)
        when = dataclasses.replace(when, description=f"{when.description} (read {read})")
    return when


def _fallback(text: str, now: datetime, tz: ZoneInfo, error: TimePhraseError) -> When:
    """parsedatetime, strictly, for a phrase with words the grammar doesn't know; else `error`."""
    if not error.unknown:
        raise error
    from dynaprompt_tui.core.timephrases.fallback import (
        fallback_once,  # loaded only when a phrase gets this far
    )

    return fallback_once(text, now, tz, error)


def _suffix_spec(toks: list[Tok]) -> Spec:
    first: TimePhraseError | None = None
    for k in range(2, len(toks)):
        try:
            return Grammar(toks[k:]).parse()
        except TimePhraseError as e:
            first = first or e
    raise TimePhraseError(
        f"I found no time in that; put it after the text, e.g. 'to drink water at 3pm every day'."
        f"{' (' + str(first) + ')' if first else ''}"
    )


def _in_zone(spec: Spec, now: datetime, tz: ZoneInfo) -> When:
    """'Thursday at 9:30pm IST': read in that zone, kept and shown in the user's."""
    assert spec.zone is not None
    there = ZoneInfo(ZONE_NAMES[spec.zone])
    at_there, _, _ = once_at(spec, now.astimezone(there), there)
    at = at_there.astimezone(tz)
    said = f"{at_there:%H:%M} {spec.zone.upper()}"
    return When(kind="once", tz=tz, start=now, at=at, description=f"{fmt_at(at, now)} ({said})")


# -- assembly -----------------------------------------------------------------------------------


def _build(spec: Spec, now: datetime, tz: ZoneInfo) -> When:
    if spec.rec is None:
        if spec.until is not None or spec.count or spec.for_span:
            raise TimePhraseError(
                "'until', 'N times' and 'for N days' go with repeating rules; "
                "e.g. 'every day at 9am until Friday'."
            )
        if spec.zone is not None:
            return _in_zone(spec, now, tz)
        at, _, _ = once_at(spec, now, tz)
        return When(kind="once", tz=tz, start=now, at=at, description=fmt_at(at, now))
    if spec.zone is not None:
        raise TimePhraseError(
            "Give a repeating rule's time in your own zone, e.g. 'every day at 9am'."
        )
    when = recurring_when(spec, now, tz)
    until: datetime | None = None
    extra = ""
    if spec.until is not None:
        if spec.for_span:
            raise TimePhraseError("Give one end, e.g. 'until Friday' or 'for 2 weeks'.")
        sub = Grammar(spec.until).parse()
        if sub.rec is not None or sub.until is not None or sub.count or sub.for_span:
            raise TimePhraseError("'until' takes a date, e.g. 'every day at 9am until Friday'.")
        at, day, has_time = once_at(sub, now, tz)
        # "until Friday" includes Friday.
        until = at if has_time else first_instant(datetime.combine(day, time(23, 59, 59)), tz)
        extra = f" until {fmt_at(until, now)}" if has_time else f" until {fmt_day(day, now)}"
    elif spec.for_span:
        n, unit = spec.for_span
        if n < 1 or n > 1000:
            raise TimePhraseError("Give a length of at least 1, e.g. 'every day for 2 weeks'.")
        day = add_calendar(now.date(), [spec.for_span])
        until = first_instant(datetime.combine(day, now.time().replace(tzinfo=None)), tz)
        extra = f" for {amount(n, unit)}"
    if spec.count:
        if spec.count > 100000:
            raise TimePhraseError("That count is too large; e.g. 'every hour 3 times'.")
        extra += ", once" if spec.count == 1 else f", {spec.count} times"
    if until is None and spec.count is None:
        return when
    return When(
        kind=when.kind,
        tz=when.tz,
        description=when.description + extra,
        start=when.start,
        cron=when.cron,
        seconds=when.seconds,
        days=when.days,
        at_time=when.at_time,
        anchor=when.anchor,
        until=until,
        count=spec.count,
    )
