"""Plain value types shared by the core and the UI. Datetimes are timezone-aware, stored in UTC."""

from __future__ import annotations

from collections.abc import Mapping
from datetime import datetime
from enum import StrEnum
from types import MappingProxyType
from typing import Any, NamedTuple

# The records below are NamedTuples, not frozen dataclasses: as immutable, and defining one
# costs a tenth as much at import (a dataclass compiles its methods from source), which every
# start of the app pays. `record._replace(field=value)` makes a changed copy.

NO_META: Mapping[str, Any] = MappingProxyType({})  # a message's meta when it has none


class Party(StrEnum):
    """Either side of the chat: who created a schedule, and who receives it."""

    USER = "user"
    CHATBOT = "chatbot"


class ScheduleState(StrEnum):
    PENDING = "pending"
    PAUSED = "paused"
    FIRED = "fired"  # a one-off that has been delivered, or a recurring rule that has ended
    CANCELLED = "cancelled"
    FAILED = "failed"


class MissedPolicy(StrEnum):
    """What a fire found late does (the app or the service was down when it was due)."""

    ONCE = "once"  # deliver it once, late; missed repeats of a rule coalesced into it (default)
    SKIP = "skip"  # deliver nothing late: wait for the next fire on time
    EACH = "each"  # deliver each missed fire, late, one message each (up to a cap)


class Outcome(StrEnum):
    """A fire as its run history shows it."""

    CLAIMED = "claimed"  # being delivered right now (or its deliverer died: it is taken over)
    DELIVERED = "delivered"  # on time
    LATE = "late"  # delivered, late
    SKIPPED = "skipped"  # not delivered: the schedule skips missed fires, or changed meanwhile
    FAILED = "failed"  # the delivery or, for the chatbot, the model call failed
    BLOCKED = "blocked"  # delivered, but a guardrail kept the chatbot from answering


class Role(StrEnum):
    """How a chat message is shown and what the model sees of it."""

    USER = "user"  # typed by the user, or a scheduled turn addressed to the chatbot
    ASSISTANT = "assistant"  # written by the chatbot (live, or scheduled by the bot for the user)
    REMINDER = "reminder"  # scheduled by the user for the user: no model call
    NOTICE = "notice"  # the app talking: schedule cards, limits, demo banner
    ERROR = "error"  # something failed; shown, never sent to the model


class Message(NamedTuple):
    id: int
    role: Role
    content: str
    created_at: datetime
    schedule_id: str | None = None  # set on a message delivered by a schedule
    scheduled_by: Party | None = None
    due_at: datetime | None = None  # the time the schedule was due (differs when late)
    late: bool = False
    meta: Mapping[str, Any] = NO_META  # cards, partial/failed flags, …
    conversation_id: int = 1  # the conversation it belongs to (1: the first one)


class Schedule(NamedTuple):
    id: str  # short id the user types in `dpd <id>`
    created_by: Party
    recipient: Party
    time_prompt: str  # as typed
    rule: dict[str, Any]  # When.to_dict(); rebuilt with When.from_dict(rule, ZoneInfo(tz))
    tz: str  # IANA zone the rule is read in
    prompt: str
    state: ScheduleState
    next_fire: datetime | None
    created_at: datetime
    recurring: bool = False
    description: str = ""
    fire_count: int = 0
    failures: int = 0  # consecutive failed deliveries; three pause the schedule
    approved: bool = True  # bot-created recurring schedules wait for the user's approval
    last_error: str | None = None
    on_missed: MissedPolicy = MissedPolicy.ONCE
    conversation_id: int = 1  # where its fires land


class Fire(NamedTuple):
    """One delivery of a schedule at one due time (the log of deliveries)."""

    id: int
    schedule_id: str
    due_at: datetime
    status: str  # the claim: claimed | delivered (done, a skipped fire too) | failed
    claimed_at: datetime
    delivered_at: datetime | None = None
    message_id: int | None = None
    late: bool = False
    error: str | None = None
    owner: str | None = None  # "host:pid:tag" of the claimer, so a dead claimer can be detected
    outcome: Outcome | None = None  # for the run history (None: a claim not yet decided)
    model: str | None = None  # to the chatbot: the model call's result, ok | failed | blocked
    missed: int = 0  # later fires that had also passed, coalesced into (or skipped with) this one


class TitleSource(StrEnum):
    """Where a conversation's title came from: an automatic one may be replaced, the user's
    never is."""

    NONE = "none"  # not titled yet: shown as "New conversation"
    WORDS = "words"  # the first words of the first exchange
    MODEL = "model"  # the model's summary of the first exchange
    USER = "user"  # typed by the user


class ConversationInfo(NamedTuple):
    """One conversation as the list shows it; the model, persona and temperature are the
    conversation's own choice (None: the settings' default)."""

    id: int
    title: str
    title_source: TitleSource
    created_at: datetime
    updated_at: datetime  # the latest activity: its newest message, or a change of its own
    archived: bool = False
    model: str | None = None
    system_prompt: str | None = None
    temperature: float | None = None
    read_up_to: int = 0  # the newest message the user has seen in it
    unread: int = 0  # messages from the bot or a reminder after read_up_to
    pending: int = 0  # its pending and paused schedules

    @property
    def shown_title(self) -> str:
        return self.title or "New conversation"


class SearchHit(NamedTuple):
    """A message found by search: where it is, and the words around the match (the match
    itself between the `mark` strings the search was given)."""

    message_id: int
    conversation_id: int
    conversation_title: str
    role: Role
    created_at: datetime
    snippet: str
