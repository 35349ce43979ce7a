"""The engine lease: one process at a time delivers from a database.

Every process may run an `Engine` (each window, the background service); only the holder of
the lease, a row in the `meta` table, claims and delivers. The holder renews it every few
seconds; when it dies (same host: its pid is gone) or stops renewing (the lease expires),
another engine takes it on its next try. Taking, renewing and releasing are each one
BEGIN IMMEDIATE transaction, so two processes never both take a free lease. The lease only
saves work: exactly-once rests on the claim-and-deliver transaction, which holds even while
two processes believe they hold the lease (a clock jump, a holder paused past its expiry).
"""

from __future__ import annotations

from datetime import datetime, timedelta
from typing import Any, NamedTuple

from dynaprompt_tui.core.storage import Store
from dynaprompt_tui.core.storage.codec import dt_opt, ts
from dynaprompt_tui.core.storage.owners import owner_alive

LEASE_KEY = "engine_lease"
LEASE_TIME = timedelta(seconds=15)  # a holder that stops renewing loses it after this
RENEW_EVERY = 5.0  # seconds between the holder's renewals
RETRY_EVERY = 3.0  # seconds between a waiting engine's tries


class LeaseHolder(NamedTuple):
    """Who delivers: the engine's owner id (host:pid:tag), its role ("app" or "service"),
    since when it holds the lease and until when (unless renewed)."""

    owner: str
    role: str
    since: datetime
    expires_at: datetime

    @property
    def pid(self) -> int | None:
        try:
            return int(self.owner.rsplit(":", 2)[1])
        except (IndexError, ValueError):
            return None


def _decode(value: Any) -> LeaseHolder | None:
    if not isinstance(value, dict):
        return None
    try:
        since, expires = dt_opt(value["since"]), dt_opt(value["expires_at"])
        if since is None or expires is None:
            return None
        return LeaseHolder(str(value["owner"]), str(value.get("role", "app")), since, expires)
    except (KeyError, TypeError, ValueError):
        return None  # a value we cannot read is a free lease


def _encode(holder: LeaseHolder) -> dict[str, str]:
    return {
        "owner": holder.owner,
        "role": holder.role,
        "since": ts(holder.since),
        "expires_at": ts(holder.expires_at),
    }


def live_holder(value: Any, now: datetime) -> LeaseHolder | None:
    """The holder named by a stored lease value if it still holds it at `now`, else None."""
    holder = _decode(value)
    if holder is None or holder.expires_at <= now or not owner_alive(holder.owner):
        return None
    return holder


def current_holder(store: Store, now: datetime) -> LeaseHolder | None:
    """Who delivers from this database now (None: nobody; the next engine to try will)."""
    return live_holder(store.get_meta(LEASE_KEY), now)


class Lease:
    """One engine's side of the lease: `acquire` takes or renews it, `release` gives it up."""

    def __init__(
        self, store: Store, owner: str, *, role: str = "app", duration: timedelta = LEASE_TIME
    ) -> None:
        self.store = store
        self.owner = owner
        self.role = role
        self.duration = duration
        self.held = False

    def acquire(self, now: datetime) -> bool:
        """Take the lease if it is free (or ours), renewing it until now + duration."""
        # A plain read first: a waiting engine takes no write lock while someone else holds it.
        other = current_holder(self.store, now)
        if other is not None and other.owner != self.owner:
            self.held = False
            return False

        def take(value: Any) -> Any:
            holder = live_holder(value, now)
            if holder is not None and holder.owner != self.owner:
                return value  # taken meanwhile: unchanged, nothing written
            since = holder.since if holder is not None else now
            return _encode(LeaseHolder(self.owner, self.role, since, now + self.duration))

        stored = _decode(self.store.update_meta(LEASE_KEY, take))
        self.held = stored is not None and stored.owner == self.owner
        return self.held

    def release(self) -> None:
        """Give the lease up (on a clean stop) so another engine takes it at its next try."""

        def drop(value: Any) -> Any:
            holder = _decode(value)
            return None if holder is not None and holder.owner == self.owner else value

        if self.held:
            self.held = False
            self.store.update_meta(LEASE_KEY, drop)
