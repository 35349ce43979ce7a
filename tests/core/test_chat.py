"""OpenAIChatClient against the local OpenAI-protocol server, through the real SDK over HTTP."""

from __future__ import annotations

import socket
import subprocess
import sys
from pathlib import Path
from typing import Any

import openai
import pytest

from dynaprompt_tui.config import Settings
from dynaprompt_tui.core.llm.demo import DemoChatClient
from dynaprompt_tui.core.llm.events import ChatError, Done, TextDelta, ToolCall
from dynaprompt_tui.core.llm.factory import LazyChatClient, make_chat_client
from dynaprompt_tui.core.llm.openai_client import OpenAIChatClient
from dynaprompt_tui.core.llm.prompt import TOOLS
from tests.openai_server import OpenAIServer

MSGS = [{"role": "system", "content": "be brief"}, {"role": "user", "content": "hi there"}]
KEY = "sk-test-0123456789abcdefSECRET"


class FakeSleep:
    """Records requested delays instead of waiting."""

    def __init__(self) -> None:
        self.calls: list[float] = []

    async def __call__(self, seconds: float) -> None:
        self.calls.append(seconds)


def make(server_url: str, **over: Any) -> tuple[OpenAIChatClient, FakeSleep]:
    s = Settings(api_key=KEY, base_url=server_url, request_timeout=5.0, max_retries=3, tz="UTC")
    s = s._replace(**over)
    sleep = FakeSleep()
    return OpenAIChatClient(s, sleep=sleep, backoff_base=0.001), sleep


async def collect(client: OpenAIChatClient, tools: Any = None) -> list[Any]:
    return [e async for e in client.stream(MSGS, tools=tools)]


def text_of(events: list[Any]) -> str:
    return "".join(e.text for e in events if isinstance(e, TextDelta))


def closed_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def test_import_does_not_load_openai() -> None:
    code = (
        "import sys; import dynaprompt_tui.core.llm.openai_client, dynaprompt_tui.config, "
        "dynaprompt_tui.core.llm.demo, dynaprompt_tui.core.llm.prompt, "
        "dynaprompt_tui.core.llm.factory; "
        "sys.exit(1 if 'openai' in sys.modules else 0)"
    )
    root = Path(__file__).resolve().parents[2]
    assert subprocess.run([sys.executable, "-c", code], cwd=root).returncode == 0


async def test_streams_text_and_done(openai_server: OpenAIServer) -> None:
    openai_server.reply("Hello there, general Kenobi")
    client, _ = make(openai_server.base_url)
    events = await collect(client)
    assert text_of(events) == "Hello there, general Kenobi"
    assert sum(isinstance(e, TextDelta) for e in events) > 1  # really streamed
    done = events[-1]
    assert isinstance(done, Done) and done.finish_reason == "stop"
    assert done.usage and done.usage["completion_tokens"] == 4


async def test_request_carries_settings(openai_server: OpenAIServer) -> None:
    client, _ = make(openai_server.base_url, model="my-model", temperature=0.3)
    await collect(client)
    req = openai_server.requests[-1]
    body = req["body"]
    assert body["model"] == "my-model"
    assert body["temperature"] == 0.3
    assert body["messages"] == MSGS
    assert body["stream"] is True
    assert "tools" not in body
    assert req["headers"]["authorization"] == f"Bearer {KEY}"


async def test_no_temperature_when_unset(openai_server: OpenAIServer) -> None:
    client, _ = make(openai_server.base_url)
    await collect(client)
    assert "temperature" not in openai_server.last_body


async def test_default_echo_reply(openai_server: OpenAIServer) -> None:
    client, _ = make(openai_server.base_url)
    assert text_of(await collect(client)) == "Echo: hi there"


async def test_no_key_local_server_still_works(openai_server: OpenAIServer) -> None:
    client, _ = make(openai_server.base_url, api_key=None)
    assert text_of(await collect(client)) == "Echo: hi there"


