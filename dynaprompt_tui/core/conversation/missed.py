"""The missed-fires clause of a `dps` line: what a fire found late does, said at the end of the
time phrase, e.g. `dps user every day at 8am (skip if missed)`; and the words for each policy.

The clause ends the time phrase, in parentheses or after a comma, and names `missed` with one of
skip (also ignore, drop), each (also every, all, catch up) or once. See docs/scheduling.md.
"""

from __future__ import annotations

import re

from dynaprompt_tui.core.models import MissedPolicy

_PARENS = re.compile(r"\s*\((?P<body>[^()]*\bmissed\b[^()]*)\)\s*[.!]?\s*$", re.IGNORECASE)
_TAIL = re.compile(
    r"(?:\s*[,;]\s*|\s+)"
    r"(?P<body>(?:skips?|ignore|drop|deliver|each|once|if|catch|missed|all|every\s+missed)\b"
    r"[^(),;]*\bmissed\b[^(),;]*?|missed\b[^(),;]*?)\s*[.!]?\s*$",
    re.IGNORECASE,
)
_WORDS = (
    (re.compile(r"\b(skip|skips|skipped|ignore|drop)\b", re.I), MissedPolicy.SKIP),
    (re.compile(r"\b(each|every|all|catch[ -]?up)\b", re.I), MissedPolicy.EACH),
    (re.compile(r"\b(once|one)\b", re.I), MissedPolicy.ONCE),
)

# How each policy is said in the sidebar, the dialog and the cards.
WORDS = {
    MissedPolicy.ONCE: "if missed: delivered once, late",
    MissedPolicy.SKIP: "if missed: skipped",
    MissedPolicy.EACH: "if missed: each delivered, late",
}
CLAUSES = {  # the clause that sets each policy, as the docs and the help show it
    MissedPolicy.ONCE: "(once if missed)",
    MissedPolicy.SKIP: "(skip if missed)",
    MissedPolicy.EACH: "(each if missed)",
}


def split_missed(time_prompt: str) -> tuple[str, MissedPolicy | None]:
    """The time phrase without its missed-fires clause, and the policy it names (None: no
    clause, or one naming no policy: the phrase is then left as it is, for the parser to judge)."""
    m = _PARENS.search(time_prompt) or _TAIL.search(time_prompt)
    if m is None:
        return time_prompt, None
    body = m.group("body")
    for pattern, policy in _WORDS:
        if pattern.search(body):
            return time_prompt[: m.start()].rstrip(" ,;"), policy
    return time_prompt, None
