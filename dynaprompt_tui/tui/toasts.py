"""The wording of the toasts that tell of things happening out of sight: a scheduled message
delivered, a status from the core, the outcome of a schedule action."""

from __future__ import annotations

from typing import TYPE_CHECKING, Literal

from dynaprompt_tui.core.models import Role
from dynaprompt_tui.tui.widgets.safe import clean

if TYPE_CHECKING:
    from dynaprompt_tui.core.scheduling.engine import Delivery  # (the engine starts later)

Severity = Literal["information", "warning", "error"]

_DELIVERED = {
    Role.REMINDER: "Reminder",
    Role.USER: "Scheduled message sent to the chatbot",
    Role.ASSISTANT: "Scheduled message from the bot",
}


def delivered(delivery: Delivery) -> str:
    """What was delivered, its first words, and whether it came late (the laptop slept)."""
    message = delivery.message
    text = _DELIVERED.get(message.role, "Scheduled message delivered")
    first = " ".join(message.content.split())[:60]
    if first:
        text += f": {first}"
    if delivery.late:
        text += " (late)"
    return clean(text)


_SEVERITIES: dict[str, Severity] = {"warning": "warning", "error": "error"}


def severity(name: str) -> Severity:
    """The core's severity as a toast's; anything unknown is information."""
    return _SEVERITIES.get(name, "information")


def schedules(n: int) -> str:
    """`1 schedule`, `2 schedules`."""
    return f"{n} schedule{'s' * (n != 1)}"


def failed(what: str, error: Exception) -> str:
    """A failed core call, as an error toast says it."""
    return clean(f"{what} failed: {error}")
