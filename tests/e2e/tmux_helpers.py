"""Helpers for driving the installed `dynaprompt-tui` command inside a private tmux server.

Everything runs on its own tmux socket (``tmux -L <name>``) started with a clean environment, so
neither the user's tmux nor their shell variables (``OPENAI_API_KEY``, ``DYNAPROMPT_*``) leak in.
Screens are read with ``capture-pane -p`` and polled against a deadline; nothing sleeps a fixed
time in place of an assertion.
"""

from __future__ import annotations

import json
import os
import selectors
import shlex
import shutil
import subprocess
import sys
import time
import urllib.request
import uuid
from collections.abc import Callable, Mapping
from pathlib import Path

import pytest

APP = Path(sys.executable).parent / "dynaprompt-tui"  # the installed command
WAIT = 30.0  # seconds: generous, a 2-core CI machine starting Python and Textual
# Each tmux test's marks (`pytestmark = E2E`): skipped, saying why, where tmux is missing.
E2E = [
    pytest.mark.e2e,
    pytest.mark.skipif(shutil.which("tmux") is None, reason="tmux is not installed"),
]
POLL = 0.15  # seconds between screen captures
SIDEBAR_BAR = "▏"  # the sidebar's left border, drawn on every row of the sidebar


class LocalServer:
    """`tests/openai_server.py` run as a script in its own process."""

    def __init__(self, script: dict, workdir: Path) -> None:
        self.script_path = workdir / "server-script.json"
        self.script_path.write_text(json.dumps(script), encoding="utf-8")
        self.proc: subprocess.Popen[str] | None = None
        self.base_url = ""

    def start(self, timeout: float = 20.0) -> LocalServer:
        server = Path(__file__).resolve().parents[1] / "openai_server.py"
        self.proc = subprocess.Popen(
            [sys.executable, str(server), "--port", "0", "--script", str(self.script_path)],
            stdout=subprocess.PIPE,
            stderr=subprocess.STDOUT,
            text=True,
        )
        assert self.proc.stdout is not None
        sel = selectors.DefaultSelector()
        sel.register(self.proc.stdout, selectors.EVENT_READ)
        deadline = time.monotonic() + timeout
        line = ""
        while time.monotonic() < deadline and "listening on" not in line:
            if sel.select(timeout=0.2):
                line = self.proc.stdout.readline()
                if not line and self.proc.poll() is not None:
                    break
        sel.close()
        if "listening on" not in line:
            self.stop()
            raise AssertionError(f"the local OpenAI server did not start: {line!r}")
        self.base_url = line.split("listening on", 1)[1].strip()
        return self

    def requests(self) -> list[dict]:
        root = self.base_url.rsplit("/v1", 1)[0]
        with urllib.request.urlopen(f"{root}/_control/requests", timeout=5) as r:
            return json.loads(r.read())

    def stop(self) -> None:
        if self.proc is None or self.proc.poll() is not None:
            return
        self.proc.terminate()
        try:
            self.proc.wait(timeout=5)
        except subprocess.TimeoutExpired:
            self.proc.kill()
            self.proc.wait(timeout=5)


