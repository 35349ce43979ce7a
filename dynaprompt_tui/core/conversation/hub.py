"""What a conversation needs from the `Workspace` that holds it, as a Protocol, so that the
conversation does not import the workspace (which builds conversations)."""

from __future__ import annotations

from typing import TYPE_CHECKING, Protocol

from dynaprompt_tui.core.conversation.transcript import ConversationListener

if TYPE_CHECKING:  # (annotations only: the engine is off the app's first frame)
    from dynaprompt_tui.core.scheduling.engine import Engine


class Hub(Protocol):
    listener: ConversationListener  # the window's: every conversation's changes reach it

    @property
    def engine(self) -> Engine: ...  # the one engine that delivers every conversation
    def wake(self) -> None: ...  # a schedule changed: the engine looks again (if it runs)
    async def start(self) -> None: ...
    async def stop(self) -> None: ...  # every conversation's work, and the store
