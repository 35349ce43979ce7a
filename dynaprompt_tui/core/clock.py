"""Clocks: the engine and the parser never read the time themselves, so tests control it."""

from __future__ import annotations

import asyncio
import contextlib
import heapq
import itertools
from datetime import UTC, datetime, timedelta
from typing import Any, Protocol


class Clock(Protocol):
    def now(self) -> datetime:
        """The current instant, timezone-aware (UTC)."""
        ...

    async def sleep(self, seconds: float, wake: asyncio.Event | None = None) -> None:
        """Sleep up to `seconds`; return early when `wake` is set."""
        ...


class SystemClock:
    def now(self) -> datetime:
        return datetime.now(UTC)

    async def sleep(self, seconds: float, wake: asyncio.Event | None = None) -> None:
        if wake is None:
            await asyncio.sleep(max(0.0, seconds))
            return
        with contextlib.suppress(TimeoutError):
            await asyncio.wait_for(wake.wait(), timeout=max(0.0, seconds))


class FakeClock:
    """A clock that moves only when a test calls `advance` or `set`; sleepers wake when due."""

    def __init__(self, start: datetime | None = None) -> None:
        self._now = start or datetime(2026, 3, 5, 10, 15, tzinfo=UTC)
        if self._now.tzinfo is None:
            raise ValueError("FakeClock needs an aware datetime")
        self._sleepers: list[tuple[datetime, int, asyncio.Future[None]]] = []
        self._seq = itertools.count()
        self.sleep_calls: list[float] = []  # what the engine asked for, for assertions

    def now(self) -> datetime:
        return self._now

    async def sleep(self, seconds: float, wake: asyncio.Event | None = None) -> None:
        self.sleep_calls.append(seconds)
        fut: asyncio.Future[None] = asyncio.get_running_loop().create_future()
        due = self._now + timedelta(seconds=seconds)
        heapq.heappush(self._sleepers, (due, next(self._seq), fut))
        waiters: list[asyncio.Future[Any]] = [fut]
        if wake is not None:
            waiters.append(asyncio.ensure_future(wake.wait()))
        try:
            await asyncio.wait(waiters, return_when=asyncio.FIRST_COMPLETED)
        finally:
            for w in waiters[1:]:
                w.cancel()
            if not fut.done():
                fut.cancel()

    def advance(self, seconds: float = 0, **kw: float) -> datetime:
        return self.set(self._now + timedelta(seconds=seconds, **kw))

    def set(self, when: datetime) -> datetime:
        self._now = when
        while self._sleepers and self._sleepers[0][0] <= when:
            _, _, fut = heapq.heappop(self._sleepers)
            if not fut.done():
                fut.set_result(None)
        return self._now
