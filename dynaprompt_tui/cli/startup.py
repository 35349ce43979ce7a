"""The garbage collector around start-up, for the CLI.

Start-up allocates a few hundred thousand objects that live as long as the process: modules,
classes, parsed styles, widgets. CPython's cyclic collector scans all of them in each full pass,
and a few passes happen on the way to the first frame (~15 ms each here) and more later, while
the user types. The CLI pauses the collector until the first frame, then freezes what exists
into the permanent generation (never scanned again) and collects normally from there on.
"""

from __future__ import annotations

import gc

_paused = False


def pause() -> None:
    global _paused
    if gc.isenabled():
        gc.disable()
        _paused = True


def resume() -> None:
    """Freeze what start-up built and turn the collector back on; a no-op unless `pause`d it."""
    global _paused
    if not _paused:
        return  # the collector belongs to someone else (tests, an embedding program)
    _paused = False
    gc.freeze()
    gc.enable()
