"""`dynaprompt-tui conversations ...` and `--conversation C` as a script uses them: list, new,
show, rename, set, archive, unarchive, rm (asking first; ids only); schedules, `ask` and
`export` in a chosen conversation; one-line errors saying how to see the conversations."""

from __future__ import annotations

import json
import os
import pty
import subprocess
from datetime import UTC, datetime
from pathlib import Path

import pytest

from dynaprompt_tui.core.models import Role
from dynaprompt_tui.core.storage.store import Store
from tests.cli.conftest import Cli, clean_env
from tests.openai_server import OpenAIServer

CONVERSATION_KEYS = {
    "id",
    "title",
    "title_source",
    "unread",
    "pending",
    "updated_at",
    "created_at",
    "archived",
    "model",
    "system_prompt",
    "temperature",
}


def new(cli: Cli, *args: str) -> dict:
    result = cli("conversations", "new", *args, "--json")
    assert result.code == 0, result.err
    return result.json()["conversation"]


def schedule(cli: Cli, conversation: str, message: str, when: str = "in 2 hours") -> dict:
    result = cli("schedule", "add", "--to", "user", "-c", conversation, when, message, "--json")
    assert result.code == 0, result.err
    return result.json()["schedule"]


def listed(cli: Cli, *args: str) -> list[dict]:
    result = cli("conversations", "list", *args, "--json")
    assert result.code == 0, result.err
    return result.json()["conversations"]


def messages_of(cli: Cli, conversation_id: int) -> list[str]:
    store = Store(cli.db)
    try:
        return [m.content for m in store.scoped(conversation_id).messages(limit=100)]
    finally:
        store.close()


@pytest.fixture
def three(cli: Cli) -> tuple[int, int, int]:
    """Spanish (1, the first exchange), Work stuff (2), Workout coach (3, the latest)."""
    cli("ask", "--demo", "hola", "--no-stream")
    cli("conversations", "rename", "1", "Spanish")
    return 1, new(cli, "Work", "stuff")["id"], new(cli, "Workout coach")["id"]


def test_list_new_and_the_documented_json(cli: Cli) -> None:
    missing = cli("conversations", "list")
    assert missing.code == 1 and "no conversation at" in missing.error_line
    assert not cli.db.exists()  # only `new` (and add, ask) create a database
    made = new(cli, "Spanish", "lessons")
    assert set(made) == CONVERSATION_KEYS
    assert (made["title"], made["title_source"], made["unread"], made["pending"]) == (
        "Spanish lessons",
        "user",
        0,
        0,
    )
    assert made["model"] is None and made["temperature"] is None  # the settings' default
    schedule(cli, "spanish", "conjugate ser")
    rows = listed(cli)
    # The database's first conversation (empty) and the new one, the latest activity first.
    assert [(c["id"], c["title"], c["pending"]) for c in rows] == [
        (made["id"], "Spanish lessons", 1),
        (1, "New conversation", 0),
    ]
    text = cli("conversations")  # without an action: the list
    assert text.code == 0, text.err
    header, first, second = text.out.splitlines()
    assert header.split() == ["ID", "UNREAD", "PENDING", "LATEST", "TITLE"]
    assert first.split()[:3] == [str(made["id"]), "0", "1"] and "Spanish lessons" in first
    assert "today" in first and "New conversation" in second


def test_unread_counts_what_fired_and_ask_reads_its_own_reply(
    cli: Cli, openai_server: OpenAIServer
) -> None:
    cli.env = {"OPENAI_API_KEY": "sk-test-123456789", "OPENAI_BASE_URL": openai_server.base_url}
    openai_server.reply("Hola.")
    openai_server.reply("Spanish practice")  # (the title the model gives the first exchange)
    assert cli("ask", "hello").code == 0
    [c] = listed(cli)
    assert (c["unread"], c["title"], c["title_source"]) == (0, "Spanish practice", "model")
    store = Store(cli.db)
    store.add_message(Role.REMINDER, "a reminder fired", now=datetime.now(UTC))
    store.close()
    assert listed(cli)[0]["unread"] == 1


