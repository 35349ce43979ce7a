"""Grammar rules for repeating phrases: "every ...", "daily", "the first Monday of every month",
and their ends ("until Friday", "3 times", "for 2 weeks").

Same contract as the rules in `moments`, which `every` reuses for its days and dates.
"""

from __future__ import annotations

from dynaprompt_tui.core.timephrases import clocks, moments
from dynaprompt_tui.core.timephrases.cursor import Cursor
from dynaprompt_tui.core.timephrases.lexicon import (
    MONTHS,
    NUMBER_WORDS,
    PARTS,
    UNIT_SMALL,
    UNITS,
    WEEKDAY_NAMES,
    WEEKDAYS,
    TimePhraseError,
)

_MONTH_WORDS = ("month", "months")
_ORDINAL_NAMES: dict[int | str, str] = {
    1: "first",
    2: "second",
    3: "third",
    4: "fourth",
    5: "fifth",
}

_REPEAT_WORDS = {
    "hourly": ("hour", 1),
    "daily": ("day", 1),
    "nightly": ("day", 1),
    "weekly": ("week", 1),
    "monthly": ("month", 1),
    "yearly": ("year", 1),
    "annually": ("year", 1),
    "fortnightly": ("week", 2),
    "quarterly": ("month", 3),
    "semiannual": ("month", 6),
    "semiannually": ("month", 6),
    "biannually": ("month", 6),
}


def until(c: Cursor) -> bool:
    """'until Friday': keeps the words of the end date in the spec, for `parse` to read alone."""
    if not c.accept("until", "till", "til", "untill"):
        return False
    rest = c.toks[c.i :]
    # "N times" at the very end belongs to the main phrase, not to the end date.
    if len(rest) >= 2 and rest[-1].val == "times":
        c.i = len(c.toks) - 2
        c.spec.until, rest = rest[:-2], rest[-2:]
    else:
        c.spec.until = rest
        c.i = len(c.toks)
    if not c.spec.until:
        raise TimePhraseError("'until' needs a date, e.g. 'every day at 9am until Friday'.")
    return True


def count_or_ago(c: Cursor) -> bool:
    """'3 times', 'for 2 weeks', '5 minutes from now' / 'later'; refuses '2 hours ago'."""
    start = c.i
    has_for = c.accept("for")
    n = c.number()
    if n is not None and c.word(1) == "times":
        if n < 1:
            raise TimePhraseError("A count must be at least 1, e.g. 'every hour 3 times'.")
        c.spec.count = n
        c.i += 2
        return True
    amounts = c.amounts()
    if amounts and not has_for and _is_clock(c, start, amounts):
        c.i = start  # "15h": a time of day, for `clocks`
        return False
    if amounts:
        if c.accept("ago"):
            raise TimePhraseError(
                "That moment is in the past; schedule something ahead, e.g. 'in 5 minutes'.",
                past=True,
            )
        if has_for:
            if len(amounts) > 1 or amounts[0][1] in UNIT_SMALL:
                raise TimePhraseError(
                    "Write the length in days or weeks, e.g. 'every day for 2 weeks'."
                )
            c.spec.for_span = amounts[0]
            return True
        anchor = c.word()
        nxt = c.tok(1)
        if anchor in ("after", "before") and nxt is not None and nxt.kind == "holiday":
            if len(amounts) > 1 or amounts[0][1] not in ("day", "week"):
                raise TimePhraseError(
                    "Count from a holiday in days or weeks, e.g. '3 days after Easter'."
                )
            n, unit = amounts[0]
            c.spec.holiday_shift = (n if anchor == "after" else -n, unit)
            c.i += 1  # the holiday itself is `named_day`'s
            return True
        if (c.accept("from") and c.accept("now")) or c.accept("later"):
            c.spec.set_rel(amounts)
            return True
        raise TimePhraseError(
            f"Did you mean 'in {c.toks[start].text} ...'? e.g. 'in 5 minutes' or "
            "'every 5 minutes'.",
            # a bare amount is ambiguous (in / every); one tied to an anchor we don't know
            # ("a week from tomorrow") is a shape for the fallback to try
            unknown=anchor in ("from", "after", "before"),
        )
    c.i = start
    return False


def _is_clock(c: Cursor, start: int, amounts: list[tuple[int, str]]) -> bool:
    """'15h' with no 'from now' or 'ago' after it reads as 15:00, not as 15 hours."""
    t = c.toks[start]
    return (
        len(amounts) == 1
        and t.kind == "dur"
        and t.text.endswith("h")
        and amounts[0][0] <= 23
        and c.word() not in ("from", "later", "ago", "after", "before")
    )


