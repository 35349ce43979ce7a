"""Time phrases -> `When`: `parse_when("every weekday at 9", now)`.

A hand-written tokenizer (`phrases_lexicon`) and grammar (`phrases_grammar`) turn the phrase into
slots; this module resolves the slots against `now` into a one-off instant or a recurring rule.
The grammar is deterministic and accounts for every word, so nothing is ever guessed: parsedatetime
is not used, because it silently ignores words it does not know ("tomorrow at the dentist").
Conventions (morning 09:00, bare hours, day-first dates, ...) are in docs/time-phrases.md.
"""

from __future__ import annotations

import calendar
from datetime import UTC, date, datetime, time, timedelta, timezone, tzinfo
from zoneinfo import ZoneInfo

from .phrases_grammar import UNIT_SMALL, Grammar, Spec
from .phrases_lexicon import (
    DAY_ABBR,
    EXAMPLES,
    MONTH_ABBR,
    PARTS,
    UNIT_SECONDS,
    WEEKDAY_NAMES,
    Clock,
    TimePhraseError,
    Tok,
    tokenize,
)
from .rules import When, first_instant

__all__ = ["TimePhraseError", "When", "parse_when"]

MAX_PHRASE = 200
_MAX_YEARS_AHEAD = 50
_HMS = tuple[int, int, int]


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
    toks = tokenize(text)
    if not toks:
        raise TimePhraseError(f"The time is empty; say when, {EXAMPLES}.")
    try:
        spec = Grammar(toks).parse()
    except TimePhraseError:
        # "to drink water at 3pm every day": message text, then the time phrase.
        if toks[0].val != "to":
            raise
        spec = _suffix_spec(toks)
    return _build(spec, now, tz)


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


# -- times of day -------------------------------------------------------------------------------


def _hms(c: Clock, part: str | None) -> _HMS:
    h, m, s = c.hour, c.minute, c.second
    if m > 59 or s > 59:
        raise TimePhraseError(f"{c.text!r} has no such minute; minutes go 00-59, e.g. 'at 9:45'.")
    if c.meridiem:
        if not 1 <= h <= 12:
            raise TimePhraseError(
                f"{c.text!r} is not a time: with am/pm the hour is 1-12; e.g. '1pm' or '13:00'."
            )
        return h % 12 + (12 if c.meridiem == "pm" else 0), m, s
    if c.literal:
        if h > 23:
            raise TimePhraseError(f"{c.text!r} is not a time: hours go 0-23; e.g. 'at 23:00'.")
        return h, m, s
    if part == "morning":
        return h % 12, m, s
    if part in ("afternoon", "evening", "night"):
        return h % 12 + 12, m, s
    # A bare hour: 7-11 am, 12 noon, 1-6 pm (people rarely mean 3 at night).
    return (h + 12 if h <= 6 else h), m, s


def _times(spec: Spec) -> list[_HMS]:
    if spec.times:
        return [_hms(c, spec.part) for c in spec.times]
    if spec.part:
        return [(PARTS[spec.part], 0, 0)]
    return [(9, 0, 0)]


def _fmt_hms(t: _HMS) -> str:
    return f"{t[0]:02d}:{t[1]:02d}" + (f":{t[2]:02d}" if t[2] else "")


def _fmt_day(d: date, now: datetime) -> str:
    year = f" {d.year}" if d.year != now.year else ""
    return f"{DAY_ABBR[d.weekday()]} {d.day} {MONTH_ABBR[d.month - 1]}{year}"


def _fmt_at(at: datetime, now: datetime) -> str:
    return f"{_fmt_day(at.date(), now)} {_fmt_hms((at.hour, at.minute, at.second))}"


# -- dates --------------------------------------------------------------------------------------


def _valid_day(y: int | None, m: int, d: int, what: str) -> None:
    if not 1 <= m <= 12:
        raise TimePhraseError(f"There is no month {m} in {what!r}; e.g. '2026-04-01 18:00'.")
    longest = calendar.monthrange(y if y is not None else 2024, m)[1]  # 2024: allow 29 Feb
    if not 1 <= d <= longest:
        name = calendar.month_name[m]
        raise TimePhraseError(
            f"{name} {y or ''} has no day {d}; e.g. '{name} 15'.".replace("  ", " ")
        )


