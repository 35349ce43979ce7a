"""What one schedule shows in the sidebar (`Row`, computed once per version of a schedule), and
when its relative label ("in 3 min") next changes, so the sidebar ticks only then."""

from __future__ import annotations

import functools
import re
import textwrap
from collections.abc import Callable
from datetime import datetime, timedelta, tzinfo
from typing import TYPE_CHECKING, Any, NamedTuple

from dynaprompt_tui.core.formatting import MISSED_SHORT, when_rel
from dynaprompt_tui.core.models import Party, Schedule, ScheduleState
from dynaprompt_tui.tui.widgets.safe import clean, local_time

if TYPE_CHECKING:
    from textual.timer import Timer

ROW = 5  # lines per schedule in the sidebar: four of text and a gap
HINT = ("Nothing scheduled.", "", "Write  dps …  in a message,", "or press n here.")
CANCEL = " ✕ "
NO_NEXT = "no next fire"
# A label is looked at again at least this often (a suspended laptop's timers stand still
# while the wall clock moves on) and at most this often.
LONGEST_WAIT = 60.0
SHORTEST_WAIT = 0.05
_SLACK = 0.01  # past the instant the words change, so they have changed when we look
_FAR = 10 * 366 * 86400  # ten years: labels further away than this never change in a session


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
    prompt = plain(" ".join(clean(schedule.prompt).split()))
    return Row(
        title=f"{schedule.id} · to {recipient} · by {creator}",
        recurrence=clean(recurrence),
        absolute=clean(absolute),
        prompt=prompt,
        next_fire=schedule.next_fire,
        paused=schedule.state == ScheduleState.PAUSED,
        needs_approval=not schedule.approved,
    )


# Markdown's marks around text: **bold**, *em*, _em_, ~~strike~~, `code`, [link](url).
_MARKS = re.compile(
    r"\*\*(.+?)\*\*|__(.+?)__|~~(.+?)~~|`([^`]+)`|\[([^\]]+)\]\([^)]*\)"
    r"|(?<![\w*])\*(?=\S)(.+?)(?<=\S)\*(?![\w*])|(?<!\w)_(?=\S)(.+?)(?<=\S)_(?!\w)"
)


def plain(text: str) -> str:
    """A prompt's preview as plain text: its Markdown marks left out (`*hola*` -> `hola`)."""
    text = re.sub(r"^#{1,6}\s+", "", text)
    return _MARKS.sub(lambda m: next(g for g in m.groups() if g is not None), text)


def fit(text: str, width: int) -> str:
    """`text` cut with an ellipsis to fit `width` columns (a preview never ends mid-word unseen)."""
    return text if len(text) <= width else text[: max(0, width - 1)].rstrip() + "…"


def relative(row: Row, now: datetime) -> str | None:
    """The label that moves with the clock, or None when the row shows none (paused)."""
    if row.paused:
        return None
    if row.next_fire is None:
        return NO_NEXT
    return when_rel(row.next_fire, now)  # the same words as the core's cards


def pieces(row: Row, sub: int, width: int, now: datetime) -> list[tuple[str, str | None]]:
    """Line `sub` of a schedule (0 to 3; a gap after them) as (text, component class) pieces."""
    if sub == 0:
        mark = "⏸ " if row.paused else ("? " if row.needs_approval else "● ")
        room = max(0, width - len(CANCEL) - 1)
        text = fit(mark + row.title, room).ljust(room)
        comp = "sidebar--paused" if row.paused else "sidebar--title"
        return [(text, comp), (" ", None), (CANCEL, "sidebar--cancel")]
    if sub == 1:
        state = " · paused" if row.paused else ""
        if row.needs_approval:
            state += " · needs approval"
        return [("  " + row.recurrence + state, "sidebar--when")]
    if sub == 2:
        label = relative(row, now)
        if label is None:  # paused: no "in 17 h", it will not fire until resumed
            return [("  paused · p resumes it", "sidebar--muted")]
        return [("  " + row.absolute + " · ", "sidebar--muted"), (label, "sidebar--relative")]
    if sub == 3:
        return [("  " + fit(row.prompt, width - 4), "sidebar--muted")]
    return []


def _words(seconds: int) -> str:
    """`when_rel` for a time this many whole seconds away (negative: ago)."""
    t = datetime(2000, 1, 1)
    return when_rel(t + timedelta(seconds=seconds), t)


