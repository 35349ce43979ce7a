"""The command line: `dynaprompt-tui [options]` runs the app, subcommands script it."""

from dynaprompt_tui.cli.main import main

__all__ = ["main"]
