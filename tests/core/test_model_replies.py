"""Realistic model replies, family by family (issue 11), through the app's own path: after each
turn, exactly which schedules exist and what the chat shows. The rules are in
docs/scheduling.md ("How the bot's replies are read")."""

from __future__ import annotations

import pytest

from dynaprompt_tui.core.clock import FakeClock
from dynaprompt_tui.core.conversation import Conversation
from dynaprompt_tui.core.models import Party
from tests.core.scripted import T0, Scripted, bubbles, cards, conversation, settings

STRETCH = "Time to stretch!"


async def turn(tmp_path, reply: str, ask: str = "remind me to stretch in 20 minutes"):
    client = Scripted()
    client.script(reply)
    conv = conversation(tmp_path, client)
    await conv.send(ask)
    return conv, client


def made(conv) -> list[tuple[Party, str, str]]:
    return [(s.recipient, s.time_prompt, s.prompt) for s in conv.pending()]


# -- the forms models wrap an instruction in: recognised --------------------------------------

WRAPPED = [
    "Sure! I'll remind you.\n\n**dps user in 20 minutes**\nTime to stretch!",
    "Sure! I'll remind you.\n\n`dps user in 20 minutes`\nTime to stretch!",
    "Sure! I'll remind you.\n\n- dps user in 20 minutes\n  Time to stretch!",
    "Sure! I'll remind you.\n\n* **dps user in 20 minutes**\n  Time to stretch!",
    "Sure! I'll remind you.\n\n### dps user in 20 minutes\nTime to stretch!",
    "Sure! I'll remind you.\n\n⏰ dps user in 20 minutes\nTime to stretch!",
    "Sure! I'll remind you.\n\n✅ **dps user in 20 minutes**\nTime to stretch!",
    "Sure! I'll remind you.\n\n1. `dps user in 20 minutes`\n   Time to stretch!",
    "Sure! I'll remind you.\n\n`dps user in 20 minutes` Time to stretch!",
    "<think>\nThe user wants a reminder. I should write dps user in 20 minutes.\n</think>\n\n"
    "Sure! I'll remind you.\n\ndps user in 20 minutes\nTime to stretch!",
]


@pytest.mark.parametrize("reply", WRAPPED)
async def test_markdown_wrapped_instructions_schedule_once(tmp_path, reply):
    conv, _ = await turn(tmp_path, reply)
    assert made(conv) == [(Party.USER, "in 20 minutes", STRETCH)]
    assert bubbles(conv) == ["Sure! I'll remind you."]
    assert [c.meta["card"] for c in cards(conv)] == ["scheduled"]


# -- the message ends at a blank line: the sign-off stays in the bubble -----------------------

SIGN_OFFS = [
    (
        "dps user in 20 minutes\nTime to stretch!\n\nDone, I'll remind you in 20 minutes.",
        "Done, I'll remind you in 20 minutes.",
    ),
    (
        "dps user in 20 minutes\nTime to stretch!\n\nAll set 👍 Enjoy your break!",
        "All set 👍 Enjoy your break!",
    ),
    (
        "Of course.\n\ndps user in 20 minutes\nTime to stretch!\n\nAnything else?",
        "Of course.\n\nAnything else?",
    ),
    (
        "**dps user in 20 minutes**\nTime to stretch!\n\n---\n*Reminder set for 10:35.*",
        "---\n*Reminder set for 10:35.*",
    ),
]


@pytest.mark.parametrize(("reply", "bubble"), SIGN_OFFS)
async def test_a_sign_off_after_the_message_stays_in_the_bubble(tmp_path, reply, bubble):
    conv, _ = await turn(tmp_path, reply)
    assert made(conv) == [(Party.USER, "in 20 minutes", STRETCH)]
    assert bubbles(conv) == [bubble]


async def test_a_message_of_several_lines_and_two_schedules(tmp_path):
    reply = (
        "Here's your plan:\n\n"
        "dps user in 20 minutes\nTime to stretch!\nThen drink some water.\n\n"
        "dps chatbot every weekday at 8am\nTeach me one Spanish word.\n\n"
        "Have a good day!"
    )
    conv, _ = await turn(tmp_path, reply)
    assert sorted(made(conv)) == [
        (Party.CHATBOT, "every weekday at 8am", "Teach me one Spanish word."),
        (Party.USER, "in 20 minutes", "Time to stretch!\nThen drink some water."),
    ]
    assert bubbles(conv) == ["Here's your plan:\n\nHave a good day!"]


# -- examples, quotes, code: shown, never run; the user is told -------------------------------

EXAMPLES = [
    "You can type this yourself:\n\ndps user in 20 minutes\nTime to stretch!",
    "You can type this yourself:\n\n```\ndps user in 20 minutes\nTime to stretch!\n```",
    "Here's the reminder I've set:\n```\ndps user in 20 minutes\nTime to stretch!\n```\nDone!",
    "The syntax looks like this:\n    dps user in 20 minutes\n    Time to stretch!",
    "I can't set reminders more often than hourly. You could write:\n\n"
    "dps user every 10 minutes\nDrink water",
    "You asked:\n> dps user in 20 minutes\n> Time to stretch!\n\nThat line is already run.",
    "<think>\ndps user in 20 minutes\nTime to stretch!\n</think>\nI'd rather ask first: when?",
]


