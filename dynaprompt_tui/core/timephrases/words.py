"""Tokens as people type them -> the tokens the grammar reads: spelled-out numbers and clock times
("twenty first", "ten thirty", "twelve oh three"), a separate am/pm ("seven thirty pm"), common
misspellings ("tomorow", corrected and said so), and a few idioms ("a couple of", "hence").

`normalize` runs between `lexicon.tokenize` and the grammar; `suggest` gives the did-you-mean for a
word nobody understood.
"""

from __future__ import annotations

import difflib
from typing import NamedTuple

from dynaprompt_tui.core.timephrases.lexicon import (
    MONTHS,
    NUMBER_WORDS,
    ORDINAL_WORDS,
    PARTS,
    TENS_WORDS,
    UNIT_MULTIPLES,
    UNITS,
    WEEKDAYS,
    Clock,
    Tok,
)

# Misspellings read as the right word; the description then says what was understood.
SPELLINGS = {
    "tomorow": "tomorrow",
    "tommorow": "tomorrow",
    "tommorrow": "tomorrow",
    "tomorrrow": "tomorrow",
    "tonite": "tonight",
    "tonigth": "tonight",
    "wednessday": "wednesday",
    "wensday": "wednesday",
    "thursady": "thursday",
    "febuary": "february",
    "minuts": "minutes",
}
# Shorthands: read silently ("tmrw" is a word of its own, not a slip).
SHORTHANDS = {
    "tmrw": ("tomorrow",),
    "tmr": ("tomorrow",),
    "tmw": ("tomorrow",),
    "everyday": ("every", "day"),
    "midday": ("noon",),
    "hence": ("later",),
    "xmas": ("christmas",),
}
# Two-word idioms -> what they mean.
IDIOMS = {
    ("mid", "day"): ("noon",),
    ("mid", "night"): ("midnight",),
    ("right", "now"): ("now",),
    ("couple", "of"): ("2",),
    ("pair", "of"): ("2",),
    ("all", "weekends"): ("every", "weekend"),
    ("all", "weekdays"): ("every", "weekday"),
}
# Names of holidays, without apostrophes -> the key `holiday_dates` knows them by.
_HOLIDAY_NAMES = {
    "christmas": ("christmas", "christmas day", "xmas day"),
    "christmas eve": ("christmas eve",),
    "new years day": ("new years day", "new year day", "new years", "new year"),
    "new years eve": ("new years eve", "new year eve", "nye"),
    "easter": ("easter", "easter sunday", "easter day"),
    "good friday": ("good friday",),
    "easter monday": ("easter monday",),
    "thanksgiving": ("thanksgiving", "thanksgiving day"),
    "halloween": ("halloween",),
    "valentines day": ("valentines day", "valentine day", "valentines", "st valentines day"),
    "mothers day": ("mothers day", "mother day"),
    "fathers day": ("fathers day", "father day"),
    "memorial day": ("memorial day",),
    "labor day": ("labor day", "labour day"),
    "independence day": ("independence day",),
    "boxing day": ("boxing day",),
    "st patricks day": tuple(
        f"{st}{name} day" for st in ("st ", "saint ", "") for name in ("patricks", "paddys")
    ),
    "mlk day": (
        "martin luther king day",
        "martin luther kings day",
        "martin luther king jr day",
        "mlk day",
        "mlk",
    ),
    "juneteenth": ("juneteenth",),
    "veterans day": ("veterans day",),
    "presidents day": ("presidents day",),
}
HOLIDAY_WORDS = {
    tuple(alias.split()): key for key, aliases in _HOLIDAY_NAMES.items() for alias in aliases
}
_LONGEST_HOLIDAY = max(len(k) for k in HOLIDAY_WORDS)
_HOLIDAY_FIRST = frozenset(k[0] for k in HOLIDAY_WORDS)
_COUNTS = {"couple": 2, "few": 3}
_CHANGED = frozenset(
    {*SPELLINGS, *SHORTHANDS, *(f"{p}ish" for p in ("morning", "afternoon", "evening", "night"))}
)
_IDIOM_WORDS = frozenset(
    {w for pair in IDIOMS for w in pair} | set(_COUNTS) | {"more", "about", "around", "mid"}
) | {"approximately", "late", "time"}
_NUMBER_WORDS = (frozenset(NUMBER_WORDS) | frozenset(ORDINAL_WORDS)) - {
    "a",
    "an",
}  # "a couple hours", "a few hours"
_MINUTE_ZERO = frozenset({"oh", "o", "zero"})  # "twelve oh three"

