"""Carrying out dps / dpd / dpl for either side, with the chatbot's guardrails; each returns an
`ActionResult` (a card's text, and the answer a tool call gets), which `show` puts in the chat."""

from __future__ import annotations

from collections.abc import Callable, Iterable, Mapping, Sequence
from datetime import datetime, tzinfo
from types import MappingProxyType
from typing import Any, NamedTuple

from dynaprompt_tui.core import formatting as fmt
from dynaprompt_tui.core.clock import Clock
from dynaprompt_tui.core.conversation.instructions import (
    BadTimeError,
    CancelInstruction,
    Instruction,
    InvalidInstruction,
    ListInstruction,
    PastTimeError,
    ScheduleInstruction,
    UnknownIdError,
)
from dynaprompt_tui.core.conversation.missed import WORDS as MISSED_WORDS
from dynaprompt_tui.core.conversation.missed import split_missed
from dynaprompt_tui.core.conversation.transcript import Transcript
from dynaprompt_tui.core.models import Message, MissedPolicy, Party, Schedule, ScheduleState
from dynaprompt_tui.core.scheduling.book import ScheduleBook
from dynaprompt_tui.core.scheduling.guardrails import Guardrails, check_bot_schedule, pending_limit
from dynaprompt_tui.core.storage.store import (
    PendingLimitError,
    Store,
    StoreError,
    UnknownScheduleError,
)
from dynaprompt_tui.core.timephrases.parse import TimePhraseError, parse_when


class ActionResult(NamedTuple):
    ok: bool
    card: str  # scheduled | approval | cancelled | list | error | limit
    text: str  # what the user (and, for the bot's own actions, the bot) is told
    schedule: Schedule | None = None
    data: Mapping[str, Any] = MappingProxyType({})  # the tool-call answer

    def for_tool(self) -> dict[str, Any]:
        return {"ok": self.ok, "result": self.text, **self.data}


def show(transcript: Transcript, result: ActionResult, *, to_bot: bool) -> Message:
    """The result as a card in the chat; `to_bot`: the model sees it too (its own mistakes)."""
    meta: dict[str, Any] = {"ok": result.ok}
    if result.schedule is not None:
        meta["schedule_id"] = result.schedule.id
    return transcript.notice(result.card, result.text, to_bot=to_bot, **meta)


def _norm(text: str) -> str:
    return " ".join(text.casefold().split()).rstrip(".!?")


def same_request(s: Schedule, ins: ScheduleInstruction, first_fire: datetime | None) -> bool:
    """Whether `ins` asks for the schedule `s` again: same recipient and message (up to case,
    spacing and a final full stop) and the same time prompt, or a time prompt that names the
    same first fire within a minute ("in 20 minutes" / "in 20 mins"): a repeat, not a new
    request."""
    if s.recipient is not ins.recipient or _norm(s.prompt) != _norm(ins.prompt):
        return False
    if _norm(s.time_prompt) == _norm(ins.time_prompt):
        return True
    return (
        first_fire is not None
        and s.next_fire is not None
        and abs((first_fire - s.next_fire).total_seconds()) < 60
    )


def _who(by: Party) -> str:
    return "you" if by is Party.USER else "the bot"


