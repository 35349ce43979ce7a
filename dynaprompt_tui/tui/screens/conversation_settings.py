"""One conversation's own settings: its title, model, persona (system prompt) and temperature.
Empty means the default (the settings'), which each field shows as its placeholder.

`ConversationSettingsScreen(workspace, conversation_id)` dismisses with True when it saved
(ctrl+s, enter in a field, or Save), False when cancelled (escape or Cancel). The models the
server offers (GET /v1/models) are asked for in a worker: they complete the model field as it is
typed, and a list below it picks one; a server that does not list them leaves free text."""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from textual import on, work
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Horizontal, VerticalScroll
from textual.suggester import SuggestFromList
from textual.widgets import Button, Input, Label, OptionList, Static, TextArea
from textual.widgets.option_list import Option

from dynaprompt_tui.core.formatting import preview
from dynaprompt_tui.core.storage.errors import StoreError
from dynaprompt_tui.tui.screens.dialog import DialogScreen
from dynaprompt_tui.tui.widgets.safe import clean

if TYPE_CHECKING:
    from dynaprompt_tui.core.conversation.workspace import Workspace

NO_MODELS = "The server did not list its models: type a name."
ASKING = "Asking the server for its models…"
TEMPERATURE_ERROR = "The temperature is a number from 0 to 2 (empty: the default)."


def parse_temperature(text: str) -> tuple[bool, float | None]:
    """(valid, value): empty is the default (None), else a number from 0 to 2."""
    text = text.strip()
    if not text:
        return True, None
    try:
        value = float(text.replace(",", "."))
    except ValueError:
        return False, None
    return (0 <= value <= 2), value


class ConversationSettingsScreen(DialogScreen[bool]):
    DEFAULT_CSS = """
    #dialog.conversation-settings {
        width: 84;
        padding: 0 2 1 2;
    }
    #dialog.conversation-settings #dialog-title {
        text-style: bold;
        margin: 0 0 1 0;
    }
    #dialog.conversation-settings Label {
        margin-top: 1;
    }
    #models-status {
        height: auto;
        color: $text-muted;
    }
    #models {
        height: auto;
        max-height: 6;
    }
    #dialog.conversation-settings Input {
        background: $boost;
    }
    #persona {
        height: 5;
        background: $boost;
    }
    #temperature-error, #save-error {
        height: auto;
        color: $text-error;
    }
    """
    BINDINGS = [
        Binding("escape", "cancel", "Close", id="dialog.close"),
        Binding("ctrl+s", "save", "Save", id="dialog.save", priority=True),
    ]

    def __init__(self, workspace: Workspace, conversation_id: int) -> None:
        super().__init__()
        self.workspace = workspace
        self.conversation_id = conversation_id
        self.info = workspace.info(conversation_id)
        self.models: list[str] = []

    def compose(self) -> ComposeResult:
        info, settings = self.info, self.workspace.settings
        default_prompt = getattr(settings, "system_prompt", None)
        temperature = getattr(settings, "temperature", None)
        with VerticalScroll(id="dialog", classes="conversation-settings"):
            title = preview(clean(info.shown_title), 50)
            yield Label(f"Settings of “{title}”", id="dialog-title", markup=False)
            yield Label("Title", markup=False)
            yield Input(
                clean(info.title),
                id="title",
                placeholder="empty: named after its first message",
                compact=True,
            )
            yield Label("Model", markup=False)
            yield Input(
                info.model or "",
                id="model",
                placeholder=f"empty: the default, {clean(str(settings.model))}",
                compact=True,
            )
            yield Static(ASKING, id="models-status", markup=False)
            yield OptionList(id="models")
            yield Label("Persona (system prompt)", markup=False)
            yield TextArea(
                info.system_prompt or "",
                id="persona",
                soft_wrap=True,
                compact=True,
                placeholder="empty: the default"
                + (f", “{preview(clean(default_prompt), 40)}”" if default_prompt else ""),
            )
            yield Label("Temperature (0 to 2)", markup=False)
            yield Input(
                "" if info.temperature is None else f"{info.temperature:g}",
                id="temperature",
                placeholder="empty: the default"
                + (f", {temperature:g}" if temperature is not None else ", the server's"),
                compact=True,
            )
            yield Static("", id="temperature-error", markup=False)
            yield Static("", id="save-error", markup=False)
            with Horizontal(id="dialog-buttons"):
                yield Button("Save", variant="primary", id="save")
                yield Button("Cancel", id="cancel")

    def on_mount(self) -> None:
        self.query_one("#models", OptionList).display = False
        self.query_one("#title", Input).focus()
        self.load_models()

    @work(exclusive=True, group="models")
    async def load_models(self) -> None:
        self.show_models(await self.workspace.models())

    def show_models(self, models: list[str]) -> None:
        """The server's models: suggested while the model is typed, and listed to pick from."""
        self.models = [clean(m) for m in models]
        status = self.query_one("#models-status", Static)
        listing = self.query_one("#models", OptionList)
        if not self.models:
            status.update(NO_MODELS)
            return
        self.query_one("#model", Input).suggester = SuggestFromList(
            self.models, case_sensitive=False
        )
        status.update(f"The server offers {len(self.models)} (enter on one picks it):")
        listing.set_options(Option(m, id=str(i)) for i, m in enumerate(self.models))
        listing.display = True
        chosen = self.query_one("#model", Input).value.strip()
        if chosen in self.models:
            listing.highlighted = self.models.index(chosen)

    @on(OptionList.OptionSelected, "#models")
    def _picked(self, event: OptionList.OptionSelected) -> None:
        model = self.query_one("#model", Input)
        model.value = self.models[event.option_index]
        model.focus()

    @on(Input.Changed, "#temperature")
    def _check_temperature(self) -> bool:
        ok, _ = parse_temperature(self.query_one("#temperature", Input).value)
        self.query_one("#temperature-error", Static).update("" if ok else TEMPERATURE_ERROR)
        return ok

    def changes(self) -> tuple[str | None, dict[str, Any]]:
        """(the new title or None, the settings that changed); ValueError for a bad value."""
        info = self.info
        title = " ".join(self.query_one("#title", Input).value.split())
        if not title and info.title:
            raise ValueError("A title cannot be empty (escape keeps it as it was).")
        ok, temperature = parse_temperature(self.query_one("#temperature", Input).value)
        if not ok:
            raise ValueError(TEMPERATURE_ERROR)
        wanted: dict[str, Any] = {
            "model": self.query_one("#model", Input).value.strip() or None,
            "system_prompt": self.query_one("#persona", TextArea).text.strip() or None,
            "temperature": temperature,
        }
        changed = {k: v for k, v in wanted.items() if v != getattr(info, k)}
        return (title if title != info.title else None), changed

    @on(Input.Submitted)
    @on(Button.Pressed, "#save")
    def action_save(self) -> None:
        error = self.query_one("#save-error", Static)
        try:
            title, changed = self.changes()
            if changed:
                self.workspace.configure(self.conversation_id, **changed)
            if title is not None:
                self.workspace.rename(self.conversation_id, title)
        except (ValueError, StoreError) as e:
            error.update(clean(str(e)))
            self.app.bell()
            return
        self.dismiss(True)

    @on(Button.Pressed, "#cancel")
    def action_cancel(self) -> None:
        self.dismiss(False)
