"""Which windows are open on a database and whether one has the user's attention: each app
records its focus in the `meta` table, so the background service notifies only when no live
window is focused (a window that died is ignored: its owner's process is gone)."""

from __future__ import annotations

from typing import Any

from dynaprompt_tui.core.storage import Store
from dynaprompt_tui.core.storage.owners import owner_alive

KEY = "windows"  # {owner: focused}


def _windows(value: Any) -> dict[str, bool]:
    return dict(value) if isinstance(value, dict) else {}


def record(store: Store, owner: str, *, focused: bool) -> None:
    """This window is open and has (or lost) the focus; windows that died are dropped."""

    def change(value: Any) -> dict[str, bool]:
        windows = {o: f for o, f in _windows(value).items() if owner_alive(o)}
        windows[owner] = focused
        return windows

    store.update_meta(KEY, change)


def forget(store: Store, owner: str) -> None:
    """This window closed."""

    def change(value: Any) -> Any:
        windows = _windows(value)
        if owner not in windows:
            return value  # nothing to write
        del windows[owner]
        return windows

    store.update_meta(KEY, change)


def a_window_is_focused(store: Store) -> bool:
    """Whether a live window says it has the focus (then the user is reading the chat)."""
    windows = _windows(store.get_meta(KEY, {}))
    return any(focused and owner_alive(owner) for owner, focused in windows.items())
