"""The `Notifier`: sends a notification through every configured channel, off the caller's
path (tasks on the running loop, HTTP in threads), holds notifications through quiet hours and
sends them when they end, and never raises into the caller: a failure is logged (scrubbed) and
told to `on_failure`."""

from __future__ import annotations

import asyncio
import contextlib
import logging
from collections.abc import Callable, Coroutine, Sequence
from datetime import tzinfo
from typing import Any

from dynaprompt_tui.core.clock import Clock
from dynaprompt_tui.core.notify.channels import (
    Channel,
    DesktopChannel,
    NtfyChannel,
    WebhookChannel,
    desktop_available,
)
from dynaprompt_tui.core.notify.notification import Notification, digest
from dynaprompt_tui.core.notify.quiet import QuietHours
from dynaprompt_tui.core.notify.settings import NotifyConfig

log = logging.getLogger("dynaprompt_tui.notify")

RECHECK = 60.0  # seconds between looks at the clock while quiet hours hold notifications
DIGEST_AFTER = 3  # more held than this: one digest at the end of quiet hours, not a burst


def channels_for(config: NotifyConfig, app_name: str) -> list[Channel]:
    """The channels `config` asks for (desktop "auto": where a service may be there)."""
    out: list[Channel] = []
    if config.desktop == "on" or (config.desktop == "auto" and desktop_available()):
        out.append(DesktopChannel(app_name, tried=config.desktop == "auto"))
    if config.ntfy_url:
        out.append(
            NtfyChannel(
                config.ntfy_url,
                config.ntfy_token,
                priority=config.ntfy_priority,
                tags=config.ntfy_tags,
            )
        )
    if config.webhook_url:
        out.append(WebhookChannel(config.webhook_url))
    return out


class Notifier:
    def __init__(
        self,
        channels: Sequence[Channel],
        *,
        clock: Clock,
        zone: tzinfo,
        quiet_hours: QuietHours | None = None,
        on_failure: Callable[[str], None] | None = None,
    ) -> None:
        self.channels = list(channels)
        self.clock = clock
        self.zone = zone
        self.quiet_hours = quiet_hours
        self.on_failure = on_failure
        self.held: list[Notification] = []
        self.sent = 0  # notifications that reached at least one channel (for tests, status)
        self._tasks: set[asyncio.Task[None]] = set()
        self._release: asyncio.Task[None] | None = None

    @classmethod
    def from_config(
        cls,
        config: NotifyConfig,
        *,
        clock: Clock,
        zone: tzinfo,
        app_name: str = "dynaprompt",
        on_failure: Callable[[str], None] | None = None,
    ) -> Notifier:
        return cls(
            channels_for(config, app_name),
            clock=clock,
            zone=zone,
            quiet_hours=config.quiet_hours,
            on_failure=on_failure,
        )

    @property
    def active(self) -> bool:
        """Whether any channel may send."""
        return any(c.enabled for c in self.channels)

    def quiet(self) -> bool:
        return self.quiet_hours is not None and self.quiet_hours.active(self.clock.now(), self.zone)

    def notify(self, n: Notification) -> None:
        """Send `n` now, or hold it until the quiet hours end. Returns at once; never raises."""
        try:
            if not self.active:
                return
            if self.quiet():
                self.held.append(n)
                if self._release is None or self._release.done():
                    self._release = self._spawn(self._release_when_quiet_ends())
                return
            self._spawn(self._send(n))
        except Exception as e:  # no running loop, a broken clock: logged, never raised
            self._failed(f"notification not sent: {e.__class__.__name__}: {e}")

    def forget_held(self) -> int:
        """Drop what is held (the user is looking at the chat now); how many were dropped."""
        count, self.held = len(self.held), []
        return count

    async def drain(self) -> None:
        """Wait for the sends under way (not for the end of quiet hours)."""
        while pending := [t for t in self._tasks if t is not self._release]:
            await asyncio.wait(pending)

    async def aclose(self, timeout: float = 5.0) -> None:
        """Stop waiting for quiet hours to end; give the sends under way `timeout` seconds."""
        if self._release is not None:
            self._release.cancel()
            with contextlib.suppress(BaseException):
                await self._release
        with contextlib.suppress(TimeoutError):
            await asyncio.wait_for(self.drain(), timeout)

    # -- inside ------------------------------------------------------------------------------
    def _spawn(self, work: Coroutine[Any, Any, None]) -> asyncio.Task[None]:
        try:
            task = asyncio.get_running_loop().create_task(work)
        except RuntimeError:  # no running loop (called from a thread): never left unawaited
            work.close()
            raise
        self._tasks.add(task)
        task.add_done_callback(self._tasks.discard)
        return task

    async def _release_when_quiet_ends(self) -> None:
        assert self.quiet_hours is not None
        while True:
            now = self.clock.now()
            wait = (self.quiet_hours.ends(now, self.zone) - now).total_seconds()
            if wait <= 0:
                break
            # In steps: a monotonic timer stops while the machine sleeps; the wall clock not.
            await self.clock.sleep(min(wait, RECHECK))
        held, self.held = self.held, []
        if not held:
            return
        if len(held) > DIGEST_AFTER:
            held = [digest(held)]
        for n in held:
            self._spawn(self._send(n))

    async def _send(self, n: Notification) -> None:
        channels = [c for c in self.channels if c.enabled]
        results = await asyncio.gather(*(c.send(n) for c in channels), return_exceptions=True)
        ok = False
        for channel, result in zip(channels, results, strict=True):
            if isinstance(result, BaseException):
                if isinstance(result, asyncio.CancelledError):
                    continue
                self._failed(f"notification via {channel.label} failed: {result}")
            else:
                ok = True
        self.sent += ok

    def _failed(self, line: str) -> None:
        log.warning("%s", line)
        if self.on_failure is not None:
            with contextlib.suppress(Exception):
                self.on_failure(line)