async def test_tool_calls_assembled_from_fragments(openai_server: OpenAIServer) -> None:
    args = {"recipient": "user", "when": "in 20 minutes", "prompt": "Stretch! " * 5}
    openai_server.reply_tool_calls(
        {"name": "schedule_message", "arguments": args, "id": "call_a"},
        {"name": "list_schedules", "arguments": {}, "id": "call_b"},
        text="On it.",
    )
    client, _ = make(openai_server.base_url)
    events = await collect(client, tools=TOOLS)
    calls = [e for e in events if isinstance(e, ToolCall)]
    assert calls == [
        ToolCall("call_a", "schedule_message", args, calls[0].raw_arguments),
        ToolCall("call_b", "list_schedules", {}, "{}"),
    ]
    assert text_of(events) == "On it."
    assert isinstance(events[-1], Done) and events[-1].finish_reason == "tool_calls"
    assert openai_server.last_body["tools"] == TOOLS
    # arguments really arrived in several fragments
    assert len(calls[0].raw_arguments) > 7


async def test_tool_call_with_bad_json_is_reported(openai_server: OpenAIServer) -> None:
    openai_server.reply_tool_calls({"name": "cancel_schedules", "arguments": '{"ids": ['})
    client, _ = make(openai_server.base_url)
    calls = [e for e in await collect(client, tools=TOOLS) if isinstance(e, ToolCall)]
    assert calls[0].arguments == {} and calls[0].error
    assert calls[0].raw_arguments == '{"ids": ['


async def test_connection_refused(openai_server: OpenAIServer) -> None:
    client, sleep = make(f"http://127.0.0.1:{closed_port()}/v1", max_retries=2)
    with pytest.raises(ChatError) as ei:
        await collect(client)
    assert ei.value.kind == "connection"
    assert ei.value.attempts == 3 and len(sleep.calls) == 2
    assert "127.0.0.1" in str(ei.value) and "\n" not in str(ei.value)


async def test_401_is_auth_and_not_retried(openai_server: OpenAIServer) -> None:
    openai_server.api_key = "sk-the-right-one"
    client, sleep = make(openai_server.base_url)
    with pytest.raises(ChatError) as ei:
        await collect(client)
    assert ei.value.kind == "auth" and ei.value.status == 401
    assert sleep.calls == [] and len(openai_server.requests) == 1
    assert KEY not in str(ei.value)


async def test_429_then_success_honours_retry_after(openai_server: OpenAIServer) -> None:
    openai_server.fail(429, retry_after=0.25)
    openai_server.reply("after the wait")
    client, sleep = make(openai_server.base_url)
    assert text_of(await collect(client)) == "after the wait"
    assert sleep.calls == [0.25]
    assert len(openai_server.requests) == 2


async def test_500_then_success(openai_server: OpenAIServer) -> None:
    openai_server.fail(500, times=2)
    openai_server.reply("recovered")
    client, sleep = make(openai_server.base_url)
    assert text_of(await collect(client)) == "recovered"
    assert len(sleep.calls) == 2
    assert sleep.calls[1] > sleep.calls[0]  # exponential backoff


async def test_500_forever_gives_up(openai_server: OpenAIServer) -> None:
    openai_server.fail(503, times=-1)
    client, sleep = make(openai_server.base_url, max_retries=3)
    with pytest.raises(ChatError) as ei:
        await collect(client)
    assert ei.value.kind == "server" and ei.value.status == 503
    assert len(openai_server.requests) == 4 and len(sleep.calls) == 3
    assert "4 tries" in str(ei.value)


async def test_backoff_is_capped() -> None:
    client, _ = make("http://127.0.0.1:9/v1")
    client.backoff_base, client.backoff_max = 1.0, 5.0
    assert all(client._backoff(n) <= 5.0 for n in range(20))
    assert client._backoff(0) >= 0.75


