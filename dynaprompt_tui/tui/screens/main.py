"""The main screen: the chat, the schedule sidebar and the input, and the handlers that connect
them to the core's `Conversation` (what the widgets ask for, what the core reports, the keys'
actions)."""

from __future__ import annotations

from collections.abc import Awaitable, Callable
from datetime import tzinfo
from pathlib import Path
from typing import TYPE_CHECKING, Any, TypeVar

from textual import on
from textual.app import ComposeResult
from textual.screen import Screen
from textual.widget import Widget
from textual.widgets import Header, TextArea

from dynaprompt_tui.core.conversation.workspace import Workspace
from dynaprompt_tui.core.models import Role
from dynaprompt_tui.tui import history, keys, theme_choice, toasts
from dynaprompt_tui.tui import messages as ev
from dynaprompt_tui.tui.history import PAGE, first_screen
from dynaprompt_tui.tui.screens import sidebar_place
from dynaprompt_tui.tui.screens.conversation_switch import ConversationSwitch
from dynaprompt_tui.tui.screens.draft_previews import DraftPreviews
from dynaprompt_tui.tui.screens.message_actions import MessageActions
from dynaprompt_tui.tui.screens.schedule_dialogs import ScheduleDialogs
from dynaprompt_tui.tui.screens.sidebar_place import NARROW, TINY
from dynaprompt_tui.tui.widgets.chat import ChatView
from dynaprompt_tui.tui.widgets.composer import Composer
from dynaprompt_tui.tui.widgets.footer import Footer  # (rebuilt once per burst of changes)
from dynaprompt_tui.tui.widgets.lines_view import hold_restyling
from dynaprompt_tui.tui.widgets.message import MessageItem
from dynaprompt_tui.tui.widgets.safe import clean
from dynaprompt_tui.tui.widgets.sidebar import ScheduleSidebar
from dynaprompt_tui.tui.widgets.sidebar_pages import ConversationSource

if TYPE_CHECKING:
    from dynaprompt_tui.config import Settings
    from dynaprompt_tui.core.clock import Clock
    from dynaprompt_tui.core.conversation.facade import Conversation
    from dynaprompt_tui.core.models import Message

T = TypeVar("T")
WARM_UP = 0.5  # s after the first frame: the parsers load, code gets its colours (pygments)

PLACEHOLDER = "Message…  Enter sends · ctrl+j new line · dps <who> <when> schedules"


