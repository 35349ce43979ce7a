"""A scroll view whose anchor holds from its first frame (the chat is one).

Textual's compositor scrolls an anchored container to its bottom as it arranges it, with the
container's height as of the layout before. In the first layout there is none yet (0): the first
frame scrolled the chat a whole pane too far and showed it blank, and the messages came with the
next layout, 20-35 ms later (measured in tmux; the complete screen itself came only 1-4% later:
drawing the messages is the cost, and it now falls in the first frame). The size the container
is being arranged in is the size it gets, so that is its size until Textual knows it.
"""

from __future__ import annotations

from textual.containers import VerticalScroll
from textual.geometry import Size
from textual.layout import DockArrangeResult


class AnchoredScroll(VerticalScroll):
    _arranged_in: Size | None = None  # the size of its latest arrangement by the compositor

    def arrange(self, size: Size, optimal: bool = False) -> DockArrangeResult:
        if not optimal:  # (optimal: measuring what the children would like, not placing them)
            self._arranged_in = size
        return super().arrange(size, optimal)

    @property
    def container_size(self) -> Size:
        known = super().container_size
        return known if known or self._arranged_in is None else self._arranged_in
