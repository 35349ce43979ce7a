"""Grammar rules for times of day: "at 9am", "17:45", "15h", "ten thirty", "a quarter past 3",
"20 minutes to 2pm", "8 in the morning", "noon", "in the evening".

Same contract as the rules in `moments`: on a match move the cursor past the words, fill the spec
and return True. A bare number is a time only where something says so: 'at', "o'clock", am/pm,
or a part of the day or a day word right after it ("8 in the morning", "nine tonight").
"""

from __future__ import annotations

from dynaprompt_tui.core.timephrases.cursor import Cursor
from dynaprompt_tui.core.timephrases.lexicon import (
    PARTS,
    UNITS,
    WEEKDAYS,
    ZONE_NAMES,
    Clock,
    TimePhraseError,
    Tok,
)

_AT = ("at", "around", "by", "about")
_TO = ("to", "till", "til")
_PAST_OR_TO = frozenset({"past", "after", *_TO})
_DAYS = frozenset({"today", "tonight", "tomorrow", *WEEKDAYS})
# What may follow a bare hour and makes it a time: "8 in the morning", "nine tonight".
_TIME_CONTEXT = frozenset({*PARTS, "tonight", "tomorrow", "today", "oclock"})


def past_to(c: Cursor) -> bool:
    """'a quarter past 3pm', 'half past eight', '20 minutes to 2pm', 'at 15 past noon'."""
    if not c.vocab & _PAST_OR_TO:
        return False
    start = c.i
    c.accept("at", "for")
    c.accept("a")
    if c.accept("quarter"):
        minutes = 15
    elif c.accept("half"):
        minutes = 30
    else:
        n = c.number()
        t = c.tok()
        if n is None or t is None or not 1 <= n <= 59 or t.kind not in ("num", "word"):
            c.i = start
            return False
        minutes = n
        c.i += 1
        if UNITS.get(c.word() or "") == "minute":
            c.i += 1
    w = c.word()
    last = c.toks[c.i - 1]
    # "quarter", "half", "N minutes" or a spelled number ("ten to five"): not a bare "10 to 5",
    # which reads as a range
    said = (
        "minute" in (UNITS.get(last.val), last.val)
        or not isinstance(last.val, int)
        or not last.text.isdigit()
    )
    if w == "past" or (w in _TO and said) or (w == "after" and last.val in ("quarter", "half")):
        c.i += 1
        hour = _target(c)
    elif w == "to" and c.word(1) in ("noon", "midnight"):
        c.i += 1  # "15 to noon"; "10 to 5" stays a range, not 4:50
        hour = _target(c)
    else:
        hour = None
    if hour is None:
        c.i = start
        return False
    offset = minutes if w in ("past", "after") else -minutes
    if hour.text == "midnight":
        c.spec.midnight = offset > 0  # "ten past midnight" is tomorrow, "five to" still today
    c.spec.times.append(hour._replace(offset=offset, text=f"{minutes} {w} {hour.text}"))
    return True


def _target(c: Cursor) -> Clock | None:
    """The hour of 'past'/'to': '3pm', 'eight', 'noon', 'midnight', '15h'."""
    t = c.tok()
    if t is None:
        return None
    if t.val in ("noon", "midday"):
        c.i += 1
        return Clock(12, 0, 0, None, True, "noon")
    if t.val == "midnight":
        c.i += 1
        return Clock(0, 0, 0, None, True, "midnight")
    return read_clock(c, bare_ok=True)


def time_of_day(c: Cursor) -> bool:
    """'at 9am', '17:45', 'noon', 'at 9, 13 and 17', 'at night', '8 in the morning'."""
    start = c.i
    at = c.accept(*_AT)
    if c.word() == "the" and c.word(1) in ("noon", "midnight"):
        c.i += 1  # "the midday"
    if c.number(words=False) == 12 and c.word(1) in ("noon", "midnight"):
        c.i += 1  # "12 noon", "12 midnight"
    if c.accept("noon"):
        c.spec.times.append(Clock(12, 0, 0, None, True, "noon"))
    elif c.accept("midnight"):
        c.spec.times.append(Clock(0, 0, 0, None, True, "midnight"))
        c.spec.midnight = True
    elif at and c.word() in PARTS:
        c.i = start + 1
        return part_of_day(c)
    elif (clock := read_clock(c, bare_ok=at)) is not None:
        c.spec.times.append(clock)
    else:
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
        if (more := read_clock(c, bare_ok=True)) is None:
            break
        c.spec.times.append(more)
    return True


