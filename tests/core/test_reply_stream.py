"""The streaming filter (reply_stream.py) on long and degenerate input: the same output as the
finished reply, and work that grows linearly with the input (counted, never timed)."""

from __future__ import annotations

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from dynaprompt_tui.core.conversation import reply_stream
from dynaprompt_tui.core.conversation.replies import could_be_instruction, parse_reply
from dynaprompt_tui.core.conversation.reply_stream import (
    SHORT_LINE,
    LineStart,
    ThinkFilter,
    VisibleStream,
)

# Pieces of line starts that keep a line undecided (markers, decorations, wrappers, blanks)
# and some that decide it, repeated so that lines grow past SHORT_LINE.
ATOMS = [
    "dps",
    "dpd",
    "d",
    "p",
    "s",
    " ",
    "\t",
    "*",
    "**",
    "_",
    "`",
    "~",
    "#",
    "-",
    "+",
    "1",
    ".",
    ")",
    ">",
    "⏰",
    "\u200d",
    "\ufe0f",
    "→",
    "x",
    "hello ",
    "\r",
    "\u00a0",
    "user",
]


def stream(text: str, step: int) -> str:
    s = VisibleStream()
    return "".join(s.feed(text[i : i + step]) for i in range(0, len(text), step)) + s.finish()


@settings(max_examples=300)
@given(
    st.lists(st.tuples(st.sampled_from(ATOMS), st.sampled_from([1, 2, 7, 30])), max_size=12),
    st.integers(min_value=1, max_value=9),
)
def test_line_start_agrees_with_could_be_instruction_on_every_prefix(atoms, step):
    line = "".join(a * n for a, n in atoms)
    start = LineStart()
    for end in range(step, len(line) + step, step):
        piece = line[end - step : end]
        if piece:
            assert start.feed(piece) == could_be_instruction(line[:end]), (line, end)


@settings(max_examples=200)
@given(
    st.lists(
        st.one_of(
            st.tuples(st.sampled_from(ATOMS), st.sampled_from([1, 40])).map(lambda t: t[0] * t[1]),
            st.sampled_from(["\n", "\n\n", "dps u in 5 minutes\n", "```\n", "<think>a</think>"]),
        ),
        max_size=15,
    ),
    st.integers(min_value=1, max_value=9),
)
def test_long_lines_stream_exactly_what_the_finished_reply_shows(parts, step):
    text = "".join(parts)
    assert stream(text, step) == parse_reply(text).visible


N = 20_000
SHAPES = {
    "whitespace": " " * N,
    "whitespace lines": (" " * 79 + "\n") * (N // 80),
    "text": "the schedule fires at nine " * (N // 27),
    "asterisks": "*" * N,
    "emoji": "⏰" * N,
    "instruction line": "dps user in 5 minutes " + "x" * N,
    "message body": "dps user in 5 minutes\n" + "body words " * (N // 11),
    "think": "<think>" + "plan " * (N // 5) + "</think>\nanswer",
}


class Counter:
    """Counts the characters handed to a function, which it scans."""

    def __init__(self, fn):
        self.fn, self.chars = fn, 0

    def __call__(self, text: str, *args):
        self.chars += len(text)
        return self.fn(text, *args)


@pytest.mark.parametrize("shape", SHAPES)
def test_filter_work_is_linear_in_the_input(shape, monkeypatch):
    """Whatever the input, a line's start is looked at a bounded number of times per character
    and the think filter never holds more than a tag's length to rescan: double the input,
    double the work (the old filter rescanned the line or the held whitespace per token)."""
    text = SHAPES[shape]
    judged = Counter(could_be_instruction)
    monkeypatch.setattr(reply_stream, "could_be_instruction", judged)
    held = 0
    think_filter = ThinkFilter()
    s = VisibleStream()
    monkeypatch.setattr(s, "_think", think_filter)
    out = []
    for i in range(0, len(text), 3):
        out.append(s.feed(text[i : i + 3]))
        held = max(held, len(think_filter._buf))
    out.append(s.finish())
    assert "".join(out) == parse_reply(text).visible
    pieces = -(-len(text) // 3)
    assert judged.chars <= SHORT_LINE * pieces  # at most the first SHORT_LINE characters each
    assert held <= len("<thinking>")  # what is rescanned when more comes
