"""Grammar rules for the words that name a moment: "in 2 hours", "tomorrow", "next Monday",
"15 March" (times of day are in `clocks`).

Each rule takes a `Cursor`; on a match it moves past the words, fills the spec and returns True,
else it leaves the cursor where it was and returns False. `grammar` tries them in turn; the
repeat rules in `repeats` reuse `weekdays` and `date`.
"""

from __future__ import annotations

from dynaprompt_tui.core.timephrases.cursor import Cursor
from dynaprompt_tui.core.timephrases.lexicon import (
    MONTHS,
    ORDINAL_WORDS,
    PARTS,
    PLURAL_WEEKDAYS,
    UNITS,
    WEEKDAYS,
    TimePhraseError,
    Tok,
)


def relative(c: Cursor) -> bool:
    """'in 2 hours', 'in half an hour'."""
    if c.word() != "in":
        return False
    if c.word(1) in PARTS or (c.word(1) == "the" and (c.word(2) in PARTS or _mer(c.tok(2)))):
        return False  # "in the morning", "in the am" are parts of the day
    c.i += 1
    amounts = c.amounts()
    if not amounts:
        t = c.tok()
        if t is not None and t.kind == "num" and int(t.val) < 0:
            raise TimePhraseError(
                "A time can't be negative; say how long from now, e.g. 'in 10 minutes'."
            )
        raise TimePhraseError("'in' needs an amount of time, e.g. 'in 10 minutes' or 'in 2 days'.")
    if c.accept("ago"):
        raise TimePhraseError("That is in the past; e.g. 'in 5 minutes'.", past=True)
    c.spec.set_rel(amounts)
    return True


def _mer(t: Tok | None) -> bool:
    return t is not None and t.kind == "mer"


def day_word(c: Cursor) -> bool:
    """'today', 'tomorrow', 'tonight', 'the day after tomorrow', 'this evening'."""
    w = c.word()
    if w in ("today", "tomorrow", "tonight", "tmrw", "tmr", "tomorow"):
        c.i += 1
        c.spec.set_day(0 if w in ("today", "tonight") else 1)
        if w == "tonight":
            c.spec.set_part("night")
        return True
    if w in ("day", "the") and c.word(1) in ("day", "after", "next"):
        start = c.i
        c.accept("the")
        if c.accept("day") and c.accept("after") and c.accept("tomorrow"):
            c.spec.set_day(2)
            return True
        c.i = start + (w == "the")
        if c.i + 2 == len(c.toks) and c.accept("next", "day") and c.accept("day", "after"):
            c.spec.set_day(1)  # "the next day", "the day after" (said alone): tomorrow
            return True
        c.i = start
        return False
    if w == "yesterday" or (w == "last" and c.word(1) in ("night", "week", "month")):
        raise TimePhraseError(
            "That is in the past; schedule something ahead, e.g. 'tomorrow at 5pm'.", past=True
        )
    if w == "now":
        raise TimePhraseError("'now' has already begun; e.g. 'in 1 minute'.")
    if w == "this" and c.word(1) in PARTS:
        c.i += 2
        c.spec.set_day(0)
        c.spec.set_part(c.word(-1) or "")
        return True
    if _week(c):
        return True
    if w == "next" and c.word(1) in ("week", "month", "year", "weekend"):
        raise TimePhraseError(f"'next {c.word(1)}' is ambiguous; name the day, e.g. 'next Monday'.")
    return False


def _week(c: Cursor) -> bool:
    """'next week', 'this week', '(of) the following week', with a weekday said elsewhere."""
    start = c.i
    c.accept("of")
    c.accept("the")
    w = c.word()
    said_day = any(t.kind == "word" and t.val in WEEKDAYS for t in c.toks)
    if w in ("next", "this", "following") and c.word(1) == "week" and said_day:
        c.i += 2
        if c.spec.week_offset is not None:
            raise TimePhraseError("Give the week once, e.g. 'Tuesday next week'.")
        c.spec.week_offset = 0 if w == "this" else 1
        return True
    c.i = start
    return False


