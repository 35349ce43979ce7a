"""The help screen: keys (as currently mapped) and the dps/dpd/dpl syntax."""

from __future__ import annotations

from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import VerticalScroll
from textual.widgets import Markdown

from dynaprompt_tui.tui.screens.dialog import DialogScreen

SYNTAX = """\
## Scheduling

Write an instruction on its own line; the lines after it are the message.

```
dps chatbot tomorrow at 9am
Ask me how the interview went.
```

- `dps <recipient> <when>` schedules the following lines; recipient `chatbot`/`c` or `user`/`u`
- `dpd <id> [<id>…]` or `dpd all` cancels schedules
- `dpl` lists what is pending

*When* is natural language: `in 20 minutes`, `tomorrow evening`, `friday 14:30`,
`every day at 8am`, `every monday at 9`, `every 2 hours`.

The chatbot can schedule messages too, with the same syntax. Recurring schedules the bot
creates wait for your approval.
"""


def help_markdown(keys: list[tuple[str, str]]) -> str:
    rows = "\n".join(f"- `{key:<8}` {what}" for key, what in keys)
    remap = "Keys can be changed in the config file's `[keys]` table (see docs/keys.md)."
    return f"# dynaprompt\n\n## Keys\n\n{rows}\n\n{remap}\n\n{SYNTAX}\nPress escape to close."


class HelpScroll(VerticalScroll):
    """The help's text, focused so the keys scroll it: the arrows, PageUp/PageDown, Home/End
    (VerticalScroll's), and the pager's j/k, space and g/G."""

    BINDINGS = [
        Binding("j", "scroll_down", show=False),
        Binding("k", "scroll_up", show=False),
        Binding("space", "page_down", show=False),
        Binding("shift+space,b", "page_up", show=False),
        Binding("g", "scroll_home", show=False),
        Binding("G", "scroll_end", show=False),
    ]


class HelpScreen(DialogScreen[None]):
    DEFAULT_CSS = """
    #help {
        width: 90;
        max-width: 95%;
        height: 90%;
        border: thick $primary;
        background: $surface;
        padding: 0 1;
    }
    """
    AUTO_FOCUS = "#help"  # not the app's "#composer", which this screen does not have
    BINDINGS = [Binding("escape,q,question_mark,f1", "app.pop_screen", "Close")]

    def __init__(self, keys: list[tuple[str, str]]) -> None:
        super().__init__()
        self.keys = keys

    def compose(self) -> ComposeResult:
        with HelpScroll(id="help"):
            yield Markdown(help_markdown(self.keys))
