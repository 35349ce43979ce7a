"""What can be done to a chat message, from the chat's keys (widgets/chat_cursor.py) or the
command palette (commands.py): copy it, edit and resend one of the user's, regenerate the last
reply, delete it, open the schedule that delivered it. Each acts on the selected message, or on
the latest message it suits when none (or an unsuitable one) is selected. The dialogs load on
first use."""

from __future__ import annotations

from collections.abc import Awaitable, Callable
from typing import TYPE_CHECKING, Any, Protocol

from dynaprompt_tui.core.models import Message, Role, ScheduleState
from dynaprompt_tui.tui import toasts
from dynaprompt_tui.tui.history import PAGE
from dynaprompt_tui.tui.widgets.chat_cursor import schedule_of, suits
from dynaprompt_tui.tui.widgets.message import body, shown
from dynaprompt_tui.tui.widgets.safe import clean

if TYPE_CHECKING:
    from dynaprompt_tui.core.conversation.facade import Conversation
    from dynaprompt_tui.tui.screens.schedule_dialogs import ScheduleDialogs
    from dynaprompt_tui.tui.widgets.chat import ChatView
    from dynaprompt_tui.tui.widgets.composer import Composer

Guard = Callable[[Awaitable[Any], str], Awaitable[bool]]
"""Awaits a core call; False (and an error toast) if it failed."""

# What a toast says when no message suits an action.
_NONE = {
    "copy": "No message to copy",
    "copy_reply": "There is no reply to copy yet",
    "edit": "None of your messages to edit yet",
    "delete": "No message to delete",
    "schedule": "No message here was delivered by a schedule",
}
_SCHEDULE_CARDS = ("scheduled", "approval")  # the cards of schedules a turn made


class Host(Protocol):
    """What the actions need of the main screen (screens/main.py), read when they run: the
    conversation shown may change."""

    @property
    def conversation(self) -> Conversation: ...

    @property
    def dialogs(self) -> ScheduleDialogs: ...

    @property
    def chat(self) -> ChatView: ...

    @property
    def composer(self) -> Composer: ...


def quote(message: Message, width: int = 80) -> str:
    """The first words of a message, on one line, for a question or a toast."""
    text = " ".join(body(message).split())
    return clean(text if len(text) <= width else text[: width - 1] + "…")


