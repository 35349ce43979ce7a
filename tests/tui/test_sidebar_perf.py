"""The sidebar must show 10,000 schedules in at most 200 ms (it renders only visible lines)."""

from __future__ import annotations

import time
from datetime import UTC, datetime, timedelta
from zoneinfo import ZoneInfo

from textual.app import App, ComposeResult

from dynaprompt_tui.core.clock import FakeClock
from dynaprompt_tui.core.models import Party, Schedule, ScheduleState
from dynaprompt_tui.tui.widgets.sidebar import ScheduleList, ScheduleSidebar

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


async def test_ten_thousand_schedules_render_fast() -> None:
    app = SidebarApp()
    data = schedules(10_000)
    async with app.run_test(size=(60, 40)) as pilot:
        sidebar = app.query_one(ScheduleSidebar)
        timings = []
        for attempt in range(3):  # best of three: other processes share the machine
            sidebar.set_schedules(data[: 10 - attempt])
            await pilot.pause()
            start = time.perf_counter()
            sidebar.set_schedules(data)
            await pilot.pause()
            timings.append(time.perf_counter() - start)
        assert min(timings) <= 0.2, [f"{t * 1000:.0f} ms" for t in timings]
        lst = app.query_one(ScheduleList)
        assert lst.virtual_size.height == 10_000 * 5
        # Only what was on screen was described.
        assert len(lst._rows) < 20
        lst.focus()
        await pilot.press("end")
        assert lst.selected is data[-1]
        sidebar.set_schedules(data[:-1])
        await pilot.pause()
        assert lst.selected is data[-2]


async def test_relative_labels_tick() -> None:
    app = SidebarApp()
    async with app.run_test(size=(60, 20)) as pilot:
        lst = app.query_one(ScheduleList)
        app.query_one(ScheduleSidebar).set_schedules(schedules(3))
        await pilot.pause()
        assert "in 1 min" in lst.render_line(2).text
        app.clock.advance(45)
        lst.tick()
        await pilot.pause()
        assert "in 15 s" in lst.render_line(2).text
