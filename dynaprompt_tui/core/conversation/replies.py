"""The chatbot's reply -> its visible text and its instructions, by the rules a reader expects
(docs/scheduling.md, "How the bot's replies are read").

The user's own messages keep the strict grammar of `instructions.parse_message`; model text is
read differently because models wrap, quote and explain:

* an instruction line is one whose first word, once Markdown wrappers are taken off (a list
  marker, a `#` header, emoji, `**bold**`, `` `code` ``), is lowercase `dps`, `dpd` or `dpl`;
  `DPS` is an ordinary word;
* never inside a code fence, a quote (`> `), an indented block or a `<think>` block, and never
  right after a line such as "You can type this yourself:" (examples are shown, not run);
* a `dps` message is the paragraph right below it: it ends at a blank line, so a sign-off after
  it stays in the chat bubble;
* a line that starts like an instruction but cannot be read stays in the bubble, and an error
  says why (nothing the bot wrote is hidden without a card).
"""

from __future__ import annotations

import re
import textwrap
import unicodedata
from typing import NamedTuple

from dynaprompt_tui.core.conversation.instructions import (
    RECIPIENTS,
    EmptyPromptError,
    Instruction,
    InvalidInstruction,
    read_cancel,
    read_list,
    read_schedule,
)

KEYWORDS = ("dps", "dpd", "dpl")
_FENCE = re.compile(r"^[ \t]{0,3}(```|~~~)")
_MARKER = re.compile(r"^(?:#{1,6}(?:[ \t]+|$)|[-*+](?:[ \t]+|$)|\d{1,3}(?:[.)](?:[ \t]+|$)|$))")
_WRAPPERS = "*_`~"
_REST_LEAD = re.compile(r"^[\s*_`~:|—–-]+")
# Reasoning some models put at the start of their reply (DeepSeek-R1, Qwen3, QwQ...).
_THINK = re.compile(r"^\s*<(think|thinking)>.*?(?:</\1>|\Z)", re.DOTALL | re.IGNORECASE)
_LONE_THINK_END = re.compile(r"</think(?:ing)?>", re.IGNORECASE)
# A line introducing an example for the user to copy ("You can type this yourself:").
_EXAMPLE_CUE = re.compile(
    r"\b(you can|you could|you'd|yourself|type|typing|paste|copy|example|e\.g\.|syntax|"
    r"format|like this|looks like|template)\b",
    re.IGNORECASE,
)


class ParsedReply(NamedTuple):
    visible: str  # what the chat bubble shows
    instructions: tuple[Instruction, ...]  # what is carried out (errors included)
    examples: tuple[int, ...]  # lines that look like runnable instructions but are examples


def strip_think(text: str) -> str:
    """The reply without its leading `<think>...</think>` block (an unclosed one hides all).

    A `</think>` with no opening tag (some chat templates put the opening in the prompt) ends
    the reasoning too.
    """
    m = _THINK.match(text)
    if m:
        return text[m.end() :]
    end = _LONE_THINK_END.search(text)
    if end and "<think" not in text[: end.start()].lower():
        return text[end.end() :]
    return text


def _is_decoration(ch: str) -> bool:
    """An emoji or a symbol a model puts before a line (⏰, ✅, →), or the joiners emoji use."""
    if ch in " \t\u200d\ufe0f":
        return True
    return ord(ch) > 127 and unicodedata.category(ch).startswith("S")


def unwrap(line: str) -> tuple[str, str] | None:
    """(instruction text, text after its closing wrapper) when the line's first word, once its
    Markdown wrappers are off, is lowercase dps/dpd/dpl; None for any other line."""
    s = line.rstrip()
    indent = len(s) - len(s.lstrip(" "))
    if indent > 3 or s.startswith("\t"):
        return None  # an indented code block
    s = _MARKER.sub("", s.lstrip(" "), count=1)
    i = 0
    while i < len(s) and _is_decoration(s[i]):
        i += 1
    s = s[i:]
    j = 0
    while j < len(s) and j < 4 and s[j] in _WRAPPERS:
        j += 1
    wrap, s = s[:j], s[j:]
    if not (s[:3] in KEYWORDS and (len(s) == 3 or s[3].isspace() or s[3] in _WRAPPERS)):
        return None
    rest = ""
    if wrap:
        close = s.find(wrap[::-1])
        if close >= 0:
            s, rest = s[:close], s[close + len(wrap) :]
    s = s.rstrip(_WRAPPERS + " \t")
    while s and _is_decoration(s[-1]):  # "dps user in 20 minutes ⏰"
        s = s[:-1]
    # "**dps user in 20 minutes** — Time to stretch!": the rest is the message's first line.
    return s.rstrip(_WRAPPERS + " \t"), _REST_LEAD.sub("", rest).strip(_WRAPPERS + " \t")


