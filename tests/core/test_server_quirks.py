"""Stream and tool-call shapes real servers send, replayed byte for byte by the local server and
read through OpenAIChatClient with the real SDK over HTTP (see issue 11)."""

from __future__ import annotations

import json
from typing import Any

import pytest

from dynaprompt_tui.core.llm.events import ChatError, Done, ToolCall
from dynaprompt_tui.core.llm.prompt import TOOLS
from tests.core.test_chat import collect, make, text_of
from tests.openai_server import OpenAIServer

ARGS = {"recipient": "user", "when": "in 20 minutes", "prompt": "Stretch your legs"}
ARGS2 = {"recipient": "chatbot", "when": "tomorrow at 9am", "prompt": "Ask about the trip"}
HEAD = '"id":"chatcmpl-9","object":"chat.completion.chunk","created":1732000000,"model":"m"'


def sse(choice: dict[str, Any] | str) -> str:
    """One ``data:`` event of a chunk with this choice (a dict, or its JSON written by hand)."""
    body = choice if isinstance(choice, str) else json.dumps(choice, separators=(",", ":"))
    return f'data: {{{HEAD},"choices":[{body}]}}\n\n'


def delta(d: dict[str, Any], finish: str | None = None) -> str:
    return sse({"index": 0, "delta": d, "finish_reason": finish})


def enc(obj: Any) -> str:
    return json.dumps(obj, separators=(",", ":"))


DONE = "data: [DONE]\n\n"


def calls_of(events: list[Any]) -> list[ToolCall]:
    return [e for e in events if isinstance(e, ToolCall)]


async def tool_events(server: OpenAIServer, chunks: list[str]) -> list[Any]:
    server.replay_sse(chunks)
    client, sleep = make(server.base_url)
    events = await collect(client, tools=TOOLS)
    assert sleep.calls == [] and len(server.requests) == 1
    return events


# -- tool-call assembly -----------------------------------------------------------------------


async def test_ollama_parallel_calls_all_at_index_0(openai_server: OpenAIServer) -> None:
    # Ollama: each call whole in one chunk, every one with "index": 0 and its own id.
    chunks = [
        delta(
            {
                "role": "assistant",
                "content": "",
                "tool_calls": [
                    {
                        "id": "call_o1",
                        "index": 0,
                        "type": "function",
                        "function": {"name": "schedule_message", "arguments": enc(ARGS)},
                    }
                ],
            }
        ),
        delta(
            {
                "role": "assistant",
                "content": "",
                "tool_calls": [
                    {
                        "id": "call_o2",
                        "index": 0,
                        "type": "function",
                        "function": {"name": "schedule_message", "arguments": enc(ARGS2)},
                    }
                ],
            }
        ),
        delta({"role": "assistant", "content": ""}, "tool_calls"),
        DONE,
    ]
    calls = calls_of(await tool_events(openai_server, chunks))
    assert [(c.id, c.name, c.arguments, c.error) for c in calls] == [
        ("call_o1", "schedule_message", ARGS, None),
        ("call_o2", "schedule_message", ARGS2, None),
    ]


async def test_calls_with_no_index_at_all(openai_server: OpenAIServer) -> None:
    chunks = [
        delta({"tool_calls": [{"id": "a1", "function": {"name": "list_schedules"}}]}),
        delta({"tool_calls": [{"function": {"arguments": "{}"}}]}),
        delta({"tool_calls": [{"id": "a2", "function": {"name": "cancel_schedules"}}]}),
        delta({"tool_calls": [{"function": {"arguments": '{"ids": '}}]}),
        delta({"tool_calls": [{"function": {"arguments": '["k3f9"]}'}}]}),
        delta({}, "tool_calls"),
        DONE,
    ]
    calls = calls_of(await tool_events(openai_server, chunks))
    assert [(c.id, c.name, c.arguments) for c in calls] == [
        ("a1", "list_schedules", {}),
        ("a2", "cancel_schedules", {"ids": ["k3f9"]}),
    ]


