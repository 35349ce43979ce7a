"""How tests/data/single-conversation-v2.db was made: the code of commit 69e2b7e (schema 2, the last
release with one conversation per database) on the path, e.g. `git worktree add /tmp/v2 69e2b7e &&
PYTHONPATH=/tmp/v2 python tests/data/make_v2_db.py tests/data/single-conversation-v2.db`. Kept for
the record; the database it wrote is the fixture the conversations migration is tested on."""

import asyncio
import sys
from datetime import UTC, datetime
from pathlib import Path

from dynaprompt_tui.config import Settings
from dynaprompt_tui.core.clock import FakeClock
from dynaprompt_tui.core.conversation.facade import Conversation
from dynaprompt_tui.core.llm.demo import DemoChatClient
from dynaprompt_tui.core.models import MissedPolicy, Party
from dynaprompt_tui.core.timephrases.parse import parse_when

T0 = datetime(2026, 11, 2, 10, 15, tzinfo=UTC)


async def main(path: Path) -> None:
    path.unlink(missing_ok=True)
    clock = FakeClock(T0)
    settings = Settings(db_path=path, tz="Europe/Madrid", demo=True)
    c = Conversation.open(settings, clock=clock, chat_client=DemoChatClient())
    await c.send("Hola! Can you teach me Spanish?")
    await c.send("dps user in 10 minutes\nStretch your legs.")
    await c.send("dps chatbot every day at 9am\nTeach me one Spanish word.")
    await c.send("dps user tomorrow at 18:00\nCall Sam.")
    await c.send("dps user in 2 hours\nThis one gets cancelled.")
    await c.send("dps user every monday at 8am\nWeekly review (paused).")
    pending = {s.prompt: s for s in c.pending()}
    await c.cancel(pending["This one gets cancelled."].id)
    await c.pause(pending["Weekly review (paused)."].id)
    await c.set_missed_policy(pending["Call Sam."].id, MissedPolicy.SKIP)
    c.book.add_schedule(
        created_by=Party.CHATBOT,
        recipient=Party.USER,
        time_prompt="every weekday at 7:30",
        when=parse_when("every weekday at 7:30", c.now()),
        prompt="Buenos días! Ready for today's word?",
        now=clock.now(),
        approved=False,
    )
    clock.advance(12 * 60)  # the reminder is delivered once: a fire row, a reminder message
    delivered = await c.engine.fire_due()
    assert len(delivered) == 1, delivered
    await c.idle()
    await c.stop()


if __name__ == "__main__":
    asyncio.run(main(Path(sys.argv[1])))
