"""`Store`, the one entry to the database: each method is one transaction (or one locked read)
around a function of the table modules beside it. Any number of Store objects or processes may
share a file; exactly-once delivery rests on `claim` and `deliver` (see fires.py).

The store decides nothing about schedules: a change (`change_schedule`) and a delivery
(`deliver`) are computed by the caller's function, called inside the transaction on the row as
it is then, and saved in that same transaction (core.scheduling.book supplies them).
"""

from __future__ import annotations

import copy
from collections.abc import Callable, Iterable, Mapping
from datetime import datetime, timedelta
from pathlib import Path
from typing import Any

from dynaprompt_tui.core.models import (
    Fire,
    Message,
    MissedPolicy,
    Party,
    Role,
    Schedule,
    ScheduleState,
)
from dynaprompt_tui.core.storage import changes, conversations, fires, messages, schedules
from dynaprompt_tui.core.storage import meta as key_values
from dynaprompt_tui.core.storage.changes import Changes, SyncPoint
from dynaprompt_tui.core.storage.connection import Database, explained
from dynaprompt_tui.core.storage.errors import (
    ClaimLostError,
    FireSkippedError,
    PendingLimitError,
    StoreError,
    UnknownScheduleError,
)
from dynaprompt_tui.core.storage.fires import PlannedDelivery
from dynaprompt_tui.core.storage.migrations import migrate
from dynaprompt_tui.core.storage.owners import default_owner
from dynaprompt_tui.core.storage.store_conversations import ConversationRecords
from dynaprompt_tui.core.storage.store_sync import SyncRecords, Written

__all__ = [
    "Changes",
    "ClaimLostError",
    "FireSkippedError",
    "PendingLimitError",
    "PlannedDelivery",
    "Store",
    "StoreError",
    "SyncPoint",
    "UnknownScheduleError",
    "default_owner",
]

_ACTIVE = schedules.ACTIVE


