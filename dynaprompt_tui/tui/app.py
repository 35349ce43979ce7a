"""The Textual app: styles, the global keys, the command palette, and the main screen wired to the
core's `Conversation`. The handlers live on the screen (screens/main.py)."""

from __future__ import annotations

import contextlib
import os
from collections.abc import Callable
from pathlib import Path
from typing import TYPE_CHECKING, Any
from zoneinfo import ZoneInfo

from platformdirs import user_downloads_path
from textual import events
from textual.app import App
from textual.binding import Binding

from dynaprompt_tui.core.clock import SystemClock
from dynaprompt_tui.core.conversation.facade import Conversation
from dynaprompt_tui.core.conversation.workspace import Workspace
from dynaprompt_tui.tui import keys, theme_choice, toasts
from dynaprompt_tui.tui.commands import DynapromptCommands
from dynaprompt_tui.tui.notifications import TerminalNotifications
from dynaprompt_tui.tui.screens.main import MainScreen
from dynaprompt_tui.tui.sync import LiveSync
from dynaprompt_tui.tui.type_ahead import TypeAhead
from dynaprompt_tui.tui.widgets import markdown_colours

if TYPE_CHECKING:
    from dynaprompt_tui.config import Settings
    from dynaprompt_tui.core.clock import Clock


class DynapromptApp(App[None]):
    CSS_PATH = "styles/app.tcss"
    TITLE = "dynaprompt"
    COMMANDS = App.COMMANDS | {DynapromptCommands}
    # The input has the focus from the start (the chat first would restyle every message).
    AUTO_FOCUS = "#composer"
    # The actions are the main screen's ("screen." is the screen on top; a dialog on top
    # hides these keys, quit aside, so that is the main screen whenever they work).
    BINDINGS = [
        Binding("ctrl+l", "screen.focus('chat')", "Chat", id="chat"),
        Binding("ctrl+s", "screen.focus('schedules')", "Schedules", id="schedules"),
        Binding("ctrl+g", "screen.focus('composer')", "Input", id="input", show=False),
        Binding("ctrl+n", "screen.new_schedule", "New", id="new"),
        Binding("ctrl+o", "screen.conversations", "Chats", id="conversations"),
        Binding("ctrl+t", "screen.new_conversation", "New chat", id="new_conversation", show=False),
        Binding("ctrl+f", "screen.search", "Search", id="search", show=False),
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
        self.workspace = Workspace.adopt(conversation)  # every conversation of the database
        self.clock = clock
        self.toast_sweeper = toasts.ToastSweeper()  # (a Textual leak: see toasts.py)
        self.zone = ZoneInfo(settings.tz)
        self.start_engine = start_engine
        self.on_first_frame = on_first_frame
        self.type_ahead = TypeAhead()  # keys typed while it starts, for the input
        theme_choice.restore(self, conversation.store, settings.theme)  # before the first frame
        if settings.keys:  # entries that would take a key in use are left out (and said)
            self.set_keymap(keys.usable(settings.keys))

    @property
    def conversation(self) -> Conversation:
        """The open conversation (ctrl+o, ctrl+t and search switch it)."""
        return self.workspace.current

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
        # The open conversation, its model, the unread elsewhere (before the header is drawn).
        self.sub_title = self.main_screen.conversations.subtitle()
        window = self.conversation.listener  # the screen's Bridge
        # Told while the terminal is not focused (after the screen set its listener).
        self.notifications = TerminalNotifications(self, self.settings, self.clock, self.zone)
        self.notifications.attach(self.conversation)
        # What other processes write shows here too (sync.py; its point is taken first).
        screen = self.main_screen
        shown = lambda: screen.chat.message_ids()  # noqa: E731 (the chat is not mounted yet)
        self.live_sync = LiveSync(self.conversation, screen, listener=window, shown=shown)
        return screen

    def get_css_variables(self) -> dict[str, str]:
        # Replies from history take the colours Textual's Markdown takes on this theme.
        theme = super().get_css_variables()
        dark, ansi = self.current_theme.dark, self.native_ansi_color
        return {**theme, **markdown_colours.variables(theme, dark=dark, ansi=ansi)}

    async def on_event(self, event: events.Event) -> None:
        if not self.type_ahead.held(self, event):
            await super().on_event(event)

    def on_mount(self) -> None:
        self.call_after_refresh(self.type_ahead.release, self)
        self.call_after_refresh(self.live_sync.start)
        # The window is open; whether it has the focus (`app_focus`: focus reports, or a key).
        self.call_after_refresh(lambda: self.notifications.record_focus(self.app_focus))
        self.watch(self, "app_focus", self.notifications.record_focus, init=False)
        theme_choice.keep(self, self.conversation.store, self.settings.theme)

    def action_schedule_history(self) -> None:
        """The selected schedule's run history (h in the sidebar)."""
        s = self.main_screen.sidebar.selected
        if s is None or self.screen is not self.main_screen:
            return
        # A dialog: loaded on first use, off the start-up path.
        from dynaprompt_tui.tui.screens.run_history import RunHistoryScreen

        self.push_screen(
            RunHistoryScreen(s, self.conversation.store.fires, self.zone, self.clock.now)
        )

    def on_app_focus(self) -> None:
        self.notifications.focused()

    def notify(self, message: str, **kw: Any) -> None:  # (Textual's keywords: title, severity...)
        super().notify(message, **kw)
        self.call_after_refresh(self.toast_sweeper.sweep, self.screen)

    def deliver_screenshot(
        self, filename: str | None = None, path: str | None = None, time_format: str | None = None
    ) -> str | None:
        """The palette's Screenshot: into Downloads if there is one (Textual's choice, which fails
        without it), else the working directory, else the data directory (the toast says)."""
        if path is None:
            downloads = user_downloads_path()
            places = [downloads, Path.cwd(), self.settings.db_path.parent]
            path = str(next((p for p in places if p.is_dir() and os.access(p, os.W_OK)), places[1]))
        return super().deliver_screenshot(filename, path, time_format)

    def on_resize(self, event: events.Resize) -> None:
        # Here, not on the screen: the main screen follows also while a dialog is on top.
        self.main_screen.fit_width(event.size.width)

    async def on_unmount(self) -> None:
        with contextlib.suppress(Exception):  # quitting must never fail
            self.notifications.leave()  # (before the store closes)
        with contextlib.suppress(Exception):
            self.main_screen.conversations.seen()  # what was on screen was read
        with contextlib.suppress(Exception):
            await self.conversation.stop()
        with contextlib.suppress(Exception):
            await self.notifications.aclose()


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
        conversation = Workspace.open(settings, clock=clock, chat_client=chat_client).current
    return DynapromptApp(
        settings,
        conversation,
        clock=clock,
        start_engine=start_engine,
        on_first_frame=on_first_frame,
    )


__all__ = ["DynapromptApp", "make_app"]