def every(c: Cursor) -> bool:
    """'every 15 minutes', 'every other Tuesday', 'every weekday', 'every March 15', ..."""
    if c.word() not in ("every", "each"):
        return False
    c.i += 1
    every_tok = c.tok(-1)
    n = 1
    w = c.word()
    if w == "other" or (
        w == "second" and (c.word(1) in WEEKDAYS or UNITS.get(c.word(1) or "") == "day")
    ):
        n = 2
        c.i += 1
    elif (
        (t := c.tok()) is not None
        and t.kind == "ord"
        and t.val == 2
        and c.word(1) in WEEKDAYS
        and c.word(2) != "of"
    ):
        n = 2  # "every 2nd Tuesday" = every other Tuesday
        c.i += 1
    elif t is not None and t.kind == "dur":
        n, unit = t.val
        c.i += 1
        return _set_interval(c, n, unit)
    elif (num := c.number(words=False)) is not None or (
        c.word() in NUMBER_WORDS and c.word() not in ("a", "an") and c.word(1) in UNITS
    ):
        n = num if num is not None else NUMBER_WORDS[c.word() or ""]
        c.i += 1
        if n <= 0:
            raise TimePhraseError("An interval must be at least 1, e.g. 'every 15 minutes'.")
        if UNITS.get(c.word() or "") is None:
            raise TimePhraseError(f"'every {n}' needs a unit, e.g. 'every {n} minutes'.")
    w = c.word()
    if w == "half" and c.word(1) in ("hour", "an"):
        c.i += 2 if c.word(1) == "hour" else 3
        return _set_interval(c, 30 * n, "minute")
    if w == "quarter" and c.word(1) == "hour":
        c.i += 2
        return _set_interval(c, 15 * n, "minute")
    if w in ("quarter", "quarters"):  # "each quarter": every 3 months
        c.i += 1
        return _set_interval(c, 3 * n, "month")
    if w in UNITS and (len(w or "") > 2 or c.tok(-1) != every_tok):
        c.i += 1  # "every m" is not a unit, "every 5 m" is
        return _set_interval(c, n, UNITS[w])
    if w in PARTS:
        c.i += 1
        c.spec.set_rec("day", n)
        c.spec.set_part(w)
        return True
    if w in ("weekday", "weekdays", "workday", "workdays"):
        c.i += 1
        c.spec.set_weekdays([0, 1, 2, 3, 4], n)
        return True
    if w in ("weekend", "weekends"):
        c.i += 1
        c.spec.set_weekdays([5, 6], n)
        return True
    if w in WEEKDAYS:
        return moments.weekdays(c, n)
    if n == 1 and (c.ordinal() is not None or c.word() == "end") and monthly(c, every=True):
        return True
    if n == 1 and w in MONTHS and moments.date(c):
        c.spec.set_rec("year", 1)
        return True
    raise TimePhraseError(
        "After 'every' I expected a unit, a day or a date, e.g. 'every day at 9am', "
        "'every Monday', 'every 15 minutes' or 'every month on the 1st'."
    )


def _set_interval(c: Cursor, n: int, unit: str) -> bool:
    if n <= 0:
        raise TimePhraseError("An interval must be at least 1, e.g. 'every 15 minutes'.")
    c.spec.set_rec(unit, n)
    return True


def repeat_word(c: Cursor) -> bool:
    """'daily', 'fortnightly', 'once a week', 'weekdays', 'on weekends'."""
    w = c.word()
    if w in _REPEAT_WORDS:
        c.i += 1
        c.spec.set_rec(*_REPEAT_WORDS[w])
        if w == "nightly":
            c.spec.set_part("night")
        return True
    if w == "once" and c.word(1) in ("a", "an", "per", "every", "each"):
        unit = UNITS.get(c.word(2) or "")
        if unit is None:
            raise TimePhraseError("'once a' needs a unit, e.g. 'once a week on Sunday'.")
        c.i += 3
        c.spec.set_rec(unit, 1)
        return True
    on = w == "on" and c.word(1) in ("weekdays", "workdays", "weekends")
    if on:
        w = c.word(1)
    if w in ("weekday", "workday", "weekend") and (c.word(1) or "")[:-1] in PARTS:
        w += "s"  # "weekday mornings": every weekday morning
    if w in ("weekdays", "workdays"):
        c.i += 1 + on
        c.spec.set_weekdays([0, 1, 2, 3, 4])
        return True
    if w == "weekends":
        c.i += 1 + on
        c.spec.set_weekdays([5, 6])
        return True
    return False


