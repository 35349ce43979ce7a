"""Streaming throughput: the raw openai SDK vs our OpenAIChatClient vs the whole conversation layer.

Starts tests/openai_server.py in tokens mode in a subprocess (so the server does not share our
GIL), then alternates rounds of the three consumers against it and compares median times. The
conversation layer is the real `Conversation.send` on a SQLite file in a temp dir, with a
listener that counts deltas in place of the UI.

    .venv/bin/python benchmarks/bench_stream.py [--tokens 20000] [--rounds 5]

Exit status 0 when both ours / raw ratios are <= the target (default 1.1), else 1.
"""

from __future__ import annotations

import argparse
import asyncio
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

MESSAGES = [{"role": "user", "content": "stream please"}]


def start_server(tokens: int) -> tuple[subprocess.Popen[str], str]:
    server = str(ROOT / "tests" / "openai_server.py")
    proc = subprocess.Popen(
        [sys.executable, server, "--port", "0", "--tokens", str(tokens)],
        stdout=subprocess.PIPE,
        text=True,
    )
    assert proc.stdout is not None
    line = proc.stdout.readline()  # "listening on http://127.0.0.1:PORT/v1"
    if not line.startswith("listening on "):
        proc.kill()
        raise SystemExit(f"server did not start: {line!r}")
    return proc, line.split()[-1]


async def raw_sdk(client, n: int) -> float:
    t0 = time.perf_counter()
    stream = await client.chat.completions.create(
        model="bench", messages=MESSAGES, stream=True, stream_options={"include_usage": True}
    )
    got = 0
    async for chunk in stream:
        if chunk.choices and chunk.choices[0].delta.content:
            got += 1
    dt = time.perf_counter() - t0
    assert got >= n, (got, n)
    return dt


async def ours(client, n: int) -> float:
    from dynaprompt_tui.core.llm.events import TextDelta

    t0 = time.perf_counter()
    got = 0
    async for ev in client.stream(MESSAGES, tools=None):
        if isinstance(ev, TextDelta):
            got += 1
    dt = time.perf_counter() - t0
    assert got >= n, (got, n)
    return dt


class _Counter:
    """A listener that only counts what the UI would be told (no widgets in this benchmark)."""

    def __init__(self) -> None:
        self.deltas = 0
        self.chars = 0

    def on_delta(self, message_id: int, text: str) -> None:
        self.deltas += 1
        self.chars += len(text)

    def __getattr__(self, name: str):  # on_message, on_schedules_changed, ...: nothing to do
        return lambda *a, **k: None


async def through_conversation(conversation, n: int) -> float:
    """The real path of a user message: `Conversation.send` stores it, runs the bot's turn
    (system prompt with pending schedules, history from the store, the stream through
    `OpenAIChatClient`, the instruction filter, a listener call per visible delta) and stores
    the final reply in SQLite with synchronous=FULL."""
    listener = conversation.listener
    listener.chars = 0
    t0 = time.perf_counter()
    await conversation.send("stream please")
    dt = time.perf_counter() - t0
    reply = conversation.messages(limit=1)[-1]
    # Every token reached the listener; the stored reply is the same text, trailing space trimmed.
    assert listener.chars >= 4 * n, (listener.chars, n)
    assert reply.role.value == "assistant" and len(reply.content) >= 4 * n - 1, len(reply.content)
    return dt


async def main_async(tokens: int, rounds: int, target: float) -> int:
    import openai

    from dynaprompt_tui.config import Settings
    from dynaprompt_tui.core.conversation import Conversation
    from dynaprompt_tui.core.llm.openai_client import OpenAIChatClient

    proc, url = start_server(tokens)
    tmp = tempfile.TemporaryDirectory()
    try:
        raw = openai.AsyncOpenAI(api_key="bench", base_url=url, max_retries=0, timeout=60)
        # Tools off: the raw SDK call carries none either, so both ask for the same stream.
        settings = Settings(
            api_key="bench",
            base_url=url,
            request_timeout=60,
            tz="UTC",
            tools="off",
            db_path=Path(tmp.name) / "bench.db",
        )
        client = OpenAIChatClient(settings)
        conversation = Conversation.open(settings, chat_client=client, listener=_Counter())
        runners = {
            "raw SDK": (raw_sdk, raw),
            "OpenAIChatClient": (ours, client),
            "Conversation.send": (through_conversation, conversation),
        }
        times: dict[str, list[float]] = {k: [] for k in runners}
        for fn, c in runners.values():  # warm-up: connections, imports, JIT-ish caches
            await fn(c, tokens)
        for r in range(rounds):
            order = list(runners.items())
            if r % 2:
                order.reverse()  # alternate so drift (thermal, cache) hits both sides
            for name, (fn, c) in order:
                times[name].append(await fn(c, tokens))
        await raw.close()
        await client.aclose()
        conversation.store.close()
    finally:
        proc.terminate()
        proc.wait(timeout=5)
        tmp.cleanup()

    med = {k: statistics.median(v) for k, v in times.items()}
    print(f"{tokens} tokens, {rounds} rounds, median of each:")
    for k, t in med.items():
        spread = f"[{min(times[k]) * 1000:.0f}-{max(times[k]) * 1000:.0f} ms]"
        print(f"  {k:<20} {t * 1000:8.1f} ms  {tokens / t:10.0f} tokens/s  {spread}")
    ok = True
    for name in ("OpenAIChatClient", "Conversation.send"):
        ratio = med[name] / med["raw SDK"]
        verdict = "PASS" if ratio <= target else "FAIL"
        ok = ok and ratio <= target
        print(f"overhead ratio {name}/raw SDK = {ratio:.3f}; target <= {target}: {verdict}")
    return 0 if ok else 1


def main() -> int:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--tokens", type=int, default=20_000)
    ap.add_argument("--rounds", type=int, default=9)
    ap.add_argument("--target", type=float, default=1.1)
    a = ap.parse_args()
    return asyncio.run(main_async(a.tokens, a.rounds, a.target))


if __name__ == "__main__":
    sys.exit(main())
