"""Time phrases -> `When`: the parser behind `parse_when("every weekday at 9", now)`.

`lexicon` tokenizes, `cursor`/`grammar`/`repeats` read the words into slots, `resolve` and
`recurring` turn the slots into a one-off instant or a recurring rule, `fallback` asks
parsedatetime (strictly) about shapes the grammar does not know, and `parse` assembles them.
"""

from dynaprompt_tui.core.scheduling.rules import When
from dynaprompt_tui.core.timephrases.lexicon import TimePhraseError
from dynaprompt_tui.core.timephrases.parse import parse_when

__all__ = ["TimePhraseError", "When", "parse_when"]
