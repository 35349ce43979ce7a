"""Command palette entries for everything the keys do, plus export and quit. The message
actions act on the chat's selected message, or on the latest one they suit
(screens/message_actions.py)."""

from __future__ import annotations

from collections.abc import Callable
from functools import partial

from textual.command import DiscoveryHit, Hit, Hits, Provider

from dynaprompt_tui.tui.widgets.chat import ChatView

# (name, action (chat_cursor.ACTIONS), help): the chat's message actions.
MESSAGE_COMMANDS = [
    ("Copy the selected message", "copy", "To the clipboard (the latest message if none)"),
    ("Copy the last reply", "copy_reply", "The bot's last answer, to the clipboard"),
    ("Edit and resend a message", "edit", "Your selected (or last) message, into the input"),
    ("Regenerate the last reply", "regenerate", "Ask the bot again; the old reply goes"),
    ("Delete the selected message", "delete", "Or the latest one (asks first)"),
    ("Open the message's schedule", "schedule", "The schedule that delivered it"),
]


class DynapromptCommands(Provider):
    def _commands(self) -> list[tuple[str, Callable[[], object], str]]:
        # The actions are the main screen's, the first on the stack (the palette is on top of
        # it, perhaps over a dialog too).
        main = self.app.screen_stack[0]
        run = partial(partial, main.run_action)
        return [
            ("New schedule", run("new_schedule"), "Schedule a message for you or the bot"),
            ("Edit selected schedule", run("edit_schedule"), "Change when or what"),
            ("Cancel selected schedule", run("cancel_schedule"), "Cancel it (asks)"),
            ("Pause / resume selected schedule", run("pause_schedule"), ""),
            ("Cancel all schedules", run("cancel_all"), "Cancel every pending schedule"),
            ("Focus chat", run("focus('chat')"), "Scroll it, select a message"),
            ("Focus schedules", run("focus('schedules')"), "The schedule sidebar"),
            ("Focus input", run("focus('composer')"), "Write a message"),
            ("Conversations", run("conversations"), "Open, rename, archive or delete one"),
            ("New conversation", run("new_conversation"), "Start another thread"),
            ("Search all conversations", run("search"), "Find a message; Enter jumps to it"),
            (
                "Conversation settings",
                run("conversation_settings"),
                "This conversation's model, persona and temperature",
            ),
            ("Toggle sidebar", run("toggle_sidebar"), "Show or hide the schedules"),
            *self._message_commands(main.query(ChatView).first()),
            ("Export chat as Markdown", run("export('md')"), "Write a .md file here"),
            ("Export chat as JSON", run("export('json')"), "Write a .json file here"),
            ("Help", run("help"), "Keys and the dps syntax"),
            ("Quit", run("app.quit"), "Leave dynaprompt"),
        ]

    @staticmethod
    def _message_commands(chat: ChatView) -> list[tuple[str, Callable[[], object], str]]:
        def ask(action: str) -> None:
            # The selection as it is when the command runs (the palette closed); the last
            # reply is regenerated whatever is selected.
            selected = None if action == "regenerate" else chat.selected_message
            chat.post_message(ChatView.ActionWanted(action, selected))

        return [(name, partial(ask, action), why) for name, action, why in MESSAGE_COMMANDS]

    async def discover(self) -> Hits:
        for name, callback, help_text in self._commands():
            yield DiscoveryHit(name, callback, help=help_text or None)

    async def search(self, query: str) -> Hits:
        matcher = self.matcher(query)
        for name, callback, help_text in self._commands():
            score = matcher.match(name)
            if score > 0:
                yield Hit(score, matcher.highlight(name), callback, help=help_text or None)
