"""The docs build cleanly and say only true things about commands, flags and keys."""

from __future__ import annotations

import importlib
import inspect
import pkgutil
import re
import subprocess
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[1]
README = ROOT / "README.md"
KEYS_DOC = ROOT / "docs" / "keys.md"

INSTALL_CMD = "python3 -m venv .venv && .venv/bin/pip install -e . && .venv/bin/dynaprompt-tui"
TEST_CMD = (
    "python3 -m venv .venv && .venv/bin/pip install -e '.[test]' && .venv/bin/python -m pytest"
)


def _readme() -> str:
    return README.read_text(encoding="utf-8")


def test_mkdocs_build_is_strict_and_clean(tmp_path):
    mkdocs = Path(sys.executable).parent / "mkdocs"
    if not mkdocs.exists():
        pytest.fail("mkdocs is a test dependency: pip install -e '.[test]'")
    out = subprocess.run(
        [str(mkdocs), "build", "--strict", "-d", str(tmp_path / "site")],
        cwd=ROOT,
        capture_output=True,
        text=True,
        timeout=120,
    )
    log = out.stdout + out.stderr
    assert out.returncode == 0, log
    assert "WARNING" not in log, log
    assert (tmp_path / "site" / "index.html").is_file()


def test_readme_has_the_two_setup_commands_each_in_its_own_block():
    blocks = re.findall(r"```[a-z]*\n(.*?)```", _readme(), flags=re.S)
    stripped = [b.strip() for b in blocks]
    assert INSTALL_CMD in stripped, "README must show the install-and-run command in a block"
    assert TEST_CMD in stripped, "README must show the test command in a block"
    # They come first: right after the one-line pitch, before any other code block.
    assert stripped[:2] == [INSTALL_CMD, TEST_CMD]


def test_ci_runs_the_readme_test_command():
    ci = (ROOT / ".ci" / "run").read_text(encoding="utf-8")
    assert ".venv/bin/python -m pytest" in ci


def _section(text: str, heading: str) -> str:
    """The body of a Markdown section, up to the next heading of the same or a higher level."""
    m = re.search(rf"^(#+) {re.escape(heading)}\s*$", text, flags=re.M)
    assert m, f"no '{heading}' section"
    level = len(m.group(1))
    rest = text[m.end() :]
    end = re.search(rf"^#{{1,{level}}} ", rest, flags=re.M)
    return rest[: end.start()] if end else rest


def _help(*args: str) -> str:
    out = subprocess.run(
        [sys.executable, "-m", "dynaprompt_tui", *args, "--help"],
        cwd=ROOT,
        capture_output=True,
        text=True,
        timeout=60,
    )
    assert out.returncode == 0, out.stderr
    return out.stdout


def test_every_cli_flag_in_the_readme_exists():
    documented = set(re.findall(r"--[a-z][a-z-]*", _section(_readme(), "CLI")))
    assert {"--model", "--base-url", "--db", "--demo"} <= documented
    real = set(re.findall(r"--[a-z][a-z-]*", _help() + _help("export")))
    assert documented - real == set(), f"README documents flags the CLI lacks: {documented - real}"


def _documented_binding_ids() -> set[str]:
    text = KEYS_DOC.read_text(encoding="utf-8")
    m = re.search(r"<!-- binding-ids:begin -->(.*?)<!-- binding-ids:end -->", text, flags=re.S)
    assert m, "docs/keys.md must keep its binding-id table between the binding-ids markers"
    return set(re.findall(r"^\|\s*`([a-z0-9_.]+)`\s*\|", m.group(1), flags=re.M))


def _app_binding_ids() -> set[str]:
    """Every Binding id declared by a class in the dynaprompt_tui.tui package."""
    from textual.binding import Binding

    import dynaprompt_tui.tui as tui

    ids: set[str] = set()
    names = [tui.__name__] + [
        m.name for m in pkgutil.walk_packages(tui.__path__, prefix=tui.__name__ + ".")
    ]
    for name in names:
        module = importlib.import_module(name)
        for _, cls in inspect.getmembers(module, inspect.isclass):
            for b in getattr(cls, "BINDINGS", None) or ():
                if isinstance(b, Binding) and b.id:
                    ids.add(b.id)
    return ids


def test_the_app_knows_every_binding_id_for_config_checks():
    from dynaprompt_tui.tui.keys import BINDING_IDS

    assert _app_binding_ids() == BINDING_IDS


def test_key_binding_ids_in_the_docs_exist_in_the_app():
    real = _app_binding_ids()
    if not real:
        pytest.skip("the TUI declares no binding ids")
    documented = _documented_binding_ids()
    assert documented, "no binding ids found in docs/keys.md"
    assert documented - real == set(), f"docs/keys.md lists unknown ids: {documented - real}"
    assert real - documented == set(), f"binding ids missing from docs/keys.md: {real - documented}"
