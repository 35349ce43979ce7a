"""Command line: `dynaprompt-tui [options]` runs the app; `dynaprompt-tui export` prints the chat.

Only argparse is imported until the arguments are understood, so `--help` and `--version` answer
without loading Textual, the core or the OpenAI client.
"""

from __future__ import annotations

import argparse
import sys
from collections.abc import Sequence
from typing import TYPE_CHECKING, NoReturn

if TYPE_CHECKING:
    from dynaprompt_tui.config import Settings
    from dynaprompt_tui.tui.app import DynapromptApp

PROG = "dynaprompt-tui"


class _Parser(argparse.ArgumentParser):
    def error(self, message: str) -> NoReturn:
        """One line, exit code 2 (argparse's default adds the whole usage block)."""
        self.exit(2, f"{self.prog}: error: {message} (see --help)\n")


def _add_common(parser: argparse.ArgumentParser, *, sub: bool) -> None:
    # In the subcommand, unset flags must not overwrite the ones given before it.
    default = argparse.SUPPRESS if sub else None
    parser.add_argument("--model", metavar="M", default=default, help="model name")
    parser.add_argument(
        "--base-url", metavar="URL", default=default, help="OpenAI-compatible server"
    )
    parser.add_argument("--db", metavar="PATH", default=default, help="SQLite database file")
    parser.add_argument("--tz", metavar="ZONE", default=default, help="IANA time zone")
    parser.add_argument(
        "--system-prompt", metavar="FILE", default=default, help="file with extra system prompt"
    )
    parser.add_argument(
        "--config", metavar="FILE", default=default, help="config file (TOML) to read"
    )
    parser.add_argument(
        "--temperature", metavar="T", type=float, default=default, help="sampling temperature"
    )
    parser.add_argument(
        "--tools",
        choices=("auto", "on", "off"),
        default=default,
        help="offer the model scheduling tools (auto: fall back to text if the server refuses)",
    )
    parser.add_argument(
        "--demo",
        action="store_true",
        default=default,
        help="offline demo chatbot (no API key needed)",
    )


def build_parser() -> argparse.ArgumentParser:
    from dynaprompt_tui import __version__

    parser = _Parser(
        prog=PROG,
        description="A terminal chat with an LLM where you and the chatbot can schedule messages.",
        epilog="Schedule from the chat: 'dps chatbot tomorrow 9am' then the message on the next "
        "lines; 'dpl' lists, 'dpd <id>' cancels. Press F1 in the app for help.",
    )
    parser.add_argument("--version", action="version", version=f"{PROG} {__version__}")
    _add_common(parser, sub=False)
    subs = parser.add_subparsers(dest="command", metavar="{export}", parser_class=_Parser)
    export = subs.add_parser("export", help="write the conversation as Markdown or JSON")
    export.add_argument("--format", choices=("md", "json"), default="md")
    export.add_argument("-o", "--output", metavar="FILE", help="write here instead of stdout")
    _add_common(export, sub=True)
    return parser


def _settings(args: argparse.Namespace) -> Settings:
    from dynaprompt_tui.config import load_settings

    cli = {
        "model": getattr(args, "model", None),
        "base_url": getattr(args, "base_url", None),
        "db_path": getattr(args, "db", None),
        "tz": getattr(args, "tz", None),
        "system_prompt_file": getattr(args, "system_prompt", None),
        "config": getattr(args, "config", None),
        "temperature": getattr(args, "temperature", None),
        "tools": getattr(args, "tools", None),
        "demo": True if getattr(args, "demo", None) else None,
    }
    return load_settings(cli)


def _fail(message: str, code: int) -> NoReturn:
    print(f"{PROG}: error: {message}", file=sys.stderr)
    raise SystemExit(code)


def _export(args: argparse.Namespace, settings: Settings) -> int:
    from dynaprompt_tui.core.conversation import Conversation

    if not settings.db_path.exists():  # a mistyped --db must not export a new, empty chat
        _fail(f"no conversation at {settings.db_path} (check --db / DYNAPROMPT_DB)", 1)
    conversation = Conversation.open(settings)
    text = conversation.export(args.format)
    if args.output:
        try:
            with open(args.output, "w", encoding="utf-8") as fh:
                fh.write(text)
        except OSError as e:
            _fail(f"cannot write {args.output}: {e.strerror or e}", 1)
    else:
        sys.stdout.write(text if text.endswith("\n") else text + "\n")
    return 0


def build_app(settings: Settings) -> DynapromptApp:
    """The app as the command starts it (the start-up benchmark uses this too): the garbage
    collector paused until the app's first frame, see `dynaprompt_tui.cli.startup`."""
    from dynaprompt_tui.cli import startup

    startup.pause()  # resumed after the app's first frame
    from dynaprompt_tui.tui.app import make_app

    return make_app(settings, on_first_frame=startup.resume)


def main(argv: Sequence[str] | None = None) -> int:
    args = build_parser().parse_args(argv)
    from dynaprompt_tui.cli import startup
    from dynaprompt_tui.config import ConfigError

    try:
        settings = _settings(args)
    except ConfigError as e:
        _fail(str(e), 2)
    try:
        if args.command == "export":
            return _export(args, settings)
        app = build_app(settings)
    except ConfigError as e:
        startup.resume()
        _fail(str(e), 2)
    except Exception as e:  # e.g. an unusable database file: one line, no traceback
        startup.resume()
        _fail(f"{e.__class__.__name__}: {e}", 1)
    try:
        app.run()
    finally:
        startup.resume()  # (when the app stopped before its first frame)
    return app.return_code or 0