async def test_name_resent_on_every_chunk_is_not_concatenated(openai_server: OpenAIServer) -> None:
    # MiniMax / NVIDIA NIM: id, type and name repeated with each argument piece.
    text = enc(ARGS)
    pieces = [text[i : i + 9] for i in range(0, len(text), 9)]
    chunks = [
        delta(
            {
                "tool_calls": [
                    {
                        "index": 0,
                        "id": "call_m",
                        "type": "function",
                        "function": {"name": "schedule_message", "arguments": p},
                    }
                ]
            }
        )
        for p in pieces
    ]
    chunks += [delta({}, "tool_calls"), DONE]
    [call] = calls_of(await tool_events(openai_server, chunks))
    assert (call.id, call.name, call.arguments, call.error) == (
        "call_m",
        "schedule_message",
        ARGS,
        None,
    )


async def test_litellm_id_on_every_chunk_and_summary_chunk(openai_server: OpenAIServer) -> None:
    # LiteLLM: the id on every chunk, then the whole call again with double-encoded arguments.
    text = enc(ARGS)
    head = {"index": 0, "id": "call_l", "type": "function"}
    chunks = [delta({"tool_calls": [{**head, "function": {"name": "schedule_message"}}]})]
    chunks += [
        delta({"tool_calls": [{**head, "function": {"arguments": text[i : i + 11]}}]})
        for i in range(0, len(text), 11)
    ]
    summary = {"name": "schedule_message", "arguments": json.dumps(text)}
    chunks += [
        delta({"tool_calls": [{**head, "function": summary}]}, "tool_calls"),
        DONE,
    ]
    [call] = calls_of(await tool_events(openai_server, chunks))
    assert (call.name, call.arguments, call.error) == ("schedule_message", ARGS, None)
    assert call.raw_arguments == text


async def test_arguments_sent_as_an_object(openai_server: OpenAIServer) -> None:
    chunks = [
        delta(
            {
                "tool_calls": [
                    {
                        "index": 0,
                        "id": "call_j",
                        "type": "function",
                        "function": {"name": "schedule_message", "arguments": ARGS},
                    }
                ]
            }
        ),
        delta({}, "tool_calls"),
        DONE,
    ]
    [call] = calls_of(await tool_events(openai_server, chunks))
    assert (call.name, call.arguments, call.error) == ("schedule_message", ARGS, None)
    assert json.loads(call.raw_arguments) == ARGS  # what goes back to the model is a string


async def test_index_missing_on_the_first_delta_only(openai_server: OpenAIServer) -> None:
    text = enc(ARGS)
    chunks = [
        delta(
            {
                "tool_calls": [
                    {
                        "id": "call_f",
                        "type": "function",
                        "function": {"name": "schedule_message", "arguments": ""},
                    }
                ]
            }
        ),
        delta({"tool_calls": [{"index": 0, "function": {"arguments": text[:15]}}]}),
        delta({"tool_calls": [{"index": 0, "function": {"arguments": text[15:]}}]}),
        delta(
            {"tool_calls": [{"index": 1, "id": "call_g", "function": {"name": "list_schedules"}}]}
        ),
        delta({"tool_calls": [{"index": 1, "function": {"arguments": "{}"}}]}),
        delta({}, "tool_calls"),
        DONE,
    ]
    calls = calls_of(await tool_events(openai_server, chunks))
    assert [(c.id, c.name, c.arguments) for c in calls] == [
        ("call_f", "schedule_message", ARGS),
        ("call_g", "list_schedules", {}),
    ]


async def test_calls_without_ids_get_distinct_ones(openai_server: OpenAIServer) -> None:
    chunks = [
        delta({"tool_calls": [{"index": 0, "function": {"name": "list_schedules"}}]}),
        delta(
            {
                "tool_calls": [
                    {"index": 1, "function": {"name": "list_schedules", "arguments": "{}"}}
                ]
            }
        ),
        delta({}, "tool_calls"),
        DONE,
    ]
    calls = calls_of(await tool_events(openai_server, chunks))
    assert len(calls) == 2 and len({c.id for c in calls}) == 2 and all(c.id for c in calls)


async def test_malformed_arguments_are_reported_in_plain_words(openai_server: OpenAIServer) -> None:
    chunks = [
        delta(
            {
                "tool_calls": [
                    {
                        "index": 0,
                        "id": "c",
                        "function": {"name": "schedule_message", "arguments": '{"when": "in 2'},
                    }
                ]
            }
        ),
        delta({}, "length"),
        DONE,
    ]
    events = await tool_events(openai_server, chunks)
    [call] = calls_of(events)
    assert call.arguments == {} and call.error == "arguments are not a complete JSON object"
    assert events[-1] == Done("length", None)


