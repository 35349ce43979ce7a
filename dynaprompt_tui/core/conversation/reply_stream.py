"""What a reply shows while it streams: its `<think>` block and instruction lines held back.

`VisibleStream` reads the stream with the same `ReplyReader` that reads the finished reply, one
complete line at a time, and lets the start of a line through early only when it can no longer
become an instruction; so nothing the finished reply hides is ever shown, and prose is not
delayed. The bubble's final text is the finished reply's (`parse_reply`).
"""

from __future__ import annotations

import re

from dynaprompt_tui.core.conversation.replies import ReplyReader, could_be_instruction

_LINES = re.compile(r"(\n)")
_OPEN = re.compile(r"<(think|thinking)>", re.IGNORECASE)
_OPENINGS = ("<think>", "<thinking>")


class ThinkFilter:
    """Drops a `<think>...</think>` block at the start of a stream (as `strip_think` does)."""

    def __init__(self) -> None:
        self._buf = ""
        self._state = "start"  # start (a block may still open) | think | text
        self._close = ""

    def feed(self, delta: str) -> str:
        if self._state == "text":
            return delta
        self._buf += delta
        if self._state == "start":
            s = self._buf.lstrip()
            m = _OPEN.match(s)
            if m:
                self._state, self._close = "think", f"</{m.group(1).lower()}>"
                self._buf = s[m.end() :]
            elif not s or any(t.startswith(s.lower()) for t in _OPENINGS):
                return ""  # not decided yet
            else:
                self._state = "text"
                out, self._buf = self._buf, ""
                return out
        end = self._buf.lower().find(self._close)
        if end < 0:
            self._buf = self._buf[-(len(self._close) - 1) :]  # may be the start of the tag
            return ""
        out, self._buf, self._state = self._buf[end + len(self._close) :], "", "text"
        return out

    def finish(self) -> str:
        out, self._buf = ("" if self._state == "think" else self._buf), ""
        return out


class VisibleStream:
    """Filters a streamed reply so that only its visible text is shown while it streams."""

    def __init__(self) -> None:
        self._think = ThinkFilter()
        self._reader = ReplyReader()
        # The current line so far, in pieces: joined only while it is undecided, so a long
        # line (or one of whitespace) costs linear time, not a copy per token.
        self._parts: list[str] = []
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
                elif not self._blank or piece.strip():
                    self._blank = False
                    line = "".join(self._parts)
                    self._parts = [line]
                    if self._safe(line):
                        out.append(self._text(line))
                        self._shown = True
        return "".join(out)

    def _text(self, text: str) -> str:
        """Shown text, after the blank line owed before it (as `join_visible` lays it out)."""
        out = self._owed + text
        self._started, self._owed = True, ""
        return out

    def _safe(self, line: str) -> bool:
        """Whether the current, unfinished (and not blank) line will be shown whatever comes
        next. (A blank line is laid out when it ends.)"""
        reader = self._reader
        if reader.in_body:
            return False
        return reader.in_fence or not could_be_instruction(line)

    def _end_line(self) -> str:
        line, shown = "".join(self._parts), self._shown
        self._parts, self._blank, self._shown = [], True, False
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
