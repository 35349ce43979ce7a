"""The domain core never imports Textual (or openai at import time): checked in a fresh process."""

import pkgutil
import subprocess
import sys

import pytest

import dynaprompt_tui.core as core

CORE_MODULES = sorted(
    m.name for m in pkgutil.walk_packages(core.__path__, "dynaprompt_tui.core.") if not m.ispkg
)


@pytest.mark.parametrize("module", CORE_MODULES)
def test_core_module_does_not_import_textual(module):
    code = (
        f"import sys, {module}\n"
        "bad = sorted(m for m in sys.modules if m.split('.')[0] in ('textual', 'openai'))\n"
        "print(','.join(bad))\n"
    )
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
    assert out.stdout.strip() == "", f"{module} imports {out.stdout.strip()}"


def test_there_are_core_modules():
    assert "dynaprompt_tui.core.conversation.instructions" in CORE_MODULES