async def test_timeout_on_slow_answer(openai_server: OpenAIServer) -> None:
    openai_server.slow(30.0)
    openai_server.slow(30.0)
    client, _ = make(openai_server.base_url, request_timeout=0.2, max_retries=1)
    with pytest.raises(ChatError) as ei:
        await collect(client)
    assert ei.value.kind == "timeout" and ei.value.attempts == 2
    assert "0.2s" in str(ei.value)


async def test_slow_answer_within_timeout(openai_server: OpenAIServer) -> None:
    openai_server.slow(0.05, text="patience pays")
    client, _ = make(openai_server.base_url, request_timeout=5.0)
    assert text_of(await collect(client)) == "patience pays"


async def test_stream_cut_keeps_partial_text(openai_server: OpenAIServer) -> None:
    openai_server.cut("one two three four five six seven", after=4)
    openai_server.reply("must not be requested")
    client, sleep = make(openai_server.base_url)
    got: list[Any] = []
    with pytest.raises(ChatError) as ei:
        async for e in client.stream(MSGS, tools=None):
            got.append(e)
    assert ei.value.kind == "stream_cut"
    assert text_of(got) == "one two three "  # role chunk + three words arrived
    assert sleep.calls == [] and len(openai_server.requests) == 1  # no retry after output


async def test_cut_before_any_text_is_retried(openai_server: OpenAIServer) -> None:
    openai_server.cut("never shown", after=1)  # only the role chunk
    openai_server.reply("second try")
    client, sleep = make(openai_server.base_url)
    assert text_of(await collect(client)) == "second try"
    assert len(sleep.calls) == 1


async def test_dropped_connection_is_retried(openai_server: OpenAIServer) -> None:
    openai_server.script([{"fault": "drop"}])
    client, sleep = make(openai_server.base_url)
    assert text_of(await collect(client)) == "Echo: hi there"
    assert len(sleep.calls) == 1


async def test_stream_without_finish_is_complete(openai_server: OpenAIServer) -> None:
    # A clean end of body with no finish_reason (vLLM, Gemini proxies): a complete answer.
    openai_server.script([{"fault": "truncate", "text": "a b c d", "after": 3}])
    client, _ = make(openai_server.base_url)
    events = await collect(client)
    assert text_of(events) == "a b " and events[-1] == Done(None, None)


async def test_tools_auto_falls_back_and_remembers(openai_server: OpenAIServer) -> None:
    openai_server.reject_tools = True
    client, sleep = make(openai_server.base_url, tools="auto")
    assert text_of(await collect(client, tools=TOOLS)) == "Echo: hi there"
    assert client.tools_supported is False
    assert "tools" in openai_server.bodies[0] and "tools" not in openai_server.bodies[1]
    assert sleep.calls == []
    await collect(client, tools=TOOLS)
    assert len(openai_server.requests) == 3 and "tools" not in openai_server.last_body


async def test_tools_auto_falls_back_on_404(openai_server: OpenAIServer) -> None:
    openai_server.fail(404)
    client, _ = make(openai_server.base_url, tools="auto")
    assert text_of(await collect(client, tools=TOOLS)) == "Echo: hi there"
    assert client.tools_supported is False


async def test_tools_auto_marks_supported(openai_server: OpenAIServer) -> None:
    client, _ = make(openai_server.base_url, tools="auto")
    await collect(client, tools=TOOLS)
    assert client.tools_supported is True


async def test_tools_on_does_not_fall_back(openai_server: OpenAIServer) -> None:
    openai_server.reject_tools = True
    client, _ = make(openai_server.base_url, tools="on")
    with pytest.raises(ChatError) as ei:
        await collect(client, tools=TOOLS)
    assert ei.value.kind == "bad_request" and "tools" in str(ei.value)
    assert len(openai_server.requests) == 1


async def test_tools_off_never_sends(openai_server: OpenAIServer) -> None:
    client, _ = make(openai_server.base_url, tools="off")
    await collect(client, tools=TOOLS)
    assert "tools" not in openai_server.last_body