def read_clock(c: Cursor, bare_ok: bool) -> Clock | None:
    """One time of day; a bare number ('at 9') only where `bare_ok` or where its context says
    so ("8 in the morning", "nine tonight", "nine" alone when spelled out)."""
    t = c.tok()
    if t is None:
        return None
    if t.kind == "clock":
        c.i += 1
        c.accept("oclock")
        return t.val  # type: ignore[no-any-return]
    if t.kind == "dur" and t.val[1] == "hour" and t.text.endswith("h") and t.val[0] <= 23:
        c.i += 1  # "15h": a European 24-hour clock, where no amount is expected
        return Clock(t.val[0], 0, 0, None, True, t.text)
    if t.kind == "dec" and bare_ok and len(t.val[1]) == 2 and t.val[0] <= 23:
        c.i += 1  # "at 6.45"
        whole, frac = t.val
        return Clock(whole, int(frac), 0, None, _literal(str(whole), whole), t.text)
    if t.kind != "num" or c.word(1) in UNITS or c.word(1) == "times":
        return None
    spelled = not t.text[-1].isdigit()
    # "tonight 815": three digits right after a day are a clock; "200" alone is not
    hhmm = t.text.isdigit() and len(t.text) == 3 and c.i > 0 and c.word(-1) in _DAYS
    if not (bare_ok or hhmm or _context(c) or (spelled and c.i + 1 == len(c.toks))):
        return None
    hour, minute = int(t.val), 0
    if t.text.isdigit() and len(t.text) in (3, 4) and (bare_ok or len(t.text) == 3):
        hour, minute = divmod(hour, 100)  # "at 1030", "tonight 815"
        if minute > 59:
            return None
    elif bare_ok and (m := c.tok(1)) is not None and m.kind == "num" and _minute_like(m):
        if not 0 <= m.val <= 59 or not t.text.isdigit():
            return None
        c.i += 1  # "at 3 15"
        minute = m.val
    if hour > 24:
        return None
    c.i += 1
    c.accept("oclock")
    return Clock(hour, minute, 0, None, _literal(t.text, hour), t.text)


def _minute_like(m: Tok) -> bool:
    """'15' or 'fifteen' after an hour ("at 3 15", "at 3 fifteen"), not '5'."""
    return len(m.text) == 2 if m.text.isdigit() else 10 <= m.val <= 59


def _literal(text: str, hour: int) -> bool:
    return text[0] == "0" or hour == 0 or hour > 12


def _context(c: Cursor) -> bool:
    """A part of the day or a day word right after a bare number: "8 in the morning"."""
    nxt = c.word(1)
    if nxt in ("in", "at") and (c.word(2) in PARTS or c.word(3) in PARTS):
        return True
    if nxt in ("in", "at") and c.word(2) == "the" and _is_mer(c.tok(3)):
        return True
    return nxt in _TIME_CONTEXT or (nxt == "this" and c.word(2) in PARTS)


def _is_mer(t: Tok | None) -> bool:
    return t is not None and t.kind == "mer"


def part_of_day(c: Cursor) -> bool:
    """'morning', 'in the afternoon', 'at night', 'this evening', 'in the am'."""
    start = c.i
    if c.accept("in", "at"):
        c.accept("the")
    elif c.word() == "on" and (c.word(1) or "")[:-1] in PARTS:
        c.i += 1  # "on mornings"
    c.accept("this")
    c.accept("early", "late")
    w = c.word()
    t = c.tok()
    if _is_mer(t) and c.i > start:  # "3 in the AM"
        c.i += 1
        c.spec.set_part("morning" if t is not None and t.val == "am" else "afternoon")
        return True
    if w in PARTS:
        c.i += 1
        c.spec.set_part(w)
        return True
    if w is not None and w[:-1] in PARTS and w[-1] == "s":  # "mornings": every morning
        c.i += 1
        c.spec.set_part(w[:-1])
        c.spec.plural_part = True
        return True
    c.i = start
    return False


def zone_name(c: Cursor) -> bool:
    """'PST', 'GMT', 'IST' after a time: the zone the time is given in."""
    w = c.word()
    if w is None or w not in ZONE_NAMES or not (c.spec.times or c.spec.part):
        return False
    if c.spec.zone is not None:
        raise TimePhraseError("Give one zone, e.g. '8am PST'.")
    c.i += 1
    c.accept("time")
    c.spec.zone = w
    return True
