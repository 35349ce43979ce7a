"""The Textual app: styles, the global keys, the command palette, and the main screen wired to the
core's `Conversation`. The handlers live on the screen (screens/main.py)."""

from __future__ import annotations

import contextlib
from collections.abc import Callable
from typing import TYPE_CHECKING, Any
from zoneinfo import ZoneInfo

from textual import events
from textual.app import App
from textual.binding import Binding

from dynaprompt_tui.core.clock import SystemClock
from dynaprompt_tui.core.conversation.facade import Conversation
from dynaprompt_tui.tui.commands import DynapromptCommands
from dynaprompt_tui.tui.screens.main import MainScreen

if TYPE_CHECKING:
    from dynaprompt_tui.config import Settings
    from dynaprompt_tui.core.clock import Clock


class DynapromptApp(App[None]):
    CSS_PATH = "styles/app.tcss"
    TITLE = "dynaprompt"
    COMMANDS = App.COMMANDS | {DynapromptCommands}
    # Focus the input from the start: focusing the chat first and moving away would restyle
    # every mounted message on the way to the first frame.
    AUTO_FOCUS = "#composer"
    # The actions are the main screen's ("screen." is the screen on top; a dialog on top
    # hides these keys, quit aside, so that is the main screen whenever they work).
    BINDINGS = [
        Binding("ctrl+l", "screen.focus('chat')", "Chat", id="chat"),
        Binding("ctrl+s", "screen.focus('schedules')", "Schedules", id="schedules"),
        Binding("ctrl+g", "screen.focus('composer')", "Input", id="input", show=False),
        Binding("ctrl+n", "screen.new_schedule", "New", id="new"),
        Binding("ctrl+b", "screen.toggle_sidebar", "Sidebar", id="sidebar"),
        Binding("f1", "screen.help", "Help", id="help"),
        Binding("ctrl+q", "quit", "Quit", id="quit", priority=True),
    ]

    main_screen: MainScreen  # made when the app starts (it needs the terminal's width)

    def __init__(
        self,
        settings: Settings,
        conversation: Conversation,
        *,
        clock: Clock,
        start_engine: bool = True,
        on_first_frame: Callable[[], object] | None = None,
    ) -> None:
        super().__init__()
        self.settings = settings
        self.conversation = conversation
        self.clock = clock
        self.zone = ZoneInfo(settings.tz)
        self.start_engine = start_engine
        self.on_first_frame = on_first_frame
        # Set before compose, so the header is born with it (not re-rendered after mounting).
        self.sub_title = f"{conversation.label} · {settings.tz}"
        if settings.keys:
            self.set_keymap(dict(settings.keys))

    def get_default_screen(self) -> MainScreen:
        self.main_screen = MainScreen(
            self.settings,
            self.conversation,
            clock=self.clock,
            zone=self.zone,
            width=self.size.width,
            start_engine=self.start_engine,
            on_first_frame=self.on_first_frame,
        )
        return self.main_screen

    def on_resize(self, event: events.Resize) -> None:
        # Here, not on the screen: the main screen follows also while a dialog is on top.
        self.main_screen.fit_width(event.size.width)

    async def on_unmount(self) -> None:
        with contextlib.suppress(Exception):  # quitting must never fail
            await self.conversation.stop()


def make_app(
    settings: Settings,
    *,
    conversation: Conversation | None = None,
    clock: Clock | None = None,
    chat_client: Any = None,
    start_engine: bool = True,
    on_first_frame: Callable[[], object] | None = None,
) -> DynapromptApp:
    """Build the app; the CLI, the tests, the docs screenshots and the benchmark all use this.

    Without a `conversation`, one is opened from `settings` (its store at `settings.db_path`,
    the demo client or the OpenAI one, imported lazily by the core). `on_first_frame` is called
    once the first frame is on screen (the CLI resumes the garbage collector then).
    """
    if clock is None:
        if conversation is not None and getattr(conversation, "clock", None) is not None:
            clock = conversation.clock
        else:
            clock = SystemClock()
    if conversation is None:
        conversation = Conversation.open(settings, clock=clock, chat_client=chat_client)
    return DynapromptApp(
        settings,
        conversation,
        clock=clock,
        start_engine=start_engine,
        on_first_frame=on_first_frame,
    )


__all__ = ["DynapromptApp", "make_app"]
