"""How an API key may be shown: masked everywhere (errors, `repr`, the status line)."""

from __future__ import annotations


def masked(key: str | None) -> str:
    """``sk-…abcd``: enough to recognise a key, not enough to use it."""
    if not key:
        return "(none)"
    if len(key) < 12:
        return "…" if len(key) < 8 else "…" + key[-2:]
    return f"{key[:3]}…{key[-4:]}"
