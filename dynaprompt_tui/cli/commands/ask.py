"""`dynaprompt-tui ask PROMPT`: send PROMPT as the user, exactly as the app's Enter does (the same
`Conversation.send`: its own `dps` lines run, the bot answers, the bot's instructions and tool
calls run within its guardrails, both messages are stored). The reply's visible text goes to
stdout, streamed as it comes unless --no-stream; the cards go to stderr as plain lines. Exit 1
when the model call failed (the chat keeps the error, with Retry, as in the app). It sends in
`--conversation C` (default: the latest active); the reply read here counts as read there when
nothing else was unread. Once the turn is over, stdout is ended (a pipe's reader has the whole
reply) while the model names a new conversation, for up to TITLE_WAIT s."""

from __future__ import annotations

import argparse
import asyncio
import contextlib
import os
import stat
import sys
from typing import TextIO

from dynaprompt_tui.cli.commands.common import argument_or_stdin, open_conversation
from dynaprompt_tui.cli.errors import RUNTIME, report
from dynaprompt_tui.config import Settings
from dynaprompt_tui.core.conversation.transcript import SilentListener
from dynaprompt_tui.core.conversation.workspace import Workspace
from dynaprompt_tui.core.models import Message, Role

TITLE_WAIT = 5.0  # seconds the model may take to title a new conversation after the reply


class Printer(SilentListener):
    """The conversation's listener on a terminal or a pipe: plain text, no colour or progress."""

    def __init__(self, *, stream: bool, out: TextIO, err: TextIO) -> None:
        self.stream = stream
        self.out = out
        self.err = err
        self.replies: dict[int, str] = {}  # the bot's messages of this turn: id -> text
        self.failed = False
        self._open = False  # a streamed reply whose last line has no newline yet
        self._written = False  # some reply text is on stdout already
        self._done = False  # the replies are out, stdout ended

    def _write(self, text: str) -> None:
        if not self._open and self._written:
            self.out.write("\n")  # a blank line between two replies
        self.out.write(text)
        self.out.flush()  # a terminal (or a pipe's reader) sees each piece as it comes
        self._open = not text.endswith("\n")
        self._written = True

    def end_reply(self) -> None:
        if self._open:
            self.out.write("\n")
            self.out.flush()
            self._open = False

    def on_message(self, message: Message) -> None:
        if message.role is Role.ASSISTANT:
            self.replies[message.id] = message.content
            if self.stream and message.content:  # (a reply that did not stream)
                self._write(message.content)
                self.end_reply()
        elif message.role is Role.NOTICE:
            self.end_reply()
            card = message.meta.get("card", "notice")
            for line in message.content.splitlines() or [""]:
                self.err.write(f"[{card}] {line}\n")
            self.err.flush()
        elif message.role is Role.ERROR:
            self.end_reply()
            self.failed = True
            report(message.content)

    def on_delta(self, message_id: int, text: str) -> None:
        if self.stream:
            self._write(text)

    def on_message_changed(self, message: Message) -> None:
        if message.role is Role.ASSISTANT and message.id in self.replies:
            self.replies[message.id] = message.content
            if not message.meta.get("streaming"):
                self.end_reply()

    def print_replies(self) -> None:
        """--no-stream: the replies as stored, once complete."""
        texts = [t for t in self.replies.values() if t.strip()]
        if texts:
            self.out.write("\n\n".join(texts) + "\n")
            self.out.flush()

    def done(self) -> None:
        """The turn is over: the replies are out (printed now with --no-stream) and stdout is
        ended, so that a pipe's reader is not kept waiting for what follows (the title)."""
        if self._done:
            return
        self._done = True
        self.end_reply()
        if not self.stream:
            self.print_replies()
        self.out.flush()
        end_pipe(self.out)


def end_pipe(out: TextIO) -> None:
    """When `out` is this process's stdout on a pipe (or a socket), point it at /dev/null: the
    pipe's write end closes and its reader sees the end. A terminal or a file is left alone."""
    with contextlib.suppress(OSError, ValueError):  # (no descriptor: a test's stream)
        fd = out.fileno()
        mode = os.fstat(fd).st_mode
        if fd != 1 or not (stat.S_ISFIFO(mode) or stat.S_ISSOCK(mode)):
            return
        null = os.open(os.devnull, os.O_WRONLY)
        os.dup2(null, fd)
        os.close(null)


def run(args: argparse.Namespace, settings: Settings) -> int:
    prompt = argument_or_stdin(args.prompt, "prompt")
    printer = Printer(stream=not args.no_stream, out=sys.stdout, err=sys.stderr)
    conversation = open_conversation(settings, create=True, conversation=args.conversation)
    conversation.listener = printer
    unread = conversation.store.conversation().unread

    async def turn() -> None:
        try:
            await conversation.send(prompt)
            await conversation.idle()
            printer.done()
            hub = conversation.hub
            if isinstance(hub, Workspace) and not printer.failed:  # a new one: the model titles it
                with contextlib.suppress(TimeoutError):
                    await asyncio.wait_for(hub.titles.idle(), TITLE_WAIT)
            if not unread and not printer.failed:  # (the user saw this reply, and only it)
                conversation.store.mark_read()
        finally:
            await conversation.stop()  # closes the client and the store

    try:
        asyncio.run(turn())
    finally:
        printer.done()  # (what a failed turn printed, ended)
    return RUNTIME if printer.failed else 0
