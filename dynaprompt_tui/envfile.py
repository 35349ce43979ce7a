"""Reading the `.env` file: its values, and a warning for every line python-dotenv could not
parse (it only logs them to stderr, which the full-screen app hides: an unclosed quote around the
API key would quietly start the demo bot)."""

from __future__ import annotations

import io
from pathlib import Path


def read_env_file(path: Path) -> tuple[dict[str, str], list[str]]:
    """(the variables, the problems to show); raises OSError or UnicodeDecodeError."""
    # Deferred: python-dotenv is loaded only when there is a .env to read.
    from dotenv import dotenv_values
    from dotenv.main import logger
    from dotenv.parser import parse_stream

    text = path.read_text(encoding="utf-8")
    bad = [b.original.line for b in parse_stream(io.StringIO(text)) if b.error]
    was = logger.disabled
    logger.disabled = True  # its stderr lines would garble the screen; we report them instead
    try:
        values = dotenv_values(stream=io.StringIO(text))
    finally:
        logger.disabled = was
    problems = [
        f"{path}: line {line} cannot be read (an unclosed quote?), so its value is ignored"
        for line in bad[:3]
    ]
    return {k: v for k, v in values.items() if v is not None}, problems
