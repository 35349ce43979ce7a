"""The JSON the command line prints with `--json`: one function per kind of object. These shapes
are a promise to scripts (documented in docs/cli.md): add keys, never rename or drop one.

Times are ISO 8601 with their offset, in the user's zone (--tz or the configured one).
"""

from __future__ import annotations

from datetime import datetime, tzinfo
from typing import Any

from dynaprompt_tui.core.conversation.runs import outcome_of
from dynaprompt_tui.core.models import ConversationInfo, Fire, Schedule, ScheduleState
from dynaprompt_tui.core.timephrases import When

ACTIVE = (ScheduleState.PENDING, ScheduleState.PAUSED)  # the others will not fire again


def iso(t: datetime | None, zone: tzinfo) -> str | None:
    return t.astimezone(zone).isoformat() if t is not None else None


def schedule(s: Schedule, zone: tzinfo, title: str | None = None) -> dict[str, Any]:
    """`title`: its conversation's."""
    return {
        "id": s.id,
        "conversation": s.conversation_id,
        "conversation_title": title,
        "to": s.recipient.value,
        "by": s.created_by.value,
        "when": s.time_prompt,
        "kind": s.rule.get("kind"),
        "description": s.description,
        "cron": s.rule.get("cron"),
        "recurring": s.recurring,
        "next_fire": iso(s.next_fire, zone) if s.state in ACTIVE else None,
        "state": s.state.value,
        "awaiting_approval": not s.approved,
        "message": s.prompt,
        "zone": s.tz,
        "created_at": iso(s.created_at, zone),
        "fire_count": s.fire_count,
        "failures": s.failures,
        "last_error": s.last_error,
        "on_missed": s.on_missed.value,  # once | skip | each
    }


def conversation(c: ConversationInfo, zone: tzinfo) -> dict[str, Any]:
    return {
        "id": c.id,
        "title": c.shown_title,
        "title_source": c.title_source.value,  # none | words | model | user
        "unread": c.unread,
        "pending": c.pending,
        "updated_at": iso(c.updated_at, zone),  # the latest activity
        "created_at": iso(c.created_at, zone),
        "archived": c.archived,
        "model": c.model,  # its own choice, or null: the settings' default
        "system_prompt": c.system_prompt,
        "temperature": c.temperature,
    }


def fire(f: Fire, zone: tzinfo) -> dict[str, Any]:
    return {
        "due": iso(f.due_at, zone),
        "status": f.status,  # claimed | delivered | failed
        "delivered": iso(f.delivered_at, zone),
        "late": f.late,
        "error": f.error,
        "message_id": f.message_id,
        "outcome": outcome_of(f).value,  # delivered | late | skipped | failed | blocked | claimed
        "model": f.model,  # to the chatbot: ok | failed | blocked; null otherwise
        "missed": f.missed,  # later fires coalesced into this one (or skipped with it)
    }


def parsed(phrase: str, when: When, now: datetime, fires: list[datetime]) -> dict[str, Any]:
    return {
        "phrase": phrase,
        "now": now.isoformat(),
        "zone": getattr(when.tz, "key", str(when.tz)),
        "kind": when.kind,
        "recurring": when.recurring,
        "description": when.description,
        "cron": when.cron,
        "next_fires": [t.isoformat() for t in fires],
    }