def _spec_date(spec: Spec, tz: ZoneInfo) -> tuple[int | None, int, int] | None:
    if spec.numeric is not None:
        a, b = spec.numeric
        key = str(getattr(tz, "key", ""))
        month_first = key.startswith(("America/", "US/"))
        m, d = (a, b) if month_first else (b, a)
        y = spec.date[0] if spec.date else None
        example = "'03/15'" if month_first else "'15/03'"
        if not 1 <= m <= 12:
            raise TimePhraseError(
                f"{a}/{b} is not a date here (numeric dates are "
                f"{'month/day' if month_first else 'day/month'}), e.g. {example}."
            )
        _valid_day(y, m, d, f"{a}/{b}")
        return (y, m, d)
    if spec.date is not None:
        y, m, d = spec.date
        _valid_day(y, m, d, f"{y}-{m}-{d}" if y else f"{m}/{d}")
        return spec.date
    return None


def _add_months(d: date, months: int) -> date:
    y, m = divmod(d.month - 1 + months, 12)
    y += d.year
    return d.replace(year=y, month=m + 1, day=min(d.day, calendar.monthrange(y, m + 1)[1]))


def _add_calendar(d: date, amounts: list[tuple[int, str]]) -> date:
    for n, unit in amounts:
        if unit == "day":
            d += timedelta(days=n)
        elif unit == "week":
            d += timedelta(weeks=n)
        elif unit == "month":
            d = _add_months(d, n)
        elif unit == "year":
            d = _add_months(d, 12 * n)
    return d


def _past(what: str) -> TimePhraseError:
    return TimePhraseError(
        f"{what} has already passed; schedule something ahead, e.g. 'tomorrow at 9am'.", past=True
    )


# -- one-off ------------------------------------------------------------------------------------


def _once_at(spec: Spec, now: datetime, tz: ZoneInfo) -> tuple[datetime, date, bool]:
    """The instant of a one-off phrase, its local date, and whether it named a time of day."""
    if len(spec.times) > 1:
        raise TimePhraseError(
            "A one-off has one time; for several, e.g. 'every day at 9am and 5pm'."
        )
    has_time = bool(spec.times or spec.part)
    local = now.replace(tzinfo=None)
    today = local.date()
    ymd = _spec_date(spec, tz)
    if spec.rel:
        if ymd or spec.day_offset is not None or spec.weekdays or spec.doms:
            raise TimePhraseError("Give either a delay or a date, e.g. 'in 2 days at 5pm'.")
        small = sum(n * UNIT_SECONDS[u] for n, u in spec.rel if u in UNIT_SMALL)
        big = [(n, u) for n, u in spec.rel if u not in UNIT_SMALL]
        if sum(n for n, _ in spec.rel) > 10**6 or (big and max(n for n, _ in big) > 1000):
            raise TimePhraseError("That is too far ahead; e.g. 'in 3 weeks'.")
        if has_time and (small or not big):
            raise TimePhraseError(
                "A delay in hours or minutes already says when; drop the time, e.g. 'in 2 hours'."
            )
        if big:
            day = _add_calendar(today, big)
            hms = _times(spec)[0] if has_time else (local.hour, local.minute, local.second)
            base = first_instant(datetime.combine(day, time(*hms)), tz)
        else:
            base = now
        # Hours, minutes and seconds are elapsed time: add them in UTC.
        at = (base.astimezone(UTC) + timedelta(seconds=small)).astimezone(tz)
        return at, at.date(), has_time
    hms = _times(spec)[0]
    shift = timedelta(days=1 if spec.midnight else 0)
    explicit = False
    if spec.doms and any(not isinstance(d, int) for d in spec.doms):
        raise TimePhraseError("Say which month, e.g. 'on the last day of every month'.")
    kinds = [ymd is not None, spec.day_offset is not None, bool(spec.doms)]
    if sum(kinds) > 1 or (spec.weekdays and (spec.day_offset is not None or spec.doms)):
        raise TimePhraseError("Give the day once, e.g. 'tomorrow at 9am' or 'on 15 March'.")
    if len(spec.doms) > 1:
        raise TimePhraseError(
            "A one-off has one day; for several, e.g. 'every 4th and 10th of the month'."
        )
    days: list[date]
    if ymd is not None:
        y, m, d = ymd
        if y is not None:
            if y > today.year + _MAX_YEARS_AHEAD:
                raise TimePhraseError("That is too far ahead; e.g. '15 March 2027'.")
            days, explicit = [date(y, m, d)], True
        else:
            days = [
                date(yy, m, d)
                for yy in range(today.year, today.year + 9)
                if d <= calendar.monthrange(yy, m)[1]
            ]
    elif spec.day_offset is not None:
        days, explicit = [today + timedelta(days=spec.day_offset)], True
    elif spec.weekdays:
        wd = spec.weekdays[0]
        ahead = (wd - today.weekday()) % 7
        if ahead == 0 and spec.weekday_mod == "next":
            ahead = 7
        days = [today + timedelta(days=ahead), today + timedelta(days=ahead + 7)]
    elif spec.doms:
        dom = int(spec.doms[0])
        days = []
        for k in range(0, 13):
            first = _add_months(today.replace(day=1), k)
            if dom <= calendar.monthrange(first.year, first.month)[1]:
                days.append(first.replace(day=dom))
    else:
        if not has_time:
            raise TimePhraseError(f"That phrase doesn't say when; {EXAMPLES}.")
        days = [today, today + timedelta(days=1)]
    for day in days:
        at = first_instant(datetime.combine(day, time(*hms)) + shift, tz)
        if at > now:
            if ymd and spec.weekdays and day.weekday() not in spec.weekdays:
                raise TimePhraseError(
                    f"{day.day} {MONTH_ABBR[day.month - 1]} {day.year} is a "
                    f"{WEEKDAY_NAMES[day.weekday()]}; check the date, e.g. 'Friday 6 March'."
                )
            return at, day, has_time
        if explicit:
            raise _past(f"{_fmt_at(at, now)}")
    raise _past("That time")


