"""The domain core: plain Python, no Textual import (tests/core/test_import_hygiene.py checks)."""
