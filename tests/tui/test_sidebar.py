"""The virtual sidebar: it reads the counts from SQL and only the pages it shows; a burst of
changes reloads it a bounded number of times; its labels tick only in view, and only when their
words change.

What is asserted is what is read, mounted and shown, never how long it took (benchmarks/
bench_sidebar.py and bench_burst.py measure that).
"""

from __future__ import annotations

import sqlite3
from collections.abc import Callable
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any
from zoneinfo import ZoneInfo

from textual.app import App, ComposeResult

from dynaprompt_tui.config import Settings
from dynaprompt_tui.core.clock import FakeClock
from dynaprompt_tui.core.conversation import Conversation
from dynaprompt_tui.core.models import Party, Role, Schedule, ScheduleState
from dynaprompt_tui.tui.app import DynapromptApp
from dynaprompt_tui.tui.widgets import sidebar_rows
from dynaprompt_tui.tui.widgets.sidebar import ScheduleSidebar
from dynaprompt_tui.tui.widgets.sidebar_pages import KEEP, PAGE
from tests.tui.helpers import SIZE, START, settle

NOW = datetime(2026, 3, 5, 10, 15, tzinfo=UTC)


def schedules(n: int) -> list[Schedule]:
    return [
        Schedule(
            id=f"{i:05x}",
            created_by=Party.USER if i % 2 else Party.CHATBOT,
            recipient=Party.CHATBOT if i % 3 else Party.USER,
            time_prompt="every day at 8am",
            rule={},
            tz="Europe/London",
            prompt=f"message number {i}",
            state=ScheduleState.PAUSED if i % 7 == 0 else ScheduleState.PENDING,
            next_fire=NOW + timedelta(minutes=i + 1),
            created_at=NOW,
            recurring=bool(i % 2),
            description="every day at 08:00",
        )
        for i in range(n)
    ]


class SidebarApp(App[None]):
    def __init__(self, describe: Callable[[Schedule], Any] | None = None) -> None:
        super().__init__()
        self.clock = FakeClock(NOW)
        self.describe = describe

    def compose(self) -> ComposeResult:
        yield ScheduleSidebar(
            describe=self.describe, now=self.clock.now, tz=ZoneInfo("Europe/London")
        )


def _ts(t: datetime) -> str:
    return t.astimezone(UTC).strftime("%Y-%m-%dT%H:%M:%S.%fZ")


def copies(db: Path, model_id: str, n: int, *, first: datetime, step: float = 60.0) -> None:
    """`n` copies of one schedule made through the app's own path, in one transaction: the
    i-th due `first` + i*`step` s, every 7th paused, the last one awaiting approval."""
    conn = sqlite3.connect(db)
    try:
        columns = [r[1] for r in conn.execute("PRAGMA table_info(schedules)")]
        varied = {"id", "next_fire", "prompt", "state", "approved"}
        kept = [c for c in columns if c not in varied]
        rows = [
            (
                f"{0x100000 + i:x}",
                _ts(first + timedelta(seconds=i * step)),
                f"note {i}",
                "paused" if i % 7 == 3 else "pending",
                0 if i == n - 1 else 1,
            )
            for i in range(n)
        ]
        with conn:
            for row in rows:
                conn.execute(
                    f"INSERT INTO schedules (id, next_fire, prompt, state, approved, "
                    f"{', '.join(kept)}) SELECT ?, ?, ?, ?, ?, {', '.join(kept)}"
                    " FROM schedules WHERE id = ?",
                    (*row, model_id),
                )
            conn.execute("DELETE FROM schedules WHERE id = ?", (model_id,))
    finally:
        conn.close()


async def many_pending(settings: Settings, clock: FakeClock, n: int, **kw: Any) -> Conversation:
    conversation = Conversation.open(settings, clock=clock)
    model = await conversation.create(recipient=Party.USER, time_prompt="in 1 hour", prompt="x")
    copies(settings.db_path, model.id, n, first=kw.get("first", START + timedelta(hours=1)))
    return conversation


def count_reads(conversation: Conversation) -> list[tuple[int, int]]:
    """Every page the sidebar asks the conversation for, as (offset, rows)."""
    reads: list[tuple[int, int]] = []
    pending = conversation.pending

    def counted(limit: int | None = None, offset: int = 0) -> list[Schedule]:
        found = pending(limit=limit, offset=offset)
        reads.append((offset, len(found)))
        return found

    conversation.pending = counted  # type: ignore[method-assign]
    return reads


