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

_CARDINALS = [
    "zero",
    "one",
    "two",
    "three",
    "four",
    "five",
    "six",
    "seven",
    "eight",
    "nine",
    "ten",
    "eleven",
    "twelve",
    "thirteen",
    "fourteen",
    "fifteen",
    "sixteen",
    "seventeen",
    "eighteen",
    "nineteen",
]
_TENS = {"twenty": 20, "thirty": 30, "forty": 40, "fifty": 50, "sixty": 60, "seventy": 70}
_TENS.update({"eighty": 80, "ninety": 90})
NUMBER_WORDS = {"a": 1, "an": 1, **{w: i for i, w in enumerate(_CARDINALS)}, **_TENS}
TENS_WORDS = frozenset(_TENS)
_ORDINALS = [
    "zeroth",
    "first",
    "second",
    "third",
    "fourth",
    "fifth",
    "sixth",
    "seventh",
    "eighth",
    "ninth",
    "tenth",
    "eleventh",
    "twelfth",
    "thirteenth",
    "fourteenth",
    "fifteenth",
    "sixteenth",
    "seventeenth",
    "eighteenth",
    "nineteenth",
]
ORDINAL_WORDS = {w: i for i, w in enumerate(_ORDINALS) if i}
ORDINAL_WORDS.update({"twentieth": 20, "thirtieth": 30})
UNITS = {
    **dict.fromkeys(("s", "sec", "secs", "second", "seconds"), "second"),
    **dict.fromkeys(("m", "min", "mins", "minute", "minutes"), "minute"),
    **dict.fromkeys(("h", "hr", "hrs", "hour", "hours"), "hour"),
    **dict.fromkeys(("d", "day", "days"), "day"),
    **dict.fromkeys(("w", "wk", "wks", "week", "weeks"), "week"),
    **dict.fromkeys(("mo", "month", "months"), "month"),
    **dict.fromkeys(("y", "yr", "yrs", "year", "years"), "year"),
}
# Units that are a multiple of another: "a fortnight" is 2 weeks.
UNIT_MULTIPLES = {"fortnight": (2, "week"), "fortnights": (2, "week")}
UNIT_SECONDS = {"second": 1, "minute": 60, "hour": 3600}
UNIT_SMALL = ("second", "minute", "hour")  # elapsed time, not calendar days

# Named zones a time may be given in ("9:30pm IST"): the region's clock each names. People say
# "PST" all year for Pacific time, so the abbreviations follow the region's daylight saving rather
# than a fixed offset; GMT and UTC are fixed. IST is India's (the most used of its meanings).
ZONE_NAMES = {
    **dict.fromkeys(("pst", "pdt", "pt"), "America/Los_Angeles"),
    **dict.fromkeys(("mst", "mdt"), "America/Denver"),
    **dict.fromkeys(("cst", "cdt", "ct"), "America/Chicago"),
    **dict.fromkeys(("est", "edt", "et"), "America/New_York"),
    **dict.fromkeys(("gmt", "utc"), "UTC"),
    "bst": "Europe/London",
    **dict.fromkeys(("cet", "cest"), "Europe/Paris"),
    "ist": "Asia/Kolkata",
    "jst": "Asia/Tokyo",
    **dict.fromkeys(("aest", "aedt"), "Australia/Sydney"),
}

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
    offset: int = 0  # minutes after (or before, if negative) the time: "a quarter to 7"


class Tok(NamedTuple):
    kind: str  # word, num, ord, clock, iso, numdate, dec, dur, mer, sep, dash
    text: str
    val: Any


_MER = r"(?:\s*\.\s*|\s*)m\.?(?![a-z])"  # the "m" of am/pm: "pm", "p.m.", "p . m", "p m"
_TOKEN = re.compile(
    rf"""
    (?P<space>\s+)
    |(?P<iso>[0-9]{{4}}-[0-9]{{1,2}}-[0-9]{{1,2}})(?:t(?=[0-9]))?
    |(?P<clock>[0-9]{{1,2}}:[0-9]{{1,3}}(?::[0-9]{{1,3}})?)(?:\s*(?P<cmer>[ap]){_MER})?
    |(?P<hclock>[0-9]{{1,2}})h(?P<hmin>[0-9]{{2}})(?![0-9a-z])
    |(?P<dclock>[0-9]{{1,2}})\.(?P<dmin>[0-9]{{2}})\s*(?P<dmer>[ap]){_MER}
    |(?P<mer>[0-9]{{1,4}})\s*(?P<mmer>[ap]){_MER}
    |(?P<numdate>[0-9]{{1,2}}\s*[/-]\s*[0-9]{{1,2}}(?:\s*[/-]\s*[0-9]{{2,4}})?
        |[0-9]{{1,2}}\.[0-9]{{1,2}}\.[0-9]{{2,4}})(?![0-9/:.])
    |(?P<dec>[0-9]{{1,3}}\.[0-9]{{1,2}})(?![0-9a-z])
    |(?P<ord>[0-9]{{1,3}})(?:st|nd|rd|th)(?![a-z])
    |(?P<ish>[0-9]{{1,2}})\s*ish(?![a-z])
    |(?P<glued>[0-9]{{1,2}})(?=(?:jan|feb|mar|apr|may|jun|jul|aug|sep|oct|nov|dec))
    |(?P<dur>[0-9]{{1,6}})(?P<unit>s|secs?|m|mins?|h|hrs?|d|w|wks?|mo|y|yrs?)(?![a-z])
    |(?P<num>(?<![a-z0-9])-?[0-9]{{1,9}})(?![a-z0-9])
    |(?P<merword>[ap]){_MER}
    |(?P<word>[a-z]+(?:'[a-z]+)?)
    |(?P<sep>,)
    |(?P<dash>[-/])
    |(?P<atsign>@)
    """,
    re.VERBOSE,
)
_TRAILING = re.compile(r"[\s.!?;]+$")
_HYPHEN = re.compile(r"(?<=[a-z])-(?=[a-z])")  # "ten-thirty", "twenty-first"
_ABBR_DOT = re.compile(r"(?<=[a-z0-9])\.(?=\s|$)|(?<=[a-z]{3})\.(?=[0-9])")  # "Nov. 16", "Oct.23"


