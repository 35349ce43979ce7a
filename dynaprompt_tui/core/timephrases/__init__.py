"""Time phrases -> `When`: the parser behind `parse_when("every weekday at 9", now)`.

Read in this order; each module imports only those above it:
  lexicon    word tables, the tokenizer and `TimePhraseError`
  words      tokens as typed -> tokens the grammar reads ("ten thirty", "tomorow", "xmas")
  spec       `Spec`, the slots a phrase fills ("every Monday at 9": a weekly rule, Monday, 9:00)
  cursor     `Cursor`, a reading position in the tokens with the spec being filled
  moments    grammar rules for days: "in 2 hours", "tomorrow", "15 March", "Tuesday next week"
  clocks     grammar rules for times of day: "at 9am", "a quarter past 3", "15h", "8am PST"
  repeats    grammar rules for repeats: "every ...", "daily", "the 1st of every month", the ends
  grammar    `Grammar`: tries the rules at each position until every token is accounted for
  days       which day "first Tuesday of October", "Friday the 13th", "next week Mon" names
  holiday_dates  holiday dates from the `holidays` library, by the user's country
  resolve    a spec -> a one-off instant against `now` (times of day, dates, wording)
  recurring  a spec -> a repeating rule (cron, elapsed interval or every N days)
  fallback   parsedatetime, strictly, for one-offs the grammar does not know (loaded on demand)
  parse      `parse_when`: the zone, the steps above, and the ends ("until", "N times")
"""

from dynaprompt_tui.core.scheduling.rules import When
from dynaprompt_tui.core.timephrases.lexicon import TimePhraseError
from dynaprompt_tui.core.timephrases.parse import parse_when

__all__ = ["TimePhraseError", "When", "parse_when"]
