"""The files that start `serve` at login: a systemd user unit (Linux) and a launchd agent
(macOS). Pure text from the command line to run; the manager module installs them."""

from __future__ import annotations

import plistlib
import shlex
from collections.abc import Sequence
from pathlib import Path

UNIT_NAME = "dynaprompt-tui.service"
AGENT_LABEL = "io.github.dynaprompt-tui.serve"
BAD_CONFIG_EXIT = 2  # `serve` exits 2 on a bad setting: restarting would only fail again


def _systemd_quote(arg: str) -> str:
    """One ExecStart word: systemd reads C-style quotes, and `%` and `$` are its own."""
    escaped = arg.replace("\\", "\\\\").replace('"', '\\"').replace("%", "%%").replace("$", "$$")
    return f'"{escaped}"' if (escaped != arg or not arg or any(c.isspace() for c in arg)) else arg


def systemd_unit(argv: Sequence[str], workdir: Path) -> str:
    """The user unit: started at login (default.target), restarted when it fails."""
    exec_start = " ".join(_systemd_quote(a) for a in argv)
    # WorkingDirectory= is taken whole (quotes would be part of it); only % is systemd's.
    return f"""\
[Unit]
Description=dynaprompt-tui scheduler: delivers scheduled messages while no window is open

[Service]
Type=simple
ExecStart={exec_start}
WorkingDirectory={str(workdir).replace("%", "%%")}
Restart=on-failure
RestartSec=10
RestartPreventExitStatus={BAD_CONFIG_EXIT}
KillSignal=SIGTERM
TimeoutStopSec=20

[Install]
WantedBy=default.target
"""


def launchd_plist(argv: Sequence[str], workdir: Path, log_dir: Path) -> bytes:
    """The launch agent: loaded at login, kept alive unless it exits cleanly (a stop)."""
    agent = {
        "Label": AGENT_LABEL,
        "ProgramArguments": list(argv),
        "WorkingDirectory": str(workdir),
        "RunAtLoad": True,
        "KeepAlive": {"SuccessfulExit": False},
        "ThrottleInterval": 10,
        "ProcessType": "Background",
        # Python's own output (a crash before logging starts); the service logs elsewhere.
        "StandardOutPath": str(log_dir / "launchd.out.log"),
        "StandardErrorPath": str(log_dir / "launchd.err.log"),
    }
    return plistlib.dumps(agent)


def command_line(argv: Sequence[str]) -> str:
    """For people: the command a unit runs, as a shell would take it."""
    return shlex.join(argv)
