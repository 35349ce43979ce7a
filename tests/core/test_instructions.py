"""The chat-text grammar: dps / dpd / dpl, visible text, typed errors, streaming filter."""

import pytest
from hypothesis import given
from hypothesis import strategies as st

from dynaprompt_tui.core.conversation.instructions import (
    CancelInstruction,
    EmptyPromptError,
    InvalidInstruction,
    ListInstruction,
    MissingIdsError,
    MissingRecipientError,
    MissingTimeError,
    ScheduleInstruction,
    UnknownIdError,
    UnknownRecipientError,
    parse_message,
)
from dynaprompt_tui.core.conversation.replies import parse_reply, strip_think
from dynaprompt_tui.core.conversation.reply_stream import ThinkFilter, VisibleStream
from dynaprompt_tui.core.models import Party


def only(text: str):
    parsed = parse_message(text)
    assert len(parsed.instructions) == 1, parsed
    return parsed.instructions[0]


@pytest.mark.parametrize(
    ("word", "party"),
    [
        ("user", Party.USER),
        ("u", Party.USER),
        ("USER", Party.USER),
        ("chatbot", Party.CHATBOT),
        ("c", Party.CHATBOT),
        ("ChatBot", Party.CHATBOT),
    ],
)
def test_recipients_and_aliases_case_insensitive(word, party):
    ins = only(f"dps {word} tomorrow evening\nteach me about monkeys")
    assert isinstance(ins, ScheduleInstruction)
    assert ins.recipient is party
    assert ins.time_prompt == "tomorrow evening"
    assert ins.prompt == "teach me about monkeys"


def test_seed_format_blank_line_and_multiline_prompt_kept_verbatim():
    text = "dps c 15th March at 2pm\n\nline one\n  indented\n\n```py\nprint('x')\n```\n"
    ins = only(text)
    assert ins.time_prompt == "15th March at 2pm"
    assert ins.prompt == "line one\n  indented\n\n```py\nprint('x')\n```"


def test_visible_text_and_several_instructions_in_order():
    text = (
        "Sure! I'll message you a few times.\n"
        "  dps u in 1 minute\nFirst.\n"
        "dps user in 2 minutes\nSecond\nstill second\n"
        "dpd 3f2a, #AB12\n"
        "dpl\n"
        "And that's the plan."
    )
    parsed = parse_message(text)
    assert parsed.visible == "Sure! I'll message you a few times.\nAnd that's the plan."
    kinds = [type(i) for i in parsed.instructions]
    assert kinds == [ScheduleInstruction, ScheduleInstruction, CancelInstruction, ListInstruction]
    assert parsed.instructions[1].prompt == "Second\nstill second"
    assert parsed.instructions[2].ids == ("3f2a", "ab12")
    assert [i.line for i in parsed.instructions] == [2, 4, 7, 8]


def test_plain_text_has_no_instructions():
    parsed = parse_message("hello dps u tomorrow\nI like dpl files and dpsx")
    assert parsed.instructions == ()
    assert parsed.visible == "hello dps u tomorrow\nI like dpl files and dpsx"


def test_instructions_inside_code_fences_are_shown_not_run():
    text = "Here is the syntax:\n```\ndps u tomorrow at 9am\nwake up\n```\nTry it."
    parsed = parse_message(text)
    assert parsed.instructions == ()
    assert parsed.visible == text


def test_dpd_all():
    ins = only("dpd all")
    assert isinstance(ins, CancelInstruction) and ins.all and ins.ids == ()


@pytest.mark.parametrize(
    ("text", "error", "hint"),
    [
        ("dps", MissingRecipientError, "dps <user|u|chatbot|c>"),
        ("dps friend tomorrow\nhi", UnknownRecipientError, "use user (u) or chatbot (c)"),
        ("dps u\nhi", MissingTimeError, "dps u in 20 minutes"),
        ("dps c tomorrow", EmptyPromptError, "write the message on the line(s) below"),
        ("dps c tomorrow\n   \n", EmptyPromptError, "nothing to send"),
        ("dpd", MissingIdsError, "dpd 3f2a"),
        ("dpd 3f2a; drop table", UnknownIdError, "dpl lists them"),
        ("dpl everything", Exception, "write 'dpl'"),
    ],
)
def test_errors_are_typed_and_say_how_to_fix(text, error, hint):
    ins = only(text)
    assert isinstance(ins, InvalidInstruction)
    assert isinstance(ins.error, error)
    assert hint in str(ins.error)


def test_error_quotes_are_printable():
    ins = only("dps \x1b[31mevil tomorrow\nhi")
    assert "\x1b" not in str(ins.error)


@given(st.text())
def test_any_text_parses_without_raising(text):
    parsed = parse_message(text)
    for ins in parsed.instructions:
        assert ins.line >= 1
        if isinstance(ins, ScheduleInstruction):
            assert ins.prompt.strip() and ins.time_prompt.strip()


@given(
    st.lists(
        st.sampled_from(
            [
                "dps u in 5 minutes",
                "**dps user in 5 minutes**",
                "- `dps chatbot tomorrow at 9am` Ask me",
                "### dps",
                "⏰ dps user in 1 hour",
                "dps me in 5",
                "DPS Oslo",
                "dpl",
                "dpd ab12",
                "dpd zz",
                "You can type this yourself:",
                "> dps user in 5 minutes",
                "    dps user in 5 minutes",
                "hello",
                "```",
                "  ~~~ py",
                "\t``",
                "d",
                "dp",
                " dps",
                "text dps",
                "- ",
                "1.",
                "\n",
                "",
                "   ",
                "x",
            ]
        ),
        max_size=12,
    ),
    st.sampled_from(["", "<think>dps user in 1 minute\nplan</think>\n", "  <thinking>x"]),
    st.integers(min_value=1, max_value=7),
)
def test_stream_shows_exactly_what_the_finished_reply_shows_for_any_chunking(parts, think, step):
    text = think + "\n".join(parts)
    stream = VisibleStream()
    shown = "".join(stream.feed(text[i : i + step]) for i in range(0, len(text), step))
    shown += stream.finish()
    assert shown == parse_reply(text).visible


@given(st.text(alphabet="<>/thinkgx\n d", max_size=30), st.integers(min_value=1, max_value=5))
def test_think_filter_matches_strip_think(text, step):
    if "</think" in text.lower() and "<think" not in text.lower():
        return  # (a closing tag alone is only dropped from the finished reply)
    f = ThinkFilter()
    out = "".join(f.feed(text[i : i + step]) for i in range(0, len(text), step)) + f.finish()
    assert out == strip_think(text)


def test_bot_is_a_recipient_and_me_or_you_say_why_they_are_not() -> None:
    [ins] = parse_message("dps bot tomorrow at 9am\nQuiz me.").instructions
    assert isinstance(ins, ScheduleInstruction) and ins.recipient is Party.CHATBOT
    [bad] = parse_message("dps me tomorrow at 9am\nStretch.").instructions
    assert isinstance(bad, InvalidInstruction)
    assert "means you or the bot depending on who writes it" in str(bad.error)
