"""Resolving a `Spec` against `now`: times of day, dates, one-off instants, and their wording.

See docs/time-phrases.md for the conventions (bare hours, parts of the day, rolling forward).
"""

from __future__ import annotations

import calendar
from datetime import UTC, date, datetime, time, timedelta
from zoneinfo import ZoneInfo

from dynaprompt_tui.core.scheduling.rules import first_instant
from dynaprompt_tui.core.timephrases.days import candidate_days
from dynaprompt_tui.core.timephrases.holiday_dates import holiday_days
from dynaprompt_tui.core.timephrases.lexicon import (
    DAY_ABBR,
    EXAMPLES,
    MONTH_ABBR,
    PARTS,
    UNIT_SECONDS,
    UNIT_SMALL,
    WEEKDAY_NAMES,
    Clock,
    TimePhraseError,
)
from dynaprompt_tui.core.timephrases.spec import YMD, Spec

HMS = tuple[int, int, int]
MAX_YEARS_AHEAD = 50


# -- times of day -------------------------------------------------------------------------------


def hms(c: Clock, part: str | None) -> HMS:
    h, m, s = _hour(c, part)
    if c.offset:  # "a quarter to 7": the hour is read first (7 am), then moved
        h, m = divmod((h * 60 + m + c.offset) % 1440, 60)
    return h, m, s


def _hour(c: Clock, part: str | None) -> HMS:
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


def times_of(spec: Spec) -> list[HMS]:
    if spec.times:
        return [hms(c, spec.part) for c in spec.times]
    if spec.part:
        return [(PARTS[spec.part], 0, 0)]
    return [(9, 0, 0)]


def fmt_hms(t: HMS) -> str:
    return f"{t[0]:02d}:{t[1]:02d}" + (f":{t[2]:02d}" if t[2] else "")


def fmt_day(d: date, now: datetime) -> str:
    year = f" {d.year}" if d.year != now.year else ""
    return f"{DAY_ABBR[d.weekday()]} {d.day} {MONTH_ABBR[d.month - 1]}{year}"


def fmt_at(at: datetime, now: datetime) -> str:
    return f"{fmt_day(at.date(), now)} {fmt_hms((at.hour, at.minute, at.second))}"


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


def spec_date(spec: Spec, tz: ZoneInfo) -> YMD | None:
    if spec.numeric is not None:
        a, b = spec.numeric
        key = str(getattr(tz, "key", ""))
        month_first = key.startswith(("America/", "US/"))
        m, d = (a, b) if month_first else (b, a)
        if m > 12 >= d:  # "22/04" in New York: only one reading is a date
            m, d = d, m
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


def add_calendar(d: date, amounts: list[tuple[int, str]]) -> date:
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


def once_at(spec: Spec, now: datetime, tz: ZoneInfo) -> tuple[datetime, date, bool]:
    """The instant of a one-off phrase, its local date, and whether it named a time of day."""
    if len(spec.times) > 1:
        raise TimePhraseError(
            "A one-off has one time; for several, e.g. 'every day at 9am and 5pm'."
        )
    has_time = bool(spec.times or spec.part)
    local = now.replace(tzinfo=None)
    today = local.date()
    ymd = spec_date(spec, tz)
    if spec.rel:
        today_said = spec.day_offset == 0 and all(u in UNIT_SMALL for _, u in spec.rel)
        day_said = (spec.holiday, spec.week_offset, spec.month_ref, spec.month_shift, spec.nth)
        if any(x is not None for x in day_said) or spec.weeks_ahead is not None:
            raise TimePhraseError("Give either a delay or a date, e.g. 'in 2 days at 5pm'.")
        if ymd or (spec.day_offset is not None and not today_said) or spec.weekdays or spec.doms:
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
            day = add_calendar(today, big)
            hms = times_of(spec)[0] if has_time else (local.hour, local.minute, local.second)
            base = first_instant(datetime.combine(day, time(*hms)), tz)
        else:
            base = now
        # Hours, minutes and seconds are elapsed time: add them in UTC.
        at = (base.astimezone(UTC) + timedelta(seconds=small)).astimezone(tz)
        if today_said and at.date() != today:  # "today in 1 hour" at 23:30
            raise TimePhraseError("That is not today any more; e.g. 'in 1 hour'.")
        return at, at.date(), has_time
    hms = times_of(spec)[0]
    shift = timedelta(days=1 if spec.midnight else 0)
    special = _holiday(spec, tz, today) or candidate_days(spec, today)
    if special is not None:
        if ymd is not None or spec.day_offset is not None:
            raise TimePhraseError("Give the day once, e.g. 'tomorrow at 9am' or 'on 15 March'.")
        days, explicit = special
    else:
        days, explicit = _plain_days(spec, ymd, today, has_time)
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
            raise _past(f"{fmt_at(at, now)}")
    raise _past("That time")


def _holiday(spec: Spec, tz: ZoneInfo, today: date) -> tuple[list[date], bool] | None:
    """The coming dates of the holiday named (or of 'next year'), moved by '3 days after'."""
    if spec.holiday is None:
        return None
    if spec.weekdays or spec.doms or spec.day_offset is not None or spec.date:
        raise TimePhraseError("Give the day once, e.g. 'christmas at 6pm'.")
    first = today.year + spec.holiday_year
    dates, _ = holiday_days(
        spec.holiday, str(getattr(tz, "key", "")), first, 1 + 2 * (not spec.holiday_year)
    )
    if spec.holiday_shift is not None:
        dates = [add_calendar(d, [spec.holiday_shift]) for d in dates]
    return dates, bool(spec.holiday_year)


def _plain_days(
    spec: Spec, ymd: YMD | None, today: date, has_time: bool
) -> tuple[list[date], bool]:
    """The days a date, a day word, a weekday or a day of the month may mean, in order."""
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
            if y > today.year + MAX_YEARS_AHEAD:
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
    return days, explicit
