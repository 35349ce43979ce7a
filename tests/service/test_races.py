"""Processes racing on one database: opening a brand-new file at the same instant, and the
chatbot's cap on pending schedules, which must hold across processes (two windows at once)."""

from __future__ import annotations

import os
import subprocess
import sys
import time
from pathlib import Path

import pytest

from dynaprompt_tui.core.models import Party
from dynaprompt_tui.core.storage import Store

pytestmark = pytest.mark.skipif(sys.platform == "win32", reason="POSIX processes")

CHILD = Path(__file__).with_name("race_child.py")
REPO = Path(__file__).resolve().parents[2]
ENV = {**os.environ, "PYTHONPATH": os.pathsep.join([str(REPO), os.environ.get("PYTHONPATH", "")])}


def _start(*args: str) -> subprocess.Popen[str]:
    return subprocess.Popen(
        [sys.executable, str(CHILD), *args],
        env=ENV,
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
    )


def _wait_ready(directory: Path, n: int, procs: list[subprocess.Popen[str]]) -> None:
    deadline = time.monotonic() + 60
    while len(list(directory.glob("ready.*"))) < n:  # waiting on processes, not a due time
        for p in procs:
            if p.poll() is not None and p.returncode != 0:
                pytest.fail(p.stderr.read() if p.stderr else "child failed")
        assert time.monotonic() < deadline, "children never got ready"
        time.sleep(0.005)


def _finish(procs: list[subprocess.Popen[str]]) -> list[str]:
    out: list[str] = []
    for p in procs:
        stdout, stderr = p.communicate(timeout=120)
        assert p.returncode == 0, stderr
        out += stdout.splitlines()
    return out


def test_processes_opening_a_new_database_at_once_all_succeed(tmp_path: Path) -> None:
    # Before the fix about one open in twenty failed with "database is locked" from the switch
    # to WAL; 15 rounds of 6 processes make 90 opens of a brand-new file.
    rounds, n = 15, 6
    for r in range(rounds):
        (tmp_path / str(r)).mkdir()
    procs = [_start("open", str(tmp_path), str(rounds)) for _ in range(n)]
    for r in range(rounds):
        _wait_ready(tmp_path / str(r), n, procs)
        (tmp_path / str(r) / "go").write_text("")
    assert _finish(procs) == []
    for r in range(rounds):
        store = Store(tmp_path / str(r) / "db")
        assert store._conn.execute("PRAGMA journal_mode").fetchone()[0] == "wal"
        store.close()


def test_the_bots_pending_cap_holds_across_processes(tmp_path: Path) -> None:
    db = tmp_path / "chat.db"
    Store(db).close()
    go = tmp_path / "go"
    procs = [_start("cap", str(db), str(go), "10") for _ in range(2)]
    _wait_ready(tmp_path, 2, procs)
    go.write_text("")
    lines = _finish(procs)
    made = sum(int(line.split()[1]) for line in lines if line.startswith("made "))
    store = Store(db)
    pending = store.count_schedules(created_by=Party.CHATBOT)
    store.close()
    assert pending == 10 and made == 10, lines
