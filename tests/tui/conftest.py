"""App fixtures: the real Conversation on a SQLite file in tmp_path, a FakeClock, the demo bot."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest

from dynaprompt_tui.config import Settings
from dynaprompt_tui.core.clock import FakeClock
from dynaprompt_tui.core.conversation import Conversation
from dynaprompt_tui.tui.app import DynapromptApp, make_app
from tests.tui.helpers import START


@pytest.fixture
def clock() -> FakeClock:
    return FakeClock(START)


@pytest.fixture
def settings(tmp_path: Path) -> Settings:
    return Settings(db_path=tmp_path / "chat.db", tz="Europe/London", demo=True, bell=True)


@pytest.fixture
def build(settings: Settings, clock: FakeClock) -> Callable[..., DynapromptApp]:
    """Make an app (optionally with other settings, or a conversation prepared beforehand)."""

    def _build(settings: Settings = settings, **kw: Any) -> DynapromptApp:
        conversation = kw.pop("conversation", None) or Conversation.open(
            settings, clock=clock, chat_client=kw.pop("chat_client", None)
        )  # demo settings: the core's offline DemoChatClient
        app = make_app(settings, conversation=conversation, clock=clock, **kw)
        app.bells = 0  # type: ignore[attr-defined]

        def bell() -> None:
            app.bells += 1  # type: ignore[attr-defined]

        app.bell = bell  # type: ignore[method-assign]
        return app

    return _build


@pytest.fixture
def app(build: Callable[..., DynapromptApp]) -> DynapromptApp:
    return build()
