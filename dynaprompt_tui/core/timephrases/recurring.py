"""Resolving the `Spec` of a repeating phrase into a `When`: a cron rule where cron can express it,
else an elapsed interval ("every") or a calendar-day interval ("days"), never an approximation."""

from __future__ import annotations

import calendar
from datetime import date, datetime, time, timedelta
from typing import NamedTuple
from zoneinfo import ZoneInfo

from dynaprompt_tui.core.scheduling.rules import When, first_instant
from dynaprompt_tui.core.timephrases.lexicon import (
    MONTH_ABBR,
    UNIT_SECONDS,
    UNIT_SMALL,
    WEEKDAY_NAMES,
    TimePhraseError,
)
from dynaprompt_tui.core.timephrases.resolve import HMS, fmt_hms, hms, spec_date, times_of
from dynaprompt_tui.core.timephrases.spec import YMD, Spec

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


def amount(n: int, unit: str) -> str:
    return unit if n == 1 else f"{n} {unit}s"


def _next_wall(now: datetime, tz: ZoneInfo, day: date, hms: HMS, step: int) -> datetime:
    """The first instant after now at `hms` on `day` or a multiple of `step` days later."""
    while True:
        at = first_instant(datetime.combine(day, time(*hms)), tz)
        if at > now:
            return at
        day += timedelta(days=step)


def recurring_when(spec: Spec, now: datetime, tz: ZoneInfo) -> When:
    """The rule of a repeating phrase (`spec.rec` is set) at `now`; raises TimePhraseError."""
    assert spec.rec is not None
    unit, n = spec.rec
    # "yearly on the fourth Thursday in November" names a month without a year: a yearly rule.
    yearly_month = unit == "year" and spec.month_ref is not None and spec.month_ref[0] is None
    month_ref = None if yearly_month else spec.month_ref
    one_off = (spec.week_offset, spec.weeks_ahead, month_ref, spec.month_shift)
    if spec.rel or spec.day_offset is not None or spec.weekday_mod or one_off != (None,) * 4:
        raise TimePhraseError(
            "A repeating rule can't also have a one-off day or delay; e.g. 'every day at 9am'."
        )
    if spec.holiday is not None:
        raise TimePhraseError(
            "A holiday is a one-off here; for every year, give its date, e.g. "
            "'every year on 25 Dec'."
        )
    ymd = spec_date(spec, tz)
    if unit in UNIT_SMALL:
        return _interval(spec, ymd, n * UNIT_SECONDS[unit], amount(n, unit), now, tz)
    at = _times(spec)
    if unit in ("day", "week") and (ymd or spec.doms or spec.nth):
        raise TimePhraseError(
            f"A {unit}ly rule can't have a date; e.g. 'every month on the 1st' or 'every day'."
        )
    if unit == "day":
        return _every_n_days(spec, n, at, now, tz)
    if unit == "week":
        return _every_n_weeks(spec, n, at, now, tz)
    if unit == "month" and 12 % n == 0:
        return _monthly(spec, ymd, at, now, tz, n)
    if n > 1:
        raise TimePhraseError(
            f"'every {n} {unit}s' isn't supported; e.g. "
            + ("'every month on the 1st'" if unit == "month" else "'every year on March 15'")
            + " or 'every 3 weeks'."
        )
    return _yearly(spec, ymd, at, now, tz)


def _interval(
    spec: Spec, ymd: YMD | None, seconds: int, unit_desc: str, now: datetime, tz: ZoneInfo
) -> When:
    """'every 15 minutes' (a clock-aligned cron if it divides the day), 'every 90 minutes'."""
    if spec.times or spec.part or ymd or spec.doms or spec.nth:
        raise TimePhraseError(
            "An interval like 'every 2 hours' can't also have a time or a date; "
            "e.g. 'every 2 hours' or 'every day at 9am and 5pm'."
        )
    if seconds < 60:
        raise TimePhraseError("The shortest interval is 1 minute; e.g. 'every minute'.")
    if seconds > 366 * 86400:
        raise TimePhraseError("That interval is too long; e.g. 'every 36 hours'.")
    desc = f"every {unit_desc}"
    cron = _interval_cron(seconds)
    if spec.weekdays:
        if cron is None:
            raise TimePhraseError(
                f"'{desc}' can't be limited to some days; e.g. 'every hour on weekdays'."
            )
        cron = cron[: cron.rindex(" ")] + " " + _dow_field(spec.weekdays)
        desc += " " + _on_days(spec.weekdays)
    if spec.window is not None:
        cron, desc = _windowed(cron, desc, seconds, spec)
    if cron:
        return When(kind="cron", cron=cron, description=desc, tz=tz, start=now)
    return When(kind="every", seconds=seconds, anchor=now, description=desc, tz=tz, start=now)


def _windowed(cron: str | None, desc: str, seconds: int, spec: Spec) -> tuple[str, str]:
    """'every hour from 9 to 5': the hours of a clock-aligned interval, whole hours only."""
    assert spec.window is not None
    (h1, m1, s1), (h2, m2, s2) = (hms(c, spec.part) for c in spec.window)
    if cron is None or m1 or m2 or s1 or s2 or h2 <= h1:
        raise TimePhraseError(
            "Give whole hours, the first before the last, with an interval that divides the "
            "hour or the day; e.g. 'every hour from 9 to 5'."
        )
    fields = cron.split()
    if seconds < 3600:  # minutes: up to the last hour's end ("*/15 9-16": 09:00 ... 16:45)
        fields[1] = f"{h1}-{h2 - 1}" if h2 - 1 > h1 else str(h1)
    else:  # hours: the last one included ("0 9-17": 09:00 ... 17:00)
        step = seconds // 3600
        fields[1] = f"{h1}-{h2}" + (f"/{step}" if step > 1 else "")
    return " ".join(fields), f"{desc} from {h1:02d}:00 to {h2:02d}:00"