@pytest.mark.parametrize("reply", EXAMPLES)
async def test_examples_quotes_and_code_are_shown_not_run(tmp_path, reply):
    conv, _ = await turn(tmp_path, reply, ask="how do I set a reminder?")
    assert conv.pending() == []
    [bubble] = bubbles(conv)
    assert "<think>" not in bubble and "</think>" not in bubble
    if "<think>" in reply:
        assert bubble == "I'd rather ask first: when?" and not cards(conv)
    else:
        assert "dps user" in bubble  # the example is in the bubble, for the user to copy
        [note] = cards(conv)
        assert note.meta["card"] == "note" and "not carried out" in note.content
        assert not note.meta["to_bot"]  # no correction turn for an example


async def test_inline_code_in_a_sentence_is_an_example_without_a_card(tmp_path):
    reply = "Type `dps user in 20 minutes` and put your message on the next line."
    conv, _ = await turn(tmp_path, reply, ask="how?")
    assert conv.pending() == [] and bubbles(conv) == [reply] and not cards(conv)


# -- DPS the acronym, and lines that look like instructions but are not ----------------------

ACRONYMS = [
    "DPS Oslo is open until 4pm on weekdays.\nBring your ID.",
    "Dps: data protection services.\nDPS user accounts are separate.",
    "**DPS** stands for Damage Per Second.",
    "- DPS chatbot tier\n- DPS user tier",
]


@pytest.mark.parametrize("reply", ACRONYMS)
async def test_the_acronym_dps_is_ordinary_text(tmp_path, reply):
    conv, client = await turn(tmp_path, reply, ask="what is DPS?")
    assert conv.pending() == [] and bubbles(conv) == [reply] and not cards(conv)
    assert len(client.requests) == 1  # no correction turn


NEAR_MISSES = [
    ("dps me in 20 minutes\nTime to stretch!", "unknown recipient 'me'"),
    ("dps in 20 minutes\nTime to stretch!", "unknown recipient 'in'"),
    ("dpd the stretch one\nok", "is not a schedule id"),
]


@pytest.mark.parametrize(("reply", "error"), NEAR_MISSES)
async def test_an_unreadable_instruction_stays_visible_and_an_error_says_why(
    tmp_path, reply, error
):
    conv, client = await turn(tmp_path, reply)
    assert conv.pending() == []
    assert bubbles(conv)[0] == reply  # nothing hidden
    [card] = cards(conv, "error")
    assert error in card.content and card.meta["to_bot"]
    assert len(client.requests) == 2  # the bot is told once and may correct itself


async def test_a_blank_line_between_dps_and_its_message_is_refused_not_guessed(tmp_path):
    conv, _ = await turn(tmp_path, "dps user in 20 minutes\n\nDone, I'll remind you!")
    assert conv.pending() == []
    assert bubbles(conv)[0] == "Done, I'll remind you!"
    [card] = cards(conv, "error")
    assert "right after" in card.content


async def test_user_messages_keep_the_strict_grammar(tmp_path):
    """The user's own `DPS u ...` still runs, and their typos are still errors."""
    client = Scripted()
    conv = conversation(tmp_path, client)
    await conv.send("DPS u in 5 minutes\nstretch")
    await conv.send("dps me in 5 minutes\nstretch")
    assert [s.prompt for s in conv.pending()] == ["stretch"]
    assert "unknown recipient 'me'" in cards(conv, "error")[0].content
    assert client.requests == []  # instructions only: no model call


# -- the same families over real HTTP: the openai SDK against the local server ----------------

OVER_HTTP = [
    (WRAPPED[0], [(Party.USER, "in 20 minutes", STRETCH)], "Sure! I'll remind you."),
    (WRAPPED[-1], [(Party.USER, "in 20 minutes", STRETCH)], "Sure! I'll remind you."),
    (SIGN_OFFS[0][0], [(Party.USER, "in 20 minutes", STRETCH)], SIGN_OFFS[0][1]),
    (EXAMPLES[0], [], EXAMPLES[0]),
    (ACRONYMS[0], [], ACRONYMS[0]),
]


@pytest.mark.parametrize(("reply", "schedules", "bubble"), OVER_HTTP)
async def test_reply_families_over_http(tmp_path, openai_server, reply, schedules, bubble):
    openai_server.reply(reply)
    s = settings(tmp_path, base_url=openai_server.base_url, max_retries=1, request_timeout=5)
    conv = Conversation.open(s, clock=FakeClock(T0))
    try:
        await conv.send("remind me to stretch in 20 minutes")
        assert made(conv) == schedules
        assert bubbles(conv) == [bubble]
    finally:
        await conv.stop()


@pytest.mark.parametrize(
    "reply",
    [
        "1. **dps user in 20 minutes** — Time to stretch!",
        "- `dps user in 20 minutes`: Time to stretch!",
        "dps user in 20 minutes ⏰\nTime to stretch!",
    ],
)
async def test_a_message_on_the_instruction_line_after_its_wrapper(tmp_path, reply):
    conv, _ = await turn(tmp_path, reply)
    assert made(conv) == [(Party.USER, "in 20 minutes", STRETCH)]
    assert bubbles(conv) == [] and not cards(conv, "error")


async def test_several_list_items_each_with_its_message(tmp_path):
    reply = (
        "Here you go:\n\n"
        "- dps user in 10 minutes\n  Drink water.\n"
        "- dps user in 20 minutes\n  Time to stretch!\n\n"
        "Both are set."
    )
    conv, _ = await turn(tmp_path, reply)
    assert made(conv) == [
        (Party.USER, "in 10 minutes", "Drink water."),
        (Party.USER, "in 20 minutes", STRETCH),
    ]
    assert bubbles(conv) == ["Here you go:\n\nBoth are set."]
