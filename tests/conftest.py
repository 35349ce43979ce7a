"""Shared fixtures: a local OpenAI-protocol server (no network needed)."""

from __future__ import annotations

from collections.abc import Iterator

import pytest

from tests.openai_server import OpenAIServer


@pytest.fixture
def openai_server() -> Iterator[OpenAIServer]:
    """A fresh local server (127.0.0.1, free port, background thread); script it per test."""
    server = OpenAIServer("127.0.0.1", 0).start()
    try:
        yield server
    finally:
        server.stop()