def test_a_conversation_is_found_by_id_title_or_prefix_else_one_line_says_how_to_list(
    cli: Cli, three: tuple[int, int, int]
) -> None:
    spanish, work, coach = three
    assert schedule(cli, str(work), "a")["conversation"] == work
    assert schedule(cli, "SPANISH", "b")["conversation"] == spanish  # a title, any case
    assert schedule(cli, "workout", "c")["conversation"] == coach  # a unique start
    assert schedule(cli, "coach", "d")["conversation_title"] == "Workout coach"  # a word's start
    assert schedule(cli, "work stuff", "e")["conversation"] == work  # a whole title wins
    unknown = cli("schedule", "add", "--to", "user", "-c", "French", "in 1 hour", "x")
    assert unknown.code == 1
    assert unknown.error_line == (
        "dynaprompt-tui: error: no conversation “French” "
        "(`dynaprompt-tui conversations list --all` lists them)"
    )
    several = cli("schedule", "list", "--conversation", "wor")
    assert several.code == 1
    assert "“wor” matches 2 conversations: " in several.error_line
    assert f"{work} “Work stuff”" in several.error_line and "give its id" in several.error_line
    absent = cli("ask", "hi", "-c", "Spanish", "--db", str(cli.home / "typo.db"), db=False)
    assert absent.code == 1 and not (cli.home / "typo.db").exists()  # nothing created


def test_schedule_list_is_the_current_conversations_and_all_shows_each_ones(
    cli: Cli, three: tuple[int, int, int]
) -> None:
    _, work, _ = three
    a = schedule(cli, "Spanish", "conjugate ser")
    b = schedule(cli, str(work), "deploy", when="in 3 hours")
    current = cli("schedule", "list", "--json").json()["schedules"]  # the latest active: Work
    assert [s["id"] for s in current] == [b["id"]]
    assert current[0]["conversation_title"] == "Work stuff"
    chosen = cli("schedule", "list", "-c", "spanish", "--json").json()["schedules"]
    assert [s["id"] for s in chosen] == [a["id"]]
    every = cli("schedule", "list", "--all")
    assert every.code == 0, every.err
    first, second = every.out.splitlines()  # the next to fire first, each naming its own
    assert first.startswith(f"{a['id']} · in “Spanish” · to you")
    assert second.startswith(f"{b['id']} · in “Work stuff” · to you")
    empty = cli("schedule", "list", "-c", "coach")
    assert empty.out == "no pending schedules in “Workout coach”\n"
    assert cli("schedule", "cancel", a["id"]).code == 0  # an id names any conversation's
    done = cli("schedule", "list", "-c", "Spanish", "--finished", "--json").json()["schedules"]
    assert [(s["id"], s["state"]) for s in done] == [(a["id"], "cancelled")]
    both = cli("schedule", "list", "--all", "-c", "Spanish")
    assert both.code == 2 and "not allowed with argument" in both.error_line


def test_rename_show_and_set_its_own_model_persona_and_temperature(
    cli: Cli, three: tuple[int, int, int]
) -> None:
    renamed = cli("conversations", "rename", "coach", "Morning", "workout", "--json")
    assert renamed.json()["conversation"]["title"] == "Morning workout"
    changed = cli(
        "conversations", "set", "morning", "--model", "gpt-4o", "--temperature", "0.3",
        "--system-prompt", "-", "--json", stdin="You are a strict coach.\n",
    )  # fmt: skip
    assert changed.code == 0, changed.err
    doc = changed.json()["conversation"]
    assert (doc["model"], doc["temperature"], doc["system_prompt"]) == (
        "gpt-4o",
        0.3,
        "You are a strict coach.",
    )
    shown = cli("conversations", "show", "Morning workout", "--model", "house-model")
    assert "model:       gpt-4o (its own)" in shown.out
    assert "persona:     “You are a strict coach.” (its own)" in shown.out
    reset = cli("conversations", "set", "morning", "--model", "", "--temperature", "")
    assert reset.code == 0, reset.err
    assert "temperature the server's (the default)" in reset.out
    assert "persona “You are a strict coach.” (its own)" in reset.out
    doc = cli("conversations", "show", "morning", "--json").json()["conversation"]
    assert (doc["model"], doc["temperature"], doc["messages"]) == (None, None, 0)
    nothing = cli("conversations", "set", "morning")
    assert nothing.code == 2 and "give --model, --system-prompt or --temperature" in nothing.err
    hot = cli("conversations", "set", "morning", "--temperature", "7")
    assert hot.code == 2 and "between 0 and 2" in hot.error_line
    empty = cli("conversations", "rename", "morning", " ")
    assert empty.code == 1 and "a title cannot be empty" in empty.error_line