def could_be_instruction(partial: str) -> bool:
    """Whether an unfinished line may still turn out to be an instruction line (streaming)."""
    s = partial.lstrip(" ")
    if len(partial) - len(s) > 3 or partial.startswith("\t") or s.startswith(">"):
        return False
    s = _MARKER.sub("", s, count=1)
    i = 0
    while i < len(s) and _is_decoration(s[i]):
        i += 1
    s = s[i:].lstrip(_WRAPPERS)
    if any(k.startswith(s) for k in KEYWORDS):  # (also when nothing but wrappers so far)
        return True
    return s[:3] in KEYWORDS and (s[3].isspace() or s[3] in _WRAPPERS)


class _Head(NamedTuple):
    number: int
    line: str  # the instruction, unwrapped
    body: list[str]
    in_fence: bool  # a fence is open inside the body


class ReplyReader:
    """Reads a reply one complete line at a time (the whole reply, or a stream as it comes):
    `line` says whether the line is visible; `finish` returns what was found."""

    def __init__(self) -> None:
        self.number = 0
        self.visible: list[str] = []
        self.instructions: list[Instruction] = []
        self.examples: list[int] = []
        self._fence = False  # inside a fenced block (not a message body)
        self._head: _Head | None = None  # the `dps` whose message is being read
        self._cue = False  # the last prose line introduces an example
        self._example_paragraph = False  # showing an example instruction and its lines

    @property
    def in_body(self) -> bool:
        return self._head is not None

    @property
    def in_fence(self) -> bool:
        return self._fence

    def line(self, line: str) -> bool:
        """Take one line (without its newline); True when it is shown."""
        self.number += 1
        if self._head is not None:
            if self._head.in_fence or not (line.strip() == "" or unwrap(line) is not None):
                if _FENCE.match(line):
                    self._head = self._head._replace(in_fence=not self._head.in_fence)
                self._head.body.append(line)
                return False
            self._close()
            if not line.strip():
                return self._show(line)
        if self._fence or line.lstrip(" ").startswith(">") or unwrap(line) is None:
            return self._prose(line)
        inner, rest = unwrap(line) or ("", "")
        if self._cue or self._example_paragraph:
            self._note_example(inner)
            self._example_paragraph = True
            return self._show(line)
        return self._instruction(line, inner, rest)

    def _prose(self, line: str) -> bool:
        if _FENCE.match(line):
            self._fence = not self._fence
        elif self._fence or line.lstrip(" ").startswith(">") or line.startswith(("    ", "\t")):
            found = unwrap(line.lstrip(" \t>")) if line.strip() else None
            if found is not None:
                self._note_example(found[0])
        if not line.strip():
            self._example_paragraph = False
        elif not self._fence and not self._example_paragraph:
            self._cue = line.rstrip().endswith(":") and bool(_EXAMPLE_CUE.search(line))
        return self._show(line)

    def _show(self, line: str) -> bool:
        self.visible.append(line)
        return True

    def _note_example(self, inner: str) -> None:
        """Remember a line that would have run, had it not been shown as an example."""
        keyword = inner[:3]
        if keyword == "dps":
            ins = read_schedule(inner, "message", self.number)
        else:
            ins = read_cancel(inner, self.number) if keyword == "dpd" else read_list(inner, 0)
        if not isinstance(ins, InvalidInstruction):
            self.examples.append(self.number)

    def _instruction(self, line: str, inner: str, rest: str) -> bool:
        keyword, _, after = inner.partition(" ")
        number = self.number
        if keyword == "dps":
            recipient = after.strip().split(" ")[0].lower() if after.strip() else ""
            if recipient not in RECIPIENTS:
                # Meant as an instruction, but unreadable: shown, and the error says why.
                ins = read_schedule(inner, "", number)
                self.instructions.append(ins)
                return self._show(line)
            self._head = _Head(number, inner, [rest] if rest else [], False)
            return False
        ins = read_cancel(inner, number) if keyword == "dpd" else read_list(inner, number)
        self.instructions.append(ins)
        if isinstance(ins, InvalidInstruction):
            return self._show(line)
        return False

    def _close(self) -> None:
        head, self._head = self._head, None
        if head is None:
            return
        body = textwrap.dedent("\n".join(head.body)).strip("\n")
        if not body.strip():
            error = EmptyPromptError(
                f"nothing to send: the message must be on the line right after '{head.line}', "
                "with no blank line between them."
            )
            self.instructions.append(InvalidInstruction(error, head.number, head.line))
            return
        self.instructions.append(read_schedule(head.line, body, head.number))

    def finish(self) -> ParsedReply:
        self._close()
        return ParsedReply(
            join_visible(self.visible), tuple(self.instructions), tuple(self.examples)
        )


def join_visible(lines: list[str]) -> str:
    """The shown lines as one text: no blank lines at either end, at most one in a row (where
    an instruction was taken out, its paragraph's blank lines would otherwise pile up)."""
    out: list[str] = []
    for line in lines:
        if line.strip():
            out.append(line)
        elif out and out[-1]:
            out.append("")
    while out and not out[-1]:
        out.pop()
    return "\n".join(out)


def parse_reply(text: str) -> ParsedReply:
    """Split the chatbot's reply into what the bubble shows and what is carried out."""
    reader = ReplyReader()
    for line in strip_think(text).split("\n"):
        reader.line(line)
    return reader.finish()