_LETTER_DIGIT = re.compile(r"[a-z][0-9]")
_GLUED_MONTH = re.compile(
    r"\b(" + "|".join(sorted(MONTHS, key=len, reverse=True)) + r")(?=[0-9])"
)  # "feb13", "mar4"


def _clock(text: str, hour: str, minute: str, second: str, mer: str | None) -> Clock:
    literal = hour.startswith("0") or int(hour) == 0 or int(hour) > 12
    return Clock(
        int(hour), int(minute), int(second), f"{mer}m" if mer else None, literal and not mer, text
    )


def tokenize(text: str) -> list[Tok]:
    """Lower-cased tokens of `text`; raises TimePhraseError at the first unreadable character."""
    s = text.lower().replace("\u2019", "'").replace("o'clock", "oclock")
    s = _TRAILING.sub("", s)
    if "-" in s:
        s = _HYPHEN.sub(" ", s)
    if "." in s:
        s = _ABBR_DOT.sub(" ", s)
    if _LETTER_DIGIT.search(s):
        s = _GLUED_MONTH.sub(r"\1 ", s)
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
        kind = m.lastgroup
        if kind == "space":
            continue
        if kind == "word":  # the common case first
            w = m.group(0)
            toks.append(Tok("word", w, w))
        else:
            toks.append(_tok(m))
    return toks


def _tok(m: re.Match[str]) -> Tok:
    t = m.group(0).strip()
    g = m.group
    if g("iso"):
        return Tok("iso", t, tuple(int(p) for p in g("iso").split("-")))
    if g("clock"):
        parts = g("clock").split(":")
        sec = parts[2] if len(parts) > 2 else "0"
        if len(parts[1]) != 2 or len(sec) > 2 or (len(parts) > 2 and len(sec) != 2):
            raise TimePhraseError(
                f"{t!r} is not a time of day; write minutes with two digits, e.g. 'at 9:05'."
            )
        return Tok("clock", t, _clock(t, parts[0], parts[1], sec, g("cmer")))
    if g("hclock"):  # "11h45": a European 24-hour clock
        return Tok("clock", t, Clock(int(g("hclock")), int(g("hmin")), 0, None, True, t))
    if g("dclock"):
        return Tok("clock", t, _clock(t, g("dclock"), g("dmin"), "0", g("dmer")))
    if g("mer"):
        digits = g("mer")
        hour, minute = (digits[:-2], digits[-2:]) if len(digits) > 2 else (digits, "0")
        return Tok("clock", t, _clock(t, hour, minute, "0", g("mmer")))
    if g("numdate"):
        return Tok("numdate", t, tuple(int(p) for p in re.split(r"\s*[/.-]\s*", t)))
    if g("dec"):
        whole, frac = t.split(".")
        return Tok("dec", t, (int(whole), frac))
    if g("ord"):
        return Tok("ord", t, int(g("ord")))
    if g("ish"):  # "3ish": about 3 o'clock
        return Tok("clock", t, Clock(int(g("ish")), 0, 0, None, g("ish").startswith("0"), t))
    if g("glued"):
        return Tok("num", t, int(t))
    if g("dur"):
        return Tok("dur", t, (int(g("dur")), UNITS[g("unit")]))
    if g("num"):
        return Tok("num", t, int(t))
    if g("merword"):
        return Tok("mer", t, f"{g('merword')}m")
    if g("word"):
        return Tok("word", t, t)
    if g("atsign"):
        return Tok("word", "at", "at")
    if g("dash"):
        return Tok("dash", t, t)
    return Tok("sep", t, t)
