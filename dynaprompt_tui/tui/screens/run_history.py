"""The run-history dialog (h in the sidebar): each fire of one schedule, newest first, with its
outcome (delivered, late, skipped, failed, blocked by a guardrail) and, for the chatbot, how the
model call went; and what the schedule does with fires it missed."""

from __future__ import annotations

from collections.abc import Callable, Sequence
from datetime import datetime, tzinfo

from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Horizontal, VerticalScroll
from textual.widgets import Button, Label, Static

from dynaprompt_tui.core.conversation.missed import WORDS as MISSED_WORDS
from dynaprompt_tui.core.conversation.runs import run_line
from dynaprompt_tui.core.models import Fire, Outcome, Schedule
from dynaprompt_tui.tui.screens.dialog import DialogScreen
from dynaprompt_tui.tui.widgets.safe import clean

SHOWN = 200  # the newest fires shown (the command line prints them all)
MARKS = {
    Outcome.DELIVERED: "✓",
    Outcome.LATE: "◷",
    Outcome.SKIPPED: "↷",
    Outcome.FAILED: "✗",
    Outcome.BLOCKED: "⊘",
    Outcome.CLAIMED: "…",
}


def history_text(fires: Sequence[Fire], zone: tzinfo, now: datetime | None) -> str:
    """The fires, newest first, one line each."""
    if not fires:
        return "Not fired yet."
    lines = []
    for fire in list(reversed(fires))[:SHOWN]:
        line = run_line(fire, zone, now)
        lines.append(f"{MARKS[line.outcome]} {line.due:>16}  {line.text}")
    if len(fires) > SHOWN:
        lines.append(f"… and {len(fires) - SHOWN} older (dynaprompt-tui schedule history)")
    return clean("\n".join(lines))


class RunHistoryScreen(DialogScreen[None]):
    DEFAULT_CSS = """
    #dialog.history {
        width: 90;
    }
    #dialog.history #dialog-title {
        text-style: bold;
        margin: 0 0 1 0;
    }
    #runs {
        height: auto;
    }
    #missed-policy {
        color: $text-muted;
        margin-top: 1;
    }
    """
    BINDINGS = [Binding("escape,h,q", "dismiss_none", "Close", show=False)]

    def __init__(
        self,
        schedule: Schedule,
        fires: Callable[[str], Sequence[Fire]],
        zone: tzinfo,
        now: Callable[[], datetime] | None = None,
    ) -> None:
        super().__init__()
        self.schedule = schedule
        self.fires = fires
        self.zone = zone
        self.now = now

    def compose(self) -> ComposeResult:
        s = self.schedule
        prompt = clean(" ".join(s.prompt.split()))[:60]
        with VerticalScroll(id="dialog", classes="history"):
            yield Label(f"Run history of {s.id} · “{prompt}”", id="dialog-title", markup=False)
            yield Static(self._text(), id="runs", markup=False)
            yield Label(MISSED_WORDS[s.on_missed], id="missed-policy", markup=False)
            with Horizontal(id="dialog-buttons"):
                yield Button("Close", id="close", variant="primary")

    def _text(self) -> str:
        try:
            fires = self.fires(self.schedule.id)
        except Exception as e:  # the dialog shows the error instead of crashing
            return clean(f"Could not read the history: {e}")
        return history_text(fires, self.zone, self.now() if self.now else None)

    def on_mount(self) -> None:
        self.query_one("#close", Button).focus()

    def on_button_pressed(self) -> None:
        self.dismiss(None)

    def action_dismiss_none(self) -> None:
        self.dismiss(None)
