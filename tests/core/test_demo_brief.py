"""Issue 16, friction: the demo bot gave its whole welcome text for every message it did not
know; now it gives it once per conversation, and a short pointer after that."""

from __future__ import annotations

from dynaprompt_tui.core.conversation.replies import parse_reply
from dynaprompt_tui.core.llm.demo import HELP, SHORT_HELP, DemoChatClient, reply_for
from tests.core.scripted import bubbles, conversation


async def test_the_whole_help_once_then_a_short_answer(tmp_path) -> None:
    conv = conversation(tmp_path, DemoChatClient(), demo=True)
    await conv.send("what is the meaning of life")
    await conv.send("and what about pizza")
    await conv.send("help")
    first, second, third = bubbles(conv)
    assert HELP in first
    assert HELP not in second and SHORT_HELP in second
    assert "You said: “and what about pizza”" in second
    assert len(second) < len(first) / 2
    assert third == HELP  # asked for: all of it, always
    await conv.stop()


async def test_each_conversation_gets_the_help_once(tmp_path) -> None:
    client = DemoChatClient()  # shared by every conversation, as the workspace's default
    one = conversation(tmp_path / "one", client, demo=True)
    two = conversation(tmp_path / "two", client, demo=True)
    await one.send("blorp")
    await two.send("blorp")
    assert HELP in bubbles(one)[0] and HELP in bubbles(two)[0]
    await one.stop()
    await two.stop()


def test_the_short_answer_has_no_instructions() -> None:
    brief = reply_for("pizza?", helped=True)
    assert SHORT_HELP in brief and not parse_reply(brief).instructions
