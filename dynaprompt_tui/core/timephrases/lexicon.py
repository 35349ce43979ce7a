"""Words and tokens of time phrases: the vocabulary tables, the tokenizer, and `TimePhraseError`,
the one error every stage of the parser raises.

The tokenizer is deliberately strict: anything it cannot classify is an error, so that the grammar
never has to guess what a stray character meant.
"""

from __future__ import annotations

import re
from typing import Any, NamedTuple


class TimePhraseError(ValueError):
    """A time phrase that cannot be scheduled. `str()` says what is wrong and gives an example.

    `past` is True when the phrase is understood but names a moment that has already gone.
    `unknown` is True when the grammar gave up on a word or shape it does not know (as opposed to
    a phrase it understood and refused): only then may `parse` try its fallback.
    """

    def __init__(self, message: str, *, past: bool = False, unknown: bool = False) -> None:
        super().__init__(message)
        self.past = past
        self.unknown = unknown


EXAMPLES = "e.g. 'in 20 minutes', 'tomorrow at 9am', 'every weekday at 9'"

WEEKDAYS: dict[str, int] = {}
for _i, _names in enumerate(
    (
        ("monday", "mon"),
        ("tuesday", "tue", "tues"),
        ("wednesday", "wed", "weds"),
        ("thursday", "thu", "thur", "thurs"),
        ("friday", "fri"),
        ("saturday", "sat"),
        ("sunday", "sun"),
    )
):
    for _n in _names:
        WEEKDAYS[_n] = _i
    WEEKDAYS[_names[0] + "s"] = _i  # plural: "mondays" means every Monday
PLURAL_WEEKDAYS = {n for n in WEEKDAYS if n.endswith("days")}
WEEKDAY_NAMES = ("Monday", "Tuesday", "Wednesday", "Thursday", "Friday", "Saturday", "Sunday")

MONTHS: dict[str, int] = {}
for _i, _name in enumerate(
    (
        "january",
        "february",
        "march",
        "april",
        "may",
        "june",
        "july",
        "august",
        "september",
        "october",
        "november",
        "december",
    ),
    start=1,
):
    MONTHS[_name] = _i
    MONTHS[_name[:3]] = _i
MONTHS["sept"] = 9
MONTH_ABBR = ("Jan", "Feb", "Mar", "Apr", "May", "Jun", "Jul", "Aug", "Sep", "Oct", "Nov", "Dec")
DAY_ABBR = ("Mon", "Tue", "Wed", "Thu", "Fri", "Sat", "Sun")

NUMBER_WORDS = {
    "a": 1,
    "an": 1,
    "one": 1,
    "two": 2,
    "three": 3,
    "four": 4,
    "five": 5,
    "six": 6,
    "seven": 7,
    "eight": 8,
    "nine": 9,
    "ten": 10,
    "eleven": 11,
    "twelve": 12,
    "fifteen": 15,
    "twenty": 20,
    "thirty": 30,
    "forty": 40,
    "fifty": 50,
    "sixty": 60,
    "ninety": 90,
}
ORDINAL_WORDS = {"first": 1, "second": 2, "third": 3, "fourth": 4, "fifth": 5}

UNITS = {
    **dict.fromkeys(("s", "sec", "secs", "second", "seconds"), "second"),
    **dict.fromkeys(("m", "min", "mins", "minute", "minutes"), "minute"),
    **dict.fromkeys(("h", "hr", "hrs", "hour", "hours"), "hour"),
    **dict.fromkeys(("d", "day", "days"), "day"),
    **dict.fromkeys(("w", "wk", "wks", "week", "weeks"), "week"),
    **dict.fromkeys(("mo", "month", "months"), "month"),
    **dict.fromkeys(("y", "yr", "yrs", "year", "years"), "year"),
}
UNIT_SECONDS = {"second": 1, "minute": 60, "hour": 3600}
UNIT_SMALL = ("second", "minute", "hour")  # elapsed time, not calendar days

# Parts of the day and the hour each one means (see docs/time-phrases.md).
PARTS = {"morning": 9, "afternoon": 14, "evening": 18, "night": 21}


