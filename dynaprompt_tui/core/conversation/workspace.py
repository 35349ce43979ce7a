"""Every conversation of one database: which one is open, the list, creating, naming, archiving
and deleting them, their own model and persona, search, and the one engine that delivers all
their schedules (a fire lands in its schedule's conversation).

A `Conversation` is built per conversation on first use, over a view of the store scoped to it
(`Store.scoped`), with the chat client for its model: the default one unless it chose another
model or temperature. What a conversation tells its listener reaches the workspace's listener
(the window) when it is the open one; of the others the listener hears `on_elsewhere` (an unread
mark, a title) and `on_elsewhere_changed` (a reply finished there), if it has those methods.
"""

from __future__ import annotations

import asyncio
import contextlib
import logging
from functools import cached_property
from typing import TYPE_CHECKING, Any, TypeVar, cast
from zoneinfo import ZoneInfo

from dynaprompt_tui.core.clock import Clock, SystemClock
from dynaprompt_tui.core.conversation.facade import Conversation
from dynaprompt_tui.core.conversation.titles import TitleWriter
from dynaprompt_tui.core.conversation.transcript import ConversationListener, SilentListener
from dynaprompt_tui.core.llm.factory import close_client, make_chat_client
from dynaprompt_tui.core.models import ConversationInfo, Message, SearchHit, TitleSource
from dynaprompt_tui.core.storage.store import Store, StoreError

if TYPE_CHECKING:  # (annotations only: these modules are off the app's first frame)
    from dynaprompt_tui.core.conversation.settings import ConversationSettings
    from dynaprompt_tui.core.llm.events import ChatClient
    from dynaprompt_tui.core.scheduling.engine import Delivery, Engine

log = logging.getLogger(__name__)
S = TypeVar("S")
UNSET: Any = object()  # "leave as it is", where None means "back to the default"


class _Overridden:
    """Settings with a few values replaced (for settings that are not a NamedTuple)."""

    def __init__(self, inner: object, values: dict[str, Any]) -> None:
        self._inner, self._values = inner, values

    def __getattr__(self, name: str) -> Any:
        if name in self._values:
            return self._values[name]
        return getattr(self._inner, name)


def with_overrides(settings: S, **values: Any) -> S:
    replace = getattr(settings, "_replace", None)
    if replace is not None:
        return cast(S, replace(**values))
    return cast(S, _Overridden(settings, values))


class _Routed:
    """One conversation's listener: to the window if it is the open one, else `on_elsewhere`."""

    def __init__(self, workspace: Workspace, conversation_id: int) -> None:
        self.workspace, self.id = workspace, conversation_id

    def _here(self) -> bool:
        return self.workspace.current_id == self.id

    def on_message(self, message: Message) -> None:
        if self._here():
            self.workspace.listener.on_message(message)
        else:
            self.workspace.elsewhere(self.id, message)

    def on_delta(self, message_id: int, text: str) -> None:
        if self._here():
            self.workspace.listener.on_delta(message_id, text)

    def on_message_changed(self, message: Message) -> None:
        if self._here():
            self.workspace.listener.on_message_changed(message)
        else:  # (a reply finished there: notifications, if the listener wants to know)
            tell = getattr(self.workspace.listener, "on_elsewhere_changed", None)
            if tell is not None:
                tell(self.id, message)

    def on_schedules_changed(self) -> None:
        self.workspace.listener.on_schedules_changed()

    def on_delivery(self, delivery: Delivery) -> None:
        self.workspace.listener.on_delivery(delivery)

    def on_status(self, text: str, severity: str) -> None:
        self.workspace.listener.on_status(text, severity)


