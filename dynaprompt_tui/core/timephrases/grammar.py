"""The grammar of time phrases: tokens -> `Spec`, a bag of filled slots.

Each rule (in `moments` and `repeats`) recognises one construct ("in 2 hours", "every Monday",
"at 9am and 5pm", "on the 1st of every month", ...) at the current position and fills slots.
Constructs may come in any order ("at 5pm on Fridays"), but every token must belong to one: an
unknown word is an error, never skipped, so a phrase is either fully understood or rejected.
"""

from __future__ import annotations

from collections.abc import Callable

from dynaprompt_tui.core.timephrases import clocks, moments, repeats
from dynaprompt_tui.core.timephrases.cursor import Cursor
from dynaprompt_tui.core.timephrases.lexicon import EXAMPLES, UNIT_SMALL, TimePhraseError, Tok
from dynaprompt_tui.core.timephrases.spec import Spec
from dynaprompt_tui.core.timephrases.words import suggest

__all__ = ["Grammar"]

# Tried in this order at each position; the first that matches consumes its words.
RULES: tuple[Callable[[Cursor], bool], ...] = (
    repeats.until,
    clocks.past_to,
    moments.relative,
    moments.weekdays_ahead,
    repeats.count_or_ago,
    repeats.every,
    repeats.except_days,
    repeats.hours_window,
    repeats.repeat_word,
    repeats.monthly,
    moments.day_word,
    moments.weekdays,
    moments.date,
    moments.day_of_month,
    moments.named_day,
    clocks.time_of_day,
    clocks.part_of_day,
    clocks.zone_name,
)


class Grammar:
    """Reads a whole token list into a `Spec`: `Grammar(tokenize(text)).parse()`."""

    def __init__(self, toks: list[Tok]) -> None:
        self.cursor = Cursor(toks)

    def parse(self) -> Spec:
        try:
            return self._parse()
        except TimePhraseError as e:
            raise _with_suggestion(e, self.cursor) from None

    def _parse(self) -> Spec:
        c = self.cursor
        while c.i < len(c.toks):
            if c.toks[c.i].kind in ("sep", "dash"):
                c.i += 1
                continue
            start = c.i
            for rule in RULES:
                if rule(c):
                    break
            else:
                c.i = start
                raise _unknown(c)
        spec = c.spec
        if spec.plural_part and spec.rec is None:  # "Tuesday afternoons", "mornings at 9"
            spec.set_rec("week" if spec.weekdays else "day", 1)
        if spec.except_days:
            _drop_days(spec)
        return spec


def _with_suggestion(e: TimePhraseError, c: Cursor) -> TimePhraseError:
    """`e`, plus a did-you-mean for a misspelled word anywhere in the phrase ("every mondya")."""
    if "did you mean" in str(e).lower():
        return e
    for t in c.toks:
        if t.kind == "word" and (meant := suggest(t.val)) is not None:
            return TimePhraseError(
                f"{e} Did you mean '{meant}' for '{t.text}'?", past=e.past, unknown=e.unknown
            )
    return e


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
    if t.kind == "word" and (meant := suggest(t.val)) is not None:
        return TimePhraseError(
            f"I don't understand {t.text!r}; did you mean '{meant}'? {EXAMPLES}.", unknown=True
        )
    return TimePhraseError(
        f"I don't understand {t.text!r} in a time phrase; {EXAMPLES}.", unknown=True
    )


def _drop_days(spec: Spec) -> None:
    """'every day except weekends' -> every weekday; 'every hour except Sundays', likewise."""
    daily = spec.rec in (("day", 1), ("week", 1)) or (spec.rec and spec.rec[0] in UNIT_SMALL)
    if not daily:
        raise TimePhraseError(
            "'except' goes with a daily or weekly rule, e.g. 'every day except weekends'."
        )
    base = spec.weekdays or list(range(7))
    left = [d for d in base if d not in spec.except_days]
    if not left or left == base:
        raise TimePhraseError("Those days are not in the rule; e.g. 'every day except weekends'.")
    spec.weekdays = left
    if spec.rec == ("day", 1):
        spec.rec = ("week", 1)
