"""Where the sidebar's schedules come from, a page at a time; the few pages it keeps; how
often it reads them again.

The sidebar never holds every pending schedule: it asks a `Source` for the counts (from SQL)
and for the pages it paints, and `Pages` keeps the last few of them, so 100,000 pending cost
what 20 do. A `ConversationSource` reads the store through the conversation; an `AllSource`
every conversation's, grouped by conversation (in the order they were made), each group the next
to fire first; a `ListSource` serves a list already in memory (tests,
`ScheduleSidebar.set_schedules`).
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from typing import TYPE_CHECKING, Any, NamedTuple, Protocol

from dynaprompt_tui.core.models import Schedule, ScheduleState

if TYPE_CHECKING:
    from textual.timer import Timer

    from dynaprompt_tui.core.conversation.facade import Conversation
    from dynaprompt_tui.core.storage.store import Store

PAGE = 32  # schedules read at once (a tall sidebar shows ~10)
KEEP = 4  # pages kept: those in view, and the last ones the cursor passed
DESCRIBED = 2 * KEEP * PAGE  # schedules whose description the sidebar keeps


class Counts(NamedTuple):
    """What the sidebar's title says: all pending and paused schedules, the paused ones."""

    total: int
    paused: int


class Source(Protocol):
    def page(self, offset: int, limit: int) -> list[Schedule]:
        """`limit` schedules from `offset` in the sidebar's order (the next to fire first)."""
        ...

    def counts(self) -> Counts: ...

    def position(self, schedule_id: str) -> int | None:
        """Where this schedule is now, or None when it is no longer listed."""
        ...

    def group(self, schedule: Schedule) -> str | None:
        """The heading of the group this schedule is in (None: the source has no groups)."""
        ...

    def everything(self) -> Source | None:
        """Every conversation's schedules, from the same database (None: there are none)."""
        ...


class ConversationSource:
    """The conversation's pending and paused schedules, read from its store on demand."""

    def __init__(self, conversation: Conversation) -> None:
        self.conversation = conversation

    def page(self, offset: int, limit: int) -> list[Schedule]:
        return self.conversation.pending(limit=limit, offset=offset)

    def counts(self) -> Counts:
        return Counts(*self.conversation.pending_counts())

    def position(self, schedule_id: str) -> int | None:
        return self.conversation.store.schedule_position(schedule_id)

    def group(self, schedule: Schedule) -> str | None:
        return None

    def everything(self) -> Source | None:
        return AllSource(self.conversation.store.scoped(None))


class Group(NamedTuple):
    """One conversation's part of `AllSource`'s list: where it starts, how many, its title."""

    conversation_id: int
    start: int
    total: int
    title: str


class AllSource:
    """Every conversation's pending and paused schedules, grouped by conversation (the oldest
    conversation first), each group in the sidebar's order (the next to fire first).

    The groups are read with the counts (SQL counts each conversation's schedules: the
    conversation list's pending column), each page from the groups it spans (one conversation's
    page is the same indexed query as `ConversationSource`'s)."""

    def __init__(self, store: Store) -> None:
        self.store = store  # unscoped: it sees every conversation
        self.groups: list[Group] = []
        self._read = False

    def counts(self) -> Counts:
        groups, start = [], 0
        conversations = sorted(self.store.conversations(archived=None), key=lambda i: i.id)
        for info in conversations:
            if info.pending:
                groups.append(Group(info.id, start, info.pending, info.shown_title))
                start += info.pending
        self.groups, self._read = groups, True
        paused = self.store.count_schedules(states=(ScheduleState.PAUSED,))
        return Counts(start, min(paused, start))

    def _groups(self) -> list[Group]:
        if not self._read:
            self.counts()
        return self.groups

    def page(self, offset: int, limit: int) -> list[Schedule]:
        found: list[Schedule] = []
        end = offset + limit
        for g in self._groups():
            if g.start + g.total <= offset or g.start >= end:
                continue
            local = max(0, offset - g.start)
            want = min(g.total, end - g.start) - local
            view = self.store.scoped(g.conversation_id)
            part = view.schedules(limit=want, offset=local)
            found += part
            if len(part) < want:  # it changed since the counts: stop rather than misplace
                break
        return found

    def position(self, schedule_id: str) -> int | None:
        try:
            schedule = self.store.get_schedule(schedule_id)
        except Exception:  # gone
            return None
        for g in self._groups():
            if g.conversation_id == schedule.conversation_id:
                local = self.store.scoped(g.conversation_id).schedule_position(schedule_id)
                return None if local is None else g.start + local
        return None

    def group(self, schedule: Schedule) -> str | None:
        for g in self._groups():
            if g.conversation_id == schedule.conversation_id:
                return g.title
        return None

    def everything(self) -> Source | None:
        return self


