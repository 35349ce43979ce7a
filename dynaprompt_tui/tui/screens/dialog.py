"""What the dialogs share. Their styles live with them, not in app.tcss: the dialogs load on
first use, so start-up does not parse CSS for screens it may never show."""

from __future__ import annotations

from typing import TypeVar

from textual.screen import ModalScreen

R = TypeVar("R")


class DialogScreen(ModalScreen[R]):
    DEFAULT_CSS = """
    DialogScreen {
        align: center middle;
    }
    #dialog {
        width: 72;
        max-width: 95%;
        height: auto;
        max-height: 100%;
        border: thick $primary;
        background: $surface;
        padding: 0 2;
    }
    #dialog-buttons {
        height: auto;
        margin-top: 1;
        align-horizontal: right;
    }
    #dialog-buttons Button {
        margin-left: 2;
    }
    """
