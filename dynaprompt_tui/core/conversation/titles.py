"""A conversation's title: the first words of its first message at once, then, when a model is
connected, the model's short summary of the first exchange (in the background; a failure keeps
the words). A title the user typed is never replaced."""

from __future__ import annotations

import asyncio
import logging
from collections.abc import Callable
from typing import TYPE_CHECKING, Any

from dynaprompt_tui.core.clock import Clock
from dynaprompt_tui.core.formatting import TITLE_CHARS, title_from_words
from dynaprompt_tui.core.llm.events import TextDelta
from dynaprompt_tui.core.models import Message, Role, TitleSource
from dynaprompt_tui.core.storage.store import Store

if TYPE_CHECKING:  # (annotations only)
    from dynaprompt_tui.core.llm.events import ChatClient

log = logging.getLogger(__name__)

ASK = (
    "Name this conversation in at most six words. Reply with the title only: no quotes, no"
    " full stop, no instructions."
)
EXCHANGE_CHARS = 2000  # of the first exchange sent to the model


def clean_title(text: str) -> str:
    """The model's answer as a title: its first line, without quotes, markup or a full stop."""
    line = next((ln for ln in text.strip().splitlines() if ln.strip()), "")
    marks = "\"'“”‘’*#` "
    line = line.strip(marks).removeprefix("Title:").strip(marks).rstrip(".").strip(marks)
    words = line.split()
    title = " ".join(words[:8])
    return title if len(title) <= TITLE_CHARS else title[: TITLE_CHARS - 1] + "…"


class TitleWriter:
    """Titles the conversations of one store; `told(conversation_id, None)` says one changed."""

    def __init__(self, store: Store, clock: Clock, told: Callable[[int, Message | None], None]):
        self.store = store
        self.clock = clock
        self.told = told
        self._asked: set[int] = set()  # conversations whose title the model was asked for
        self._tasks: set[asyncio.Task[Any]] = set()

    def from_words(self, conversation_id: int, text: str) -> None:
        """The user's first message in an untitled conversation names it."""
        info = self.store.conversation(conversation_id)
        if info.title_source is not TitleSource.NONE:
            return
        title = title_from_words(text)
        if title:
            self.store.set_title(title, TitleSource.WORDS, conversation_id)
            self.told(conversation_id, None)

    def by_model(self, conversation_id: int, client: ChatClient, *, enabled: bool) -> None:
        """After the first exchange: ask the model for a title, in the background."""
        if not enabled or conversation_id in self._asked:
            return
        info = self.store.conversation(conversation_id)
        if info.title_source not in (TitleSource.NONE, TitleSource.WORDS):
            return
        self._asked.add(conversation_id)
        task = asyncio.get_running_loop().create_task(self._ask(conversation_id, client))
        self._tasks.add(task)
        task.add_done_callback(self._tasks.discard)

    async def _ask(self, conversation_id: int, client: ChatClient) -> None:
        scoped = self.store.scoped(conversation_id)
        first = [m for m in scoped.messages(limit=20) if m.role in (Role.USER, Role.ASSISTANT)]
        exchange = "\n\n".join(f"{m.role.value}: {m.content}" for m in first[:2])
        request = [
            {"role": "system", "content": ASK},
            {"role": "user", "content": exchange[:EXCHANGE_CHARS]},
        ]
        parts: list[str] = []
        try:
            async for event in client.stream(request, tools=None):
                if isinstance(event, TextDelta):
                    parts.append(event.text)
        except Exception as e:  # the words stay; the chat is not bothered with it
            log.info("asking the model for a title failed: %s", type(e).__name__)
            return
        title = clean_title("".join(parts))
        if title:
            self.store.set_title(title, TitleSource.MODEL, conversation_id)
            self.told(conversation_id, None)

    async def idle(self) -> None:
        while self._tasks:
            await asyncio.gather(*list(self._tasks), return_exceptions=True)

    async def stop(self) -> None:
        for task in list(self._tasks):
            task.cancel()
        await self.idle()
