"""The line under the input that previews a draft's `dps` lines; made on first use.

While the user types, a line that is not finished yet (no message below `dps`, a time half
written) is a neutral hint, not an error; it turns red, with "not sent", once the user tries to
send it, and stays red for that draft until it is fixed."""

from __future__ import annotations

from textual.widgets import Static

from dynaprompt_tui.tui.widgets.safe import clean

NOT_SENT = "not sent: fix the instruction below, or remove it (nothing was scheduled)"
FAILED = "preview failed"  # our failure, not the draft's: shown as an error at once
_EMPTY = "nothing to send: "  # the core's words for a `dps` line with no message yet


def hint(text: str) -> str:
    """A problem of a draft still being written, in the words of a next step."""
    if text.startswith(_EMPTY):
        return "next: " + text.removeprefix(_EMPTY)
    return text


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
        &.-hint {
            color: $text-muted;
        }
        &.-error {
            color: $text-error;
        }
    }
    """

    tried = False  # the user tried to send this draft: its problems are errors now

    def show(self, lines: list[tuple[bool, str]], *, refused: bool = False) -> None:
        """Show what each `dps` line will do, (ok, text) each; green only if all are ok.
        `refused`: Enter was pressed on it; say it was not sent and show only what is wrong.
        Before that, a line that is not ok is a hint (muted, `·`), not an error."""
        all_ok = all(ok for ok, _ in lines)
        self.tried = (self.tried or refused) and not all_ok
        if refused:
            lines = [(False, NOT_SENT)] + [(ok, text) for ok, text in lines if not ok]
        error = not all_ok and (
            self.tried or any(not ok and text.startswith(FAILED) for ok, text in lines)
        )
        if error or all_ok:
            shown = [("✓ " if ok else "✗ ") + clean(text) for ok, text in lines]
        else:
            shown = [
                ("✓ " + clean(text)) if ok else ("· " + clean(hint(text))) for ok, text in lines
            ]
        self.update("\n".join(shown))
        self.set_class(all_ok, "-ok")
        self.set_class(not all_ok and not error, "-hint")
        self.set_class(error, "-error")
        self.display = True

    def on_hide(self) -> None:
        self.tried = False  # (hidden: sent, or no instruction left) a new draft starts afresh
