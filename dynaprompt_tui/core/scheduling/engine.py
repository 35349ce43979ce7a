"""The scheduler loop: sleeps until the next due time, then claims and delivers what is due.

No polling: while idle the loop is parked in `clock.sleep`, woken by the due time, by `wake()`
(schedules changed), or by `max_sleep`. The cap exists because a monotonic sleep does not advance
while a laptop is suspended; re-reading the wall clock every `max_sleep` seconds bounds how late a
fire due during suspend can be after resume.

Several processes may each run an engine on one database (windows, the background service):
only the holder of the lease (lease.py) claims and delivers from `run`; the others wait on a
timer of a few seconds and try again, so a holder that dies is replaced within the lease time.
`fire_due` (one explicit pass) does not ask for the lease; exactly-once never rests on it.

The engine finds and claims what is due through the store; what a delivery, or a failed one,
does to a schedule is the ScheduleBook's (plan.py and transitions.py decide, the store saves).
"""

from __future__ import annotations

import asyncio
import contextlib
import inspect
import logging
import sys
from collections.abc import Awaitable, Callable, Iterator
from datetime import timedelta
from typing import NamedTuple

from dynaprompt_tui.core.clock import Clock
from dynaprompt_tui.core.models import Fire, Message, Schedule
from dynaprompt_tui.core.scheduling.book import ScheduleBook
from dynaprompt_tui.core.scheduling.lease import LEASE_TIME, RENEW_EVERY, RETRY_EVERY, Lease
from dynaprompt_tui.core.storage import ClaimLostError, Store
from dynaprompt_tui.core.storage.owners import default_owner

log = logging.getLogger(__name__)

_HANDOVER = 0.0005  # s: the interpreter's thread switch interval while deliveries run


@contextlib.contextmanager
def _prompt_handover() -> Iterator[None]:
    """While a pass's deliveries run in their thread, the interpreter offers the other thread's
    lock (the GIL) back every 0.5 ms instead of 5: a delivery gives it up around each SQLite
    call and waited for it behind a window busy showing the previous ones, up to 5 ms at a
    time (100 fires due at once: ~1.1 s in the window, 0.11 s in the service, bench_burst.py)."""
    before = sys.getswitchinterval()
    sys.setswitchinterval(min(before, _HANDOVER))
    try:
        yield
    finally:
        sys.setswitchinterval(before)


# After a pass that could not make progress on something already due (a delivery kept failing
# inside the store), wait this long rather than spin on it.
_RETRY_DELAY = 1.0
_STOP_GRACE = 0.5  # how long stop() lets running on_delivery callbacks finish
_ERROR_DELAY = 5.0  # after an unexpected error in a pass (database locked for 5 s, disk full)
WATCH_EVERY = 1.0  # the holder looks this often whether another process changed the schedules


class Delivery(NamedTuple):
    """A fire delivered: its message (committed), the schedule after it, the fire's log row."""

    message: Message
    schedule: Schedule  # as updated by the delivery (next_fire advanced, or fired)
    fire: Fire
    late: bool


OnDelivery = Callable[[Delivery], Awaitable[None] | None]


