"""The line under the input that previews a draft's `dps` lines; made on first use."""

from __future__ import annotations

from textual.widgets import Static

from dynaprompt_tui.tui.widgets.safe import clean

NOT_SENT = "not sent: fix the instruction below, or remove it (nothing was scheduled)"


class DraftPreview(Static):
    """The line under the input that previews what a draft's `dps` lines will do."""

    DEFAULT_CSS = """
    DraftPreview {
        display: none;
        height: auto;
        max-height: 4;
        padding: 0 2;
        background: $boost;
        &.-ok {
            color: $text-success;
        }
        &.-error {
            color: $text-error;
        }
    }
    """

    def show(self, lines: list[tuple[bool, str]], *, refused: bool = False) -> None:
        """Show what each `dps` line will do, (ok, text) each; green only if all are ok.
        `refused`: Enter was pressed on it; say it was not sent and show only what is wrong."""
        if refused:
            lines = [(False, NOT_SENT)] + [(ok, text) for ok, text in lines if not ok]
        self.update("\n".join(("✗ " if not ok else "✓ ") + clean(text) for ok, text in lines))
        all_ok = all(ok for ok, _ in lines)
        self.set_class(all_ok, "-ok")
        self.set_class(not all_ok, "-error")
        self.display = True
