"""How tests/data/legacy-v1.db was made: run with the code of commit 1ec3f8b (the release before the
redesign) on the path, e.g. `git worktree add /tmp/old 1ec3f8b && PYTHONPATH=/tmp/old python
tests/data/make_legacy_db.py tests/data/legacy-v1.db`. Kept for the record: it imports modules by
their pre-redesign paths, so today's code cannot run it; the database it wrote is the fixture."""

import asyncio
import sys
from datetime import UTC, datetime
from pathlib import Path

from dynaprompt_tui.config import Settings
from dynaprompt_tui.core.clock import FakeClock
from dynaprompt_tui.core.conversation import Conversation
from dynaprompt_tui.core.demo import DemoChatClient
from dynaprompt_tui.core.models import Party
from dynaprompt_tui.core.timeparse import parse_when

T0 = datetime(2026, 3, 5, 10, 15, tzinfo=UTC)


async def main(path: Path) -> None:
    path.unlink(missing_ok=True)
    clock = FakeClock(T0)
    settings = Settings(db_path=path, tz="Europe/London", demo=True)
    c = Conversation.open(settings, clock=clock, chat_client=DemoChatClient())
    await c.send("Hello! What can you do?")
    await c.send("dps user in 10 minutes\nStretch your legs.")
    await c.send("dps chatbot every day at 9am\nTeach me one Spanish word.")
    await c.send("dps user tomorrow at 18:00\nCall Sam.")
    await c.send("dps user in 2 hours\nThis one gets cancelled.")
    await c.send("dps user every monday at 8am\nWeekly review (paused).")
    pending = {s.prompt: s for s in c.pending()}
    await c.cancel(pending["This one gets cancelled."].id)
    await c.pause(pending["Weekly review (paused)."].id)
    # The bot's own recurring schedule waits for approval.
    c.store.add_schedule(
        created_by=Party.CHATBOT,
        recipient=Party.USER,
        time_prompt="every weekday at 7:30",
        when=parse_when("every weekday at 7:30", c.now()),
        prompt="Good morning! Ready for today's word?",
        now=clock.now(),
        approved=False,
    )
    # Twelve minutes later the reminder is delivered once (a fire row, a reminder message).
    clock.advance(12 * 60)
    delivered = await c.engine.fire_due()
    assert len(delivered) == 1, delivered
    await c.idle()
    await c.stop()


if __name__ == "__main__":
    asyncio.run(main(Path(sys.argv[1])))