class Engine:
    def __init__(
        self,
        store: Store,
        clock: Clock,
        on_delivery: OnDelivery,
        *,
        owner: str | None = None,
        max_sleep: float = 30.0,
        late_after: timedelta = timedelta(seconds=90),
        lease: timedelta = timedelta(seconds=60),
        role: str = "app",
        lease_time: timedelta = LEASE_TIME,
        renew_every: float = RENEW_EVERY,
        retry_every: float = RETRY_EVERY,
        watch_every: float = WATCH_EVERY,
    ) -> None:
        self.store = store
        self.book = ScheduleBook(store)  # what a delivery or a failure does to a schedule
        self.clock = clock
        self.on_delivery = on_delivery
        self.owner = owner or default_owner()
        self.max_sleep = max_sleep
        self.late_after = late_after
        self.lease = lease  # how long a claim may stay undelivered before another takes it over
        # The right to deliver from run(): "app" or "service" (what `service status` shows).
        self.leadership = Lease(store, self.owner, role=role, duration=lease_time)
        self.renew_every = renew_every
        self.retry_every = retry_every
        self.watch_every = watch_every
        self._wake = asyncio.Event()
        # Set while parked in clock.sleep; tests clear it, move the clock and await it.
        self.idle = asyncio.Event()
        self._pass_lock = asyncio.Lock()
        self._task: asyncio.Task[None] | None = None
        self._loop: asyncio.AbstractEventLoop | None = None
        self._stopping = False
        self._callbacks: set[asyncio.Task[None]] = set()

    # -- lifecycle ----------------------------------------------------------------------------

    def start(self) -> asyncio.Task[None]:
        if self._task is None or self._task.done():
            self._stopping = False  # here, not in run(): a stop() before run() begins must stick
            self._task = asyncio.get_running_loop().create_task(self.run(), name="dps-engine")
        return self._task

    def wake(self) -> None:
        """Schedules changed: recompute the sleep now. Safe to call from any thread."""
        loop = self._loop
        if loop is not None and not loop.is_closed():
            try:
                running = asyncio.get_running_loop()
            except RuntimeError:
                running = None
            if running is not loop:
                loop.call_soon_threadsafe(self._wake.set)
                return
        self._wake.set()

    async def stop(self) -> None:
        self._stopping = True
        self._wake.set()
        task, self._task = self._task, None
        if task is not None and task is not asyncio.current_task():
            with contextlib.suppress(asyncio.CancelledError):
                await task
        if self._callbacks:
            # The messages are committed already; what may still run is the reaction to them
            # (a model turn). Give it a moment, then cancel: quitting must not wait on a stream.
            _, pending = await asyncio.wait(set(self._callbacks), timeout=_STOP_GRACE)
            for task in pending:
                task.cancel()
            await asyncio.gather(*pending, return_exceptions=True)

    @property
    def role(self) -> str:
        return self.leadership.role

    @role.setter
    def role(self, role: str) -> None:
        self.leadership.role = role

    @property
    def delivering(self) -> bool:
        """Whether this engine holds the lease (as of its last try)."""
        return self.leadership.held

    async def run(self) -> None:
        self._loop = asyncio.get_running_loop()
        try:
            await self._run()
        finally:
            with contextlib.suppress(Exception):  # (the lease expires anyway)
                await asyncio.to_thread(self.leadership.release)

    async def _hold_lease(self) -> bool:
        before = self.leadership.held
        try:
            held = await asyncio.to_thread(self.leadership.acquire, self.clock.now())
        except Exception as e:  # database locked past the busy timeout, disk full: try later
            log.warning("could not take the engine lease: %s", e)
            self.leadership.held = held = False
        if held != before:
            log.info("%s", "delivering from this process" if held else "another process delivers")
        return held

    async def _run(self) -> None:
        while not self._stopping:
            self._wake.clear()  # a wake() during the pass below makes the sleep return at once
            if not await self._hold_lease():
                # Another process delivers: no claims from here; try again on a slow timer.
                await self._park(self.retry_every)
                continue
            progressed = True
            version = -1  # (unknown: the pass failed)
            try:
                # Read before the pass, so a commit made during it ends the sleep after it.
                version = await asyncio.to_thread(self.store.data_version)
                deliveries, stuck = await self._pass(wait_callbacks=False)
                progressed = bool(deliveries) or not stuck
                delay = await asyncio.to_thread(self._delay)
            except Exception:
                log.exception("scheduler pass failed")
                delay = _ERROR_DELAY
            if not progressed:
                delay = max(delay, _RETRY_DELAY)
            if self._stopping:
                break
            if delay <= 0:
                continue
            await self._park_watching(min(delay, self.max_sleep, self.renew_every), version)

    async def _park_watching(self, seconds: float, version: int) -> None:
        """The holder's sleep: every `watch_every` seconds one cheap read of whether another
        process committed (a schedule added from another window or the shell), which ends it
        early so that schedule fires on time; `wake()` covers this process's own changes."""
        if version < 0:  # the pass failed: its error delay, unwatched
            await self._park(seconds)
            return
        deadline = self.clock.now() + timedelta(seconds=seconds)
        while not self._stopping and not self._wake.is_set():
            left = (deadline - self.clock.now()).total_seconds()
            if left <= 0:
                return
            await self._park(min(left, self.watch_every))
            if self._wake.is_set() or left <= self.watch_every:
                return
            try:
                if await asyncio.to_thread(self.store.data_version) != version:
                    return
            except Exception:  # (a locked or vanished file: the pass will say what)
                return

    async def _park(self, seconds: float) -> None:
        self.idle.set()
        try:
            await self.clock.sleep(seconds, self._wake)
        finally:
            self.idle.clear()

    def _delay(self) -> float:
        nxt = self.store.next_due()
        if nxt is None:
            return self.max_sleep
        return (nxt - self.clock.now()).total_seconds()

    # -- one pass -----------------------------------------------------------------------------

    async def fire_due(self) -> list[Delivery]:
        """Recover stale claims, then deliver everything due, oldest first; callbacks awaited."""
        deliveries, _ = await self._pass(wait_callbacks=True)
        return deliveries

    async def _pass(self, *, wait_callbacks: bool) -> tuple[list[Delivery], bool]:
        """Returns the deliveries and whether something due could not be delivered."""
        async with self._pass_lock:
            out: list[Delivery] = []
            stuck = False
            tasks: list[asyncio.Task[None]] = []

            # Each step is a short transaction in a worker thread, so a busy database (another
            # process holding the write lock) never stalls the event loop.
            now = self.clock.now()
            stale = await asyncio.to_thread(self.store.stale_claims, now=now, lease=self.lease)
            for old in stale:
                fire = await asyncio.to_thread(
                    self.store.take_over, old, now=self.clock.now(), owner=self.owner
                )
                if fire is not None:
                    log.warning(
                        "recovering fire %s of %s from %s", old.id, old.schedule_id, old.owner
                    )
                    d, failed = await self._deliver(fire)
                    stuck |= failed
                    if d is not None:
                        out.append(d)
                        tasks += self._notify(d)

            due = await asyncio.to_thread(self.store.due, self.clock.now())
            if due:
                # One worker thread delivers them all back to back and hands each delivery to
                # the loop as it commits: a busy loop (a window showing a burst of messages)
                # delays what shows them, never the deliveries. (The thread's result comes
                # after every hand-off, so `tasks` is complete when it returns.)
                loop = asyncio.get_running_loop()

                def hand(d: Delivery) -> None:
                    loop.call_soon_threadsafe(lambda: tasks.extend(self._notify(d)))

                for d, failed in await asyncio.to_thread(self._deliver_each, due, hand):
                    stuck |= failed
                    if d is not None:
                        out.append(d)

        if wait_callbacks and tasks:
            await asyncio.gather(*tasks, return_exceptions=True)
        return out, stuck

    def _deliver_each(
        self, due: list[Schedule], hand: Callable[[Delivery], None]
    ) -> list[tuple[Delivery | None, bool]]:
        """Runs in a worker thread: claim and deliver each in turn, `hand` each delivery on."""
        results = []
        with _prompt_handover():
            for schedule in due:
                d, failed = self._claim_and_deliver(schedule)
                if d is not None:
                    hand(d)
                results.append((d, failed))
        return results

    def _claim_and_deliver(self, schedule: Schedule) -> tuple[Delivery | None, bool]:
        """Runs in a worker thread."""
        fire = self.store.claim(schedule, now=self.clock.now(), owner=self.owner)
        if fire is None:
            return None, False  # someone else has it, or it changed under us
        return self._deliver_sync(fire)

    async def _deliver(self, fire: Fire) -> tuple[Delivery | None, bool]:
        return await asyncio.to_thread(self._deliver_sync, fire)

    def _deliver_sync(self, fire: Fire) -> tuple[Delivery | None, bool]:
        try:
            message, schedule = self.book.deliver(
                fire, now=self.clock.now(), late_after=self.late_after
            )
        except ClaimLostError as e:
            log.info("not delivering: %s", e)
            return None, False
        except Exception as e:
            log.exception("delivering schedule %s failed", fire.schedule_id)
            with contextlib.suppress(Exception):
                self.store.release(fire, error=f"{type(e).__name__}: {e}")
                self.book.record_failure(
                    fire.schedule_id, now=self.clock.now(), error=f"{type(e).__name__}: {e}"
                )
            return None, True
        return Delivery(message=message, schedule=schedule, fire=fire, late=message.late), False

    # -- callbacks ----------------------------------------------------------------------------

    def _notify(self, d: Delivery) -> list[asyncio.Task[None]]:
        """Call on_delivery. A coroutine runs as its own task so a slow one delays nobody, and
        the bookkeeping writes run in threads so a busy database never stalls the UI loop."""
        try:
            result = self.on_delivery(d)
        except Exception as e:
            return [self._spawn(self._callback_failed(d, e))]
        if inspect.isawaitable(result):
            return [self._spawn(self._await_callback(d, result))]
        if d.schedule.failures:  # skip the write in the common case
            return [self._spawn(self._succeeded(d))]
        return []

    def _spawn(self, coro: Awaitable[None]) -> asyncio.Task[None]:
        task = asyncio.ensure_future(coro)
        self._callbacks.add(task)  # keep a reference; stop() waits for these
        task.add_done_callback(self._callbacks.discard)
        return task

    async def _await_callback(self, d: Delivery, result: Awaitable[None]) -> None:
        try:
            await result
        except Exception as e:
            await self._callback_failed(d, e)
        else:
            if d.schedule.failures:
                await self._succeeded(d)

    async def _succeeded(self, d: Delivery) -> None:
        try:
            await asyncio.to_thread(self.book.record_success, d.schedule.id)
        except Exception:
            log.exception("recording success for %s failed", d.schedule.id)

    async def _callback_failed(self, d: Delivery, e: BaseException) -> None:
        log.error("on_delivery for schedule %s failed", d.schedule.id, exc_info=e)
        try:
            await asyncio.to_thread(
                self.book.record_failure,
                d.schedule.id,
                now=self.clock.now(),
                error=f"{type(e).__name__}: {e}",
            )
        except Exception:
            log.exception("recording failure for %s failed", d.schedule.id)