# -- stream shapes ------------------------------------------------------------------------------


async def test_no_finish_reason_is_a_complete_answer(openai_server: OpenAIServer) -> None:
    # vLLM / Gemini proxies: the last chunk has "finish_reason": null, then [DONE].
    chunks = [delta({"role": "assistant", "content": ""})]
    chunks += [delta({"content": w}) for w in ("All ", "done ", "here.")]
    chunks += [DONE]
    openai_server.replay_sse(chunks)
    client, _ = make(openai_server.base_url)
    events = await collect(client)
    assert text_of(events) == "All done here." and events[-1] == Done(None, None)


async def test_stream_true_ignored_json_body_is_the_answer(openai_server: OpenAIServer) -> None:
    body = (
        '{"id":"chatcmpl-1","object":"chat.completion","created":1732000000,"model":"m",'
        '"choices":[{"index":0,"message":{"role":"assistant","content":"Reminder set for 9am."},'
        '"finish_reason":"stop"}],"usage":{"prompt_tokens":9,"completion_tokens":5,'
        '"total_tokens":14}}'
    )
    openai_server.replay_http(200, body)
    client, sleep = make(openai_server.base_url)
    events = await collect(client)
    assert text_of(events) == "Reminder set for 9am."
    assert events[-1] == Done(
        "stop", {"prompt_tokens": 9, "completion_tokens": 5, "total_tokens": 14}
    )
    assert sleep.calls == []


async def test_json_body_with_tool_calls(openai_server: OpenAIServer) -> None:
    msg = {
        "role": "assistant",
        "content": None,
        "tool_calls": [
            {
                "id": "call_x",
                "type": "function",
                "function": {"name": "schedule_message", "arguments": enc(ARGS)},
            }
        ],
    }
    body = enc({"choices": [{"index": 0, "message": msg, "finish_reason": "tool_calls"}]})
    openai_server.replay_http(200, body)
    client, _ = make(openai_server.base_url)
    events = await collect(client, tools=TOOLS)
    assert calls_of(events) == [ToolCall("call_x", "schedule_message", ARGS, enc(ARGS))]
    assert events[-1] == Done("tool_calls", None)


@pytest.mark.parametrize("reason", ["length", "content_filter"])
async def test_truncating_finish_reasons_reach_done(
    openai_server: OpenAIServer, reason: str
) -> None:
    chunks = [delta({"content": "Time to str"}), delta({}, reason), DONE]
    openai_server.replay_sse(chunks)
    client, _ = make(openai_server.base_url)
    events = await collect(client)
    assert text_of(events) == "Time to str" and events[-1] == Done(reason, None)


async def test_content_null_and_empty_choices_are_skipped(openai_server: OpenAIServer) -> None:
    chunks = [
        f'data: {{{HEAD},"choices":[]}}\n\n',
        sse('{"index":0,"delta":{"content":null,"role":"assistant"},"finish_reason":null}'),
        sse('{"index":0,"delta":null,"finish_reason":null}'),
        delta({"content": "ok", "reasoning_content": "hidden"}),
        delta({}, "stop"),
        DONE,
    ]
    openai_server.replay_sse(chunks)
    client, _ = make(openai_server.base_url)
    events = await collect(client)
    assert text_of(events) == "ok" and events[-1] == Done("stop", None)


async def test_unreadable_chunk_before_output_is_final_not_retried(
    openai_server: OpenAIServer,
) -> None:
    openai_server.replay_sse(["data: {not json at all\n\n", DONE])
    openai_server.reply("must not be requested")
    client, sleep = make(openai_server.base_url)
    with pytest.raises(ChatError) as ei:
        await collect(client)
    assert ei.value.kind == "bad_response" and not ei.value.retryable
    assert "Error" not in str(ei.value) and "Expecting" not in str(ei.value)  # no Python text
    assert sleep.calls == [] and len(openai_server.requests) == 1


async def test_unreadable_chunk_after_output_is_a_cut(openai_server: OpenAIServer) -> None:
    openai_server.replay_sse([delta({"content": "Half an "}), "data: {broken\n\n", DONE])
    client, sleep = make(openai_server.base_url)
    got: list[Any] = []
    with pytest.raises(ChatError) as ei:
        async for e in client.stream([{"role": "user", "content": "hi"}]):
            got.append(e)
    assert ei.value.kind == "stream_cut" and text_of(got) == "Half an "
    assert sleep.calls == []


