"""`Cursor`: a reading position in a phrase's tokens, with the `Spec` being filled from them.

The grammar rules (`moments`, `repeats`) each take a cursor, look at the tokens ahead with its
helpers, and on a match move it past them and fill its spec.
"""

from __future__ import annotations

from dynaprompt_tui.core.timephrases.lexicon import (
    NUMBER_WORDS,
    ORDINAL_WORDS,
    UNIT_MULTIPLES,
    UNITS,
    TimePhraseError,
    Tok,
)
from dynaprompt_tui.core.timephrases.spec import Spec


class Cursor:
    """Tokens, the index of the next one to read, and the slots filled so far."""

    def __init__(self, toks: list[Tok]) -> None:
        self.toks = toks
        self.i = 0
        self.spec = Spec()
        # The words and token kinds present: rare rules look here first and step aside fast.
        self.vocab = frozenset(t.val for t in toks if t.kind in ("word", "holiday"))
        self.kinds = frozenset(t.kind for t in toks)

    def tok(self, k: int = 0) -> Tok | None:
        j = self.i + k
        return self.toks[j] if 0 <= j < len(self.toks) else None

    def word(self, k: int = 0) -> str | None:
        j = self.i + k
        if 0 <= j < len(self.toks):
            t = self.toks[j]
            return t.val if t.kind == "word" else None
        return None

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

    def amounts(self) -> list[tuple[int, str]]:
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
                    raise TimePhraseError(
                        "Only 'half an hour' is understood as a half; e.g. 'in 90 minutes'."
                    )
                continue
            if (part := self._part_of_hour()) is not None:
                out.append(part)
                continue
            if out and t.val == "a" and self.word(1) == "half":  # "an hour and a half"
                _, last_u = out[-1]
                if last_u != "hour":
                    raise TimePhraseError("Write a half as minutes, e.g. 'in 90 minutes'.")
                out.append((30, "minute"))
                self.i += 2
                continue
            if (part := self._fraction()) is not None:
                out.append(part)
                continue
            n = self.number()
            if n is not None and self.word(1) in UNIT_MULTIPLES:  # "a fortnight"
                k, multiple = UNIT_MULTIPLES[self.word(1) or ""]
                out.append((n * k, multiple))
                self.i += 2
                continue
            unit = UNITS.get(self.word(1) or "")
            if n is not None and unit is not None:
                if n < 0:
                    raise TimePhraseError(
                        "A time can't be negative; say how long from now, e.g. 'in 10 minutes'."
                    )
                out.append((n, unit))
                self.i += 2
                continue
            self.i = start
            break
        return out

    def _part_of_hour(self) -> tuple[int, str] | None:
        """'a half hour', 'a quarter of an hour', 'three quarters of an hour'."""
        start = self.i
        n = self.number() if self.word() != "an" else None  # "a", "one", "three", "3"
        if n is not None:
            self.i += 1
        minutes = (n or 1) * {"half": 30, "quarter": 15, "quarters": 15}.get(self.word() or "", 60)
        if minutes >= 60:
            self.i = start
            return None
        self.i += 1
        if self.accept("of"):
            self.accept("an", "a")
        if not self.accept("hour"):
            self.i = start
            return None
        return (minutes, "minute")

    def _fraction(self) -> tuple[int, str] | None:
        """'1.5 hours', '3/4 hour', '2.5 days': an exact amount of the next smaller unit."""
        t = self.tok()
        unit = UNITS.get(self.word(1) or "")
        if t is None or unit is None or t.kind not in ("dec", "numdate") or len(t.val) != 2:
            return None
        if t.kind == "dec":
            whole, frac = t.val
            num, den = whole * 10 ** len(frac) + int(frac), 10 ** len(frac)
        else:
            num, den = t.val
        if den == 0:
            raise TimePhraseError("A fraction needs a number below the line, e.g. 'in 3/4 hour'.")
        small, k = _SMALLER[unit]
        if k == 0 or (num * k) % den:
            raise TimePhraseError(f"Write that in whole {small}s, e.g. 'in 90 minutes'.")
        self.i += 2
        return (num * k // den, small)


# The unit a fraction of each unit is counted in: 1.5 hours = 90 minutes.
_SMALLER = {
    "second": ("second", 1),
    "minute": ("second", 60),
    "hour": ("minute", 60),
    "day": ("hour", 24),
    "week": ("day", 7),
    "month": ("day", 0),  # months differ in length: a fraction of one is refused
    "year": ("month", 12),
}
