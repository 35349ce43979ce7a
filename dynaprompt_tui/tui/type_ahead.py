"""Keys typed while the app starts: held until the input has the focus, then typed into it.

A user who runs the command and types at once types before the main screen exists. Textual gives
a key to the focused widget, or to the screen while nothing has the focus, so those keys were
lost (the minimal Textual app of the benchmarks kept them, typed the same way: its screen is up
sooner). The app holds a key or a paste that comes while nothing has the focus, and every one
after it, until the screen's first refresh (the input focused by then); then it posts them
again, in order.
"""

from __future__ import annotations

from textual import events
from textual.app import App


class TypeAhead:
    def __init__(self) -> None:
        self._held: list[events.Key | events.Paste] | None = []  # None once released

    def held(self, app: App[None], event: events.Event) -> bool:
        """Whether `event` is kept for later: typed before the release while nothing had the
        focus, or after such a key (so the keys stay in the order they were typed)."""
        if self._held is None or event.is_forwarded:
            return False
        if not isinstance(event, (events.Key, events.Paste)):
            return False
        # (before the first screen is pushed there is no focus to ask for)
        if not self._held and app.screen_stack and app.focused is not None:
            return False
        self._held.append(event)
        return True

    def release(self, app: App[None]) -> None:
        """Post the held keys and pastes again; from now on nothing is held."""
        held, self._held = self._held or [], None
        for event in held:
            if isinstance(event, events.Key):
                app.post_message(events.Key(event.key, event.character))
            else:
                app.post_message(events.Paste(event.text))
