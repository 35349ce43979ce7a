"""A chatbot message: a header and a Markdown body, written to live while a reply streams.

Loaded with the first bot message, after the first frame (message_factory.py), and markdown-it
(~50 ms) with it: an empty chat never pays for them.

While a reply streams, the typist must never wait for it (issue 15). Two costs grew with the
reply: Textual's `Markdown` widget is a tree of block widgets, each styled, laid out and painted,
and every append lays the whole screen out again, so a long reply made every frame slower; and
an append per token left no room between them for the keys. So:

* streamed text is held and appended at most `FLUSH_EVERY` seconds apart (the first words at
  once), from this widget's own message queue (the screen's handler only hands it over): five
  updates a second read as a stream, and each costs a layout and a repaint of the chat;
* the `Markdown` widget keeps only the reply's last few blocks: once its source is longer than
  `CHUNK` characters, its finished blocks are set aside as one widget of styled lines
  (markdown_message.py's rendering, tables too, read once; its wrapped height is cached), so
  each frame lays out a handful of widgets however long the reply grows.

benchmarks/bench_stream.py (`--only keys`) measures keys typed meanwhile: p95 117 ms before,
about 45 ms after, at 2,000 tokens/s.

When the reply ends, the `Markdown` widget shows the finished text after the blocks set aside
(all of it, as before, when the reply was short or its text changed).
"""

from __future__ import annotations

import bisect
import re
import time
from datetime import date, tzinfo

from textual.app import ComposeResult
from textual.timer import Timer
from textual.widgets import Static
from textual.widgets.markdown import Markdown

from dynaprompt_tui.core.models import Message
from dynaprompt_tui.tui.widgets.lazy_lines import Line
from dynaprompt_tui.tui.widgets.lines_view import LinesView
from dynaprompt_tui.tui.widgets.markdown_layout import Look
from dynaprompt_tui.tui.widgets.markdown_message import (
    at_width,
    look_of,
    margin_above,
    markdown_parts,
    parts_and_margin_below,
)
from dynaprompt_tui.tui.widgets.message import MessageItem
from dynaprompt_tui.tui.widgets.safe import clean

FLUSH_EVERY = 0.2  # seconds between two appends of streamed text to the Markdown, at least
CHUNK = 1000  # characters of streamed Markdown past which its finished blocks are set aside
_FENCE = re.compile(r"^[ \t]{0,3}(?:```|~~~)", re.MULTILINE)
# A blank line, then a line at the margin that continues no list or quote: the Markdown before
# it and the Markdown from it render as they do together (outside a fence).
_BREAK = re.compile(r"\n[ \t]*\n(?=[^\s*+\->\d])")


def split_point(source: str) -> int:
    """Where streamed Markdown can be cut in two without changing how it renders (the start of
    its last block that can begin a document on its own), or 0 when nowhere yet."""
    fences = [m.start() for m in _FENCE.finditer(source)]
    for m in reversed(list(_BREAK.finditer(source))):
        if bisect.bisect_left(fences, m.start()) % 2 == 0:  # not inside a fenced block
            return m.start()
    return 0


class SettledBlocks(LinesView):
    """Finished blocks of a streaming reply, set aside from its `Markdown` widget as lines of
    styled text, laid out as it lays them out (markdown_message.py)."""

    def __init__(self, source: str, look: Look) -> None:
        super().__init__(classes="msg-settled")
        self.source = source  # the Markdown it shows
        parts, self.margin_below = parts_and_margin_below(source, look)  # (of its last block)
        self._parts = (look, parts)

    def lines_at(self, width: int | None) -> list[Line]:
        look = look_of(self)
        if self._parts[0] != look:  # (another theme)
            self._parts = (look, markdown_parts(self.source, look=look))
        return at_width(self._parts[1], width)


