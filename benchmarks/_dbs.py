"""Databases for bench_app.py, built through the real schema and filled by bulk SQL.

Each table gets a first row (or two) written through the core API (``Store``, ``ScheduleBook``),
so the schema and the encoding are exactly what the app writes; the other rows are copies of it
made in SQL with the few columns that differ (id, text, times) replaced. A column that a later
migration adds is copied from the template row as it is, so the builders keep working as the
schema grows. A million messages take a few seconds; that database is cached under
``~/.cache/dynaprompt-bench`` keyed by the schema version, and copied into the run's temp dir.
"""

from __future__ import annotations

import json
import shutil
import sqlite3
from datetime import UTC, datetime, timedelta
from pathlib import Path
from zoneinfo import ZoneInfo

from dynaprompt_tui.core.models import Party, Role
from dynaprompt_tui.core.scheduling.book import ScheduleBook
from dynaprompt_tui.core.scheduling.rules import When
from dynaprompt_tui.core.storage.migrations import SCHEMA_VERSION
from dynaprompt_tui.core.storage.store import Store

TZ = ZoneInfo("Europe/London")
GENERATOR = 1  # bump when what the builders write changes (the cache key has it)
CACHE = Path.home() / ".cache" / "dynaprompt-bench"
STEP = 60  # seconds between two messages of the history


def user_text(k: int) -> str:
    return f"Message {k}: what should I do about item {k}?"


def bot_text(k: int) -> str:
    return f"Reply {k}: **Plan** for item {k}\n\n- step one\n- step two\n\n`code {k}`"


def _columns(c: sqlite3.Connection, table: str) -> list[str]:
    return [r[1] for r in c.execute(f"PRAGMA table_info({table})")]


def _bulk_connection(path: Path) -> sqlite3.Connection:
    c = sqlite3.connect(path, isolation_level=None)
    c.execute("PRAGMA synchronous = OFF")  # setup only
    return c


def history_db(path: Path, n: int) -> Path:
    """`n` messages, user and bot in turn, one a minute, the last an hour ago. Message k (0-based)
    has id k + 1; the bot's are Markdown (bold, a list, inline code)."""
    for p in path.parent.glob(path.name + "*"):
        p.unlink()
    base = datetime.now(UTC).replace(microsecond=0) - timedelta(hours=1, seconds=STEP * n)
    store = Store(path)
    for k in range(min(n, 2)):
        role, text = (Role.USER, user_text(k)) if k % 2 == 0 else (Role.ASSISTANT, bot_text(k))
        store.add_message(role, text, now=base + timedelta(seconds=STEP * k))
    store.close()
    if n <= 2:
        return path
    c = _bulk_connection(path)
    cols = [x for x in _columns(c, "messages") if x != "id"]
    nl = "char(10)"
    content = (
        "CASE WHEN k % 2 = 0 THEN 'Message ' || k || ': what should I do about item ' || k || '?'"
        f" ELSE 'Reply ' || k || ': **Plan** for item ' || k || {nl} || {nl} || '- step one'"
        f" || {nl} || '- step two' || {nl} || {nl} || '`code ' || k || '`' END"
    )
    created = "strftime('%Y-%m-%dT%H:%M:%S', :base + k * :step, 'unixepoch') || '.000000Z'"
    exprs = [
        content if x == "content" else created if x == "created_at" else f"t.{x}" for x in cols
    ]
    c.execute("BEGIN")
    c.execute(
        f"INSERT INTO messages ({', '.join(cols)})"
        " WITH RECURSIVE g(k) AS (SELECT 2 UNION ALL SELECT k + 1 FROM g WHERE k < :last)"
        f" SELECT {', '.join(exprs)} FROM g JOIN messages t ON t.id = 1 + g.k % 2 ORDER BY g.k",
        {"base": int(base.timestamp()), "step": STEP, "last": n - 1},
    )
    c.execute("COMMIT")
    got = c.execute("SELECT count(*), max(id) FROM messages").fetchone()
    c.execute("PRAGMA wal_checkpoint(TRUNCATE)")
    c.close()
    assert got == (n, n), got
    return path


def long_reply(size: int) -> str:
    """A long Markdown reply of about `size` characters, as a model writes one when asked for a
    whole document: sections of headings, prose with links, fenced code and lists (all within
    markdown_lite.py's subset). Its last line is "Last line of the reply."."""
    section = (
        "## Part {k}\n\nThe **plan** for part {k}, with a [reference](https://example.com/{k}) and"
        " `inline code`, long enough to wrap once or twice in a chat pane of the usual width.\n\n"
        "```python\n"
        + "".join(f"def step_{{k}}_{i}(x):\n    return x * {i}  # step {i}\n" for i in range(8))
        + "```\n\n"
        + "".join(f"- point {i} of part {{k}}\n" for i in range(6))
        + "\n"
    )
    parts: list[str] = []
    while sum(map(len, parts)) < size:
        parts.append(section.format(k=len(parts)))
    return "".join(parts) + "Last line of the reply."


def long_reply_db(path: Path, size: int) -> Path:
    """1,000 messages of history (history_db), then a question and a `size`-character reply."""
    return last_reply_db(path, "Write the whole document, please.", long_reply(size))


# A reply with a table, as models often answer a comparison; its last row is "gracias".
TABLE_REPLY = "Here are the words for today:\n\n| Word | Meaning | Example |\n|---|---|---|\n" + (
    "".join(
        f"| *{w}* | {m} | {e} |\n"
        for w, m, e in [
            ("hola", "hello", "Hola, ¿qué tal?"),
            ("adiós", "goodbye", "Adiós, hasta mañana."),
            ("por favor", "please", "Un café, por favor."),
            ("gracias", "thank you", "Muchas gracias."),
        ]
    )
    + "\n- Say each one aloud.\n- Use `gracias` in a sentence."
)