def test_archive_hides_from_the_list_and_unarchive_brings_back(
    cli: Cli, three: tuple[int, int, int]
) -> None:
    spanish, work, coach = three
    result = cli("conversations", "archive", "Spanish", str(work))
    assert result.out.splitlines() == [
        f"archived {spanish} “Spanish”",
        f"archived {work} “Work stuff”",
    ]
    assert [c["id"] for c in listed(cli)] == [coach]
    every = listed(cli, "--all")
    assert {c["id"]: c["archived"] for c in every} == {spanish: True, work: True, coach: False}
    text = cli("conversations", "list", "--all").out
    assert "Spanish (archived)" in text
    back = cli("conversations", "unarchive", "spanish", "--json")
    assert [c["archived"] for c in back.json()["conversations"]] == [False]
    bad = cli("conversations", "archive", "Spanish", "French")
    assert bad.code == 1 and "no conversation “French”" in bad.error_line
    assert {c["id"] for c in listed(cli)} == {spanish, coach}


def test_rm_needs_an_id_and_a_yes_where_nobody_can_answer(
    cli: Cli, three: tuple[int, int, int]
) -> None:
    spanish, work, coach = three
    s = schedule(cli, "Spanish", "conjugate ser")
    refused = cli("conversations", "rm", str(spanish))  # stdin is not a terminal
    assert refused.code == 2 and "add --yes to confirm" in refused.error_line
    by_title = cli("conversations", "rm", "Spanish", "--yes")
    assert by_title.code == 2
    assert f"rm takes conversation ids, not titles; “Spanish” is conversation {spanish}" in (
        by_title.error_line
    )
    unknown = cli("conversations", "rm", str(spanish), "99", "--yes")
    assert unknown.code == 1 and "no conversation 99" in unknown.error_line
    assert len(listed(cli)) == 3  # nothing deleted when one id is wrong
    done = cli("conversations", "rm", str(spanish), "--yes", "--json")
    assert done.code == 0, done.err
    [gone] = done.json()["deleted"]
    assert (gone["id"], gone["title"], gone["messages"], gone["pending"]) == (
        spanish,
        "Spanish",
        3,
        1,
    )
    assert [c["id"] for c in listed(cli, "--all")] == [coach, work]
    assert messages_of(cli, spanish) == []
    history = cli("schedule", "history", s["id"])  # its schedules went with it
    assert history.code == 1 and "no schedule" in history.error_line


def _on_a_terminal(cli: Cli, answer: str, *args: str) -> tuple[int, str]:
    """Run with stdin on a pseudo-terminal, answering the question."""
    controller, terminal = pty.openpty()
    proc = subprocess.Popen(
        cli.args(args, True),
        stdin=terminal,
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        env=clean_env(cli.home, cli.env),
        cwd=cli.home,
    )
    os.close(terminal)
    os.write(controller, answer.encode() + b"\n")
    out, err = proc.communicate(timeout=60)
    os.close(controller)
    return proc.returncode, (out + err).decode()


