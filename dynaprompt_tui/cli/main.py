"""Command line: `dynaprompt-tui [options]` runs the app; its subcommands script it (schedule,
conversations, parse, ask, export, serve, service, completion; see docs/cli.md).

Only argparse is imported until the arguments are understood, so `--help` and `--version` answer
without loading Textual, the core or the OpenAI client; a subcommand loads its own module (under
`cli/commands/`) and the part of the core it needs, never the UI.
"""

from __future__ import annotations

import argparse
import os
import sys
from collections.abc import Callable, Sequence
from typing import TYPE_CHECKING, NoReturn

from dynaprompt_tui.cli.errors import PROG, RUNTIME, USAGE, CliError, report
from dynaprompt_tui.cli.parser import build_parser
from dynaprompt_tui.cli.settings import settings_from_args as _settings

if TYPE_CHECKING:
    from dynaprompt_tui.config import Settings
    from dynaprompt_tui.tui.app import DynapromptApp

__all__ = ["PROG", "_settings", "build_app", "build_parser", "main"]


def _fail(message: str, code: int) -> NoReturn:
    report(message)
    raise SystemExit(code)


def build_app(settings: Settings) -> DynapromptApp:
    """The app as the command starts it (the start-up benchmark uses this too): the garbage
    collector paused until the app's first frame, see `dynaprompt_tui.cli.startup`."""
    from dynaprompt_tui.cli import startup

    startup.pause()  # resumed after the app's first frame
    from dynaprompt_tui.tui.app import make_app

    return make_app(settings, on_first_frame=startup.resume)


def _complete(parser: argparse.ArgumentParser) -> None:
    """Answer the shell's completion request and exit (argcomplete sets _ARGCOMPLETE)."""
    from dynaprompt_tui.cli.commands.completion import autocomplete

    autocomplete(parser)


# Each subcommand's module is imported by its runner, so only the one that runs is loaded.


def _schedule(args: argparse.Namespace, settings: Settings) -> int:
    from dynaprompt_tui.cli.commands import schedule

    return schedule.run(args, settings)


def _conversations(args: argparse.Namespace, settings: Settings) -> int:
    from dynaprompt_tui.cli.commands import conversations

    return conversations.run(args, settings)


def _parse(args: argparse.Namespace, settings: Settings) -> int:
    from dynaprompt_tui.cli.commands import parse

    return parse.run(args, settings)


def _ask(args: argparse.Namespace, settings: Settings) -> int:
    from dynaprompt_tui.cli.commands import ask

    return ask.run(args, settings)


def _export(args: argparse.Namespace, settings: Settings) -> int:
    from dynaprompt_tui.cli.commands import export

    return export.run(args, settings)


def _service(args: argparse.Namespace, settings: Settings) -> int:
    from dynaprompt_tui.cli.commands import service

    return service.run(args, settings)


_COMMANDS: dict[str, Callable[[argparse.Namespace, Settings], int]] = {
    "schedule": _schedule,
    "conversations": _conversations,
    "parse": _parse,
    "ask": _ask,
    "export": _export,
    "service": _service,
}


def _run_command(args: argparse.Namespace) -> int:
    """A subcommand, its errors reported on one line; returns the exit code."""
    from dynaprompt_tui.config import ConfigError

    try:
        if args.command == "completion":  # needs no settings (and must work with bad ones)
            from dynaprompt_tui.cli.commands import completion

            return completion.run(args)
        if args.command == "serve":  # reads its settings itself: a bad one goes to its log
            from dynaprompt_tui.cli.commands import serve

            return serve.run(args)
        try:
            settings = _settings(args)
        except ConfigError as e:
            raise CliError(str(e), USAGE) from None
        return _COMMANDS[args.command](args, settings)
    except CliError as e:
        report(str(e))
        return e.code
    except ConfigError as e:
        report(str(e))
        return USAGE
    except KeyboardInterrupt:
        return 130
    except BrokenPipeError:  # `| head` closed the pipe: not an error worth a word
        _quiet_stdout()
        return 0
    except Exception as e:  # a bug or an unusable file: one line, never a traceback
        report(f"{e.__class__.__name__}: {e}")
        return RUNTIME


def _quiet_stdout() -> None:
    """After a broken pipe, send what Python flushes at exit to /dev/null instead."""
    devnull = os.open(os.devnull, os.O_WRONLY)
    os.dup2(devnull, sys.stdout.fileno())


class _NotTheApp(Exception):
    pass


def _not_the_app(message: str) -> NoReturn:
    raise _NotTheApp(message)


def _parse_args(argv: Sequence[str] | None) -> argparse.Namespace:
    """The arguments. A launch of the app (only long options, none of them help or version)
    is read by a parser of the app's own flags, as building every subcommand's parser costs
    start-up ~10 ms; anything it cannot read (a subcommand, a typo) is read again by the whole
    parser, which runs the subcommand or says what is wrong."""
    tokens = list(sys.argv[1:] if argv is None else argv)
    if all(
        not t.startswith("-") or (t.startswith("--") and not _help_or_version(t)) for t in tokens
    ):
        app_only = build_parser(commands=False)
        app_only.error = _not_the_app  # type: ignore[method-assign]
        try:
            return app_only.parse_args(tokens)
        except _NotTheApp:
            pass
    return build_parser().parse_args(tokens)


def _help_or_version(token: str) -> bool:
    flag = token.split("=", 1)[0]  # (argparse takes any unambiguous prefix of a long option)
    return len(flag) > 2 and ("--help".startswith(flag) or "--version".startswith(flag))


def main(argv: Sequence[str] | None = None) -> int:
    if "_ARGCOMPLETE" in os.environ:
        _complete(build_parser())
    args = _parse_args(argv)
    if args.command is not None:
        return _run_command(args)

    from dynaprompt_tui.cli import startup
    from dynaprompt_tui.config import ConfigError

    try:
        settings = _settings(args)
    except ConfigError as e:
        _fail(str(e), USAGE)
    try:
        app = build_app(settings)
    except ConfigError as e:
        startup.resume()
        _fail(str(e), USAGE)
    except Exception as e:  # e.g. an unusable database file: one line, no traceback
        startup.resume()
        from dynaprompt_tui.core.storage.errors import StoreError

        # The store's errors are written for the user; a bug's class name helps a report.
        _fail(str(e) if isinstance(e, StoreError) else f"{e.__class__.__name__}: {e}", RUNTIME)
    try:
        app.run()
    finally:
        startup.resume()  # (when the app stopped before its first frame)
    return app.return_code or 0