# A reply with a quote and lists nested in a list, as models often structure steps.
NESTED_REPLY = (
    "Here is the plan:\n\n> **Note:** read it all before you start; the oven takes a while.\n\n"
    "1. Gather\n   - 200 g flour\n   - 3 eggs\n   - a pinch of salt\n"
    "2. Mix\n   - the dry things first\n   - then the eggs, one at a time, slowly\n"
    "3. Bake\n   - Preheat to 180 °C\n   - 25 minutes, until golden\n\nEnjoy it warm."
)


def last_reply_db(path: Path, question: str, reply: str) -> Path:
    """1,000 messages of history (history_db), then `question` and the bot's `reply`."""
    history_db(path, 1_000)
    store = Store(path)
    now = datetime.now(UTC).replace(microsecond=0) - timedelta(minutes=30)
    store.add_message(Role.USER, question, now=now)
    store.add_message(Role.ASSISTANT, reply, now=now + timedelta(minutes=1))
    store.mark_read()
    store.close()
    return path


def cached_history_db(dest: Path, n: int) -> tuple[Path, str]:
    """A copy at `dest` of the cached `n`-message database (built first if not cached)."""
    CACHE.mkdir(parents=True, exist_ok=True)
    cached = CACHE / f"history-{n}-schema{SCHEMA_VERSION}-gen{GENERATOR}.db"
    how = "cached"
    if not cached.exists():
        part = cached.with_name(cached.name + ".part")
        history_db(part, n)
        part.rename(cached)
        how = "built and cached"
    for p in dest.parent.glob(dest.name + "*"):
        p.unlink()
    shutil.copyfile(cached, dest)
    return dest, f"{how} at {cached}"


def schedules_db(
    path: Path,
    n: int,
    *,
    paused: bool = False,
    first_in: timedelta = timedelta(days=1),
    spread: timedelta = timedelta(days=30),
) -> Path:
    """`n` one-off schedules to the user, due one after another (schedule k before k + 1) over
    `spread` from `first_in` from now, pending or paused; no messages."""
    for p in path.parent.glob(path.name + "*"):
        p.unlink()
    now = datetime.now(UTC).replace(microsecond=0)
    first = now + first_in
    gap = spread / max(n, 1)

    def prompt(k: int) -> str:
        return f"scheduled message number {k}: check on item {k}"

    store = Store(path)
    book = ScheduleBook(store)
    template = book.add_schedule(
        created_by=Party.USER,
        recipient=Party.USER,
        time_prompt="in a while",
        when=When("once", TZ, "in a while", start=now, at=first),
        prompt=prompt(0),
        now=now,
    )
    if paused:
        book.pause(template.id, now=now)
    store.close()
    c = _bulk_connection(path)
    cols = _columns(c, "schedules")
    row = dict(zip(cols, c.execute("SELECT * FROM schedules").fetchone(), strict=True))
    rule = json.loads(row["rule"])
    rows = []
    for k in range(1, n):
        at = (first + gap * k).replace(microsecond=0)
        rule["at"] = at.isoformat()
        row.update(
            id=f"{k:08x}",
            prompt=prompt(k),
            rule=json.dumps(rule),
            next_fire=at.strftime("%Y-%m-%dT%H:%M:%S.%fZ"),
        )
        rows.append(tuple(row[x] for x in cols))
    c.execute("BEGIN")
    c.executemany(
        f"INSERT INTO schedules ({', '.join(cols)}) VALUES ({', '.join('?' * len(cols))})", rows
    )
    c.execute("COMMIT")
    got = c.execute("SELECT count(*) FROM schedules").fetchone()[0]
    c.execute("PRAGMA wal_checkpoint(TRUNCATE)")
    c.close()
    assert got == n, got
    return path


def session_db(path: Path, fires: int, every: float, first_in: float) -> tuple[Path, datetime]:
    """Fires due one every `every` s, the first `first_in` s from now, `fires` in all: made by
    `k` recurring schedules to the user ("every k * every seconds", staggered), so that the
    sidebar holds the same `k` rows all along and only the chat grows. Returns the first due
    time."""
    for p in path.parent.glob(path.name + "*"):
        p.unlink()
    k = 1 if every >= 1 else round(1 / every)
    period = k * every
    if abs(period - round(period)) > 1e-9 or round(period) < 1:
        raise ValueError(f"--fire-every {every}: use a whole number of seconds, or 1/2, 1/4 ...")
    period_s = round(period)
    now = datetime.now(UTC)
    t0 = now + timedelta(seconds=first_in)
    store = Store(path)
    book = ScheduleBook(store)
    for j in range(k):
        mine = fires // k + (1 if j < fires % k else 0)
        if not mine:
            continue
        anchor = t0 + timedelta(seconds=every * j)
        until = anchor + timedelta(seconds=period_s * (mine - 1), milliseconds=1)
        phrase = f"every {period_s} seconds"
        book.add_schedule(
            created_by=Party.USER,
            recipient=Party.USER,
            time_prompt=phrase,
            when=When(
                "every",
                TZ,
                phrase,
                start=now,
                seconds=period_s,
                anchor=anchor,
                until=until,
            ),
            prompt=f"stretch your legs ({j})",
            now=now,
        )
    store.close()
    return path, t0
