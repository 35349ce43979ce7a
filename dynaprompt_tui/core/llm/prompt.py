"""The system prompt that teaches the model the scheduling protocol, and the tool schemas.

The protocol part is always present; a user's own system prompt is appended under its own
heading so it can shape tone and content but cannot remove the instructions the app relies on.
"""

from __future__ import annotations

from datetime import datetime
from typing import Any

from dynaprompt_tui.core.formatting import preview
from dynaprompt_tui.core.models import Party, Schedule, ScheduleState

MAX_LISTED = 50  # keeps the prompt bounded even with a runaway schedule list

# Written for a 7B-class local model: short numbered rules, no placeholders to copy literally,
# one example per instruction, and a safe way to show the syntax (docs/scheduling.md has the
# rules the app applies to the reply; keep the two in step).
PROTOCOL = """\
You are a helpful assistant inside dynaprompt, a chat app in which you can schedule messages \
for later.

## How to schedule
Write a line that starts with dps, then who gets the message, then when. Put the message on \
the very next line:

dps user in 20 minutes
Time to stretch!

Rules:
1. Write the dps line as a plain line: no Markdown, no bullets, no bold, no backticks, \
no code block, nothing before dps.
2. Always write dps in lowercase. After it comes user or chatbot, then the time.
3. The message is the line or lines right below the dps line. A blank line ends it.
4. Give your answer first, then the instructions. Write nothing after the last message.
5. user: the message is shown to the user at that time, exactly as you wrote it. Use it for \
reminders.
6. chatbot: the message is sent to you at that time, and you answer it then. Use it when the \
content must be fresh (a new word, a quiz, a check-in).
7. Times: in 20 minutes, in 2 hours, tomorrow at 9am, 15th March at 2pm, every weekday at \
8am, every day at 18:30, every monday at 9am. Times are in the user's time zone (below).
8. To cancel schedules, write a line with dpd and their ids: dpd 3f2a 9c01. \
dpd all cancels every schedule you created. Only the user can cancel the user's schedules.
9. To show the user the list of schedules, write a line with only: dpl
10. Schedule only when the user asks or agrees. Never schedule again what is already in the \
list below.
11. To show the user how to write an instruction without running it, put it in a code block \
(```). A code block is never run, so never put a real instruction in one.

Example 1. The user asks: remind me to stretch in 20 minutes, and teach me Spanish every \
weekday morning. Reply:
Sure! I'll remind you to stretch.

dps user in 20 minutes
Time to stretch!

dps chatbot every weekday at 8am
Teach me one Spanish word with an example sentence.

Example 2. The user asks: cancel the stretch reminder (id 3f2a). Reply:
Done, it is cancelled.

dpd 3f2a

Example 3. The user asks: what is scheduled? Reply:
Here is the list.

dpl"""

TOOLS_NOTE = """\
You also have tools: schedule_message, cancel_schedules and list_schedules. Use either a tool \
or a dps/dpd/dpl line for each request, never both: both would do it twice."""


def _when(d: datetime | None, now: datetime) -> str:
    if d is None:
        return "not scheduled"
    local = d.astimezone(now.tzinfo)
    days = (local.date() - now.date()).days
    day = {0: "today", 1: "tomorrow"}.get(days, local.strftime("%a %d %b %Y"))
    return f"{day} {local:%H:%M}"


def _schedule_line(s: Schedule, now: datetime) -> str:
    who = "you (chatbot)" if s.recipient == Party.CHATBOT else "user"
    by = "you" if s.created_by == Party.CHATBOT else "user"
    flags = []
    if s.recurring:
        flags.append(f"recurring: {s.description or s.time_prompt}")
    if s.state == ScheduleState.PAUSED:
        flags.append("paused")
    if not s.approved:
        flags.append("awaiting user approval")
    extra = f" [{'; '.join(flags)}]" if flags else ""
    return (
        f"- {s.id}: to {who}, created by {by}, next {_when(s.next_fire, now)}{extra}: "
        f'"{preview(s.prompt)}"'
    )


def build_system_prompt(
    now: datetime, schedules: list[Schedule], user_prompt: str | None = None, *, tools: bool = False
) -> str:
    """The full system prompt. ``now`` must be aware and in the user's zone."""
    if now.tzinfo is None:
        raise ValueError("build_system_prompt needs an aware datetime in the user's zone")
    zone = getattr(now.tzinfo, "key", None) or now.tzname() or "UTC"
    offset = now.strftime("%z")
    parts = [PROTOCOL]
    if tools:
        parts.append(TOOLS_NOTE)
    parts.append(
        "## Now\n"
        f"It is {now:%A} {now.day} {now:%B %Y}, {now:%H:%M} in the user's time zone {zone} "
        f"(UTC{offset[:3]}:{offset[3:]})."
    )
    live = [s for s in schedules if s.state in (ScheduleState.PENDING, ScheduleState.PAUSED)]
    live.sort(key=lambda s: (s.next_fire is None, s.next_fire or now))
    if live:
        lines = [_schedule_line(s, now) for s in live[:MAX_LISTED]]
        if len(live) > MAX_LISTED:
            lines.append(f"- … and {len(live) - MAX_LISTED} more (ask the user to run dpl)")
        parts.append(
            "## Pending schedules (id: recipient, creator, next time, message)\n" + "\n".join(lines)
        )
    else:
        parts.append("## Pending schedules\nNone.")
    if user_prompt and user_prompt.strip():
        parts.append("## The user's own instructions\n" + user_prompt.strip())
    return "\n\n".join(parts)


def _fn(
    name: str, description: str, properties: dict[str, Any], required: list[str]
) -> dict[str, Any]:
    return {
        "type": "function",
        "function": {
            "name": name,
            "description": description,
            "parameters": {
                "type": "object",
                "properties": properties,
                "required": required,
                "additionalProperties": False,
            },
        },
    }


TOOLS: list[dict[str, Any]] = [
    _fn(
        "schedule_message",
        "Schedule a message for later. Use this tool or a dps line, never both.",
        {
            "recipient": {
                "type": "string",
                "enum": ["user", "chatbot"],
                "description": "user: delivered as written; chatbot: sent to you as a prompt "
                "at that time and your answer is shown.",
            },
            "when": {
                "type": "string",
                "description": "Time phrase in the user's zone, e.g. 'in 20 minutes', "
                "'tomorrow at 9am', 'every weekday at 8am', '15th March at 2pm'.",
            },
            "prompt": {
                "type": "string",
                "description": "The message: shown to the user as written, or sent to you as "
                "a prompt at that time.",
            },
        },
        ["recipient", "when", "prompt"],
    ),
    _fn(
        "cancel_schedules",
        "Cancel pending schedules by id. Use this tool or a dpd line, never both.",
        {
            "ids": {
                "type": "array",
                "items": {"type": "string"},
                "description": "Short schedule ids such as 3f2a, or ['all'] for every schedule "
                "you created.",
            }
        },
        ["ids"],
    ),
    _fn(
        "list_schedules",
        "List the pending schedules with their ids and next times (instead of a dpl line).",
        {},
        [],
    ),
]
TOOL_NAMES = frozenset(t["function"]["name"] for t in TOOLS)
