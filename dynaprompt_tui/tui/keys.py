"""The keys: what each does and its binding id (the help screen and docs/keys.md read these), and
the checks of the config file's [keys] table: ids that exist, keys not already in use."""

from __future__ import annotations

from collections.abc import Mapping

# (binding id or None, default key, what it does). Ids can be remapped in the config file's
# [keys] table, e.g. schedules = "ctrl+r".
KEYS: list[tuple[str | None, str, str]] = [
    (None, "enter", "send the message (in the input)"),
    (None, "ctrl+j", "new line in the input (also shift+enter)"),
    (None, "up", "recall the last sent message (empty input)"),
    ("chat", "ctrl+l", "focus the chat (then ↑/↓ select a message, g/G top/bottom)"),
    ("schedules", "ctrl+s", "focus the schedule sidebar (then ↑/↓)"),
    ("input", "ctrl+g", "focus the input (escape also returns there)"),
    ("new", "ctrl+n", "new schedule (n in the sidebar)"),
    ("schedules.edit", "e", "edit the selected schedule (sidebar; also enter)"),
    ("schedules.cancel", "x", "cancel the selected schedule (sidebar; also delete)"),
    ("schedules.pause", "p", "pause / resume the selected schedule (sidebar)"),
    ("schedules.approve", "a", "approve the bot's selected recurring schedule (sidebar)"),
    ("schedules.history", "h", "run history of the selected schedule (sidebar)"),
    ("schedules.all", "v", "this conversation's schedules / every conversation's (sidebar)"),
    ("chat.copy", "y", "copy the selected message (chat; also c)"),
    ("chat.edit", "e", "edit your selected message and send it again (chat)"),
    ("chat.regenerate", "r", "regenerate the bot's last reply (chat)"),
    ("chat.delete", "d", "delete the selected message (chat; also delete; asks first)"),
    ("chat.schedule", "o", "open the schedule that delivered the selected message (chat)"),
    ("conversations", "ctrl+o", "conversations: open, new, rename, archive, delete, settings"),
    ("new_conversation", "ctrl+t", "new conversation"),
    ("search", "ctrl+f", "search every conversation"),
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
        "chat.copy",
        "chat.delete",
        "chat.edit",
        "chat.regenerate",
        "chat.schedule",
        "conversations",
        "dialog.close",
        "dialog.save",
        "help",
        "input",
        "new",
        "new_conversation",
        "quit",
        "schedules",
        "search",
        "schedules.all",
        "schedules.approve",
        "schedules.history",
        "schedules.cancel",
        "schedules.edit",
        "schedules.new",
        "schedules.pause",
        "sidebar",
    }
)


def help_keys(keymap: Mapping[str, str]) -> list[tuple[str, str]]:
    """(key, what it does) for the help screen: the keys as `keymap` (the [keys] table) maps
    them. The binding ids are for the config file, so they are in docs/keys.md, not here."""
    return [(keymap.get(bid, key) if bid else key, what) for bid, key, what in KEYS]


def unknown_ids(keymap: Mapping[str, str]) -> list[str]:
    """A warning for each [keys] entry that names no binding (a typo would otherwise do nothing)."""
    return [
        f"[keys] {unknown} = {keymap[unknown]!r}: no key binding has the id "
        f"'{unknown}' (the ids are listed in the help, F1), so it does nothing"
        for unknown in sorted(set(keymap) - BINDING_IDS)
    ]


# Where each remappable id's key works, and the keys there that are not remappable. A key may be
# used once per place; the app's keys work in the sidebar too, and quit (a priority key) in the
# dialog as well.
APP = (
    "chat",
    "schedules",
    "input",
    "new",
    "conversations",
    "new_conversation",
    "search",
    "sidebar",
    "help",
    "quit",
)
SIDEBAR = tuple(
    f"schedules.{a}" for a in ("edit", "cancel", "pause", "new", "approve", "history", "all")
)
CHAT = tuple(f"chat.{a}" for a in ("copy", "edit", "regenerate", "delete", "schedule"))
DIALOG = ("dialog.close", "dialog.save")
_DEFAULTS = {bid: key for bid, key, _ in KEYS if bid} | {
    "schedules.new": "n",
    "dialog.close": "escape",
    "dialog.save": "ctrl+s",
}
_FIXED = {  # key -> what it already does
    "app": {"ctrl+p": "already opens the command palette", "tab": "already moves focus"},
    "sidebar": {
        **{k: "already moves the selection" for k in ("up", "down", "k", "j", "home", "end")},
        **{k: "already moves the selection" for k in ("pageup", "pagedown")},
        "enter": "already edits",
        "delete": "already cancels",
        "escape": "already returns to the input",
        "question_mark": "already opens the help",
    },
    "chat": {
        **{k: "already moves the selection" for k in ("up", "down", "k", "j")},
        **{k: "already scrolls" for k in ("pageup", "pagedown", "home", "end", "g", "G")},
        "c": "already copies",
        "delete": "already deletes",
        "escape": "already returns to the input",
        "question_mark": "already opens the help",
    },
    "dialog": {"tab": "already moves focus", "enter": "already presses the focused button"},
}
_PLACES = {
    "app": APP,
    "sidebar": APP + SIDEBAR,
    "chat": APP + CHAT,
    "dialog": ("quit", *DIALOG),
}


def _keys_of(value: str) -> list[str]:
    return [k.strip() for k in value.split(",") if k.strip()]


def conflicts(keymap: Mapping[str, str]) -> list[str]:
    """A warning for each [keys] entry that would take a key already in use where it works;
    such an entry is not applied (`usable`): the id keeps its default key."""
    return list(_clashes(keymap).values())


def _clashes(keymap: Mapping[str, str]) -> dict[str, str]:
    found: dict[str, str] = {}
    for bid in sorted(set(keymap) & set(_DEFAULTS)):
        for place, ids in _PLACES.items():
            if bid not in ids:
                continue
            taken = dict(_FIXED[place])
            for other in (o for o in ids if o != bid):
                key = _DEFAULTS[other] if other in found else keymap.get(other, _DEFAULTS[other])
                for k in _keys_of(key):
                    taken.setdefault(k, f"is already {other}'s key")
            clash = next((k for k in _keys_of(keymap[bid]) if k in taken), None)
            if clash is not None and bid not in found:
                found[bid] = (
                    f"[keys] {bid} = {keymap[bid]!r} is not applied: {clash} {taken[clash]}"
                    f" ({bid} keeps {_DEFAULTS[bid]})"
                )
    return found


def usable(keymap: Mapping[str, str]) -> dict[str, str]:
    """The [keys] entries to apply: known ids whose keys are free."""
    clashes = _clashes(keymap)
    return {bid: key for bid, key in keymap.items() if bid in BINDING_IDS and bid not in clashes}