async def test_5000_pending_read_only_what_shows_and_the_end_is_a_page_away(
    build: Callable[..., DynapromptApp], settings: Settings, clock: FakeClock
) -> None:
    conversation = await many_pending(settings, clock, 5000)
    reads = count_reads(conversation)
    app = build(conversation=conversation)
    async with app.run_test(size=SIZE) as pilot:
        await settle(app, pilot)
        sidebar = app.query_one(ScheduleSidebar)
        # The counts are SQL's; the rows read are a page or two, not 5,000.
        paused = sum(1 for i in range(5000) if i % 7 == 3)
        assert sidebar.render_line(0).text.strip() == f"Schedules (5000) · {paused} paused"
        assert sidebar.virtual_size.height == 1 + 5000 * 5  # the scrollbar knows them all
        assert 0 < sum(n for _, n in reads) <= 2 * PAGE
        assert "note 0" in sidebar.render_line(4).text

        # To the end: the last page is read, not the ones between.
        await pilot.press("ctrl+s", "end")
        await pilot.pause()
        assert sidebar.selected is not None and sidebar.selected.prompt == "note 4999"
        assert sum(n for _, n in reads) <= 4 * PAGE
        assert len(sidebar.schedules) <= KEEP * PAGE  # what it holds stays bounded
        lines = [sidebar.render_line(y).text for y in range(sidebar.size.height)]
        assert "note 4999" in lines[-2] and lines[0].startswith(" Schedules (5000)")
        await pilot.press("up", "up", "pageup")
        assert sidebar.selected.prompt == "note 4992"

        # The keys work there: pause it (the counts follow), then approve the last one.
        await pilot.press("p")
        await settle(app, pilot)
        assert conversation.store.get_schedule(sidebar.selected.id).state is ScheduleState.PAUSED
        assert sidebar.render_line(0).text.strip() == f"Schedules (5000) · {paused + 1} paused"
        assert sidebar.selected.prompt == "note 4992"  # the cursor stayed on it
        await pilot.press("end", "a")
        await settle(app, pilot)
        assert sidebar.selected.prompt == "note 4999" and sidebar.selected.approved
        assert sum(n for _, n in reads) <= 12 * PAGE  # still pages, never the whole list


async def test_a_burst_of_100_deliveries_reloads_the_sidebar_a_bounded_number_of_times(
    build: Callable[..., DynapromptApp], settings: Settings, clock: FakeClock
) -> None:
    # 1,000 pending, the first 100 due at the same instant.
    conversation = await many_pending(settings, clock, 1000, first=START + timedelta(minutes=5))
    conn = sqlite3.connect(settings.db_path)
    with conn:
        conn.execute(
            "UPDATE schedules SET next_fire = ?, state = 'pending', approved = 1"
            f" WHERE prompt IN ({','.join('?' * 100)})",
            [_ts(START + timedelta(minutes=5)), *(f"note {i}" for i in range(100))],
        )
    conn.close()
    app = build(conversation=conversation)
    async with app.run_test(size=SIZE) as pilot:
        await settle(app, pilot)
        sidebar = app.query_one(ScheduleSidebar)
        sidebar.reloader.interval = 3600  # (so that no window ends during the test)
        changes, reloads = 0, sidebar.reloads
        changed = sidebar.changed

        def counted() -> None:
            nonlocal changes
            changes += 1
            changed()

        sidebar.changed = counted  # type: ignore[method-assign]
        clock.advance(minutes=5, seconds=1)
        for _ in range(500):  # until all 100 are delivered and shown
            await settle(app, pilot)
            delivered = [m for m in conversation.messages(limit=500) if m.role is Role.REMINDER]
            if len(delivered) == 100 and changes >= 100:
                break
        assert len(delivered) == 100
        assert changes >= 100  # the store told the sidebar of each delivery...
        assert sidebar.reloads - reloads == 1  # ...and it read them once
        assert sidebar.reloader.due  # a second reload waits for the window to end
        # Reading its state does it at once; the counts are right.
        assert sidebar.total == 900 and sidebar.reloads - reloads == 2
        assert "note 100" in sidebar.render_line(4).text


