"""bench_stream.py's keystroke harness (bench_app.py's, for a 5,000-token reply): a paced chat
client, the app built as the CLI builds it, keys posted as the terminal driver posts them and
timed to the first frame that shows them, and the CPU time of each event-loop callback."""

from __future__ import annotations

import asyncio
import contextlib
import time
from pathlib import Path
from typing import Any

KEY_TOKENS = 5_000
KEY_RATE = 2_000  # tokens/s
N_KEYS = 30
KEY_GAP = 0.06
KEY_TIMEOUT = 30.0
KEY_TARGET = 0.05  # p95, seconds
SIZE = (120, 36)


def pct(values: list[float], q: float) -> float:
    s = sorted(values)
    return s[min(len(s) - 1, round(q * (len(s) - 1)))]


class PacedClient:
    """Streams `tokens` tokens at `rate` per second: bursts every 5 ms, one TextDelta each."""

    def __init__(self, tokens: int, rate: float) -> None:
        self.tokens, self.rate, self.sent = tokens, rate, 0

    async def stream(self, messages: list[dict[str, Any]], *, tools: Any = None) -> Any:
        from dynaprompt_tui.core.llm.events import Done, TextDelta

        words = ("the", "schedule", "fires", "at", "nine", "and", "then", "**again**")
        self.sent = 0
        started = time.perf_counter()
        while self.sent < self.tokens:
            due = min(self.tokens, int((time.perf_counter() - started) * self.rate) + 1)
            while self.sent < due:
                i = self.sent
                yield TextDelta(("\n\n" if i and i % 60 == 0 else "") + words[i % 8] + " ")
                self.sent += 1
            await asyncio.sleep(0.005)
        yield Done("stop")


class Stalls:
    """The CPU time of each event-loop callback while `on` (asyncio's Handle, wrapped)."""

    def __init__(self) -> None:
        self.on = False
        self.times: list[float] = []
        original = asyncio.Handle._run

        def run(handle: Any) -> None:
            if not self.on:
                return original(handle)
            t0 = time.thread_time()
            original(handle)
            self.times.append(time.thread_time() - t0)

        asyncio.Handle._run = run  # type: ignore[method-assign]


def make_app(db: Path, client: Any) -> Any:
    """The app as the CLI builds it (cli/main.py): the collector paused until the first frame."""
    from dynaprompt_tui.cli import startup
    from dynaprompt_tui.config import Settings
    from dynaprompt_tui.core.conversation import Conversation
    from dynaprompt_tui.tui.app import make_app

    startup.pause()
    settings = Settings(db_path=db, tz="Europe/London", demo=False, bell=False)
    conversation = Conversation.open(settings, chat_client=client)
    return make_app(settings, conversation=conversation, on_first_frame=startup.resume)


async def key_latencies(app: Any, stalls: Stalls | None) -> list[float]:
    """Post N_KEYS keys KEY_GAP apart (not waiting for each); latency of each key to its frame
    (bench_app.py's `key_latencies`: `App._display` is wrapped to timestamp each frame)."""
    from textual import events

    composer = app.main_screen.composer
    base = len(composer.text)
    posted: list[float] = []
    shown: dict[int, float] = {}
    done = asyncio.Event()
    original = app._display

    def display(screen: Any, renderable: Any) -> None:
        original(screen, renderable)
        t = time.perf_counter()
        for k in range(min(len(composer.text) - base, len(posted))):
            shown.setdefault(k, t)
        if len(shown) >= N_KEYS:
            done.set()

    app._display = display
    if stalls:
        stalls.on = True
    for i in range(N_KEYS):
        char = "abcdefghij"[i % 10]
        posted.append(time.perf_counter())
        app.post_message(events.Key(char, char))  # as the terminal driver delivers a key
        await asyncio.sleep(KEY_GAP)
    with contextlib.suppress(TimeoutError):
        await asyncio.wait_for(done.wait(), KEY_TIMEOUT)
    if stalls:
        stalls.on = False
    end = time.perf_counter()
    return [shown.get(k, end) - posted[k] for k in range(N_KEYS)]


async def keys_round(db: Path, streaming: bool, stalls: Stalls) -> tuple[list[float], bool]:
    """One round: the keys' latencies, and whether the reply still streamed when they were in."""
    from textual import events

    client = PacedClient(KEY_TOKENS if streaming else 0, KEY_RATE)
    app = make_app(db, client)
    async with app.run_test(size=SIZE) as pilot:
        await pilot.pause()
        if not streaming:
            return await key_latencies(app, None), False
        # A short turn first, as a user has had before a long reply: what the first turn loads
        # (the model turn, markdown-it, the bot message) is not what this measures, and while
        # it loads the paced client falls behind and then sends most of the reply at once.
        client.tokens = 100
        app.main_screen.composer.text = "Hello"
        await pilot.press("enter")
        await app.conversation.idle()
        await app.workers.wait_for_complete()
        await pilot.pause()
        client.tokens = KEY_TOKENS
        app.main_screen.composer.text = "Tell me a long story"
        # Posted, not `pilot.press`ed: the pilot would wait for the app to be idle, that is
        # until the reply has (nearly) finished streaming.
        app.post_message(events.Key("enter", None))
        while client.sent < 200:  # the reply is streaming and on screen
            await asyncio.sleep(0.01)
        latencies = await key_latencies(app, stalls)
        during = client.sent < client.tokens
        client.tokens = client.sent  # end the reply; let the turn finish before leaving
        await app.conversation.idle()
        await app.workers.wait_for_complete()
        await pilot.pause()
    return latencies, during
