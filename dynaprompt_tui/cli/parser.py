"""The command line's grammar: the global options and every subcommand with its flags (with
`conversations ...` and the `--conversation C` of the commands that work in one).

Only argparse is imported here, so `--help` and `--version` answer without loading Textual, the
core or the OpenAI client. Every subcommand (and sub-subcommand) takes the global options too,
before or after its name.
"""

from __future__ import annotations

import argparse
from datetime import datetime
from typing import Any, NoReturn

from dynaprompt_tui import __version__
from dynaprompt_tui.cli.errors import PROG, USAGE, one_line

RECIPIENTS = ("user", "chatbot", "u", "c")  # the app's `dps` accepts the short forms too
MAX_FIRES = 100  # `parse -n`: enough to check a rule, not a way to hang a shell
CONVERSATION_HELP = "an id, or a title, its start or a word's (case-insensitive, unique)"
CONVERSATION_ACTIONS = ("list", "new", "show", "rename", "set", "archive", "unarchive", "rm")
OWN = ("--model", "--system-prompt", "--temperature")  # `new` and `set`: the conversation's own


class _Parser(argparse.ArgumentParser):
    def error(self, message: str) -> NoReturn:
        """One line, exit code 2 (argparse's default adds the whole usage block)."""
        self.exit(USAGE, f"{self.prog}: error: {one_line(message)} (see --help)\n")


def _add_common(
    parser: argparse.ArgumentParser, *, sub: bool, model: bool = True, own: tuple[str, ...] = ()
) -> None:
    """The global options, accepted by every command; `model=False` leaves the model's own
    (--model, --base-url, --system-prompt, --temperature, --max-tokens, --tools, --demo) out of
    a command's --help, where no model is called (they are still accepted: scripts pass the
    same options to every command). `own`: flags the command defines itself, with another
    meaning (`conversations set --model`: the conversation's own model)."""
    # In a subcommand, unset flags must not overwrite the ones given before it.
    default = argparse.SUPPRESS if sub else None

    def add(flag: str, **kw: Any) -> None:
        if flag not in own:
            parser.add_argument(flag, default=default, **kw)

    def shown(text: str) -> str:
        return text if model else argparse.SUPPRESS

    add("--model", metavar="M", help=shown("model name"))
    add("--base-url", metavar="URL", help=shown("OpenAI-compatible server"))
    add("--db", metavar="PATH", help="SQLite database file")
    add("--tz", metavar="ZONE", help="IANA time zone")
    add("--system-prompt", metavar="FILE", help=shown("file with extra system prompt"))
    add("--config", metavar="FILE", help="config file (TOML) to read")
    add("--temperature", metavar="T", type=float, help=shown("sampling temperature"))
    add(
        "--max-tokens",
        metavar="N",
        help=shown("longest answer, in tokens (0: the server decides)"),
    )
    add(
        "--tools",
        choices=("auto", "on", "off"),
        help=shown(
            "offer the model scheduling tools (auto: fall back to text if the server refuses)"
        ),
    )
    add(
        "--demo",
        action="store_true",
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
        description="The schedules of the conversations, changed as the app changes them.",
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
    _conversation_flag(add, "the conversation to schedule in")
    _json_flag(add)

    listing = actions.add_parser(
        "list", help="the pending and paused schedules (of the current conversation)"
    )
    which = listing.add_mutually_exclusive_group()
    _conversation_flag(which, "list this conversation's schedules")
    which.add_argument("--all", action="store_true", help="every conversation's schedules")
    listing.add_argument(
        "--finished", action="store_true", help="include the fired, cancelled and failed ones"
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


def _conversation_flag(parser: Any, text: str) -> None:
    """`--conversation C` (default: the current one, the latest active)."""
    parser.add_argument(
        "-c",
        "--conversation",
        metavar="C",
        help=f"{text}: {CONVERSATION_HELP} (default: the latest active)",
    )


def _own_settings(parser: argparse.ArgumentParser) -> None:
    parser.add_argument(
        "--model", dest="own_model", metavar="M", help="its own model ('' for the default)"
    )
    parser.add_argument(
        "--system-prompt",
        dest="own_system_prompt",
        metavar="TEXT",
        help="its own persona, a system prompt ('-' reads stdin, '' for the default)",
    )
    parser.add_argument(
        "--temperature",
        dest="own_temperature",
        metavar="T",
        help="its own temperature, 0 to 2 ('' for the default)",
    )


def _conversation_commands(subs: argparse._SubParsersAction[_Parser]) -> None:
    group = subs.add_parser(
        "conversations",
        help="list, create, rename, archive, delete conversations; their model and persona",
        description="The conversations of the database (without an action: list them).",
    )
    _add_common(group, sub=True, model=False)
    actions = group.add_subparsers(
        dest="action", metavar="{" + ",".join(CONVERSATION_ACTIONS) + "}", parser_class=_Parser
    )

    listing = actions.add_parser("list", help="id, title, unread, pending, latest activity")
    listing.add_argument("--all", action="store_true", help="include the archived ones")

    new = actions.add_parser("new", help="start a conversation (the latest active from now)")
    new.add_argument(
        "title", metavar="TITLE", nargs="*", help="its title (default: from its start)"
    )
    _own_settings(new)

    show = actions.add_parser("show", help="a conversation: counts, model, persona")
    show.add_argument("conversation", metavar="C", help=CONVERSATION_HELP)

    rename = actions.add_parser("rename", help="give a conversation a title")
    rename.add_argument("conversation", metavar="C", help=CONVERSATION_HELP)
    rename.add_argument("title", metavar="TITLE", nargs="+", help="the new title")

    change = actions.add_parser(
        "set", help="a conversation's own model, persona (system prompt) or temperature"
    )
    change.add_argument("conversation", metavar="C", help=CONVERSATION_HELP)
    _own_settings(change)

    for name, text in (
        ("archive", "move conversations out of the list (kept; their schedules still fire)"),
        ("unarchive", "put archived conversations back in the list"),
    ):
        shelve = actions.add_parser(name, help=text)
        shelve.add_argument("conversations", metavar="C", nargs="+", help=CONVERSATION_HELP)

    rm = actions.add_parser(
        "rm", help="delete conversations with their messages and schedules (asks first)"
    )
    rm.add_argument(
        "conversation_ids", metavar="ID", nargs="+", help="a conversation's id (a number)"
    )
    rm.add_argument(
        "--yes", "-y", action="store_true", help="do not ask (needed when stdin is not a terminal)"
    )

    for name, sub in actions.choices.items():
        _json_flag(sub)
        _add_common(sub, sub=True, model=False, own=OWN if name in ("new", "set") else ())


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


def build_parser(*, commands: bool = True) -> argparse.ArgumentParser:
    """The command line's parser; `commands=False`: the app's own flags only, for a launch of
    the app (cli/main.py), which need not build every subcommand's parser (~10 ms)."""
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
        metavar="{schedule,conversations,parse,ask,export,serve,service,completion}",
        parser_class=_Parser,
    )
    if not commands:
        return parser

    _schedule_commands(subs)
    _conversation_commands(subs)

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
    _conversation_flag(ask, "the conversation to send in")
    _add_common(ask, sub=True)

    export = subs.add_parser(
        "export", help="write a conversation, or all of them, as Markdown or JSON"
    )
    which = export.add_mutually_exclusive_group()
    _conversation_flag(which, "the conversation to export")
    which.add_argument("--all", action="store_true", help="every conversation, archived too")
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
