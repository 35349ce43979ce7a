"""Showing untrusted text (from the model or the user) as text, never as markup or escapes."""

from __future__ import annotations

import re
from datetime import datetime, tzinfo

from textual.content import Content

# C0 controls except tab and newline, DEL, and C1 controls (0x9b is a one-byte CSI).
_CONTROL = re.compile(r"[\x00-\x08\x0b-\x1f\x7f\x80-\x9f]")


def _picture(match: re.Match[str]) -> str:
    code = ord(match.group())
    if code < 0x20:
        return chr(0x2400 + code)  # ␛ for ESC, ␍ for CR, …
    if code == 0x7F:
        return "\u2421"  # ␡
    return "\ufffd"


def clean(text: str) -> str:
    """Replace terminal control characters (other than newline and tab) with visible symbols."""
    return _CONTROL.sub(_picture, text)


def literal(text: str) -> Content:
    """Untrusted text as a `Content` that is displayed exactly as written (no markup)."""
    return Content(clean(text))


def local_time(when: datetime | None, tz: tzinfo, *, with_day: bool = False) -> str:
    if when is None:
        return "—"
    local = when.astimezone(tz)
    return local.strftime("%a %d %b %H:%M") if with_day else local.strftime("%H:%M")
