"""Grammar rules for the words that name a moment: "in 2 hours", "tomorrow", "next Monday",
"15 March", "at 9am and 5pm", "in the evening".

Each rule takes a `Cursor`; on a match it moves past the words, fills the spec and returns True,
else it leaves the cursor where it was and returns False. `grammar` tries them in turn; the
repeat rules in `repeats` reuse `weekdays` and `date`.
"""

from __future__ import annotations

from dynaprompt_tui.core.timephrases.cursor import Cursor
from dynaprompt_tui.core.timephrases.lexicon import (
    MONTHS,
    PARTS,
    PLURAL_WEEKDAYS,
    UNITS,
    WEEKDAYS,
    Clock,
    TimePhraseError,
)


def relative(c: Cursor) -> bool:
    """'in 2 hours', 'in half an hour'."""
    if c.word() != "in":
        return False
    if c.word(1) == "the" and c.word(2) in PARTS:
        return False  # "in the morning" is a part of the day
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


def day_word(c: Cursor) -> bool:
    """'today', 'tomorrow', 'tonight', 'the day after tomorrow', 'this evening'."""
    w = c.word()
    if w in ("today", "tomorrow", "tonight", "tmrw", "tmr", "tomorow"):
        c.i += 1
        c.spec.set_day(0 if w in ("today", "tonight") else 1)
        if w == "tonight":
            c.spec.set_part("night")
        return True
    if w in ("day", "the") and c.word(1) in ("day", "after"):
        start = c.i
        c.accept("the")
        if c.accept("day") and c.accept("after") and c.accept("tomorrow"):
            c.spec.set_day(2)
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
    if w == "next" and c.word(1) in ("week", "month", "year", "weekend"):
        raise TimePhraseError(f"'next {c.word(1)}' is ambiguous; name the day, e.g. 'next Monday'.")
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
    if t.kind == "word" and t.val in MONTHS:
        month = MONTHS[t.val]
        c.i += 1
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


def _day_number(c: Cursor) -> int | None:
    t = c.tok()
    if t is not None and (t.kind == "ord" or (t.kind == "num" and 1 <= len(t.text) <= 2)):
        c.i += 1
        return int(t.val)
    return None


def _year(c: Cursor) -> int | None:
    start = c.i
    if (t := c.tok()) is not None and t.kind == "sep":
        c.i += 1
    t = c.tok()
    if t is not None and t.kind == "num" and len(t.text) == 4:
        c.i += 1
        return int(t.val)
    c.i = start
    return None


def time_of_day(c: Cursor) -> bool:
    """'at 9am', '17:45', 'noon', 'at 9, 13 and 17', 'at night'."""
    start = c.i
    at = c.accept("at", "around", "by")
    if c.accept("noon", "midday"):
        c.spec.times.append(Clock(12, 0, 0, None, True, "noon"))
    elif c.accept("midnight"):
        c.spec.times.append(Clock(0, 0, 0, None, True, "midnight"))
        c.spec.midnight = True
    elif at and c.word() in PARTS:
        c.i = start + 1
        return part_of_day(c)
    elif not _clock(c, bare_ok=at):
        if at:
            nxt = c.tok()
            shown = repr(nxt.text) if nxt else "nothing"
            raise TimePhraseError(
                f"'at' must be followed by a time, not {shown}; e.g. 'at 9am' or 'at 17:45'.",
                unknown=True,
            )
        c.i = start
        return False
    # more times: "at 9am and 5pm", "at 9, 13 and 17"
    while c.joiner() and (n := c.tok(1)) is not None and n.kind in ("clock", "num"):
        c.i += 1
        if not _clock(c, bare_ok=True):
            break
    return True


def _clock(c: Cursor, bare_ok: bool) -> bool:
    """One time of day; a bare number ('at 9') only where `bare_ok` or before "o'clock"."""
    t = c.tok()
    if t is None:
        return False
    if t.kind == "clock":
        c.i += 1
        c.accept("oclock")
        c.spec.times.append(t.val)
        return True
    if t.kind == "num" and (bare_ok or c.word(1) == "oclock"):
        if c.word(1) in UNITS or c.word(1) == "times":
            return False
        c.i += 1
        c.accept("oclock")
        literal = t.text.startswith("0") or int(t.val) == 0 or int(t.val) > 12
        c.spec.times.append(Clock(int(t.val), 0, 0, None, literal, t.text))
        return True
    return False


def part_of_day(c: Cursor) -> bool:
    """'morning', 'in the afternoon', 'at night', 'this evening' (after a day)."""
    start = c.i
    if c.accept("in", "at"):
        c.accept("the")
    c.accept("this")
    w = c.word()
    if w in PARTS:
        c.i += 1
        c.spec.set_part(w or "")
        return True
    c.i = start
    return False
