"""Refusals and failures as real servers word them, replayed byte for byte: which switch tools
off (once, with a notice), which are retried, which are final; and `max_tokens` (issue 11)."""

from __future__ import annotations

from typing import Any

import pytest

from dynaprompt_tui.core.llm.events import ChatError, Notice
from dynaprompt_tui.core.llm.prompt import TOOLS
from tests.core.test_chat import collect, make, text_of
from tests.openai_server import OpenAIServer

# (status, body) exactly as each server sends them when it will not take `tools`.
REFUSALS = {
    "llama.cpp without --jinja": (
        500,
        '{"error":{"code":500,"message":"tools param requires --jinja flag",'
        '"type":"server_error"}}',
    ),
    "llama.cpp tools + stream": (
        500,
        '{"error":{"code":500,"message":"Cannot use tools with stream","type":"server_error"}}',
    ),
    "Ollama, OpenAI shape": (
        400,
        '{"error":{"message":"registry.ollama.ai/library/gemma:2b does not support tools",'
        '"type":"api_error","param":null,"code":null}}',
    ),
    "Ollama, error as a string": (400, '{"error":"gemma:2b does not support tools"}'),
    "vLLM without a tool parser": (
        400,
        '{"object":"error","message":"\\"auto\\" tool choice requires '
        '--enable-auto-tool-choice and --tool-call-parser to be set","type":"BadRequestError",'
        '"param":null,"code":400}',
    ),
    "FastAPI detail string": (400, '{"detail":"Tools are not supported by this endpoint"}'),
    "FastAPI validation list": (
        422,
        '{"detail":[{"type":"extra_forbidden","loc":["body","tools"],'
        '"msg":"Extra inputs are not permitted","input":[]}]}',
    ),
}

GROQ_TOOL_USE_FAILED = (
    '{"error":{"message":"Failed to call a function. Please adjust your prompt. See '
    '\'failed_generation\' for more details.","type":"invalid_request_error",'
    '"code":"tool_use_failed","failed_generation":"<function=schedule_message>{}</function>"}}'
)
CONTEXT_LENGTH = (
    '{"error":{"message":"This model\'s maximum context length is 8192 tokens. However, your '
    "messages resulted in 9120 tokens (8600 in the messages, 520 in the functions). Please "
    'reduce the length of the messages or functions.","type":"invalid_request_error",'
    '"param":"messages","code":"context_length_exceeded"}}'
)


def notices(events: list[Any]) -> list[str]:
    return [e.text for e in events if isinstance(e, Notice)]


@pytest.mark.parametrize("name", list(REFUSALS))
async def test_tool_refusal_falls_back_once_with_a_notice(
    openai_server: OpenAIServer, name: str
) -> None:
    status, body = REFUSALS[name]
    openai_server.replay_http(status, body)
    openai_server.reply("Plain text it is.")
    client, sleep = make(openai_server.base_url, tools="auto")
    events = await collect(client, tools=TOOLS)
    assert text_of(events) == "Plain text it is."
    [notice] = notices(events)
    assert f"HTTP {status}" in notice and "text instructions" in notice and "\n" not in notice
    assert client.tools_supported is False and sleep.calls == []  # not a retryable failure
    assert client.requests == 2
    assert "tools" in openai_server.bodies[0] and "tools" not in openai_server.bodies[1]
    # remembered: the next turn asks without tools, and says nothing more
    events = await collect(client, tools=TOOLS)
    assert "tools" not in openai_server.last_body and notices(events) == []
    assert len(openai_server.requests) == 3


@pytest.mark.parametrize("name", ["llama.cpp without --jinja", "Ollama, error as a string"])
async def test_tools_on_refusal_is_final_and_not_retried(
    openai_server: OpenAIServer, name: str
) -> None:
    status, body = REFUSALS[name]
    openai_server.replay_http(status, body)
    client, sleep = make(openai_server.base_url, tools="on")
    with pytest.raises(ChatError) as ei:
        await collect(client, tools=TOOLS)
    assert ei.value.kind == "bad_request" and not ei.value.retryable
    assert "does not accept tools" in str(ei.value) and f"HTTP {status}" in str(ei.value)
    assert sleep.calls == [] and len(openai_server.requests) == 1