class BotMessage(MessageItem):
    """A chatbot message: a header and Markdown, written to live while it streams."""

    # Every top-level Markdown block ends with a one-line margin; the last one's is clipped by
    # the -1 bottom margin. Not with `MarkdownBlock:last-child`: an order pseudo-class makes
    # Textual restyle every block (with its subtree) each time one is appended, which made a
    # streaming reply quadratic.
    DEFAULT_CSS = """
    BotMessage {
        .msg-header {
            height: 1;
        }
        .msg-settled {
            height: auto;
            margin: 0 0 1 0;  /* (each one's own, as it is set aside: BotMessage.write) */
        }
        Markdown {
            height: auto;
            margin: 0 0 -1 0;
            padding: 0;
            background: transparent;
        }
    }
    """

    def __init__(self, message: Message, tz: tzinfo, today: date | None = None) -> None:
        super().__init__(message, tz, today)
        self._held: list[str] = []  # streamed text not appended yet
        self._flushing = False  # an append will take it (now, or by `_flush`)
        self._flush: Timer | None = None
        self._flushed_at = 0.0  # (time.monotonic) when text was last appended
        self._tail = ""  # the streamed source the Markdown widget shows (the reply's last blocks)

    def compose(self) -> ComposeResult:
        yield Static(self.header(), classes="msg-header", markup=False)
        yield Markdown(clean(self.message.content), classes="msg-body")

    @property
    def markdown(self) -> Markdown:
        return self.query_one(".msg-body", Markdown)

    @property
    def shown(self) -> str:
        """The Markdown source on screen: the set-aside blocks', then the Markdown widget's."""
        return "".join(w.source for w in self._settled()) + self.markdown.source

    def _settled(self) -> list[SettledBlocks]:
        return [w for w in self.children if isinstance(w, SettledBlocks)]

    @property
    def held(self) -> str:
        """Streamed text written but not shown yet (it will be within `FLUSH_EVERY` s)."""
        return "".join(self._held)

    async def write(self, text: str) -> None:
        """Take streamed `text`: it is appended to the body by this widget's own queue, within
        `FLUSH_EVERY` s, with whatever else comes by then."""
        if not text:
            return
        self._held.append(clean(text))
        if not self._flushing:
            self._flushing = True
            wait = self._flushed_at + FLUSH_EVERY - time.monotonic()
            if wait > 0:
                self._flush = self.set_timer(wait, self.flush, name="stream")
            else:
                self.call_later(self.flush)

    async def flush(self) -> None:
        """Show the streamed text held so far."""
        self._flushing = False
        if self._flush is not None:
            self._flush.stop()
            self._flush = None
        text = self.held
        self._held.clear()
        self._flushed_at = time.monotonic()
        if not text:
            return
        markdown = self.markdown
        if not self._tail:
            self._tail = markdown.source
        self._tail += text
        cut = split_point(self._tail) if len(self._tail) > CHUNK else 0
        if not cut:
            await markdown.append(text)
            return
        settled, self._tail = self._tail[:cut], self._tail[cut:]
        look = look_of(self)
        aside = SettledBlocks(settled, look)
        # Its margin below and the first block's above (inside the next widget) must not add
        # up: within one Markdown the larger of the two parts them.
        below = aside.margin_below - margin_above(self._tail, look)
        aside.styles.margin = (0, 0, max(below, 0), 0)
        await self.mount(aside, before=markdown)
        await markdown.update(self._tail)

    async def replace(self, message: Message) -> None:
        self._flushing = False
        if self._flush is not None:
            self._flush.stop()
            self._flush = None
        self._held.clear()  # the final content has it
        self._tail = ""
        await super().replace(message)
        self.query_one(".msg-header", Static).update(self.header())
        # The finished text in the Markdown widget, so a half-streamed code fence is never left
        # blank; the blocks set aside stay when the finished text starts with them (a long
        # reply then ends without mounting a widget per block at once), else they go.
        content = clean(message.content)
        settled = self._settled()
        kept = "".join(w.source for w in settled)
        if not content.startswith(kept):
            await self.remove_children(settled)
            kept = ""
        await self.markdown.update(content[len(kept) :])
