"""The parsed arguments as the app's `Settings`: the global options' values override the
environment, `.env` and the config file (config.py merges them)."""

from __future__ import annotations

import argparse
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from dynaprompt_tui.config import Settings


def settings_from_args(args: argparse.Namespace) -> Settings:
    """ConfigError (one line) for a bad value from any source."""
    from dynaprompt_tui.config import load_settings

    cli = {
        "model": getattr(args, "model", None),
        "base_url": getattr(args, "base_url", None),
        "db_path": getattr(args, "db", None),
        "tz": getattr(args, "tz", None),
        "system_prompt_file": getattr(args, "system_prompt", None),
        "config": getattr(args, "config", None),
        "temperature": getattr(args, "temperature", None),
        "max_tokens": getattr(args, "max_tokens", None),  # (checked by config, as from a file)
        "tools": getattr(args, "tools", None),
        "demo": True if getattr(args, "demo", None) else None,
    }
    return load_settings(cli)