class Clock(NamedTuple):
    """A time of day as written: `literal` for 24-hour forms (leading zero, 0 or 13-23)."""

    hour: int
    minute: int
    second: int
    meridiem: str | None  # "am" / "pm" / None
    literal: bool
    text: str


class Tok(NamedTuple):
    kind: str  # word, num, ord, clock, iso, numdate, dur, sep
    text: str
    val: Any


_TOKEN = re.compile(
    r"""
    (?P<space>\s+)
    |(?P<iso>[0-9]{4}-[0-9]{1,2}-[0-9]{1,2})(?:t(?=[0-9]))?
    |(?P<clock>[0-9]{1,2}:[0-9]{1,3}(?::[0-9]{1,3})?)
        (?:\s*(?P<cmer>[ap])\.?m\.?(?![a-z]))?
    |(?P<mer>[0-9]{1,3})\s*(?P<mmer>[ap])\.?m\.?(?![a-z])
    |(?P<numdate>[0-9]{1,2}/[0-9]{1,2}(?:/[0-9]{2,4})?)(?![0-9/])
    |(?P<ord>[0-9]{1,3})(?:st|nd|rd|th)(?![a-z])
    |(?P<dur>[0-9]{1,6})(?P<unit>s|secs?|m|mins?|h|hrs?|d|w|wks?|mo|y|yrs?)(?![a-z])
    |(?P<num>-?[0-9]{1,9})(?![a-z0-9])
    |(?P<word>[a-z]+(?:'[a-z]+)?)
    |(?P<sep>,)
    |(?P<atsign>@)
    """,
    re.VERBOSE,
)
_TRAILING = re.compile(r"[\s.!?;]+$")


def _clock(text: str, hour: str, minute: str, second: str, mer: str | None) -> Clock:
    literal = hour.startswith("0") or int(hour) == 0 or int(hour) > 12
    return Clock(
        int(hour), int(minute), int(second), f"{mer}m" if mer else None, literal and not mer, text
    )


def tokenize(text: str) -> list[Tok]:
    """Lower-cased tokens of `text`; raises TimePhraseError at the first unreadable character."""
    s = text.lower().replace("\u2019", "'").replace("o'clock", "oclock")
    s = _TRAILING.sub("", s)
    toks: list[Tok] = []
    pos = 0
    while pos < len(s):
        m = _TOKEN.match(s, pos)
        if not m:
            bad = s[pos:].split()[0] if s[pos:].split() else s[pos]
            raise TimePhraseError(
                f"I can't read {bad!r} in a time phrase; {EXAMPLES}, or '2026-04-01 18:00'.",
                unknown=True,
            )
        pos = m.end()
        g = m.lastgroup
        t = m.group(0).strip()
        if g == "space":
            continue
        if m.group("iso"):
            toks.append(Tok("iso", t, tuple(int(p) for p in m.group("iso").split("-"))))
        elif m.group("clock"):
            parts = m.group("clock").split(":")
            sec = parts[2] if len(parts) > 2 else "0"
            if len(parts[1]) != 2 or len(sec) > 2 or (len(parts) > 2 and len(sec) != 2):
                raise TimePhraseError(
                    f"{t!r} is not a time of day; write minutes with two digits, e.g. 'at 9:05'."
                )
            toks.append(Tok("clock", t, _clock(t, parts[0], parts[1], sec, m.group("cmer"))))
        elif m.group("mer"):
            toks.append(Tok("clock", t, _clock(t, m.group("mer"), "0", "0", m.group("mmer"))))
        elif m.group("numdate"):
            toks.append(Tok("numdate", t, tuple(int(p) for p in t.split("/"))))
        elif m.group("ord"):
            toks.append(Tok("ord", t, int(m.group("ord"))))
        elif m.group("dur"):
            toks.append(Tok("dur", t, (int(m.group("dur")), UNITS[m.group("unit")])))
        elif m.group("num"):
            toks.append(Tok("num", t, int(t)))
        elif m.group("word"):
            toks.append(Tok("word", t, t))
        elif m.group("atsign"):
            toks.append(Tok("word", "at", "at"))
        else:
            toks.append(Tok("sep", t, t))
    return toks
