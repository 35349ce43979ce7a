"""An offline demo chatbot: no API key, canned answers, real `dps`/`dpd`/`dpl` instructions.

It only writes text. Its instructions go through exactly the same parser, guardrails and store
as a real model's, which is the point of the demo.
"""

from __future__ import annotations

import asyncio
import re
from collections.abc import AsyncIterator, Awaitable, Callable
from typing import Any

from dynaprompt_tui.core.llm.events import ChatEvent, Done, TextDelta

HELP = """\
Hi! I'm the **offline demo bot** (no API key set, so my answers are canned). \
I can still show you scheduling for real. Try:

- `remind me to stretch in 1 minute`
- `message me tomorrow morning about the dentist`
- `every day at 8am teach me Spanish`
- `send me 3 messages`
- `what's scheduled?` / `cancel <id>` / `cancel all`

You can also schedule yourself: type `dps user in 30 seconds`, then your message on the next \
line. Set OPENAI_API_KEY (or --base-url) to talk to a real model."""
HELP_MARK = "offline demo bot"  # a reply of mine that has this gave the whole help already
SHORT_HELP = (
    "Try `remind me to stretch in 1 minute`, `every day at 8am teach me Spanish` or "
    "`what's scheduled?`; say `help` to see everything I can do."
)

SPANISH = [
    ("hola", "hello", "¡Hola! ¿Qué tal?"),
    ("gracias", "thank you", "Muchas gracias por tu ayuda."),
    ("mañana", "tomorrow / morning", "Nos vemos mañana."),
    ("gato", "cat", "El gato duerme en el sofá."),
    ("libro", "book", "Estoy leyendo un libro nuevo."),
    ("agua", "water", "¿Me das un vaso de agua?"),
    ("amigo", "friend", "Mi amigo vive en Madrid."),
]

_UNIT = r"(seconds?|secs?|minutes?|mins?|hours?|hrs?|days?)"
_IN = re.compile(rf"\bin\s+(\d+|an?|one)\s*{_UNIT}\b", re.I)
_EVERY = re.compile(
    r"\b(every\s+(?:day|weekday|morning|evening|night|monday|tuesday|wednesday|thursday|"
    r"friday|saturday|sunday|week)s?(?:\s+at\s+\d{1,2}(?::\d{2})?\s*(?:am|pm)?)?)",
    re.I,
)
_TOMORROW = re.compile(
    r"\b(tomorrow(?:\s+(?:morning|afternoon|evening|night))?"
    r"(?:\s+at\s+\d{1,2}(?::\d{2})?\s*(?:am|pm)?)?)",
    re.I,
)
_ID = re.compile(r"^[0-9a-f]{2,32}$")  # schedule ids are short hex codes


def _words(text: str) -> list[str]:
    return re.findall(r"\s*\S+\s*|\s+", text)


def _last_user_text(messages: list[dict[str, Any]]) -> str:
    for m in reversed(messages):
        if m.get("role") == "user":
            c = m.get("content")
            if isinstance(c, list):  # content parts
                return " ".join(p.get("text", "") for p in c if isinstance(p, dict))
            return str(c or "")
    return ""


def _tidy(text: str) -> str:
    return text.strip(" \t.!?,;:").strip()


_SWAP = {"my": "your", "me": "you", "i": "you", "myself": "yourself", "mine": "yours"}


def _you(text: str) -> str:
    """'check my list' -> 'check your list': the reminder speaks to the user."""
    return re.sub(
        r"\b(my|me|i|myself|mine)\b", lambda m: _SWAP[m.group(1).lower()], text, flags=re.I
    )


def _scheduled_answer(prompt: str, count: int) -> str:
    low = prompt.lower()
    if "spanish" in low:
        word, meaning, example = SPANISH[count % len(SPANISH)]
        return (
            f"Today's Spanish word: **{word}** — {meaning}.\n\n"
            f"Example: *{example}*\n\n(demo bot: a real model would pick a fresh word each time)"
        )
    return (
        f"⏰ Scheduled prompt received: “{' '.join(_tidy(prompt).split()) or '(empty)'}”.\n\n"
        "(demo bot: a real model would answer it now; I can only acknowledge it)"
    )


_INSTRUCTION_LINE = re.compile(r"^[ \t]*dp[sdl](?:\s|$)", re.IGNORECASE | re.MULTILINE)


def _before_instructions(text: str) -> str:
    """The user's words before their own dps/dpd/dpl lines: the app carries those out; the
    demo must not read them as a request of its own, nor quote them back (its reply would run
    them a second time)."""
    m = _INSTRUCTION_LINE.search(text)
    return text[: m.start()] if m else text


def _helped(messages: list[dict[str, Any]]) -> bool:
    """Whether one of my earlier replies in this conversation gave the whole help text."""
    return any(
        m.get("role") == "assistant" and HELP_MARK in str(m.get("content") or "") for m in messages
    )