def monthly(c: Cursor, every: bool = False) -> bool:
    """'the 1st', 'first day of each month', 'last Friday of every month', 'end of month'."""
    start = c.i
    c.accept("on")
    c.accept("the")
    if c.accept("end"):
        if not (c.accept("of") and _of_month(c, required=True)):
            c.i = start
            return False
        c.spec.add_dom("L")
        return True
    ords: list[int | str] = []
    while (o := c.ordinal()) is not None:
        ords.append(o)
        c.i += 1
        if c.joiner():
            if c.ordinal(1) is None:
                break
            c.i += 1
    if not ords:
        c.i = start
        return False
    wd = c.word()
    if wd in MONTHS or (wd == "of" and c.word(1) in MONTHS and c.word(-1) != "day"):
        c.i = start  # "15th March" is a date
        return False
    if wd in WEEKDAYS:
        c.i += 1
        if len(ords) > 1:
            raise TimePhraseError("Give one weekday rule, e.g. 'the first Monday of every month'.")
        if not _of_month(c) and not moments.which_month(c) and c.spec.rec != ("month", 1):
            if ords[0] == "L":
                raise TimePhraseError(
                    "That is in the past; say e.g. 'next Monday' or 'Monday at 9am'.",
                    past=True,
                )
            if every:
                n, day = ords[0], WEEKDAY_NAMES[WEEKDAYS[wd]]
                raise TimePhraseError(
                    f"Did you mean 'the {_ORDINAL_NAMES.get(n, n)} {day} of every month' or "
                    f"'every {n} weeks on {day}'?"
                )
            raise TimePhraseError("Did you mean e.g. 'the first Monday of every month'?")
        if ords[0] != "L" and not 1 <= int(ords[0]) <= 5:
            raise TimePhraseError("A month has at most 5 of each weekday; e.g. 'the 2nd Friday'.")
        c.spec.nth = (ords[0], WEEKDAYS[wd])
        return True
    if c.accept("day", "days"):
        pass
    elif any(o == "L" for o in ords) or c.toks[c.i - 1].kind == "word":
        # "last" or "first" on their own are not days of the month.
        c.i = start
        return False
    of_month = _of_month(c) or moments.which_month(c)
    if not of_month and every:
        c.spec.set_rec("month", 1)  # "every 27th", "every last day"
    for o in ords:
        c.spec.add_dom(o)
    return True


def _of_month(c: Cursor, required: bool = False) -> bool:
    """'of the month', 'of every month' (sets a monthly repeat); 'of' is optional if `required`."""
    start = c.i
    if c.word() == "of" or required:
        c.accept("of")
        c.accept("the", "each", "every")
        if c.accept(*_MONTH_WORDS):
            c.spec.set_rec("month", 1)
            return True
    c.i = start
    return False


def except_days(c: Cursor) -> bool:
    """'except weekends', 'except Wednesday and Friday', 'but not on Mondays'."""
    start = c.i
    if not (c.accept("except", "excluding") or (c.accept("but") and c.accept("not"))):
        c.i = start
        return False
    c.accept("on", "at")
    days: list[int] = []
    while (w := c.word()) is not None:
        if w in ("weekend", "weekends"):
            days += [5, 6]
        elif w in ("weekday", "weekdays"):
            days += [0, 1, 2, 3, 4]
        elif w in WEEKDAYS:
            days.append(WEEKDAYS[w])
        else:
            break
        c.i += 1
        if c.joiner():
            c.i += 1
    if not days:
        raise TimePhraseError("'except' takes days, e.g. 'every day except weekends'.")
    c.spec.except_days = sorted(set(days))
    return True


def hours_window(c: Cursor) -> bool:
    """'from 9 to 5', 'between 9am and 5pm': the hours an interval runs in."""
    start = c.i
    if not c.accept("from", "between"):
        return False
    first = clocks.read_clock(c, bare_ok=True)
    if first is None or not (c.accept("to", "and", "till", "til") or _dash(c)):
        c.i = start
        return False
    last = clocks.read_clock(c, bare_ok=True)
    if last is None:
        c.i = start
        return False
    c.spec.window = (first, last)
    return True


def _dash(c: Cursor) -> bool:
    t = c.tok()
    if t is not None and t.kind == "dash":
        c.i += 1
        return True
    return False