class Actions:
    """The instructions' effects on the schedules; `schedules_changed` is called after each
    change (the facade wakes the engine and tells the UI)."""

    def __init__(
        self,
        store: Store,
        book: ScheduleBook,
        *,
        clock: Clock,
        zone: tzinfo,
        guardrails: Guardrails,
        schedules_changed: Callable[[], None],
    ) -> None:
        self.store = store  # reads
        self.book = book  # changes
        self.clock = clock
        self.zone = zone
        self.guardrails = guardrails
        self.schedules_changed = schedules_changed

    def _now(self) -> datetime:
        return self.clock.now().astimezone(self.zone)

    def run(self, instructions: Iterable[Instruction], *, by: Party) -> list[ActionResult]:
        out = []
        for ins in instructions:
            if isinstance(ins, ScheduleInstruction):
                out.append(self.schedule(ins, by=by))
            elif isinstance(ins, CancelInstruction):
                out.append(self.cancel(ins, by=by))
            elif isinstance(ins, ListInstruction):
                out.append(self.list())
            elif isinstance(ins, InvalidInstruction):
                out.append(ActionResult(False, "error", f"line {ins.line}: {ins.error}"))
        return out

    # -- dps ---------------------------------------------------------------------------------

    def schedule(
        self, ins: ScheduleInstruction, *, by: Party, made: Sequence[Schedule] = ()
    ) -> ActionResult:
        """`made`: schedules made earlier in the same turn; asking for one of them again
        returns it (card "duplicate", shown to nobody) instead of making a second."""
        now = self._now()
        time_prompt, on_missed = split_missed(ins.time_prompt)
        ins = ins._replace(time_prompt=time_prompt)
        try:
            when = parse_when(ins.time_prompt, now)
        except TimePhraseError as e:
            cls = PastTimeError if getattr(e, "past", False) else BadTimeError
            error = cls(f"couldn't read the time '{fmt.preview(ins.time_prompt, 40)}': {e}")
            return ActionResult(False, "error", str(error), data={"code": error.code})
        if made:
            fires = when.next_fires(now, 1)
            for s in made:
                if same_request(s, ins, fires[0] if fires else None):
                    return ActionResult(
                        True,
                        "duplicate",
                        f"already scheduled as {s.id} in this turn; not created again",
                        s,
                        {"id": s.id, "duplicate": True},
                    )
        approved = True
        if by is Party.CHATBOT:
            g = self.guardrails
            limit = check_bot_schedule(
                when,
                now,
                bot_pending=self.store.count_schedules(created_by=Party.CHATBOT),
                max_bot_pending=g.max_bot_pending,
                min_interval_minutes=g.bot_recurring_min_interval_minutes,
                max_days_ahead=g.max_days_ahead,
            )
            if limit:
                return ActionResult(False, "limit", f"not scheduled: {limit}")
            approved = not when.recurring or g.auto_approve_bot_recurring
        try:
            s = self.book.add_schedule(
                created_by=by,
                recipient=ins.recipient,
                time_prompt=ins.time_prompt,
                when=when,
                prompt=ins.prompt,
                now=self.clock.now(),
                approved=approved,
                on_missed=on_missed or MissedPolicy.ONCE,
                # Checked again inside the insert: another process may have added meanwhile.
                max_pending=self.guardrails.max_bot_pending if by is Party.CHATBOT else None,
            )
        except PendingLimitError as e:
            limit = pending_limit(e.pending, e.limit)
            return ActionResult(False, "limit", f"not scheduled: {limit}")
        except StoreError as e:
            return ActionResult(False, "error", str(e))
        self.schedules_changed()
        assert s.next_fire is not None
        then = f", then {when.description}" if when.recurring else ""
        if on_missed is not None and on_missed is not MissedPolicy.ONCE:
            then += f" · {MISSED_WORDS[on_missed]}"
        text = (
            f"{_who(by)} scheduled a message to {fmt.party_to(s.recipient)} · "
            f"{fmt.when_both(s.next_fire, now)}{then} · id {s.id}"
        )
        data = {"id": s.id, "next_fire": s.next_fire.astimezone(self.zone).isoformat()}
        if not approved:
            return ActionResult(
                True,
                "approval",
                text + " · waiting for your approval",
                s,
                data | {"note": "recurring schedules by the chatbot wait for the user's approval"},
            )
        return ActionResult(True, "scheduled", text, s, data)

    # -- dpd ---------------------------------------------------------------------------------

    def _cancellable(self, s: Schedule, by: Party) -> bool:
        return by is Party.USER or s.created_by is Party.CHATBOT

    def cancel(self, ins: CancelInstruction, *, by: Party) -> ActionResult:
        now = self.clock.now()
        if ins.all:
            targets = [s for s in self.store.schedules() if self._cancellable(s, by)]
            for s in targets:
                self.book.cancel(s.id, now=now)
            self.schedules_changed()
            n = len(targets)
            return ActionResult(
                True,
                "cancelled",
                f"{_who(by)} cancelled {n} schedule{'s' * (n != 1)}",
                data={"cancelled": [s.id for s in targets]},
            )
        done: list[str] = []
        problems: list[str] = []
        for sid in ins.ids:
            try:
                s = self.store.get_schedule(sid)
            except UnknownScheduleError:
                problems.append(str(UnknownIdError(f"no schedule {sid} (dpl lists them)")))
                continue
            if s.state not in (ScheduleState.PENDING, ScheduleState.PAUSED):
                problems.append(f"{s.id} is already {s.state.value}")
            elif not self._cancellable(s, by):
                problems.append(f"{s.id} was set by the user; only the user can cancel it")
            else:
                self.book.cancel(s.id, now=now)
                done.append(f"{s.id} (“{fmt.preview(s.prompt, 30)}”)")
        if done:
            self.schedules_changed()
        parts = []
        if done:
            parts.append(f"{_who(by)} cancelled " + ", ".join(done))
        parts += problems
        return ActionResult(
            not problems,
            "cancelled" if done else "error",
            "; ".join(parts),
            data={"cancelled": [d.split()[0] for d in done]},
        )

    # -- dpl ---------------------------------------------------------------------------------

    def list(self) -> ActionResult:
        pending = self.store.schedules()
        if not pending:
            return ActionResult(True, "list", "no pending schedules", data={"schedules": []})
        data = {
            "schedules": [
                {
                    "id": s.id,
                    "recipient": s.recipient.value,
                    "created_by": s.created_by.value,
                    "when": s.time_prompt,
                    "next_fire": s.next_fire.isoformat() if s.next_fire else None,
                    "state": s.state.value,
                    "prompt": s.prompt,
                }
                for s in pending
            ]
        }
        text = "pending schedules:\n" + "\n".join(table(pending, self._now()))
        return ActionResult(True, "list", text, data=data)


