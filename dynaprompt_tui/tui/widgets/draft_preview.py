"""The line under the input that previews a draft's `dps` lines; made on first use."""

from __future__ import annotations

from textual.widgets import Static


class DraftPreview(Static):
    """The line under the input that previews what a draft's `dps` lines will do."""

    DEFAULT_CSS = """
    DraftPreview {
        display: none;
        height: auto;
        max-height: 4;
        padding: 0 2;
        background: $boost;
        &.-ok {
            color: $text-success;
        }
        &.-error {
            color: $text-error;
        }
    }
    """
