"""A `--db` the app cannot use, as a person meets it: the installed command, the app's start and
a subcommand, each saying on one line which path is wrong, how, and what to do (issue 16, bug 7).
No exception class names, no traceback, and the file is left as it was."""

from __future__ import annotations

import os
import re
import subprocess
import sys
from pathlib import Path

import pytest

from dynaprompt_tui.core.storage.connection import unusable
from tests.e2e.tmux_helpers import clean_env

APP = Path(sys.executable).parent / "dynaprompt-tui"
CLASS_NAME = re.compile(r"\b[A-Z][a-z]+(?:[A-Z][a-z]+)*(Error|Exception)\b")


def run(tmp_path: Path, *args: str) -> tuple[int, str]:
    if not APP.exists():
        pytest.skip(f"the console script is not installed at {APP} (run: pip install -e .)")
    env = clean_env(tmp_path, OPENAI_API_KEY="", DYNAPROMPT_TZ="Europe/London")
    work = tmp_path / "cwd"
    work.mkdir(exist_ok=True)
    done = subprocess.run(
        [str(APP), *args],
        env=env,
        cwd=work,
        stdin=subprocess.DEVNULL,
        capture_output=True,
        text=True,
        timeout=60,
    )
    return done.returncode, done.stderr


def bad_paths(tmp_path: Path) -> dict[str, tuple[Path, str]]:
    junk = tmp_path / "notes.txt"
    junk.write_text("these are my notes, not a database\n" * 50)
    folder = tmp_path / "a-folder"
    folder.mkdir()
    return {
        "not a database": (junk, "not a dynaprompt database"),
        "a directory": (folder, "is a directory"),
        "a file as its folder": (junk / "chat.db", "a file, not a folder"),
        "no permission": (Path("/sys/chat.db"), "no permission"),
        "a full disk": (Path("/dev/full"), "disk is full"),
    }


@pytest.mark.parametrize(
    "case",
    ["not a database", "a directory", "a file as its folder", "no permission", "a full disk"],
)
@pytest.mark.parametrize("how", ["the app", "a subcommand"])
def test_a_bad_db_path_is_one_line_naming_it(tmp_path: Path, case: str, how: str) -> None:
    path, words = bad_paths(tmp_path)[case]
    if case == "no permission" and not os.path.isdir("/sys"):
        pytest.skip("no /sys here")
    if case == "a full disk" and not os.path.exists("/dev/full"):
        pytest.skip("no /dev/full here")
    before = (tmp_path / "notes.txt").read_bytes()
    args = ["--db", str(path), "--demo"]
    if how == "a subcommand":
        args = ["--db", str(path), "schedule", "add", "--to", "user", "in 1 hour", "x"]
    code, err = run(tmp_path, *args)
    lines = err.strip().splitlines()
    assert code == 1, err
    assert len(lines) == 1, err
    (line,) = lines
    assert line.startswith("dynaprompt-tui: error: cannot open the database")
    assert str(path) in line and words in line, line
    assert "--db" in line  # what to do
    assert not CLASS_NAME.search(line), line
    assert (tmp_path / "notes.txt").read_bytes() == before  # nothing lost


def test_disk_errors_are_said_in_words() -> None:
    import sqlite3

    path = Path("/data/chat.db")
    for error in (sqlite3.OperationalError("disk I/O error"), OSError(28, "No space left")):
        line = unusable(path, error)
        assert "/data/chat.db" in line and "disk is full or failing" in line
        assert "I/O" not in line and "Errno" not in line
