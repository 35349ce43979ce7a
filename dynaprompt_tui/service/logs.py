"""The service's log and its state file: where they live (the user's state dir), a rotating log
that never holds the API key, and reading back its last lines (`service logs`, `status`)."""

from __future__ import annotations

import json
import logging
import logging.handlers
import os
from collections import deque
from pathlib import Path
from typing import Any

import platformdirs

from dynaprompt_tui.core.storage.paths import ensure_private_dir

APP_NAME = "dynaprompt-tui"
LOG_FILE = "service.log"
STATE_FILE = "service.json"
MAX_BYTES = 1_000_000  # then rotated: service.log.1 .. .3, 4 MB at most
BACKUPS = 3
FORMAT = "%(asctime)s %(levelname)s %(name)s: %(message)s"


def log_path() -> Path:
    return Path(platformdirs.user_log_dir(APP_NAME)) / LOG_FILE


def state_path() -> Path:
    """The running service's pid, owner id, database and start time (for `status`, `stop`)."""
    return Path(platformdirs.user_state_dir(APP_NAME)) / STATE_FILE


class Redact(logging.Filter):
    """Replaces each secret in a record's text (an SDK's error message, a URL) by `***`."""

    def __init__(self, secrets: list[str]) -> None:
        super().__init__()
        self.secrets = [s for s in secrets if s and len(s) >= 4]

    def filter(self, record: logging.LogRecord) -> bool:
        if not self.secrets:
            return True
        text = record.getMessage()
        if record.exc_info and not record.exc_text:
            record.exc_text = logging.Formatter().formatException(record.exc_info)
        for secret in self.secrets:
            text = text.replace(secret, "***")
            if record.exc_text:
                record.exc_text = record.exc_text.replace(secret, "***")
        record.msg, record.args = text, None
        return True


def open_log(path: Path, *, secrets: list[str], level: int = logging.INFO) -> logging.Handler:
    """Send the root logger to a private rotating file at `path`; returns the handler."""
    ensure_private_dir(path.parent)
    handler = logging.handlers.RotatingFileHandler(
        path, maxBytes=MAX_BYTES, backupCount=BACKUPS, encoding="utf-8"
    )
    os.chmod(path, 0o600)
    handler.setFormatter(logging.Formatter(FORMAT))
    handler.addFilter(Redact(secrets))
    root = logging.getLogger()
    root.addHandler(handler)
    root.setLevel(level)
    return handler


def write_line(path: Path, level: str, message: str) -> None:
    """One line in the log's format, for failures before logging is set up (a bad config)."""
    try:
        ensure_private_dir(path.parent)
        record = logging.LogRecord(
            "dynaprompt_tui.service", logging.ERROR, "", 0, message, None, None
        )
        record.levelname = level
        with path.open("a", encoding="utf-8") as f:
            f.write(logging.Formatter(FORMAT).format(record) + "\n")
    except OSError:
        pass  # (stderr has it too)


def tail(path: Path, lines: int = 50) -> list[str]:
    """The last `lines` lines of the log ([] when there is none yet)."""
    try:
        with path.open(encoding="utf-8", errors="replace") as f:
            return [line.rstrip("\n") for line in deque(f, maxlen=lines)]
    except FileNotFoundError:
        return []


def last_error(path: Path, lines: int = 200) -> str | None:
    """The most recent ERROR line among the log's last lines, if any."""
    for line in reversed(tail(path, lines)):
        if " ERROR " in line:
            return line
    return None


def write_state(path: Path, state: dict[str, Any]) -> None:
    ensure_private_dir(path.parent)
    tmp = path.with_suffix(".tmp")
    tmp.write_text(json.dumps(state), encoding="utf-8")
    tmp.replace(path)


def read_state(path: Path) -> dict[str, Any] | None:
    try:
        value = json.loads(path.read_text(encoding="utf-8"))
    except (OSError, ValueError):
        return None
    return value if isinstance(value, dict) else None
