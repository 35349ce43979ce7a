"""Which calendar day a one-off names, for the shapes that need more than a date: a weekday in a
given week ("Tuesday next week"), the nth weekday after today ("3 Fridays from now"), the nth
weekday or a day of a month ("first Tuesday of October", "20 of next month", "last day in October
2015"), and a weekday with a day of the month ("Friday the 26th").

`candidate_days` gives the days in order (the resolver takes the first still ahead of now) and
whether the phrase pins one day, so that a pinned day already gone is refused, not moved on.
"""

from __future__ import annotations

import calendar
from datetime import date, timedelta

from dynaprompt_tui.core.timephrases.lexicon import WEEKDAY_NAMES, TimePhraseError
from dynaprompt_tui.core.timephrases.spec import Spec

_SEARCH_MONTHS = 12 * 28  # the calendar repeats after 28 years


def candidate_days(spec: Spec, today: date) -> tuple[list[date], bool] | None:
    """The days `spec` may mean from `today`, and whether it pins one; None if not one of ours."""
    if spec.week_offset is not None:
        if len(spec.weekdays) != 1 or spec.doms or spec.date or spec.day_offset is not None:
            raise TimePhraseError("Name one day of that week, e.g. 'Tuesday next week'.")
        monday = today - timedelta(days=today.weekday()) + timedelta(weeks=spec.week_offset)
        return [monday + timedelta(days=spec.weekdays[0])], True
    if spec.weeks_ahead is not None:
        ahead = (spec.weekdays[0] - today.weekday()) % 7 or 7
        return [today + timedelta(days=ahead, weeks=spec.weeks_ahead - 1)], True
    if spec.month_ref is not None or spec.month_shift is not None:
        return _in_month(spec, today)
    if spec.weekdays and len(spec.doms) == 1 and isinstance(spec.doms[0], int):
        return _weekday_and_dom(spec.weekdays, spec.doms[0], today), True
    return None


def _months(spec: Spec, today: date) -> tuple[list[tuple[int, int]], bool]:
    """The (year, month)s the phrase may mean, and whether it pins one."""
    if spec.month_shift is not None:
        y, m = divmod(today.month - 1 + spec.month_shift, 12)
        return [(today.year + y, m + 1)], True
    assert spec.month_ref is not None
    year, month = spec.month_ref
    if year is not None:
        return [(year, month)], True
    return [(y, month) for y in range(today.year, today.year + 9)], False


def _in_month(spec: Spec, today: date) -> tuple[list[date], bool]:
    months, pinned = _months(spec, today)
    out: list[date] = []
    for y, m in months:
        last = calendar.monthrange(y, m)[1]
        if spec.nth is not None:
            k, wd = spec.nth
            days = [d for d in range(1, last + 1) if date(y, m, d).weekday() == wd]
            if k != "L" and int(k) > len(days):
                if pinned:
                    raise TimePhraseError(
                        f"{calendar.month_name[m]} {y} has no {k}th {WEEKDAY_NAMES[wd]}; "
                        "e.g. 'the last Friday of October'."
                    )
                continue
            out.append(date(y, m, days[-1] if k == "L" else days[int(k) - 1]))
        elif len(spec.doms) == 1:
            d = spec.doms[0]
            day = last if d == "L" else int(d)
            if day > last:
                if pinned:
                    raise TimePhraseError(
                        f"{calendar.month_name[m]} {y} has no day {day}; e.g. 'the 30th'."
                    )
                continue
            out.append(date(y, m, day))
        else:
            raise TimePhraseError("Which day of that month? e.g. 'the 20th of next month'.")
    return out, pinned


def _weekday_and_dom(weekdays: list[int], dom: int, today: date) -> list[date]:
    """'Friday the 26th': this month's if it is that weekday (even if gone: then refused), else
    the next month where the day falls on it."""
    if len(weekdays) != 1:
        raise TimePhraseError("Give one day, e.g. 'Friday the 26th'.")
    y, m = today.year, today.month
    for _ in range(_SEARCH_MONTHS):
        if dom <= calendar.monthrange(y, m)[1] and date(y, m, dom).weekday() == weekdays[0]:
            return [date(y, m, dom)]
        y, m = (y + 1, 1) if m == 12 else (y, m + 1)
    raise TimePhraseError(f"No month has a {WEEKDAY_NAMES[weekdays[0]]} the {dom}th; check it.")
