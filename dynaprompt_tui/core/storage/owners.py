"""Who holds a claim: owner ids of the form host:pid:tag, and telling when that owner has died."""

from __future__ import annotations

import os
import socket
import sys
import uuid


def default_owner() -> str:
    """A claim owner id: host and pid let another process tell when the claimer has died."""
    return f"{socket.gethostname()}:{os.getpid()}:{uuid.uuid4().hex[:8]}"


def owner_alive(owner: str) -> bool:
    """False only when we can tell for sure: same host, and that pid no longer exists."""
    try:
        host, pid_s, _tag = owner.rsplit(":", 2)
        pid = int(pid_s)
    except ValueError:
        return True
    if host != socket.gethostname() or pid == os.getpid():
        return True
    if sys.platform == "win32":  # os.kill(pid, 0) would terminate the process there
        return True
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    except PermissionError:  # exists, belongs to someone else
        return True
    except OSError:
        return True
    return True
