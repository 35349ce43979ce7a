"""What the schedule sidebar asks of the screen about its selected schedule (cancel, edit,
pause or resume, approve) or a new one. `ScheduleSidebar` exposes them as its own
(`ScheduleSidebar.CancelRequested`), and their handler names are those of classes nested in it
(`on_schedule_sidebar_cancel_requested`)."""

from __future__ import annotations

from textual.message import Message

from dynaprompt_tui.core.models import Schedule

NAMESPACE = "schedule_sidebar"


class About(Message, namespace=NAMESPACE):
    """A request about one schedule (a plain class: dataclasses cost start-up time)."""

    def __init__(self, schedule: Schedule) -> None:
        super().__init__()
        self.schedule = schedule


class CancelRequested(About, namespace=NAMESPACE):
    pass


class EditRequested(About, namespace=NAMESPACE):
    pass


class PauseToggleRequested(About, namespace=NAMESPACE):
    pass


class ApproveRequested(About, namespace=NAMESPACE):
    pass


class NewRequested(Message, namespace=NAMESPACE):
    pass
