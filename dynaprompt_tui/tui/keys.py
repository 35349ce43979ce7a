"""The keys: what each does and its binding id (the help screen and docs/keys.md read these), and
the checks of the config file's [keys] table against the ids."""

from __future__ import annotations

from collections.abc import Mapping

# (binding id or None, default key, what it does). Ids can be remapped in the config file's
# [keys] table, e.g. schedules = "ctrl+o".
KEYS: list[tuple[str | None, str, str]] = [
    (None, "enter", "send the message (in the input)"),
    (None, "ctrl+j", "new line in the input (also shift+enter)"),
    (None, "up", "recall the last sent message (empty input)"),
    ("chat", "ctrl+l", "focus the chat (then ↑/↓, g/G)"),
    ("schedules", "ctrl+s", "focus the schedule sidebar (then ↑/↓)"),
    ("input", "ctrl+g", "focus the input (escape also returns there)"),
    ("new", "ctrl+n", "new schedule (n in the sidebar)"),
    ("schedules.edit", "e", "edit the selected schedule (sidebar; also enter)"),
    ("schedules.cancel", "x", "cancel the selected schedule (sidebar; also delete)"),
    ("schedules.pause", "p", "pause / resume the selected schedule (sidebar)"),
    ("schedules.approve", "a", "approve the bot's selected recurring schedule (sidebar)"),
    ("sidebar", "ctrl+b", "show / hide the sidebar"),
    (None, "ctrl+p", "command palette (export, quit, …)"),
    ("help", "f1", "this help (? outside the input)"),
    ("quit", "ctrl+q", "quit"),
]

# Every binding id a [keys] entry may name; tests/test_docs.py keeps it equal to the ids the
# widgets and dialogs declare (the dialogs are imported lazily, so they can't be walked here).
BINDING_IDS = frozenset(
    {
        "chat",
        "dialog.close",
        "dialog.save",
        "help",
        "input",
        "new",
        "quit",
        "schedules",
        "schedules.approve",
        "schedules.cancel",
        "schedules.edit",
        "schedules.new",
        "schedules.pause",
        "sidebar",
    }
)


def help_keys(keymap: Mapping[str, str]) -> list[tuple[str, str]]:
    """(key, what it does) for the help screen: the keys as `keymap` (the [keys] table) maps them,
    each remappable one with its id."""
    return [
        (keymap.get(bid, key) if bid else key, f"{what} · id `{bid}`" if bid else what)
        for bid, key, what in KEYS
    ]


def unknown_ids(keymap: Mapping[str, str]) -> list[str]:
    """A warning for each [keys] entry that names no binding (a typo would otherwise do nothing)."""
    return [
        f"[keys] {unknown} = {keymap[unknown]!r}: no key binding has the id "
        f"'{unknown}' (the ids are listed in the help, F1), so it does nothing"
        for unknown in sorted(set(keymap) - BINDING_IDS)
    ]
