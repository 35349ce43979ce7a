"""Elia (github.com/darrenburns/elia, a Textual chat app for LLMs), measured beside the app by
bench_app.py when it is installed: an optional extra. It pins an older Textual, so it lives in
a venv of its own, for example:

    python -m venv ~/elia && ~/elia/bin/pip install elia-chat
    python benchmarks/bench_app.py --only screens --elia ~/elia/bin/elia

Elia opens on its home screen (a prompt box, the list of chats, a welcome card); a chat opens
from the list. Its data lives under $XDG_DATA_HOME/elia/elia.sqlite, so each of its launches
gets a data home of its own: no chat, or one chat with the same 1,000 messages as the app's 1k
history (_dbs.user_text and _dbs.bot_text, one a minute, the last an hour ago).
"""

from __future__ import annotations

import shutil
import sqlite3
import subprocess
from datetime import UTC, datetime, timedelta
from pathlib import Path

import _dbs

TITLE = "Elia v"  # in the header row of the home screen
FOOTER = "Send message"
PROMPT = "Enter your message"  # the title of the home screen's prompt box
CHAT_TITLE = "Plans for every item"
QUIT_KEYS = ("Escape",)  # its home screen's quit key (Textual's ctrl+q is not bound there)
FOCUS_LIST, LIST_FOOTER = "Tab", "Archive chat"  # the chat list takes the focus
HIGHLIGHT, OPEN = "j", "Enter"  # its first chat, opened

_SCHEMA = (
    "import asyncio, elia_chat.database.models;"
    " from elia_chat.database.database import create_database;"
    " asyncio.run(create_database())"
)


def find(explicit: str | None) -> Path | None:
    """The elia command: the one given, else the one on PATH; None if there is none."""
    if explicit:
        return Path(explicit)
    found = shutil.which("elia")
    return Path(found) if found else None


def interpreter(elia: Path) -> Path:
    """The Python of elia's venv, from its console script's first line."""
    first = elia.read_bytes().split(b"\n", 1)[0].decode(errors="replace")
    if not first.startswith("#!") or "python" not in first:
        raise RuntimeError(f"{elia} is not a Python console script (first line {first!r})")
    return Path(first[2:].strip().split()[0])


def data_home(root: Path, elia: Path, messages: int) -> Path:
    """An XDG data home whose Elia database has no chat (0) or one chat of `messages`."""
    root.mkdir(parents=True, exist_ok=True)
    env = {"XDG_DATA_HOME": str(root), "XDG_CONFIG_HOME": str(root / "config"), "HOME": str(root)}
    subprocess.run([str(interpreter(elia)), "-c", _SCHEMA], env=env, check=True)
    db = root / "elia" / "elia.sqlite"
    if messages:
        stamp = "%Y-%m-%d %H:%M:%S.%f"  # how SQLAlchemy writes DateTime to SQLite
        base = datetime.now(UTC).replace(tzinfo=None, microsecond=0)
        base -= timedelta(hours=1, seconds=_dbs.STEP * messages)
        rows = [
            (
                *(("user", _dbs.user_text(k)) if k % 2 == 0 else ("assistant", _dbs.bot_text(k))),
                (base + timedelta(seconds=_dbs.STEP * k)).strftime(stamp),
            )
            for k in range(messages)
        ]
        c = sqlite3.connect(db)
        with c:
            c.execute(
                "INSERT INTO chat (id, model, title, started_at, archived)"
                " VALUES (1, 'gpt-4o', ?, ?, 0)",
                (CHAT_TITLE, base.strftime(stamp)),
            )
            c.executemany(
                "INSERT INTO message (chat_id, role, content, timestamp, meta, model)"
                " VALUES (1, ?, ?, ?, '{}', 'gpt-4o')",
                rows,
            )
        c.close()
    return root


def env(home: Path) -> dict[str, str]:
    return {"XDG_DATA_HOME": str(home), "XDG_CONFIG_HOME": str(home / "config")}


def echoed(screen: str, text: str) -> bool:
    """The home screen's prompt box shows `text` (on a row inside its border)."""
    rows = iter(screen.split("\n"))
    for row in rows:
        if PROMPT in row:
            for inside in rows:
                if "╰" in inside:
                    return False
                if inside.strip().strip("│").strip().startswith(text):
                    return True
    return False
