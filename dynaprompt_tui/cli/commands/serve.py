"""`dynaprompt-tui serve`: the background service in the foreground (what the systemd unit or
launchd agent runs; see docs/service.md). It reads its settings itself, so a bad setting is a
line in its log as well as on stderr (exit 2, which the unit does not restart)."""

from __future__ import annotations

import argparse

from dynaprompt_tui.cli.errors import USAGE, CliError
from dynaprompt_tui.cli.settings import settings_from_args
from dynaprompt_tui.config import ConfigError
from dynaprompt_tui.service import logs
from dynaprompt_tui.service.runner import run_service


def run(args: argparse.Namespace) -> int:
    try:
        settings = settings_from_args(args)
    except ConfigError as e:
        logs.write_line(logs.log_path(), "ERROR", f"not started: {e}")
        raise CliError(str(e), USAGE) from None
    return run_service(settings)
