"""What a reply shows while it streams: its `<think>` block and instruction lines held back.

`VisibleStream` reads the stream with the same `ReplyReader` that reads the finished reply, one
complete line at a time, and lets the start of a line through early only when it can no longer
become an instruction; so nothing the finished reply hides is ever shown, and prose is not
delayed. The bubble's final text is the finished reply's (`parse_reply`).

Every character is looked at a bounded number of times, whatever the input (a reply of nothing
but spaces, a line of 300,000 asterisks, a long instruction line): what is held back is kept in
pieces and joined once, and the question "may this line still become an instruction?" is asked
of a growing line by `LineStart`, which resumes its scan where it stopped.
"""

from __future__ import annotations

import re

from dynaprompt_tui.core.conversation.replies import (
    _WRAPPERS,
    KEYWORDS,
    ReplyReader,
    _is_decoration,
    could_be_instruction,
)

_LINES = re.compile(r"(\n)")
_OPEN = re.compile(r"<(think|thinking)>", re.IGNORECASE)
_OPENINGS = ("<think>", "<thinking>")
# A line up to this long is judged by `could_be_instruction` itself (a bounded cost per piece);
# a longer one has its list marker decided, and is scanned on from where the scan stopped.
SHORT_LINE = 32
# `replies._MARKER` on a line longer than SHORT_LINE (its `$` branches cannot match there), up to
# the first blank after it: the blanks after that are skipped with the decorations.
_LONG_MARKER = re.compile(r"#{1,6}[ \t]|[-*+][ \t]|\d{1,3}[.)][ \t]")


class ThinkFilter:
    """Drops a `<think>...</think>` block at the start of a stream (as `strip_think` does)."""

    def __init__(self) -> None:
        self._lead: list[str] = []  # the whitespace before any text (kept, never rescanned)
        self._buf = ""  # start: the text after it (a few characters); think: a tag's start
        self._state = "start"  # start (a block may still open) | think | text
        self._close = ""

    def feed(self, delta: str) -> str:
        if self._state == "text":
            return delta
        if self._state == "start":
            return self._start(delta)
        return self._thinking(delta)

    def _start(self, delta: str) -> str:
        if not self._buf:
            rest = delta.lstrip()
            if not rest:
                self._lead.append(delta)  # whitespace only so far: not decided yet
                return ""
            self._lead.append(delta[: len(delta) - len(rest)])
            delta = rest
        # At most "<thinking" before this: a text that is no tag's start decides at once.
        s = self._buf = self._buf + delta
        m = _OPEN.match(s)
        if m:
            self._state, self._close = "think", f"</{m.group(1).lower()}>"
            self._buf, self._lead = "", []
            return self._thinking(s[m.end() :])
        if any(t.startswith(s.lower()) for t in _OPENINGS):
            return ""  # not decided yet
        self._state = "text"
        out = "".join(self._lead) + s
        self._buf, self._lead = "", []
        return out

    def _thinking(self, delta: str) -> str:
        self._buf += delta
        end = self._buf.lower().find(self._close)
        if end < 0:
            self._buf = self._buf[-(len(self._close) - 1) :]  # may be the start of the tag
            return ""
        out, self._buf, self._state = self._buf[end + len(self._close) :], "", "text"
        return out

    def finish(self) -> str:
        out = "" if self._state == "think" else "".join(self._lead) + self._buf
        self._buf, self._lead = "", []
        return out


def _keyword_start(s: str) -> bool:
    """`could_be_instruction`'s verdict on what follows a line's marker, decorations and
    wrappers (only its first four characters count)."""
    if any(k.startswith(s) for k in KEYWORDS):
        return True
    return s[:3] in KEYWORDS and (s[3].isspace() or s[3] in _WRAPPERS)


class LineStart:
    """`could_be_instruction(line)` for a line given piece by piece, in amortised O(1) per
    character: the same verdict on every prefix, without rescanning the line."""

    def __init__(self) -> None:
        self._head = ""  # the line while it is at most SHORT_LINE long
        self._long = False
        self._verdict: bool | None = None  # final once known: later text cannot change it
        self._phase = 0  # 0 decorations, 1 wrappers, 2 the word after them
        self._word = ""  # up to four characters of that word

    def feed(self, piece: str) -> bool:
        """Add `piece` to the line; whether the line so far may still become an instruction."""
        if self._verdict is not None:
            return self._verdict
        if self._long:
            return self._scan(piece)
        line = self._head + piece
        if len(line) <= SHORT_LINE:
            self._head = line
            return could_be_instruction(line)
        self._long, self._head = True, ""
        s = line.lstrip(" ")
        if len(line) - len(s) > 3 or line.startswith("\t") or s.startswith(">"):
            self._verdict = False
            return False
        marker = _LONG_MARKER.match(s)
        return self._scan(s[marker.end() :] if marker else s)

    def _scan(self, text: str) -> bool:
        i, n = 0, len(text)
        if self._phase == 0:
            while i < n and _is_decoration(text[i]):
                i += 1
            if i < n:
                self._phase = 1
        if self._phase == 1:
            while i < n and text[i] in _WRAPPERS:
                i += 1
            if i < n:
                self._phase = 2
        if self._phase < 2:
            return True  # nothing but decorations and wrappers yet
        self._word += text[i : i + 4 - len(self._word)]
        verdict = _keyword_start(self._word)
        if not verdict or len(self._word) == 4:
            self._verdict = verdict
        return verdict


class VisibleStream:
    """Filters a streamed reply so that only its visible text is shown while it streams."""

    def __init__(self) -> None:
        self._think = ThinkFilter()
        self._reader = ReplyReader()
        # The current line so far, in pieces, joined once: when it is shown or when it ends.
        self._parts: list[str] = []
        self._start = LineStart()
        self._blank = True  # the current line is whitespace so far
        self._shown = False  # the current line is being let through as it comes
        self._started = False  # some text was shown (blank lines before it are not)
        self._owed = ""  # the line break(s) owed before the next text (one blank line at most)

    def feed(self, delta: str) -> str:
        return self._lines(self._think.feed(delta))

    def _lines(self, text: str) -> str:
        out: list[str] = []
        for piece in _LINES.split(text):
            if piece == "\n":
                out.append(self._end_line())
            elif piece:
                self._parts.append(piece)
                if self._shown:
                    out.append(piece)  # the line is shown: the rest of it follows as it comes
                elif self._reader.in_body:
                    continue  # a `dps` message's line: held until it ends (as all of them are)
                else:
                    may_be_instruction = self._start.feed(piece)  # (fed every piece)
                    self._blank = self._blank and not piece.strip()
                    # A blank line is laid out when it ends; any other is shown once it can no
                    # longer become an instruction.
                    if not self._blank and (self._reader.in_fence or not may_be_instruction):
                        line = "".join(self._parts)
                        self._parts = [line]
                        out.append(self._text(line))
                        self._shown = True
        return "".join(out)

    def _text(self, text: str) -> str:
        """Shown text, after the blank line owed before it (as `join_visible` lays it out)."""
        out = self._owed + text
        self._started, self._owed = True, ""
        return out

    def _end_line(self) -> str:
        line, shown = "".join(self._parts), self._shown
        self._parts, self._blank, self._shown = [], True, False
        self._start = LineStart()
        if not self._reader.line(line):
            return ""
        if not line.strip():
            if self._started:
                self._owed = "\n\n"
            return ""
        out = "" if shown else self._text(line)
        self._owed = "\n"
        return out

    def finish(self) -> str:
        out = self._lines(self._think.finish())
        return out + self._end_line()
