"""`dynaprompt-tui ask PROMPT` against the local OpenAI-protocol server: the reply on stdout, the
cards on stderr, the bot's instructions and tool calls carried out, both messages stored; the
demo bot without a key; exit 1 when the model cannot be reached."""

from __future__ import annotations

import io
import subprocess
from datetime import UTC, datetime
from pathlib import Path

import pytest

from dynaprompt_tui.cli.commands.ask import Printer
from dynaprompt_tui.core.models import Message, Role
from dynaprompt_tui.core.storage.store import Store
from tests.cli.conftest import Cli, clean_env
from tests.openai_server import OpenAIServer


def against(cli: Cli, server: OpenAIServer) -> Cli:
    cli.env = {
        "OPENAI_API_KEY": "sk-test-not-a-real-key-123456",
        "OPENAI_BASE_URL": server.base_url,
    }
    return cli


def stored(cli: Cli) -> list[Message]:
    store = Store(cli.db)
    try:
        return store.messages(limit=100)
    finally:
        store.close()


def test_the_reply_streams_to_stdout_and_both_messages_are_stored(
    cli: Cli, openai_server: OpenAIServer
) -> None:
    openai_server.reply("Hello from the model, nice to meet you.")
    result = against(cli, openai_server)("ask", "hi there", "--model", "house-model")
    assert result.code == 0, result.err
    assert result.out == "Hello from the model, nice to meet you.\n"
    assert result.err == ""
    user, bot = stored(cli)
    assert (user.role, user.content) == (Role.USER, "hi there")
    assert (bot.role, bot.content) == (Role.ASSISTANT, "Hello from the model, nice to meet you.")
    # The model saw the prompt as the user's message, after the system prompt.
    turn, title = openai_server.bodies  # a first exchange: the model names it, as in the app
    sent = turn["messages"]
    assert sent[0]["role"] == "system" and sent[-1] == {"role": "user", "content": "hi there"}
    assert turn["model"] == "house-model"
    assert "Name this conversation" in title["messages"][0]["content"]
    assert "sk-test" not in result.out + result.err
    exported = cli("export", "--format", "json")  # the app's export sees both
    assert [m["content"] for m in exported.json()] == [user.content, bot.content]


def test_the_bots_instructions_run_and_their_cards_go_to_stderr(
    cli: Cli, openai_server: OpenAIServer
) -> None:
    openai_server.reply("Sure, I will remind you.\ndps user in 2 hours\nStretch your legs!")
    result = against(cli, openai_server)("ask", "remind me to stretch in 2 hours", "--no-stream")
    assert result.code == 0, result.err
    assert result.out == "Sure, I will remind you.\n"  # the instruction lines are not shown
    assert result.err.startswith("[scheduled] the bot scheduled a message to you · ")
    [s] = cli("schedule", "list", "--json").json()["schedules"]
    assert (s["by"], s["to"], s["message"]) == ("chatbot", "user", "Stretch your legs!")


def test_a_tool_call_is_carried_out(cli: Cli, openai_server: OpenAIServer) -> None:
    openai_server.reply_tool_calls(
        {
            "name": "schedule_message",
            "arguments": {"recipient": "chatbot", "when": "tomorrow 9am", "prompt": "Quiz me"},
        }
    )
    openai_server.reply("Done: I will quiz you tomorrow at 9.")
    result = against(cli, openai_server)("ask", "quiz me tomorrow morning")
    assert result.code == 0, result.err
    assert result.out == "Done: I will quiz you tomorrow at 9.\n"
    assert "[scheduled] the bot scheduled a message to the chatbot" in result.err
    [s] = cli("schedule", "list", "--json").json()["schedules"]
    assert (s["by"], s["to"], s["message"]) == ("chatbot", "chatbot", "Quiz me")


def test_the_users_own_instructions_run_as_in_the_app(
    cli: Cli, openai_server: OpenAIServer
) -> None:
    openai_server.reply("Noted.")
    result = against(cli, openai_server)(
        "ask", "-", stdin="Going for a run.\ndps user in 45 minutes\nDrink water.\n"
    )
    assert result.code == 0, result.err
    assert result.out == "Noted.\n"
    assert result.err.startswith("[scheduled] you scheduled a message to you")
    [s] = cli("schedule", "list", "--json").json()["schedules"]
    assert (s["by"], s["message"]) == ("user", "Drink water.")