class MessageActions:
    """Carries out the chat's message actions for `host`, asking the core through `guard`."""

    def __init__(self, host: Host, guard: Guard) -> None:
        self.host = host
        self.guard = guard

    @property
    def chat(self) -> ChatView:
        return self.host.chat

    def _notify(self, text: str, *, warn: bool = False) -> None:
        self.chat.notify(text, severity="warning" if warn else "information", markup=False)

    def _covered(self) -> bool:
        """A dialog is open: a key must not stack another on it (the palette is gone by the
        time its command runs)."""
        return self.chat.app.screen is not self.chat.screen

    async def run(self, action: str, selected: Message | None) -> None:
        """Carry out `action` (chat_cursor.ACTIONS) on `selected`, or on the latest message it
        suits."""
        if self._covered():
            return
        if action == "regenerate":
            self.regenerate(selected)
            return
        if action == "copy_reply":
            self.copy_reply()
            return
        message = selected if selected is not None and suits(action, selected) else None
        if message is None and (message := self._latest(action)) is None:
            self._notify(_NONE.get(action, "No message selected"), warn=True)
            return
        if action == "copy":
            self.copy(message)
        elif action == "edit":
            self.edit(message)
        elif action == "delete":
            self.delete(message)
        elif action == "schedule":
            self.open_schedule(message)

    def _latest(self, action: str) -> Message | None:
        """The latest message `action` suits: among those mounted, else in the latest page."""
        for item in reversed(self.chat.mounted()):
            if item.display and suits(action, item.message):
                return item.message
        try:
            page = self.host.conversation.messages(limit=PAGE)
        except Exception:
            return None
        return next((m for m in reversed(page) if shown(m) and suits(action, m)), None)

    def _fresh(self, message: Message) -> Message | None:
        """`message` as the store has it now (a streamed reply's full text); None, and a toast,
        if it was deleted meanwhile."""
        try:
            return self.host.conversation.store.get_message(message.id)
        except Exception:
            self._notify("That message no longer exists", warn=True)
            return None

    # -- copy ----------------------------------------------------------------------------
    def copy(self, message: Message) -> None:
        """The message's text to the clipboard (the terminal's, by OSC 52)."""
        if (m := self._fresh(message)) is not None:
            self._copy(body(m), "the message")

    def copy_reply(self) -> None:
        """The bot's last reply (its messages since the user's last one)."""
        try:
            reply = self.host.conversation.last_reply()
        except Exception as e:
            self.chat.notify(toasts.failed("Reading the reply", e), severity="error", markup=False)
            return
        text = "\n\n".join(m.content for m in reply if m.role is Role.ASSISTANT and m.content)
        if text.strip():
            self._copy(text, "the last reply")
        else:
            self._notify(_NONE["copy_reply"], warn=True)

    def _copy(self, text: str, what: str) -> None:
        self.chat.app.copy_to_clipboard(text)
        self._notify(f"Copied {what} ({len(text)} characters)")

    # -- edit and resend -----------------------------------------------------------------
    def edit(self, message: Message) -> None:
        """The message's text into the input, to change and send as a new message."""
        composer = self.host.composer
        draft = composer.text
        # Replaced as an edit, not set: ctrl+z brings a draft back.
        composer.replace(message.content, (0, 0), composer.document.end)
        composer.move_cursor(composer.document.end)
        composer.focus()
        tail = " (ctrl+z brings your draft back)" if draft.strip() else ""
        self._notify(f"Editing a copy: Enter sends it as a new message{tail}")

    # -- regenerate ----------------------------------------------------------------------
    def regenerate(self, selected: Message | None) -> None:
        """Ask the bot again for its last reply; asks first if that reply made schedules
        (they stay)."""
        chat, c = self.chat, self.host.conversation
        if selected is not None and not chat.last_exchange(selected):
            self._notify("Only the last reply can be regenerated", warn=True)
            return
        try:
            old = c.last_reply()
        except Exception as e:
            chat.notify(toasts.failed("Reading the reply", e), severity="error", markup=False)
            return
        if chat.query("#thinking") or any(m.meta.get("streaming") for m in old):
            self._notify("The bot is still answering: regenerate once it is done", warn=True)
            return
        if not old:
            self._notify("There is no reply to regenerate (send a message first)", warn=True)
            return
        made = self._schedules_made(old[0])
        if not made:
            self._start(old)
            return

        async def answered(yes: bool | None) -> None:
            if yes:
                self._start(old)

        question = (
            f"The last reply made {toasts.schedules(len(made))} ({', '.join(made)}).\n"
            "They stay (the new reply may ask for them again). Regenerate it?"
        )
        self._confirm(question, "Regenerate", answered)

    def _schedules_made(self, first: Message) -> list[str]:
        """The ids of the schedules the reply beginning with `first` made (its cards)."""
        try:
            after = self.host.conversation.messages(after_id=first.id - 1, limit=PAGE)
        except Exception:
            return []
        return [
            str(m.meta["schedule_id"])
            for m in after
            if m.role is Role.NOTICE
            and m.meta.get("card") in _SCHEDULE_CARDS
            and m.meta.get("schedule_id")
        ]

    def _start(self, old: list[Message]) -> None:
        self._notify("Regenerating the last reply")
        self.chat.screen.run_worker(self._regenerate([m.id for m in old]), group="regenerate")

    async def _regenerate(self, old: list[int]) -> None:
        """The old reply leaves the chat, the new one streams in below the user's message."""
        chat, c = self.chat, self.host.conversation
        chat.anchor()
        await chat.remove_messages(old)
        deleted: list[int] = []

        async def again() -> None:
            deleted.extend(await c.regenerate())

        await chat.thinking(True)
        try:
            await self.guard(again(), "Regenerating")
        finally:
            await chat.thinking(False)
        if extra := [i for i in deleted if i not in old]:  # (the store's view, if it moved)
            await chat.remove_messages(extra)

    # -- delete --------------------------------------------------------------------------
    def delete(self, message: Message) -> None:
        """Asks, then deletes the message from the store and the chat (not while it is being
        written)."""
        if (fresh := self._fresh(message)) is None:
            return
        if fresh.meta.get("streaming"):
            self._notify("The bot is still writing that message", warn=True)
            return

        async def answered(yes: bool | None) -> None:
            if not yes:
                return
            try:
                self.host.conversation.delete_message(message.id)
            except Exception as e:
                self.chat.notify(toasts.failed("Deleting", e), severity="error", markup=False)
                return
            await self.chat.remove_messages([message.id])
            sid = schedule_of(message) if message.role is Role.NOTICE else None
            self._notify(f"Message deleted (schedule {sid} stays)" if sid else "Message deleted")

        self._confirm(f"Delete this message?\n“{quote(message)}”", "Delete", answered)

    # -- its schedule --------------------------------------------------------------------
    def open_schedule(self, message: Message) -> None:
        """The schedule that delivered the message (or that a card is about): the edit dialog
        while it may still fire, its run history once it is done."""
        sid = schedule_of(message)
        if sid is None:
            self._notify(_NONE["schedule"], warn=True)
            return
        try:
            schedule = self.host.conversation.store.get_schedule(sid)
        except Exception:
            self._notify(f"Schedule {sid} no longer exists", warn=True)
            return
        if schedule.state in (ScheduleState.PENDING, ScheduleState.PAUSED):
            self.host.dialogs.edit(schedule)
            return
        # A dialog: loaded on first use, off the start-up path.
        from dynaprompt_tui.tui.screens.run_history import RunHistoryScreen

        chat, fires = self.chat, self.host.conversation.store.fires
        chat.app.push_screen(RunHistoryScreen(schedule, fires, chat.tz, chat.now))
        self._notify(f"Schedule {sid} is {schedule.state.value}: its run history")

    def _confirm(
        self, question: str, yes: str, answered: Callable[[bool | None], Awaitable[None]]
    ) -> None:
        # A dialog: loaded on first use, off the start-up path.
        from dynaprompt_tui.tui.screens.confirm import ConfirmScreen

        self.chat.app.push_screen(ConfirmScreen(question, yes=yes, no="Keep"), answered)