class _Times(NamedTuple):
    """The times of day of a calendar rule, as written and as cron's minute and hour fields."""

    hms: list[HMS]
    cron: str  # "0 9,17"
    desc: str  # " at 09:00 and 17:00"


def _times(spec: Spec) -> _Times:
    """The rule's times of day; several must share their minutes, to fit one cron rule."""
    times = times_of(spec)
    at_desc = " at " + _and([fmt_hms(t) for t in times])
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
    return _Times(times, f"{mins[0]} {','.join(map(str, hours))}", at_desc)


def _every_n_days(spec: Spec, n: int, at: _Times, now: datetime, tz: ZoneInfo) -> When:
    if spec.weekdays:
        raise TimePhraseError("Say either 'every day' or the days, e.g. 'every Monday at 9am'.")
    if n == 1:
        return When(
            kind="cron",
            cron=f"{at.cron} * * *",
            description="every day" + at.desc,
            tz=tz,
            start=now,
        )
    if len(at.hms) > 1:
        raise TimePhraseError(f"'every {n} days' takes one time, e.g. 'every {n} days at 8pm'.")
    first = _next_wall(now, tz, now.date(), at.hms[0], 1)
    desc = ("every other day" if n == 2 else f"every {n} days") + at.desc
    return When(
        kind="days",
        days=n,
        at_time=time(*at.hms[0]),
        anchor=first,
        description=desc,
        tz=tz,
        start=now,
    )


def _every_n_weeks(spec: Spec, n: int, at: _Times, now: datetime, tz: ZoneInfo) -> When:
    """On the given weekdays, or on today's weekday."""
    wds = spec.weekdays or [now.weekday()]
    if n == 1:
        return When(
            kind="cron",
            cron=f"{at.cron} * * {_dow_field(wds)}",
            description=f"every {_days_desc(wds)}" + at.desc,
            tz=tz,
            start=now,
        )
    if len(at.hms) > 1 or len(wds) > 1:
        raise TimePhraseError(
            f"Every {n} weeks works with one day and one time; e.g. 'every other Tuesday at 9am'."
        )
    ahead = (wds[0] - now.weekday()) % 7
    first = _next_wall(now, tz, now.date() + timedelta(days=ahead), at.hms[0], 7)
    every = "every other" if n == 2 else f"every {n} weeks on"
    return When(
        kind="days",
        days=7 * n,
        at_time=time(*at.hms[0]),
        anchor=first,
        description=f"{every} {WEEKDAY_NAMES[wds[0]]}" + at.desc,
        tz=tz,
        start=now,
    )


def _monthly(
    spec: Spec, ymd: YMD | None, at: _Times, now: datetime, tz: ZoneInfo, n: int = 1
) -> When:
    """On an nth weekday of the month, on days of the month, or on today's day of the month;
    every `n` months (a divisor of 12: cron lists the months, counted from this one)."""
    months = "*"
    every = "every month"
    if n > 1:
        months = ",".join(
            str(m) for m in sorted((now.month - 1 + k * n) % 12 + 1 for k in range(12 // n))
        )
        every = f"every {n} months" if n != 3 else "every quarter"
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
        desc = f"on the {_ORD[k]} {WEEKDAY_NAMES[wd]} of {every}"
        return When(
            kind="cron",
            cron=f"{at.cron} * {months} {field}",
            description=desc + at.desc,
            tz=tz,
            start=now,
        )
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
    desc = f"on the {_and([_nth(d) for d in ordered])} of {every}"
    dom = ",".join(str(d) for d in ordered)
    return When(
        kind="cron",
        cron=f"{at.cron} {dom} {months} *",
        description=desc + at.desc,
        tz=tz,
        start=now,
    )


def _yearly(spec: Spec, ymd: YMD | None, at: _Times, now: datetime, tz: ZoneInfo) -> When:
    """On a date without a year, on an nth weekday of a month, or on today's date."""
    if spec.nth is not None and spec.month_ref is not None and not (spec.weekdays or spec.doms):
        k, wd = spec.nth
        month = spec.month_ref[1]
        field = f"L{(wd + 1) % 7}" if k == "L" else f"{(wd + 1) % 7}#{k}"
        desc = f"every year on the {_ORD[k]} {WEEKDAY_NAMES[wd]} of {calendar.month_name[month]}"
        return When(
            kind="cron",
            cron=f"{at.cron} * {month} {field}",
            description=desc + at.desc,
            tz=tz,
            start=now,
        )
    if spec.weekdays or spec.doms or spec.nth:
        raise TimePhraseError("A yearly rule takes a date, e.g. 'every year on March 15 at 9am'.")
    if ymd and ymd[0] is not None:
        raise TimePhraseError("A yearly rule has no year; e.g. 'every year on March 15'.")
    m, d = (ymd[1], ymd[2]) if ymd else (now.month, now.day)
    desc = f"every year on {d} {MONTH_ABBR[m - 1]}"
    return When(
        kind="cron", cron=f"{at.cron} {d} {m} *", description=desc + at.desc, tz=tz, start=now
    )
