"""`service status`: whether the service runs (its pid alive) and since when, who delivers now
(the engine lease), its last fire and the next one due, whether a unit is installed, and the
last error in its log (a bad config, a model server down)."""

from __future__ import annotations

from datetime import datetime
from pathlib import Path
from typing import NamedTuple
from zoneinfo import ZoneInfo

from dynaprompt_tui.core import formatting as fmt
from dynaprompt_tui.core.models import Fire, Schedule
from dynaprompt_tui.core.scheduling.lease import LeaseHolder, current_holder
from dynaprompt_tui.core.storage import Store
from dynaprompt_tui.core.storage.owners import owner_alive
from dynaprompt_tui.service import logs


class Status(NamedTuple):
    running: bool
    pid: int | None
    since: datetime | None
    serves: str | None  # the database the running service serves
    holder: LeaseHolder | None  # who delivers now (None: nobody)
    last_fire: Fire | None
    next_due: Schedule | None
    last_error: str | None
    log: Path


def read_status(db: Path, now: datetime) -> Status:
    state = logs.read_state(logs.state_path()) or {}
    owner = state.get("owner")
    running = isinstance(owner, str) and owner_alive(owner)
    since = None
    if running and isinstance(state.get("since"), str):
        since = datetime.fromisoformat(state["since"])
    holder = last = nxt = None
    if db.exists():  # (status never creates a database)
        store = Store(db)
        try:
            holder = current_holder(store, now)
            fires = store.fires()
            last = fires[-1] if fires else None
            upcoming = store.schedules(limit=1)
            nxt = upcoming[0] if upcoming and upcoming[0].next_fire is not None else None
        finally:
            store.close()
    return Status(
        running=running,
        pid=state.get("pid") if running else None,
        since=since,
        serves=state.get("db") if running else None,
        holder=holder,
        last_fire=last,
        next_due=nxt,
        last_error=logs.last_error(logs.log_path()),
        log=logs.log_path(),
    )


def describe_status(s: Status, db: Path, now: datetime, zone: ZoneInfo, unit: str) -> list[str]:
    """The lines `service status` prints."""
    local = now.astimezone(zone)
    lines = []
    if s.running:
        since = f", since {fmt.when_both(s.since.astimezone(zone), local)}" if s.since else ""
        lines.append(f"service: running (pid {s.pid}{since})")
        if s.serves and Path(s.serves) != db:
            lines.append(f"  it serves {s.serves}, not {db}")
    else:
        lines.append("service: not running")
    lines.append(f"unit: {unit}")
    if s.holder is None:
        lines.append("delivering: nobody (the next window or service to start will)")
    else:
        who = "the service" if s.holder.role == "service" else "an open window"
        lines.append(
            f"delivering: {who} (pid {s.holder.pid}, "
            f"since {fmt.when_both(s.holder.since.astimezone(zone), local)})"
        )
    if s.last_fire is not None:
        f = s.last_fire
        when = f.delivered_at or f.claimed_at
        outcome = f.status + (", late" if f.late else "") + (f": {f.error}" if f.error else "")
        lines.append(
            f"last fire: {fmt.when_both(when.astimezone(zone), local)},"
            f" schedule {f.schedule_id} ({outcome})"
        )
    else:
        lines.append("last fire: none yet")
    if s.next_due is not None and s.next_due.next_fire is not None:
        n = s.next_due
        assert n.next_fire is not None
        lines.append(
            f"next due: {fmt.when_both(n.next_fire.astimezone(zone), local)},"
            f" schedule {n.id} to the {n.recipient.value}: “{fmt.preview(n.prompt, 40)}”"
        )
    else:
        lines.append("next due: nothing scheduled")
    lines.append(f"log: {s.log}")
    if s.last_error:
        lines.append(f"last error: {s.last_error}")
    return lines
