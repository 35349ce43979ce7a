"""The grammar of time phrases: tokens -> `Spec`, a bag of filled slots.

Each rule (in `moments` and `repeats`) recognises one construct ("in 2 hours", "every Monday",
"at 9am and 5pm", "on the 1st of every month", ...) at the current position and fills slots.
Constructs may come in any order ("at 5pm on Fridays"), but every token must belong to one: an
unknown word is an error, never skipped, so a phrase is either fully understood or rejected.
"""

from __future__ import annotations

from collections.abc import Callable

from dynaprompt_tui.core.timephrases import moments, repeats
from dynaprompt_tui.core.timephrases.cursor import Cursor
from dynaprompt_tui.core.timephrases.lexicon import EXAMPLES, TimePhraseError, Tok
from dynaprompt_tui.core.timephrases.spec import Spec

__all__ = ["Grammar"]

# Tried in this order at each position; the first that matches consumes its words.
RULES: tuple[Callable[[Cursor], bool], ...] = (
    repeats.until,
    moments.relative,
    repeats.count_or_ago,
    repeats.every,
    repeats.repeat_word,
    repeats.monthly,
    moments.day_word,
    moments.weekdays,
    moments.date,
    moments.time_of_day,
    moments.part_of_day,
)


class Grammar:
    """Reads a whole token list into a `Spec`: `Grammar(tokenize(text)).parse()`."""

    def __init__(self, toks: list[Tok]) -> None:
        self.cursor = Cursor(toks)

    def parse(self) -> Spec:
        c = self.cursor
        while c.i < len(c.toks):
            if c.toks[c.i].kind == "sep":
                c.i += 1
                continue
            start = c.i
            if not any(rule(c) for rule in RULES):
                c.i = start
                raise _unknown(c)
        return c.spec


def _unknown(c: Cursor) -> TimePhraseError:
    """The error for a token no rule accepts; `unknown` lets `parse` try its fallback."""
    t = c.toks[c.i]
    if t.val == "at" or (t.kind == "word" and t.val in ("on", "in", "every", "each")):
        nxt = c.tok(1)
        what = f"{t.text!r} followed by {nxt.text!r}" if nxt else f"a lone {t.text!r}"
        return TimePhraseError(f"I don't understand {what}; {EXAMPLES}.", unknown=True)
    if t.kind == "num":
        return TimePhraseError(
            f"I don't know what the number {t.text} means here; "
            "write a time or an amount, e.g. 'at 9', '9am' or 'in 9 minutes'.",
            unknown=True,
        )
    return TimePhraseError(
        f"I don't understand {t.text!r} in a time phrase; {EXAMPLES}.", unknown=True
    )