# Every word some rule reads: the candidates for a did-you-mean.
VOCABULARY = sorted(
    {*WEEKDAYS, *MONTHS, *UNITS, *PARTS, *NUMBER_WORDS, *ORDINAL_WORDS, *SPELLINGS.values()}
    | set(
        [
            "today",
            "tomorrow",
            "tonight",
            "noon",
            "midnight",
            "every",
            "each",
            "other",
            "next",
            "this",
            "coming",
            "until",
            "daily",
            "weekly",
            "monthly",
            "yearly",
            "hourly",
            "weekday",
            "weekdays",
            "weekend",
            "weekends",
            "morning",
            "afternoon",
            "evening",
            "night",
            "later",
            "from",
            "now",
            "at",
            "on",
            "in",
            "the",
            "of",
            "and",
            "half",
            "quarter",
            "past",
        ]
    )
)


class Normalized(NamedTuple):
    """The tokens for the grammar, and the misspellings corrected on the way (typed, read as)."""

    toks: list[Tok]
    corrections: list[tuple[str, str]]


def suggest(word: str) -> str | None:
    """The known word `word` is most likely a slip for ("tomorrw" -> "tomorrow"), if any."""
    if len(word) < 4 or word in VOCABULARY:
        return None
    # Slips keep the first letter ("tomorrw"); "early" is a word, not a slip for "yearly".
    close = difflib.get_close_matches(word, VOCABULARY, n=3, cutoff=0.8)
    return next((w for w in close if w[0] == word[0]), None)


def _word(w: str) -> Tok:
    if w.isdigit():
        return Tok("num", w, int(w))
    return Tok("word", w, w)


def _is_word_num(t: Tok | None, lo: int, hi: int) -> bool:
    return t is not None and t.kind == "num" and not t.text[-1].isdigit() and lo <= t.val <= hi


def normalize(toks: list[Tok]) -> Normalized:
    corrections: list[tuple[str, str]] = []
    out: list[Tok] = []
    words: set[str] = set()
    for t in toks:
        if t.kind != "word":
            out.append(t)
            continue
        w = t.val
        if w in _CHANGED:
            if w in SPELLINGS:
                corrections.append((w, SPELLINGS[w]))
                w = SPELLINGS[w]
            if w.endswith("ish") and w[:-3] in PARTS:  # "afternoonish"
                w = w[:-3]
            if w in SHORTHANDS:
                out.extend(_word(x) for x in SHORTHANDS[w])
                words.update(SHORTHANDS[w])
                continue
            t = _word(w)
        out.append(t)
        words.add(w)
    # Each pass only where its words occur: most phrases need none of them.
    if words & _IDIOM_WORDS:
        out = _idioms(out)
    if any(w.replace("'", "") in _HOLIDAY_FIRST for w in words):
        out = _holidays(out)
    if words & _NUMBER_WORDS:
        out = _numbers(out)
    if any(t.kind == "mer" for t in out):
        out = _meridiems(out)
    return Normalized(out, corrections)


def _idioms(toks: list[Tok]) -> list[Tok]:
    out: list[Tok] = []
    i = 0
    while i < len(toks):
        t = toks[i]
        pair = (t.val, toks[i + 1].val) if i + 1 < len(toks) else None
        if pair in IDIOMS:
            if out and out[-1].val == "a" and pair[1] == "of":
                out.pop()  # "a couple of"
            out.extend(_word(x) for x in IDIOMS[pair])
            i += 2
            continue
        nxt = toks[i + 1].val if i + 1 < len(toks) else None
        if t.val in _COUNTS and (nxt in UNITS or nxt in UNIT_MULTIPLES):
            if out and out[-1].val == "a":
                out.pop()
            out.append(Tok("num", str(_COUNTS[t.val]), _COUNTS[t.val]))
        elif t.val == "more" and out and out[-1].kind == "num" and nxt in UNITS:
            pass  # "in 2 more minutes"
        elif t.val in ("about", "around", "approximately") and out and out[-1].val == "in":
            pass  # "in about an hour"
        elif t.val == "mid" and nxt in PARTS:
            pass  # "mid afternoon"
        elif t.val == "late" and nxt == "tonight":
            pass  # "late tonight": the part of the day stands as it is
        elif t.val == "time" and out and out[-1].val in UNITS and len(out) > 2:
            pass  # "in 2 weeks time"
        else:
            out.append(t)
        i += 1
    return out