class MainScreen(Screen[None]):
    """The chat, the input and the schedule sidebar, laid out by the screen's own grid (see
    app.tcss): no container widgets to style, lay out and paint before the first frame."""

    def __init__(
        self,
        settings: Settings,
        conversation: Conversation,
        *,
        clock: Clock,
        zone: tzinfo,
        width: int,
        start_engine: bool = True,
        on_first_frame: Callable[[], object] | None = None,
    ) -> None:
        # Not HORIZONTAL_BREAKPOINTS: a breakpoint class lands on the screen after the first
        # styling pass and restyles every widget a second time before the first frame.
        super().__init__(id="_default", classes="-narrow" if width < NARROW else "")
        self.settings = settings
        self.workspace = Workspace.adopt(conversation)  # every conversation of the database
        self.clock = clock
        self.zone = zone
        self.start_engine = start_engine
        self.on_first_frame = on_first_frame
        conversation.listener = ev.Bridge(self)  # the core's events come here as messages
        self.dialogs = ScheduleDialogs(self, conversation, self._guard, self.workspace)
        self.conversations = ConversationSwitch(self, self.workspace, zone, self._guard)
        self.message_actions = MessageActions(self, self._guard)  # the chat's keys, the palette
        self.previews = DraftPreviews(self, lambda: self.conversation, lambda: self.composer)
        self.delivery_toasts = toasts.DeliveryToasts(self, clock, bell=settings.bell)
        self.delivery_toasts.in_view = lambda: sidebar_place.latest_in_view(self)
        self._tiny = width < TINY
        self._sidebar_wanted = True  # the user's choice (ctrl+b); a tiny terminal overrides it

    def fit_width(self, width: int) -> None:
        """Follow the terminal's width (under a dialog too), the sidebar placed for it. Focus
        stays put: a letter meant for the input must never become a sidebar command."""
        was, self._tiny = (self.has_class("-narrow"), self._tiny), width < TINY
        self.set_class(width < NARROW, "-narrow")
        sidebar_place.compact_footer(self, width < NARROW)  # every key in view
        if (width < NARROW, self._tiny) != was:
            self._show_sidebar(sidebar_place.shown_after_resize(self, width, self._sidebar_wanted))
        self.call_after_refresh(self._keep_focus, self.focused)

    def _keep_focus(self, before: Widget | None) -> None:
        if before is None or self.focused is before or self.app.screen is not self:
            return
        (before if before.display else self.composer).focus(scroll_visible=False)

    @property
    def conversation(self) -> Conversation:
        """The open conversation (the list, search and new conversation switch it)."""
        return self.workspace.current

    @property
    def chat(self) -> ChatView:
        return self.query_one(ChatView)

    @property
    def composer(self) -> Composer:
        return self.query_one(Composer)

    @property
    def sidebar(self) -> ScheduleSidebar:
        return self.query_one(ScheduleSidebar)

    # -- start-up --------------------------------------------------------------------------
    def compose(self) -> ComposeResult:
        yield Header(icon="⏰")
        # What the first frame shows, read and composed with the screen: styled in one pass.
        c, height = self.conversation, self.app.size.height
        page: list[Message] = self._try(
            lambda: c.messages(limit=PAGE), "Loading the conversation", []
        )
        # Only the first screen is mounted (in its final look); the rest when scrolled to.
        first, exhausted = first_screen(page, height)
        full = "-full" if history.fills(first, height) else ""  # (see app.tcss)
        yield ChatView(
            self.zone, self.clock.now, history=first, exhausted=exhausted, id="chat", classes=full
        )
        # The sidebar reads its counts and first page when mounted, later pages when in view.
        source = ConversationSource(c)
        yield ScheduleSidebar(
            describe=c.describe, now=self.clock.now, tz=self.zone, source=source, id="sidebar"
        )
        composer = Composer(id="composer", placeholder=PLACEHOLDER, can_send=self.previews.sendable)
        composer.sent = [m.content for m in page if m.role == Role.USER and not m.schedule_id]
        yield composer
        yield Footer()

    def on_mount(self) -> None:
        if self._tiny:  # no room for the sidebar
            self._show_sidebar(False)
        self.restyle = hold_restyling(self)  # (code's syntax colours: after the first frame)
        self.call_after_refresh(self._after_first_frame)
        mine = self.settings.keys
        warnings = [*self.settings.warnings, *keys.unknown_ids(mine), *keys.conflicts(mine)]
        for warning in warnings + theme_choice.problems(self.app, self.settings.theme):
            self.notify(clean(warning), severity="warning", markup=False)

    async def _after_first_frame(self) -> None:
        if self.on_first_frame is not None:
            self.on_first_frame()
        # The scheduler starts once the first frame is out (due fires land in a chat on
        # screen); the parsers load later, out of the way of the first keys.
        self.call_after_refresh(self._start_engine)
        self.set_timer(WARM_UP, self.conversation.warm_up)
        self.set_timer(WARM_UP, self.restyle)

    async def _start_engine(self) -> None:
        self.conversations.seen()  # read; due and overdue fires land in a chat on screen
        if self.start_engine:
            await self._guard(self.conversation.start(), "Starting the scheduler")

    # -- safety ----------------------------------------------------------------------------
    async def _guard(self, work: Awaitable[Any], what: str) -> bool:
        """Await a core call; an exception becomes an error toast instead of a crash."""
        try:
            await work
        except Exception as e:
            self.notify(toasts.failed(what, e), severity="error", markup=False, timeout=8)
            return False
        return True

    def _try(self, read: Callable[[], T], what: str, default: T) -> T:
        """`read()`, or `default` and an error toast if it fails."""
        try:
            return read()
        except Exception as e:
            self.notify(toasts.failed(what, e), severity="error", markup=False, timeout=8)
            return default

    # -- the core's events -----------------------------------------------------------------
    @on(ev.MessageAdded)
    async def _message_added(self, event: ev.MessageAdded) -> None:
        if event.message.role in (Role.ASSISTANT, Role.ERROR):  # the reply's first words
            await self.chat.thinking(False)
        await self._guard(self.chat.add(event.message), "Showing a message")

    @on(ev.MessageDelta)
    async def _message_delta(self, event: ev.MessageDelta) -> None:
        if (item := self.chat.item(event.message_id)) is not None:
            await self._guard(item.write(event.text), "Streaming")

    @on(ev.MessageChanged)
    async def _message_changed(self, event: ev.MessageChanged) -> None:
        await self._guard(self.chat.add(event.message), "Updating a message")

    @on(ev.MessagesRemoved)
    async def _messages_removed(self, event: ev.MessagesRemoved) -> None:
        await self._guard(self.chat.remove_messages(event.message_ids), "Removing messages")

    @on(ev.ConversationGone)
    async def _conversation_gone(self, event: ev.ConversationGone) -> None:
        await self.conversations.gone(event.conversation_id)

    @on(ev.SchedulesChanged)
    def refresh_schedules(self) -> None:
        """The sidebar reads its counts and its page again (a burst of changes: once)."""
        self.sidebar.changed()

    @on(ev.Delivered)
    def _delivered(self, event: ev.Delivered) -> None:
        if event.delivery.message.conversation_id == self.workspace.current_id:
            self.delivery_toasts.add(event.delivery)
        elif self.settings.bell:  # (its toast names its conversation: _elsewhere)
            self.app.bell()

    @on(ev.Elsewhere)
    def _elsewhere(self, event: ev.Elsewhere) -> None:
        self.conversations.elsewhere(event.conversation_id, event.message)

    def action_conversations(self) -> None:
        self.conversations.open_list()

    def action_search(self) -> None:
        self.conversations.open_search()

    async def action_new_conversation(self) -> None:
        await self.conversations.new()

    def action_conversation_settings(self) -> None:
        self.conversations.open_settings()

    @on(ev.Status)
    def _status(self, event: ev.Status) -> None:
        self.notify(clean(event.text), severity=toasts.severity(event.severity), markup=False)

    # -- the input -------------------------------------------------------------------------
    @on(Composer.Submitted)
    def _submitted(self, event: Composer.Submitted) -> None:
        self.previews.hide()
        self.chat.anchor()  # sending returns the view to the bottom
        # No lock here: the core runs one model turn at a time, and the message shows at once.
        self.run_worker(self._awaiting_reply(self.conversation.send(event.text), "Sending"))

    async def _awaiting_reply(self, work: Awaitable[Any], what: str) -> None:
        """Run a call that makes the bot answer, with "thinking…" until its answer begins."""
        await self.chat.thinking(True)
        try:
            await self._guard(work, what)
        finally:
            await self.chat.thinking(False)

    @on(TextArea.Changed, "#composer")
    def _draft_changed(self, event: TextArea.Changed) -> None:
        self.previews.show(event.text_area.text)

    @on(Composer.Refused)
    def _refused(self, event: Composer.Refused) -> None:
        self.previews.show(event.text, refused=True)

    # -- the chat --------------------------------------------------------------------------
    @on(ChatView.OlderWanted)
    async def _older(self, event: ChatView.OlderWanted) -> None:
        work = history.older(self.chat, self.conversation, event.before_id)
        await self._guard(work, "Loading older messages")

    @on(ChatView.NewerWanted)
    async def _newer(self, event: ChatView.NewerWanted) -> None:
        work = history.newer(self.chat, self.conversation, event.after_id)
        await self._guard(work, "Loading newer messages")

    @on(ChatView.ActionWanted)
    async def _chat_action(self, event: ChatView.ActionWanted) -> None:
        await self.message_actions.run(event.action, event.selected)

    @on(MessageItem.ActionRequested)
    async def _message_action(self, event: MessageItem.ActionRequested) -> None:
        c, m = self.conversation, event.message
        if event.action == "retry":  # its answer comes at the bottom: follow it there
            self.chat.anchor()
            self.run_worker(self._awaiting_reply(c.retry(m.id), "Retry"))
            return
        schedule_id = m.meta.get("schedule_id")
        if not schedule_id:
            return
        if event.action == "approve":
            await self._guard(c.approve(schedule_id), "Approving")
        elif event.action == "reject":
            await self._guard(c.reject(schedule_id), "Rejecting")

    # -- schedules -------------------------------------------------------------------------
    @on(ScheduleSidebar.CancelRequested)
    def _cancel_requested(self, event: ScheduleSidebar.CancelRequested) -> None:
        self.dialogs.cancel(event.schedule)

    @on(ScheduleSidebar.EditRequested)
    def _edit_requested(self, event: ScheduleSidebar.EditRequested) -> None:
        self.dialogs.edit(event.schedule)

    @on(ScheduleSidebar.ApproveRequested)
    async def _approve(self, event: ScheduleSidebar.ApproveRequested) -> None:
        await self.dialogs.approve(event.schedule)

    @on(ScheduleSidebar.PauseToggleRequested)
    async def _pause_toggle(self, event: ScheduleSidebar.PauseToggleRequested) -> None:
        await self.dialogs.toggle_pause(event.schedule)

    # -- actions (keys and the command palette) --------------------------------------------
    async def action_focus(self, selector: str) -> None:
        if selector == "schedules":
            if self._no_room():
                return
            self._sidebar_wanted = True
            self._show_sidebar(True)
            self.sidebar.focus()
        elif selector == "chat":
            self.chat.focus()
        else:
            self.composer.focus()

    def action_toggle_sidebar(self) -> None:
        if not self._no_room():
            self._sidebar_wanted = not self.sidebar.display
            self._show_sidebar(self._sidebar_wanted)

    def _no_room(self) -> bool:
        if self._tiny:
            self.notify("Too narrow for the schedules: widen the terminal", markup=False)
        return self._tiny

    def _show_sidebar(self, show: bool) -> None:
        sidebar_place.place(self, show)  # beside the chat, or over a narrow one (sidebar_place.py)

    @on(ScheduleSidebar.NewRequested)
    def action_new_schedule(self) -> None:
        self.dialogs.edit(None)

    def action_edit_schedule(self) -> None:
        if (s := self.sidebar.selected) is not None:
            self.dialogs.edit(s)
        else:
            self.notify("No schedule selected", severity="warning")

    def action_cancel_schedule(self) -> None:
        if (s := self.sidebar.selected) is not None:
            self.dialogs.cancel(s)
        else:
            self.notify("No schedule selected", severity="warning")

    async def action_pause_schedule(self) -> None:
        if (s := self.sidebar.selected) is not None:
            await self.dialogs.toggle_pause(s)

    def action_cancel_all(self) -> None:
        counts = self._try(self.conversation.pending_counts, "Loading schedules", (0, 0))
        if counts[0]:
            self.dialogs.cancel_all(counts[0])
        else:
            self.notify("Nothing is scheduled", markup=False)

    def action_help(self) -> None:
        # Markdown: loaded on first use, off the start-up path.
        from dynaprompt_tui.tui.screens.help import HelpScreen

        self.app.push_screen(HelpScreen(keys.help_keys(keys.usable(self.settings.keys))))

    def action_export(self, fmt: str = "md") -> None:
        try:
            path = self.conversation.export_file(fmt, Path.cwd())
        except Exception as e:  # a full disk, a read-only directory: a toast, not a crash
            self.notify(toasts.failed("Export", e), severity="error", markup=False)
            return
        self.notify(f"Exported to {path}", markup=False)
