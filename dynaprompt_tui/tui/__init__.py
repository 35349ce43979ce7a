"""The Textual user interface.

Build the app with the factory (the CLI, tests, screenshots and the benchmark all do)::

    from dynaprompt_tui.tui.app import make_app

    app = make_app(settings)                                   # opens settings.db_path
    app = make_app(settings, conversation=c, clock=FakeClock(...), start_engine=False)

    async with app.run_test(size=(120, 36)) as pilot:          # or app.run()
        ...

Widgets only render state and post messages; `app.py` forwards them to the core's
`Conversation` and turns its listener callbacks (`messages.Bridge`) into Textual messages.
"""
