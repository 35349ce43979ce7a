"""The conversation list: every conversation, the latest activity first, with its unread and
pending counts; open, new, rename, delete, archive, its settings, a filter by title.

`ConversationsScreen(workspace)` dismisses with the id of the conversation to open, or None
(nothing to switch to; it may have created, renamed, archived or deleted some: the caller
refreshes what it shows). After deleting the open conversation it dismisses with the one the
workspace opened instead. Rows are read a page at a time (`PAGE`), the next page when the
highlight nears the end; the OptionList renders only the rows on screen."""

from __future__ import annotations

from datetime import datetime, tzinfo
from typing import TYPE_CHECKING

from textual import events, on, work
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Vertical
from textual.content import Content
from textual.widgets import Input, Label, OptionList, Static
from textual.widgets.option_list import Option

from dynaprompt_tui.core.models import ConversationInfo
from dynaprompt_tui.core.storage.errors import StoreError
from dynaprompt_tui.tui.screens.confirm import ConfirmScreen
from dynaprompt_tui.tui.screens.conversation_settings import ConversationSettingsScreen
from dynaprompt_tui.tui.screens.dialog import DialogScreen
from dynaprompt_tui.tui.screens.prompt import PromptScreen, key_hints
from dynaprompt_tui.tui.widgets.safe import clean

if TYPE_CHECKING:
    from dynaprompt_tui.core.conversation.workspace import Workspace

PAGE = 200  # rows read at a time
MORE_AT = 20  # the next page is read when the highlight is this near the end
KEYS_HINT = (
    "enter open · n new · r rename · d delete · a archive · s settings · tab archived · / filter"
    " · esc close"
)
OPEN_MARK = "●"
UNREAD_W, PENDING_W, WHEN_W = 9, 11, 12  # the right-hand columns


def plural(n: int, word: str) -> str:
    return f"{n} {word}" if n == 1 else f"{n} {word}s"


def activity(when: datetime, now: datetime, zone: tzinfo) -> str:
    """The latest activity in few words: `just now`, `5 min ago`, `3 h ago`, `yesterday`,
    `4 days ago`, `12 Feb`, `12 Feb 2025`."""
    seconds = (now - when).total_seconds()
    if seconds < 60:
        return "just now"
    if seconds < 3600:
        return f"{int(seconds // 60)} min ago"
    day, today = when.astimezone(zone).date(), now.astimezone(zone).date()
    days = (today - day).days
    if days <= 0:
        return f"{int(seconds // 3600)} h ago"
    if days == 1:
        return "yesterday"
    if days < 7:
        return f"{days} days ago"
    local = when.astimezone(zone)
    text = f"{local.day} {local:%b}"
    return text if day.year == today.year else f"{text} {day.year}"


def row(
    info: ConversationInfo, width: int, *, now: datetime, zone: tzinfo, open_id: int
) -> Content:
    """One line of the list, `width` cells: the open mark, the title (cut with an ellipsis),
    the unread badge, the pending schedules and the latest activity. The title is the user's
    or the model's text: plain, never markup."""
    mark = Content.styled(f"{OPEN_MARK} ", "bold $text-accent") if info.id == open_id else "  "
    unread = f"{info.unread} new" if info.unread else ""
    pending = f"{info.pending} pending" if info.pending else ""
    right = Content.assemble(
        Content.styled(unread.rjust(UNREAD_W), "bold $text-warning"),
        Content.styled(pending.rjust(PENDING_W), "$text-secondary"),
        Content.styled(activity(info.updated_at, now, zone).rjust(WHEN_W), "$text-muted"),
    )
    title = Content(" ".join(clean(info.shown_title).split()))
    if not info.title:
        title = title.stylize("italic")
    if info.unread:
        title = title.stylize("bold")
    tag = Content.styled(" · archived" if info.archived else "", "$text-muted")
    space = max(4, width - 2 - right.cell_length - tag.cell_length)
    title = Content.assemble(title.truncate(space, ellipsis=True), tag)
    return Content.assemble(mark, title.truncate(space + tag.cell_length, pad=True), right)


class ConversationList(OptionList):
    """The rows; laid out again for a new width (the title takes what the counts leave)."""

    def on_resize(self, event: events.Resize) -> None:
        screen = self.screen
        if isinstance(screen, ConversationsScreen):
            screen.show_rows()


