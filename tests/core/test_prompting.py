"""System prompt content and tool schemas."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from zoneinfo import ZoneInfo

import pytest

from dynaprompt_tui.core.conversation.instructions import (
    CancelInstruction,
    ListInstruction,
    ScheduleInstruction,
)
from dynaprompt_tui.core.conversation.replies import parse_reply
from dynaprompt_tui.core.llm.prompt import PROTOCOL, TOOL_NAMES, TOOLS, build_system_prompt
from dynaprompt_tui.core.models import Party, Schedule, ScheduleState

PARIS = ZoneInfo("Europe/Paris")
NOW = datetime(2026, 3, 5, 10, 15, tzinfo=PARIS)  # a Thursday


def sched(id: str, **kw) -> Schedule:
    base = dict(
        id=id,
        created_by=Party.USER,
        recipient=Party.USER,
        time_prompt="in 20 minutes",
        rule={},
        tz="Europe/Paris",
        prompt="Stretch your legs",
        state=ScheduleState.PENDING,
        next_fire=(NOW + timedelta(minutes=20)).astimezone(UTC),
        created_at=NOW.astimezone(UTC),
    )
    base.update(kw)
    return Schedule(**base)


def test_protocol_and_time() -> None:
    p = build_system_prompt(NOW, [], None)
    for needle in ("dps", "dpd", "dpl", "dpd all", "user", "chatbot"):
        assert needle in p
    for phrase in ("in 20 minutes", "tomorrow at 9am", "every weekday at 8am", "15th March at 2pm"):
        assert phrase in p
    assert "Thursday 5 March 2026, 10:15" in p and "Europe/Paris" in p and "UTC+01:00" in p
    assert "None." in p


def test_lists_pending_schedules() -> None:
    items = [
        sched("ab12"),
        sched(
            "cd34",
            created_by=Party.CHATBOT,
            recipient=Party.CHATBOT,
            prompt="Teach me one Spanish word\nwith an example " + "x" * 100,
            recurring=True,
            description="every weekday at 08:00",
            next_fire=datetime(2026, 3, 6, 7, 0, tzinfo=UTC),
            approved=False,
        ),
        sched("zz99", state=ScheduleState.CANCELLED),
        sched("pp00", state=ScheduleState.PAUSED, next_fire=None),
    ]
    p = build_system_prompt(NOW, items, None)
    assert "- ab12: to user, created by user, next today 10:35" in p
    assert "cd34: to you (chatbot), created by you, next tomorrow 08:00" in p
    assert "every weekday at 08:00" in p and "awaiting user approval" in p
    assert "Teach me one Spanish word with an example" in p and "x" * 100 not in p
    assert "zz99" not in p and "pp00" in p and "paused" in p
    assert p.index("ab12") < p.index("cd34") < p.index("pp00")


def test_user_prompt_is_appended_not_replacing() -> None:
    p = build_system_prompt(NOW, [], "Answer like a pirate.")
    assert "dps" in p and p.rstrip().endswith("Answer like a pirate.")
    assert "## The user's own instructions" in p
    assert "own instructions" not in build_system_prompt(NOW, [], "   ")


def test_naive_now_rejected() -> None:
    with pytest.raises(ValueError):
        build_system_prompt(datetime(2026, 1, 1), [], None)


def test_tool_schemas() -> None:
    assert {"schedule_message", "cancel_schedules", "list_schedules"} == TOOL_NAMES
    by = {t["function"]["name"]: t["function"] for t in TOOLS}
    assert all(t["type"] == "function" for t in TOOLS)
    sm = by["schedule_message"]["parameters"]
    assert sm["required"] == ["recipient", "when", "prompt"]
    assert sm["properties"]["recipient"]["enum"] == ["user", "chatbot"]
    cs = by["cancel_schedules"]["parameters"]
    assert cs["properties"]["ids"]["type"] == "array"
    assert by["list_schedules"]["parameters"]["properties"] == {}


def test_written_for_a_small_model() -> None:
    """Plain-line rule, lowercase, nothing after the message, a safe way to show the syntax,
    and no placeholder a small model would copy literally."""
    p = build_system_prompt(NOW, [], None)
    for needle in (
        "no Markdown, no bullets",
        "no code block",
        "lowercase",
        "Write nothing after the last message",
        "A blank line ends it",
        "A code block is never run",
    ):
        assert needle in p, needle
    assert "<" not in PROTOCOL and "recipient" not in PROTOCOL
    assert len(PROTOCOL) < 3000  # short: a 7B model follows a short prompt better


def test_tools_or_text_never_both() -> None:
    assert "never both" in build_system_prompt(NOW, [], None, tools=True)
    assert "never both" not in build_system_prompt(NOW, [], None)
    by = {t["function"]["name"]: t["function"]["description"] for t in TOOLS}
    assert "never both" in by["schedule_message"] and "never both" in by["cancel_schedules"]


def _examples() -> list[str]:
    """The example replies the prompt teaches (each after 'Reply:')."""
    parts = PROTOCOL.split("Reply:\n")[1:]
    return [part.split("\n\nExample")[0] for part in parts]


def test_the_prompts_examples_are_read_as_the_prompt_says() -> None:
    """The prompt and the parser agree: every example runs exactly what it shows."""
    first, second, third = (parse_reply(e) for e in _examples())
    assert [type(i) for i in first.instructions] == [ScheduleInstruction, ScheduleInstruction]
    a, b = first.instructions
    assert (a.recipient, a.time_prompt, a.prompt) == (
        Party.USER,
        "in 20 minutes",
        "Time to stretch!",
    )
    assert (b.recipient, b.time_prompt) == (Party.CHATBOT, "every weekday at 8am")
    assert first.visible == "Sure! I'll remind you to stretch."
    assert second.instructions == (CancelInstruction(("3f2a",), False, 3, "dpd 3f2a"),)
    assert [type(i) for i in third.instructions] == [ListInstruction]
    assert second.visible and third.visible
    # The syntax snippet at the top reads as one schedule too.
    snippet = PROTOCOL.split("very next line:\n\n")[1].split("\n\nRules")[0]
    [ins] = parse_reply(snippet).instructions
    assert isinstance(ins, ScheduleInstruction) and ins.prompt == "Time to stretch!"
