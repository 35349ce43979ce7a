"""The Textual user interface. Import `make_app` from `dynaprompt_tui.tui.app`."""
