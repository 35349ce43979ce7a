"""Toasts do not pile up: Textual 8.2.8 leaves an empty holder in its toast rack for a toast
that outlived its notification; the app removes them (toasts.sweep)."""

from __future__ import annotations

import gc

from textual.widget import Widget

from dynaprompt_tui.tui.toasts import RACK


def holders(app) -> list[Widget]:
    """The toast rack's holders (one per toast shown)."""
    return list(app.screen.get_child_by_id(RACK).children)


async def test_a_stream_of_toasts_leaves_no_empty_holders(app) -> None:
    async with app.run_test(size=(120, 36), notifications=True) as pilot:
        await pilot.pause()
        raised = 0

        def tick() -> None:  # (from a timer, as the engine's deliveries come)
            nonlocal raised
            raised += 1
            app.notify(f"reminder {raised}", title="⏰ Scheduled", markup=False, timeout=0.5)

        # A toast every 50 ms that lives 0.5 s: notifications keep expiring while others are
        # raised, the moments Textual drops a stale toast and keeps its holder.
        timer = app.set_interval(0.05, tick)
        await pilot.pause(3.0)
        timer.stop()
        await pilot.pause()
        assert raised >= 30
        shown = holders(app)
        assert len(shown) <= 12  # the toasts of the last 0.5 s, not one per toast raised
        # (At most the few dropped by the last refresh of the rack: swept at the next toast.)
        assert sum(not h.children for h in shown) <= 3
        await pilot.pause(0.7)  # all expired
        app.notify("the last", timeout=5)
        await pilot.pause()
        await pilot.pause()
        assert [len(h.children) for h in holders(app)] == [1]
        gc.collect()
        alive = [o for o in gc.get_objects() if type(o).__name__ == "Toast"]
        assert len(alive) <= 12  # (a few kept by the rack's cached layouts: bounded)
