"""The use cases of a chat in which either side schedules: `Conversation` is the facade the UI
and the command line talk to; its collaborators (transcript, instructions, actions, turns,
drafts, export, schedule views) live beside it and never import it."""

from dynaprompt_tui.core.conversation.facade import (
    Conversation,
    ConversationListener,
    ScheduleView,
    TurnFailed,
)

__all__ = ["Conversation", "ConversationListener", "ScheduleView", "TurnFailed"]