async def test_html_page_from_a_proxy_is_a_clear_error(openai_server: OpenAIServer) -> None:
    openai_server.replay_http(200, "<html><body>Login</body></html>", content_type="text/html")
    client, _ = make(openai_server.base_url)
    with pytest.raises(ChatError) as ei:
        await collect(client)
    assert ei.value.kind == "bad_response" and "text/html" in str(ei.value)


async def test_sse_mislabelled_as_json_is_read(openai_server: OpenAIServer) -> None:
    openai_server.replay_sse(
        [delta({"content": "Still "}), delta({"content": "fine"}, "stop"), DONE],
        content_type="application/json",
    )
    client, _ = make(openai_server.base_url)
    events = await collect(client)
    assert text_of(events) == "Still fine" and events[-1] == Done("stop", None)


async def test_error_event_before_output_is_retried_when_transient(
    openai_server: OpenAIServer,
) -> None:
    openai_server.replay_sse(['data: {"error":{"message":"Upstream overloaded","code":503}}\n\n'])
    openai_server.reply("second time lucky")
    client, sleep = make(openai_server.base_url)
    assert text_of(await collect(client)) == "second time lucky"
    assert len(sleep.calls) == 1


async def test_error_event_that_is_not_transient_is_final(openai_server: OpenAIServer) -> None:
    openai_server.replay_sse(['data: {"error":{"message":"Invalid model id","code":400}}\n\n'])
    client, sleep = make(openai_server.base_url)
    with pytest.raises(ChatError) as ei:
        await collect(client)
    assert ei.value.kind == "bad_request" and "Invalid model id" in str(ei.value)
    assert sleep.calls == []


async def test_error_event_mid_answer_is_a_cut_with_its_reason(
    openai_server: OpenAIServer,
) -> None:
    openai_server.replay_sse(
        [delta({"content": "The first "}), 'data: {"error":{"message":"Provider died"}}\n\n']
    )
    client, _ = make(openai_server.base_url)
    with pytest.raises(ChatError, match=r"cut off midway .*Provider died"):
        await collect(client)


async def test_transport_cut_mid_body_is_a_cut(openai_server: OpenAIServer) -> None:
    openai_server.replay_sse([delta({"content": "Par"}), delta({"content": "tial"})], drop=True)
    client, _ = make(openai_server.base_url)
    with pytest.raises(ChatError) as ei:
        await collect(client)
    assert ei.value.kind == "stream_cut"


# -- through the app's path: Conversation with the settings switched to the server -------------


@pytest.fixture
async def conversation(tmp_path: Any, openai_server: OpenAIServer) -> Any:
    from datetime import UTC, datetime

    from dynaprompt_tui.config import Settings
    from dynaprompt_tui.core.clock import FakeClock
    from dynaprompt_tui.core.conversation import Conversation

    settings = Settings(
        api_key="sk-test-0123456789abcdef",
        base_url=openai_server.base_url,
        db_path=tmp_path / "db.sqlite",
        tz="Europe/London",
        max_retries=1,
        request_timeout=5,
    )
    conv = Conversation.open(settings, clock=FakeClock(datetime(2026, 3, 5, 10, 15, tzinfo=UTC)))
    yield conv
    await conv.stop()


async def test_conversation_survives_llama_cpp_tool_refusal(
    conversation: Any, openai_server: OpenAIServer
) -> None:
    openai_server.replay_http(
        500,
        '{"error":{"code":500,"message":"tools param requires --jinja flag",'
        '"type":"server_error"}}',
    )
    openai_server.reply("Happy to help.")
    await conversation.send("hello")
    messages = conversation.messages(limit=50)
    contents = [m.content for m in messages]
    assert "Happy to help." in contents
    assert not any("failed" in c for c in contents)
    # The user is told once, in the chat, that the server refused tools; the bot is not.
    notes = [m for m in messages if m.meta.get("card") == "note"]
    assert len(notes) == 1 and "tool" in notes[0].content and not notes[0].meta["to_bot"]
    assert len(openai_server.requests) == 2 and "tools" not in openai_server.last_body
    openai_server.reply("Again.")
    await conversation.send("and again")
    assert "tools" not in openai_server.last_body
    notes = [m for m in conversation.messages(limit=50) if m.meta.get("card") == "note"]
    assert len(notes) == 1  # remembered for the session: no second notice


