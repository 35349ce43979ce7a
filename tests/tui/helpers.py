"""Helpers shared by the TUI tests."""

from __future__ import annotations

from datetime import UTC, datetime
from typing import Any

from textual.widgets import Markdown, Static

# Thursday 5 March 2026, 10:15 in London (GMT, so UTC too): snapshots stay stable.
START = datetime(2026, 3, 5, 10, 15, tzinfo=UTC)
SIZE = (120, 36)


async def settle(app: Any, pilot: Any) -> None:
    """Wait until the app's workers, the core's model turns and the message queue are done.
    (Not the wait of deliveries held for one toast: it ends when the app's clock moves.)"""
    from dynaprompt_tui.tui.toasts import HOLD

    for _ in range(3):
        if work := [w for w in app.workers if w.group != HOLD]:  # (an empty list means all)
            await app.workers.wait_for_complete(work)
        await app.conversation.idle()
        await pilot.pause()


def record_toasts(app: Any) -> list[str]:
    """The messages of the app's toasts from now on, in order (each still shown)."""
    told: list[str] = []
    notify = app.notify

    def recording(message: str, **kwargs: Any) -> None:
        told.append(message)
        notify(message, **kwargs)

    app.notify = recording
    return told


def text_of(widget: Any) -> str:
    """The plain text a Static, a Markdown or a one-widget chat message shows."""
    from dynaprompt_tui.tui.widgets.bot_message import BotMessage
    from dynaprompt_tui.tui.widgets.button_message import ButtonMessage
    from dynaprompt_tui.tui.widgets.message import PlainMessage

    if isinstance(widget, Markdown):
        return widget.source
    if isinstance(widget, PlainMessage):
        return widget.render().plain
    if isinstance(widget, ButtonMessage):
        return text_of(widget.query_one(".msg-text"))
    if isinstance(widget, BotMessage):
        return text_of(widget.query_one(".msg-header")) + "\n" + widget.markdown.source
    assert isinstance(widget, Static)
    visual = widget.visual
    return visual.plain if hasattr(visual, "plain") else str(visual)


async def type_text(pilot: Any, text: str) -> None:
    """Type like a person: newlines with ctrl+j."""
    for i, line in enumerate(text.split("\n")):
        if i:
            await pilot.press("ctrl+j")
        if line:
            await pilot.press(*list(line))


async def steady(app: Any, pilot: Any) -> None:
    """Stop cursors blinking (so a snapshot does not depend on when it is taken)."""
    from textual.widgets import Input, TextArea

    for widget in app.screen.query("Input, TextArea"):
        if isinstance(widget, Input | TextArea):
            widget.cursor_blink = False
    await pilot.pause()


def chatted(settings: Any, clock: Any, n: int, reply: str = "reply {i}: **plan**") -> Any:
    """A conversation of `n` messages, user and bot in turn (the bot's `reply`, with `{i}`)."""
    from dynaprompt_tui.core.conversation import Conversation
    from dynaprompt_tui.core.models import Role

    conversation = Conversation.open(settings, clock=clock)
    store, now = conversation.store, clock.now()
    for i in range(n):
        if i % 2:
            store.add_message(Role.ASSISTANT, reply.format(i=i), now=now)
        else:
            store.add_message(Role.USER, f"message {i}", now=now)
    return conversation


def screen_rows(svg: str) -> list[str]:
    """The text of a screenshot (`export_screenshot`), row by row, each piece of text at its
    column (a wide character takes two)."""
    import html
    import re

    from rich.cells import cell_len

    cell = 12.2  # the width of a cell in Textual's SVG screenshots
    found = re.findall(r'<text class="[^"]*" x="([\d.]+)" y="([\d.]+)"[^>]*>([^<]*)</text>', svg)
    by_y: dict[float, list[tuple[float, str]]] = {}
    for x, y, text in found:
        by_y.setdefault(float(y), []).append((float(x), html.unescape(text).replace("\xa0", " ")))
    rows = []
    for y in sorted(by_y):
        row = ""
        for x, text in sorted(by_y[y]):
            row += " " * max(0, round(x / cell) - cell_len(row)) + text
        rows.append(row.rstrip())
    return rows