def _holidays(toks: list[Tok]) -> list[Tok]:
    """'new year's eve', 'st patrick's day': one token naming the holiday (longest name first)."""
    out: list[Tok] = []
    i = 0
    while i < len(toks):
        if str(toks[i].val).replace("'", "") not in _HOLIDAY_FIRST:
            out.append(toks[i])
            i += 1
            continue
        for n in range(min(_LONGEST_HOLIDAY, len(toks) - i), 0, -1):
            words = tuple(str(t.val).replace("'", "") for t in toks[i : i + n])
            if words in HOLIDAY_WORDS:
                text = " ".join(t.text for t in toks[i : i + n])
                out.append(Tok("holiday", text, HOLIDAY_WORDS[words]))
                i += n
                break
        else:
            out.append(toks[i])
            i += 1
    return out


def _numbers(toks: list[Tok]) -> list[Tok]:
    """Spelled numbers as numbers: "twenty one" 21, "twenty first" 21st, "ten thirty" 10:30."""
    out: list[Tok] = []
    for t in toks:
        w = t.val if t.kind == "word" else None
        prev = out[-1] if out else None
        if w in ORDINAL_WORDS and _is_word_num(prev, 20, 90):
            assert prev is not None
            if prev.val % 10 == 0 and ORDINAL_WORDS[w] < 10:
                out[-1] = Tok("ord", f"{prev.text} {t.text}", prev.val + ORDINAL_WORDS[w])
                continue
        if w is not None and w in NUMBER_WORDS and w not in ("a", "an"):
            n = NUMBER_WORDS[w]
            if (
                prev is not None
                and 1 <= n <= 9
                and prev.text in TENS_WORDS
                and prev.kind == "num"
                and prev.val % 10 == 0
            ):
                out[-1] = Tok("num", f"{prev.text} {t.text}", prev.val + n)
                continue
            out.append(Tok("num", w, n))
            continue
        out.append(t)
    return _word_clocks(out)


def _word_clocks(toks: list[Tok]) -> list[Tok]:
    """'ten thirty', 'twelve oh three', 'eight forty': an hour word then a minute word."""
    out: list[Tok] = []
    i = 0
    while i < len(toks):
        t, nxt = toks[i], toks[i + 1] if i + 1 < len(toks) else None
        after = toks[i + 2] if i + 2 < len(toks) else None
        if _is_word_num(t, 1, 12) and nxt is not None:
            minute: int | None = None
            used = 0
            if _is_word_num(nxt, 10, 59) and (after is None or after.val not in UNITS):
                minute, used = nxt.val, 2
            elif (nxt.val in _MINUTE_ZERO or nxt.val == 0) and _is_word_num(after, 1, 9):
                assert after is not None
                minute, used = after.val, 3
            if minute is not None:
                text = " ".join(x.text for x in toks[i : i + used])
                out.append(Tok("clock", text, Clock(t.val, minute, 0, None, False, text)))
                i += used
                continue
        out.append(t)
        i += 1
    return out


def _meridiems(toks: list[Tok]) -> list[Tok]:
    """A separate 'pm' joins the time before it: 'seven thirty pm', '3ish pm', 'eight pm'."""
    out: list[Tok] = []
    for t in toks:
        prev = out[-1] if out else None
        if t.kind == "mer" and prev is not None:
            if prev.kind == "clock" and prev.val.meridiem is None and not prev.val.literal:
                c = prev.val
                text = f"{c.text} {t.val}"
                out[-1] = Tok("clock", text, c._replace(meridiem=t.val, text=text))
                continue
            if prev.kind == "num" and 1 <= prev.val <= 12:
                text = f"{prev.text} {t.val}"
                out[-1] = Tok("clock", text, Clock(prev.val, 0, 0, t.val, False, text))
                continue
        out.append(t)
    return out
