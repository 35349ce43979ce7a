"""Write the docs' screenshots (SVG) from the real app, driven by Textual's Pilot.

    python scripts/make_screenshots.py [--out screenshots]

Nothing is drawn by hand: each picture is `make_app(...)` on a temporary SQLite database, with a
`FakeClock` stopped at Thursday 5 March 2026, 10:15 in London, a scripted chatbot (Markdown
answers, one of which schedules a message itself) and the real core behind it. Schedules are
made by sending `dps` messages, exactly as a user would; the clock is then moved on so one of
them fires into the chat with its badge.

Writes: main.svg, sidebar.svg, edit.svg, help.svg, first-start.svg. Afterwards each file is
checked for words it must show, so a broken scene fails loudly instead of producing an empty
picture.
"""

from __future__ import annotations

import argparse
import asyncio
import random
import sys
import tempfile
from collections.abc import AsyncIterator
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from dynaprompt_tui.config import Settings  # noqa: E402
from dynaprompt_tui.core.clock import FakeClock  # noqa: E402
from dynaprompt_tui.core.conversation import Conversation  # noqa: E402
from dynaprompt_tui.core.llm.events import Done, TextDelta  # noqa: E402
from dynaprompt_tui.core.models import TitleSource  # noqa: E402
from dynaprompt_tui.core.storage import schedules as _schedule_rows  # noqa: E402
from dynaprompt_tui.tui.app import DynapromptApp, make_app  # noqa: E402

START = datetime(2026, 3, 5, 10, 15, tzinfo=UTC)  # London is on GMT in March: 10:15 local
SIZE = (120, 36)
TZ = "Europe/London"

SPANISH_ANSWER = """\
Of course! Here is today's set — **three words**, one sentence each:

| Word | Meaning | Example |
|---|---|---|
| *hola* | hello | ¡Hola! ¿Qué tal? |
| *gracias* | thank you | Muchas gracias. |
| *mañana* | tomorrow | Nos vemos mañana. |

I'll quiz you tomorrow morning so they stick.

dps user tomorrow at 9am
Quiz time: what do *hola*, *gracias* and *mañana* mean?
"""

FALLBACK_ANSWER = "Noted. I'll keep that in mind."


class _SeededIds:
    """The store's random ids, seeded: the same schedule ids every run, so SVG diffs are real."""

    def __init__(self, seed: int) -> None:
        self._random = random.Random(seed)

    def token_hex(self, nbytes: int) -> str:
        return self._random.randbytes(nbytes).hex()


class ScriptedBot:
    """A ChatClient with canned Markdown answers, streamed word by word like a real model."""

    def __init__(self, answers: list[str]) -> None:
        self.answers = list(answers)

    async def stream(
        self, messages: list[dict[str, Any]], *, tools: list[dict[str, Any]] | None = None
    ) -> AsyncIterator[Any]:
        text = self.answers.pop(0) if self.answers else FALLBACK_ANSWER
        for piece in text.split(" "):
            yield TextDelta(piece + " ")
            await asyncio.sleep(0)
        yield Done("stop")


def build(db: Path, clock: FakeClock, answers: list[str]) -> DynapromptApp:
    settings = Settings(
        db_path=db, tz=TZ, demo=False, bell=False, tools="off", model="gpt-4o", model_titles=False
    )  # (model_titles off: a title request would take one of the scripted answers)
    conversation = Conversation.open(settings, clock=clock, chat_client=ScriptedBot(answers))
    conversation.store.set_title("Spanish practice", TitleSource.USER)
    return make_app(settings, conversation=conversation, clock=clock)


async def settle(app: DynapromptApp, pilot: Any) -> None:
    """Wait for workers, model turns and the message queue (same as the TUI tests do)."""
    for _ in range(3):
        await app.workers.wait_for_complete()
        await app.conversation.idle()
        await pilot.pause()


async def send(app: DynapromptApp, pilot: Any, text: str) -> None:
    await app.conversation.send(text)
    await settle(app, pilot)


