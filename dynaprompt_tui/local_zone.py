"""The system's time zone as an IANA name, read the cheap way where the system says it plainly
(``TZ``, the /etc/localtime link) and asked of tzlocal only otherwise."""

from __future__ import annotations

import functools
import os
from collections.abc import Mapping
from pathlib import Path
from zoneinfo import ZoneInfo, available_timezones


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


def zone_name(name: str) -> str | None:
    """`name` as the IANA spells it ("utc" -> "UTC", "europe/paris" -> "Europe/Paris"), or None
    when no zone has that name whatever the case, or several do."""
    if is_zone(name):
        return name
    matches = _by_lower().get(name.lower(), ())
    return matches[0] if len(matches) == 1 else None


@functools.cache
def _by_lower() -> dict[str, tuple[str, ...]]:
    """Every zone name by its lower case (read once, and only when a name is not exact)."""
    found: dict[str, tuple[str, ...]] = {}
    for zone in sorted(available_timezones()):
        found[zone.lower()] = (*found.get(zone.lower(), ()), zone)
    return found


def is_zone(name: str) -> bool:
    try:
        ZoneInfo(name)
    except Exception:  # ZoneInfoNotFoundError, ValueError for paths like "../x", IsADirectoryError
        return False
    return True
