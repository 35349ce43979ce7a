"""The system's time zone as an IANA name, read the cheap way where the system says it plainly
(``TZ``, the /etc/localtime link) and asked of tzlocal only otherwise."""

from __future__ import annotations

import os
from collections.abc import Mapping
from pathlib import Path
from zoneinfo import ZoneInfo


def local_zone_name(
    environ: Mapping[str, str] = os.environ, localtime: Path = Path("/etc/localtime")
) -> str:
    """The system's IANA zone, "UTC" when it cannot be told.

    Read directly where that is cheap and unambiguous: a ``TZ`` naming a zone, else
    /etc/localtime as a link into a zoneinfo tree (systemd, macOS; the file the C library
    itself reads). Anything else (Windows, /etc/timezone-only systems, Termux) asks tzlocal,
    whose import and lookup cost about 1.3% of the app's start-up.
    """
    tz = environ.get("TZ", "").removeprefix(":")
    candidates = [_zone_in_path(tz) if os.path.isabs(tz) else tz]
    if localtime.is_symlink():
        candidates.append(_zone_in_path(os.path.realpath(localtime)))
    for name in candidates:
        if name and is_zone(name):
            return name
    try:
        import tzlocal

        name = tzlocal.get_localzone_name()
        if name and is_zone(name):
            return name
    except Exception:  # an odd system zone must not stop the app; UTC is a safe reading
        pass
    return "UTC"


def _zone_in_path(path: str) -> str:
    """``/usr/share/zoneinfo/posix/Europe/Paris`` -> ``Europe/Paris``; "" if not a zone file."""
    parts = path.split(os.sep)
    if "zoneinfo" not in parts:
        return ""
    key = parts[len(parts) - parts[::-1].index("zoneinfo") :]
    if key[:1] in (["posix"], ["right"]):  # the same zones, other leap-second handling
        key = key[1:]
    return "/".join(key)


def is_zone(name: str) -> bool:
    try:
        ZoneInfo(name)
    except Exception:  # ZoneInfoNotFoundError, ValueError for paths like "../x", IsADirectoryError
        return False
    return True
