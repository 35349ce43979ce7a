"""The grammar of time phrases: tokens -> `Spec`, a bag of filled slots.

Each rule recognises one construct ("in 2 hours", "every Monday", "at 9am and 5pm", "on the 1st
of every month", ...) at the current position and fills slots. Constructs may come in any order
("at 5pm on Fridays"), but every token must belong to one: an unknown word is an error, never
skipped, so a phrase is either fully understood or rejected.
"""

from __future__ import annotations

from dataclasses import dataclass, field

from .phrases_lexicon import (
    EXAMPLES,
    MONTHS,
    NUMBER_WORDS,
    ORDINAL_WORDS,
    PARTS,
    PLURAL_WEEKDAYS,
    UNITS,
    WEEKDAYS,
    Clock,
    TimePhraseError,
    Tok,
)

_MONTH_WORDS = ("month", "months")


@dataclass
class Spec:
    rel: list[tuple[int, str]] = field(default_factory=list)  # "in ..." amounts
    day_offset: int | None = None  # today 0, tomorrow 1, day after tomorrow 2
    day_word: str = ""
    part: str | None = None  # morning / afternoon / evening / night
    times: list[Clock] = field(default_factory=list)
    midnight: bool = False
    weekdays: list[int] = field(default_factory=list)
    weekday_mod: str | None = None  # "next" / "this"
    date: tuple[int | None, int, int] | None = None  # (year, month, day)
    numeric: tuple[int, int] | None = None  # "15/03": order depends on the zone
    date_explicit: bool = False  # an ISO date or a written year: a past one is an error
    doms: list[int | str] = field(default_factory=list)  # days of month, "L" = last
    nth: tuple[int | str, int] | None = None  # (1..5 or "L", weekday) of every month
    rec: tuple[str, int] | None = None  # (unit, n): every n units
    until: list[Tok] | None = None
    for_span: tuple[int, str] | None = None
    count: int | None = None


def _err(msg: str, past: bool = False) -> TimePhraseError:
    return TimePhraseError(msg, past=past)


