"""Which chat client to talk to: the offline demo bot, or the OpenAI client (optionally built on
its first use, so that opening a conversation does not import `openai`)."""

from __future__ import annotations

import logging
from collections.abc import AsyncIterator
from typing import TYPE_CHECKING, Any

log = logging.getLogger(__name__)

if TYPE_CHECKING:  # (annotations only: this module is on the app's start-up path)
    from dynaprompt_tui.core.llm.events import ChatClient, ChatEvent
    from dynaprompt_tui.core.llm.openai_client import OpenAIChatClient
    from dynaprompt_tui.core.llm.settings import ModelSettings


class LazyChatClient:
    """The OpenAI client, built on first use: importing `openai` costs ~0.5 s at start-up."""

    def __init__(self, settings: ModelSettings) -> None:
        self._settings = settings
        self._client: OpenAIChatClient | None = None

    def _get(self) -> OpenAIChatClient:
        if self._client is None:
            # Deferred: the client module and `openai` load at the first model call.
            from dynaprompt_tui.core.llm.openai_client import OpenAIChatClient

            self._client = OpenAIChatClient(self._settings)
        return self._client

    @property
    def tools_supported(self) -> bool | None:
        return None if self._client is None else self._client.tools_supported

    @property
    def requests(self) -> int:
        """HTTP requests made so far (retries and fallbacks included)."""
        return 0 if self._client is None else self._client.requests

    def stream(
        self, messages: list[dict[str, Any]], *, tools: list[dict[str, Any]] | None = None
    ) -> AsyncIterator[ChatEvent]:
        return self._get().stream(messages, tools=tools)

    async def list_models(self) -> list[str]:
        return await self._get().list_models()

    async def aclose(self) -> None:
        if self._client is not None:
            await self._client.aclose()


async def close_client(client: object) -> None:
    """Close a chat client that holds connections (`aclose`); a failure only matters to a log,
    as this runs while the app or the service stops."""
    aclose = getattr(client, "aclose", None)
    if aclose is not None:
        try:
            await aclose()
        except Exception:
            log.debug("closing a chat client failed", exc_info=True)


def make_chat_client(settings: ModelSettings, *, lazy: bool = False) -> ChatClient:
    """The demo bot when there is no key and no server (or ``--demo``), else the OpenAI client;
    ``lazy``: built at its first call instead of now."""
    if settings.demo:
        # Deferred: the demo bot's module is loaded only by those who talk to it.
        from dynaprompt_tui.core.llm.demo import DemoChatClient

        return DemoChatClient()
    if lazy:
        return LazyChatClient(settings)
    # Deferred: the client's module (and `openai`, in its constructor) load only when asked for.
    from dynaprompt_tui.core.llm.openai_client import OpenAIChatClient

    return OpenAIChatClient(settings)
