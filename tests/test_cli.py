"""The command line: fast --help/--version, one-line errors with exit code 2, export. The
scripting subcommands (schedule, parse, ask, completion) are tested in tests/cli/."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[1]


def run(*args: str, tmp_path: Path, code: str | None = None) -> subprocess.CompletedProcess[str]:
    env = {k: v for k, v in os.environ.items() if not k.startswith(("OPENAI_", "DYNAPROMPT_"))}
    env.update(
        HOME=str(tmp_path),
        XDG_CONFIG_HOME=str(tmp_path / "config"),
        XDG_DATA_HOME=str(tmp_path / "data"),
        PYTHONPATH=str(ROOT),
    )
    cmd = [sys.executable, "-c", code] if code else [sys.executable, "-m", "dynaprompt_tui"]
    return subprocess.run(
        [*cmd, *args], capture_output=True, text=True, env=env, cwd=tmp_path, timeout=60
    )


NO_HEAVY_IMPORTS = """
import sys
from dynaprompt_tui.cli import main
try:
    main(sys.argv[1:])
except SystemExit:
    pass
heavy = [m for m in ("textual", "openai", "dynaprompt_tui.tui", "dynaprompt_tui.core.conversation")
         if m in sys.modules]
print("HEAVY:", heavy)
"""


@pytest.mark.parametrize(
    "flags",
    [
        ["--help"],
        ["--version"],
        ["schedule", "--help"],
        ["schedule", "add", "--help"],
        ["conversations", "--help"],
        ["conversations", "set", "--help"],
    ],
)
def test_help_and_version_import_nothing_heavy(flags: list[str], tmp_path: Path) -> None:
    result = run(*flags, tmp_path=tmp_path, code=NO_HEAVY_IMPORTS)
    assert result.returncode == 0, result.stderr
    assert "HEAVY: []" in result.stdout


def test_version(tmp_path: Path) -> None:
    from dynaprompt_tui import __version__

    result = run("--version", tmp_path=tmp_path)
    assert result.returncode == 0
    assert result.stdout.strip() == f"dynaprompt-tui {__version__}"


def test_help_lists_flags_and_export(tmp_path: Path) -> None:
    result = run("--help", tmp_path=tmp_path)
    assert result.returncode == 0
    for flag in ("--model", "--base-url", "--db", "--tz", "--system-prompt", "--demo", "export"):
        assert flag in result.stdout
    for command in ("schedule", "conversations", "parse", "ask", "completion"):
        assert command in result.stdout


@pytest.mark.parametrize("command", ["schedule", "conversations", "parse", "ask", "export"])
def test_every_subcommand_takes_the_global_options(command: str, tmp_path: Path) -> None:
    result = run(command, "--help", tmp_path=tmp_path)
    assert result.returncode == 0
    for flag in ("--db", "--tz", "--config"):
        assert flag in result.stdout
    # The model's options are listed where a model may be called, and taken everywhere.
    model_shown = command in ("schedule", "ask")
    for flag in ("--model", "--base-url"):
        assert (flag in result.stdout) is model_shown
    taken = run(
        command, "--model", "m", "--base-url", "http://127.0.0.1:9/v1", "--help", tmp_path=tmp_path
    )
    assert taken.returncode == 0, taken.stderr


def test_global_options_before_or_after_the_subcommand(tmp_path: Path) -> None:
    db = str(tmp_path / "chat.db")
    added = run("--db", db, "schedule", "add", "--to", "user", "in 1 hour", "x", tmp_path=tmp_path)
    assert added.returncode == 0, added.stderr
    for args in (["--db", db, "schedule", "list"], ["schedule", "--db", db, "list"]):
        listed = run(*args, tmp_path=tmp_path)
        assert listed.returncode == 0 and "“x”" in listed.stdout, listed.stderr


STARTUP = """
import sys
from pathlib import Path
from dynaprompt_tui.config import load_settings
from dynaprompt_tui.tui.app import make_app
settings = load_settings({"api_key": "sk-not-used-123456", "db_path": str(Path("chat.db"))})
app = make_app(settings)
assert app.conversation.label == settings.model
print("OPENAI" if "openai" in sys.modules else "CLEAN")
"""


def test_startup_path_never_imports_openai(tmp_path: Path) -> None:
    """Building the app for a real model must not import `openai` (the client loads lazily)."""
    result = run(tmp_path=tmp_path, code=STARTUP)
    assert result.stdout.strip() == "CLEAN", result.stderr


@pytest.mark.parametrize(
    ("args", "needle"),
    [
        (["--bogus"], "unrecognized arguments: --bogus"),
        (["--tz", "Mars/Olympus"], "Mars/Olympus"),
        (["export", "--format", "pdf"], "invalid choice: 'pdf'"),
        (["--system-prompt", "missing.md"], "missing.md"),
        (["--db"], "expected one argument"),
    ],
)
def test_bad_input_is_one_line_and_exit_2(args: list[str], needle: str, tmp_path: Path) -> None:
    result = run(*args, tmp_path=tmp_path)
    assert result.returncode == 2
    assert needle in result.stderr
    assert len(result.stderr.strip().splitlines()) == 1, result.stderr
    assert "Traceback" not in result.stderr


def test_export_markdown_and_json(tmp_path: Path) -> None:
    from datetime import UTC, datetime

    from dynaprompt_tui.core.models import Role
    from dynaprompt_tui.core.storage.store import Store

    db = tmp_path / "chat.db"
    store = Store(db)
    store.add_message(Role.USER, "hello *there*", now=datetime(2026, 3, 5, 10, 15, tzinfo=UTC))
    store.close()
    md = run("export", "--db", str(db), "--demo", tmp_path=tmp_path)
    assert md.returncode == 0, md.stderr
    assert md.stdout.startswith("# New conversation\n")  # (its title: none given yet)
    assert "hello *there*" in md.stdout
    out = tmp_path / "out.json"
    js = run("--db", str(db), "export", "--format", "json", "-o", str(out), tmp_path=tmp_path)
    assert js.returncode == 0, js.stderr
    [message] = json.loads(out.read_text())
    assert message["role"] == "user" and message["content"] == "hello *there*"
    assert out.stat().st_mode & 0o777 == 0o600  # private like the database, whatever the umask


def test_export_of_a_missing_database_fails_and_creates_nothing(tmp_path: Path) -> None:
    db = tmp_path / "typo" / "chat.db"
    result = run("export", "--db", str(db), tmp_path=tmp_path)
    assert result.returncode == 1
    assert "no conversation at" in result.stderr and "Traceback" not in result.stderr
    assert not db.parent.exists()


def test_model_flags_reach_the_settings(tmp_path: Path) -> None:
    from dynaprompt_tui.cli.main import _settings, build_parser

    args = build_parser().parse_args(
        ["--db", str(tmp_path / "c.db"), "--temperature", "0.3", "--tools", "off", "--tz", "UTC"]
    )
    settings = _settings(args)
    assert (settings.temperature, settings.tools, settings.tz) == (0.3, "off", "UTC")
    bad = run("--tools", "maybe", tmp_path=tmp_path)
    assert bad.returncode == 2 and "invalid choice" in bad.stderr


def test_export_help_lists_what_export_uses_and_still_takes_the_global_options(
    tmp_path: Path,
) -> None:
    shown = run("export", "--help", tmp_path=tmp_path)
    assert shown.returncode == 0
    assert "--format {md,json}    md (Markdown, the default) or json" in shown.stdout
    for unused in ("--model", "--temperature", "--tools", "--max-tokens", "--base-url"):
        assert unused not in shown.stdout
    assert "--db" in shown.stdout and "--tz" in shown.stdout
    # Scripts pass the same options to every command: accepted, not listed.
    db = tmp_path / "none.db"
    taken = run(
        "export", "--model", "m", "--temperature", "0.2", "--db", str(db), tmp_path=tmp_path
    )
    assert taken.returncode == 1 and "no conversation at" in taken.stderr
