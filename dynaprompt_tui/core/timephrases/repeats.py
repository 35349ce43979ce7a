"""Grammar rules for repeating phrases: "every ...", "daily", "the first Monday of every month",
and their ends ("until Friday", "3 times", "for 2 weeks")."""

from __future__ import annotations

from dynaprompt_tui.core.timephrases.cursor import UNIT_SMALL, Cursor, err
from dynaprompt_tui.core.timephrases.lexicon import (
    MONTHS,
    NUMBER_WORDS,
    PARTS,
    UNITS,
    WEEKDAYS,
)

_MONTH_WORDS = ("month", "months")


class RepeatRules(Cursor):
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
            raise err("'until' needs a date, e.g. 'every day at 9am until Friday'.")
        return True

    def _count_or_ago(self) -> bool:
        start = self.i
        has_for = self.accept("for")
        n = self.number()
        if n is not None and self.word(1) == "times":
            if n < 1:
                raise err("A count must be at least 1, e.g. 'every hour 3 times'.")
            self.s.count = n
            self.i += 2
            return True
        amounts = self._amounts()
        if amounts:
            if self.accept("ago"):
                raise err(
                    "That moment is in the past; schedule something ahead, e.g. 'in 5 minutes'.",
                    past=True,
                )
            if has_for:
                if len(amounts) > 1 or amounts[0][1] in UNIT_SMALL:
                    raise err("Write the length in days or weeks, e.g. 'every day for 2 weeks'.")
                self.s.for_span = amounts[0]
                return True
            anchor = self.word()
            if (self.accept("from") and self.accept("now")) or self.accept("later"):
                self._add_rel(amounts)
                return True
            raise err(
                f"Did you mean 'in {self.t[start].text} ...'? e.g. 'in 5 minutes' or "
                "'every 5 minutes'.",
                # a bare amount is ambiguous (in / every); one tied to an anchor we don't know
                # ("a week from tomorrow") is a shape for the fallback to try
                unknown=anchor in ("from", "after", "before"),
            )
        self.i = start
        return False

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
                raise err("An interval must be at least 1, e.g. 'every 15 minutes'.")
            if UNITS.get(self.word() or "") is None:
                raise err(f"'every {n}' needs a unit, e.g. 'every {n} minutes'.")
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
        raise err(
            "After 'every' I expected a unit, a day or a date, e.g. 'every day at 9am', "
            "'every Monday', 'every 15 minutes' or 'every month on the 1st'."
        )

    def _every_unit(self, n: int, unit: str) -> bool:
        self.i += 1
        return self._set_interval(n, unit)

    def _set_interval(self, n: int, unit: str) -> bool:
        if n <= 0:
            raise err("An interval must be at least 1, e.g. 'every 15 minutes'.")
        self._set_rec(unit, n)
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
                raise err("'once a' needs a unit, e.g. 'once a week on Sunday'.")
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
                raise err("Give one weekday rule, e.g. 'the first Monday of every month'.")
            if not self._of_month():
                if ords[0] == "L":
                    raise err(
                        "That is in the past; say e.g. 'next Monday' or 'Monday at 9am'.",
                        past=True,
                    )
                raise err("Did you mean e.g. 'the first Monday of every month'?")
            if ords[0] != "L" and not 1 <= int(ords[0]) <= 5:
                raise err("A month has at most 5 of each weekday; e.g. 'the 2nd Friday'.")
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
            raise err("Did you mean e.g. 'every 2nd of the month'?")
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
            raise err(f"A month has no day {d}; e.g. 'on the 15th'.")
        self.s.doms.append(d)