def test_rm_on_a_terminal_asks_first(cli: Cli, three: tuple[int, int, int]) -> None:
    spanish, work, coach = three
    code, text = _on_a_terminal(cli, "n", "conversations", "rm", str(work))
    assert code == 1 and f"{work} “Work stuff”: 0 messages, 0 pending schedules" in text
    assert "for good? [y/N]" in text and "nothing deleted" in text
    code, text = _on_a_terminal(cli, "y", "conversations", "rm", str(work))
    assert code == 0 and f"deleted {work} “Work stuff”" in text
    assert [c["id"] for c in listed(cli)] == [coach, spanish]


def test_rm_of_the_last_conversation_leaves_an_empty_one(cli: Cli) -> None:
    assert cli("ask", "--demo", "hi", "--no-stream").code == 0
    assert cli("conversations", "rm", "1", "-y").code == 0
    [left] = listed(cli)
    assert left["id"] != 1 and left["title_source"] == "none"


def test_ask_sends_in_the_chosen_conversation(
    cli: Cli, openai_server: OpenAIServer, three: tuple[int, int, int]
) -> None:
    _, work, coach = three
    cli.env = {"OPENAI_API_KEY": "sk-test-123456789", "OPENAI_BASE_URL": openai_server.base_url}
    cli("conversations", "set", "coach", "--model", "coach-model", "--system-prompt", "Be brief.")
    openai_server.reply("Ten push-ups.")
    result = cli("ask", "-c", "coach", "what now?")
    assert result.code == 0, result.err
    assert result.out == "Ten push-ups.\n"
    assert messages_of(cli, coach) == ["what now?", "Ten push-ups."]
    assert messages_of(cli, work) == []
    [turn] = openai_server.bodies  # (the coach is titled already: no title request)
    assert turn["model"] == "coach-model"  # its own model and persona
    assert "Be brief." in turn["messages"][0]["content"]
    assert listed(cli)[0]["id"] == coach  # now the latest active: the default from here on


def test_export_one_or_all_as_markdown_and_json(cli: Cli, three: tuple[int, int, int]) -> None:
    spanish, work, coach = three
    schedule(cli, "coach", "stretch")
    one = cli("export", "-c", "Spanish")
    assert one.code == 0, one.err
    assert one.out.startswith("# Spanish\n") and "hola" in one.out
    messages = cli("export", "-c", "spanish", "--format", "json").json()
    assert messages[0]["content"] == "hola"  # one conversation: the list of its messages
    cli("conversations", "archive", str(work))
    md = cli("export", "--all").out
    headings = [line for line in md.splitlines() if line.startswith("# ")]
    assert headings == ["# Spanish", "# Work stuff (archived)", "# Workout coach"]
    out = cli.home / "all.json"
    assert cli("export", "--all", "--format", "json", "-o", str(out)).code == 0
    assert out.stat().st_mode & 0o777 == 0o600
    every = json.loads(out.read_text(encoding="utf-8"))
    assert [(c["id"], c["title"], c["archived"]) for c in every] == [
        (spanish, "Spanish", False),
        (work, "Work stuff", True),
        (coach, "Workout coach", False),
    ]
    assert every[0]["messages"][0]["content"] == "hola"
    assert every[1]["messages"] == [] and every[2]["messages"][0]["role"] == "notice"
    both = cli("export", "--all", "-c", "Spanish")
    assert both.code == 2
    unknown = cli("export", "-c", "French")
    assert unknown.code == 1 and "conversations list --all" in unknown.error_line


def test_conversations_help_and_usage_errors(cli: Cli) -> None:
    shown = cli("conversations", "--help", db=False)
    assert shown.code == 0
    for action in ("list", "new", "show", "rename", "set", "archive", "unarchive", "rm"):
        assert action in shown.out
    assert cli("conversations", "rename", "1", db=False).code == 2
    assert cli("conversations", "frobnicate", db=False).code == 2


def test_the_global_options_still_work_after_conversations(cli: Cli, tmp_path: Path) -> None:
    db = str(tmp_path / "other.db")
    made = cli("--db", db, "conversations", "new", "A", db=False)
    assert made.code == 0, made.err
    assert "A" in cli("conversations", "list", "--db", db, db=False).out
