"""Installing, starting and stopping the service through the system's service manager:
`systemctl --user` (Linux) or `launchctl` (macOS). Where neither runs (a container, WSL without
systemd) `manager()` is None and `by_hand` tells the user how to run `serve` themselves.

`run` (the subprocess call) is a parameter, so the commands each operation issues are tested
without a service manager."""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
from collections.abc import Callable, Sequence
from pathlib import Path
from typing import NamedTuple

from dynaprompt_tui.service import logs
from dynaprompt_tui.service.units import (
    AGENT_LABEL,
    UNIT_NAME,
    command_line,
    launchd_plist,
    systemd_unit,
)

Run = Callable[[Sequence[str]], "subprocess.CompletedProcess[str]"]


class ManagerError(Exception):
    """A systemctl/launchctl call failed; the message is its stderr, on one line."""


def _run(argv: Sequence[str]) -> subprocess.CompletedProcess[str]:
    return subprocess.run(list(argv), capture_output=True, text=True, timeout=60, check=False)


def detect() -> str | None:
    """ "systemd", "launchd" or None."""
    if sys.platform == "darwin" and shutil.which("launchctl"):
        return "launchd"
    # systemd is running only if it is PID 1 (sd_booted() checks this directory).
    if sys.platform.startswith("linux") and shutil.which("systemctl"):
        if Path("/run/systemd/system").is_dir():
            return "systemd"
    return None


def by_hand(argv: Sequence[str]) -> str:
    return (
        "no service manager here: neither a systemd user session nor launchd runs (a container,"
        " or WSL without systemd). Run the service yourself, e.g. from your shell's login file:"
        f" nohup {command_line(argv)} >/dev/null 2>&1 &"
    )


class Manager(NamedTuple):
    kind: str  # "systemd" | "launchd"
    unit_path: Path
    run: Run

    def _call(self, *argv: str) -> str:
        done = self.run(argv)
        if done.returncode != 0:
            raise ManagerError(" ".join((done.stderr or done.stdout or "").split()) or "failed")
        return done.stdout

    @property
    def _target(self) -> str:
        return f"gui/{os.getuid()}/{AGENT_LABEL}"

    def install(self, argv: Sequence[str], workdir: Path) -> None:
        """Write the unit, enable it at login and start it now."""
        self.unit_path.parent.mkdir(parents=True, exist_ok=True)
        if self.kind == "systemd":
            self.unit_path.write_text(systemd_unit(argv, workdir), encoding="utf-8")
            self._call("systemctl", "--user", "daemon-reload")
            self._call("systemctl", "--user", "enable", "--now", UNIT_NAME)
        else:
            if self.unit_path.exists():  # a reinstall replaces the loaded agent
                self.run(["launchctl", "bootout", self._target])
            log_dir = logs.log_path().parent
            log_dir.mkdir(parents=True, exist_ok=True)
            self.unit_path.write_bytes(launchd_plist(argv, workdir, log_dir))
            self._call("launchctl", "bootstrap", f"gui/{os.getuid()}", str(self.unit_path))

    def uninstall(self) -> bool:
        """Stop it, disable it and remove the unit; False if it was not installed."""
        if not self.unit_path.exists():
            return False
        if self.kind == "systemd":
            self.run(["systemctl", "--user", "disable", "--now", UNIT_NAME])
            self.unit_path.unlink()
            self._call("systemctl", "--user", "daemon-reload")
        else:
            self.run(["launchctl", "bootout", self._target])
            self.unit_path.unlink()
        return True

    def start(self) -> None:
        if self.kind == "systemd":
            self._call("systemctl", "--user", "start", UNIT_NAME)
        else:
            self._call("launchctl", "kickstart", self._target)

    def stop(self) -> None:
        if self.kind == "systemd":
            self._call("systemctl", "--user", "stop", UNIT_NAME)
        else:  # SIGTERM: a clean exit, which KeepAlive does not restart
            self._call("launchctl", "kill", "SIGTERM", self._target)

    @property
    def installed(self) -> bool:
        return self.unit_path.exists()


def unit_path(kind: str) -> Path:
    if kind == "systemd":
        config = os.environ.get("XDG_CONFIG_HOME") or str(Path.home() / ".config")
        return Path(config) / "systemd" / "user" / UNIT_NAME
    return Path.home() / "Library" / "LaunchAgents" / f"{AGENT_LABEL}.plist"


def manager(kind: str | None = None, run: Run = _run) -> Manager | None:
    """The system's manager (or `kind`'s, for tests); None where there is none."""
    kind = kind or detect()
    if kind is None:
        return None
    return Manager(kind, unit_path(kind), run)
