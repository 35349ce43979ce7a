"""The installed `dynaprompt-tui` command run as a subprocess, in a clean environment: no
OPENAI_*/DYNAPROMPT_* variables, HOME and the XDG dirs in tmp_path, a database file there."""

from __future__ import annotations

import asyncio
import json
import os
import subprocess
import sys
from collections.abc import Mapping
from pathlib import Path
from typing import Any, NamedTuple

import pytest

COMMAND = str(Path(sys.executable).parent / "dynaprompt-tui")  # the installed entry point


class Result(NamedTuple):
    code: int
    out: str
    err: str

    def json(self) -> Any:
        return json.loads(self.out)

    @property
    def error_line(self) -> str:
        """stderr, which must be exactly one line without a traceback."""
        lines = self.err.strip().splitlines()
        assert len(lines) == 1 and "Traceback" not in self.err, self.err
        return lines[0]


def clean_env(home: Path, extra: Mapping[str, str] | None = None) -> dict[str, str]:
    env = {k: v for k, v in os.environ.items() if not k.startswith(("OPENAI_", "DYNAPROMPT_"))}
    env.update(
        HOME=str(home),
        XDG_CONFIG_HOME=str(home / "config"),
        XDG_DATA_HOME=str(home / "data"),
        DYNAPROMPT_TZ="Europe/Paris",
    )
    for k, v in (extra or {}).items():  # an empty value unsets the variable
        if v:
            env[k] = v
        else:
            env.pop(k, None)
    return env


class Cli:
    """`cli("schedule", "list")` runs the command on this test's database."""

    def __init__(self, home: Path) -> None:
        self.home = home
        self.db = home / "chat.db"
        self.env: dict[str, str] = {}

    def args(self, args: tuple[str, ...], db: bool) -> list[str]:
        return [COMMAND, *args, *(["--db", str(self.db)] if db else [])]

    def __call__(self, *args: str, stdin: str | None = None, db: bool = True) -> Result:
        done = subprocess.run(
            self.args(args, db),
            input=stdin,
            capture_output=True,
            text=True,
            env=clean_env(self.home, self.env),
            cwd=self.home,
            timeout=60,
        )
        return Result(done.returncode, done.stdout, done.stderr)

    async def run_async(self, *args: str, db: bool = True) -> Result:
        """The same without blocking the event loop (an app may be running in this process)."""
        proc = await asyncio.create_subprocess_exec(
            *self.args(args, db),
            stdin=subprocess.DEVNULL,
            stdout=subprocess.PIPE,
            stderr=subprocess.PIPE,
            env=clean_env(self.home, self.env),
            cwd=self.home,
        )
        out, err = await asyncio.wait_for(proc.communicate(), timeout=60)
        return Result(proc.returncode or 0, out.decode(), err.decode())


@pytest.fixture
def cli(tmp_path: Path) -> Cli:
    return Cli(tmp_path)
