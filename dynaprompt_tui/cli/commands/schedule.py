"""`dynaprompt-tui schedule add|list|cancel|pause|resume|history`: the schedules, changed through
the conversation's own use cases (the same parser, checks and state rules as the app), so a
schedule added here is one the app would have made, and the app running on the same database
picks it up (its engine re-reads the schedules at least every 5 seconds). `add` and `list` work
in one conversation (`--conversation C`, default the latest active; `list --all`: every one);
an id names a schedule of any conversation."""

from __future__ import annotations

import argparse
import asyncio
from collections.abc import Callable, Coroutine
from typing import Any

from dynaprompt_tui.cli.commands import documents
from dynaprompt_tui.cli.commands.common import (
    argument_or_stdin,
    cli_words,
    open_conversation,
    print_json,
    print_line,
    titles,
)
from dynaprompt_tui.cli.commands.documents import ACTIVE
from dynaprompt_tui.cli.errors import RUNTIME, CliError, report
from dynaprompt_tui.config import Settings
from dynaprompt_tui.core import formatting as fmt
from dynaprompt_tui.core.conversation import Conversation
from dynaprompt_tui.core.conversation.actions import show
from dynaprompt_tui.core.conversation.instructions import RECIPIENTS, ScheduleInstruction
from dynaprompt_tui.core.conversation.runs import run_line
from dynaprompt_tui.core.models import Fire, Party, Schedule, ScheduleState
from dynaprompt_tui.core.storage.store import StoreError


def run(args: argparse.Namespace, settings: Settings) -> int:
    action: Callable[[argparse.Namespace, Settings], int] = {
        "add": add,
        "list": list_schedules,
        "cancel": change,
        "pause": change,
        "resume": change,
        "history": history,
    }[args.action]
    return action(args, settings)


def add(args: argparse.Namespace, settings: Settings) -> int:
    message = argument_or_stdin(args.message, "message")
    recipient = RECIPIENTS[args.to]
    conversation = open_conversation(settings, create=True, conversation=args.conversation)
    try:
        # The edit dialog's check first: a bad phrase is reported, and leaves no card in the chat.
        check = conversation.check_edit(args.when, message)
        if not check.ok:
            raise CliError(check.error or "invalid schedule", RUNTIME)
        instruction = ScheduleInstruction(
            recipient, args.when.strip(), message, 1, f"dps {recipient} {args.when.strip()}"
        )
        result = conversation.actions.schedule(instruction, by=Party.USER)
        if not result.ok or result.schedule is None:
            raise CliError(result.text, RUNTIME)
        show(conversation.transcript, result, to_bot=False)  # the card the app's dialog leaves
        if args.json:
            title = conversation.store.conversation().shown_title
            print_json({"schedule": documents.schedule(result.schedule, conversation.tz, title)})
        else:
            print_line(result.text)
        return 0
    finally:
        conversation.store.close()


def list_schedules(args: argparse.Namespace, settings: Settings) -> int:
    """The current (or --conversation's) schedules, or with --all every conversation's, each
    line then naming its conversation."""
    conversation = open_conversation(settings, create=False, conversation=args.conversation)
    try:
        states = list(ScheduleState) if args.finished else list(ACTIVE)
        every = conversation.store.scoped(None)
        found = (every if args.all else conversation.store).schedules(states)
        names = titles(every)
        zone = conversation.tz
        if args.json:
            docs = [documents.schedule(s, zone, names.get(s.conversation_id)) for s in found]
            print_json({"schedules": docs})
            return 0
        if not found:
            where = ""
            if not args.all and len(names) > 1:
                where = f" in “{names.get(conversation.id, conversation.id)}”"
            print_line(("no schedules" if args.finished else "no pending schedules") + where)
        now = conversation.now()
        for s in found:
            line = _line(s, now)
            if args.all:
                where = f"in “{fmt.preview(names.get(s.conversation_id, '?'), 30)}”"
                line = line.replace(" · ", f" · {where} · ", 1)
            print_line(line)
        return 0
    finally:
        conversation.store.close()


def _line(s: Schedule, now: Any) -> str:
    """As `dpl` lists it; one that will not fire again says its state instead of a next time."""
    if s.state in ACTIVE:
        return fmt.schedule_line(s, now)
    return fmt.schedule_line(s._replace(next_fire=None), now).replace(
        " · ", f" · {s.state.value} · ", 1
    )


_CHANGES: dict[str, tuple[str, Callable[[Conversation, str], Coroutine[Any, Any, Schedule]]]] = {
    "cancel": ("cancelled", Conversation.cancel),
    "pause": ("paused", Conversation.pause),
    "resume": ("resumed", Conversation.resume),
}


def change(args: argparse.Namespace, settings: Settings) -> int:
    """Each id in turn, as the sidebar's x / p do; the others still change when one fails."""
    done_word, method = _CHANGES[args.action]
    conversation = open_conversation(settings, create=False)
    changed: list[Schedule] = []
    errors: list[dict[str, str]] = []

    async def apply_all() -> None:
        for sid in args.ids:
            try:
                changed.append(await method(conversation, sid))
            except StoreError as e:
                errors.append({"id": sid, "error": cli_words(str(e))})

    try:
        asyncio.run(apply_all())
        names = titles(conversation.store) if args.json else {}
    finally:
        conversation.store.close()
    if args.json:
        zone = conversation.tz
        docs = [documents.schedule(s, zone, names.get(s.conversation_id)) for s in changed]
        print_json({"schedules": docs, "errors": errors})
    else:
        for s in changed:
            print_line(f"{done_word} {s.id} (“{fmt.preview(s.prompt, 40)}”)")
    for e in errors:
        report(e["error"])
    return RUNTIME if errors else 0


def history(args: argparse.Namespace, settings: Settings) -> int:
    conversation = open_conversation(settings, create=False)
    try:
        try:
            s = conversation.store.get_schedule(args.id)
        except StoreError as e:
            raise CliError(cli_words(str(e)), RUNTIME) from None
        fires = conversation.store.fires(s.id)
        zone = conversation.tz
        if args.json:
            print_json(
                {
                    "schedule": documents.schedule(
                        s, zone, titles(conversation.store).get(s.conversation_id)
                    ),
                    "fires": [documents.fire(f, zone) for f in fires],
                }
            )
            return 0
        print_line(_line(s, conversation.now()))
        if not fires:
            print_line("  not delivered yet")
        for f in fires:
            print_line("  " + _fire_line(f, conversation))
        return 0
    finally:
        conversation.store.close()


def _fire_line(f: Fire, conversation: Conversation) -> str:
    """`due 2026-03-05 09:00 · delivered 2026-03-05 09:02 (late) · the chatbot answered`, or
    what else happened to the fire (skipped, failed, blocked by a guardrail) and why."""
    line = run_line(f, conversation.tz)
    return f"due {line.due} · {line.text}"
