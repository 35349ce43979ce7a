"""`Spec`: the slots a time phrase fills as the grammar reads it, before anything is resolved.

The grammar rules fill a `Spec` through its setters, which refuse a thing said twice ("tomorrow
today"); `resolve` and `recurring` then read it against `now`.
"""

from __future__ import annotations

from dynaprompt_tui.core.timephrases.lexicon import Clock, TimePhraseError, Tok

YMD = tuple[int | None, int, int]  # (year or None if not written, month, day)


class Spec:
    """The slots of one phrase: a working object the grammar fills in place, in reading order."""

    def __init__(self) -> None:
        self.rel: list[tuple[int, str]] = []  # "in ..." amounts
        self.day_offset: int | None = None  # today 0, tomorrow 1, day after tomorrow 2
        self.part: str | None = None  # morning / afternoon / evening / night
        self.plural_part = False  # "mornings": every morning
        self.times: list[Clock] = []
        self.midnight = False
        self.weekdays: list[int] = []
        self.weekday_mod: str | None = None  # "next" ("next Friday" is never today) or None
        self.week_offset: int | None = None  # "this week" 0, "next week" 1 (with a weekday)
        self.weeks_ahead: int | None = None  # "3 Fridays from now": the 3rd Friday after today
        self.month_ref: tuple[int | None, int] | None = None  # "of October (2014)"
        self.month_shift: int | None = None  # "of this month" 0, "of next month" 1
        self.except_days: list[int] = []  # "every day except weekends"
        self.window: tuple[Clock, Clock] | None = None  # "every hour from 9 to 5"
        self.zone: str | None = None  # a key of lexicon.ZONE_NAMES: "8am PST"
        self.holiday: str | None = None  # a key of holiday_dates.HOLIDAYS
        self.holiday_year: int = 0  # "christmas of next year": 1
        self.holiday_shift: tuple[int, str] | None = None  # "3 days after Easter": (3, "day")
        self.date: YMD | None = None
        self.numeric: tuple[int, int] | None = None  # "15/03": order depends on the zone
        self.doms: list[int | str] = []  # days of month, "L" = last
        self.nth: tuple[int | str, int] | None = None  # (1..5 or "L", weekday) of every month
        self.rec: tuple[str, int] | None = None  # (unit, n): every n units
        self.until: list[Tok] | None = None  # the tokens after 'until', read on their own later
        self.for_span: tuple[int, str] | None = None
        self.count: int | None = None

    def set_rec(self, unit: str, n: int) -> None:
        if self.rec is not None and self.rec != (unit, n):
            raise TimePhraseError(
                "The phrase repeats in two different ways; e.g. 'every Monday at 9am'."
            )
        self.rec = (unit, n)

    def set_weekdays(self, days: list[int], n: int = 1, plural: bool = True) -> None:
        if self.weekdays:
            raise TimePhraseError("Give the days once, e.g. 'every Monday and Thursday at 6pm'.")
        self.weekdays = days
        # "every 2 weeks on Monday", "every hour on weekdays": the days narrow an existing rule.
        if plural and (self.rec is None or n != 1):
            self.set_rec("week", n)

    def set_part(self, part: str) -> None:
        if self.part is not None and self.part != part:
            raise TimePhraseError("Give one part of the day, e.g. 'tomorrow evening'.")
        self.part = part

    def set_day(self, offset: int) -> None:
        if self.day_offset is not None:
            raise TimePhraseError("Give the day once, e.g. 'tomorrow at 9am'.")
        self.day_offset = offset

    def set_rel(self, amounts: list[tuple[int, str]]) -> None:
        if self.rel:
            raise TimePhraseError("Give the delay once, e.g. 'in 2 hours and 30 minutes'.")
        if sum(n for n, _ in amounts) <= 0:
            raise TimePhraseError("That is now, not later; e.g. 'in 1 minute'.")
        self.rel = amounts

    def set_date(self, ymd: YMD, numeric: tuple[int, int] | None = None) -> None:
        if self.date is not None or self.numeric is not None:
            raise TimePhraseError("Give the date once, e.g. '15 March at 2pm'.")
        self.date = ymd
        self.numeric = numeric

    def add_dom(self, d: int | str) -> None:
        if isinstance(d, int) and not 1 <= d <= 31:
            raise TimePhraseError(f"A month has no day {d}; e.g. 'on the 15th'.")
        self.doms.append(d)