def test_an_unreachable_model_is_exit_1_and_keeps_the_prompt(cli: Cli, tmp_path: Path) -> None:
    config = tmp_path / "fast.toml"
    config.write_text("max_retries = 0\nrequest_timeout = 5\n")
    cli.env = {"OPENAI_API_KEY": "sk-test-123456789", "OPENAI_BASE_URL": "http://127.0.0.1:9/v1"}
    result = cli("ask", "anyone there?", "--config", str(config))
    assert result.code == 1
    assert result.error_line.startswith("dynaprompt-tui: error: the model call failed")
    assert result.out == "" and "sk-test" not in result.err
    user, error = stored(cli)
    assert (user.role, user.content) == (Role.USER, "anyone there?")
    assert error.role is Role.ERROR and error.meta["retryable"]  # Retry, in the app


def test_without_a_key_the_demo_bot_answers(cli: Cli) -> None:
    result = cli("ask", "remind me to stretch in 1 minute")
    assert result.code == 0, result.err
    assert "remind you" in result.out
    assert "[scheduled] the bot scheduled" in result.err
    assert len(cli("schedule", "list", "--json").json()["schedules"]) == 1


def test_bad_ask_usage(cli: Cli) -> None:
    empty = cli("ask", "-", stdin="\n")
    assert empty.code == 2 and "stdin is empty" in empty.error_line
    missing = cli("ask")
    assert missing.code == 2 and "required: PROMPT" in missing.error_line
    assert not cli.db.exists()


class _Out(io.StringIO):
    def __init__(self) -> None:
        super().__init__()
        self.flushes: list[str] = []

    def flush(self) -> None:
        self.flushes.append(self.getvalue())


def test_streamed_text_is_flushed_piece_by_piece() -> None:
    """A terminal (or a pipe's reader) sees each piece of a long reply as it comes."""
    out, err = _Out(), io.StringIO()
    printer = Printer(stream=True, out=out, err=err)
    now = datetime(2026, 3, 5, tzinfo=UTC)
    printer.on_message(Message(7, Role.ASSISTANT, "", now, meta={"streaming": True}))
    for piece in ("Once ", "upon ", "a time"):
        printer.on_delta(7, piece)
    printer.on_message_changed(Message(7, Role.ASSISTANT, "Once upon a time", now))
    assert out.flushes[:3] == ["Once ", "Once upon ", "Once upon a time"]
    assert out.getvalue() == "Once upon a time\n" and err.getvalue() == ""


@pytest.mark.parametrize("stream", [True, False])
def test_stdout_ends_with_the_turn_while_the_model_names_the_conversation(
    cli: Cli, openai_server: OpenAIServer, stream: bool
) -> None:
    """`ask ... | next-command`: the reader has the reply, and the end of it, without waiting
    for the title the model is still writing (the command waits up to TITLE_WAIT s for it)."""
    openai_server.reply("Here is the whole reply.")
    openai_server.slow(3.0, "Greetings")  # the title: slower than the reader waits here
    against(cli, openai_server)
    args = ["ask", "hi", *([] if stream else ["--no-stream"])]
    proc = subprocess.Popen(
        cli.args(tuple(args), db=True),
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
        env=clean_env(cli.home, cli.env),
        cwd=cli.home,
    )

    def title() -> str:
        [conversation] = cli("conversations", "list", "--json").json()["conversations"]
        return str(conversation["title"])

    try:
        out = proc.stdout.read() if proc.stdout else ""  # to the end of stdout
        at_the_end = title()
        assert proc.wait(timeout=30) == 0
    finally:
        if proc.poll() is None:
            proc.kill()
    assert out == "Here is the whole reply.\n"
    assert at_the_end != "Greetings"  # the end of stdout came before the title
    assert title() == "Greetings"  # (which the command then stored)
