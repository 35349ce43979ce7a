"""`dynaprompt-tui export [--conversation C|--all] [--format md|json] [-o FILE]`: a conversation
(default: the latest active) or every one, archived too, as Markdown or JSON, on stdout or in a
private file. One conversation's JSON is the list of its messages (as the app's palette exports
it); with --all, a list of conversations, each with its messages."""

from __future__ import annotations

import argparse
import sys
from collections.abc import Iterable

from dynaprompt_tui.cli.commands.common import open_conversation
from dynaprompt_tui.cli.errors import RUNTIME, CliError
from dynaprompt_tui.config import Settings
from dynaprompt_tui.core.conversation.export import (
    all_messages,
    export_all,
    export_text,
    write_private,
)


def run(args: argparse.Namespace, settings: Settings) -> int:
    conversation = open_conversation(settings, create=False, conversation=args.conversation)
    store = conversation.store
    try:
        if args.all:
            every = store.scoped(None)
            # Oldest first, as a chat reads; each conversation is read when its turn comes.
            infos = sorted(every.conversations(archived=None), key=lambda c: c.id)
            _write(args.output, export_all(every, infos, args.format, conversation.tz))
        else:
            title = store.conversation().shown_title
            text = export_text(all_messages(store), args.format, conversation.tz, title=title)
            _write(args.output, [text])
    finally:
        store.close()
    return 0


def _write(output: str | None, pieces: Iterable[str]) -> None:
    """To `output` (0600), or stdout; the text ends with a newline."""
    if output:
        try:
            write_private(output, _ended(pieces))
        except OSError as e:
            raise CliError(f"cannot write {output}: {e.strerror or e}", RUNTIME) from None
    else:
        sys.stdout.writelines(_ended(pieces))


def _ended(pieces: Iterable[str]) -> Iterable[str]:
    last = ""
    for piece in pieces:
        if piece:
            last = piece
            yield piece
    if not last.endswith("\n"):
        yield "\n"
