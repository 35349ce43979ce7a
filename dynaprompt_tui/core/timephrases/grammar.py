"""The grammar of time phrases: tokens -> `Spec`, a bag of filled slots.

Each rule recognises one construct ("in 2 hours", "every Monday", "at 9am and 5pm", "on the 1st
of every month", ...) at the current position and fills slots. Constructs may come in any order
("at 5pm on Fridays"), but every token must belong to one: an unknown word is an error, never
skipped, so a phrase is either fully understood or rejected.
"""

from __future__ import annotations

from dynaprompt_tui.core.timephrases.cursor import Spec, err
from dynaprompt_tui.core.timephrases.lexicon import (
    EXAMPLES,
    MONTHS,
    PARTS,
    PLURAL_WEEKDAYS,
    UNITS,
    WEEKDAYS,
    Clock,
    TimePhraseError,
)
from dynaprompt_tui.core.timephrases.repeats import RepeatRules

__all__ = ["Grammar", "Spec"]


class Grammar(RepeatRules):
    """Parses a whole token list into a `Spec`; see the module docstring."""

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
            return err(f"I don't understand {what}; {EXAMPLES}.", unknown=True)
        if t.kind == "num":
            return err(
                f"I don't know what the number {t.text} means here; "
                "write a time or an amount, e.g. 'at 9', '9am' or 'in 9 minutes'.",
                unknown=True,
            )
        return err(f"I don't understand {t.text!r} in a time phrase; {EXAMPLES}.", unknown=True)

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
                raise err("A time can't be negative; say how long from now, e.g. 'in 10 minutes'.")
            raise err("'in' needs an amount of time, e.g. 'in 10 minutes' or 'in 2 days'.")
        if self.accept("ago"):
            raise err("That is in the past; e.g. 'in 5 minutes'.", past=True)
        self._add_rel(amounts)
        return True

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
            raise err(
                "That is in the past; schedule something ahead, e.g. 'tomorrow at 5pm'.", past=True
            )
        if w == "now":
            raise err("'now' has already begun; e.g. 'in 1 minute'.")
        if w == "this" and self.word(1) in PARTS:
            self.i += 2
            self._set_day(0, "this " + (self.word(-1) or ""))
            self._set_part(self.word(-1) or "")
            return True
        if w == "next" and self.word(1) in ("week", "month", "year", "weekend"):
            raise err(f"'next {self.word(1)}' is ambiguous; name the day, e.g. 'next Monday'.")
        return False

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
            raise err("That is in the past; e.g. 'next Monday' or 'Monday at 9am'.", past=True)
        if mod is not None and (len(days) > 1 or plural):
            raise err(f"Use '{mod}' with one day, e.g. '{mod} Tuesday'.")
        self.s.weekday_mod = "next" if mod == "next" else None
        every = (
            n != 1
            or self.s.rec is not None
            or plural
            or (start > 0 and self.t[start - 1].val in ("every", "each", "other", "second"))
        )
        if not every and self.s.rec is None and len(days) > 1:
            raise err("A one-off needs one day; for several, say e.g. 'every Monday and Thursday'.")
        return self._set_weekdays(sorted(set(days)), n, plural=bool(every))

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
                raise err(f"Which day of {t.text}? e.g. '{t.text} 15 at 9am'.")
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
            raise err("Give the date once, e.g. '15 March at 2pm'.")
        self.s.date = ymd
        self.s.numeric = numeric
        self.s.date_explicit = explicit or ymd[0] is not None
        return True

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
                raise err(
                    f"'at' must be followed by a time, not {shown}; e.g. 'at 9am' or 'at 17:45'.",
                    unknown=True,
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