LIST_COLUMNS = ("id", "to", "by", "next", "message")
GAP = "  "  # between columns: two spaces, never inside a cell (each cell's own spaces are single)


def _cells(s: Schedule, now: datetime) -> list[str]:
    """One schedule's row of `dpl`'s table; what does not fit a column follows the message."""
    if s.state is ScheduleState.PAUSED:
        nxt = "paused"
    elif s.next_fire is None:
        nxt = "-"
    else:
        nxt = fmt.when_both(s.next_fire, now)
    extra = [s.description or s.time_prompt] if s.recurring else []
    if not s.approved:
        extra.append("awaiting approval")
    if missed := fmt.MISSED_SHORT[s.on_missed]:
        extra.append(missed)
    message = " · ".join([f"“{fmt.preview(s.prompt, 40)}”", *extra])
    to = "you" if s.recipient is Party.USER else "chatbot"
    by = "you" if s.created_by is Party.USER else "bot"
    return [" ".join(cell.split()) for cell in (s.id, to, by, nxt, message)]


def table(schedules: Sequence[Schedule], now: datetime) -> list[str]:
    """`dpl`'s lines: a header, then one row per schedule, the columns aligned (cells apart by
    two spaces or more, so a reader, or the bot, can split them)."""
    rows = [list(LIST_COLUMNS)] + [_cells(s, now) for s in schedules]
    widths = [max(len(row[i]) for row in rows) for i in range(len(LIST_COLUMNS) - 1)]
    return [
        GAP.join([*(cell.ljust(w) for cell, w in zip(row, widths, strict=False)), row[-1]])
        for row in rows
    ]