# -- recurring ----------------------------------------------------------------------------------

_ORD = {1: "first", 2: "second", 3: "third", 4: "fourth", 5: "fifth", "L": "last"}


def _nth(d: int | str) -> str:
    if not isinstance(d, int):
        return "last day"
    suffix = "th" if 10 <= d % 100 <= 20 else {1: "st", 2: "nd", 3: "rd"}.get(d % 10, "th")
    return f"{d}{suffix}"


def _and(items: list[str]) -> str:
    return items[0] if len(items) == 1 else ", ".join(items[:-1]) + " and " + items[-1]


def _dow_field(days: list[int]) -> str:
    if days == [0, 1, 2, 3, 4]:
        return "1-5"
    return ",".join(str((d + 1) % 7) for d in days)


def _days_desc(days: list[int]) -> str:
    if days == [0, 1, 2, 3, 4]:
        return "weekday"
    if days == [5, 6]:
        return "Saturday and Sunday"
    return _and([WEEKDAY_NAMES[d] for d in days])


def _on_days(days: list[int]) -> str:
    if days == [0, 1, 2, 3, 4]:
        return "on weekdays"
    if days == [5, 6]:
        return "at weekends"
    return "on " + _and([WEEKDAY_NAMES[d] + "s" for d in days])


def _interval_cron(seconds: int) -> str | None:
    """A clock-aligned cron for intervals that divide the hour or the day, else None."""
    if seconds % 60:
        return None
    mins = seconds // 60
    if mins < 60 and 60 % mins == 0:
        return "* * * * *" if mins == 1 else f"*/{mins} * * * *"
    if mins % 60 == 0 and 24 % (mins // 60) == 0 and mins // 60 < 24:
        hours = mins // 60
        return "0 * * * *" if hours == 1 else f"0 */{hours} * * *"
    return None


def _amount(n: int, unit: str) -> str:
    return unit if n == 1 else f"{n} {unit}s"


def _next_wall(now: datetime, tz: ZoneInfo, day: date, hms: _HMS, step: int) -> datetime:
    """The first instant after now at `hms` on `day` or a multiple of `step` days later."""
    while True:
        at = first_instant(datetime.combine(day, time(*hms)), tz)
        if at > now:
            return at
        day += timedelta(days=step)


def _recurring(spec: Spec, now: datetime, tz: ZoneInfo) -> When:
    assert spec.rec is not None
    unit, n = spec.rec
    if spec.rel or spec.day_offset is not None or spec.weekday_mod:
        raise TimePhraseError(
            "A repeating rule can't also have a one-off day or delay; e.g. 'every day at 9am'."
        )
    ymd = _spec_date(spec, tz)
    base = {"tz": tz, "start": now}
    if unit in UNIT_SMALL:
        if spec.times or spec.part or ymd or spec.doms or spec.nth:
            raise TimePhraseError(
                "An interval like 'every 2 hours' can't also have a time or a date; "
                "e.g. 'every 2 hours' or 'every day at 9am and 5pm'."
            )
        seconds = n * UNIT_SECONDS[unit]
        if seconds < 60:
            raise TimePhraseError("The shortest interval is 1 minute; e.g. 'every minute'.")
        if seconds > 366 * 86400:
            raise TimePhraseError("That interval is too long; e.g. 'every 36 hours'.")
        desc = f"every {_amount(n, unit)}"
        cron = _interval_cron(seconds)
        if spec.weekdays:
            if cron is None:
                raise TimePhraseError(
                    f"'{desc}' can't be limited to some days; e.g. 'every hour on weekdays'."
                )
            cron = cron[: cron.rindex(" ")] + " " + _dow_field(spec.weekdays)
            desc += " " + _on_days(spec.weekdays)
        if cron:
            return When(kind="cron", cron=cron, description=desc, **base)
        return When(kind="every", seconds=seconds, anchor=now, description=desc, **base)
    times = _times(spec)
    at_desc = " at " + _and([_fmt_hms(t) for t in times])
    if any(t[2] for t in times):
        raise TimePhraseError("Repeating times are whole minutes; e.g. 'every day at 9:30'.")
    mins = sorted({t[1] for t in times})
    hours = sorted({t[0] for t in times})
    if len(times) > 1 and len(mins) > 1 and len(hours) > 1:
        raise TimePhraseError(
            "Several times in one rule must share their minutes (e.g. 'at 9am and 5pm'); "
            "schedule 9:15 and 17:45 separately."
        )
    if len(times) > 1 and len(mins) > 1 and len(hours) == 1:
        raise TimePhraseError("Times in one rule must share their minutes; e.g. 'at 9am and 5pm'.")
    hm = f"{mins[0]} {','.join(map(str, hours))}"
    multi = len(times) > 1
    if unit in ("day", "week") and (ymd or spec.doms or spec.nth):
        raise TimePhraseError(
            f"A {unit}ly rule can't have a date; e.g. 'every month on the 1st' or 'every day'."
        )
    if unit == "day":
        if spec.weekdays:
            raise TimePhraseError("Say either 'every day' or the days, e.g. 'every Monday at 9am'.")
        if n == 1:
            return When(kind="cron", cron=f"{hm} * * *", description="every day" + at_desc, **base)
        if multi:
            raise TimePhraseError(f"'every {n} days' takes one time, e.g. 'every {n} days at 8pm'.")
        first = _next_wall(now, tz, now.date(), times[0], 1)
        desc = ("every other day" if n == 2 else f"every {n} days") + at_desc
        return When(
            kind="days", days=n, at_time=time(*times[0]), anchor=first, description=desc, **base
        )
    if unit == "week":
        wds = spec.weekdays or [now.weekday()]
        if n == 1:
            return When(
                kind="cron",
                cron=f"{hm} * * {_dow_field(wds)}",
                description=f"every {_days_desc(wds)}" + at_desc,
                **base,
            )
        if multi or len(wds) > 1:
            raise TimePhraseError(
                f"Every {n} weeks works with one day and one time; "
                "e.g. 'every other Tuesday at 9am'."
            )
        ahead = (wds[0] - now.weekday()) % 7
        first = _next_wall(now, tz, now.date() + timedelta(days=ahead), times[0], 7)
        every = "every other" if n == 2 else f"every {n} weeks on"
        return When(
            kind="days",
            days=7 * n,
            at_time=time(*times[0]),
            anchor=first,
            description=f"{every} {WEEKDAY_NAMES[wds[0]]}" + at_desc,
            **base,
        )
    if n > 1:
        raise TimePhraseError(
            f"'every {n} {unit}s' isn't supported; e.g. "
            + ("'every month on the 1st'" if unit == "month" else "'every year on March 15'")
            + " or 'every 3 weeks'."
        )
    if unit == "month":
        if ymd:
            raise TimePhraseError(
                "A monthly rule takes a day, not a date; e.g. 'every month on the 15th'."
            )
        if spec.nth is not None:
            if spec.weekdays or spec.doms:
                raise TimePhraseError("Give one day rule, e.g. 'the first Monday of every month'.")
            k, wd = spec.nth
            dow = (wd + 1) % 7
            field = f"L{dow}" if k == "L" else f"{dow}#{k}"
            desc = f"on the {_ORD[k]} {WEEKDAY_NAMES[wd]} of every month"
            return When(kind="cron", cron=f"{hm} * * {field}", description=desc + at_desc, **base)
        if spec.weekdays:
            raise TimePhraseError("Say which one, e.g. 'the first Monday of every month'.")
        doms = spec.doms or [now.day]
        if not spec.doms and now.day > 28:
            raise TimePhraseError(
                "Say which day, e.g. 'every month on the 1st' or 'on the last day of every month'."
            )
        if "L" in doms and len(doms) > 1:
            raise TimePhraseError(
                "Give the last day on its own, e.g. 'on the last day of every month'."
            )
        ordered = sorted(set(doms), key=lambda d: 99 if d == "L" else int(d))
        desc = f"on the {_and([_nth(d) for d in ordered])} of every month"
        dom = ",".join(str(d) for d in ordered)
        return When(kind="cron", cron=f"{hm} {dom} * *", description=desc + at_desc, **base)
    # yearly
    if spec.weekdays or spec.doms or spec.nth:
        raise TimePhraseError("A yearly rule takes a date, e.g. 'every year on March 15 at 9am'.")
    if ymd and ymd[0] is not None:
        raise TimePhraseError("A yearly rule has no year; e.g. 'every year on March 15'.")
    m, d = (ymd[1], ymd[2]) if ymd else (now.month, now.day)
    desc = f"every year on {d} {MONTH_ABBR[m - 1]}"
    return When(kind="cron", cron=f"{hm} {d} {m} *", description=desc + at_desc, **base)


# -- assembly -----------------------------------------------------------------------------------


def _build(spec: Spec, now: datetime, tz: ZoneInfo) -> When:
    if spec.rec is None:
        if spec.until is not None or spec.count or spec.for_span:
            raise TimePhraseError(
                "'until', 'N times' and 'for N days' go with repeating rules; "
                "e.g. 'every day at 9am until Friday'."
            )
        at, _, _ = _once_at(spec, now, tz)
        return When(kind="once", tz=tz, start=now, at=at, description=_fmt_at(at, now))
    when = _recurring(spec, now, tz)
    until: datetime | None = None
    extra = ""
    if spec.until is not None:
        if spec.for_span:
            raise TimePhraseError("Give one end, e.g. 'until Friday' or 'for 2 weeks'.")
        sub = Grammar(spec.until).parse()
        if sub.rec is not None or sub.until is not None or sub.count or sub.for_span:
            raise TimePhraseError("'until' takes a date, e.g. 'every day at 9am until Friday'.")
        at, day, has_time = _once_at(sub, now, tz)
        # "until Friday" includes Friday.
        until = at if has_time else first_instant(datetime.combine(day, time(23, 59, 59)), tz)
        extra = f" until {_fmt_at(until, now)}" if has_time else f" until {_fmt_day(day, now)}"
    elif spec.for_span:
        n, unit = spec.for_span
        if n < 1 or n > 1000:
            raise TimePhraseError("Give a length of at least 1, e.g. 'every day for 2 weeks'.")
        day = _add_calendar(now.date(), [spec.for_span])
        until = first_instant(datetime.combine(day, now.time().replace(tzinfo=None)), tz)
        extra = f" for {_amount(n, unit)}"
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