class ConversationsScreen(DialogScreen[int | None]):
    DEFAULT_CSS = """
    #dialog.conversations {
        width: 100;
        height: 90%;
        padding: 0 1;
    }
    #dialog.conversations #dialog-title {
        width: 1fr;
        text-style: bold;
    }
    #list-status {
        color: $text-muted;
        height: 1;
    }
    #filter {
        margin: 0 0 1 0;
    }
    ConversationList {
        height: 1fr;
        text-wrap: nowrap;
        text-overflow: clip;
        scrollbar-gutter: stable;
    }
    #empty {
        height: auto;
        color: $text-muted;
        padding: 1 2;
    }
    #keys-hint {
        height: auto;
        color: $text-muted;
        margin-top: 1;
    }
    """
    BINDINGS = [
        Binding("escape", "close", "Close", show=False),
        Binding("n", "new", "New", show=False),
        Binding("r", "rename", "Rename", show=False),
        Binding("d,delete", "delete", "Delete", show=False),
        Binding("a", "archive", "Archive", show=False),
        Binding("s", "settings", "Settings", show=False),
        Binding("tab", "toggle_archived", "Archived", show=False),
        Binding("slash", "filter", "Filter", show=False),
        Binding("up", "move('cursor_up')", show=False),  # (from the filter)
        Binding("down", "move('cursor_down')", show=False),
        Binding("pageup", "move('page_up')", show=False),
        Binding("pagedown", "move('page_down')", show=False),
    ]

    def __init__(self, workspace: Workspace) -> None:
        super().__init__()
        self.workspace = workspace
        self.show_archived = False
        self.loaded: list[ConversationInfo] = []  # read so far, latest activity first
        self.complete = False  # every row is read
        self.shown: list[ConversationInfo] = []  # those the filter lets through
        self._width = 0
        self._made: dict[int, Content] = {}  # the rows laid out (for this width and reading)
        self._now = workspace.clock.now()  # when the rows were read ("2 min ago")

    def compose(self) -> ComposeResult:
        with Vertical(id="dialog", classes="conversations"):
            yield Label("Conversations", id="dialog-title")
            yield Static("", id="list-status", markup=False)
            yield Input(id="filter", placeholder="/ filter by title", compact=True)
            yield ConversationList(id="conversations")
            yield Static("", id="empty", markup=False)
            yield Static(key_hints(KEYS_HINT), id="keys-hint")

    def on_mount(self) -> None:
        self.reload()
        self.rows.focus()

    @property
    def rows(self) -> ConversationList:
        return self.query_one(ConversationList)

    @property
    def filter_text(self) -> str:
        return self.query_one("#filter", Input).value.strip().casefold()

    # -- reading and showing the rows -----------------------------------------------------------

    def _read(self, limit: int, offset: int = 0) -> list[ConversationInfo]:
        archived = None if self.show_archived else False
        return self.workspace.conversations(archived=archived, limit=limit, offset=offset)

    def reload(self, keep: int | None = None) -> None:
        """Read the rows again (as many as were read, at least a page), the highlight kept on
        conversation `keep` if it is still there, else at the same place."""
        count = max(PAGE, len(self.loaded))
        rows = self._read(count + 1)
        self.complete = len(rows) <= count
        self.loaded = rows[:count]
        self._made.clear()
        self._now = self.workspace.clock.now()
        self.show_rows(keep, force=True)

    def _read_more(self) -> bool:
        if self.complete:
            return False
        more = self._read(PAGE + 1, len(self.loaded))
        self.complete = len(more) <= PAGE
        self.loaded += more[:PAGE]
        return True

    def show_rows(self, keep: int | None = None, *, force: bool = False) -> None:
        """Lay the rows out for the list's width; `keep`: the conversation to highlight."""
        option_list = self.rows
        width = option_list.scrollable_content_region.width - 2  # (the options' padding)
        if width <= 0 or (width == self._width and not force):
            return
        if width != self._width:
            self._width = width
            self._made.clear()
        index = option_list.highlighted
        if keep is None and index is not None and index < len(self.shown):
            keep = self.shown[index].id
        wanted = self.filter_text
        if wanted and self._read_more():  # a filter looks at every title
            while self._read_more():
                pass
        self.shown = [r for r in self.loaded if wanted in r.shown_title.casefold()]
        option_list.set_options(self._option(r) for r in self.shown)
        ids = [r.id for r in self.shown]
        if keep in ids:
            option_list.highlighted = ids.index(keep)
        elif self.shown:
            option_list.highlighted = min(index or 0, len(self.shown) - 1)
        self._show_status(wanted)

    def _option(self, info: ConversationInfo) -> Option:
        """Its row, made once per reading of the rows and width (the filter reuses them)."""
        made = self._made.get(info.id)
        if made is None:
            ws = self.workspace
            made = row(info, self._width, now=self._now, zone=ws.tz, open_id=ws.current_id)
            self._made[info.id] = made
        return Option(made, id=str(info.id))

    def _show_status(self, wanted: str) -> None:
        store = self.workspace.store
        active, archived = store.conversation_count(), store.conversation_count(archived=True)
        status = plural(active, "conversation")
        if archived:
            shown = "shown: tab hides them" if self.show_archived else "tab shows them"
            status += f" · {archived} archived ({shown})"
        self.query_one("#list-status", Static).update(status)
        empty = self.query_one("#empty", Static)
        if self.shown:
            empty.display = False
            return
        empty.display = True
        if wanted:
            typed = self.query_one("#filter", Input).value.strip()
            empty.update(f"No conversation's title has “{clean(typed)}” (escape clears).")
        else:
            hidden = " (tab shows the archived ones)" if archived and not self.show_archived else ""
            empty.update(f"No conversations: n starts one{hidden}.")

    @on(OptionList.OptionHighlighted)
    def _near_the_end(self, event: OptionList.OptionHighlighted) -> None:
        if self.complete or event.option_index < len(self.shown) - MORE_AT:
            return
        before = len(self.loaded)
        if self._read_more():
            new = self.loaded[before:]
            self.shown += new
            self.rows.add_options(self._option(r) for r in new)

    def selected(self) -> ConversationInfo | None:
        """The highlighted conversation (None, with a bell, when there is none)."""
        index = self.rows.highlighted
        if index is None or not 0 <= index < len(self.shown):
            self.app.bell()
            return None
        return self.shown[index]

    # -- the filter -----------------------------------------------------------------------------

    def action_filter(self) -> None:
        self.query_one("#filter", Input).focus()

    @on(Input.Changed, "#filter")
    def _filter_changed(self) -> None:
        self.rows.highlighted = None  # (the first match)
        self.show_rows(force=True)

    @on(Input.Submitted, "#filter")
    def _filter_submitted(self) -> None:
        self.action_open()

    def action_move(self, action: str) -> None:
        getattr(self.rows, f"action_{action}")()

    # -- the keys -------------------------------------------------------------------------------

    def action_close(self) -> None:
        """Escape: clear the filter when typing in it, else close."""
        box = self.query_one("#filter", Input)
        if box.has_focus:
            box.value = ""
            self.rows.focus()
            return
        self.dismiss(None)

    @on(OptionList.OptionSelected)
    def action_open(self) -> None:
        info = self.selected()
        if info is not None:
            self.dismiss(None if info.id == self.workspace.current_id else info.id)

    def action_toggle_archived(self) -> None:
        self.show_archived = not self.show_archived
        self.reload()

    @work(exclusive=True, group="conversation-list")
    async def action_new(self) -> None:
        title = await self.app.push_screen_wait(
            PromptScreen(
                "Title of the new conversation",
                placeholder="empty: named after its first message",
                ok="Create",
            )
        )
        if title is None:
            return
        conversation = self.workspace.create(title)
        self.dismiss(conversation.id)

    @work(exclusive=True, group="conversation-list")
    async def action_rename(self) -> None:
        info = self.selected()
        if info is None:
            return
        title = await self.app.push_screen_wait(
            PromptScreen(
                f"Rename “{info.shown_title}”",
                info.title,
                allow_empty=False,
                empty_error="A title cannot be empty.",
                ok="Rename",
            )
        )
        if title is None:
            return
        try:
            self.workspace.rename(info.id, title)
        except StoreError as e:
            self.notify(clean(str(e)), severity="error", markup=False)
        self.reload(info.id)

    @work(exclusive=True, group="conversation-list")
    async def action_delete(self) -> None:
        info = self.selected()
        if info is None:
            return
        messages = self.workspace.store.scoped(info.id).message_count()
        going = plural(messages, "message")
        if info.pending:
            going += f" and {plural(info.pending, 'pending schedule')}"
        question = f"Delete “{info.shown_title}” with its {going}? This cannot be undone."
        if not await self.app.push_screen_wait(ConfirmScreen(question, "Delete", "Keep")):
            return
        was_open = info.id == self.workspace.current_id
        try:
            now_open = await self.workspace.delete(info.id)
        except StoreError as e:  # (another process deleted it first)
            self.notify(clean(str(e)), severity="error", markup=False)
            now_open = self.workspace.current_id
        if was_open:
            self.dismiss(now_open)
            return
        self.reload()

    def action_archive(self) -> None:
        info = self.selected()
        if info is None:
            return
        try:
            self.workspace.archive(info.id, not info.archived)
        except StoreError as e:
            self.notify(clean(str(e)), severity="error", markup=False)
        self.reload(info.id)

    @work(exclusive=True, group="conversation-list")
    async def action_settings(self) -> None:
        info = self.selected()
        if info is None:
            return
        if await self.app.push_screen_wait(ConversationSettingsScreen(self.workspace, info.id)):
            self.reload(info.id)
