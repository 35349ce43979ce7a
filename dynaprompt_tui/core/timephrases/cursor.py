"""`Cursor`: a reading position in a phrase's tokens, with the `Spec` being filled from them.

The grammar rules (`moments`, `repeats`) each take a cursor, look at the tokens ahead with its
helpers, and on a match move it past them and fill its spec.
"""

from __future__ import annotations

from dynaprompt_tui.core.timephrases.lexicon import (
    NUMBER_WORDS,
    ORDINAL_WORDS,
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

    def tok(self, k: int = 0) -> Tok | None:
        j = self.i + k
        return self.toks[j] if 0 <= j < len(self.toks) else None

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
            if out and t.val == "a" and self.word(1) == "half":  # "an hour and a half"
                _, last_u = out[-1]
                if last_u != "hour":
                    raise TimePhraseError("Write a half as minutes, e.g. 'in 90 minutes'.")
                out.append((30, "minute"))
                self.i += 2
                continue
            n = self.number()
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