async def test_bad_request_message_is_one_line_and_scrubbed(openai_server: OpenAIServer) -> None:
    openai_server.script(
        [{"fault": "http", "status": 400, "message": f"bad\nthing with {KEY} inside"}]
    )
    client, _ = make(openai_server.base_url)
    with pytest.raises(ChatError) as ei:
        await collect(client)
    msg = str(ei.value)
    assert ei.value.kind == "bad_request" and "\n" not in msg and KEY not in msg
    assert "sk-…CRET" in msg


async def test_stream_options_rejection_falls_back(openai_server: OpenAIServer) -> None:
    openai_server.script(
        [{"fault": "http", "status": 400, "message": "unknown field stream_options"}]
    )
    client, _ = make(openai_server.base_url)
    events = await collect(client)
    assert text_of(events) == "Echo: hi there" and client.usage_supported is False
    assert "stream_options" not in openai_server.last_body


# -- the server itself, through the raw SDK -----------------------------------------------------


async def test_server_non_stream_and_models(openai_server: OpenAIServer) -> None:
    raw = openai.AsyncOpenAI(api_key="x", base_url=openai_server.base_url, max_retries=0)
    openai_server.reply("plain answer")
    r = await raw.chat.completions.create(model="m", messages=MSGS)
    assert r.choices[0].message.content == "plain answer"
    openai_server.reply_tool_calls({"name": "list_schedules", "arguments": {}})
    r = await raw.chat.completions.create(model="m", messages=MSGS)
    assert r.choices[0].message.tool_calls[0].function.name == "list_schedules"
    models = await raw.models.list()
    assert "gpt-4o-mini" in [m.id for m in models.data]
    await raw.close()


async def test_server_tokens_mode(openai_server: OpenAIServer) -> None:
    openai_server.tokens(500)
    client, _ = make(openai_server.base_url)
    events = await collect(client)
    assert text_of(events) == "tok " * 500


def test_server_as_script(tmp_path: Path) -> None:
    script = tmp_path / "s.json"
    script.write_text('{"replies": [{"text": "from the file"}], "api_key": "k1"}')
    root = Path(__file__).resolve().parents[2]
    proc = subprocess.Popen(
        [sys.executable, "tests/openai_server.py", "--port", "0", "--script", str(script)],
        cwd=root,
        stdout=subprocess.PIPE,
        text=True,
    )
    try:
        assert proc.stdout is not None
        line = proc.stdout.readline()
        url = line.split()[-1]
        assert url.startswith("http://127.0.0.1:") and url.endswith("/v1")
        raw = openai.OpenAI(api_key="k1", base_url=url, max_retries=0, timeout=5)
        r = raw.chat.completions.create(model="m", messages=MSGS)
        assert r.choices[0].message.content == "from the file"
        with pytest.raises(openai.AuthenticationError):
            openai.OpenAI(api_key="nope", base_url=url, max_retries=0).models.list()
    finally:
        proc.terminate()
        proc.wait(timeout=5)


def test_make_chat_client_picks_demo_or_openai() -> None:
    assert isinstance(make_chat_client(Settings(demo=True, tz="UTC")), DemoChatClient)
    real = make_chat_client(Settings(api_key=KEY, tz="UTC"))
    assert isinstance(real, OpenAIChatClient)


async def test_lazy_client_builds_the_openai_client_at_its_first_call(
    openai_server: OpenAIServer,
) -> None:
    s = Settings(api_key=KEY, base_url=openai_server.base_url, request_timeout=5.0, tz="UTC")
    lazy = make_chat_client(s, lazy=True)
    assert isinstance(lazy, LazyChatClient) and lazy.tools_supported is None
    assert isinstance(make_chat_client(s._replace(demo=True), lazy=True), DemoChatClient)
    events = [e async for e in lazy.stream(MSGS, tools=TOOLS)]
    assert text_of(events) == "Echo: hi there"
    assert lazy.tools_supported is True  # now the real client's answer (tools="auto")
    await lazy.aclose()
