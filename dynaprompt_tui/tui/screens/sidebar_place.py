"""Where the schedule sidebar goes at the terminal's width (the look: app.tcss).

* `NARROW` columns or more: a column beside the chat, shown or hidden with ctrl+b (the user's
  choice is kept across resizes).
* Narrower: the chat takes the width; the sidebar is an overlay over the chat's right side,
  opened on demand (ctrl+b, ctrl+s) with focus in it, and closed when focus leaves it.
* Narrower than `TINY`: no sidebar at all (the input needs the width).
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any
from weakref import WeakKeyDictionary

from textual.screen import Screen
from textual.widget import Widget

from dynaprompt_tui.tui.widgets.chat import ChatView
from dynaprompt_tui.tui.widgets.footer import Footer

MainScreen = Screen[Any]  # (screens/main.py's, with its #sidebar and #composer)

NARROW = 90  # terminals narrower than this show the sidebar as an overlay, on demand
TINY = 50  # narrower still, the sidebar steps aside: the input needs the width

_closers: WeakKeyDictionary[MainScreen, Callable[[Widget | None], None]] = WeakKeyDictionary()


def shown_after_resize(screen: MainScreen, width: int, wanted: bool) -> bool:
    """Whether the sidebar shows at `width`: beside the chat as the user wants it; over a
    narrow chat only while it has focus (a resize never takes focus away from it)."""
    if width < TINY:
        return False
    if width < NARROW:
        return screen.focused is _sidebar(screen)
    return wanted


def compact_footer(screen: MainScreen, compact: bool) -> None:
    """Narrow: the footer's keys closer together, so that every one is in view."""
    for footer in screen.query(Footer):
        footer.compact = compact


def place(screen: MainScreen, show: bool) -> None:
    """Show or hide the sidebar; shown over a narrow chat, it takes focus and goes with it."""
    sidebar = _sidebar(screen)
    if not show and screen.focused is sidebar:
        screen.query_one("#composer").focus()  # not the chat's keys either: the input
    sidebar.display = show
    screen.set_class(not show, "-no-sidebar")  # the grid's second column goes too
    if show and screen.has_class("-narrow"):
        screen.watch(screen, "focused", _closer(screen), init=False)
        sidebar.focus()


def latest_in_view(screen: MainScreen) -> bool:
    """Whether the user sees the chat's latest message: the screen on top (no dialog), the
    chat following the latest, and not under the sidebar (over a narrow chat)."""
    covered = screen.has_class("-narrow") and _sidebar(screen).display
    following = screen.query_one("#chat", ChatView).following
    return following and not covered and screen.app.screen is screen


def _sidebar(screen: MainScreen) -> Widget:
    return screen.query_one("#sidebar")


def _closer(screen: MainScreen) -> Callable[[Widget | None], None]:
    """The one focus watcher of `screen` (Textual keeps a watcher once, by equality)."""
    if (closer := _closers.get(screen)) is None:

        def closer(focused: Widget | None) -> None:
            sidebar = _sidebar(screen)
            overlay = screen.has_class("-narrow") and sidebar.display
            if overlay and focused is not None and focused is not sidebar:
                sidebar.display = False
                screen.set_class(True, "-no-sidebar")

        _closers[screen] = closer
    return closer
