"""Issue 16, friction: a `dps` line being written shows a neutral hint, not a red error, until
the user tries to send it; then it is red ("not sent") until it is fixed."""

from __future__ import annotations

from textual.widgets import Static

from dynaprompt_tui.tui.widgets.composer import Composer
from tests.tui.helpers import SIZE, settle, text_of, type_text


async def test_an_unfinished_dps_line_is_a_hint_until_the_user_tries_to_send(app) -> None:
    async with app.run_test(size=SIZE) as pilot:
        await type_text(pilot, "dps user in 10 minutes")
        preview = app.query_one("#preview", Static)
        assert preview.display and preview.has_class("-hint")
        assert not preview.has_class("-error")
        assert text_of(preview).startswith("· next: write the message")
        assert "✗" not in text_of(preview) and "nothing to send" not in text_of(preview)

        await pilot.press("enter")  # tried: now it is an error, and says it was not sent
        await settle(app, pilot)
        assert preview.has_class("-error") and not preview.has_class("-hint")
        assert "not sent" in text_of(preview)
        assert "✗ nothing to send" in text_of(preview)
        await type_text(pilot, " ")  # still wrong after a try: still red
        assert preview.has_class("-error")

        await type_text(pilot, "\nstretch")  # fixed: green, and a later draft starts neutral
        assert preview.has_class("-ok")
        await pilot.press("enter")
        await settle(app, pilot)
        assert not preview.display
        assert len(app.conversation.pending()) == 1
        app.query_one(Composer).focus()
        await type_text(pilot, "dps user tomorrw")
        assert preview.has_class("-hint") and not preview.has_class("-error")
