"""The settings a conversation reads, as a Protocol: the app's `Settings` satisfies it
structurally, so the core never imports the app's configuration."""

from __future__ import annotations

from pathlib import Path
from typing import Protocol

from dynaprompt_tui.core.llm.settings import ModelSettings
from dynaprompt_tui.core.scheduling.guardrails import Guardrails


class ConversationSettings(ModelSettings, Protocol):
    """The model client's settings (a conversation may build its client), and its own."""

    @property
    def tz(self) -> str: ...  # the user's IANA zone
    @property
    def db_path(self) -> Path: ...
    @property
    def guardrails(self) -> Guardrails: ...
    @property
    def system_prompt(self) -> str | None: ...  # the user's own text, after the protocol
