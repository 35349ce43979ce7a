"""Values to and from SQLite: timestamps as fixed-width UTC text, and rows into records.

Timestamps are stored as `2026-03-05T10:15:00.000000Z` so that text order is time order and
equality is exact (the UNIQUE key on fires relies on it). The tables' columns are named as the
fields of Message, Schedule and Fire, so each SELECT lists the record's own fields and each row
is decoded here, in one place, by those names: a field added, renamed or moved cannot drift from
the query.
"""

from __future__ import annotations

import json
from collections.abc import Callable, Mapping, Sequence
from datetime import UTC, datetime
from typing import Any

from dynaprompt_tui.core.models import (
    Fire,
    Message,
    MissedPolicy,
    Outcome,
    Party,
    Role,
    Schedule,
    ScheduleState,
)


def ts(d: datetime) -> str:
    """An aware datetime as stored: UTC, microseconds, `Z`."""
    if d.tzinfo is None:
        raise ValueError(f"aware datetime required, got {d!r}")
    return d.astimezone(UTC).strftime("%Y-%m-%dT%H:%M:%S.%fZ")


def ts_opt(d: datetime | None) -> str | None:
    return None if d is None else ts(d)


def dt_opt(s: str | None) -> datetime | None:
    return None if s is None else datetime.fromisoformat(s)


# The SELECT list of each record: its own fields, in order.
MESSAGE_COLUMNS = ", ".join(Message._fields)
SCHEDULE_COLUMNS = ", ".join(Schedule._fields)
FIRE_COLUMNS = ", ".join(Fire._fields)

# -- decoding ---------------------------------------------------------------------------------

Convert = Callable[[Any], Any]
_PARTIES = {p.value: p for p in Party}
_STATES = {s.value: s for s in ScheduleState}
_ROLES = {r.value: r for r in Role}
_iso = datetime.fromisoformat


def _steps(
    fields: Sequence[str], converters: Mapping[str, Convert]
) -> tuple[tuple[int, Convert], ...]:
    """(position, converter) for the fields that need one; a converter for no field is a bug."""
    unknown = set(converters) - set(fields)
    if unknown:
        raise TypeError(f"converters for fields that do not exist: {sorted(unknown)}")
    return tuple((i, converters[name]) for i, name in enumerate(fields) if name in converters)


def _convert(row: Sequence[Any], steps: tuple[tuple[int, Convert], ...]) -> list[Any]:
    # The columns without a converter are stored as they are read; NULL stays None.
    values = list(row)
    for i, convert in steps:
        v = values[i]
        if v is not None:
            values[i] = convert(v)
    return values


_MESSAGE_STEPS = _steps(
    Message._fields,
    {
        "role": _ROLES.__getitem__,
        "created_at": _iso,
        "scheduled_by": lambda v: _PARTIES[v] if v else None,
        "due_at": _iso,
        "late": bool,
        "meta": json.loads,
    },
)
_SCHEDULE_STEPS = _steps(
    Schedule._fields,
    {
        "created_by": _PARTIES.__getitem__,
        "recipient": _PARTIES.__getitem__,
        "rule": json.loads,
        "state": _STATES.__getitem__,
        "next_fire": _iso,
        "created_at": _iso,
        "recurring": bool,
        "approved": bool,
        "on_missed": MissedPolicy,
    },
)
_FIRE_STEPS = _steps(
    Fire._fields,
    {"due_at": _iso, "claimed_at": _iso, "delivered_at": _iso, "late": bool, "outcome": Outcome},
)


# The sidebar decodes every pending schedule at start-up and on each change: a loop over the
# few converted columns costs no more than hand-written unpacking, and cannot drift.
def decode_message(row: Sequence[Any]) -> Message:
    return Message._make(_convert(row, _MESSAGE_STEPS))


def decode_schedule(row: Sequence[Any]) -> Schedule:
    return Schedule._make(_convert(row, _SCHEDULE_STEPS))


def decode_fire(row: Sequence[Any]) -> Fire:
    return Fire._make(_convert(row, _FIRE_STEPS))


# -- encoding a changed schedule field --------------------------------------------------------

_SCHEDULE_ENCODERS: dict[str, Convert] = {
    "created_by": lambda p: Party(p).value,
    "recipient": lambda p: Party(p).value,
    "rule": json.dumps,
    "state": lambda s: ScheduleState(s).value,
    "next_fire": ts_opt,
    "created_at": ts,
    "recurring": int,
    "approved": int,
    "on_missed": lambda p: MissedPolicy(p).value,
}
_steps(Schedule._fields, _SCHEDULE_ENCODERS)  # (checks the names)


def encode_schedule_field(name: str, value: Any) -> Any:
    """A Schedule field's value as its column stores it."""
    encode = _SCHEDULE_ENCODERS.get(name)
    return value if encode is None else encode(value)
