"""Streaming throughput: raw openai SDK vs our OpenAIChatClient (vs a conversation-like consumer).

Starts tests/openai_server.py in tokens mode in a subprocess (so the server does not share our
GIL), then alternates rounds of the three consumers against it and compares median times.

    .venv/bin/python benchmarks/bench_stream.py [--tokens 20000] [--rounds 5]

Exit status 0 when ours / raw <= the target ratio (default 1.1), else 1.
"""

from __future__ import annotations

import argparse
import asyncio
import statistics
import subprocess
import sys
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
    from dynaprompt_tui.core.chat import TextDelta

    t0 = time.perf_counter()
    got = 0
    async for ev in client.stream(MESSAGES, tools=None):
        if isinstance(ev, TextDelta):
            got += 1
    dt = time.perf_counter() - t0
    assert got >= n, (got, n)
    return dt


async def conversation_like(client, n: int) -> float:
    """What a chat layer does: accumulate text and cut it into visible lines as it arrives."""
    from dynaprompt_tui.core.chat import TextDelta

    t0 = time.perf_counter()
    parts: list[str] = []
    line: list[str] = []  # the unfinished line (an instruction could start there)
    lines = 0
    async for ev in client.stream(MESSAGES, tools=None):
        if isinstance(ev, TextDelta):
            parts.append(ev.text)
            if "\n" in ev.text:
                lines += ev.text.count("\n")
                line = [ev.text.rsplit("\n", 1)[1]]
            else:
                line.append(ev.text)
    text = "".join(parts)
    dt = time.perf_counter() - t0
    assert len(text) >= 4 * n
    return dt


async def main_async(tokens: int, rounds: int, target: float) -> int:
    import openai

    from dynaprompt_tui.config import Settings
    from dynaprompt_tui.core.chat import OpenAIChatClient

    proc, url = start_server(tokens)
    try:
        raw = openai.AsyncOpenAI(api_key="bench", base_url=url, max_retries=0, timeout=60)
        settings = Settings(api_key="bench", base_url=url, request_timeout=60, tz="UTC")
        client = OpenAIChatClient(settings)
        runners = {"raw SDK": (raw_sdk, raw), "OpenAIChatClient": (ours, client)}
        runners["conversation-like"] = (conversation_like, client)
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
    finally:
        proc.terminate()
        proc.wait(timeout=5)

    med = {k: statistics.median(v) for k, v in times.items()}
    print(f"{tokens} tokens, {rounds} rounds, median of each:")
    for k, t in med.items():
        print(f"  {k:<20} {t * 1000:8.1f} ms  {tokens / t:10.0f} tokens/s")
    ratio = med["OpenAIChatClient"] / med["raw SDK"]
    conv = med["conversation-like"] / med["raw SDK"]
    verdict = "PASS" if ratio <= target else "FAIL"
    print(
        f"overhead ratio ours/raw = {ratio:.3f} (conversation-like {conv:.3f}); "
        f"target <= {target}: {verdict}"
    )
    return 0 if verdict == "PASS" else 1


def main() -> int:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--tokens", type=int, default=20_000)
    ap.add_argument("--rounds", type=int, default=5)
    ap.add_argument("--target", type=float, default=1.1)
    a = ap.parse_args()
    return asyncio.run(main_async(a.tokens, a.rounds, a.target))


if __name__ == "__main__":
    sys.exit(main())
