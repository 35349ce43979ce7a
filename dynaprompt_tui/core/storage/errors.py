"""The store's exceptions: each message is fit to show the user as it is."""

from __future__ import annotations


class StoreError(Exception):
    """A request the store cannot carry out; the message is fit to show the user."""


class DatabaseUnusableError(StoreError):
    """The database file cannot be opened or written; the message says which path, what is
    wrong with it and what to do, on one line (connection.unusable)."""


class UnknownScheduleError(StoreError):
    """No schedule has this id (or it is a prefix shared by several)."""


class ClaimLostError(StoreError):
    """`deliver` was handed a fire that is no longer ours to deliver (taken over, or abandoned)."""


class FireSkippedError(ClaimLostError):
    """`deliver` skipped the fire, as its schedule's missed-fires policy says (on_missed=skip):
    the fire is recorded as skipped and the schedule moved on; no message was written."""


class PendingLimitError(StoreError):
    """A new schedule would exceed its creator's cap on pending schedules (checked in the
    insert's transaction, so the cap holds across processes)."""

    def __init__(self, pending: int, limit: int) -> None:
        super().__init__(f"{pending} pending schedules already (limit {limit})")
        self.pending = pending
        self.limit = limit


class ConversationGoneError(StoreError):
    """A message or schedule for a conversation that was deleted (by another window or the
    command line, since this one opened it): nothing is written."""

    def __init__(self, conversation_id: int) -> None:
        super().__init__(f"conversation {conversation_id} was deleted (elsewhere): not written")
        self.conversation_id = conversation_id
