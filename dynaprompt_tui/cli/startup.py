"""The garbage collector around start-up, for the CLI.

Start-up allocates a few hundred thousand objects that live as long as the process: modules,
classes, parsed styles, widgets. CPython's cyclic collector scans all of them in each full pass,
and a few passes happen on the way to the first frame (~15 ms each here) and more later, while
the user types or a reply streams (30-100 ms each, measured while streaming). The CLI pauses
the collector until the first frame, then freezes what exists into the permanent generation
(never scanned again) and collects normally from there on; and once more when the app has
settled (`SETTLED` s later: the parsers and the model turn code loaded by the main screen's
warm-up, the scheduler started), it freezes what has been added since, after
a young collection, so that full passes scan only what the session itself builds.
"""

from __future__ import annotations

import asyncio
import gc

SETTLED = 1.5  # s after the first frame (the warm-up runs 0.5 s after it)

_paused = False


def pause() -> None:
    global _paused
    if gc.isenabled():
        gc.disable()
        _paused = True


def resume() -> None:
    """Freeze what start-up built and turn the collector back on; a no-op unless `pause`d it.
    In a running event loop (the app's first frame), freeze again once the app settled."""
    global _paused
    if not _paused:
        return  # the collector belongs to someone else (tests, an embedding program)
    _paused = False
    gc.freeze()
    gc.enable()
    try:
        loop = asyncio.get_running_loop()
    except RuntimeError:  # (the app stopped before its first frame)
        return
    loop.call_later(SETTLED, settled)


def settled() -> None:
    """Collect the young generations (garbage of the warm-up, so it is not frozen with it), then
    freeze what survives: the modules, classes and widgets loaded since the first frame."""
    if not gc.isenabled():
        return  # paused again, or taken over by someone else
    gc.collect(1)
    gc.freeze()
