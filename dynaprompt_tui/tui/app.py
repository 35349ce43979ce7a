"""The Textual app: wires the core's `Conversation` to the widgets. No business logic here."""

from __future__ import annotations

import contextlib
from collections.abc import Awaitable, Callable
from pathlib import Path
from typing import TYPE_CHECKING, Any
from zoneinfo import ZoneInfo

from textual import events, on
from textual.app import App, ComposeResult
from textual.binding import Binding
from textual.screen import Screen
from textual.widgets import Footer, Header, Static, TextArea

from dynaprompt_tui.core.models import Message, Role, Schedule, ScheduleState
from dynaprompt_tui.tui import messages as ev
from dynaprompt_tui.tui.commands import DynapromptCommands
from dynaprompt_tui.tui.widgets.chat import ChatView
from dynaprompt_tui.tui.widgets.composer import Composer
from dynaprompt_tui.tui.widgets.message import MessageItem, shown
from dynaprompt_tui.tui.widgets.safe import clean
from dynaprompt_tui.tui.widgets.sidebar import ROW as SIDEBAR_ROW
from dynaprompt_tui.tui.widgets.sidebar import ScheduleSidebar

if TYPE_CHECKING:
    from dynaprompt_tui.config import Settings
    from dynaprompt_tui.core.clock import Clock
    from dynaprompt_tui.core.conversation.facade import Conversation
    from dynaprompt_tui.tui.screens.edit import ScheduleEdit

PAGE = 50
NARROW = 100  # terminals narrower than this get a slimmer sidebar
PLACEHOLDER = "Message…  Enter sends · ctrl+j new line · dps <who> <when> schedules"

# (binding id or None, default key, what it does) — the help screen and the docs read this.
# Ids can be remapped in the config file's [keys] table, e.g. schedules = "ctrl+o".
KEYS: list[tuple[str | None, str, str]] = [
    (None, "enter", "send the message (in the input)"),
    (None, "ctrl+j", "new line in the input (also shift+enter)"),
    (None, "up", "recall the last sent message (empty input)"),
    ("chat", "ctrl+l", "focus the chat (then ↑/↓, g/G)"),
    ("schedules", "ctrl+s", "focus the schedule sidebar (then ↑/↓)"),
    ("input", "ctrl+g", "focus the input (escape also returns there)"),
    ("new", "ctrl+n", "new schedule (n in the sidebar)"),
    ("schedules.edit", "e", "edit the selected schedule (sidebar; also enter)"),
    ("schedules.cancel", "x", "cancel the selected schedule (sidebar; also delete)"),
    ("schedules.pause", "p", "pause / resume the selected schedule (sidebar)"),
    ("schedules.approve", "a", "approve the bot's selected recurring schedule (sidebar)"),
    ("sidebar", "ctrl+b", "show / hide the sidebar"),
    (None, "ctrl+p", "command palette (export, quit, …)"),
    ("help", "f1", "this help (? outside the input)"),
    ("quit", "ctrl+q", "quit"),
]


# Every binding id a [keys] entry may name; tests/test_docs.py keeps it equal to the ids the
# widgets and dialogs declare (the dialogs are imported lazily, so they can't be walked here).
BINDING_IDS = frozenset(
    {
        "chat",
        "dialog.close",
        "dialog.save",
        "help",
        "input",
        "new",
        "quit",
        "schedules",
        "schedules.approve",
        "schedules.cancel",
        "schedules.edit",
        "schedules.new",
        "schedules.pause",
        "sidebar",
    }
)


def screenful(history: list[Message], height: int) -> int:
    """How many of the latest messages surely fill a chat pane in a terminal `height` rows tall.

    A message takes a gap, a header and at least a row per line of its text (wrapping only
    adds rows); the pane is the terminal less the header, the footer and the input (a line
    and its border at least).
    """
    rows, count = 0, 0
    for message in reversed(history):
        if rows >= height - 5:
            break
        if shown(message) and message.content.strip():  # else it takes no room
            rows += 2 + message.content.count("\n") + 1
        count += 1
    return max(count, 1)


class MainScreen(Screen[None]):
    """The chat, the input and the schedule sidebar, laid out by the screen's own grid (see
    app.tcss): no container widgets, each of which would be styled, laid out and painted on
    the way to the first frame."""

    _shown = False

    def on_screen_resume(self, event: events.ScreenResume) -> None:
        # Runs before Textual's own handler (a subclass's first). The first resume is the
        # screen's first show, and every widget on it was styled as it mounted: restyling
        # the whole screen again (right for a screen coming back from under a dialog) would
        # be a second styling pass on the way to the first frame. Later resumes keep it.
        if not self._shown:
            self._shown = True
            event.refresh_styles = False


