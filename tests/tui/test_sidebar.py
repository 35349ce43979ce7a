"""The sidebar holds 10,000 schedules but describes and renders only the visible ones.

How fast that is, is measured by benchmarks/bench_app.py, not asserted here."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from zoneinfo import ZoneInfo

from textual.app import App, ComposeResult

from dynaprompt_tui.core.clock import FakeClock
from dynaprompt_tui.core.models import Party, Schedule, ScheduleState
from dynaprompt_tui.tui.widgets.sidebar import ScheduleSidebar

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
    def __init__(self) -> None:
        super().__init__()
        self.clock = FakeClock(NOW)

    def compose(self) -> ComposeResult:
        yield ScheduleSidebar(describe=None, now=self.clock.now, tz=ZoneInfo("Europe/London"))


async def test_ten_thousand_schedules_describe_only_the_visible_ones() -> None:
    app = SidebarApp()
    data = schedules(10_000)
    async with app.run_test(size=(60, 40)) as pilot:
        sidebar = app.query_one(ScheduleSidebar)
        sidebar.set_schedules(data[:10])
        await pilot.pause()
        sidebar.set_schedules(data)
        await pilot.pause()
        lst = sidebar
        assert lst.virtual_size.height == 1 + 10_000 * 5  # the title, then the schedules
        # Only what was on screen was described.
        assert len(lst._rows) < 20
        lst.focus()
        await pilot.press("end")
        assert lst.selected is data[-1]
        # Scrolled so the last schedule shows whole under the title, which stays put.
        await pilot.pause()
        lines = [lst.render_line(y).text for y in range(lst.size.height)]
        assert lines[0].startswith(" Schedules (10000)")
        assert data[-1].id in lines[-5] and "message number 9999" in lines[-2]
        sidebar.set_schedules(data[:-1])
        await pilot.pause()
        assert lst.selected is data[-2]
        await pilot.press("home")
        await pilot.pause()
        assert data[0].id in lst.render_line(1).text


async def test_relative_labels_tick() -> None:
    app = SidebarApp()
    async with app.run_test(size=(60, 20)) as pilot:
        lst = app.query_one(ScheduleSidebar)
        # (The first is pending here: a paused one says "paused", not when.)
        lst.set_schedules([s._replace(state=ScheduleState.PENDING) for s in schedules(3)])
        await pilot.pause()
        assert "in 1 min" in lst.render_line(3).text
        app.clock.advance(45)
        lst.tick()
        await pilot.pause()
        assert "in 15 s" in lst.render_line(3).text


async def test_the_first_page_shows_the_counts_of_all() -> None:
    # At start-up the app reads only the schedules the sidebar can show, with the counts of all.
    app = SidebarApp()
    data = schedules(100)
    async with app.run_test(size=(60, 40)) as pilot:
        sidebar = app.query_one(ScheduleSidebar)
        lst = sidebar
        sidebar.set_schedules(data[:9], counts=(100, 15))
        await pilot.pause()
        assert lst.render_line(0).text.strip() == "Schedules (100) · 15 paused"
        assert lst.virtual_size.height == 1 + 100 * 5  # the scrollbar is right from the start
        assert lst.render_line(1).text.startswith("⏸ 00000")
        sidebar.set_schedules(data)  # then all of them
        await pilot.pause()
        assert lst.render_line(0).text.strip() == "Schedules (100) · 15 paused"
        assert lst.virtual_size.height == 1 + 100 * 5
        assert len(lst.schedules) == 100
