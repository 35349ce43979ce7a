"""The use cases of a chat in which either side schedules: `Conversation` is the facade the UI
and the command line talk to; its collaborators (instructions, actions, turns, drafts, export)
live beside it."""

from dynaprompt_tui.core.conversation.facade import (
    Conversation,
    ConversationListener,
    ScheduleView,
    TurnFailed,
)

__all__ = ["Conversation", "ConversationListener", "ScheduleView", "TurnFailed"]
