"""`dynaprompt-tui parse WHEN`: how the app reads a time phrase (kind, description, cron rule, the
next fires in the zone), to check a phrase before trusting a cron job with it. Reads no database."""

from __future__ import annotations

import argparse
from datetime import UTC, datetime
from zoneinfo import ZoneInfo

from dynaprompt_tui.cli.commands import documents
from dynaprompt_tui.cli.commands.common import print_json, print_line
from dynaprompt_tui.cli.errors import RUNTIME, CliError
from dynaprompt_tui.config import Settings
from dynaprompt_tui.core import formatting as fmt
from dynaprompt_tui.core.timephrases import TimePhraseError, parse_when

KINDS = {
    "once": "once",
    "cron": "recurring (calendar rule)",
    "every": "recurring (fixed interval)",
    "days": "recurring (every N days)",
}


def run(args: argparse.Namespace, settings: Settings) -> int:
    zone = settings.zone
    now = _now(args.now, zone)
    try:
        when = parse_when(args.when, now)
    except TimePhraseError as e:
        raise CliError(str(e), RUNTIME) from None
    fires = when.next_fires(now, args.n)
    if args.json:
        print_json(documents.parsed(args.when, when, now, fires))
        return 0
    print_line(f"kind:        {KINDS.get(when.kind, when.kind)}")
    print_line(f"description: {when.description}")
    if when.cron:
        print_line(f"cron:        {when.cron}")
    print_line(f"zone:        {settings.tz}")
    print_line(f"now:         {now.isoformat(timespec='seconds')}")
    if not fires:
        print_line("never fires after now")
        return 0
    print_line("next fires:" if len(fires) > 1 else "fires:")
    for t in fires:
        print_line(f"  {t.isoformat(timespec='seconds')}  ({fmt.when_rel(t, now)})")
    return 0


def _now(given: datetime | None, zone: ZoneInfo) -> datetime:
    """`--now` in the zone (a time without an offset is read in it), or the current time."""
    if given is None:
        return datetime.now(UTC).astimezone(zone)
    if given.tzinfo is None:
        return given.replace(tzinfo=zone)
    return given.astimezone(zone)