def save(app: DynapromptApp, out: Path, name: str) -> Path:
    app.save_screenshot(name, str(out))
    return out / name


async def conversation_shots(out: Path, tmp: Path) -> list[Path]:
    clock = FakeClock(START)
    app = build(tmp / "chat.db", clock, [SPANISH_ANSWER])
    written: list[Path] = []
    async with app.run_test(size=SIZE) as pilot:
        await settle(app, pilot)
        # Schedules first (as the user would type them), then a chat with a Markdown answer
        # in which the bot schedules a quiz for tomorrow itself.
        await send(
            app,
            pilot,
            "dps chatbot every weekday at 6pm\nAsk me what I finished today, then plan tomorrow.",
        )
        await send(app, pilot, "dps u friday at 16:30\nSubmit the expense report")
        await send(app, pilot, "dps u in 2 minutes\nStand-up in 5 minutes: grab a coffee ☕")
        await send(app, pilot, "Can you teach me three Spanish words a day?")
        # Two minutes later the first schedule fires into the chat with its badge.
        clock.advance(minutes=2)
        for _ in range(50):
            await settle(app, pilot)
            if not any("coffee" in s.prompt for s in app.conversation.pending()):
                break
            await asyncio.sleep(0.02)
        await settle(app, pilot)
        app.main_screen.chat.anchor()
        await pilot.pause()
        written.append(save(app, out, "main.svg"))

        await pilot.press("ctrl+s")
        await pilot.press("down")
        await pilot.pause()
        written.append(save(app, out, "sidebar.svg"))

        await pilot.press("e")
        await pilot.pause()
        await pilot.pause()
        written.append(save(app, out, "edit.svg"))
        await pilot.press("escape")
        await pilot.pause()

        await pilot.press("f1")
        await pilot.pause()
        await pilot.pause()
        written.append(save(app, out, "help.svg"))
        await pilot.press("escape")
        await pilot.pause()
    return written


async def first_start_shot(out: Path, tmp: Path) -> list[Path]:
    clock = FakeClock(START)
    settings = Settings(db_path=tmp / "first.db", tz=TZ, demo=True, bell=False)
    app = make_app(settings, conversation=Conversation.open(settings, clock=clock), clock=clock)
    async with app.run_test(size=SIZE) as pilot:
        await settle(app, pilot)
        return [save(app, out, "first-start.svg")]


# Words each picture must contain (SVG text escapes spaces as &#160;).
EXPECT = {
    "main.svg": ["scheduled by you", "gracias", "Schedules (3)", "expense", "coffee", "by bot"],
    "sidebar.svg": ["Schedules (3)", "every weekday", "Pause"],
    "edit.svg": ["Edit schedule", "every weekday at 18:00", "Save"],
    "help.svg": ["Keys", "ctrl+s", "schedule sidebar"],
    "first-start.svg": ["Schedules (0)", "demo", "dps"],
}


def check(paths: list[Path]) -> list[str]:
    problems = []
    for p in paths:
        text = p.read_text(encoding="utf-8").replace("&#160;", " ")
        missing = [w for w in EXPECT.get(p.name, []) if w not in text]
        if missing:
            problems.append(f"{p.name}: missing {missing}")
    return problems


async def main_async(out: Path) -> int:
    out.mkdir(parents=True, exist_ok=True)
    _schedule_rows._random_hex = _SeededIds(2026).token_hex
    with tempfile.TemporaryDirectory(prefix="dp-shots-") as tmp:
        paths = await conversation_shots(out, Path(tmp))
        paths += await first_start_shot(out, Path(tmp))
    for p in paths:
        print(f"wrote {p.relative_to(ROOT) if p.is_relative_to(ROOT) else p}")
    problems = check(paths)
    for problem in problems:
        print(f"CHECK FAILED {problem}", file=sys.stderr)
    return 1 if problems else 0


def main() -> int:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--out", type=Path, default=ROOT / "screenshots")
    args = ap.parse_args()
    return asyncio.run(main_async(args.out.resolve()))


if __name__ == "__main__":
    sys.exit(main())
