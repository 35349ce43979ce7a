"""A chatbot message: a header and a Markdown body, written to live while a reply streams.

Loaded with the first bot message, after the first frame (message_factory.py), and markdown-it
(~50 ms) with it: an empty chat never pays for them."""

from __future__ import annotations

from datetime import date, tzinfo

from textual.app import ComposeResult
from textual.widgets import Static
from textual.widgets.markdown import Markdown, MarkdownStream

from dynaprompt_tui.core.models import Message
from dynaprompt_tui.tui.widgets.message import MessageItem
from dynaprompt_tui.tui.widgets.safe import clean


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
        self._stream: MarkdownStream | None = None

    def compose(self) -> ComposeResult:
        yield Static(self.header(), classes="msg-header", markup=False)
        yield Markdown(clean(self.message.content), classes="msg-body")

    @property
    def markdown(self) -> Markdown:
        return self.query_one(Markdown)

    async def write(self, text: str) -> None:
        """Append streamed `text` to the Markdown body."""
        if not text:
            # Never start a stream for nothing: stopping a stream whose task has not run yet
            # raises CancelledError into the caller.
            return
        if self._stream is None:
            self._stream = self.markdown.get_stream(self.markdown)
        await self._stream.write(clean(text))

    async def replace(self, message: Message) -> None:
        if self._stream is not None:
            await self._stream.stop()
            self._stream = None
        await super().replace(message)
        self.query_one(".msg-header", Static).update(self.header())
        # A full update at the end, so a half-streamed code fence is never left blank.
        await self.markdown.update(clean(message.content))
