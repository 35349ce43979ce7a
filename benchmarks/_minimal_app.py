"""The baseline of bench_app.py: a minimal Textual app (Header, Input, Footer), run as a real
terminal program. Ctrl+q quits (Textual's default binding).

    python benchmarks/_minimal_app.py
"""

from textual.app import App, ComposeResult
from textual.widgets import Footer, Header, Input


class Minimal(App[None]):
    TITLE = "minimal"

    def compose(self) -> ComposeResult:
        yield Header()
        yield Input(placeholder="Message…")
        yield Footer()


if __name__ == "__main__":
    Minimal().run()
