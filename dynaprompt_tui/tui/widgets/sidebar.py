"""The schedule sidebar: one virtualised widget (Line API), so 100,000 schedules cost what 20 do.

A fixed title, then the open conversation's schedules, or (`v`) every conversation's under each
conversation's title (a hint when there are none). Counts come from SQL, schedules a page at a
time as painted (`sidebar_pages`); store changes reload them at most once per `COALESCE`
seconds. Descriptions are cached; relative labels ("in 3 min") are looked at only when one in
view changes its words (`sidebar_rows.wait`). One widget, not a container: each widget is
styled, laid out and painted on the way to the first frame.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from datetime import datetime, tzinfo
from typing import Any, TypeAlias

from rich.segment import Segment
from rich.style import Style
from textual import events
from textual.binding import Binding
from textual.geometry import Size
from textual.reactive import reactive
from textual.scroll_view import ScrollView
from textual.strip import Strip

from dynaprompt_tui.core.models import Schedule
from dynaprompt_tui.tui import toasts
from dynaprompt_tui.tui.widgets import sidebar_requests as requests
from dynaprompt_tui.tui.widgets import sidebar_rows as rows
from dynaprompt_tui.tui.widgets.sidebar_pages import DESCRIBED, Coalesced, ListSource, Pages, Source
from dynaprompt_tui.tui.widgets.sidebar_rows import CANCEL, Row

ROW = rows.ROW  # lines per schedule, one a gap (the last; grouped: the first)
TOP = 1  # the title line above the schedules
COALESCE = 0.2  # seconds: after a reload, further changes wait this long and share one


class ScheduleSidebar(ScrollView, can_focus=True):
    """A title, then pending and paused schedules sorted by next fire, with a cursor."""

    COMPONENT_CLASSES = {
        "sidebar--header",
        "sidebar--title",
        "sidebar--muted",
        "sidebar--when",
        "sidebar--relative",
        "sidebar--cancel",
        "sidebar--paused",
        "sidebar--cursor",
        "sidebar--cursor-blurred",
    }
    BINDINGS = [
        Binding("up,k", "cursor(-1)", "Up", show=False),
        Binding("down,j", "cursor(1)", "Down", show=False),
        Binding("pageup", "cursor(-5)", show=False),
        Binding("pagedown", "cursor(5)", show=False),
        Binding("home", "cursor_to(0)", show=False),
        Binding("end", "cursor_to(-1)", show=False),
        Binding("x,delete", "cancel", "Cancel", id="schedules.cancel"),
        Binding("e,enter", "edit", "Edit", id="schedules.edit"),
        Binding("p", "pause", "Pause/resume", id="schedules.pause"),
        Binding("n", "new", "New", id="schedules.new", show=False),
        Binding("a", "approve", "Approve", id="schedules.approve"),  # shown when it applies
        Binding("h", "app.schedule_history", "History", id="schedules.history", show=False),
        Binding("v", "toggle_all", "All/this", id="schedules.all"),
        Binding("escape", "screen.focus('composer')", show=False),
        Binding("question_mark", "screen.help", show=False),
    ]

    CancelRequested: TypeAlias = requests.CancelRequested
    EditRequested: TypeAlias = requests.EditRequested
    PauseToggleRequested: TypeAlias = requests.PauseToggleRequested
    ApproveRequested: TypeAlias = requests.ApproveRequested
    NewRequested: TypeAlias = requests.NewRequested

    cursor: reactive[int] = reactive(0, always_update=True)

    def __init__(
        self,
        *,
        describe: Callable[[Schedule], Any] | None = None,
        now: Callable[[], datetime],
        tz: tzinfo,
        source: Source | None = None,
        schedules: Sequence[Schedule] = (),
        counts: tuple[int, int] | None = None,
        **kwargs: Any,
    ) -> None:
        """Schedules from `source` (the store, through the conversation), or else these
        `schedules` with these `counts`, as in `set_schedules`."""
        super().__init__(**kwargs)
        self.describe = describe
        self.now = now
        self.tz = tz
        self._own: Source = source or ListSource(schedules, counts)  # this conversation's
        self._all: Source | None = None  # every conversation's, while the sidebar shows them
        self.pages = Pages(self._own)
        self.reloads = 0  # how often the counts and the page in view were read again
        self.reloader = Coalesced(self.reload, self.set_timer, COALESCE)
        self._error_shown = False
        self._approve_offered: bool | None = False
        self._rows: dict[str, tuple[Schedule, Row]] = {}
        self.ticker = rows.Ticker(self._visible_rows, now, self.set_timer, self.refresh)
        # (component, cursor component) -> style. Resolving a widget's style walks its
        # ancestors; a line has up to three pieces and a screen ~40 lines. Cleared whenever
        # Textual restyles the widget (theme, focus, classes).
        self._styles: dict[tuple[str | None, str | None], Style] = {}

    def on_mount(self) -> None:
        self.reload()

    # -- data ------------------------------------------------------------------------------
    def set_schedules(
        self, schedules: Sequence[Schedule], *, counts: tuple[int, int] | None = None
    ) -> None:
        """Show these schedules from now on; `counts`: (all, paused) when these are only the
        first of them (the list is as long as all of them, so the scrollbar does not jump)."""
        self.pages.source = self._own = ListSource(schedules, counts)
        self._all = None
        self.reload()

    def show(self, source: Source, describe: Callable[[Schedule], Any] | None) -> None:
        """Another conversation's schedules from the top (grouped: still every one's)."""
        self._own = source
        if self._all is not None:
            self._all = source.everything()
        self.pages.source = self._all or source
        self.describe = describe
        self.cursor = 0
        self.reload()

    def changed(self) -> None:
        """The schedules changed in the store: reload now, or, within `reloader.interval`
        seconds of the last reload, once when that time is up (reading the sidebar's state
        meanwhile reloads at once)."""
        self.reloader(timers=self.is_mounted)

    def flush(self) -> None:
        """Reload now if a change is waiting for its turn."""
        self.reloader.flush()

    def reload(self) -> None:
        """Read the counts and the page in view again; the cursor stays on its schedule."""
        self.reloader.due = False
        before = self.pages.peek(self.cursor)
        try:
            counts = self.pages.source.counts()
        except Exception as e:
            self._failed(e)
            return
        self.reloads += 1
        self._error_shown = False
        self.pages.reset(counts)
        index = self.cursor
        if before is not None and getattr(self._get(index), "id", None) != before.id:
            try:  # it moved (those before it fired, say): follow it
                moved = self.pages.source.position(before.id)
            except Exception as e:
                moved = None
                self._failed(e)
            index = index if moved is None else moved
        self.virtual_size = Size(0, self._height())  # (before the cursor scrolls)
        self.cursor = max(0, min(index, counts.total - 1))
        self.refresh()
        self._plan_tick()

    def _failed(self, e: Exception) -> None:
        if not self._error_shown:  # once until a read works again, not once per line
            self._error_shown = True
            self.notify(toasts.failed("Loading schedules", e), severity="error", markup=False)

    def _get(self, index: int) -> Schedule | None:
        try:
            return self.pages.get(index)
        except Exception as e:
            self._failed(e)
            return None

    def _height(self) -> int:
        return TOP + self.pages.total * ROW

    @property
    def total(self) -> int:
        """How many pending and paused schedules there are (SQL's count)."""
        self.flush()
        return self.pages.total

    @property
    def grouped(self) -> bool:  # every conversation's schedules are shown
        return self._all is not None

    @property
    def title(self) -> str:
        self.flush()
        return rows.title(*self.pages.counts, everything=self.grouped)

    @property
    def schedules(self) -> list[Schedule]:
        """The schedules read now, in order: a window of all of them around the view."""
        self.flush()
        return self.pages.loaded()

    @property
    def selected(self) -> Schedule | None:
        self.flush()
        return self._get(self.cursor)

    def row(self, index: int) -> Row:
        """What the schedule at `index` shows (IndexError past the end)."""
        schedule = self._get(index)
        if schedule is None:
            raise IndexError(index)
        return self._row_of(schedule)

    def _row_of(self, schedule: Schedule) -> Row:
        cached = self._rows.get(schedule.id)
        if cached is not None and cached[0] == schedule:
            return cached[1]
        view = None
        if self.describe is not None:
            try:
                view = self.describe(schedule)
            except Exception:  # a schedule the core can't describe still shows
                view = None
        row = rows.make_row(schedule, view, self.tz)
        self._rows[schedule.id] = (schedule, row)
        if len(self._rows) > DESCRIBED:
            del self._rows[next(iter(self._rows))]  # the oldest
        return row

    # -- rendering -------------------------------------------------------------------------
    def notify_style_update(self) -> None:
        super().notify_style_update()
        self._styles.clear()

    def _style(self, comp: str | None, cursor: str | None) -> Style:
        key = (comp, cursor)
        style = self._styles.get(key)
        if style is None:
            style = self.rich_style
            for part in (comp, cursor):
                if part is not None:
                    style = style + self.get_component_rich_style(part)
            self._styles[key] = style
        return style

    def render_line(self, y: int) -> Strip:
        width = self.scrollable_content_region.width
        if y < TOP:
            header = self._style("sidebar--header", None)
            text = (" " + rows.title(*self.pages.counts, everything=self.grouped))[:width]
            return Strip([Segment(text, header)]).adjust_cell_length(width, header)
        if not self.pages.total:
            return self._hint_line(y - TOP, width)
        index, sub = rows.locate(y - TOP + int(self.scroll_offset.y), grouped=self.grouped)
        schedule = self._get(index)
        if schedule is None or width <= 0:
            return Strip.blank(width, self._style(None, None))
        if sub < 0:
            return self._gap_line(index, schedule, width)
        cursor: str | None = None
        if index == self.cursor:
            cursor = "sidebar--cursor" if self.has_focus else "sidebar--cursor-blurred"
        segments = [
            Segment(text, self._style(comp, cursor))
            for text, comp in rows.pieces(self._row_of(schedule), sub, width, self.now())
        ]
        return Strip(segments).adjust_cell_length(width, self._style(None, cursor))

    def _gap_line(self, index: int, schedule: Schedule, width: int) -> Strip:
        """The line between two schedules; grouped, the first of a conversation's has its title."""
        before = self._get(index - 1) if index and self.grouped else None
        text = ""
        if self.grouped and getattr(before, "conversation_id", None) != schedule.conversation_id:
            text = rows.heading(self.pages.source.group(schedule), width)
        return self._plain(text, "sidebar--header", width)

    def _hint_line(self, y: int, width: int) -> Strip:
        """What an empty sidebar says: a line of space, then the hint, indented by two."""
        lines = rows.hint_lines(width)
        return self._plain("  " + lines[y] if y < len(lines) else "", "sidebar--muted", width)

    def _plain(self, text: str, comp: str, width: int) -> Strip:
        line = Strip([Segment(text[:width], self._style(comp, None))])
        return line.adjust_cell_length(width, self._style(None, None))

    def _rows_shown(self) -> int:
        """How many lines the schedules have below the title."""
        return max(0, self.size.height - TOP)

    def visible_range(self) -> range:
        """The indices of the schedules in view, whole or in part."""
        top = int(self.scroll_offset.y) // ROW
        bottom = (int(self.scroll_offset.y) + self._rows_shown() + ROW - 1) // ROW
        return range(top, min(bottom, self.pages.total))

    def _visible_rows(self) -> list[Row]:
        """The rows in view that have been read (never reads a page)."""
        found = (self.pages.peek(i) for i in self.visible_range())
        return [self._row_of(s) for s in found if s is not None]

    # -- the relative labels -----------------------------------------------------------------
    def tick(self) -> None:
        """Repaint if a relative label in view changed; wait for the next change."""
        self.ticker.tick()

    def _plan_tick(self) -> None:
        self.ticker.plan(active=self.is_mounted and self.display)

    def watch_scroll_y(self, old_value: float, new_value: float) -> None:
        super().watch_scroll_y(old_value, new_value)
        if int(old_value) // ROW != int(new_value) // ROW:  # other rows in view
            self.call_after_refresh(self._plan_tick)

    def on_show(self) -> None:
        self._plan_tick()

    def on_hide(self) -> None:
        self.ticker.stop()

    # -- cursor and focus ------------------------------------------------------------------
    def check_action(self, action: str, parameters: tuple[object, ...]) -> bool | None:
        """The approve key is offered (in the footer) only for a schedule awaiting approval."""
        if action == "approve":
            selected = self._get(self.cursor)
            return selected is not None and not selected.approved
        return True

    def watch_cursor(self, old: int, new: int) -> None:
        self.refresh()
        # The selected schedule decides whether approve is offered; the footer is rebuilt
        # only when that changes (a rebuild per reload was most of a burst's cost).
        if (offered := self.check_action("approve", ())) != self._approve_offered:
            self._approve_offered = offered
            self.refresh_bindings()
        if self.pages.total:
            top, bottom = new * ROW, new * ROW + ROW - 1
            if top < self.scroll_offset.y:
                self.scroll_to(y=top, animate=False)
            elif bottom >= self.scroll_offset.y + self._rows_shown():
                self.scroll_to(y=bottom - self._rows_shown() + 1, animate=False)

    def on_resize(self, event: events.Resize) -> None:
        # (No width: nothing scrolls sideways; a resize keeping the rows lays out nothing again.)
        self.virtual_size = Size(0, self._height())
        self.call_after_refresh(self._plan_tick)

    def on_focus(self) -> None:
        self.refresh()

    def on_blur(self) -> None:
        self.refresh()

    # -- input -----------------------------------------------------------------------------
    def on_click(self, event: events.Click) -> None:
        offset = event.get_content_offset(self)
        if offset is None or offset.y < TOP:
            return
        index, sub = rows.locate(offset.y - TOP + int(self.scroll_offset.y), grouped=self.grouped)
        if index >= self.total:
            return
        self.cursor = index
        width = self.scrollable_content_region.width
        if sub == 0 and offset.x >= width - len(CANCEL):
            self.action_cancel()
        elif event.chain == 2:  # double click edits
            self.action_edit()

    def action_cursor(self, step: int) -> None:
        if total := self.total:
            self.cursor = max(0, min(total - 1, self.cursor + step))

    def action_cursor_to(self, index: int) -> None:
        if total := self.total:
            self.cursor = index if index >= 0 else total - 1

    def action_toggle_all(self) -> None:
        """This conversation's schedules, or every conversation's (the cursor follows)."""
        self._all = self._own.everything() if self._all is None else None
        self.pages.source = self._all or self._own
        self.reload()

    def action_cancel(self) -> None:
        if (s := self.selected) is not None:
            self.post_message(ScheduleSidebar.CancelRequested(s))

    def action_edit(self) -> None:
        if (s := self.selected) is not None:
            self.post_message(ScheduleSidebar.EditRequested(s))

    def action_pause(self) -> None:
        if (s := self.selected) is not None:
            self.post_message(ScheduleSidebar.PauseToggleRequested(s))

    def action_approve(self) -> None:
        if (s := self.selected) is not None:
            self.post_message(ScheduleSidebar.ApproveRequested(s))

    def action_new(self) -> None:
        self.post_message(ScheduleSidebar.NewRequested())
