"""Shell completion from argcomplete: the scripts it prints, and the answers bash gets."""

from __future__ import annotations

import shutil
import subprocess

import pytest

from tests.cli.conftest import COMMAND, Cli, clean_env


@pytest.mark.parametrize(
    ("shell", "needle"),
    [("bash", "complete "), ("zsh", "#compdef dynaprompt-tui"), ("fish", "complete --command")],
)
def test_completion_scripts(cli: Cli, shell: str, needle: str) -> None:
    result = cli("completion", shell, db=False)
    assert result.code == 0, result.err
    assert needle in result.out and "dynaprompt-tui" in result.out


def test_completion_needs_a_known_shell(cli: Cli) -> None:
    result = cli("completion", "tcsh", db=False)
    assert result.code == 2 and "invalid choice: 'tcsh'" in result.error_line


@pytest.mark.skipif(shutil.which("bash") is None, reason="needs bash")
def test_bash_completes_subcommands_choices_and_ids(cli: Cli) -> None:
    """The bash script, sourced in a real bash, asks the installed command for the words."""
    added = cli("schedule", "add", "--to", "user", "in 1 hour", "x", "--json")
    sid = added.json()["schedule"]["id"]
    script = cli("completion", "bash", db=False).out
    probe = f"""
{script}
complete_line() {{
    COMP_LINE="$1"; COMP_POINT=${{#1}}; COMP_WORDS=($1); [[ "$1" == *" " ]] && COMP_WORDS+=("")
    COMP_CWORD=$(( ${{#COMP_WORDS[@]}} - 1 ))
    _python_argcomplete dynaprompt-tui
    echo "${{COMPREPLY[*]}}"
}}
complete_line "dynaprompt-tui sch"
complete_line "dynaprompt-tui schedule "
complete_line "dynaprompt-tui schedule add --to "
complete_line "dynaprompt-tui --db {cli.db} schedule cancel {sid[:2]}"
"""
    env = clean_env(cli.home, {"PATH": f"{COMMAND.rsplit('/', 1)[0]}:/usr/bin:/bin"})
    done = subprocess.run(
        ["bash", "-c", probe], capture_output=True, text=True, env=env, timeout=60
    )
    lines = done.stdout.splitlines()
    assert len(lines) == 4, done.stdout + done.stderr
    assert lines[0].split() == ["schedule"]
    assert {"add", "list", "cancel", "pause", "resume", "history"} <= set(lines[1].split())
    assert set(lines[2].split()) == {"user", "chatbot", "u", "c"}
    assert lines[3].split() == [sid]  # ids from the database the options name


@pytest.mark.skipif(shutil.which("bash") is None, reason="needs bash")
def test_bash_completes_conversations_and_their_ids(cli: Cli) -> None:
    """The new subcommand, its actions, and conversation ids after --conversation, `show`,
    `archive` (the ones not archived) and `unarchive` (the archived ones)."""
    for title in ("Spanish", "Work"):
        assert cli("conversations", "new", title).code == 0
    assert cli("conversations", "archive", "Work").code == 0
    script = cli("completion", "bash", db=False).out
    db = f"--db {cli.db}"
    probe = f"""
{script}
complete_line() {{
    COMP_LINE="$1"; COMP_POINT=${{#1}}; COMP_WORDS=($1); [[ "$1" == *" " ]] && COMP_WORDS+=("")
    COMP_CWORD=$(( ${{#COMP_WORDS[@]}} - 1 ))
    _python_argcomplete dynaprompt-tui
    echo "${{COMPREPLY[*]}}"
}}
complete_line "dynaprompt-tui conv"
complete_line "dynaprompt-tui conversations "
complete_line "dynaprompt-tui {db} schedule list --conversation "
complete_line "dynaprompt-tui {db} conversations archive "
complete_line "dynaprompt-tui {db} conversations unarchive "
complete_line "dynaprompt-tui {db} conversations rm "
"""
    env = clean_env(cli.home, {"PATH": f"{COMMAND.rsplit('/', 1)[0]}:/usr/bin:/bin"})
    done = subprocess.run(
        ["bash", "-c", probe], capture_output=True, text=True, env=env, timeout=60
    )
    # (Where a flag may come too, bash is offered the flags as well: only the words count.)
    lines = [
        " ".join(w for w in line.split() if not w.startswith("-"))
        for line in done.stdout.splitlines()
    ]
    assert len(lines) == 6, done.stdout + done.stderr
    assert lines[0].split() == ["conversations"]
    actions = {"list", "new", "show", "rename", "set", "archive", "unarchive", "rm"}
    assert actions <= set(lines[1].split())
    assert set(lines[2].split()) == {"1", "2", "3"}  # the first conversation, Spanish, Work
    assert set(lines[3].split()) == {"1", "2"}  # Work is archived already
    assert lines[4].split() == ["3"]
    assert set(lines[5].split()) == {"1", "2", "3"}
