"""Code in a reply keeps its syntax colours after a restart: a reply from history is drawn by
markdown_layout.py (one widget of lines), and its code blocks are coloured as Textual's
`MarkdownFence` colours them while the reply streams; only when a line of the block is drawn,
and on the first screen only once the first frame is out (`MainScreen.restyle`, which the app
calls WARM_UP s after it: called here by the tests). Real app, real SQLite, the real streaming
path; colours read from the screen."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import pytest
import textual.highlight
from rich.color import Color

from dynaprompt_tui.config import Settings
from dynaprompt_tui.core.clock import FakeClock
from dynaprompt_tui.core.conversation import Conversation
from dynaprompt_tui.core.models import Role
from dynaprompt_tui.tui.screens import main
from dynaprompt_tui.tui.widgets.markdown_message import MarkdownMessage
from tests.tui.helpers import screen_rows, settle
from tests.tui.test_snapshots import ScriptedBot

REPLY = "\n".join(
    [
        "Code:",
        "",
        "```python",
        "def f(x):",
        "    return x + 1  # one more",
        "```",
        "",
        "- in a list",
        "",
        "  ```js",
        '  const y = "s";',
        "  ```",
        "",
        "> ```",
        "> SELECT * FROM t WHERE a = 1;",
        "> ```",
        "",
        "```nosuchlanguage",
        "plain words here",
        "```",
    ]
)
LINES = [
    "def f(x):",
    "    return x + 1  # one more",
    'const y = "s";',
    "SELECT * FROM t WHERE a = 1;",
    "plain words here",
]
Cell = tuple[str, Color | None, Color | None, bool | None, bool | None]


@pytest.fixture(autouse=True)
def warm_up_when_told(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(main, "WARM_UP", 3600.0)  # (the tests call `restyle` themselves)


def colours(app: Any, text: str) -> set[Color | None]:
    return {colour for _, colour, *_ in cells(app, text)}


def cells(app: Any, text: str) -> list[Cell]:
    """Each character of `text` on the screen: (it, colour, background, bold, italic)."""
    for y, row in enumerate(screen_rows(app.export_screenshot())):
        if text in row:
            x = row.index(text)
            styles = [app.screen.get_style_at(x + i, y) for i in range(len(text))]
            return [
                (c, s.color, s.bgcolor, s.bold, s.italic) for c, s in zip(text, styles, strict=True)
            ]
    raise AssertionError(f"{text!r} is not on the screen")


# (On an ANSI theme Textual colours code with its ANSI highlight theme, dark or light.)
@pytest.mark.parametrize("theme", ["textual-dark", "ansi-dark", "ansi-light"])
async def test_code_has_the_colours_it_had_as_it_streamed(
    theme: str, build: Callable[..., Any], settings: Settings, clock: FakeClock
) -> None:
    app = build(chat_client=ScriptedBot(REPLY))
    async with app.run_test(size=(100, 40)) as pilot:
        app.theme = theme  # (kept for the restart: theme_choice.py)
        await app.conversation.send("Show me code.")
        await settle(app, pilot)
        live = {text: cells(app, text) for text in LINES}
    restarted = build(conversation=Conversation.open(settings, clock=clock))
    async with restarted.run_test(size=(100, 40)) as pilot:
        await settle(restarted, pilot)
        assert restarted.theme == theme
        assert isinstance(restarted.main_screen.chat.children[-1], MarkdownMessage)
        assert len(colours(restarted, "def f(x):")) == 1  # the first frame: not yet
        restarted.main_screen.restyle()
        await settle(restarted, pilot)
        ours = {text: cells(restarted, text) for text in LINES}
    for text in LINES:
        assert ours[text] == live[text], text
    # (coloured: a keyword is not the colour of a name)
    assert len({colour for _, colour, *_ in ours["def f(x):"]}) > 1


async def test_the_language_is_the_info_strings_first_word(
    build: Callable[..., Any], settings: Settings, clock: FakeClock
) -> None:
    """As CommonMark reads it (Textual takes the whole info string: no colours for these)."""
    Conversation.open(settings, clock=clock).add(
        Role.ASSISTANT, "```python title.py\ndef f(x):\n```\n\n``` python\nclass A:\n```"
    )
    app = build(conversation=Conversation.open(settings, clock=clock))
    async with app.run_test(size=(100, 30)) as pilot:
        await settle(app, pilot)
        app.main_screen.restyle()
        await settle(app, pilot)
        for text in ("def f(x):", "class A:"):
            assert len(colours(app, text)) > 1, text


@pytest.mark.parametrize("line", ["\tindented with a tab", "tab\tinside"])
async def test_a_line_the_lexer_changes_is_drawn_uncoloured(
    line: str, build: Callable[..., Any], settings: Settings, clock: FakeClock
) -> None:
    """Pygments expands tabs: such a line keeps its text (and the others their colours)."""
    Conversation.open(settings, clock=clock).add(
        Role.ASSISTANT, f"```python\n{line}\ndef f(x):\n```"
    )
    app = build(conversation=Conversation.open(settings, clock=clock))
    async with app.run_test(size=(100, 30)) as pilot:
        await settle(app, pilot)
        app.main_screen.restyle()
        await settle(app, pilot)
        rows = screen_rows(app.export_screenshot())
        assert any(line.expandtabs(8).strip() in row for row in rows)
        assert len(colours(app, "def f(x):")) > 1
        # (on the block's background, as the coloured lines are)
        backgrounds = {background for _, _, background, *_ in cells(app, "def f(x):")}
        assert {bg for _, _, bg, *_ in cells(app, line.split("\t")[-1])} == backgrounds


async def test_code_is_coloured_only_when_drawn(
    build: Callable[..., Any],
    settings: Settings,
    clock: FakeClock,
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    """Code costs nothing before the first frame: the block in view is lexed once it is out,
    a block out of view when it is scrolled to."""
    lexed: list[str] = []
    highlight = textual.highlight.highlight

    def counted(code: str, **kwargs: Any) -> Any:
        lexed.append(code)
        return highlight(code, **kwargs)

    monkeypatch.setattr(textual.highlight, "highlight", counted)
    filler = "\n\n".join(f"Paragraph {n}." for n in range(60))
    reply = f"```python\nfirst = 1\n```\n\n{filler}\n\n```python\nlast = 2\n```"
    Conversation.open(settings, clock=clock).add(Role.ASSISTANT, reply)
    app = build(conversation=Conversation.open(settings, clock=clock))
    async with app.run_test(size=(100, 30)) as pilot:
        await settle(app, pilot)
        assert lexed == []
        app.main_screen.restyle()
        await settle(app, pilot)
        assert lexed == ["last = 2"]  # (the block in view)
        app.main_screen.chat.scroll_home(animate=False, immediate=True)
        await settle(app, pilot)
        assert any("first = 1" in row for row in screen_rows(app.export_screenshot()))
        assert lexed == ["last = 2", "first = 1"]