class Workspace:
    """The conversations of one store; `current` is the one the user has open."""

    def __init__(
        self,
        store: Store,
        chat_client: ChatClient,
        settings: ConversationSettings,
        *,
        clock: Clock | None = None,
        tz: ZoneInfo | None = None,
        listener: ConversationListener | None = None,
        conversation_id: int | None = None,
    ) -> None:
        self.store = store
        self.client = chat_client  # the default model's
        self.settings = settings
        self.clock = clock or SystemClock()
        self.tz = tz or ZoneInfo(settings.tz)
        self.listener = listener or SilentListener()
        self._open: dict[int, Conversation] = {}
        self._clients: dict[tuple[str | None, float | None], ChatClient] = {}
        self._started = False
        self.titles = TitleWriter(store, self.clock, self.elsewhere)
        self.current_id = conversation_id if conversation_id else store.latest_conversation()
        self.store.conversation(self.current_id)  # StoreError if there is no such conversation

    @classmethod
    def open(
        cls,
        settings: ConversationSettings,
        *,
        clock: Clock | None = None,
        listener: ConversationListener | None = None,
        chat_client: ChatClient | None = None,
        conversation_id: int | None = None,
    ) -> Workspace:
        """The conversations stored at `settings.db_path`, `conversation_id` open (default: the
        latest active); the demo bot or the OpenAI client (built at the first model call)."""
        if chat_client is None:
            chat_client = make_chat_client(settings, lazy=True)
        store = Store(settings.db_path)
        try:
            workspace = cls(
                store,
                chat_client,
                settings,
                clock=clock,
                listener=listener,
                conversation_id=conversation_id,
            )
        except StoreError:
            store.close()
            raise
        workspace.current.recover_interrupted()
        return workspace

    @classmethod
    def adopt(cls, conversation: Conversation) -> Workspace:
        """The workspace of a conversation built on its own (a test's, a script's): its store's
        database, with `conversation` as the open one."""
        hub = conversation.hub
        if isinstance(hub, Workspace):
            return hub
        workspace = cls(
            conversation.store.scoped(None),
            conversation.client,
            conversation.settings,
            clock=conversation.clock,
            tz=conversation.tz,
            listener=conversation.transcript.listener,
            conversation_id=conversation.id,
        )
        if "engine" in conversation.__dict__:  # already running its own: it stays the one
            workspace.__dict__["engine"] = conversation.engine
        conversation.hub = workspace
        conversation.titles = workspace.titles
        conversation.transcript.listener = _Routed(workspace, conversation.id)
        workspace._open[conversation.id] = conversation
        return workspace

    @property
    def listener(self) -> ConversationListener:
        return self._listener

    @listener.setter
    def listener(self, listener: ConversationListener) -> None:
        """A listener that names conversations is given `notification_title`."""
        self._listener = listener
        if (name := getattr(listener, "name_conversations", None)) is not None:
            name(self.notification_title)

    # -- which conversation ------------------------------------------------------------------

    @property
    def current(self) -> Conversation:
        return self.get(self.current_id)

    def get(self, conversation_id: int) -> Conversation:
        """The conversation's facade, built on first use; StoreError if there is none."""
        conversation = self._open.get(conversation_id)
        if conversation is None:
            info = self.store.conversation(conversation_id)
            conversation = Conversation(
                self.store.scoped(conversation_id),
                self._client_for(info),
                self.settings,
                clock=self.clock,
                tz=self.tz,
                listener=_Routed(self, conversation_id),
                hub=self,
                system_prompt=info.system_prompt,
            )
            conversation.titles = self.titles
            self._open[conversation_id] = conversation
        return conversation

    def switch(self, conversation_id: int) -> Conversation:
        """Open another conversation (marked read); StoreError if there is none."""
        conversation = self.get(conversation_id)
        self.current_id = conversation_id
        self.store.mark_read(conversation_id=conversation_id)
        return conversation

    def elsewhere(self, conversation_id: int, message: Message | None) -> None:
        """Something happened in a conversation: a message in one not open, a new title."""
        tell = getattr(self.listener, "on_elsewhere", None)
        if tell is not None:
            tell(conversation_id, message)

    def _client_for(self, info: ConversationInfo) -> ChatClient:
        if self.settings.demo or (info.model is None and info.temperature is None):
            return self.client
        key = (info.model, info.temperature)
        client = self._clients.get(key)
        if client is None:
            changed = with_overrides(
                self.settings,
                model=info.model or self.settings.model,
                temperature=self.settings.temperature
                if info.temperature is None
                else info.temperature,
            )
            client = self._clients[key] = make_chat_client(changed, lazy=True)
        return client

    # -- the list ------------------------------------------------------------------------------

    def conversations(
        self, *, archived: bool | None = False, limit: int = -1, offset: int = 0
    ) -> list[ConversationInfo]:
        """Latest activity first, with unread and pending counts."""
        return self.store.conversations(archived=archived, limit=limit, offset=offset)

    def info(self, conversation_id: int | None = None) -> ConversationInfo:
        return self.store.conversation(
            self.current_id if conversation_id is None else conversation_id
        )

    def notification_title(self, conversation_id: int) -> str | None:
        """Its title as the list shows it, where there are several conversations (alone, or
        gone, it needs no name: None)."""
        with contextlib.suppress(StoreError):
            if self.store.conversation_count(archived=None) > 1:
                return self.store.conversation(conversation_id).shown_title
        return None

    def find(self, text: str) -> ConversationInfo:
        """By id, else by title, else by the start of a title, else of a word in one (each
        case-insensitive, archived ones too); StoreError when none or several match."""
        key = text.strip()
        if key.isdigit():
            with contextlib.suppress(StoreError):  # (else a title may be a number)
                return self.store.conversation(int(key))
        every, low = self.store.conversations(archived=None), key.casefold()
        for found in (
            [c for c in every if c.shown_title.casefold() == low],
            [c for c in every if key and c.shown_title.casefold().startswith(low)],
            [c for c in every if key and f" {low}" in f" {c.shown_title.casefold()}"],
        ):
            if len(found) == 1:
                return found[0]
            if found:
                names = ", ".join(f"{c.id} “{c.shown_title}”" for c in found[:5])
                raise StoreError(f"“{key}” matches {len(found)} conversations: {names}")
        raise StoreError(f"no conversation “{key}”")

    def create(self, title: str = "") -> Conversation:
        """A new, empty conversation (not opened: `switch` to it)."""
        info = self.store.add_conversation(now=self.clock.now(), title=title)
        return self.get(info.id)

    def rename(self, conversation_id: int, title: str) -> ConversationInfo:
        if not title.strip():
            raise StoreError("a title cannot be empty")
        return self.store.set_title(title, TitleSource.USER, conversation_id)

    def archive(self, conversation_id: int, archived: bool = True) -> ConversationInfo:
        return self.store.archive_conversation(archived, conversation_id)

    async def delete(self, conversation_id: int) -> int:
        """Delete a conversation with its messages and schedules; returns the conversation now
        open (another one, or a new empty one when it was the last)."""
        self.store.conversation(conversation_id)  # StoreError if there is none
        return await self.gone(conversation_id, delete=True)

    async def gone(self, conversation_id: int, *, delete: bool = False) -> int:
        """Forget a conversation another process deleted (or, `delete`, delete it now, once
        its turns have stopped); returns the conversation now open (another one, or a new
        empty one when it was the last)."""
        conversation = self._open.pop(conversation_id, None)
        if conversation is not None:
            await conversation.stop_turns()
        if delete:
            self.store.delete_conversation(conversation_id)
        self.wake()  # its schedules are gone
        if self.current_id == conversation_id:
            if self.store.conversation_count(archived=None) == 0:
                self.create()
            self.switch(self.store.latest_conversation())
        self.listener.on_schedules_changed()
        return self.current_id

    def configure(
        self,
        conversation_id: int,
        *,
        model: str | None = UNSET,
        system_prompt: str | None = UNSET,
        temperature: float | None = UNSET,
    ) -> ConversationInfo:
        """Its own model, persona or temperature (None: back to the settings' default)."""
        values: dict[str, Any] = {}
        if model is not UNSET:
            values["model"] = (model or "").strip() or None
        if system_prompt is not UNSET:
            values["system_prompt"] = (system_prompt or "").strip() or None
        if temperature is not UNSET:
            if temperature is not None and not 0 <= temperature <= 2:
                raise StoreError("the temperature must be between 0 and 2")
            values["temperature"] = temperature
        info = self.store.set_conversation_settings(conversation_id, **values)
        conversation = self._open.get(conversation_id)
        if conversation is not None:
            conversation.reconfigure(self._client_for(info), info.system_prompt)
        return info

    def mark_read(self, conversation_id: int | None = None, up_to: int | None = None) -> bool:
        cid = self.current_id if conversation_id is None else conversation_id
        return self.store.mark_read(up_to, conversation_id=cid)

    def search(self, text: str, *, limit: int = 50, **kw: Any) -> list[SearchHit]:
        """Every conversation's messages with every word of `text`, newest first."""
        return self.store.search(text, limit=limit, **kw)

    async def models(self) -> list[str]:
        """The models the server offers (GET /v1/models); [] when it cannot say."""
        list_models = getattr(self.client, "list_models", None)
        if list_models is None:
            return []
        try:
            return sorted(await list_models())
        except Exception as e:  # a server without the endpoint: the user types a name
            log.info("listing models failed: %s", type(e).__name__)
            return []

    # -- the engine ----------------------------------------------------------------------------

    @cached_property
    def engine(self) -> Engine:
        from dynaprompt_tui.core.scheduling.engine import Engine  # deferred: off the first frame

        return Engine(self.store, self.clock, self._on_delivery)

    async def _on_delivery(self, d: Delivery) -> None:
        try:
            conversation = self.get(d.schedule.conversation_id)
        except StoreError:  # deleted meanwhile (by another process)
            log.warning("a fire of schedule %s found no conversation", d.schedule.id)
            return
        await conversation.on_delivery(d)

    def wake(self) -> None:
        if "engine" in self.__dict__:  # else there is nothing to wake
            self.engine.wake()

    async def start(self) -> None:
        if not self._started:
            self._started = True
            self.engine.start()

    async def idle(self) -> None:
        """Until every conversation's model turns and title requests have finished."""
        await asyncio.gather(*(c.idle() for c in list(self._open.values())))
        await self.titles.idle()

    async def stop(self) -> None:
        for conversation in list(self._open.values()):
            await conversation.stop_turns()
        await self.titles.stop()
        if "engine" in self.__dict__:
            await self.engine.stop()
        clients = {id(c): c for c in [self.client, *self._clients.values()]}
        for client in clients.values():
            await close_client(client)
        self.store.close()