async def test_conversation_schedules_ollama_parallel_calls_once_each(
    conversation: Any, openai_server: OpenAIServer
) -> None:
    call = {"index": 0, "type": "function"}
    chunks = [
        delta(
            {
                "tool_calls": [
                    {
                        **call,
                        "id": "call_1",
                        "function": {"name": "schedule_message", "arguments": enc(ARGS)},
                    },
                ]
            }
        ),
        delta(
            {
                "tool_calls": [
                    {
                        **call,
                        "id": "call_2",
                        "function": {"name": "schedule_message", "arguments": enc(ARGS2)},
                    },
                ]
            }
        ),
        delta({}, "tool_calls"),
        DONE,
    ]
    openai_server.replay_sse(chunks)
    openai_server.reply("Both are set.")
    await conversation.send("remind me to stretch in 20 minutes and ask me about the trip")
    prompts = sorted(s.prompt for s in conversation.pending())
    assert prompts == ["Ask about the trip", "Stretch your legs"]
    tool_msgs = [m for m in openai_server.last_body["messages"] if m["role"] == "tool"]
    assert [m["tool_call_id"] for m in tool_msgs] == ["call_1", "call_2"]


async def test_json_body_cut_mid_way_is_a_network_fault_and_retried(
    openai_server: OpenAIServer,
) -> None:
    body = enc(
        {"choices": [{"index": 0, "message": {"content": "whole"}, "finish_reason": "stop"}]}
    )
    openai_server.script([{"raw": {"status": 200, "body": body, "cut_after": 20}}])
    openai_server.reply("second try")
    client, sleep = make(openai_server.base_url)
    assert text_of(await collect(client)) == "second try"
    assert len(sleep.calls) == 1


# -- the assembler alone: shapes no replay above covers ----------------------------------------


def test_assembler_joins_a_name_sent_in_pieces_only_into_a_known_name() -> None:
    from dynaprompt_tui.core.llm.toolcalls import ToolCallAssembler

    a = ToolCallAssembler(["schedule_message", "list_schedules"])
    a.add(0, "c1", "schedule_", None)
    a.add(0, None, "message", '{"when": "in 2 hours"}')
    [call] = a.calls()
    assert (call.name, call.arguments) == ("schedule_message", {"when": "in 2 hours"})


def test_assembler_reads_cumulative_arguments() -> None:
    from dynaprompt_tui.core.llm.toolcalls import ToolCallAssembler

    a = ToolCallAssembler()
    a.add(0, "c1", "list_schedules", '{"fil')
    a.add(0, None, None, '{"filter": "a')
    a.add(0, None, None, '{"filter": "all"}')
    [call] = a.calls()
    assert call.arguments == {"filter": "all"} and call.error is None


def test_assembler_splits_calls_sharing_one_id() -> None:
    from dynaprompt_tui.core.llm.toolcalls import ToolCallAssembler

    a = ToolCallAssembler()
    a.add(None, "same", "list_schedules", "{}")
    a.add(None, "same", "cancel_schedules", '{"ids": ["a1"]}')
    calls = a.calls()
    assert [(c.name, c.arguments) for c in calls] == [
        ("list_schedules", {}),
        ("cancel_schedules", {"ids": ["a1"]}),
    ]
    assert len({c.id for c in calls}) == 2  # tool results must answer distinct ids


def test_assembler_ignores_junk_fragments() -> None:
    from dynaprompt_tui.core.llm.toolcalls import ToolCallAssembler

    a = ToolCallAssembler()
    a.add("zero", 5, 7, None)  # wrong types everywhere: nothing to keep
    a.add(True, None, None, "")
    assert a.calls() == []


async def test_the_daily_limit_counts_a_retried_request_that_then_succeeded(
    conversation: Any, openai_server: OpenAIServer
) -> None:
    """A scheduled turn whose first request failed (503) and whose retry answered made two
    requests, and the daily limit counts two."""
    openai_server.replay_http(503, '{"error":{"message":"overloaded"}}')
    openai_server.reply("Your word of the day: hola.")
    assert await conversation.turns.reply(scheduled="ab12")
    assert len(openai_server.requests) == 2
    day = conversation.now().date().isoformat()
    assert conversation.store.get_meta(f"scheduled_calls:{day}") == 2