def weekdays(c: Cursor, n: int = 1) -> bool:
    """'Monday', 'next Friday', 'Mondays and Thursdays'; `n` is 2 after 'every other'."""
    start = c.i
    mod = None
    c.accept("on")
    if c.word() in ("this", "next", "coming", "last"):
        mod = c.word()
        c.i += 1
    days: list[int] = []
    plural = False
    while (w := c.word()) in WEEKDAYS:
        days.append(WEEKDAYS[w or ""])
        plural = plural or w in PLURAL_WEEKDAYS
        c.i += 1
        if c.joiner() and c.word(1) in WEEKDAYS:
            c.i += 1
    if not days:
        c.i = start
        return False
    if mod == "last":
        if c.word() == "of":
            c.i = start
            return False
        raise TimePhraseError(
            "That is in the past; e.g. 'next Monday' or 'Monday at 9am'.", past=True
        )
    if mod is not None and (len(days) > 1 or plural):
        raise TimePhraseError(f"Use '{mod}' with one day, e.g. '{mod} Tuesday'.")
    c.spec.weekday_mod = "next" if mod == "next" else None
    every = (
        n != 1
        or c.spec.rec is not None
        or plural
        or (start > 0 and c.toks[start - 1].val in ("every", "each", "other", "second"))
    )
    if not every and c.spec.rec is None and len(days) > 1:
        raise TimePhraseError(
            "A one-off needs one day; for several, say e.g. 'every Monday and Thursday'."
        )
    c.spec.set_weekdays(sorted(set(days)), n, plural=bool(every))
    return True


def date(c: Cursor) -> bool:
    """'2026-04-01', '15/03', 'March 15', '15th of March 2027'."""
    start = c.i
    c.accept("on")
    c.accept("the")
    t = c.tok()
    if t is None:
        c.i = start
        return False
    if t.kind == "iso":
        c.i += 1
        c.spec.set_date(t.val)
        return True
    if t.kind == "numdate":
        c.i += 1
        parts = t.val
        y = parts[2] if len(parts) > 2 else None
        if y is not None and y < 100:
            y += 2000
        c.spec.set_date((y, -1, -1), numeric=(parts[0], parts[1]))
        return True
    # "March 15", "March the 15th", "March 15, 2027"
    if t.kind == "num" and len(t.text) == 4 and c.tok(1) is not None and c.word(2) in MONTHS:
        return _year_first(c, start)
    if t.kind == "word" and t.val in MONTHS:
        month = MONTHS[t.val]
        c.i += 1
        if (dash := c.tok()) is not None and dash.kind == "dash":
            c.i += 1  # "Oct/2", "Sep-23-2020"
        c.accept("the")
        d = _day_number(c)
        if d is None:
            raise TimePhraseError(f"Which day of {t.text}? e.g. '{t.text} 15 at 9am'.")
        c.spec.set_date((_year(c), month, d))
        return True
    # "15th March", "15 March 2027", "15th of March"
    d = _day_number(c)
    if d is not None:
        c.accept("of")
        if c.word() in MONTHS:
            month = MONTHS[c.word() or ""]
            c.i += 1
            c.spec.set_date((_year(c), month, d))
            return True
    c.i = start
    return False


def _year_first(c: Cursor, start: int) -> bool:
    """'2019/sep/01'."""
    year = int(c.tok().val)  # type: ignore[union-attr]
    c.i += 1
    if (t := c.tok()) is None or t.kind != "dash":
        c.i = start
        return False
    month = MONTHS[c.word(1) or ""]
    c.i += 2
    if (t := c.tok()) is not None and t.kind == "dash":
        c.i += 1
    d = _day_number(c)
    if d is None:
        c.i = start
        return False
    c.spec.set_date((year, month, d))
    return True


def _day_number(c: Cursor) -> int | None:
    t = c.tok()
    if t is None:
        return None
    if t.kind == "ord" or (t.kind == "num" and len(t.text) <= 2 and t.text.isdigit()):
        c.i += 1
        return int(t.val)
    if t.kind == "num" and not t.text[-1].isdigit() and 1 <= t.val <= 31:  # "twenty one"
        c.i += 1
        return int(t.val)
    if t.kind == "word" and t.val in ORDINAL_WORDS and c.word(1) not in WEEKDAYS:
        c.i += 1  # "march first", "the third of march"
        return ORDINAL_WORDS[t.val]
    return None


