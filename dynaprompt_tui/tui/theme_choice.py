"""Which theme the app opens with, set before its first frame so that no screen is drawn in
the default theme first:

* the one picked in the palette last, kept in the database's key/value table (every window on
  that database shares it), as long as the config file's `theme` is what it was then;
* else the config file's `theme` (a config file edited since the pick wins: the latest choice
  is the user's);
* else Textual's default. A name Textual does not know is passed over (and, from the config
  file, said in a warning)."""

from __future__ import annotations

import contextlib
import logging
import threading
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from textual.app import App

    from dynaprompt_tui.core.storage import Store

log = logging.getLogger(__name__)

KEY = "ui.theme"  # {"theme": the one picked, "config": the config file's theme then}


def _picked(store: Store) -> tuple[str | None, str | None]:
    """(the theme picked last, the config file's theme when it was picked)."""
    try:
        value = store.get_meta(KEY)
    except Exception:  # a busy or unreadable database: as if none was picked
        log.info("the theme picked last could not be read", exc_info=True)
        return None, None
    if not isinstance(value, dict) or not isinstance(value.get("theme"), str):
        return None, None
    config = value.get("config")
    return value["theme"], config if isinstance(config, str) else None


def restore(app: App[Any], store: Store, configured: str | None) -> None:
    """Give `app` (not yet running) the theme it opens with; `configured`: the config file's."""
    picked, config_then = _picked(store)
    choice: str | None = configured
    if picked is not None and (configured is None or configured == config_then):
        choice = picked
    if choice in app.available_themes:
        app.theme = choice
    elif choice == picked and configured in app.available_themes:  # (a theme now gone)
        app.theme = configured


def problems(app: App[Any], configured: str | None) -> list[str]:
    """A warning when the config file names a theme Textual does not have."""
    if configured is None or configured in app.available_themes:
        return []
    return [f"Setting 'theme': there is no theme {configured!r} (ctrl+p, Theme lists them)"]


def keep(app: App[Any], store: Store, configured: str | None) -> None:
    """From now on, each theme picked is written down (off the event loop; never fails the
    app: a read-only database keeps the one it has)."""
    one_at_a_time = threading.Lock()

    def run() -> None:
        # The theme as it is when the write runs: a write that waited cannot put back an
        # older one (the palette's theme list sets a theme per line it passes over).
        with one_at_a_time, contextlib.suppress(Exception):
            store.set_meta(KEY, {"theme": app.theme, "config": configured})

    def write(_name: str) -> None:
        app.run_worker(run, thread=True, group="theme", exit_on_error=False)

    app.watch(app, "theme", write, init=False)
