"""The main screen's conversations: opening the list, search and a conversation's settings (the
dialogs load on first use), switching the chat and the sidebar to another conversation (or to
a message found by search), and telling the user of activity in the others: a toast for a
message that lands elsewhere, and the unread count in the header."""

from __future__ import annotations

from collections.abc import Awaitable, Callable
from typing import TYPE_CHECKING, Any

from dynaprompt_tui.core.models import Role
from dynaprompt_tui.tui import history
from dynaprompt_tui.tui.widgets.safe import clean
from dynaprompt_tui.tui.widgets.sidebar_pages import ConversationSource

if TYPE_CHECKING:
    from datetime import tzinfo

    from dynaprompt_tui.core.conversation.workspace import Workspace
    from dynaprompt_tui.core.models import Message, SearchHit

Guard = Callable[[Awaitable[Any], str], Awaitable[bool]]
TOASTED = (Role.ASSISTANT, Role.REMINDER)  # what, landing elsewhere, the user is told of


class ConversationSwitch:
    """What the main screen (`owner`: its chat, sidebar, composer and schedule dialogs) does
    with conversations."""

    def __init__(self, owner: Any, workspace: Workspace, zone: tzinfo, guard: Guard) -> None:
        self.owner = owner
        self.workspace = workspace
        self.zone = zone
        self.guard = guard

    # -- the header -------------------------------------------------------------------------

    def subtitle(self) -> str:
        """The header's second line: the open conversation, its model, the zone, the unread
        elsewhere."""
        ws = self.workspace
        try:
            info = ws.info()
            others = ws.store.unread_total(besides=info.id)
        except Exception:  # a locked database: the header waits for the next change
            return str(self.owner.app.sub_title)
        model = "demo" if ws.settings.demo else info.model or ws.settings.model
        # The unread mark before the model and the zone: a narrow header cuts its end.
        unread = [f"{others} unread elsewhere"] if others else []
        return " · ".join([clean(info.shown_title), *unread, clean(model), ws.tz.key])

    def refresh_header(self) -> None:
        self.owner.app.sub_title = self.subtitle()

    # -- dialogs ----------------------------------------------------------------------------

    def open_list(self) -> None:
        from dynaprompt_tui.tui.screens.conversations import ConversationsScreen  # deferred

        self.seen()  # (the open conversation is on screen: nothing in it is "new")

        async def done(chosen: int | None) -> None:
            # (After deleting the open one, `chosen` is the one the workspace opened instead.)
            if chosen is not None:
                await self.switch(chosen)
            self.refresh_header()

        self.owner.app.push_screen(ConversationsScreen(self.workspace), done)

    def open_search(self) -> None:
        from dynaprompt_tui.tui.screens.search import SearchScreen  # deferred: on first use

        async def done(hit: SearchHit | None) -> None:
            if hit is not None:
                await self.switch(hit.conversation_id, around=hit.message_id)

        self.owner.app.push_screen(SearchScreen(self.workspace, self.zone), done)

    def open_settings(self) -> None:
        # Deferred: a dialog, on first use.
        from dynaprompt_tui.tui.screens.conversation_settings import ConversationSettingsScreen

        def done(saved: bool | None) -> None:
            if saved:
                self.refresh_header()
                self.owner.notify("Saved: the next reply uses them.", title="Conversation")

        screen = ConversationSettingsScreen(self.workspace, self.workspace.current_id)
        self.owner.app.push_screen(screen, done)

    async def new(self) -> None:
        conversation = self.workspace.create()
        await self.switch(conversation.id)

    # -- switching --------------------------------------------------------------------------

    async def switch(self, conversation_id: int, *, around: int | None = None) -> None:
        """Open another conversation (or the same one at a message found by search)."""
        try:
            self.workspace.mark_read()  # what was open was seen
            self.workspace.switch(conversation_id)
        except Exception as e:
            self.owner.notify(clean(str(e)), severity="error", markup=False)
            return
        await self.show(around)
        self.refresh_header()

    async def gone(self, conversation_id: int) -> None:
        """The open conversation was deleted by another process: the latest other one opens
        (a new one when none is left), and the user is told why."""
        if conversation_id != self.workspace.current_id:
            return  # (switched away meanwhile)
        if not await self.guard(self.workspace.gone(conversation_id), "Opening another"):
            return
        await self.show()
        self.refresh_header()
        self.owner.notify(
            "The conversation open here was deleted (in another window or from the command"
            " line); this is the latest other one.",
            title="Conversation deleted",
            severity="warning",
            markup=False,
        )

    async def show(self, around: int | None = None) -> None:
        """Show the open conversation: the chat (its latest page, or the page around message
        `around`), its schedules, its sent messages for up-arrow recall."""
        screen, c = self.owner, self.workspace.current
        screen.dialogs.conversation = c
        sync = getattr(screen.app, "live_sync", None)
        if sync is not None:
            sync.conversation = c
        await self.guard(show_conversation(screen.chat, self.workspace, around), "Opening it")
        screen.sidebar.show(ConversationSource(c), c.describe)
        try:
            recent = c.messages(limit=history.PAGE)
        except Exception:
            recent = []
        screen.composer.sent = [
            m.content for m in recent if m.role is Role.USER and not m.schedule_id
        ]
        screen.composer.focus()

    def seen(self) -> None:
        """The open conversation is on screen: what is in it is read."""
        self.workspace.mark_read()

    def elsewhere(self, conversation_id: int, message: Message | None) -> None:
        """Activity in a conversation that is not open: its unread count, a toast for a
        message the bot or a schedule wrote there."""
        if message is not None and message.role in TOASTED:
            try:
                title = self.workspace.info(conversation_id).shown_title
            except Exception:
                title = "another conversation"
            first = " ".join(message.content.split())[:80]
            self.owner.notify(
                clean(first),
                title=clean(f"⏰ {title}" if message.schedule_id else title),
                markup=False,
            )
        self.refresh_header()


async def show_conversation(chat: Any, workspace: Workspace, around: int | None) -> None:
    """The chat shows the open conversation: its latest page, or the page around a message."""
    conversation = workspace.current
    if around is None:
        page = conversation.messages(limit=history.PAGE)
        await chat.show_page(page, exhausted=len(page) < history.PAGE)
        return
    half = history.PAGE // 2
    before = conversation.messages(before_id=around + 1, limit=half)
    after = conversation.messages(after_id=around, limit=half)
    await chat.show_page(
        before + after, exhausted=len(before) < half, latest=len(after) < half, focus_id=around
    )
