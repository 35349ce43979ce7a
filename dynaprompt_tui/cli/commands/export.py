"""`dynaprompt-tui export [--format md|json] [-o FILE]`: the whole conversation as Markdown or
JSON, on stdout or in a file (as the app's palette exports it)."""

from __future__ import annotations

import argparse
import sys

from dynaprompt_tui.cli.commands.common import open_conversation
from dynaprompt_tui.cli.errors import RUNTIME, CliError
from dynaprompt_tui.config import Settings
from dynaprompt_tui.core.conversation.export import write_private


def run(args: argparse.Namespace, settings: Settings) -> int:
    conversation = open_conversation(settings, create=False)
    try:
        text = conversation.export(args.format)
    finally:
        conversation.store.close()
    if args.output:
        try:
            write_private(args.output, text)
        except OSError as e:
            raise CliError(f"cannot write {args.output}: {e.strerror or e}", RUNTIME) from None
    else:
        sys.stdout.write(text if text.endswith("\n") else text + "\n")
    return 0