class DynapromptApp(App[None]):
    CSS_PATH = "styles/app.tcss"
    TITLE = "dynaprompt"
    COMMANDS = App.COMMANDS | {DynapromptCommands}
    # Focus the input from the start: focusing the chat first and moving away would restyle
    # every mounted message on the way to the first frame.
    AUTO_FOCUS = "#composer"
    BINDINGS = [
        Binding("ctrl+l", "focus('chat')", "Chat", id="chat"),
        Binding("ctrl+s", "focus('schedules')", "Schedules", id="schedules"),
        Binding("ctrl+g", "focus('composer')", "Input", id="input", show=False),
        Binding("ctrl+n", "new_schedule", "New", id="new"),
        Binding("ctrl+b", "toggle_sidebar", "Sidebar", id="sidebar"),
        Binding("f1", "help", "Help", id="help"),
        Binding("ctrl+q", "quit", "Quit", id="quit", priority=True),
    ]

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
        self.on_first_frame = on_first_frame
        self.settings = settings
        self.conversation = conversation
        self.clock = clock
        self.zone = ZoneInfo(settings.tz)
        self.start_engine = start_engine
        self.bridge = ev.Bridge(self)
        # Read in compose, handed to the widgets in on_mount.
        self._history_at_start: list[Message] = []
        self._older_at_start: list[Message] = []
        self._schedule_counts: tuple[int, int] | None = None  # set when only the first are read
        conversation.listener = self.bridge
        # Set before compose, so the header is born with it (not re-rendered after mounting).
        self.sub_title = f"{conversation.label} · {settings.tz}"
        self._key_warnings: list[str] = []
        if settings.keys:
            self.set_keymap(dict(settings.keys))
            for unknown in sorted(set(settings.keys) - BINDING_IDS):
                self._key_warnings.append(
                    f"[keys] {unknown} = {settings.keys[unknown]!r}: no key binding has the id "
                    f"'{unknown}' (the ids are listed in the help, F1), so it does nothing"
                )

    # -- layout ----------------------------------------------------------------------------
    def compose(self) -> ComposeResult:
        yield Header(icon="⏰")
        # What the first frame shows is read here and composed with the screen, so it is laid
        # out and styled once, in the same pass as everything else.
        self._history_at_start = self._guard_sync(
            lambda: self.conversation.messages(limit=PAGE), "Loading the conversation", []
        )
        history = self._history_at_start
        # A screenful before the first frame, the rest of the page right after it: start-up
        # stays flat however long the conversation is.
        first_screen = screenful(history, self.size.height)
        first, self._older_at_start = history[-first_screen:], history[:-first_screen]
        chat = ChatView(
            self.zone,
            self.clock.now,
            history=first,
            exhausted=len(history) < PAGE and not self._older_at_start,
            id="chat",
        )
        chat.loading_older = bool(self._older_at_start)  # on its way: no page fetch meanwhile
        yield chat
        # Read the schedules now, so the sidebar's first paint is its final one (not an
        # empty hint repainted when they arrive). Only as many as it can show (and their
        # counts); the rest right after the first frame.
        fits = self.size.height // SIDEBAR_ROW + 1
        pending = self._guard_sync(
            lambda: self.conversation.pending(limit=fits), "Loading schedules", []
        )
        if len(pending) == fits:
            self._schedule_counts = self._guard_sync(
                self.conversation.pending_counts, "Counting schedules"
            )
        yield ScheduleSidebar(
            describe=self.conversation.describe,
            now=self.clock.now,
            tz=self.zone,
            schedules=pending,
            counts=self._schedule_counts,
            id="sidebar",
        )
        yield Composer(id="composer", placeholder=PLACEHOLDER)
        yield Footer()

    def get_default_screen(self) -> Screen:
        # Not HORIZONTAL_BREAKPOINTS: a breakpoint class lands on the screen after the first
        # styling pass and restyles every widget a second time before the first frame.
        self.main_screen = MainScreen(
            id="_default", classes="-narrow" if self.size.width < NARROW else ""
        )
        return self.main_screen

    def on_resize(self, event: events.Resize) -> None:
        # The main screen's, also while a dialog is on top of it.
        self.main_screen.set_class(event.size.width < NARROW, "-narrow")

    @property
    def chat(self) -> ChatView:
        return self.query_one(ChatView)

    @property
    def composer(self) -> Composer:
        return self.query_one(Composer)

    @property
    def sidebar(self) -> ScheduleSidebar:
        return self.query_one(ScheduleSidebar)

    async def on_mount(self) -> None:
        history, self._history_at_start = self._history_at_start, []
        rest, self._older_at_start = self._older_at_start, []

        async def after_first_frame() -> None:
            if self.on_first_frame is not None:
                self.on_first_frame()
            # Due and overdue schedules fire into a chat the user can already see.
            if self.start_engine:
                await self._guard(self.conversation.start(), "Starting the scheduler")
            self.conversation.warm_up()
            if self._schedule_counts is not None:
                self._schedule_counts = None
                self.refresh_schedules()  # all of them now
            # (This runs in the screen's task, beside the app's: a ctrl+q may be handled
            # in the middle of it; the chat drops what it can no longer mount.)
            chat = self.chat
            await self._guard(chat.render_markdown(), "Showing the conversation")
            if rest:
                await self._guard(
                    chat.prepend(rest, exhausted=len(history) < PAGE), "Loading the conversation"
                )

        self.call_after_refresh(after_first_frame)
        # Up-arrow recall works across restarts: what the user typed before.
        self.composer.sent = [
            m.content for m in history if m.role == Role.USER and not m.schedule_id
        ]
        for warning in [*getattr(self.settings, "warnings", ()), *self._key_warnings]:
            self.notify(clean(warning), severity="warning", markup=False)

    async def on_unmount(self) -> None:
        with contextlib.suppress(Exception):  # quitting must never fail
            await self.conversation.stop()

    # -- safety ----------------------------------------------------------------------------
    async def _guard(self, work: Awaitable[Any], what: str) -> bool:
        """Run a core call; any exception becomes an error toast instead of a crash."""
        try:
            await work
        except Exception as e:
            self.notify(clean(f"{what} failed: {e}"), severity="error", markup=False, timeout=8)
            return False
        return True

    def _guard_sync(self, fn: Any, what: str, default: Any = None) -> Any:
        try:
            return fn()
        except Exception as e:
            self.notify(clean(f"{what} failed: {e}"), severity="error", markup=False, timeout=8)
            return default

    # -- core events -----------------------------------------------------------------------
    @on(ev.MessageAdded)
    async def _message_added(self, event: ev.MessageAdded) -> None:
        await self._guard(self.chat.add(event.message), "Showing a message")

    @on(ev.MessageDelta)
    async def _message_delta(self, event: ev.MessageDelta) -> None:
        from dynaprompt_tui.tui.widgets.bot_message import BotMessage  # (loaded by now)

        item = self.chat.item(event.message_id)
        if isinstance(item, BotMessage):
            await self._guard(item.write(event.text), "Streaming")

    @on(ev.MessageChanged)
    async def _message_changed(self, event: ev.MessageChanged) -> None:
        await self._guard(self.chat.add(event.message), "Updating a message")

    @on(ev.SchedulesChanged)
    def refresh_schedules(self) -> None:
        pending = self._guard_sync(self.conversation.pending, "Loading schedules", [])
        self.sidebar.set_schedules(pending)

    @on(ev.Delivered)
    def _delivered(self, event: ev.Delivered) -> None:
        message = getattr(event.delivery, "message", None)
        late = getattr(event.delivery, "late", False)
        text = "Scheduled message delivered"
        if message is not None:
            text = {
                Role.REMINDER: "Reminder",
                Role.USER: "Scheduled message sent to the chatbot",
                Role.ASSISTANT: "Scheduled message from the bot",
            }.get(message.role, text)
            first = " ".join(message.content.split())[:60]
            if first:
                text += f": {first}"
        if late:
            text += " (late)"
        self.notify(clean(text), title="⏰ Scheduled", markup=False)
        if self.settings.bell:
            self.bell()

    @on(ev.Status)
    def _status(self, event: ev.Status) -> None:
        severity = event.severity if event.severity in ("information", "warning", "error") else None
        self.notify(clean(event.text), severity=severity or "information", markup=False)

    # -- composer --------------------------------------------------------------------------
    @on(Composer.Submitted)
    async def _submitted(self, event: Composer.Submitted) -> None:
        for preview in self.query("#preview").results(Static):
            preview.update("")
            preview.display = False
        self.chat.anchor()  # sending returns the view to the bottom
        self.run_worker(self._send(event.text), group="send")

    async def _send(self, text: str) -> None:
        # No lock here: the core runs one model turn at a time, and the message shows at once.
        await self._guard(self.conversation.send(text), "Sending")

    @on(TextArea.Changed, "#composer")
    def _draft_changed(self, event: TextArea.Changed) -> None:
        text = event.text_area.text
        try:
            items = [(p.ok, p.text) for p in self.conversation.preview(text)]
        except Exception as e:  # shown in the preview line, not as a toast per keystroke
            items = [(False, f"preview failed: {e}")]
        if not items:
            self.query("#preview").set(display=False)
            return
        preview = self._preview_line()
        preview.update("\n".join(("✓ " if ok else "✗ ") + clean(line) for ok, line in items))
        all_ok = all(ok for ok, _ in items)
        preview.set_class(all_ok, "-ok")
        preview.set_class(not all_ok, "-error")
        preview.display = True

    def _preview_line(self) -> Static:
        """The line under the input that previews a draft's instructions; made on first use
        (a draft with no `dps` line never needs it)."""
        for line in self.query("#preview").results(Static):
            return line
        from dynaprompt_tui.tui.widgets.draft_preview import DraftPreview

        line = DraftPreview("", id="preview", markup=False)
        composer = self.composer
        if composer.is_attached:  # (not once the user has quit: Textual refuses to mount then)
            composer.parent.mount(line, before=composer)
        return line

    # -- chat ------------------------------------------------------------------------------
    @on(ChatView.OlderWanted)
    async def _older(self, event: ChatView.OlderWanted) -> None:
        older = self._guard_sync(
            lambda: self.conversation.messages(before_id=event.before_id, limit=PAGE),
            "Loading older messages",
            [],
        )
        await self.chat.prepend(older, exhausted=len(older) < PAGE)

    @on(MessageItem.ActionRequested)
    async def _message_action(self, event: MessageItem.ActionRequested) -> None:
        m = event.message
        c = self.conversation
        if event.action == "retry":
            self.run_worker(self._guard(c.retry(m.id), "Retry"))
            return
        schedule_id = m.meta.get("schedule_id")
        if not schedule_id:
            return
        if event.action == "approve":
            await self._guard(c.approve(schedule_id), "Approving")
        elif event.action == "reject":
            await self._guard(c.reject(schedule_id), "Rejecting")

    # -- schedules -------------------------------------------------------------------------
    def _selected(self) -> Schedule | None:
        return self.sidebar.selected

    @on(ScheduleSidebar.CancelRequested)
    def _cancel_requested(self, event: ScheduleSidebar.CancelRequested) -> None:
        self.ask_cancel(event.schedule)

    def ask_cancel(self, schedule: Schedule) -> None:
        async def answered(yes: bool | None) -> None:
            if yes and await self._guard(self.conversation.cancel(schedule.id), "Cancelling"):
                self.notify(f"Cancelled {schedule.id}", markup=False)

        prompt = clean(" ".join(schedule.prompt.split()))[:80]
        question = f"Cancel schedule {schedule.id}?\n“{prompt}”"
        from dynaprompt_tui.tui.screens.confirm import ConfirmScreen  # dialogs: off start-up

        self.push_screen(ConfirmScreen(question, yes="Cancel it", no="Keep"), answered)

    @on(ScheduleSidebar.EditRequested)
    def _edit_requested(self, event: ScheduleSidebar.EditRequested) -> None:
        self.open_dialog(event.schedule)

    @on(ScheduleSidebar.NewRequested)
    def _new_requested(self) -> None:
        self.open_dialog(None)

    def open_dialog(self, schedule: Schedule | None) -> None:
        async def done(result: ScheduleEdit | None) -> None:
            if result is None:
                return
            c = self.conversation
            if result.schedule_id is None:
                work = c.create(
                    recipient=result.recipient, time_prompt=result.time_prompt, prompt=result.prompt
                )
                await self._guard(work, "Creating the schedule")
            else:
                work = c.edit(
                    result.schedule_id, time_prompt=result.time_prompt, prompt=result.prompt
                )
                await self._guard(work, "Saving the schedule")

        from dynaprompt_tui.tui.screens.edit import ScheduleEditScreen  # dialogs: off start-up

        self.push_screen(ScheduleEditScreen(self.conversation.check_edit, schedule), done)

    @on(ScheduleSidebar.ApproveRequested)
    async def _approve(self, event: ScheduleSidebar.ApproveRequested) -> None:
        s = event.schedule
        if s.approved:
            self.notify(f"{s.id} does not need approval", markup=False)
        elif await self._guard(self.conversation.approve(s.id), "Approving"):
            self.notify(f"Approved {s.id}", markup=False)

    @on(ScheduleSidebar.PauseToggleRequested)
    async def _pause_toggle(self, event: ScheduleSidebar.PauseToggleRequested) -> None:
        s = event.schedule
        if s.state == ScheduleState.PAUSED:
            if await self._guard(self.conversation.resume(s.id), "Resuming"):
                self.notify(f"Resumed {s.id}", markup=False)
        elif await self._guard(self.conversation.pause(s.id), "Pausing"):
            self.notify(f"Paused {s.id}", markup=False)

    # -- actions (keys and command palette) ------------------------------------------------
    def action_focus(self, target: str) -> None:
        if target == "schedules":
            self._show_sidebar(True)
            self.sidebar.focus()
        elif target == "chat":
            self.chat.focus()
        else:
            self.composer.focus()

    def action_toggle_sidebar(self) -> None:
        self._show_sidebar(not self.sidebar.display)
        if not self.sidebar.display and self.focused is self.sidebar:
            self.composer.focus()

    def _show_sidebar(self, show: bool) -> None:
        self.sidebar.display = show
        self.main_screen.set_class(not show, "-no-sidebar")  # the grid's second column goes too

    def action_new_schedule(self) -> None:
        self.open_dialog(None)

    def action_edit_schedule(self) -> None:
        if (s := self._selected()) is not None:
            self.open_dialog(s)
        else:
            self.notify("No schedule selected", severity="warning")

    def action_cancel_schedule(self) -> None:
        if (s := self._selected()) is not None:
            self.ask_cancel(s)
        else:
            self.notify("No schedule selected", severity="warning")

    def action_cancel_all(self) -> None:
        pending = self._guard_sync(self.conversation.pending, "Loading schedules", [])
        if not pending:
            self.notify("Nothing is scheduled", markup=False)
            return

        async def answered(yes: bool | None) -> None:
            if not yes:
                return
            for s in pending:
                if not await self._guard(self.conversation.cancel(s.id), f"Cancelling {s.id}"):
                    return
            self.notify(f"Cancelled {len(pending)} schedule{'s' * (len(pending) != 1)}")

        n = len(pending)
        question = f"Cancel all {n} schedule{'s' * (n != 1)}?"
        from dynaprompt_tui.tui.screens.confirm import ConfirmScreen

        self.push_screen(ConfirmScreen(question, yes="Cancel all", no="Keep"), answered)

    async def action_pause_schedule(self) -> None:
        if (s := self._selected()) is not None:
            await self._pause_toggle(ScheduleSidebar.PauseToggleRequested(s))

    def action_help(self) -> None:
        keymap = getattr(self, "_keymap", {})
        keys = [
            (keymap.get(bid, key) if bid else key, f"{what} · id `{bid}`" if bid else what)
            for bid, key, what in KEYS
        ]
        from dynaprompt_tui.tui.screens.help import HelpScreen  # Markdown: off the start-up path

        self.push_screen(HelpScreen(keys))

    def action_export(self, fmt: str = "md") -> None:
        text = self._guard_sync(lambda: self.conversation.export(fmt), "Export")
        if text is None:
            return
        stamp = self.clock.now().astimezone(self.zone).strftime("%Y%m%d-%H%M")
        path = Path.cwd() / f"dynaprompt-{stamp}.{fmt}"
        try:
            path.write_text(text, encoding="utf-8")
        except OSError as e:
            self.notify(clean(f"Export failed: {e}"), severity="error", markup=False)
            return
        self.notify(f"Exported to {path}", markup=False)


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
    the demo client or the OpenAI one — imported lazily by the core).
    """
    if clock is None:
        if conversation is not None and getattr(conversation, "clock", None) is not None:
            clock = conversation.clock
        else:
            from dynaprompt_tui.core.clock import SystemClock

            clock = SystemClock()
    if conversation is None:
        from dynaprompt_tui.core.conversation.facade import Conversation

        conversation = Conversation.open(settings, clock=clock, chat_client=chat_client)
    return DynapromptApp(
        settings,
        conversation,
        clock=clock,
        start_engine=start_engine,
        on_first_frame=on_first_frame,
    )


__all__ = ["KEYS", "DynapromptApp", "make_app"]
