"""The cursor over a phrase's tokens, and `Spec`, the slots the grammar fills.

`Cursor` holds the token helpers and the slot setters shared by the rule sets in
`phrases_grammar` (days, dates, times) and `phrases_repeats` (every ..., monthly, ends).
"""

from __future__ import annotations

from dataclasses import dataclass, field

from dynaprompt_tui.core.timephrases.lexicon import (
    NUMBER_WORDS,
    ORDINAL_WORDS,
    UNITS,
    Clock,
    TimePhraseError,
    Tok,
)


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


def err(msg: str, past: bool = False, unknown: bool = False) -> TimePhraseError:
    return TimePhraseError(msg, past=past, unknown=unknown)


UNIT_SMALL = ("second", "minute", "hour")


class Cursor:
    def __init__(self, toks: list[Tok]) -> None:
        self.t = toks
        self.i = 0
        self.s = Spec()

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

    def _set_rec(self, unit: str, n: int) -> None:
        if self.s.rec is not None and self.s.rec != (unit, n):
            raise err("The phrase repeats in two different ways; e.g. 'every Monday at 9am'.")
        self.s.rec = (unit, n)

    def _set_weekdays(self, days: list[int], n: int = 1, plural: bool = True) -> bool:
        if self.s.weekdays:
            raise err("Give the days once, e.g. 'every Monday and Thursday at 6pm'.")
        self.s.weekdays = days
        # "every 2 weeks on Monday", "every hour on weekdays": the days narrow an existing rule.
        if plural and (self.s.rec is None or n != 1):
            self._set_rec("week", n)
        return True

    def _set_part(self, part: str) -> None:
        if self.s.part is not None and self.s.part != part:
            raise err("Give one part of the day, e.g. 'tomorrow evening'.")
        self.s.part = part

    def _set_day(self, offset: int, word: str) -> None:
        if self.s.day_offset is not None:
            raise err("Give the day once, e.g. 'tomorrow at 9am'.")
        self.s.day_offset = offset
        self.s.day_word = word

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
                    raise err("Only 'half an hour' is understood as a half; e.g. 'in 90 minutes'.")
                continue
            if out and t.val == "a" and self.word(1) == "half":  # "an hour and a half"
                _, last_u = out[-1]
                if last_u != "hour":
                    raise err("Write a half as minutes, e.g. 'in 90 minutes'.")
                out.append((30, "minute"))
                self.i += 2
                continue
            n = self.number()
            unit = UNITS.get(self.word(1) or "")
            if n is not None and unit is not None:
                if n < 0:
                    raise err(
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
            raise err("Give the delay once, e.g. 'in 2 hours and 30 minutes'.")
        if sum(n for n, _ in amounts) <= 0:
            raise err("That is now, not later; e.g. 'in 1 minute'.")
        self.s.rel = amounts

    # Rules of the full grammar that the repeat rules build on.
    def _weekdays(self, n: int = 1) -> bool:
        raise NotImplementedError

    def _date(self) -> bool:
        raise NotImplementedError
