"""`dynaprompt-tui service install|uninstall|start|stop|status|logs`: the background service
through systemd (a user unit) or launchd (an agent); `status` and `logs` work without either,
and `stop` then signals the `serve` process itself. See docs/service.md."""

from __future__ import annotations

import argparse
import os
import signal
import sys
from pathlib import Path

from dynaprompt_tui.cli.commands.common import print_line
from dynaprompt_tui.cli.errors import RUNTIME, CliError
from dynaprompt_tui.config import Settings
from dynaprompt_tui.core.clock import SystemClock
from dynaprompt_tui.core.storage.owners import owner_alive
from dynaprompt_tui.service import logs
from dynaprompt_tui.service.manager import Manager, ManagerError, by_hand, manager
from dynaprompt_tui.service.status import describe_status, read_status
from dynaprompt_tui.service.units import command_line

# The global options a unit passes on to `serve` when they were given to `service install`.
_PASSED = (
    ("model", "--model"),
    ("base_url", "--base-url"),
    ("temperature", "--temperature"),
    ("max_tokens", "--max-tokens"),
    ("tools", "--tools"),
)
_PATHS = (("config", "--config"), ("system_prompt", "--system-prompt"))


def serve_argv(args: argparse.Namespace, settings: Settings) -> list[str]:
    """What the unit runs: this interpreter, `-m dynaprompt_tui serve`, the database and zone as
    resolved now (the unit does not see this shell's environment), the flags given."""
    argv = [sys.executable, "-m", "dynaprompt_tui", "serve"]
    argv += ["--db", str(Path(settings.db_path).resolve()), "--tz", settings.tz]
    for name, flag in _PASSED:
        value = getattr(args, name, None)
        if value is not None:
            argv += [flag, str(value)]
    for name, flag in _PATHS:
        value = getattr(args, name, None)
        if value is not None:
            argv += [flag, str(Path(value).expanduser().resolve())]
    if getattr(args, "demo", None):
        argv.append("--demo")
    return argv


def _manager_or_fail(argv: list[str]) -> Manager:
    m = manager()
    if m is None:
        raise CliError(by_hand(argv), RUNTIME)
    return m


def _unit(m: Manager | None) -> str:
    if m is None:
        return "none (no systemd user session or launchd here; run `dynaprompt-tui serve`)"
    if m.installed:
        return f"installed ({m.kind}: {m.unit_path})"
    return f"not installed ({m.kind}; `dynaprompt-tui service install`)"


def install(args: argparse.Namespace, settings: Settings) -> int:
    argv = serve_argv(args, settings)
    m = _manager_or_fail(argv)
    m.install(argv, Path.cwd())
    print_line(f"installed {m.unit_path}: starts at login, restarted if it fails")
    print_line(f"it runs: {command_line(argv)}")
    print_line(f"log: {logs.log_path()}")
    if os.environ.get("OPENAI_API_KEY"):
        print_line(
            "note: OPENAI_API_KEY is set in this shell only; the service does not see it. Put the"
            f" key in the config file or in {Path.cwd() / '.env'} (read from this directory)."
        )
    return 0


def uninstall(args: argparse.Namespace, settings: Settings) -> int:
    m = _manager_or_fail(serve_argv(args, settings))
    if m.uninstall():
        print_line(f"stopped, disabled and removed {m.unit_path}")
    else:
        print_line(f"not installed ({m.unit_path} does not exist)")
    return 0


def start(args: argparse.Namespace, settings: Settings) -> int:
    m = _manager_or_fail(serve_argv(args, settings))
    if not m.installed:
        raise CliError("the service is not installed: `dynaprompt-tui service install`", RUNTIME)
    m.start()
    print_line("started")
    return 0


def stop(args: argparse.Namespace, settings: Settings) -> int:
    m = manager()
    if m is not None and m.installed:
        m.stop()
        print_line("stopped (it starts again at the next login; `service uninstall` ends that)")
        return 0
    # No unit: a `serve` started by hand is stopped with the signal it handles.
    state = logs.read_state(logs.state_path()) or {}
    owner, pid = state.get("owner"), state.get("pid")
    if not (isinstance(owner, str) and isinstance(pid, int) and owner_alive(owner)):
        raise CliError("the service is not running", RUNTIME)
    os.kill(pid, signal.SIGTERM)
    print_line(f"sent SIGTERM to the service (pid {pid})")
    return 0


def status(args: argparse.Namespace, settings: Settings) -> int:
    now = SystemClock().now()
    s = read_status(Path(settings.db_path), now)
    for line in describe_status(s, Path(settings.db_path), now, settings.zone, _unit(manager())):
        print_line(line)
    return 0 if s.running else 3  # 3: not running, as `systemctl status` says it


def show_logs(args: argparse.Namespace, settings: Settings) -> int:
    path = logs.log_path()
    lines = logs.tail(path, args.lines)
    if not lines:
        raise CliError(f"no log yet at {path} (the service has not run)", RUNTIME)
    for line in lines:
        print_line(line)
    return 0


ACTIONS = {
    "install": install,
    "uninstall": uninstall,
    "start": start,
    "stop": stop,
    "status": status,
    "logs": show_logs,
}


def run(args: argparse.Namespace, settings: Settings) -> int:
    try:
        return ACTIONS[args.action](args, settings)
    except ManagerError as e:
        raise CliError(f"{args.action} failed: {e}", RUNTIME) from None
