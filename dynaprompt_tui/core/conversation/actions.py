"""Carrying out dps / dpd / dpl for either side, with the chatbot's guardrails, as cards."""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any

from dynaprompt_tui.core import formatting as fmt
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
from dynaprompt_tui.core.models import Message, Party, Schedule, ScheduleState
from dynaprompt_tui.core.scheduling.guardrails import check_bot_schedule
from dynaprompt_tui.core.storage.store import StoreError, UnknownScheduleError
from dynaprompt_tui.core.timephrases.parse import TimePhraseError, parse_when

if TYPE_CHECKING:
    from dynaprompt_tui.core.conversation.drafts import Preview
    from dynaprompt_tui.core.conversation.facade import Conversation


@dataclass(frozen=True)
class ActionResult:
    ok: bool
    card: str  # scheduled | approval | cancelled | list | error | limit
    text: str  # what the user (and, for the bot's own actions, the bot) is told
    schedule: Schedule | None = None
    data: dict[str, Any] = field(default_factory=dict)  # the tool-call answer

    def for_tool(self) -> dict[str, Any]:
        return {"ok": self.ok, "result": self.text, **self.data}


def _who(by: Party) -> str:
    return "you" if by is Party.USER else "the bot"


class Actions:
    def __init__(self, conversation: Conversation) -> None:
        self.c = conversation

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

    def show(self, result: ActionResult, *, to_bot: bool) -> Message:
        meta: dict[str, Any] = {"ok": result.ok}
        if result.schedule is not None:
            meta["schedule_id"] = result.schedule.id
        return self.c.notice(result.card, result.text, to_bot=to_bot, **meta)

    # -- dps ---------------------------------------------------------------------------------

    def schedule(self, ins: ScheduleInstruction, *, by: Party) -> ActionResult:
        now = self.c.now()
        try:
            when = parse_when(ins.time_prompt, now)
        except TimePhraseError as e:
            cls = PastTimeError if getattr(e, "past", False) else BadTimeError
            error = cls(f"couldn't read the time '{fmt.preview(ins.time_prompt, 40)}': {e}")
            return ActionResult(False, "error", str(error), data={"code": error.code})
        approved = True
        if by is Party.CHATBOT:
            g = self.c.settings.guardrails
            limit = check_bot_schedule(
                when,
                now,
                bot_pending=self.c.store.count_schedules(created_by=Party.CHATBOT),
                max_bot_pending=g.max_bot_pending,
                min_interval_minutes=g.bot_recurring_min_interval_minutes,
                max_days_ahead=g.max_days_ahead,
            )
            if limit:
                return ActionResult(False, "limit", f"not scheduled: {limit}")
            approved = not when.recurring or g.auto_approve_bot_recurring
        try:
            s = self.c.store.add_schedule(
                created_by=by,
                recipient=ins.recipient,
                time_prompt=ins.time_prompt,
                when=when,
                prompt=ins.prompt,
                now=self.c.clock.now(),
                approved=approved,
            )
        except StoreError as e:
            return ActionResult(False, "error", str(e))
        self.c.schedules_changed()
        assert s.next_fire is not None
        then = f", then {when.description}" if when.recurring else ""
        text = (
            f"{_who(by)} scheduled a message to {fmt.party_to(s.recipient)} · "
            f"{fmt.when_both(s.next_fire, now)}{then} · id {s.id}"
        )
        data = {"id": s.id, "next_fire": s.next_fire.astimezone(self.c.tz).isoformat()}
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
        now = self.c.clock.now()
        if ins.all:
            targets = [s for s in self.c.pending() if self._cancellable(s, by)]
            for s in targets:
                self.c.store.cancel(s.id, now=now)
            self.c.schedules_changed()
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
                s = self.c.store.get_schedule(sid)
            except UnknownScheduleError:
                problems.append(str(UnknownIdError(f"no schedule {sid} (dpl lists them)")))
                continue
            if s.state not in (ScheduleState.PENDING, ScheduleState.PAUSED):
                problems.append(f"{s.id} is already {s.state.value}")
            elif not self._cancellable(s, by):
                problems.append(f"{s.id} was set by the user; only the user can cancel it")
            else:
                self.c.store.cancel(s.id, now=now)
                done.append(f"{s.id} (“{fmt.preview(s.prompt, 30)}”)")
        if done:
            self.c.schedules_changed()
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

    def preview_cancel(self, ins: CancelInstruction) -> Preview:
        from dynaprompt_tui.core.conversation.drafts import Preview

        if ins.all:
            n = len(self.c.pending())
            return Preview(True, f"cancels all {n} pending schedule{'s' * (n != 1)}")
        words = []
        for sid in ins.ids:
            try:
                s = self.c.store.get_schedule(sid)
            except UnknownScheduleError:
                return Preview(False, f"no schedule {sid} (dpl lists them)")
            words.append(f"{s.id} “{fmt.preview(s.prompt, 30)}”")
        return Preview(True, "cancels " + ", ".join(words))

    # -- dpl ---------------------------------------------------------------------------------

    def list(self) -> ActionResult:
        pending = self.c.pending()
        if not pending:
            return ActionResult(True, "list", "no pending schedules", data={"schedules": []})
        now = self.c.now()
        lines = [fmt.schedule_line(s, now) for s in pending]
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
        return ActionResult(True, "list", "pending schedules:\n" + "\n".join(lines), data=data)
