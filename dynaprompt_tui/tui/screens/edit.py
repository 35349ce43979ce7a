"""The schedule dialog: edit an existing schedule, or create a new one (with a recipient).

Top to bottom, which is also the focus order: when (focused first, so a time can be typed at
once), the check of it, the recipient (a new schedule), the message, what missed fires do.
Escape asks before it discards a change."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any, NamedTuple

from textual import on
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Horizontal, VerticalScroll
from textual.widgets import Button, Input, Label, RadioButton, RadioSet, Static, TextArea

from dynaprompt_tui.core.conversation.missed import split_missed
from dynaprompt_tui.core.models import MissedPolicy, Party, Schedule
from dynaprompt_tui.tui.screens.dialog import DialogScreen
from dynaprompt_tui.tui.widgets.safe import clean

MISSED_CHOICES = (  # what the radio buttons say (docs/scheduling.md, "Missed fires")
    (MissedPolicy.ONCE, "deliver once"),
    (MissedPolicy.SKIP, "skip"),
    (MissedPolicy.EACH, "deliver each"),
)


class ScheduleEdit(NamedTuple):
    """What the dialog returns: a new schedule when `schedule_id` is None, else an edit."""

    schedule_id: str | None
    recipient: Party
    time_prompt: str
    prompt: str
    on_missed: MissedPolicy = MissedPolicy.ONCE  # what its fires found late do


def check_text(check: Any) -> tuple[bool, str]:
    """The core's EditCheck (ok, error, description, fires) as (ok, text to show)."""
    if not check.ok:
        return False, clean(f"✗ {check.error or 'not valid'}")
    lines = [f"✓ {check.description}"] if check.description else []
    lines += [f"  {i}. {fire}" for i, fire in enumerate(check.fires[:3], 1)]
    return True, clean("\n".join(lines))


class ScheduleEditScreen(DialogScreen[ScheduleEdit | None]):
    """Time prompt + prompt, validated live with the core's `check_edit`."""

    DEFAULT_CSS = """
    #dialog #dialog-title {
        text-style: bold;
        margin: 0 0 1 0;
    }
    #dialog Label {
        margin-top: 1;
    }
    #dialog RadioSet {
        layout: horizontal;
        width: 100%;
    }
    #check {
        height: auto;
        padding: 0 1;
    }
    #check.-ok {
        color: $text-success;
    }
    #check.-error {
        color: $text-error;
    }
    #prompt {
        height: 5;
    }
    #dialog TextArea {
        background: $boost;
    }
    #dialog #dialog-buttons {
        dock: bottom;  /* Save stays in view when the dialog scrolls (80x24) */
        background: $surface;
        margin-top: 0;
        padding-top: 1;
    }
    """

    BINDINGS = [
        Binding("escape", "close", "Close", id="dialog.close"),
        Binding("ctrl+s", "save", "Save", id="dialog.save", priority=True),
    ]

    def __init__(
        self,
        check: Callable[[str, str], Any],
        schedule: Schedule | None = None,
    ) -> None:
        super().__init__()
        self.check = check
        self.schedule = schedule
        self._ok = False
        self._initial: tuple[str, str, Party, MissedPolicy] | None = None

    def compose(self) -> ComposeResult:
        s = self.schedule
        with VerticalScroll(id="dialog"):
            title = f"Edit schedule {s.id}" if s else "New schedule"
            yield Label(title, id="dialog-title", markup=False)
            yield Label("When (e.g. tomorrow 9am, in 20 minutes, every day at 8am)", markup=False)
            yield Input(s.time_prompt if s else "", id="time-prompt", placeholder="when…")
            yield Static("", id="check", markup=False)
            if s is None:
                yield Label("To", markup=False)
                with RadioSet(id="recipient"):
                    yield RadioButton("to chatbot", value=True, id="to-chatbot")
                    yield RadioButton("to me (a reminder)", id="to-user")
            yield Label("Message", markup=False)
            yield TextArea(s.prompt if s else "", id="prompt", soft_wrap=True, compact=True)
            yield Label("If missed (nothing was running when it was due)", markup=False)
            policy = s.on_missed if s else MissedPolicy.ONCE
            with RadioSet(id="on-missed"):
                for value, label in MISSED_CHOICES:
                    yield RadioButton(label, value=value == policy, id=f"missed-{value}")
            with Horizontal(id="dialog-buttons"):
                yield Button("Save", variant="primary", id="save")
                yield Button("Cancel", id="cancel")

    def on_mount(self) -> None:
        self.query_one("#time-prompt", Input).focus()
        self.validate()
        self._initial = self.state()

    def state(self) -> tuple[str, str, Party, MissedPolicy]:
        """Everything the user can change, to tell whether they did."""
        return (*self.values(), self.recipient(), self.on_missed())

    def values(self) -> tuple[str, str]:
        return (
            self.query_one("#time-prompt", Input).value,
            self.query_one("#prompt", TextArea).text,
        )

    def on_missed(self) -> MissedPolicy:
        pressed = self.query_one("#on-missed", RadioSet).pressed_button
        if pressed is None or pressed.id is None:
            return MissedPolicy.ONCE
        return MissedPolicy(pressed.id.removeprefix("missed-"))

    def recipient(self) -> Party:
        if self.schedule is not None:
            return self.schedule.recipient
        user = self.query_one("#to-user", RadioButton)
        return Party.USER if user.value else Party.CHATBOT

    @on(Input.Changed)
    @on(TextArea.Changed)
    def validate(self) -> None:
        time_prompt, prompt = self.values()
        if (named := split_missed(time_prompt)[1]) is not None:  # "(skip if missed)" typed
            self.query_one(f"#missed-{named}", RadioButton).value = True
        if not time_prompt.strip() and not prompt.strip():
            self._show(False, "Write when (e.g. tomorrow at 9am) and the message.", hint=True)
            return
        try:
            ok, text = check_text(self.check(time_prompt, prompt))
        except Exception as e:  # the dialog stays usable whatever the core says
            ok, text = False, clean(str(e) or e.__class__.__name__)
        self._show(ok, text)

    def _show(self, ok: bool, text: str, *, hint: bool = False) -> None:
        self._ok = ok
        check = self.query_one("#check", Static)
        check.update(text)
        check.set_class(ok, "-ok")
        check.set_class(not ok and not hint, "-error")
        self.query_one("#save", Button).disabled = not ok

    @on(Input.Submitted)
    def _submitted(self) -> None:
        self.action_save()

    @on(Button.Pressed, "#save")
    def action_save(self) -> None:
        self.validate()
        if not self._ok:
            self.app.bell()
            return
        time_prompt, prompt = self.values()
        sid = self.schedule.id if self.schedule else None
        self.dismiss(
            ScheduleEdit(
                sid, self.recipient(), time_prompt.strip(), prompt.strip(), self.on_missed()
            )
        )

    @on(Button.Pressed, "#cancel")
    def action_dismiss_none(self) -> None:
        self.dismiss(None)

    def action_close(self) -> None:
        """Escape: close, asking first when something was changed (the Cancel button is an
        answer already)."""
        if self._initial is None or self.state() == self._initial:
            self.dismiss(None)
            return
        # A dialog: loaded on first use.
        from dynaprompt_tui.tui.screens.confirm import ConfirmScreen

        def answered(discard: bool | None) -> None:
            if discard:
                self.dismiss(None)

        question = ConfirmScreen("Discard your changes?", yes="Discard", no="Keep editing")
        self.app.push_screen(question, answered)
