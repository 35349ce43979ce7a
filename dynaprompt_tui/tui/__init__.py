"""The Textual user interface.

Build the app with the factory (the CLI, tests, screenshots and the benchmark all do)::

    from dynaprompt_tui.tui.app import make_app

    app = make_app(settings)                                   # opens settings.db_path
    app = make_app(settings, conversation=c, clock=FakeClock(...), start_engine=False)

    async with app.run_test(size=(120, 36)) as pilot:          # or app.run()
        ...

Widgets only render state and post messages; the main screen (`screens/main.py`) handles them
by calling the core's `Conversation`, whose listener callbacks come back to it as Textual
messages (`messages.Bridge`). `app.py` only wires that screen up, with the styles and keys.
"""