class Tmux:
    """A private tmux server (own socket, clean environment) holding one session."""

    def __init__(self, socket_name: str, env: Mapping[str, str], workdir: Path) -> None:
        self.socket = socket_name
        self.env = dict(env)
        self.workdir = workdir
        self.conf = workdir / "tmux.conf"
        # remain-on-exit: after the app quits, its last screen stays readable for a failure report.
        self.conf.write_text("set -g remain-on-exit on\nset -g history-limit 0\n")
        self.session = "dp"
        self.status_file = workdir / "exit-status"

    def run(self, *args: str, check: bool = True) -> subprocess.CompletedProcess[str]:
        cmd = ["tmux", "-u", "-L", self.socket, "-f", str(self.conf), *args]
        return subprocess.run(
            cmd, env=self.env, cwd=self.workdir, capture_output=True, text=True, check=check
        )

    def start(self, command: list[str], size: tuple[int, int] = (120, 40)) -> None:
        """Run `command` in a new session; a shell around it records its exit status.

        (tmux 3.3 does not always reap a pane's process promptly, so `#{pane_dead_status}`
        can stay empty; the wrapper's status file is reliable.)
        """
        self.status_file.unlink(missing_ok=True)
        env_flags: list[str] = []
        for k, v in self.env.items():
            env_flags += ["-e", f"{k}={v}"]
        wrapped = f"{shlex.join(command)}; echo $? > {shlex.quote(str(self.status_file))}"
        self.run(
            "new-session",
            "-d",
            "-s",
            self.session,
            "-x",
            str(size[0]),
            "-y",
            str(size[1]),
            "-c",
            str(self.workdir),
            *env_flags,
            wrapped,
        )

    def screen(self) -> str:
        result = self.run("capture-pane", "-p", "-t", self.session, check=False)
        return result.stdout

    def pane(self, fmt: str) -> str:
        result = self.run("display-message", "-p", "-t", self.session, fmt, check=False)
        return result.stdout.strip()

    def paste(self, text: str) -> None:
        """Paste as a terminal does: bracketed, so newlines stay inside the text."""
        self.run("set-buffer", "-b", "e2e", "--", text)
        self.run("paste-buffer", "-p", "-d", "-b", "e2e", "-t", self.session)

    def type(self, text: str) -> None:
        self.run("send-keys", "-t", self.session, "-l", "--", text)

    def keys(self, *keys: str) -> None:
        self.run("send-keys", "-t", self.session, *keys)

    def kill_session(self) -> None:
        self.run("kill-session", "-t", self.session, check=False)

    def kill_server(self) -> None:
        self.run("kill-server", check=False)

    def wait_for(self, what: str, predicate: Callable[[str], bool], timeout: float = 30.0) -> str:
        """Poll the screen until `predicate(screen)`; fail with the last screen shown."""
        deadline = time.monotonic() + timeout
        screen = ""
        while True:
            screen = self.screen()
            if predicate(screen):
                return screen
            if (status := self.exit_status()) is not None:
                raise AssertionError(
                    f"the app exited (status {status}) while waiting for {what}:\n{screen}"
                )
            if time.monotonic() > deadline:
                raise AssertionError(
                    f"timed out after {timeout:.0f} s waiting for {what}:\n{screen}"
                )
            time.sleep(POLL)

    def exit_status(self) -> int | None:
        try:
            text = self.status_file.read_text().strip()
        except FileNotFoundError:
            return None
        return int(text) if text.lstrip("-").isdigit() else None

    def wait_exit(self, timeout: float = 20.0) -> int:
        """Wait until the app has exited; return its exit status."""
        deadline = time.monotonic() + timeout
        while (status := self.exit_status()) is None:
            if time.monotonic() > deadline:
                raise AssertionError(f"the app did not quit:\n{self.screen()}")
            time.sleep(POLL)
        return status

    def wait_clean_exit(self, timeout: float = 20.0) -> None:
        """Wait for the app to exit with status 0; else fail with what it left on the screen
        (remain-on-exit keeps the pane, so a traceback printed on the way out is in it)."""
        status = self.wait_exit(timeout)
        if status != 0:
            raise AssertionError(f"the app exited with status {status}:\n{self.screen()}")


def split_screen(screen: str) -> tuple[str, str]:
    """(chat side, sidebar side): each row cut at the sidebar's border, when it has one."""
    chat, side = [], []
    for line in screen.splitlines():
        if SIDEBAR_BAR in line:
            left, right = line.rsplit(SIDEBAR_BAR, 1)
            chat.append(left)
            side.append(right)
        else:
            chat.append(line)
    return "\n".join(chat), "\n".join(side)


def app_tmux(tmp: Path, name: str, **env: str) -> Tmux:
    """A tmux server of one test's own (socket dp-`name`-random) for the app: an empty working
    directory (the app reads .env from it) and a clean environment with `env` added."""
    work = tmp / "cwd"
    work.mkdir(exist_ok=True)
    return Tmux(f"dp-{name}-{uuid.uuid4().hex[:8]}", clean_env(tmp, **env), work)


def clean_env(tmp: Path, **extra: str) -> dict[str, str]:
    """A minimal environment for tmux and the app: nothing from the caller's shell leaks in."""
    home = tmp / "home"
    for d in (home, home / ".local" / "share", home / ".config"):
        d.mkdir(parents=True, exist_ok=True)
    env = {
        "PATH": os.environ.get("PATH", "/usr/bin:/bin"),
        "HOME": str(home),
        "XDG_DATA_HOME": str(home / ".local" / "share"),
        "XDG_CONFIG_HOME": str(home / ".config"),
        "TMUX_TMPDIR": str(tmp),
        "TERM": "xterm-256color",
        "LANG": "C.UTF-8",
        "LC_ALL": "C.UTF-8",
        "COLORTERM": "truecolor",
    }
    env.update(extra)
    return env