def reply_for(text: str, *, turn: int = 0, helped: bool = False) -> str:
    """The demo's whole answer (visible text plus instructions) to one user message. `helped`:
    the conversation has had the whole help text already, so a message the demo does not know
    gets a short answer rather than all of it again."""
    raw = text.strip()
    if not raw.lower().startswith("[") and _INSTRUCTION_LINE.search(raw):
        raw = _before_instructions(raw).strip()
        if not raw:
            return "Got it: your instructions are carried out above. (demo bot)"
    low = raw.lower()
    if low.startswith("[scheduled"):
        # A scheduled turn: "[scheduled …] prompt" or "[scheduled …]\nprompt".
        end = raw.find("]")
        return _scheduled_answer(raw[end + 1 :] if end >= 0 else raw, turn)
    if low.startswith("[app note") or low.startswith("[this message"):
        # Feedback from the app (e.g. an instruction of mine failed): acknowledge, no new
        # instructions, so the demo can never loop on its own mistakes.
        return "Noted. (demo bot)"
    if not raw:
        return HELP

    # Cancel: "cancel abcd", "cancel ab12 cd34", "cancel all", "delete all schedules"
    m = re.match(r"^(?:please\s+)?(?:cancel|delete|remove|stop)\b(.*)$", low)
    if m:
        rest = m.group(1)
        if re.search(r"\ball\b|\beverything\b", rest):
            return "Done — cancelling everything that is scheduled.\n\ndpd all"
        ids = [w for w in re.split(r"[\s,]+", rest) if _ID.match(w) and w not in _FILLER]
        if ids:
            return f"Cancelling {', '.join(ids)}.\n\ndpd {' '.join(ids)}"
        return "Which one? Tell me its id, e.g. `cancel ab12`, or say `cancel all`.\n\ndpl"

    m = re.search(r"\bsend me (\d+|a few|some|two|three|four|five) messages?\b", low)
    if m:
        n = {"a few": 3, "some": 3, "two": 2, "three": 3, "four": 4, "five": 5}.get(m.group(1))
        n = max(1, min(5, n if n is not None else int(m.group(1))))
        lines = [f"Sure, {n} message{'s' if n > 1 else ''} coming up, 10 seconds apart.", ""]
        for i in range(1, n + 1):
            lines += [f"dps user in {10 * i} seconds", f"Message {i} of {n} from the demo bot."]
        return "\n".join(lines)

    every = _EVERY.search(raw)
    if every:
        when = every.group(1).strip()
        task = _tidy((raw[: every.start()] + " " + raw[every.end() :]).strip())
        task = re.sub(r"^(?:please\s+)?(?:can you\s+)?", "", task, flags=re.I)
        if "spanish" in task.lower():
            prompt = "Teach me one Spanish word with an example sentence."
        else:
            prompt = (task[0].upper() + task[1:]) if task else "Check in with me."
        if " at " not in when.lower():
            when += " at 9am"
        return (
            f"Great — {when}, I'll write to you about that. Since it's recurring, you may need "
            f"to approve it.\n\ndps chatbot {when}\n{prompt}"
        )

    remind = re.search(r"\b(?:remind|tell|message|ping|text|nudge)\s+me\b", low)
    at = _IN.search(raw) or _TOMORROW.search(raw)
    if remind and at:
        when = at.group(0).strip()
        about = (raw[: at.start()] + " " + raw[at.end() :]).strip()
        about = re.sub(
            r"^.*?\b(?:remind|tell|message|ping|text|nudge)\s+me\s*(?:to|about|that)?\s*",
            "",
            about,
            flags=re.I,
        )
        about = re.sub(r"^(?:about|to|that)\s+", "", _tidy(about), flags=re.I)
        about = _you(about)
        if when.lower().startswith("tomorrow"):
            body = (
                f"Good morning! You asked me to remind you about {about}."
                if about
                else ("Good morning! This is the note you asked for yesterday.")
            )
        else:
            body = f"Time to {about}!" if about else "Here's your reminder!"
        return f"Sure — I'll remind you {when}.\n\ndps user {when}\n{body}"

    if re.search(r"\b(list|what'?s scheduled|what is scheduled|schedules|pending)\b", low):
        return "Here is everything that is scheduled:\n\ndpl"

    if re.match(r"^(hi|hello|hey|help|\?|what can you do)", low):
        return HELP
    return (
        # On one line: a quote can never put a line of the user's at the start of one of mine.
        f"You said: “{' '.join(_tidy(raw).split())[:200]}”. I'm only the demo bot, so I can't "
        "really chat — "
        "but I can schedule things.\n\n" + (SHORT_HELP if helped else HELP)
    )


_FILLER = {"the", "my", "schedule", "schedules", "reminder", "reminders", "please", "id", "ids"}


class DemoChatClient:
    """Implements the ChatClient protocol offline; streams its reply word by word."""

    tools_supported = False  # it never calls tools: instructions in text only

    def __init__(
        self,
        *,
        delay: float = 0.0,
        sleep: Callable[[float], Awaitable[Any]] = asyncio.sleep,
    ) -> None:
        self.delay = delay
        self._sleep = sleep
        self.turns = 0

    async def stream(
        self, messages: list[dict[str, Any]], *, tools: list[dict[str, Any]] | None = None
    ) -> AsyncIterator[ChatEvent]:
        text = reply_for(_last_user_text(messages), turn=self.turns, helped=_helped(messages))
        self.turns += 1
        for word in _words(text):
            # sleep(0) still yields to the event loop so the UI repaints between words.
            await self._sleep(self.delay)
            yield TextDelta(word)
        yield Done("stop", None)