@pytest.mark.parametrize(
    ("status", "body"),
    [
        (500, '{"error":{"code":500,"message":"Internal server error","type":"server_error"}}'),
        (502, "<html><body><h1>502 Bad Gateway</h1></body></html>"),
        (503, '{"detail":"Service Unavailable"}'),
        (429, '{"error":{"message":"Rate limit reached for requests","code":"rate_limit"}}'),
        (408, '{"error":"Request Timeout"}'),
        (409, '{"error":{"message":"Conflict: model is loading"}}'),
        # A 500 that mentions functions without refusing them: still a transient failure.
        (500, '{"error":{"message":"Unexpected error in function scheduler worker"}}'),
    ],
)
async def test_transient_failures_are_retried_and_keep_tools(
    openai_server: OpenAIServer, status: int, body: str
) -> None:
    openai_server.replay_http(status, body)
    openai_server.reply("recovered")
    client, sleep = make(openai_server.base_url, tools="auto")
    events = await collect(client, tools=TOOLS)
    assert text_of(events) == "recovered" and notices(events) == []
    assert len(sleep.calls) == 1 and client.tools_supported is True
    assert all("tools" in b for b in openai_server.bodies)


async def test_network_failure_never_switches_tools_off(openai_server: OpenAIServer) -> None:
    openai_server.script([{"fault": "drop"}])
    client, sleep = make(openai_server.base_url, tools="auto")
    await collect(client, tools=TOOLS)
    assert len(sleep.calls) == 1 and client.tools_supported is True


@pytest.mark.parametrize("body", [GROQ_TOOL_USE_FAILED, CONTEXT_LENGTH])
async def test_a_400_about_this_request_does_not_switch_tools_off(
    openai_server: OpenAIServer, body: str
) -> None:
    openai_server.replay_http(400, body)
    client, sleep = make(openai_server.base_url, tools="auto")
    with pytest.raises(ChatError) as ei:
        await collect(client, tools=TOOLS)
    assert ei.value.kind == "bad_request" and sleep.calls == []
    assert client.tools_supported is None and len(openai_server.requests) == 1
    await collect(client, tools=TOOLS)  # the next turn offers tools again
    assert "tools" in openai_server.last_body and client.tools_supported is True


async def test_error_messages_are_one_line_from_any_body_shape(
    openai_server: OpenAIServer,
) -> None:
    openai_server.replay_http(400, '{"detail":[{"loc":["body","model"],"msg":"field\\nrequired"}]}')
    client, _ = make(openai_server.base_url)
    with pytest.raises(ChatError) as ei:
        await collect(client)
    assert "field required" in str(ei.value) and "\n" not in str(ei.value)


# -- max_tokens ---------------------------------------------------------------------------------


async def test_max_tokens_is_sent_by_default(openai_server: OpenAIServer) -> None:
    client, _ = make(openai_server.base_url)
    await collect(client)
    assert openai_server.last_body["max_tokens"] == 1024


async def test_max_tokens_zero_is_not_sent(openai_server: OpenAIServer) -> None:
    client, _ = make(openai_server.base_url, max_tokens=0)
    await collect(client)
    assert "max_tokens" not in openai_server.last_body


async def test_reasoning_model_gets_max_completion_tokens(openai_server: OpenAIServer) -> None:
    openai_server.replay_http(
        400,
        '{"error":{"message":"Unsupported parameter: \'max_tokens\' is not supported with this '
        'model. Use \'max_completion_tokens\' instead.","type":"invalid_request_error",'
        '"param":"max_tokens","code":"unsupported_parameter"}}',
    )
    client, sleep = make(openai_server.base_url, max_tokens=300)
    assert text_of(await collect(client)) == "Echo: hi there"
    assert openai_server.last_body["max_completion_tokens"] == 300
    assert "max_tokens" not in openai_server.last_body and sleep.calls == []
    await collect(client)
    assert len(openai_server.requests) == 3 and "max_completion_tokens" in openai_server.last_body


async def test_server_rejecting_max_tokens_gets_none(openai_server: OpenAIServer) -> None:
    openai_server.replay_http(422, '{"detail":"max_tokens: unknown field"}')
    client, _ = make(openai_server.base_url)
    assert text_of(await collect(client)) == "Echo: hi there"
    assert "max_tokens" not in openai_server.last_body
