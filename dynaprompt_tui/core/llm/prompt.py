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

PROTOCOL = """\
You are a helpful assistant inside dynaprompt, a terminal chat app in which both you and the \
user can schedule messages for later.

## Scheduling protocol
To schedule a message, put an instruction on its own line, with the message on the lines \
after it:

dps <recipient> <time phrase>
<the message, one or more lines>

- <recipient> is `user` (or `u`): the text is delivered to the user as is, at that time, \
with no model call. Use it for reminders and notes written now.
- <recipient> is `chatbot` (or `c`): the text is sent to YOU as a prompt at that time, and \
your answer is shown to the user then. Use it when the content must be fresh (a new word, \
a quiz, a summary of the day) or written later.
- Time phrases: `in 20 minutes`, `in 2 hours`, `tomorrow at 9am`, `15th March at 2pm`, \
`every weekday at 8am`, `every day at 18:30`, `every monday at 9am`. Times are read in the \
user's time zone (below).
- The message runs until the next `dps`/`dpd`/`dpl` line or the end of your reply.
- `dpd <id> [<id> ...]` cancels schedules by id; `dpd all` cancels every pending schedule \
you created. Only the user can cancel schedules the user created.
- `dpl` shows the list of schedules to the user.
- Write your visible answer first, then the instructions at the end. One reply may hold \
several instructions. The app removes instruction lines from view and shows a card for each.
- Only schedule when the user asks for it or clearly agrees. Do not repeat a schedule that \
already exists (see the list below); cancel by id when asked. Recurring schedules you create \
may need the user's approval.

Example reply:
Sure, I'll nudge you.

dps user in 20 minutes
Time to stretch!
dps chatbot every weekday at 8am
Teach me one Spanish word with an example sentence."""

TOOLS_NOTE = """\
If tools are offered, you may call `schedule_message`, `cancel_schedules` and \
`list_schedules` instead of writing instructions; both ways do the same thing."""


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
        "Schedule a message for later (same effect as a `dps` instruction).",
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
            "prompt": {"type": "string", "description": "The message (or prompt) to deliver."},
        },
        ["recipient", "when", "prompt"],
    ),
    _fn(
        "cancel_schedules",
        "Cancel pending schedules by id (same as `dpd`); ['all'] cancels every one.",
        {
            "ids": {
                "type": "array",
                "items": {"type": "string"},
                "description": "Short schedule ids, or ['all'].",
            }
        },
        ["ids"],
    ),
    _fn(
        "list_schedules", "List pending schedules with ids and next times (same as `dpl`).", {}, []
    ),
]
TOOL_NAMES = frozenset(t["function"]["name"] for t in TOOLS)
