"""The theme picked in the palette is the one the app opens with next time: kept in the
database's key/value table (so every window on that database shares it) and set before the
first frame, so the screen is never drawn in the default theme first. A theme that is no longer
there (one a later Textual dropped) is passed over for the default."""

from __future__ import annotations

import contextlib
import logging
import threading
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from textual.app import App

    from dynaprompt_tui.core.storage import Store

log = logging.getLogger(__name__)

KEY = "ui.theme"


def restore(app: App[Any], store: Store) -> None:
    """Give `app` (not yet running) the theme picked last, if any."""
    try:
        name = store.get_meta(KEY)
    except Exception:  # a busy or unreadable database: the default theme
        log.info("the theme picked last could not be read", exc_info=True)
        return
    if isinstance(name, str) and name in app.available_themes:
        app.theme = name


def keep(app: App[Any], store: Store) -> None:
    """From now on, each theme picked is written down (off the event loop; never fails the
    app: a read-only database keeps the one it has)."""
    one_at_a_time = threading.Lock()

    def run() -> None:
        # The theme as it is when the write runs: a write that waited cannot put back an
        # older one (the palette's theme list sets a theme per line it passes over).
        with one_at_a_time, contextlib.suppress(Exception):
            store.set_meta(KEY, app.theme)

    def write(_name: str) -> None:
        app.run_worker(run, thread=True, group="theme", exit_on_error=False)

    app.watch(app, "theme", write, init=False)
