"""The schedule sidebar: one virtualised widget (Line API), so 10,000 schedules cost what 20 do.

Its first line is a title that stays put; below it, the schedules (or a hint when there are
none). Only the visible lines are rendered; schedule descriptions are computed on first sight
and cached; a 1 s timer re-renders when a visible relative time ("in 3 min") changes. One
widget rather than a container with a title, a list and a hint: each widget is styled, laid
out and painted on the way to the first frame.
"""

from __future__ import annotations

import functools
import textwrap
from collections.abc import Callable, Sequence
from datetime import datetime, tzinfo
from typing import Any, NamedTuple

from rich.segment import Segment
from rich.style import Style
from textual import events
from textual.binding import Binding
from textual.geometry import Size
from textual.message import Message as TMessage
from textual.reactive import reactive
from textual.scroll_view import ScrollView
from textual.strip import Strip

from dynaprompt_tui.core.formatting import MISSED_SHORT, when_rel
from dynaprompt_tui.core.models import Party, Schedule, ScheduleState
from dynaprompt_tui.tui.widgets.safe import clean, local_time

ROW = 5  # lines per schedule, the last one a gap
TOP = 1  # the title line above the schedules
CANCEL = " ✕ "
HINT = ("Nothing scheduled.", "", "Write  dps …  in a message,", "or press n here.")


class Row(NamedTuple):
    """What one schedule shows, computed once per schedule version."""

    title: str
    recurrence: str
    absolute: str
    prompt: str
    next_fire: datetime | None
    paused: bool
    needs_approval: bool


def _label(party: Party, *, creator: bool) -> str:
    if party == Party.USER:
        return "you"
    return "bot" if creator else "chatbot"


