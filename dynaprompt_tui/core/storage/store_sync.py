"""The live-sync part of `Store` (a base class of it): what this store wrote, and what other
connections (processes) wrote since a `SyncPoint` (changes.py)."""

from __future__ import annotations

from collections.abc import Collection

from dynaprompt_tui.core.storage import changes
from dynaprompt_tui.core.storage.changes import Changes, SyncPoint
from dynaprompt_tui.core.storage.connection import Database

MINE_KEPT = 4096  # ids of the messages this store wrote, remembered for changes_since


class Written:
    """What a store and its scoped views wrote: their listeners have shown it already."""

    def __init__(self) -> None:
        self.mine: set[int] = set()  # ids of the messages written or changed here
        self.untold = False  # a schedule changed here that no listener was told of (a skip)


class SyncRecords:
    _db: Database
    _written: Written

    def _remember(self, message_id: int) -> None:
        """A message this store wrote or changed (kept bounded: the oldest are forgotten, as a
        window never looks that far back)."""
        mine = self._written.mine
        mine.add(message_id)
        if len(mine) > MINE_KEPT:
            for old in sorted(mine)[: MINE_KEPT // 2]:
                mine.discard(old)

    def sync_point(self, last_message_id: int | None = None) -> SyncPoint:
        """Where a reader is now (see changes_since); `last_message_id`: the newest message it
        shows, if it read them earlier (messages after it are then reported as added)."""
        with self._db.reading() as c:
            return changes.point(c, last_message_id)

    def changes_since(
        self,
        point: SyncPoint,
        *,
        wait: bool = False,
        shown: Collection[int] = (),
        conversation_id: int | None = None,
    ) -> Changes | None:
        """What other connections (processes) wrote since `point`: None when nothing (one
        `PRAGMA data_version`, cheap enough for a timer) or, without `wait`, when this store is
        busy in another thread (ask again later: a timer on the UI thread never blocks).
        `shown`, `conversation_id`: a viewer's messages and conversation, told if deleted."""
        if not self._db.lock.acquire(blocking=wait):
            return None
        try:
            written = self._written
            look, written.untold = written.untold, False
            return changes.since(
                self._db.conn,
                point,
                written.mine,
                look=look,
                shown=shown,
                conversation_id=conversation_id,
            )
        finally:
            self._db.lock.release()
