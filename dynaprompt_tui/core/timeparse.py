"""The time-phrase parser's public entry point, kept at the path it was first published under
(scripts and tests outside this repository import ``dynaprompt_tui.core.timeparse.parse_when``).
The parser itself is the `dynaprompt_tui.core.timephrases` package."""

from dynaprompt_tui.core.timephrases import TimePhraseError, When, parse_when

__all__ = ["TimePhraseError", "When", "parse_when"]