class Grammar:
    def __init__(self, toks: list[Tok]) -> None:
        self.t = toks
        self.i = 0
        self.s = Spec()

    # -- token helpers -------------------------------------------------------------------------

    def tok(self, k: int = 0) -> Tok | None:
        j = self.i + k
        return self.t[j] if 0 <= j < len(self.t) else None

    def word(self, k: int = 0) -> str | None:
        t = self.tok(k)
        return t.val if t is not None and t.kind == "word" else None

    def accept(self, *words: str) -> bool:
        if self.word() in words:
            self.i += 1
            return True
        return False

    def joiner(self) -> bool:
        """An 'and' or a comma between list items."""
        t = self.tok()
        return t is not None and (t.kind == "sep" or t.val == "and")

    def number(self, k: int = 0, words: bool = True) -> int | None:
        t = self.tok(k)
        if t is None:
            return None
        if t.kind == "num":
            return int(t.val)
        if words and t.kind == "word" and t.val in NUMBER_WORDS:
            return NUMBER_WORDS[t.val]
        return None

    def ordinal(self, k: int = 0) -> int | str | None:
        t = self.tok(k)
        if t is None:
            return None
        if t.kind == "ord":
            return int(t.val)
        if t.kind == "word":
            if t.val in ORDINAL_WORDS:
                return ORDINAL_WORDS[t.val]
            if t.val == "last":
                return "L"
        return None

    # -- driver --------------------------------------------------------------------------------

    def parse(self) -> Spec:
        rules = (
            self._until,
            self._relative,
            self._count_or_ago,
            self._every,
            self._recurring_word,
            self._monthly,
            self._day_word,
            self._weekdays,
            self._date,
            self._time,
            self._part,
        )
        while self.i < len(self.t):
            if self.t[self.i].kind == "sep":
                self.i += 1
                continue
            start = self.i
            if not any(rule() for rule in rules):
                self.i = start
                raise self._unknown()
        return self.s

    def _unknown(self) -> TimePhraseError:
        t = self.t[self.i]
        if t.val == "at" or (t.kind == "word" and t.val in ("on", "in", "every", "each")):
            nxt = self.tok(1)
            what = f"{t.text!r} followed by {nxt.text!r}" if nxt else f"a lone {t.text!r}"
            return _err(f"I don't understand {what}; {EXAMPLES}.")
        if t.kind == "num":
            return _err(
                f"I don't know what the number {t.text} means here; "
                "write a time or an amount, e.g. 'at 9', '9am' or 'in 9 minutes'."
            )
        return _err(f"I don't understand {t.text!r} in a time phrase; {EXAMPLES}.")

    def _set_rec(self, unit: str, n: int) -> None:
        if self.s.rec is not None and self.s.rec != (unit, n):
            raise _err("The phrase repeats in two different ways; e.g. 'every Monday at 9am'.")
        self.s.rec = (unit, n)

    # -- ends: until / N times / for N days ------------------------------------------------------

    def _until(self) -> bool:
        if not self.accept("until", "till", "til", "untill"):
            return False
        rest = self.t[self.i :]
        # "N times" at the very end belongs to the main phrase, not to the end date.
        if len(rest) >= 2 and rest[-1].val == "times":
            self.i = len(self.t) - 2
            self.s.until, rest = rest[:-2], rest[-2:]
        else:
            self.s.until = rest
            self.i = len(self.t)
        if not self.s.until:
            raise _err("'until' needs a date, e.g. 'every day at 9am until Friday'.")
        return True

    def _count_or_ago(self) -> bool:
        start = self.i
        has_for = self.accept("for")
        n = self.number()
        if n is not None and self.word(1) == "times":
            if n < 1:
                raise _err("A count must be at least 1, e.g. 'every hour 3 times'.")
            self.s.count = n
            self.i += 2
            return True
        amounts = self._amounts()
        if amounts:
            if self.accept("ago"):
                raise _err(
                    "That moment is in the past; schedule something ahead, e.g. 'in 5 minutes'.",
                    past=True,
                )
            if has_for:
                if len(amounts) > 1 or amounts[0][1] in UNIT_SMALL:
                    raise _err("Write the length in days or weeks, e.g. 'every day for 2 weeks'.")
                self.s.for_span = amounts[0]
                return True
            if (self.accept("from") and self.accept("now")) or self.accept("later"):
                self._add_rel(amounts)
                return True
            raise _err(
                f"Did you mean 'in {self.t[start].text} ...'? e.g. 'in 5 minutes' or "
                "'every 5 minutes'."
            )
        self.i = start
        return False

    # -- "in 2 hours and 30 minutes" -------------------------------------------------------------

    def _amounts(self) -> list[tuple[int, str]]:
        """A list of amounts ("2 hours and 30 minutes", "half an hour", "5m"), or []."""
        out: list[tuple[int, str]] = []
        while True:
            start = self.i
            if out and self.joiner():
                self.i += 1
            t = self.tok()
            if t is None:
                self.i = start
                break
            if t.kind == "dur":
                out.append(t.val)
                self.i += 1
                continue
            if t.val == "half" and self.word(1) in ("an", "a") and UNITS.get(self.word(2) or ""):
                out.append((30, "minute") if UNITS[self.word(2) or ""] == "hour" else (0, "x"))
                self.i += 3
                if out[-1][1] == "x":
                    raise _err("Only 'half an hour' is understood as a half; e.g. 'in 90 minutes'.")
                continue
            if out and t.val == "a" and self.word(1) == "half":  # "an hour and a half"
                _, last_u = out[-1]
                if last_u != "hour":
                    raise _err("Write a half as minutes, e.g. 'in 90 minutes'.")
                out.append((30, "minute"))
                self.i += 2
                continue
            n = self.number()
            unit = UNITS.get(self.word(1) or "")
            if n is not None and unit is not None:
                if n < 0:
                    raise _err(
                        "A time can't be negative; say how long from now, e.g. 'in 10 minutes'."
                    )
                out.append((n, unit))
                self.i += 2
                continue
            self.i = start
            break
        return out

    def _add_rel(self, amounts: list[tuple[int, str]]) -> None:
        if self.s.rel:
            raise _err("Give the delay once, e.g. 'in 2 hours and 30 minutes'.")
        if sum(n for n, _ in amounts) <= 0:
            raise _err("That is now, not later; e.g. 'in 1 minute'.")
        self.s.rel = amounts

    def _relative(self) -> bool:
        if self.word() != "in":
            return False
        if self.word(1) == "the" and self.word(2) in PARTS:
            return False  # "in the morning" is a part of the day
        self.i += 1
        amounts = self._amounts()
        if not amounts:
            t = self.tok()
            if t is not None and t.kind == "num" and int(t.val) < 0:
                raise _err("A time can't be negative; say how long from now, e.g. 'in 10 minutes'.")
            raise _err("'in' needs an amount of time, e.g. 'in 10 minutes' or 'in 2 days'.")
        if self.accept("ago"):
            raise _err("That is in the past; e.g. 'in 5 minutes'.", past=True)
        self._add_rel(amounts)
        return True

    # -- recurrences -------------------------------------------------------------------------------

    def _every(self) -> bool:
        if self.word() not in ("every", "each"):
            return False
        self.i += 1
        every_tok = self.tok(-1)
        n = 1
        w = self.word()
        if w == "other" or (
            w == "second" and (self.word(1) in WEEKDAYS or UNITS.get(self.word(1) or "") == "day")
        ):
            n = 2
            self.i += 1
        elif (
            (t := self.tok()) is not None
            and t.kind == "ord"
            and t.val == 2
            and self.word(1) in WEEKDAYS
            and self.word(2) != "of"
        ):
            n = 2  # "every 2nd Tuesday" = every other Tuesday
            self.i += 1
        elif t is not None and t.kind == "dur":
            n, unit = t.val
            return self._every_unit(n, unit)
        elif (num := self.number(words=False)) is not None or (
            self.word() in NUMBER_WORDS and self.word() not in ("a", "an") and self.word(1) in UNITS
        ):
            n = num if num is not None else NUMBER_WORDS[self.word() or ""]
            self.i += 1
            if n <= 0:
                raise _err("An interval must be at least 1, e.g. 'every 15 minutes'.")
            if UNITS.get(self.word() or "") is None:
                raise _err(f"'every {n}' needs a unit, e.g. 'every {n} minutes'.")
        w = self.word()
        if w == "half" and self.word(1) in ("hour", "an"):
            self.i += 2 if self.word(1) == "hour" else 3
            return self._set_interval(30 * n, "minute")
        if w == "quarter" and self.word(1) == "hour":
            self.i += 2
            return self._set_interval(15 * n, "minute")
        if w in UNITS and (len(w or "") > 2 or self.tok(-1) != every_tok):
            return self._every_unit(n, UNITS[w])  # "every m" is not a unit, "every 5 m" is
        if w in PARTS:
            self.i += 1
            self._set_rec("day", n)
            self._set_part(w)
            return True
        if w in ("weekday", "weekdays", "workday", "workdays"):
            self.i += 1
            return self._set_weekdays([0, 1, 2, 3, 4], n)
        if w in ("weekend", "weekends"):
            self.i += 1
            return self._set_weekdays([5, 6], n)
        if w in WEEKDAYS:
            return self._weekdays(n)
        if (
            n == 1
            and (self.ordinal() is not None or self.word() == "end")
            and self._monthly(every=True)
        ):
            return True
        if n == 1 and w in MONTHS and self._date():
            self._set_rec("year", 1)
            return True
        raise _err(
            "After 'every' I expected a unit, a day or a date, e.g. 'every day at 9am', "
            "'every Monday', 'every 15 minutes' or 'every month on the 1st'."
        )

    def _every_unit(self, n: int, unit: str) -> bool:
        self.i += 1
        return self._set_interval(n, unit)

    def _set_interval(self, n: int, unit: str) -> bool:
        if n <= 0:
            raise _err("An interval must be at least 1, e.g. 'every 15 minutes'.")
        self._set_rec(unit, n)
        return True

    def _set_weekdays(self, days: list[int], n: int = 1, plural: bool = True) -> bool:
        if self.s.weekdays:
            raise _err("Give the days once, e.g. 'every Monday and Thursday at 6pm'.")
        self.s.weekdays = days
        # "every 2 weeks on Monday", "every hour on weekdays": the days narrow an existing rule.
        if plural and (self.s.rec is None or n != 1):
            self._set_rec("week", n)
        return True

    def _recurring_word(self) -> bool:
        w = self.word()
        simple = {
            "hourly": ("hour", 1),
            "daily": ("day", 1),
            "nightly": ("day", 1),
            "weekly": ("week", 1),
            "monthly": ("month", 1),
            "yearly": ("year", 1),
            "annually": ("year", 1),
            "fortnightly": ("week", 2),
        }
        if w in simple:
            self.i += 1
            self._set_rec(*simple[w])
            if w == "nightly":
                self._set_part("night")
            return True
        if w == "once" and self.word(1) in ("a", "an", "per", "every", "each"):
            unit = UNITS.get(self.word(2) or "")
            if unit is None:
                raise _err("'once a' needs a unit, e.g. 'once a week on Sunday'.")
            self.i += 3
            self._set_rec(unit, 1)
            return True
        on = w == "on" and self.word(1) in ("weekdays", "workdays", "weekends")
        if on:
            w = self.word(1)
        if w in ("weekdays", "workdays"):
            self.i += 1 + on
            return self._set_weekdays([0, 1, 2, 3, 4])
        if w == "weekends":
            self.i += 1 + on
            return self._set_weekdays([5, 6])
        return False

    def _monthly(self, every: bool = False) -> bool:
        """'the 1st', 'first day of each month', 'last Friday of every month', 'end of month'."""
        start = self.i
        self.accept("on")
        self.accept("the")
        if self.accept("end"):
            if not (self.accept("of") and self._of_month(required=True)):
                self.i = start
                return False
            self._add_dom("L")
            return True
        ords: list[int | str] = []
        while (o := self.ordinal()) is not None:
            ords.append(o)
            self.i += 1
            if self.joiner():
                if self.ordinal(1) is None:
                    break
                self.i += 1
        if not ords:
            self.i = start
            return False
        wd = self.word()
        if wd in MONTHS or (wd == "of" and self.word(1) in MONTHS):
            self.i = start  # "15th March" is a date
            return False
        if wd in WEEKDAYS:
            self.i += 1
            if len(ords) > 1:
                raise _err("Give one weekday rule, e.g. 'the first Monday of every month'.")
            if not self._of_month():
                if ords[0] == "L":
                    raise _err(
                        "That is in the past; say e.g. 'next Monday' or 'Monday at 9am'.",
                        past=True,
                    )
                raise _err("Did you mean e.g. 'the first Monday of every month'?")
            if ords[0] != "L" and not 1 <= int(ords[0]) <= 5:
                raise _err("A month has at most 5 of each weekday; e.g. 'the 2nd Friday'.")
            self.s.nth = (ords[0], WEEKDAYS[wd])
            return True
        if self.accept("day", "days"):
            pass
        elif any(o == "L" for o in ords) or self.t[self.i - 1].kind == "word":
            # "last" or "first" on their own are not days of the month.
            self.i = start
            return False
        of_month = self._of_month()
        if not of_month and every:
            raise _err("Did you mean e.g. 'every 2nd of the month'?")
        for o in ords:
            self._add_dom(o)
        return True

    def _of_month(self, required: bool = False) -> bool:
        start = self.i
        if self.word() == "of" or required:
            self.accept("of")
            self.accept("the", "each", "every")
            if self.accept(*_MONTH_WORDS):
                self._set_rec("month", 1)
                return True
        self.i = start
        return False

    def _add_dom(self, d: int | str) -> None:
        if isinstance(d, int) and not 1 <= d <= 31:
            raise _err(f"A month has no day {d}; e.g. 'on the 15th'.")
        self.s.doms.append(d)

    # -- days ------------------------------------------------------------------------------------

    def _day_word(self) -> bool:
        w = self.word()
        if w in ("today", "tomorrow", "tonight", "tmrw", "tmr", "tomorow"):
            self.i += 1
            self._set_day(0 if w in ("today", "tonight") else 1, w)
            if w == "tonight":
                self._set_part("night")
            return True
        if w in ("day", "the") and self.word(1) in ("day", "after"):
            start = self.i
            self.accept("the")
            if self.accept("day") and self.accept("after") and self.accept("tomorrow"):
                self._set_day(2, "the day after tomorrow")
                return True
            self.i = start
            return False
        if w == "yesterday" or (w == "last" and self.word(1) in ("night", "week", "month")):
            raise _err(
                "That is in the past; schedule something ahead, e.g. 'tomorrow at 5pm'.", past=True
            )
        if w == "now":
            raise _err("'now' has already begun; e.g. 'in 1 minute'.")
        if w == "this" and self.word(1) in PARTS:
            self.i += 2
            self._set_day(0, "this " + (self.word(-1) or ""))
            self._set_part(self.word(-1) or "")
            return True
        if w == "next" and self.word(1) in ("week", "month", "year", "weekend"):
            raise _err(f"'next {self.word(1)}' is ambiguous; name the day, e.g. 'next Monday'.")
        return False

    def _set_day(self, offset: int, word: str) -> None:
        if self.s.day_offset is not None:
            raise _err("Give the day once, e.g. 'tomorrow at 9am'.")
        self.s.day_offset = offset
        self.s.day_word = word

    def _weekdays(self, n: int = 1) -> bool:
        start = self.i
        mod = None
        self.accept("on")
        if self.word() in ("this", "next", "coming", "last"):
            mod = self.word()
            self.i += 1
        days: list[int] = []
        plural = False
        while (w := self.word()) in WEEKDAYS:
            days.append(WEEKDAYS[w or ""])
            plural = plural or w in PLURAL_WEEKDAYS
            self.i += 1
            if self.joiner() and self.word(1) in WEEKDAYS:
                self.i += 1
        if not days:
            self.i = start
            return False
        if mod == "last":
            if self.word() == "of":
                self.i = start
                return False
            raise _err("That is in the past; e.g. 'next Monday' or 'Monday at 9am'.", past=True)
        if mod is not None and (len(days) > 1 or plural):
            raise _err(f"Use '{mod}' with one day, e.g. '{mod} Tuesday'.")
        self.s.weekday_mod = "next" if mod == "next" else None
        every = (
            n != 1
            or self.s.rec is not None
            or plural
            or (start > 0 and self.t[start - 1].val in ("every", "each", "other", "second"))
        )
        if not every and self.s.rec is None and len(days) > 1:
            raise _err(
                "A one-off needs one day; for several, say e.g. 'every Monday and Thursday'."
            )
        return self._set_weekdays(sorted(set(days)), n, plural=bool(every))

    # -- dates -----------------------------------------------------------------------------------

    def _date(self) -> bool:
        start = self.i
        self.accept("on")
        self.accept("the")
        t = self.tok()
        if t is None:
            self.i = start
            return False
        if t.kind == "iso":
            self.i += 1
            return self._set_date(t.val, True)
        if t.kind == "numdate":
            self.i += 1
            parts = t.val
            y = parts[2] if len(parts) > 2 else None
            if y is not None and y < 100:
                y += 2000
            return self._set_date((y, -1, -1), y is not None, numeric=(parts[0], parts[1]))
        # "March 15", "March the 15th", "March 15, 2027"
        if t.kind == "word" and t.val in MONTHS:
            month = MONTHS[t.val]
            self.i += 1
            self.accept("the")
            d = self._day_number()
            if d is None:
                raise _err(f"Which day of {t.text}? e.g. '{t.text} 15 at 9am'.")
            return self._set_date((self._year(), month, d), False)
        # "15th March", "15 March 2027", "15th of March"
        d = self._day_number()
        if d is not None:
            self.accept("of")
            if self.word() in MONTHS:
                month = MONTHS[self.word() or ""]
                self.i += 1
                return self._set_date((self._year(), month, d), False)
        self.i = start
        return False

    def _day_number(self) -> int | None:
        t = self.tok()
        if t is not None and (t.kind == "ord" or (t.kind == "num" and 1 <= len(t.text) <= 2)):
            self.i += 1
            return int(t.val)
        return None

    def _year(self) -> int | None:
        start = self.i
        if (t := self.tok()) is not None and t.kind == "sep":
            self.i += 1
        t = self.tok()
        if t is not None and t.kind == "num" and len(t.text) == 4:
            self.i += 1
            return int(t.val)
        self.i = start
        return None

    def _set_date(
        self,
        ymd: tuple[int | None, int, int],
        explicit: bool,
        numeric: tuple[int, int] | None = None,
    ) -> bool:
        if self.s.date is not None or self.s.numeric is not None:
            raise _err("Give the date once, e.g. '15 March at 2pm'.")
        self.s.date = ymd
        self.s.numeric = numeric
        self.s.date_explicit = explicit or ymd[0] is not None
        return True

    # -- times -----------------------------------------------------------------------------------

    def _time(self) -> bool:
        start = self.i
        at = self.accept("at", "around", "by")
        if self.accept("noon", "midday"):
            self._add_time(Clock(12, 0, 0, None, True, "noon"))
        elif self.accept("midnight"):
            self._add_time(Clock(0, 0, 0, None, True, "midnight"))
            self.s.midnight = True
        elif at and self.word() in PARTS:
            self.i = start + 1
            return self._part()
        elif not self._clock(bare_ok=at):
            if at:
                nxt = self.tok()
                shown = repr(nxt.text) if nxt else "nothing"
                raise _err(
                    f"'at' must be followed by a time, not {shown}; e.g. 'at 9am' or 'at 17:45'."
                )
            self.i = start
            return False
        # more times: "at 9am and 5pm", "at 9, 13 and 17"
        while self.joiner() and (n := self.tok(1)) is not None and n.kind in ("clock", "num"):
            self.i += 1
            if not self._clock(bare_ok=True):
                break
        return True

    def _clock(self, bare_ok: bool) -> bool:
        t = self.tok()
        if t is None:
            return False
        if t.kind == "clock":
            self.i += 1
            self.accept("oclock")
            self._add_time(t.val)
            return True
        if t.kind == "num" and (bare_ok or self.word(1) == "oclock"):
            if self.word(1) in UNITS or self.word(1) == "times":
                return False
            self.i += 1
            self.accept("oclock")
            literal = t.text.startswith("0") or int(t.val) == 0 or int(t.val) > 12
            self._add_time(Clock(int(t.val), 0, 0, None, literal, t.text))
            return True
        return False

    def _add_time(self, c: Clock) -> None:
        self.s.times.append(c)

    def _part(self) -> bool:
        start = self.i
        if self.accept("in", "at"):
            self.accept("the")
        self.accept("this")
        w = self.word()
        if w in PARTS:
            self.i += 1
            self._set_part(w or "")
            return True
        self.i = start
        return False

    def _set_part(self, part: str) -> None:
        if self.s.part is not None and self.s.part != part:
            raise _err("Give one part of the day, e.g. 'tomorrow evening'.")
        self.s.part = part


UNIT_SMALL = ("second", "minute", "hour")