class Store(ConversationRecords, SyncRecords):
    """One open database file; safe to share between threads (one lock) and processes.

    A store sees every conversation; `scoped(id)` gives a view of the same open database that
    reads and writes one conversation's messages and schedules (what a conversation's
    collaborators are given), while delivery, due times and key/values stay global."""

    conversation_id: int | None = None  # None: every conversation (new rows go to the first)

    def __init__(self, path: str | Path) -> None:
        self.path = Path(path).expanduser()
        self._db = Database(self.path)
        self._conn = self._db.conn  # for tests and benchmarks that set pragmas or read raw rows
        # The messages this store wrote or changed: what its own listeners show already, left
        # out of what changes_since reports (another process's writes).
        self._written = Written()
        # Inside the lock: another process may be migrating. (A full disk shows first here.)
        with explained(self.path), self._db.transaction() as c:
            migrate(c, self.path)

    def scoped(self, conversation_id: int | None) -> Store:
        """A view of this store for one conversation (None: all of them) on the same
        connection, lock and record of writes; closing either closes both."""
        view = copy.copy(self)
        view.conversation_id = conversation_id
        return view

    @property
    def _into(self) -> int:
        """The conversation new messages and schedules go to."""
        return self.conversation_id or conversations.FIRST

    def close(self) -> None:
        self._db.close()

    # -- messages -----------------------------------------------------------------------------

    def add_message(
        self,
        role: Role,
        content: str,
        *,
        now: datetime,
        schedule_id: str | None = None,
        scheduled_by: Party | None = None,
        due_at: datetime | None = None,
        late: bool = False,
        meta: Mapping[str, Any] | None = None,
    ) -> Message:
        with self._db.transaction() as c:
            message = messages.insert(
                c,
                role,
                content,
                now=now,
                schedule_id=schedule_id,
                scheduled_by=scheduled_by,
                due_at=due_at,
                late=late,
                meta=meta,
                conversation_id=self._into,
            )
            self._remember(message.id)
            return message

    def update_message(
        self,
        message_id: int,
        *,
        content: str | None = None,
        meta: Mapping[str, Any] | None = None,
    ) -> Message:
        """Replace the content (if given) and merge `meta` into the message's meta."""
        with self._db.transaction() as c:
            self._remember(message_id)
            return messages.update(c, message_id, content=content, meta=meta)

    def get_message(self, message_id: int) -> Message:
        with self._db.reading() as c:
            return messages.get(c, message_id)

    def messages(
        self, *, before_id: int | None = None, limit: int = 50, after_id: int | None = None
    ) -> list[Message]:
        """Oldest first: the latest `limit` messages before `before_id` (all, if None), or with
        `after_id` the first `limit` after it."""
        with self._db.reading() as c:
            return messages.page(
                c,
                before_id=before_id,
                limit=limit,
                after_id=after_id,
                conversation_id=self.conversation_id,
            )

    def message_count(self) -> int:
        with self._db.reading() as c:
            return messages.count(c, self.conversation_id)

    def delete_messages(self, message_ids: list[int]) -> None:
        if message_ids:
            with self._db.transaction() as c:
                messages.delete(c, message_ids)

    # -- schedules ----------------------------------------------------------------------------

    def add_schedule(
        self,
        *,
        created_by: Party,
        recipient: Party,
        time_prompt: str,
        rule: dict[str, Any],
        tz: str,
        recurring: bool,
        description: str,
        prompt: str,
        next_fire: datetime,
        now: datetime,
        approved: bool = True,
        max_pending: int | None = None,
        on_missed: MissedPolicy = MissedPolicy.ONCE,
    ) -> Schedule:
        """Save a new pending schedule; its rule already read (ScheduleBook.add_schedule).

        `max_pending`: PendingLimitError if `created_by` already has that many pending or
        paused schedules, counted inside the insert's transaction, so the cap holds across
        processes (two windows adding at once)."""
        with self._db.transaction() as c:
            if max_pending is not None:
                # (Per conversation: each has its own cap.)
                pending = schedules.count(
                    c,
                    created_by=created_by,
                    states=_ACTIVE,
                    conversation_id=self.conversation_id,
                )
                if pending >= max_pending:
                    raise PendingLimitError(pending, max_pending)
            return schedules.insert(
                c,
                created_by=created_by,
                recipient=recipient,
                time_prompt=time_prompt,
                rule=rule,
                tz=tz,
                recurring=recurring,
                description=description,
                prompt=prompt,
                next_fire=next_fire,
                now=now,
                approved=approved,
                on_missed=on_missed,
                conversation_id=self._into,
            )

    def get_schedule(self, schedule_id: str) -> Schedule:
        """By id or unique prefix; UnknownScheduleError otherwise."""
        with self._db.reading() as c:
            return schedules.resolve(c, schedule_id)

    def schedules(
        self,
        states: Iterable[ScheduleState] = _ACTIVE,
        *,
        limit: int | None = None,
        offset: int = 0,
    ) -> list[Schedule]:
        """Schedules in these states, the next to fire first; `limit` of them from `offset`."""
        with self._db.reading() as c:
            scope = self.conversation_id
            return schedules.listing(c, states, limit=limit, offset=offset, conversation_id=scope)

    def schedule_position(self, schedule_id: str) -> int | None:
        """Where a pending or paused schedule is in `schedules()`; None if it is not there."""
        with self._db.reading() as c:
            return schedules.position(c, _ACTIVE, schedule_id, conversation_id=self.conversation_id)

    def count_schedules(
        self, *, created_by: Party | None = None, states: Iterable[ScheduleState] = _ACTIVE
    ) -> int:
        with self._db.reading() as c:
            return schedules.count(
                c, created_by=created_by, states=states, conversation_id=self.conversation_id
            )

    def change_schedule(
        self,
        schedule_id: str,
        change: Callable[[Schedule], Schedule],
        *,
        now: datetime | None,
    ) -> Schedule:
        """Read the schedule, apply `change` to it and save what differs, in one transaction.

        `change` returning its argument itself means "no change": nothing is written. Otherwise
        the changed fields are written with the update time (`now`, or the wall clock if None),
        and the schedule is returned as saved. Errors `change` raises roll back and propagate.
        """
        with self._db.transaction() as c:
            before = schedules.resolve(c, schedule_id)
            after = change(before)
            if after is before:
                return before
            schedules.save(c, before, after, now)
            return schedules.resolve(c, before.id)

    def next_due(self) -> datetime | None:
        """The earliest time anything is due (may be in the past), or None."""
        with self._db.reading() as c:
            return schedules.next_due(c)

    def due(self, now: datetime) -> list[Schedule]:
        """Schedules due by `now` that nobody has claimed, oldest first."""
        with self._db.reading() as c:
            return schedules.due(c, now)

    # -- delivery -----------------------------------------------------------------------------

    def claim(self, schedule: Schedule, *, now: datetime, owner: str) -> Fire | None:
        """Take the right to deliver `schedule` at its current due time, or None if taken/moot."""
        if schedule.next_fire is None or schedule.next_fire > now:
            return None  # (without taking the write lock)
        with self._db.transaction() as c:
            return fires.claim(c, schedule, now=now, owner=owner)

    def take_over(self, fire: Fire, *, now: datetime, owner: str) -> Fire | None:
        """Move a stale claim to `owner`; None if someone else got there first."""
        with self._db.transaction() as c:
            return fires.take_over(c, fire, now=now, owner=owner)

    def release(self, fire: Fire, *, error: str) -> None:
        """Give up a claim we cannot deliver; the fire may be claimed again later."""
        with self._db.transaction() as c:
            fires.release(c, fire, error=error)

    def deliver(
        self, fire: Fire, *, now: datetime, plan: Callable[[Schedule], PlannedDelivery]
    ) -> tuple[Message, Schedule]:
        """Deliver a fire we claimed: the message, the fire and the schedule as `plan` decides
        (called on the schedule as read in this transaction), all in one transaction.

        Raises FireSkippedError (a ClaimLostError) when the plan skips the fire (a late fire of
        a schedule that skips missed fires: the skip is saved, no message written), and
        ClaimLostError if the claim is no longer ours, or if the schedule was paused,
        cancelled or edited since the claim (the fire is then marked failed).
        """
        with self._db.transaction() as c:
            schedule = fires.claimed_schedule(c, fire)
            if schedule is not None:
                message, after = fires.deliver(c, fire, schedule, now=now, plan=plan)
                if message is not None:
                    self._remember(message.id)
                    return message, after
        if schedule is not None:  # (raised once the skip is committed)
            self._written.untold = True
            raise FireSkippedError(f"fire {fire.id} of schedule {fire.schedule_id}: skipped")
        raise ClaimLostError(f"fire {fire.id} of schedule {fire.schedule_id}: {fires.ABANDONED}")

    def record_model(self, fire_id: int, result: str, *, error: str | None = None) -> None:
        """For the run history: the model call a delivered fire started: ok | failed | blocked
        (a guardrail kept the chatbot from answering)."""
        with self._db.transaction() as c:
            fires.record_model(c, fire_id, result, error)

    def stale_claims(self, *, now: datetime, lease: timedelta) -> list[Fire]:
        """Claims nobody will deliver: the claimer died (same host) or held it past the lease."""
        with self._db.reading() as c:
            return fires.stale_claims(c, now=now, lease=lease)

    def fires(self, schedule_id: str | None = None) -> list[Fire]:
        """The delivery log, oldest first: all of it, or one schedule's."""
        with self._db.reading() as c:
            return fires.listing(c, schedule_id)

    # -- key/value ----------------------------------------------------------------------------

    def get_meta(self, key: str, default: Any = None) -> Any:
        with self._db.reading() as c:
            return key_values.get(c, key, default)

    def set_meta(self, key: str, value: Any) -> None:
        with self._db.transaction() as c:
            key_values.put(c, key, value)

    def update_meta(self, key: str, change: Callable[[Any], Any]) -> Any:
        """Read `key`, write `change(value)` in the same transaction, return what is stored.
        `change` returning its argument itself writes nothing (the engine's lease uses this)."""
        with self._db.transaction() as c:
            before = key_values.get(c, key)
            after = change(before)
            if after is not before:
                key_values.put(c, key, after)
            return after

    # -- other processes' writes (live sync) --------------------------------------------------

    def data_version(self) -> int:
        """Changes when another connection commits (the delivering engine watches it, so a
        schedule added by another process fires on time)."""
        with self._db.reading() as c:
            return changes.data_version(c)
