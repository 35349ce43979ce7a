"""The command line's grammar: the global options and every subcommand with its flags.

Only argparse is imported here, so `--help` and `--version` answer without loading Textual, the
core or the OpenAI client. Every subcommand (and sub-subcommand) takes the global options too,
before or after its name.
"""

from __future__ import annotations

import argparse
from datetime import datetime
from typing import NoReturn

from dynaprompt_tui import __version__
from dynaprompt_tui.cli.errors import PROG, USAGE, one_line

RECIPIENTS = ("user", "chatbot", "u", "c")  # the app's `dps` accepts the short forms too
MAX_FIRES = 100  # `parse -n`: enough to check a rule, not a way to hang a shell


class _Parser(argparse.ArgumentParser):
    def error(self, message: str) -> NoReturn:
        """One line, exit code 2 (argparse's default adds the whole usage block)."""
        self.exit(USAGE, f"{self.prog}: error: {one_line(message)} (see --help)\n")


def _add_common(parser: argparse.ArgumentParser, *, sub: bool, model: bool = True) -> None:
    """The global options, accepted by every command; `model=False` leaves the model's own
    (--model, --base-url, --system-prompt, --temperature, --max-tokens, --tools, --demo) out of
    a command's --help, where no model is called (they are still accepted: scripts pass the
    same options to every command)."""
    # In a subcommand, unset flags must not overwrite the ones given before it.
    default = argparse.SUPPRESS if sub else None

    def shown(text: str) -> str:
        return text if model else argparse.SUPPRESS

    parser.add_argument("--model", metavar="M", default=default, help=shown("model name"))
    parser.add_argument(
        "--base-url", metavar="URL", default=default, help=shown("OpenAI-compatible server")
    )
    parser.add_argument("--db", metavar="PATH", default=default, help="SQLite database file")
    parser.add_argument("--tz", metavar="ZONE", default=default, help="IANA time zone")
    parser.add_argument(
        "--system-prompt",
        metavar="FILE",
        default=default,
        help=shown("file with extra system prompt"),
    )
    parser.add_argument(
        "--config", metavar="FILE", default=default, help="config file (TOML) to read"
    )
    parser.add_argument(
        "--temperature",
        metavar="T",
        type=float,
        default=default,
        help=shown("sampling temperature"),
    )
    parser.add_argument(
        "--max-tokens",
        metavar="N",
        default=default,
        help=shown("longest answer, in tokens (0: the server decides)"),
    )
    parser.add_argument(
        "--tools",
        choices=("auto", "on", "off"),
        default=default,
        help=shown(
            "offer the model scheduling tools (auto: fall back to text if the server refuses)"
        ),
    )
    parser.add_argument(
        "--demo",
        action="store_true",
        default=default,
        help=shown("offline demo chatbot (no API key needed)"),
    )


def _fires(text: str) -> int:
    try:
        n = int(text)
    except ValueError:
        raise argparse.ArgumentTypeError(f"not a whole number: {text!r}") from None
    if not 1 <= n <= MAX_FIRES:
        raise argparse.ArgumentTypeError(f"must be between 1 and {MAX_FIRES}, not {n}")
    return n


def _instant(text: str) -> datetime:
    """An ISO 8601 time; without an offset it is read in the zone (--tz) later."""
    try:
        return datetime.fromisoformat(text.strip())
    except ValueError:
        raise argparse.ArgumentTypeError(
            f"not an ISO 8601 time: {text!r} (e.g. 2026-03-05T10:15 or 2026-03-05T10:15+01:00)"
        ) from None


def _json_flag(parser: argparse.ArgumentParser) -> None:
    parser.add_argument(
        "--json", action="store_true", help="one JSON document on stdout (see docs/cli.md)"
    )


def _schedule_commands(subs: argparse._SubParsersAction[_Parser]) -> None:
    group = subs.add_parser(
        "schedule",
        help="add, list, cancel, pause, resume schedules; show a schedule's deliveries",
        description="The schedules of the conversation, changed as the app changes them.",
    )
    _add_common(group, sub=True)
    actions = group.add_subparsers(
        dest="action", metavar="{add,list,cancel,pause,resume,history}", parser_class=_Parser
    )
    actions.required = True

    add = actions.add_parser("add", help="schedule a message")
    add.add_argument(
        "--to",
        required=True,
        choices=RECIPIENTS,
        metavar="user|chatbot",
        help="user: a reminder, delivered as written; chatbot: a prompt the bot answers then",
    )
    add.add_argument("when", metavar="WHEN", help="a time phrase: 'tomorrow 9am', 'every day at 8'")
    add.add_argument("message", metavar="MESSAGE", help="the message; '-' reads it from stdin")
    _json_flag(add)

    listing = actions.add_parser("list", help="the pending and paused schedules")
    listing.add_argument(
        "--all", action="store_true", help="include the fired, cancelled and failed ones"
    )
    _json_flag(listing)

    for name, verb in (("cancel", "cancel"), ("pause", "pause"), ("resume", "resume")):
        change = actions.add_parser(name, help=f"{verb} schedules by id (or unique prefix)")
        change.add_argument("ids", metavar="ID", nargs="+", help="a schedule id or its prefix")
        _json_flag(change)

    history = actions.add_parser("history", help="a schedule's deliveries")
    history.add_argument("id", metavar="ID", help="a schedule id or its prefix")
    _json_flag(history)

    for sub in actions.choices.values():
        _add_common(sub, sub=True)


