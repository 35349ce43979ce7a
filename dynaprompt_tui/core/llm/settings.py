"""The settings the model client reads, as a Protocol: the app's `Settings` satisfies it
structurally, so the core never imports the app's configuration."""

from __future__ import annotations

from typing import Protocol


class ModelSettings(Protocol):
    """Read-only (properties), so an immutable NamedTuple such as `config.Settings` fits."""

    @property
    def model(self) -> str: ...
    @property
    def api_key(self) -> str | None: ...
    @property
    def base_url(self) -> str | None: ...
    @property
    def temperature(self) -> float | None: ...  # None: the server chooses
    @property
    def tools(self) -> str: ...  # auto | on | off
    @property
    def max_tokens(self) -> int | None: ...  # the answer's length limit; 0 or None: not sent
    @property
    def request_timeout(self) -> float: ...
    @property
    def max_retries(self) -> int: ...
    @property
    def demo(self) -> bool: ...  # the offline demo bot instead of a model
