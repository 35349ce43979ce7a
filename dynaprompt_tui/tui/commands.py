"""Command palette entries for everything the keys do, plus export and quit."""

from __future__ import annotations

from collections.abc import Callable
from functools import partial

from textual.command import DiscoveryHit, Hit, Hits, Provider


class DynapromptCommands(Provider):
    def _commands(self) -> list[tuple[str, Callable[[], object], str]]:
        # The actions are the main screen's, the first on the stack (the palette is on top of
        # it, perhaps over a dialog too).
        run = partial(partial, self.app.screen_stack[0].run_action)
        return [
            ("New schedule", run("new_schedule"), "Schedule a message for you or the bot"),
            ("Edit selected schedule", run("edit_schedule"), "Change when or what"),
            ("Cancel selected schedule", run("cancel_schedule"), "Cancel it (asks)"),
            ("Pause / resume selected schedule", run("pause_schedule"), ""),
            ("Cancel all schedules", run("cancel_all"), "Cancel every pending schedule"),
            ("Focus chat", run("focus('chat')"), "Scroll the conversation"),
            ("Focus schedules", run("focus('schedules')"), "The schedule sidebar"),
            ("Focus input", run("focus('composer')"), "Write a message"),
            ("Toggle sidebar", run("toggle_sidebar"), "Show or hide the schedules"),
            ("Export chat as Markdown", run("export('md')"), "Write a .md file here"),
            ("Export chat as JSON", run("export('json')"), "Write a .json file here"),
            ("Help", run("help"), "Keys and the dps syntax"),
            ("Quit", run("app.quit"), "Leave dynaprompt"),
        ]

    async def discover(self) -> Hits:
        for name, callback, help_text in self._commands():
            yield DiscoveryHit(name, callback, help=help_text or None)

    async def search(self, query: str) -> Hits:
        matcher = self.matcher(query)
        for name, callback, help_text in self._commands():
            score = matcher.match(name)
            if score > 0:
                yield Hit(score, matcher.highlight(name), callback, help=help_text or None)
