"""Search every conversation: results while typing, each with its conversation, time, who wrote
it and the words around the match (highlighted).

`SearchScreen(workspace, zone)` dismisses with the `SearchHit` chosen (enter, or a click), or
None (escape). The query runs in a thread worker, exclusive: each keystroke starts a new one and
the results of an older query are dropped, so typing never waits for the database."""

from __future__ import annotations

import contextlib
from datetime import datetime, tzinfo
from typing import TYPE_CHECKING

from textual import on, work
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Vertical
from textual.content import Content
from textual.widgets import Input, Label, OptionList, Static
from textual.widgets.option_list import Option
from textual.worker import get_current_worker

from dynaprompt_tui.core.formatting import when_abs
from dynaprompt_tui.core.models import Role, SearchHit
from dynaprompt_tui.tui.screens.dialog import DialogScreen
from dynaprompt_tui.tui.screens.prompt import key_hints
from dynaprompt_tui.tui.widgets.safe import clean

if TYPE_CHECKING:
    from dynaprompt_tui.core.conversation.workspace import Workspace

LIMIT = 50  # the newest matches shown
# The store puts these around each match in a snippet: private-use characters, which no
# keyboard types, so the text between them is the match and everything else is plain text.
MARK = ("\ue000", "\ue001")
HINT = (
    "Type to search every conversation: messages with every word "
    "(the last may be the start of a word)."
)
KEYS_HINT = "↑/↓ move · enter go to the message · esc close"
WHO = {
    Role.USER: "you",
    Role.ASSISTANT: "bot",
    Role.REMINDER: "reminder",
    Role.NOTICE: "app",
    Role.ERROR: "error",
}
TITLE_CHARS = 48


def snippet(text: str) -> Content:
    """The words around the match on one line, the match highlighted; the message's own text
    is never read as markup."""
    pieces: list[Content] = []
    one_line = " ".join(text.split())
    for i, part in enumerate(one_line.split(MARK[0])):
        inside, _, after = part.partition(MARK[1]) if i else ("", "", part)
        if inside:
            pieces.append(Content.styled(clean(inside), "bold reverse $text-accent"))
        pieces.append(Content(clean(after.replace(MARK[1], ""))))
    return Content.assemble(*pieces)


def hit_prompt(hit: SearchHit, zone: tzinfo, now: datetime) -> Content:
    """Two lines: the conversation, when and who; then the snippet."""
    title = " ".join(clean(hit.conversation_title or "New conversation").split())
    if len(title) > TITLE_CHARS:
        title = title[: TITLE_CHARS - 1] + "…"
    when = when_abs(hit.created_at, now.astimezone(zone))
    header = Content.assemble(
        Content.styled(title, "bold"),
        Content.styled(f"  {when} · {WHO.get(hit.role, hit.role.value)}", "$text-muted"),
    )
    return Content.assemble(header, "\n", "  ", snippet(hit.snippet))


class SearchScreen(DialogScreen[SearchHit | None]):
    DEFAULT_CSS = """
    #dialog.search {
        width: 100;
        height: 90%;
        padding: 0 1;
    }
    #dialog.search #dialog-title {
        text-style: bold;
    }
    #search-status {
        height: auto;
        color: $text-muted;
        padding: 0 1;
    }
    #results {
        height: 1fr;
    }
    #search-keys {
        height: auto;
        color: $text-muted;
        margin-top: 1;
    }
    """
    BINDINGS = [
        Binding("escape", "close", "Close", show=False),
        Binding("up", "move('cursor_up')", show=False),  # (from the input)
        Binding("down", "move('cursor_down')", show=False),
        Binding("pageup", "move('page_up')", show=False),
        Binding("pagedown", "move('page_down')", show=False),
    ]

    def __init__(self, workspace: Workspace, zone: tzinfo) -> None:
        super().__init__()
        self.workspace = workspace
        self.zone = zone
        self.hits: list[SearchHit] = []
        self.shown_for = ""  # the text the results are for

    def compose(self) -> ComposeResult:
        with Vertical(id="dialog", classes="search"):
            yield Label("Search", id="dialog-title")
            yield Input(id="query", placeholder="words to find…")
            yield Static(HINT, id="search-status", markup=False)
            yield OptionList(id="results")
            yield Static(key_hints(KEYS_HINT), id="search-keys")

    def on_mount(self) -> None:
        self.query_one("#query", Input).focus()

    @property
    def results(self) -> OptionList:
        return self.query_one("#results", OptionList)

    @on(Input.Changed, "#query")
    def _typed(self, event: Input.Changed) -> None:
        if event.value.strip():
            self.run_search(event.value)
        else:
            self.workers.cancel_group(self, "search")
            self.show_hits("", [])

    @work(thread=True, exclusive=True, group="search")
    def run_search(self, text: str) -> None:
        """In a thread: the query, then the results shown (if still wanted)."""
        worker = get_current_worker()
        try:
            hits = self.workspace.search(text, limit=LIMIT, mark=MARK)
            error = ""
        except Exception as e:  # the screen stays usable whatever the store says
            hits, error = [], clean(str(e) or type(e).__name__)
        if not worker.is_cancelled:
            with contextlib.suppress(RuntimeError):  # (the app has closed meanwhile)
                self.app.call_from_thread(self.show_hits, text, hits, error)

    def show_hits(self, text: str, hits: list[SearchHit], error: str = "") -> None:
        """Show the results for `text`, unless the input says something else by now."""
        if not self.is_attached or text != self.query_one("#query", Input).value:
            return
        self.hits, self.shown_for = hits, text
        now = self.workspace.clock.now()
        options: list[Option | None] = []
        for i, hit in enumerate(hits):
            if i:
                options.append(None)  # (a line between results)
            options.append(Option(hit_prompt(hit, self.zone, now), id=str(i)))
        self.results.set_options(options)
        if hits:
            self.results.highlighted = 0
        self.query_one("#search-status", Static).update(self._status(text, hits, error))

    @staticmethod
    def _status(text: str, hits: list[SearchHit], error: str) -> str:
        if error:
            return f"The search failed: {error}"
        if not text.strip():
            return HINT
        if not hits:
            return f"No matches for “{clean(text.strip())}”."
        if len(hits) >= LIMIT:
            return f"The {LIMIT} newest matches (more words narrow them)."
        return "1 match." if len(hits) == 1 else f"{len(hits)} matches, the newest first."

    def action_move(self, action: str) -> None:
        getattr(self.results, f"action_{action}")()

    def _chosen(self) -> SearchHit | None:
        option = self.results.highlighted_option
        if option is None or option.id is None:
            return None
        return self.hits[int(option.id)]

    @on(Input.Submitted, "#query")
    @on(OptionList.OptionSelected, "#results")
    def choose(self) -> None:
        hit = self._chosen()
        if hit is None:
            self.app.bell()
            return
        self.dismiss(hit)

    def action_close(self) -> None:
        self.dismiss(None)
