"""The virtual chat: only the messages in and near the viewport are mounted (chat.py's WINDOW,
FOLLOWING while it follows the latest), pages come and go at both ends, new messages far below
show a marker, G reads the latest; and history's bot replies are one widget each, their
Markdown rendered (markdown_message.py).

Real SQLite in tmp_path; every assertion is about what is mounted and what is read."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from dynaprompt_tui.config import Settings
from dynaprompt_tui.core.clock import FakeClock
from dynaprompt_tui.core.conversation import Conversation
from dynaprompt_tui.core.models import Role
from dynaprompt_tui.tui.history import PAGE
from dynaprompt_tui.tui.widgets.chat import WINDOW, ChatView
from dynaprompt_tui.tui.widgets.message import MessageItem
from dynaprompt_tui.tui.widgets.rows import FOLLOWING
from tests.tui.helpers import SIZE, chatted, settle, text_of


def filled(settings: Settings, clock: FakeClock, n: int) -> Conversation:
    """A conversation of `n` messages, user and bot in turn (the bot's with Markdown)."""
    return chatted(settings, clock, n, reply="reply {i}: **plan**\n\n- step\n- `code`")


def ids(chat: ChatView) -> list[int]:
    return [item.message.id for item in chat.mounted()]


def contiguous(chat: ChatView) -> bool:
    got = ids(chat)
    return got == list(range(got[0], got[0] + len(got)))


def in_view(chat: ChatView, message_id: int) -> bool:
    item = chat.item(message_id)
    assert item is not None
    top = item.virtual_region.y
    return chat.scroll_y <= top < chat.scroll_y + chat.scrollable_content_region.height


async def to_top(app: Any, pilot: Any, chat: ChatView) -> None:
    chat.scroll_home(animate=False, immediate=True)
    await settle(app, pilot)


async def far_up(app: Any, pilot: Any, chat: ChatView) -> None:
    """Scroll up until the latest message is no longer mounted."""
    while chat.at_latest:
        await to_top(app, pilot, chat)


async def to_bottom(app: Any, pilot: Any, chat: ChatView) -> None:
    chat.scroll_end(animate=False, immediate=True)
    await settle(app, pilot)


async def test_the_window_stays_bounded_scrolling_through_2000_messages(
    build: Callable[..., Any], settings: Settings, clock: FakeClock
) -> None:
    conversation = filled(settings, clock, 2000)
    latest = conversation.messages(limit=1)[-1].id
    app = build(conversation=conversation)
    async with app.run_test(size=SIZE) as pilot:
        await settle(app, pilot)
        chat = app.main_screen.chat
        # Start-up mounts a screenful, not the whole first page.
        assert 0 < chat.count < PAGE and ids(chat)[-1] == latest and contiguous(chat)
        assert chat.at_latest and chat.following
        oldest = ids(chat)[0]
        for _ in range(8):  # up, page after page
            top = ids(chat)[0]
            await to_top(app, pilot, chat)
            assert chat.count <= WINDOW and contiguous(chat)
            assert ids(chat)[0] == top - PAGE  # the page before, read and mounted
            assert in_view(chat, top)  # what the user was reading stays in view
        assert ids(chat)[0] == oldest - 8 * PAGE
        assert not chat.at_latest and ids(chat)[-1] < latest  # the bottom was unmounted
        assert len(chat.mounted()) == chat.count  # nothing kept for unmounted messages
        for _ in range(40):  # and back down, page after page, to the latest
            if chat.at_latest:
                break
            bottom = ids(chat)[-1]
            await to_bottom(app, pilot, chat)
            assert chat.count <= WINDOW and contiguous(chat)
            assert in_view(chat, bottom) or chat.at_latest
        assert chat.at_latest and ids(chat)[-1] == latest
        # Following again: a new message is mounted and shown.
        await to_bottom(app, pilot, chat)
        new = app.conversation.add(Role.REMINDER, "back at the bottom")
        await settle(app, pilot)
        assert ids(chat)[-1] == new.id and chat.following


async def test_a_message_for_a_reader_far_up_shows_a_marker_that_jumps_to_it(
    build: Callable[..., Any], settings: Settings, clock: FakeClock
) -> None:
    conversation = filled(settings, clock, 600)
    app = build(conversation=conversation)
    async with app.run_test(size=SIZE) as pilot:
        await settle(app, pilot)
        chat = app.main_screen.chat
        await far_up(app, pilot, chat)
        assert not chat.query("#new-below")
        before = ids(chat)
        new = app.conversation.add(Role.REMINDER, "stretch your legs")
        await settle(app, pilot)
        assert chat.item(new.id) is None and ids(chat) == before  # nothing mounted, nothing moved
        assert text_of(chat.query_one("#new-below")) == "↓ new messages below"
        # A change to a message that is not mounted is left alone (no marker twice, no mount).
        app.conversation.change(new.id, content="stretch your legs now")
        await settle(app, pilot)
        assert chat.item(new.id) is None and len(chat.query("#new-below")) == 1
        await pilot.click("#new-below")
        await settle(app, pilot)
        item = chat.item(new.id)
        assert item is not None and "stretch your legs now" in text_of(item)
        assert ids(chat)[-1] == new.id and chat.count <= PAGE and contiguous(chat)
        assert chat.at_latest and chat.following and not chat.query("#new-below")


def screenfuls(chat: ChatView, items: list[MessageItem]) -> float:
    """How many of the chat's screenfuls `items` fill, laid out (with the gaps between them)."""
    rows = sum(i.virtual_region_with_margin.height for i in items)
    return rows / chat.scrollable_content_region.height


async def test_500_messages_while_following_keep_a_page_mounted(
    build: Callable[..., Any], settings: Settings, clock: FakeClock
) -> None:
    conversation = filled(settings, clock, 20)
    app = build(conversation=conversation)
    async with app.run_test(size=SIZE) as pilot:
        await settle(app, pilot)
        chat = app.main_screen.chat
        for n in range(500):
            last = app.conversation.add(Role.REMINDER, f"fire {n}")
            if n % 25 == 24:
                await settle(app, pilot)
                # The latest FOLLOWING messages: more than two screenfuls here.
                assert chat.count == len(chat.mounted()) == FOLLOWING < WINDOW
                assert screenfuls(chat, chat.mounted()) >= 2
                assert ids(chat)[-1] == last.id and chat.following and contiguous(chat)
        # A change to a message unmounted at the top is not mounted again below.
        gone = ids(chat)[0] - 1
        app.conversation.change(gone, content="changed far above")
        await settle(app, pilot)
        assert chat.item(gone) is None and ids(chat)[-1] == last.id and contiguous(chat)
        # What was unmounted at the top is read again when scrolled to.
        top = ids(chat)[0]
        await to_top(app, pilot, chat)
        assert ids(chat)[0] == top - PAGE and contiguous(chat)
        assert not chat.following and chat.count == FOLLOWING + PAGE


async def test_following_in_a_tall_terminal_keeps_two_screenfuls(
    build: Callable[..., Any], settings: Settings, clock: FakeClock
) -> None:
    app = build(conversation=filled(settings, clock, 20))
    async with app.run_test(size=(100, 100)) as pilot:
        await settle(app, pilot)
        chat = app.main_screen.chat
        for n in range(200):
            app.conversation.add(Role.REMINDER, f"fire {n}")
            if n % 20 == 19:
                await settle(app, pilot)
        mounted = chat.mounted()
        # Two screenfuls (more than FOLLOWING messages), and not one message more.
        assert FOLLOWING < len(mounted) < WINDOW
        assert screenfuls(chat, mounted[1:]) < 2 <= screenfuls(chat, mounted)
        assert chat.following and contiguous(chat)


async def test_g_deep_in_history_shows_the_latest(
    build: Callable[..., Any], settings: Settings, clock: FakeClock
) -> None:
    conversation = filled(settings, clock, 2000)
    latest = conversation.messages(limit=1)[-1].id
    app = build(conversation=conversation)
    async with app.run_test(size=SIZE) as pilot:
        await settle(app, pilot)
        chat = app.main_screen.chat
        for _ in range(6):
            await to_top(app, pilot, chat)
        assert chat.item(latest) is None
        await pilot.press("ctrl+l", "G")
        await settle(app, pilot)
        assert chat.item(latest) is not None and ids(chat)[-1] == latest
        assert chat.count == PAGE and contiguous(chat) and chat.at_latest
        assert chat.scroll_y == chat.max_scroll_y and in_view(chat, latest)
        # Up again from there reads the page before the latest one, as at start-up.
        top = ids(chat)[0]
        await to_top(app, pilot, chat)
        assert ids(chat)[0] == top - PAGE


async def test_sending_from_deep_in_history_shows_the_message_sent(
    build: Callable[..., Any], settings: Settings, clock: FakeClock
) -> None:
    conversation = filled(settings, clock, 600)
    app = build(conversation=conversation)
    async with app.run_test(size=SIZE) as pilot:
        await settle(app, pilot)
        chat = app.main_screen.chat
        await far_up(app, pilot, chat)
        await pilot.press("ctrl+g")
        app.main_screen.composer.text = "hello again"
        await pilot.press("enter")
        await settle(app, pilot)
        sent = [i for i in chat.mounted() if i.message.content == "hello again"]
        assert sent and chat.at_latest and chat.count <= WINDOW
        assert chat.mounted()[-1].message.role is Role.ASSISTANT  # the demo bot's answer


async def test_history_replies_are_one_widget_with_their_markdown_rendered(
    build: Callable[..., Any], settings: Settings, clock: FakeClock
) -> None:
    from dynaprompt_tui.tui.widgets.bot_message import BotMessage
    from dynaprompt_tui.tui.widgets.markdown_message import MarkdownMessage

    conversation = Conversation.open(settings, clock=clock)
    conversation.add(Role.USER, "show me code")
    reply = conversation.add(
        Role.ASSISTANT, "Here:\n\n```py\nprint('hi')\n```\n\n**done**\n\n1. one\n2. two"
    )
    app = build(conversation=conversation)
    async with app.run_test(size=SIZE) as pilot:
        await settle(app, pilot)
        item = app.main_screen.chat.item(reply.id)
        assert isinstance(item, MarkdownMessage) and not item.children
        text = text_of(item).splitlines()
        # (spaced as Textual's Markdown spaces them: test_history_looks_live.py)
        code = ["", "  ", "  print('hi')", "  ", ""]  # (its frame: two columns each side)
        assert text[1:] == ["Here:", *code, "done", "", " 1. one", " 2. two"]
        assert not item.query("Markdown")
        # A reply arriving now streams into a Markdown widget, and stays one.
        await app.conversation.send("hi bot")
        await settle(app, pilot)
        live = app.main_screen.chat.mounted()[-1]
        assert isinstance(live, BotMessage) and live.message.role is Role.ASSISTANT


async def test_a_chat_started_full_has_its_scrollbar_from_the_first_layout(
    build: Callable[..., Any], settings: Settings, clock: FakeClock
) -> None:
    """A conversation that fills the pane starts with the scrollbar in place (no second layout
    when the first finds it needed); a short one keeps `auto` (no empty bar), and so does a
    page shown later (another conversation may be short)."""
    app = build(conversation=filled(settings, clock, 200))
    async with app.run_test(size=SIZE) as pilot:
        await settle(app, pilot)
        chat = app.main_screen.chat
        assert chat.styles.overflow_y == "scroll" and chat.show_vertical_scrollbar
        await chat.show_page(app.conversation.messages(limit=2), exhausted=True)
        await settle(app, pilot)
        assert chat.styles.overflow_y == "auto" and not chat.show_vertical_scrollbar


async def test_a_short_chat_starts_without_a_scrollbar(
    build: Callable[..., Any], settings: Settings, clock: FakeClock
) -> None:
    app = build(conversation=filled(settings, clock, 4))
    async with app.run_test(size=SIZE) as pilot:
        await settle(app, pilot)
        chat = app.main_screen.chat
        assert chat.styles.overflow_y == "auto" and not chat.show_vertical_scrollbar


async def test_following_shows_new_plain_messages_in_the_widgets_pushed_out_of_the_top(
    build: Callable[..., Any], settings: Settings, clock: FakeClock
) -> None:
    """A session of deliveries makes no widget per message once the window is full: the one
    pushed out at the top shows the new message at the bottom, its look (classes) its own."""
    app = build(conversation=filled(settings, clock, 20))
    async with app.run_test(size=SIZE) as pilot:
        await settle(app, pilot)
        chat = app.main_screen.chat
        for n in range(FOLLOWING):
            app.conversation.add(Role.REMINDER, f"fire {n}")
        await settle(app, pilot)
        widgets = {id(w) for w in chat.mounted()}
        assert len(widgets) == chat.count
        roles = [Role.USER, Role.REMINDER, Role.NOTICE]
        for n in range(60):
            last = app.conversation.add(roles[n % 3], f"later {n}")
        await settle(app, pilot)
        assert {id(w) for w in chat.mounted()} == widgets  # the same widgets, none made
        assert ids(chat)[-1] == last.id and contiguous(chat) and chat.following
        assert screenfuls(chat, chat.mounted()) >= 2
        for item in chat.mounted()[-3:]:
            role = item.message.role
            assert text_of(item).endswith(item.message.content) and item.has_class(f"-{role}")
            others = {f"-{r}" for r in roles if r is not role}
            assert not any(item.has_class(c) for c in others)
        assert chat.mounted()[-1].has_class("-card-info")
        assert in_view(chat, last.id)
        # A bot reply needs its own kind of widget: made, and the top one removed.
        reply = app.conversation.add(Role.ASSISTANT, "a reply")
        await settle(app, pilot)
        assert ids(chat)[-1] == reply.id and chat.item(reply.id) is not None
        assert id(chat.item(reply.id)) not in widgets and chat.following and contiguous(chat)