def change_in(next_fire: datetime, now: datetime) -> float:
    """Seconds until `when_rel(next_fire, now)` says something else.

    The words depend only on the distance rounded to whole seconds, and each wording covers
    one unbroken stretch of distances ("in 5 min": 270 to 329 s), so a binary search finds
    where this stretch ends; the words change when the distance leaves it."""
    seconds = (next_fire - now).total_seconds()
    whole = round(seconds)
    words = _words(whole)
    if whole > 0:  # coming: the distance shrinks; find the smallest distance with these words
        lo, hi = 0, whole  # _words(hi) == words; the answer is in (lo, hi]
        while hi - lo > 1:
            mid = (lo + hi) // 2
            if _words(mid) == words:
                hi = mid
            else:
                lo = mid
        edge = hi - 0.5  # below this it rounds to hi - 1
        return max(0.0, seconds - edge) + _SLACK
    # now, or past: the distance grows; find the largest with these words
    lo, hi = -whole, _FAR  # _words(-lo) == words
    if _words(-hi) == words:
        return LONGEST_WAIT
    while hi - lo > 1:
        mid = (lo + hi) // 2
        if _words(-mid) == words:
            lo = mid
        else:
            hi = mid
    edge = lo + 0.5  # beyond this it rounds to lo + 1
    return max(0.0, edge + seconds) + _SLACK


def wait(rows: list[Row], now: datetime, known: dict[datetime, datetime]) -> float | None:
    """How long until one of these rows' labels changes (bounded by the waits above), or None
    when none of them shows a label that moves. `known`: when the words for a next fire
    change next, kept by the caller between calls (the search runs once per change)."""
    soonest: datetime | None = None
    for row in rows:
        if row.next_fire is None or row.paused:
            continue
        at = known.get(row.next_fire)
        if at is None or at <= now:
            at = known[row.next_fire] = now + timedelta(seconds=change_in(row.next_fire, now))
        soonest = at if soonest is None else min(soonest, at)
    if soonest is None:
        return None
    return min(LONGEST_WAIT, max(SHORTEST_WAIT, (soonest - now).total_seconds()))


class Ticker:
    """One timer, set for when the first relative label in view changes its words (none when
    none can: paused schedules, an empty sidebar); then a repaint if the words did change."""

    def __init__(
        self,
        in_view: Callable[[], list[Row]],
        now: Callable[[], datetime],
        set_timer: Callable[..., Timer],
        repaint: Callable[[], object],
    ) -> None:
        self.in_view = in_view
        self.now = now
        self.set_timer = set_timer
        self.repaint = repaint
        self.timer: Timer | None = None
        self.shown: tuple[str | None, ...] = ()  # the labels in view when last looked at
        self.known: dict[datetime, datetime] = {}  # next fire -> its words' next change

    def wait(self) -> float | None:
        """Seconds until a label in view changes; None when none in view can."""
        if len(self.known) > 1000:
            self.known.clear()
        return wait(self.in_view(), self.now(), self.known)

    def tick(self) -> None:
        """Repaint if a label in view changed, and wait for the next change."""
        self.timer = None
        now = self.now()
        shown = tuple(relative(row, now) for row in self.in_view())
        if shown != self.shown:
            self.shown = shown
            self.repaint()
        self.plan()

    def plan(self, *, active: bool = True) -> None:
        """Set the timer again (the rows in view changed); `active` False: stop it."""
        self.stop()
        if active and (delay := self.wait()) is not None:
            self.timer = self.set_timer(delay, self.tick, name="sidebar-labels")

    def stop(self) -> None:
        if self.timer is not None:
            self.timer.stop()
            self.timer = None


@functools.cache
def hint_lines(width: int) -> tuple[str, ...]:
    """The hint wrapped to a sidebar `width` wide (two columns of padding each side), once per
    width rather than on every line painted."""
    lines = [""]
    for text in HINT:
        lines += textwrap.wrap(text, max(1, width - 4)) or [""]
    return tuple(lines)


def title(total: int, paused: int, *, everything: bool = False) -> str:
    """The sidebar's title: which schedules it lists ("All": every conversation's), how many."""
    name = "All schedules" if everything else "Schedules"
    return f"{name} ({total})" + (f" · {paused} paused" if paused else "")


def locate(line: int, *, grouped: bool) -> tuple[int, int]:
    """The schedule at this line of the list, and which of its lines it is: 0 to 3 its text,
    -1 the gap (the last line; `grouped`: the first, where a group's heading goes)."""
    index, sub = divmod(line, ROW)
    if grouped:
        return index, sub - 1
    return index, sub if sub < ROW - 1 else -1


def heading(group: str | None, width: int) -> str:
    """A group's heading (a conversation's title), cut with an ellipsis to fit `width`."""
    text = " ▸ " + " ".join(clean(group or "").split())
    return text if len(text) <= width else text[: max(0, width - 1)] + "…"