def _year(c: Cursor) -> int | None:
    start = c.i
    if (t := c.tok()) is not None and t.kind in ("sep", "dash"):
        c.i += 1
    elif c.word() in ("in", "of") and (y := c.tok(1)) is not None and len(y.text) == 4:
        c.i += 1  # "28 june in 2020"
    t = c.tok()
    if t is not None and t.kind == "num" and len(t.text) == 4 and t.text.isdigit():
        c.i += 1
        return int(t.val)
    c.i = start
    return None


def which_month(c: Cursor) -> bool:
    """'of October (2014)', 'in October', 'of next month', 'of this month' after a day."""
    start = c.i
    if not c.accept("of", "in"):
        return False
    c.accept("the")
    w = c.word()
    if w in ("this", "next", "following") and c.word(1) == "month":
        c.i += 2
        c.spec.month_shift = 0 if w == "this" else 1
        return True
    if w in ("last", "previous", "past") and c.word(1) == "month":
        raise TimePhraseError("That month has passed; e.g. 'the 20th of next month'.", past=True)
    if w in MONTHS:
        c.i += 1
        c.spec.month_ref = (_year(c), MONTHS[w])
        return True
    c.i = start
    return False


def day_of_month(c: Cursor) -> bool:
    """'the 24', 'on 15', 'the second', 'Friday 23', '20 of next month', '15 at 9am'."""
    start = c.i
    marked = c.accept("on") | c.accept("the")
    marked = marked or (start > 0 and c.toks[start - 1].val in WEEKDAYS)
    t = c.tok()
    if t is None:
        return False
    if t.kind == "num" and 1 <= t.val <= 31 and (len(t.text) <= 2 or not t.text.isdigit()):
        d = int(t.val)
    elif t.kind == "word" and t.val in ORDINAL_WORDS and (marked or c.word(1) == "of"):
        d = ORDINAL_WORDS[t.val]
    else:
        c.i = start
        return False
    c.i += 1
    nxt = c.word()
    if nxt in UNITS or nxt in WEEKDAYS or nxt in MONTHS or nxt in ("times", "oclock"):
        c.i = start
        return False
    if not which_month(c) and not (marked or (nxt == "at" and start == 0)):
        c.i = start
        return False
    c.spec.add_dom(d)
    return True


def weekdays_ahead(c: Cursor) -> bool:
    """'3 Fridays from now', 'two Sundays from now': the nth such day after today."""
    if c.word(1) not in PLURAL_WEEKDAYS:
        return False
    n = c.number()
    if n is None or c.word(1) not in PLURAL_WEEKDAYS:
        return False
    if not ((c.word(2) == "from" and c.word(3) == "now") or c.word(2) == "later"):
        return False
    if not 1 <= n <= 520:
        raise TimePhraseError("Count from 1, e.g. '2 Sundays from now'.")
    c.spec.set_weekdays([WEEKDAYS[c.word(1) or ""]], plural=False)
    c.spec.weeks_ahead = n
    c.i += 3 if c.word(2) == "later" else 4
    return True


def named_day(c: Cursor) -> bool:
    """'christmas', 'next thanksgiving day', 'morning of xmas', 'easter of next year'."""
    if "holiday" not in c.kinds:
        return False
    start = c.i
    if c.word() == "of" and c.word(-1) in PARTS:
        c.i += 1  # "morning of xmas"
    c.accept("on")
    holiday = c.tok(1)
    if c.word() in ("last", "previous") and holiday is not None and holiday.kind == "holiday":
        raise TimePhraseError(f"{holiday.text} has passed; e.g. 'next {holiday.text}'.", past=True)
    c.accept("next", "this", "coming")
    t = c.tok()
    if t is None or t.kind != "holiday":
        c.i = start
        return False
    c.i += 1
    if c.spec.holiday is not None:
        raise TimePhraseError("Name one holiday, e.g. 'christmas at 6pm'.")
    c.spec.holiday = t.val
    if c.word() == "of" and c.word(1) in ("next", "this") and c.word(2) == "year":
        c.spec.holiday_year = int(c.word(1) == "next")
        c.i += 3
    return True
