"""Conversations at scale (issue 14): 1,000 conversations of 1,000 messages each (1,000,000).

Run: python benchmarks/bench_conversations.py [--rounds N]

* Search: what the search screen runs per keystroke (``Workspace.search``, FTS5, 50 newest hits
  with their snippets) for a mix of queries a person types: a common word, a rare word, two
  words, a three-letter prefix, a word that is nowhere. Each round runs every query once, in a
  shuffled order, on a database opened afresh (the first query pays for a cold page cache, as
  after a reboot it would). p50 / p99 / max per round; the verdict is the median of the rounds'
  p99 against the target, p99 <= 100 ms, the rounds' spread printed.
* The list: ``Workspace.conversations()`` (every conversation with its unread and pending counts,
  latest activity first), and its first screenful (limit 50), median of 21.
* Opening one: ``Workspace.switch`` to another conversation and reading its last page (what the
  window does on a switch), median of 21 random conversations.

The database is built once by bulk SQL through the real schema (the first rows through the core
API) and cached under ~/.cache/dynaprompt-bench keyed by the schema version. Start-up with this
database beside the minimal app is measured in a real terminal by bench_app.py.
"""

from __future__ import annotations

import argparse
import random
import shutil
import sqlite3
import statistics
import sys
import tempfile
import time
from datetime import UTC, datetime, timedelta
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from _verdicts import Verdicts  # noqa: E402

from dynaprompt_tui.config import Settings  # noqa: E402
from dynaprompt_tui.core.clock import SystemClock  # noqa: E402
from dynaprompt_tui.core.conversation.workspace import Workspace  # noqa: E402
from dynaprompt_tui.core.llm.demo import DemoChatClient  # noqa: E402
from dynaprompt_tui.core.models import Role  # noqa: E402
from dynaprompt_tui.core.storage.migrations import SCHEMA_VERSION  # noqa: E402
from dynaprompt_tui.core.storage.store import Store  # noqa: E402

CONVERSATIONS = 1_000
PER_CONVERSATION = 1_000
CACHE = Path.home() / ".cache" / "dynaprompt-bench"
SEARCH_TARGET = 0.100  # p99, seconds
VERDICTS = Verdicts(echo=True)

# A vocabulary with a long tail, as real text has: a few words everywhere, most of them rare
# (Zipf-like, by rank). The ranks are shuffled: in real text how often a word is used has nothing
# to do with its spelling (sorted, the most frequent words would all share their first letters,
# and every short prefix would match the most frequent words at once).
_rng = random.Random(14)
_SYLLABLES = ["ka", "lo", "mi", "ne", "ru", "sa", "ti", "vo", "ze", "pa", "qu", "ol", "an", "es"]
WORDS = sorted(
    {"".join(_rng.choice(_SYLLABLES) for _ in range(_rng.randint(2, 4))) for _ in range(30_000)}
)
_rng.shuffle(WORDS)  # WORDS[rank]
GENERATOR = 3  # bump when what build() writes changes (the cache key has it)
COMMON = ["the", "and", "schedule", "tomorrow", "remind", "plan", "spanish", "workout"]


def _text(rng: random.Random) -> str:
    words = [
        rng.choice(COMMON)
        if rng.random() < 0.3
        else WORDS[int(rng.paretovariate(1.1)) % len(WORDS)]
        for _ in range(rng.randint(6, 30))
    ]
    return " ".join(words).capitalize() + "."