def _service_commands(subs: argparse._SubParsersAction[_Parser]) -> None:
    group = subs.add_parser(
        "service",
        help="install, start, stop the background service; its status and log",
        description="The background service (systemd user unit, launchd agent) that delivers "
        "while no window is open. See docs/service.md.",
    )
    _add_common(group, sub=True)
    actions = group.add_subparsers(
        dest="action",
        metavar="{install,uninstall,start,stop,status,logs}",
        parser_class=_Parser,
    )
    actions.required = True
    actions.add_parser("install", help="run the service at login, with these options, and now")
    actions.add_parser("uninstall", help="stop the service and remove it from login")
    actions.add_parser("start", help="start the installed service")
    actions.add_parser("stop", help="stop the service (until the next login)")
    actions.add_parser("status", help="running or not, since when, the last and next fire")
    logs = actions.add_parser("logs", help="the service's recent log")
    logs.add_argument(
        "-n", "--lines", type=_lines, default=50, metavar="N", help="how many lines (default 50)"
    )
    for sub in actions.choices.values():
        _add_common(sub, sub=True)


def _lines(text: str) -> int:
    try:
        n = int(text)
    except ValueError:
        raise argparse.ArgumentTypeError(f"not a whole number: {text!r}") from None
    if n < 1:
        raise argparse.ArgumentTypeError(f"must be at least 1, not {n}")
    return n


def build_parser() -> argparse.ArgumentParser:
    parser = _Parser(
        prog=PROG,
        description="A terminal chat with an LLM where you and the chatbot can schedule messages.",
        epilog="Schedule from the chat: 'dps chatbot tomorrow 9am' then the message on the next "
        "lines; 'dpl' lists, 'dpd <id>' cancels. Press F1 in the app for help. "
        "Scripting: docs/cli.md.",
    )
    parser.add_argument("--version", action="version", version=f"{PROG} {__version__}")
    _add_common(parser, sub=False)
    subs = parser.add_subparsers(
        dest="command",
        metavar="{schedule,parse,ask,export,serve,service,completion}",
        parser_class=_Parser,
    )

    _schedule_commands(subs)

    parse = subs.add_parser(
        "parse", help="how a time phrase is understood: kind, description, the next fires"
    )
    parse.add_argument("when", metavar="WHEN", help="the time phrase")
    parse.add_argument(
        "--now", type=_instant, metavar="ISO", help="read the phrase at this time (default: now)"
    )
    parse.add_argument(
        "-n", type=_fires, default=5, metavar="N", help="how many fire times to show (default 5)"
    )
    _json_flag(parse)
    _add_common(parse, sub=True, model=False)

    ask = subs.add_parser("ask", help="send a message as the user and print the chatbot's reply")
    ask.add_argument("prompt", metavar="PROMPT", help="the message; '-' reads it from stdin")
    ask.add_argument("--no-stream", action="store_true", help="print the reply once it is complete")
    _add_common(ask, sub=True)

    export = subs.add_parser("export", help="write the conversation as Markdown or JSON")
    export.add_argument(
        "--format", choices=("md", "json"), default="md", help="md (Markdown, the default) or json"
    )
    export.add_argument("-o", "--output", metavar="FILE", help="write here instead of stdout")
    _add_common(export, sub=True, model=False)

    serve = subs.add_parser(
        "serve",
        help="run the scheduler with no window (the background service runs this)",
        description="Fire schedules and answer those to the chatbot until SIGTERM or Ctrl-C; "
        "logs to the user state dir. See docs/service.md.",
    )
    _add_common(serve, sub=True)
    _service_commands(subs)

    completion = subs.add_parser(
        "completion",
        help="print the shell completion script",
        description="Print a completion script; see docs/cli.md for where to put it.",
    )
    completion.add_argument("shell", choices=("bash", "zsh", "fish"))
    return parser