async def test_labels_tick_only_in_view_and_only_when_their_words_change(monkeypatch) -> None:
    described: list[str] = []

    def describe(s: Schedule) -> None:
        described.append(s.id)

    app = SidebarApp(describe)
    data = [s._replace(state=ScheduleState.PENDING) for s in schedules(200)]
    data[0] = data[0]._replace(next_fire=NOW + timedelta(minutes=3))
    async with app.run_test(size=(60, 21)) as pilot:  # the title, then four schedules
        sidebar = app.query_one(ScheduleSidebar)
        sidebar.set_schedules(data)
        await pilot.pause()
        in_view = {s.id for s in data[:4]}
        assert set(described) <= in_view  # out of view: never described
        assert "in 3 min" in sidebar.render_line(3).text

        looked_at: list[str] = []
        relative = sidebar_rows.relative

        def spy(row: sidebar_rows.Row, now: datetime) -> str | None:
            looked_at.append(row.title.split(" ")[0])
            return relative(row, now)

        monkeypatch.setattr(sidebar_rows, "relative", spy)
        sidebar.tick()
        assert looked_at and set(looked_at) <= in_view  # only the rows in view

        # "in 3 min" says so until the distance rounds to 150 s: the timer is set for then,
        # not for every second.
        assert sidebar.ticker.wait() == 180 - 150.5 + 0.01
        assert sidebar.ticker.timer is not None
        app.clock.advance(29.4)
        assert "in 3 min" in sidebar.render_line(3).text
        app.clock.advance(0.12)
        sidebar.tick()
        assert "in 2 min" in sidebar.render_line(3).text

        # Nothing in view that moves (paused), nothing to tick for: no timer at all.
        sidebar.set_schedules([s._replace(state=ScheduleState.PAUSED) for s in data])
        await pilot.pause()
        assert sidebar.ticker.wait() is None and sidebar.ticker.timer is None
        assert "paused · p resumes it" in sidebar.render_line(3).text


def test_when_the_words_change() -> None:
    # The search relies on each wording covering one stretch of distances; check it against
    # when_rel itself, around every boundary it has, coming and past.
    from dynaprompt_tui.core.formatting import when_rel

    t = NOW
    for seconds in [0.2, 1, 5.3, 59, 61, 89.5, 150, 3599, 3601, 5400, 36000, 172800, 10**6]:
        for sign in (1, -1):
            now = t - timedelta(seconds=sign * seconds)
            wait = sidebar_rows.change_in(t, now)
            before = when_rel(t, now + timedelta(seconds=wait - 0.02))
            after = when_rel(t, now + timedelta(seconds=wait))
            assert before == when_rel(t, now) and after != before, (seconds, sign)


async def test_the_cursor_keys_read_pages_and_follow_the_selected_schedule() -> None:
    app = SidebarApp()
    data = schedules(10_000)
    async with app.run_test(size=(60, 40)) as pilot:
        sidebar = app.query_one(ScheduleSidebar)
        sidebar.set_schedules(data)
        await pilot.pause()
        assert sidebar.virtual_size.height == 1 + 10_000 * 5  # the title, then the schedules
        assert sidebar.pages.reads <= 1
        sidebar.focus()
        await pilot.press("end")
        await pilot.pause()
        assert sidebar.selected is data[-1]
        assert sidebar.pages.reads <= 3
        lines = [sidebar.render_line(y).text for y in range(sidebar.size.height)]
        assert lines[0].startswith(" Schedules (10000)")
        assert data[-1].id in lines[-5] and "message number 9999" in lines[-2]
        # The one before it goes: the selection stays on the same schedule, one row up.
        sidebar.set_schedules(data[:-2] + data[-1:])
        await pilot.pause()
        assert sidebar.selected is data[-1] and sidebar.cursor == 9998
        # A hundred before it go: it is followed there.
        await pilot.press("up")
        chosen = sidebar.selected
        sidebar.set_schedules(data[100:-2] + data[-1:])
        assert sidebar.selected is chosen and sidebar.cursor == 9997 - 100
        await pilot.press("home")
        await pilot.pause()
        assert data[100].id in sidebar.render_line(1).text


async def test_the_first_page_shows_the_counts_of_all() -> None:
    app = SidebarApp()
    data = schedules(100)
    async with app.run_test(size=(60, 40)) as pilot:
        sidebar = app.query_one(ScheduleSidebar)
        sidebar.set_schedules(data[:9], counts=(100, 15))
        await pilot.pause()
        assert sidebar.render_line(0).text.strip() == "Schedules (100) · 15 paused"
        assert sidebar.virtual_size.height == 1 + 100 * 5  # the scrollbar is right from the start
        assert sidebar.render_line(1).text.startswith("⏸ 00000")