def make_row(schedule: Schedule, view: Any, tz: tzinfo) -> Row:
    """Short labels of our own (the sidebar is narrow); recurrence and time from the core view."""
    recipient = _label(schedule.recipient, creator=False)
    creator = _label(schedule.created_by, creator=True)
    recurrence = getattr(view, "recurrence", None) or (
        (schedule.description or schedule.time_prompt) if schedule.recurring else "once"
    )
    if missed := MISSED_SHORT[schedule.on_missed]:  # the default (once, late) says nothing
        recurrence += f" · {missed}"
    absolute = getattr(view, "next_abs", None) or local_time(schedule.next_fire, tz, with_day=True)
    prompt = " ".join(clean(schedule.prompt).split())
    return Row(
        title=f"{schedule.id} · to {recipient} · by {creator}",
        recurrence=clean(recurrence),
        absolute=clean(absolute),
        prompt=prompt,
        next_fire=schedule.next_fire,
        paused=schedule.state == ScheduleState.PAUSED,
        needs_approval=not schedule.approved,
    )


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
        Binding("escape", "screen.focus('composer')", show=False),
        Binding("question_mark", "screen.help", show=False),
    ]

    class _About(TMessage):
        """A request about one schedule (a plain class: dataclasses cost start-up time)."""

        def __init__(self, schedule: Schedule) -> None:
            super().__init__()
            self.schedule = schedule

    class CancelRequested(_About):
        pass

    class EditRequested(_About):
        pass

    class PauseToggleRequested(_About):
        pass

    class ApproveRequested(_About):
        pass

    class NewRequested(TMessage):
        pass

    cursor: reactive[int] = reactive(0, always_update=True)

    def __init__(
        self,
        *,
        describe: Callable[[Schedule], Any] | None = None,
        now: Callable[[], datetime],
        tz: tzinfo,
        schedules: Sequence[Schedule] = (),
        counts: tuple[int, int] | None = None,
        **kwargs: Any,
    ) -> None:
        """`schedules` and `counts` to start with, as in `set_schedules`."""
        super().__init__(**kwargs)
        self.describe = describe
        self.now = now
        self.tz = tz
        self.schedules: list[Schedule] = list(schedules)
        # All of them, when `schedules` holds only the first (see set_schedules).
        self.total = max(counts[0] if counts else 0, len(self.schedules))
        self.title = _title(self.schedules, counts)
        self._rows: dict[str, tuple[Schedule, Row]] = {}
        self._shown_relatives: tuple[str, ...] = ()
        # (component, cursor component) -> style. Resolving a widget's style walks its
        # ancestors; a line has up to three pieces and a screen ~40 lines. Cleared whenever
        # Textual restyles the widget (theme, focus, classes).
        self._styles: dict[tuple[str | None, str | None], Style] = {}

    def on_mount(self) -> None:
        self.set_interval(1.0, self.tick)

    # -- data ------------------------------------------------------------------------------
    def set_schedules(
        self, schedules: Sequence[Schedule], *, counts: tuple[int, int] | None = None
    ) -> None:
        """Show these schedules; `counts`: (all, paused) when these are only the first of
        them (the list is as long as all of them, so the scrollbar does not jump later)."""
        selected = self.selected
        self.schedules = list(schedules)
        self.total = max(counts[0] if counts else 0, len(self.schedules))
        self.title = _title(self.schedules, counts)
        ids = {s.id for s in self.schedules}
        self._rows = {k: v for k, v in self._rows.items() if k in ids}
        self.virtual_size = Size(self.size.width, self._height())
        index = 0
        if selected is not None:
            for i, s in enumerate(self.schedules):
                if s.id == selected.id:
                    index = i
                    break
            else:
                index = min(self.cursor, len(self.schedules) - 1)
        self.cursor = max(0, index)
        self.refresh()

    def _height(self) -> int:
        return TOP + self.total * ROW

    @property
    def selected(self) -> Schedule | None:
        if 0 <= self.cursor < len(self.schedules):
            return self.schedules[self.cursor]
        return None

    def row(self, index: int) -> Row:
        schedule = self.schedules[index]
        cached = self._rows.get(schedule.id)
        if cached is not None and cached[0] == schedule:
            return cached[1]
        view = None
        if self.describe is not None:
            try:
                view = self.describe(schedule)
            except Exception:  # a schedule the core can't describe still shows
                view = None
        row = make_row(schedule, view, self.tz)
        self._rows[schedule.id] = (schedule, row)
        return row

    def relative_text(self, row: Row) -> str:
        if row.next_fire is None:
            return "no next fire"
        return when_rel(row.next_fire, self.now())  # the same words as the core's cards

    # -- rendering -------------------------------------------------------------------------
    def _pieces(self, index: int, sub: int, width: int) -> list[tuple[str, str | None]]:
        row = self.row(index)
        if sub == 0:
            mark = "⏸ " if row.paused else ("? " if row.needs_approval else "● ")
            room = max(0, width - len(CANCEL) - 1)
            title = (mark + row.title)[:room].ljust(room)
            comp = "sidebar--paused" if row.paused else "sidebar--title"
            return [(title, comp), (" ", None), (CANCEL, "sidebar--cancel")]
        if sub == 1:
            state = " · paused" if row.paused else ""
            if row.needs_approval:
                state += " · needs approval"
            return [("  " + row.recurrence + state, "sidebar--when")]
        if sub == 2:
            if row.paused:  # no "in 17 h": it will not fire until resumed
                return [("  paused · p resumes it", "sidebar--muted")]
            return [
                ("  " + row.absolute + " · ", "sidebar--muted"),
                (self.relative_text(row), "sidebar--relative"),
            ]
        if sub == 3:
            text = row.prompt
            if len(text) > width - 4:
                text = text[: max(0, width - 5)] + "…"
            return [("  " + text, "sidebar--muted")]
        return []

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
            title = (" " + self.title)[:width]
            return Strip([Segment(title, self._style("sidebar--header", None))]).adjust_cell_length(
                width, self._style("sidebar--header", None)
            )
        if not self.schedules:
            return self._hint_line(y - TOP, width)
        line = y - TOP + int(self.scroll_offset.y)
        index, sub = divmod(line, ROW)
        if index >= len(self.schedules) or width <= 0:
            return Strip.blank(width, self._style(None, None))
        cursor: str | None = None
        if index == self.cursor and sub < ROW - 1:
            cursor = "sidebar--cursor" if self.has_focus else "sidebar--cursor-blurred"
        segments = [
            Segment(text, self._style(comp, cursor))
            for text, comp in self._pieces(index, sub, width)
        ]
        return Strip(segments).adjust_cell_length(width, self._style(None, cursor))

    def _hint_line(self, y: int, width: int) -> Strip:
        """What an empty sidebar says: a line of space, then the hint, indented by two."""
        lines = _hint_lines(width)
        text = "  " + lines[y] if y < len(lines) else ""
        return Strip(
            [Segment(text[:width], self._style("sidebar--muted", None))]
        ).adjust_cell_length(width, self._style(None, None))

    def _rows_shown(self) -> int:
        """How many lines the schedules have below the title."""
        return max(0, self.size.height - TOP)

    def _visible_range(self) -> range:
        top = int(self.scroll_offset.y) // ROW
        bottom = (int(self.scroll_offset.y) + self._rows_shown()) // ROW + 1
        return range(top, min(bottom, len(self.schedules)))

    def tick(self) -> None:
        """Re-render if a visible relative label changed (called every second)."""
        shown = tuple(self.relative_text(self.row(i)) for i in self._visible_range())
        if shown != self._shown_relatives:
            self._shown_relatives = shown
            self.refresh()

    def check_action(self, action: str, parameters: tuple[object, ...]) -> bool | None:
        """The approve key is offered (in the footer) only for a schedule awaiting approval."""
        if action == "approve":
            return self.selected is not None and not self.selected.approved
        return True

    def watch_cursor(self, old: int, new: int) -> None:
        self.refresh()
        self.refresh_bindings()  # the selected schedule decides whether approve is offered
        if self.schedules:
            top, bottom = new * ROW, new * ROW + ROW - 1
            if top < self.scroll_offset.y:
                self.scroll_to(y=top, animate=False)
            elif bottom >= self.scroll_offset.y + self._rows_shown():
                self.scroll_to(y=bottom - self._rows_shown() + 1, animate=False)

    def on_resize(self, event: events.Resize) -> None:
        self.virtual_size = Size(event.size.width, self._height())

    def on_focus(self) -> None:
        self.refresh()

    def on_blur(self) -> None:
        self.refresh()

    # -- input -----------------------------------------------------------------------------
    def on_click(self, event: events.Click) -> None:
        offset = event.get_content_offset(self)
        if offset is None or offset.y < TOP:
            return
        line = offset.y - TOP + int(self.scroll_offset.y)
        index, sub = divmod(line, ROW)
        if index >= len(self.schedules):
            return
        self.cursor = index
        width = self.scrollable_content_region.width
        if sub == 0 and offset.x >= width - len(CANCEL):
            self.action_cancel()
        elif event.chain == 2:  # double click edits
            self.action_edit()

    def action_cursor(self, step: int) -> None:
        if self.schedules:
            self.cursor = max(0, min(len(self.schedules) - 1, self.cursor + step))

    def action_cursor_to(self, index: int) -> None:
        if self.schedules:
            self.cursor = index if index >= 0 else len(self.schedules) - 1

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


@functools.cache
def _hint_lines(width: int) -> tuple[str, ...]:
    """The hint wrapped to a sidebar `width` wide (two columns of padding each side), once per
    width rather than on every line painted."""
    lines = [""]
    for text in HINT:
        lines += textwrap.wrap(text, max(1, width - 4)) or [""]
    return tuple(lines)


def _title(schedules: Sequence[Schedule], counts: tuple[int, int] | None) -> str:
    if counts is None:
        counts = len(schedules), sum(1 for s in schedules if s.state == ScheduleState.PAUSED)
    total, paused = counts
    return f"Schedules ({total})" + (f" · {paused} paused" if paused else "")