class ListSource:
    """Schedules already in memory; `counts` when they are only the first of more."""

    def __init__(self, schedules: Sequence[Schedule], counts: tuple[int, int] | None) -> None:
        self.schedules = list(schedules)
        self._counts = counts

    def page(self, offset: int, limit: int) -> list[Schedule]:
        return self.schedules[offset : offset + limit]

    def counts(self) -> Counts:
        if self._counts is not None:
            total, paused = self._counts
            return Counts(max(total, len(self.schedules)), paused)
        paused = sum(1 for s in self.schedules if s.state == ScheduleState.PAUSED)
        return Counts(len(self.schedules), paused)

    def position(self, schedule_id: str) -> int | None:
        for i, s in enumerate(self.schedules):
            if s.id == schedule_id:
                return i
        return None

    def group(self, schedule: Schedule) -> str | None:
        return None

    def everything(self) -> Source | None:
        return None


class Pages:
    """The pages read so far (at most `KEEP`, the least recently used dropped first)."""

    def __init__(self, source: Source) -> None:
        self.source = source
        self.counts = Counts(0, 0)
        self._pages: dict[int, list[Schedule]] = {}  # page number -> its schedules; LRU order
        self.reads = 0  # pages read from the source (what the tests count)

    @property
    def total(self) -> int:
        return self.counts.total

    def reset(self, counts: Counts) -> None:
        """Forget every page (the store changed); these are the counts now."""
        self.counts = counts
        self._pages.clear()

    def peek(self, index: int) -> Schedule | None:
        """The schedule at `index` if its page is here; never reads."""
        page = self._pages.get(index // PAGE)
        offset = index % PAGE
        return page[offset] if page is not None and index >= 0 and offset < len(page) else None

    def get(self, index: int) -> Schedule | None:
        """The schedule at `index`, its page read if it is not here (None past the end)."""
        if not 0 <= index < self.total:
            return None
        number = index // PAGE
        page = self._pages.pop(number, None)
        if page is None:
            page = self.source.page(number * PAGE, PAGE)
            self.reads += 1
            while len(self._pages) >= KEEP:
                del self._pages[next(iter(self._pages))]  # the least recently used
        self._pages[number] = page  # (re)inserted last: the most recently used
        offset = index % PAGE
        return page[offset] if offset < len(page) else None

    def loaded(self) -> list[Schedule]:
        """The schedules of the pages here, in order (a window of all of them)."""
        return [s for number in sorted(self._pages) for s in self._pages[number]]


class Coalesced:
    """Runs `work` at once, then at most once per `interval` seconds: calls in between mark it
    due, and one run when the interval is over serves them all (`flush` runs it sooner)."""

    def __init__(
        self, work: Callable[[], None], set_timer: Callable[..., Timer], interval: float
    ) -> None:
        self.work = work
        self.set_timer = set_timer
        self.interval = interval
        self.due = False  # called since the last run, which waits for its turn
        self._window: Timer | None = None  # while set, calls wait

    def __call__(self, *, timers: bool = True) -> None:
        if self._window is not None:
            self.due = True
            return
        self.run()
        if timers:
            self._window = self.set_timer(self.interval, self._over, name="sidebar-reload")

    def _over(self, *_: Any) -> None:
        self._window = None
        if self.due:
            self()

    def run(self) -> None:
        self.due = False
        self.work()

    def flush(self) -> None:
        if self.due:
            self.run()
