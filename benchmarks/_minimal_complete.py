"""A control for bench_app.py's key row: the minimal app with its footer drawn in its first frame.

Textual's `Footer` shows its keys a frame or two after the first (it mounts them once the
screen's bindings are known), so the minimal app's screen is complete only after Textual's
screen-update timer has ticked and done the repaint left over from start-up. This one shows the
same text in a `Static`, so, like dynaprompt, its screen is complete in the first frame, and a
key typed at once waits for that timer's first tick and the leftover repaint. Its key row
tells what any app complete in its first frame pays there (no target; printed for comparison).

    python benchmarks/_minimal_complete.py
"""

from textual.app import App, ComposeResult
from textual.widgets import Header, Input, Static


class MinimalComplete(App[None]):
    TITLE = "minimal"
    CSS = "#footer { dock: bottom; height: 1; background: $footer-background; }"

    def compose(self) -> ComposeResult:
        yield Header()
        yield Input(placeholder="Message…")
        yield Static(" ^p palette", id="footer")


if __name__ == "__main__":
    MinimalComplete().run()
