"""The conversations part of `Store` (a base class of it): the list, a conversation's own settings
and title, reading marks, deleting one, and search. Each method is one transaction or one read,
as in store.py."""

from __future__ import annotations

from datetime import datetime
from typing import Any

from dynaprompt_tui.core.models import ConversationInfo, SearchHit, TitleSource
from dynaprompt_tui.core.storage import conversations
from dynaprompt_tui.core.storage.connection import Database


class ConversationRecords:
    _db: Database
    conversation_id: int | None

    def _which(self, conversation_id: int | None) -> int:
        if conversation_id is not None:
            return conversation_id
        return self.conversation_id or conversations.FIRST

    def add_conversation(self, *, now: datetime, title: str = "") -> ConversationInfo:
        with self._db.transaction() as c:
            return conversations.insert(c, now=now, title=title)

    def conversation(self, conversation_id: int | None = None) -> ConversationInfo:
        """One conversation (default: this view's); StoreError if there is none."""
        with self._db.reading() as c:
            return conversations.get(c, self._which(conversation_id))

    def conversations(
        self, *, archived: bool | None = False, limit: int = -1, offset: int = 0
    ) -> list[ConversationInfo]:
        """Latest activity first; `archived`: only archived (True), only the others (False),
        all (None)."""
        with self._db.reading() as c:
            return conversations.listing(c, archived=archived, limit=limit, offset=offset)

    def conversation_count(self, *, archived: bool | None = False) -> int:
        with self._db.reading() as c:
            return conversations.count(c, archived=archived)

    def unread_total(self, *, besides: int | None = None) -> int:
        """Unread messages in the conversations not archived, but `besides`."""
        with self._db.reading() as c:
            return conversations.unread_total(c, besides=besides)

    def latest_conversation(self) -> int:
        """The conversation with the latest activity, archived ones last."""
        with self._db.reading() as c:
            return conversations.latest(c) or conversations.FIRST

    def set_title(
        self, title: str, source: TitleSource, conversation_id: int | None = None
    ) -> ConversationInfo:
        """Name it; an automatic title never replaces the user's."""
        with self._db.transaction() as c:
            cid = self._which(conversation_id)
            conversations.set_title(c, cid, title, source)
            return conversations.get(c, cid)

    def set_conversation_settings(
        self, conversation_id: int | None = None, **values: Any
    ) -> ConversationInfo:
        """model, system_prompt, temperature (None: back to the default)."""
        with self._db.transaction() as c:
            cid = self._which(conversation_id)
            conversations.set_settings(c, cid, **values)
            return conversations.get(c, cid)

    def archive_conversation(
        self, archived: bool = True, conversation_id: int | None = None
    ) -> ConversationInfo:
        with self._db.transaction() as c:
            cid = self._which(conversation_id)
            conversations.set_archived(c, cid, archived)
            return conversations.get(c, cid)

    def mark_read(self, up_to: int | None = None, conversation_id: int | None = None) -> bool:
        """Seen up to message `up_to` (default: its newest); True if that changed."""
        with self._db.transaction() as c:
            return conversations.mark_read(c, self._which(conversation_id), up_to)

    def delete_conversation(self, conversation_id: int) -> None:
        """Delete it with its messages, schedules and their deliveries."""
        with self._db.transaction() as c:
            conversations.delete(c, conversation_id)

    def search(
        self,
        text: str,
        *,
        conversation_id: int | None = None,
        limit: int = 50,
        mark: tuple[str, str] = ("[", "]"),
    ) -> list[SearchHit]:
        """Messages with every word of `text` (the last as a prefix), newest first."""
        with self._db.reading() as c:
            return conversations.search(
                c, text, conversation_id=conversation_id, limit=limit, mark=mark
            )
