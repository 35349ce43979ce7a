"""Every import the package makes inside a function instead of at the top of a module, and why.

An import at the top of a module runs at start-up; a few are kept for the moment they are first
needed, because the user would wait for them before seeing anything. This is the one list of
them: tests/test_architecture.py fails when a function-level import names a module missing here,
when an entry is no longer imported that way, and when the app's first frame (or `--help`) has
loaded a module that is listed as kept off it.
"""

# Kept off the app's first frame: loaded after it (warm-up), or on first use.
OFF_FIRST_FRAME: dict[str, str] = {
    "openai": "the SDK costs ~0.5 s to import; the first model call loads it",
    "croniter": "~20 ms; recurring rules are read only when a schedule is created or fires",
    "dynaprompt_tui.core.timephrases.fallback": "parsedatetime, for shapes the grammar lacks",
    "holidays": "~50 ms; loaded by the first time phrase that names a holiday",
    "tomllib": "~17 ms; imported only when a config file exists",
    "dotenv": "imported only when a .env file exists",
    "tzlocal": "asked only when neither TZ nor /etc/localtime names the zone",
    "dynaprompt_tui.core.scheduling.engine": "started after the first frame",
    "dynaprompt_tui.core.scheduling.rules": "When: read when a schedule is made, fires or resumes",
    "dynaprompt_tui.core.conversation.actions": "dps/dpd/dpl handling: loaded with the parsers",
    "dynaprompt_tui.core.conversation.turns": "the model turn: loaded by the warm-up",
    "dynaprompt_tui.core.conversation.drafts": "the live preview: on the first keystroke",
    "dynaprompt_tui.core.conversation.instructions": "the instruction parser: on first send",
    "dynaprompt_tui.core.timephrases": "the time-phrase grammar: on first send or preview",
    "dynaprompt_tui.core.llm.demo": "the offline demo bot: only without an API key",
    "dynaprompt_tui.core.llm.openai_client": "the OpenAI client: on the first model call",
    "dynaprompt_tui.tui.screens.confirm": "a dialog: on first use",
    "dynaprompt_tui.tui.screens.edit": "a dialog: on first use",
    "dynaprompt_tui.tui.screens.help": "the help screen (Markdown): on first use",
    "dynaprompt_tui.tui.screens.run_history": "a dialog: on first use",
    "dynaprompt_tui.tui.widgets.bot_message": "Markdown replies: after the first frame",
    "dynaprompt_tui.tui.widgets.markdown_message": "replies from history (markdown-it): the first",
    "markdown_it": "~20 ms; only for a reply beyond markdown_lite.py's subset, or a streaming one",
    "textual.highlight": "pygments, for syntax colours: when a code block is first drawn",
    "dynaprompt_tui.tui.widgets.button_message": "approval/retry cards: on the first one",
    "dynaprompt_tui.tui.widgets.new_below": "the new-messages marker: when one arrives unseen",
    "dynaprompt_tui.tui.widgets.draft_preview": "the preview line: on the first draft with dps",
    "desktop_notifier": "desktop notifications (and dbus-fast): on the first one sent",
    "urllib.request": "ntfy and webhook posts: in a thread, on the first one sent",
    "urllib.error": "ntfy and webhook posts: in a thread, on the first one sent",
}

# Kept off the command line's own start-up: `--help`, `--version` and the subcommands answer
# without loading the UI (these are all loaded by the app itself).
OFF_COMMAND_LINE: dict[str, str] = {
    "dynaprompt_tui.config": "settings are read once the arguments are understood",
    "dynaprompt_tui.tui": "Textual (~0.2 s) only when the app runs",
    "dynaprompt_tui.cli.commands": "a subcommand's module (and the core it uses) when it runs",
    "dynaprompt_tui.cli.startup": "the GC pause belongs to starting the app",
    "platformdirs": "asked only when no database or config path is given (Textual loads it too)",
    "dynaprompt_tui.core.storage.errors": "read only when the app could not open its database",
}
