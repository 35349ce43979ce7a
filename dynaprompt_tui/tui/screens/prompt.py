"""A one-line question: a title for a new conversation, a new name for one (r in the list).

`PromptScreen(question, value)` dismisses with the text typed (stripped; enter or OK), or None
(escape or Cancel). With `allow_empty=False` an empty answer is refused inline. `key_hints` is the
line of keys the list and search dialogs show at their foot."""

from __future__ import annotations

from textual import on
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Horizontal, Vertical
from textual.content import Content
from textual.widgets import Button, Input, Label, Static

from dynaprompt_tui.tui.screens.dialog import DialogScreen
from dynaprompt_tui.tui.widgets.safe import clean


def key_hints(text: str) -> Content:
    """`enter open · n new` as a line: each key in bold, kept on one line with what it does."""
    pieces: list[Content | str] = []
    for i, hint in enumerate(text.split(" · ")):
        key, _, does = hint.partition(" ")
        pieces += ["   " if i else "", Content.styled(key, "bold"), f"\u00a0{does}"]
    return Content.assemble(*pieces)


class PromptScreen(DialogScreen[str | None]):
    DEFAULT_CSS = """
    #dialog.prompt {
        width: 64;
    }
    #dialog.prompt #question {
        width: 100%;
        margin: 1 0;
    }
    #dialog.prompt #prompt-error {
        height: auto;
        color: $text-error;
    }
    """
    BINDINGS = [Binding("escape", "cancel", "Cancel", show=False)]

    def __init__(
        self,
        question: str,
        value: str = "",
        *,
        placeholder: str = "",
        allow_empty: bool = True,
        empty_error: str = "Type something (escape cancels).",
        ok: str = "OK",
    ) -> None:
        super().__init__()
        self.question = question
        self.value = value
        self.placeholder = placeholder
        self.allow_empty = allow_empty
        self.empty_error = empty_error
        self.ok = ok

    def compose(self) -> ComposeResult:
        with Vertical(id="dialog", classes="prompt"):
            yield Label(clean(self.question), id="question", markup=False)
            yield Input(clean(self.value), id="answer", placeholder=self.placeholder)
            yield Static("", id="prompt-error", markup=False)
            with Horizontal(id="dialog-buttons"):
                yield Button(self.ok, variant="primary", id="ok")
                yield Button("Cancel", id="cancel")

    def on_mount(self) -> None:
        self.query_one("#answer", Input).focus()

    @on(Input.Submitted)
    @on(Button.Pressed, "#ok")
    def answer(self) -> None:
        text = " ".join(self.query_one("#answer", Input).value.split())
        if not text and not self.allow_empty:
            self.query_one("#prompt-error", Static).update(self.empty_error)
            self.app.bell()
            return
        self.dismiss(text)

    @on(Input.Changed)
    def _typed(self) -> None:
        self.query_one("#prompt-error", Static).update("")

    @on(Button.Pressed, "#cancel")
    def action_cancel(self) -> None:
        self.dismiss(None)