def build(path: Path) -> Path:
    """1,000 x 1,000 messages: the first rows through the core, the rest copied in SQL."""
    name = f"conversations-{CONVERSATIONS}x{PER_CONVERSATION}-s{SCHEMA_VERSION}-g{GENERATOR}.db"
    cached = CACHE / name
    if not cached.exists():
        CACHE.mkdir(parents=True, exist_ok=True)
        tmp = cached.with_suffix(".tmp")
        tmp.unlink(missing_ok=True)
        start = time.perf_counter()
        store = Store(tmp)
        base = datetime.now(UTC) - timedelta(days=400)
        store.add_message(Role.USER, "hello", now=base)
        store.close()
        rng = random.Random(1)
        c = sqlite3.connect(tmp, isolation_level=None)
        c.execute("PRAGMA synchronous = OFF")
        c.execute("BEGIN")
        c.execute("DELETE FROM messages")
        template = "2026-01-01T00:00:00.000000Z"
        c.executemany(
            "INSERT INTO conversations (id, title, title_source, created_at, updated_at)"
            " VALUES (?, ?, 'words', ?, ?)",
            [
                (i, f"Conversation {i}: {_text(rng)[:30]}", template, template)
                for i in range(2, CONVERSATIONS + 1)
            ],
        )
        c.execute("UPDATE conversations SET title = 'Conversation 1' WHERE id = 1")
        rows = []
        for k in range(CONVERSATIONS * PER_CONVERSATION):
            cid = k % CONVERSATIONS + 1  # interleaved: conversations are active in turns
            at = (base + timedelta(seconds=30 * k)).strftime("%Y-%m-%dT%H:%M:%S.%fZ")
            role = "user" if (k // CONVERSATIONS) % 2 == 0 else "assistant"
            rows.append((role, _text(rng), at, cid))
            if len(rows) == 50_000:
                c.executemany(
                    "INSERT INTO messages (role, content, created_at, conversation_id)"
                    " VALUES (?, ?, ?, ?)",
                    rows,
                )
                rows.clear()
        c.execute(
            "UPDATE conversations SET read_up_to = (SELECT max(id) FROM messages m"
            " WHERE m.conversation_id = conversations.id) - 2"
        )
        c.execute("COMMIT")
        c.execute("INSERT INTO messages_fts(messages_fts) VALUES ('optimize')")
        c.execute("VACUUM")
        c.close()
        tmp.rename(cached)
        print(f"built {cached} in {time.perf_counter() - start:.0f} s", flush=True)
    shutil.copy(cached, path)
    return path


def ms(s: float) -> str:
    return f"{s * 1000:.1f} ms"


def pct(values: list[float], q: float) -> float:
    s = sorted(values)
    return s[min(len(s) - 1, round(q * (len(s) - 1)))]


def open_workspace(db: Path) -> Workspace:
    settings = Settings(db_path=db, tz="Europe/London", demo=True)
    return Workspace.open(settings, clock=SystemClock(), chat_client=DemoChatClient())


def queries(rng: random.Random) -> list[str]:
    qs = []
    for _ in range(40):
        qs.append(rng.choice(COMMON))  # a word in 30% of messages
        qs.append(WORDS[rng.randrange(len(WORDS))])  # mostly rare
        qs.append(f"{rng.choice(COMMON)} {WORDS[int(rng.paretovariate(1.1)) % len(WORDS)]}")
        qs.append(WORDS[rng.randrange(len(WORDS))][:3])  # a prefix, while typing
        qs.append("zzzqx")  # nowhere
    return qs


def bench_search(db: Path, rounds: int) -> None:
    rng = random.Random(7)
    p50s, p99s, maxes = [], [], []
    hits = 0
    for _ in range(rounds):
        ws = open_workspace(db)
        qs = queries(rng)
        rng.shuffle(qs)
        times = []
        for q in qs:
            t = time.perf_counter()
            hits += len(ws.search(q, limit=50))
            times.append(time.perf_counter() - t)
        p50s.append(pct(times, 0.5))
        p99s.append(pct(times, 0.99))
        maxes.append(max(times))
        ws.store.close()
    p99 = statistics.median(p99s)
    spread = f"rounds {ms(min(p99s))}-{ms(max(p99s))}"
    others = f"p50 {ms(statistics.median(p50s))}, max {ms(max(maxes))}"
    VERDICTS.report(
        f"search, {CONVERSATIONS * PER_CONVERSATION:,} messages, p99 ({len(qs)} x {rounds})",
        f"{ms(p99)} ({spread}; {others})",
        f"target <= {ms(SEARCH_TARGET)}",
        p99 <= SEARCH_TARGET,
    )
    print(f"  ({hits / rounds:.0f} hits per round)")


def _median_time(fn, n: int = 21) -> tuple[float, float, float]:
    times = []
    for _ in range(n):
        t = time.perf_counter()
        fn()
        times.append(time.perf_counter() - t)
    return statistics.median(times), min(times), max(times)


def bench_list_and_switch(db: Path) -> None:
    ws = open_workspace(db)
    for label, fn in [
        ("list every conversation with its counts", lambda: ws.conversations()),
        ("list the first screenful (50)", lambda: ws.conversations(limit=50)),
    ]:
        med, lo, hi = _median_time(fn)
        VERDICTS.report(
            label, f"{ms(med)} ({ms(lo)}-{ms(hi)})", "info (the list reads a page at a time)", None
        )
    rng = random.Random(3)

    def switch() -> None:
        conversation = ws.switch(rng.randint(1, CONVERSATIONS))
        conversation.messages(limit=50)

    med, lo, hi = _median_time(switch)
    VERDICTS.report(
        "switch to a conversation and read its last page",
        f"{ms(med)} ({ms(lo)}-{ms(hi)})",
        "target <= 50 ms",
        med <= 0.050,
    )
    ws.store.close()


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--rounds", type=int, default=5)
    args = parser.parse_args()
    with tempfile.TemporaryDirectory() as tmp:
        db = build(Path(tmp) / "conversations.db")
        bench_search(db, args.rounds)
        bench_list_and_switch(db)
    print()
    VERDICTS.print_table()
    return VERDICTS.exit_code


if __name__ == "__main__":
    sys.exit(main())
