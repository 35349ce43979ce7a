"""Private files and directories for the database (where it lives is config.py's business)."""

from __future__ import annotations

import os
from pathlib import Path


def ensure_private_dir(path: Path) -> None:
    """Create `path` and any missing parents as 0700; leave existing directories alone.

    Existing directories are not chmod-ed: --db may point into a shared directory such as a
    project checkout, whose mode is the user's business.
    """
    missing: list[Path] = []
    p = path
    while not p.exists():
        missing.append(p)
        if p.parent == p:
            break
        p = p.parent
    for d in reversed(missing):
        d.mkdir(mode=0o700, exist_ok=True)
        os.chmod(d, 0o700)  # mkdir's mode is filtered by the umask


def ensure_private_file(path: Path) -> None:
    """Create `path` as 0600 if missing, so chat history is never world-readable."""
    try:
        fd = os.open(path, os.O_CREAT | os.O_EXCL | os.O_WRONLY, 0o600)
    except FileExistsError:
        return
    os.close(fd)
    os.chmod(path, 0o600)  # the umask may have removed bits, never added them; be explicit
