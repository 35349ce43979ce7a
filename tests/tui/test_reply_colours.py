"""A reply read from history has the colours it had while it streamed, on a dark theme and on a
light one: Textual's `Markdown` gives bullets, quote bars, inline code, code blocks and tables
other colours on a light theme, and the app's CSS variables (markdown_colours.py) follow it.
Real app, real SQLite, the real streaming path; colours read from the screen, cell by cell."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import pytest
from rich.color import Color

from dynaprompt_tui.config import Settings
from dynaprompt_tui.core.clock import FakeClock
from dynaprompt_tui.core.conversation import Conversation
from dynaprompt_tui.tui.screens import main
from dynaprompt_tui.tui.widgets.bot_message import BotMessage
from dynaprompt_tui.tui.widgets.markdown_message import MarkdownMessage
from tests.tui.helpers import screen_rows, settle
from tests.tui.test_snapshots import ScriptedBot

REPLY = """Text with `inline code`, **bold** and *em*.

- an item with `code`
- another

> A quote with `code` in it

```
plain code
```

| a | b |
|---|---|
| 1 | `2` |
"""
SIZE = (90, 40)
SHADE = 6  # Textual blends inline code's background over another base: within this per channel
Cell = tuple[str, Color | None, Color | None]


@pytest.fixture(autouse=True)
def warm_up_when_told(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(main, "WARM_UP", 3600.0)  # (no code colours: the block is plain text)


def grid(app: Any) -> list[list[Cell]]:
    """Every cell of the screen: its character, colour and background."""
    out = []
    for y, row in enumerate(screen_rows(app.export_screenshot())):
        styles = [app.screen.get_style_at(x, y) for x in range(len(row))]
        out.append([(c, s.color, s.bgcolor) for c, s in zip(row, styles, strict=True)])
    return out


def far(a: Color | None, b: Color | None) -> bool:
    if a is None or b is None:
        return a is not b
    pairs = zip(a.get_truecolor(), b.get_truecolor(), strict=True)
    return max(abs(p - q) for p, q in pairs) > SHADE


def differences(ours: list[list[Cell]], live: list[list[Cell]]) -> list[str]:
    """The cells that look different: another character, background, or colour (a space's
    colour is not seen)."""
    found = []
    for y, (row, live_row) in enumerate(zip(ours, live, strict=True)):
        for x, ((c, fg, bg), (c2, fg2, bg2)) in enumerate(zip(row, live_row, strict=True)):
            if c != c2 or far(bg, bg2) or (c.strip() and far(fg, fg2)):
                found.append(f"({x},{y}) {c!r} {fg} on {bg}, streamed: {c2!r} {fg2} on {bg2}")
    return found


async def streamed(build: Callable[..., Any], theme: str) -> list[list[Cell]]:
    app = build(chat_client=ScriptedBot(REPLY))
    async with app.run_test(size=SIZE) as pilot:
        app.theme = theme
        await app.conversation.send("Tell me.")
        await settle(app, pilot)
        assert app.query(BotMessage)  # (drawn by Textual's Markdown)
        return grid(app)


@pytest.mark.parametrize(
    "theme",
    ["textual-dark", "textual-light", "nord", "catppuccin-latte", "ansi-dark", "ansi-light"],
)
async def test_a_reply_has_its_colours_after_a_restart(
    theme: str, build: Callable[..., Any], settings: Settings, clock: FakeClock
) -> None:
    live = await streamed(build, theme)
    restarted = build(conversation=Conversation.open(settings, clock=clock))
    async with restarted.run_test(size=SIZE) as pilot:
        restarted.theme = theme
        await settle(restarted, pilot)
        assert isinstance(restarted.main_screen.chat.children[-1], MarkdownMessage)
        assert differences(grid(restarted), live) == []


async def test_a_theme_changed_while_it_runs_recolours_the_replies(
    build: Callable[..., Any], settings: Settings, clock: FakeClock
) -> None:
    live = await streamed(build, "textual-light")
    restarted = build(conversation=Conversation.open(settings, clock=clock))
    async with restarted.run_test(size=SIZE) as pilot:
        restarted.theme = "textual-dark"
        await settle(restarted, pilot)
        assert differences(grid(restarted), live)  # (drawn on the dark theme first)
        restarted.theme = "textual-light"
        await settle(restarted, pilot)
        assert differences(grid(restarted), live) == []
