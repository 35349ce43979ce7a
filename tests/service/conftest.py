"""Helpers for the service tests: `serve` and a second engine as real subprocesses on a
database in tmp_path, with HOME and the XDG dirs there too; waiting by polling the database."""

from __future__ import annotations

import os
import subprocess
import sys
import time
from collections.abc import Callable, Iterator
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import TypeVar
from zoneinfo import ZoneInfo

import pytest

from dynaprompt_tui.core.models import Party, Schedule
from dynaprompt_tui.core.scheduling.book import ScheduleBook
from dynaprompt_tui.core.scheduling.rules import When
from dynaprompt_tui.core.storage import Store
from tests.cli.conftest import COMMAND, clean_env

REPO = Path(__file__).resolve().parents[2]
ENGINE_CHILD = Path(__file__).with_name("engine_child.py")
T = TypeVar("T")


def wait_for(check: Callable[[], T | None], timeout: float = 30.0, what: str = "it") -> T:
    """Poll `check` (a database read) until it returns something truthy."""
    deadline = time.monotonic() + timeout
    while True:
        got = check()
        if got:
            return got
        if time.monotonic() > deadline:
            pytest.fail(f"timed out after {timeout} s waiting for {what}")
        time.sleep(0.02)


def add_due(
    store: Store,
    in_seconds: float,
    prompt: str,
    *,
    to: Party = Party.USER,
    by: Party = Party.USER,
) -> Schedule:
    """A one-off schedule due `in_seconds` from the real now (negative: already due)."""
    now = datetime.now(UTC)
    at = now + timedelta(seconds=in_seconds)
    start = min(now, at) - timedelta(seconds=1)
    when = When("once", ZoneInfo("UTC"), "once", start=start, at=at)
    return ScheduleBook(store).add_schedule(
        created_by=by, recipient=to, time_prompt="once", when=when, prompt=prompt, now=start
    )


class Home:
    """A user's home in tmp_path: the database, the env every process of the test shares."""

    def __init__(self, root: Path) -> None:
        self.root = root
        self.db = root / "chat.db"
        self.env = clean_env(root, {"XDG_STATE_HOME": str(root / "state")})
        self.env["PYTHONPATH"] = os.pathsep.join([str(REPO), os.environ.get("PYTHONPATH", "")])
        self.procs: list[subprocess.Popen[bytes]] = []

    @property
    def log(self) -> Path:
        return self.root / "state" / "dynaprompt-tui" / "log" / "service.log"

    def serve(self, *args: str, env: dict[str, str] | None = None) -> subprocess.Popen[bytes]:
        proc = subprocess.Popen(
            [COMMAND, "serve", "--db", str(self.db), "--tz", "UTC", *args],
            env={**self.env, **(env or {})},
            cwd=self.root,
            stdout=subprocess.DEVNULL,
            stderr=subprocess.PIPE,
        )
        self.procs.append(proc)
        return proc

    def cli(self, *args: str) -> subprocess.CompletedProcess[str]:
        return subprocess.run(
            [COMMAND, *args, "--db", str(self.db), "--tz", "UTC"],
            env=self.env,
            cwd=self.root,
            capture_output=True,
            text=True,
            timeout=60,
        )

    def engine(self) -> subprocess.Popen[bytes]:
        """Another process running an engine on the database, as an open window does."""
        proc = subprocess.Popen(
            [sys.executable, str(ENGINE_CHILD), str(self.db)],
            env=self.env,
            stdout=subprocess.DEVNULL,
            stderr=subprocess.PIPE,
        )
        self.procs.append(proc)
        return proc

    def stop_all(self) -> None:
        for p in self.procs:
            if p.poll() is None:
                p.kill()
            p.wait(timeout=10)
            if p.stderr:
                p.stderr.close()


@pytest.fixture
def home(tmp_path: Path) -> Iterator[Home]:
    h = Home(tmp_path)
    try:
        yield h
    finally:
        h.stop_all()
