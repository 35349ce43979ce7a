"""The unit files and the service manager's commands, without a service manager: the systemd
unit passes `systemd-analyze verify`, the launchd plist parses, install/stop/uninstall issue the
right systemctl/launchctl calls, and where there is no manager the commands say so."""

from __future__ import annotations

import os
import plistlib
import shutil
import subprocess
import sys
from argparse import Namespace
from pathlib import Path

import pytest

from dynaprompt_tui.cli.commands.service import serve_argv
from dynaprompt_tui.config import Settings
from dynaprompt_tui.service.manager import Manager, manager
from dynaprompt_tui.service.units import AGENT_LABEL, UNIT_NAME, launchd_plist, systemd_unit
from tests.service.conftest import Home

ARGV = [sys.executable, "-m", "dynaprompt_tui", "serve", "--db", "/home/a b/100%.db", "--demo"]


def _verify(unit: Path, tmp_path: Path) -> subprocess.CompletedProcess[str]:
    tool = shutil.which("systemd-analyze")
    if tool is None:
        pytest.skip("systemd-analyze is not installed (apt package systemd; .ci/run installs it)")
    runtime = tmp_path / "runtime"
    runtime.mkdir(mode=0o700)
    env = {**os.environ, "XDG_RUNTIME_DIR": str(runtime)}
    done = subprocess.run(
        [tool, "verify", "--user", str(unit)], capture_output=True, text=True, env=env
    )
    if done.returncode != 0 and "Failed to initialize manager" in done.stderr:
        # No user manager can start here (a container): the system manager reads it the same.
        done = subprocess.run([tool, "verify", str(unit)], capture_output=True, text=True)
    return done


def test_the_systemd_unit_verifies(tmp_path: Path) -> None:
    unit = tmp_path / UNIT_NAME
    unit.write_text(systemd_unit(ARGV, Path("/home/a b")))
    done = _verify(unit, tmp_path)
    assert done.returncode == 0, done.stderr
    assert str(unit) not in done.stderr, done.stderr  # not even a warning about our file
    text = unit.read_text()
    assert "Restart=on-failure" in text and "WantedBy=default.target" in text
    assert '"/home/a b/100%%.db"' in text  # quoted, and % escaped for systemd


def test_a_broken_unit_does_not_verify(tmp_path: Path) -> None:
    unit = tmp_path / UNIT_NAME
    unit.write_text(systemd_unit(["python", "-m", "x"], tmp_path))  # not an absolute path
    assert _verify(unit, tmp_path).returncode != 0


def test_the_launchd_plist_parses() -> None:
    agent = plistlib.loads(launchd_plist(ARGV, Path("/Users/a"), Path("/Users/a/Library/Logs")))
    assert agent["Label"] == AGENT_LABEL and agent["ProgramArguments"] == ARGV
    assert agent["RunAtLoad"] is True and agent["KeepAlive"] == {"SuccessfulExit": False}


class Recorder:
    def __init__(self) -> None:
        self.calls: list[list[str]] = []

    def __call__(self, argv):
        self.calls.append(list(argv))
        return subprocess.CompletedProcess(list(argv), 0, "", "")


@pytest.mark.parametrize("kind", ["systemd", "launchd"])
def test_install_stop_uninstall_issue_the_managers_commands(
    kind: str, tmp_path: Path, monkeypatch
) -> None:
    monkeypatch.setenv("HOME", str(tmp_path))
    monkeypatch.setenv("XDG_CONFIG_HOME", str(tmp_path / "config"))
    monkeypatch.setenv("XDG_STATE_HOME", str(tmp_path / "state"))
    run = Recorder()
    m = manager(kind, run)
    assert isinstance(m, Manager) and not m.installed
    m.install(ARGV, tmp_path)
    assert m.installed and m.unit_path.is_relative_to(tmp_path)
    m.stop()
    m.start()
    assert m.uninstall() and not m.installed
    verbs = [c[:3] for c in run.calls]
    if kind == "systemd":
        assert verbs == [
            ["systemctl", "--user", "daemon-reload"],
            ["systemctl", "--user", "enable"],
            ["systemctl", "--user", "stop"],
            ["systemctl", "--user", "start"],
            ["systemctl", "--user", "disable"],
            ["systemctl", "--user", "daemon-reload"],
        ]
    else:
        assert [c[:2] for c in run.calls] == [
            ["launchctl", "bootstrap"],
            ["launchctl", "kill"],
            ["launchctl", "kickstart"],
            ["launchctl", "bootout"],
        ]


def test_the_unit_runs_this_interpreter_with_the_settings_resolved(tmp_path: Path) -> None:
    args = Namespace(model="m1", base_url=None, config="conf.toml", demo=True)
    settings = Settings(db_path=Path("rel.db"), tz="Europe/Paris")
    argv = serve_argv(args, settings)
    assert argv[:4] == [sys.executable, "-m", "dynaprompt_tui", "serve"]
    assert argv[argv.index("--db") + 1] == str(Path("rel.db").resolve())
    assert argv[argv.index("--tz") + 1] == "Europe/Paris"
    assert argv[argv.index("--config") + 1] == str(Path("conf.toml").resolve())
    assert "--model" in argv and "--demo" in argv and "--base-url" not in argv


@pytest.mark.skipif(manager() is not None, reason="a service manager runs here")
def test_without_a_manager_install_says_how_to_run_serve(home: Home) -> None:
    done = home.cli("service", "install")
    assert done.returncode == 1
    [line] = done.stderr.strip().splitlines()
    assert "no service manager here" in line and "dynaprompt_tui serve --db" in line
    logs = home.cli("service", "logs")
    assert logs.returncode == 1 and "no log yet" in logs.stderr
    stop = home.cli("service", "stop")
    assert stop.returncode == 1 and "not running" in stop.stderr
