"""Issue 16, friction: `dpl` lays the pending schedules out as a table (id, to, by, next,
message), its columns aligned and two spaces or more apart, so a person reads it at a glance and
the bot (who sees its own `dpl`'s card) can split it."""

from __future__ import annotations

import re

from dynaprompt_tui.core.conversation.actions import Actions
from dynaprompt_tui.core.conversation.instructions import ListInstruction, parse_message
from dynaprompt_tui.core.models import Party
from dynaprompt_tui.core.scheduling.book import ScheduleBook
from dynaprompt_tui.core.scheduling.guardrails import Guardrails
from tests.core.conftest import LONDON


def actions(store, clock) -> Actions:
    return Actions(
        store,
        ScheduleBook(store),
        clock=clock,
        zone=LONDON,
        guardrails=Guardrails(),
        schedules_changed=lambda: None,
    )


def test_dpl_is_a_table_with_aligned_columns(store, clock) -> None:
    a = actions(store, clock)
    made = a.run(
        parse_message(
            "dps u in 20 minutes\nwater the plants\n"
            "dps c every day at 8am\nTeach me one Spanish word\n"
            "dps u tomorrow at 9am (skip if missed)\ncall mum"
        ).instructions,
        by=Party.USER,
    )
    ids = [r.schedule.id for r in made]
    [listing] = a.run([ListInstruction(1, "dpl")], by=Party.USER)
    title, header, *rows = listing.text.splitlines()
    assert title == "pending schedules:"
    assert header.split() == ["id", "to", "by", "next", "message"]
    assert len(rows) == 3
    # Every column starts at the same place on every line.
    starts = [m.start(1) for m in re.finditer(r"(?:^|  )(\S)", header)]
    for row in rows:
        for start in starts[1:]:
            assert row[start - 2 : start] == "  " and row[start] != " ", (row, start)
    cells = [re.split(r" {2,}", row) for row in rows]
    assert [c[0] for c in cells] == ids  # the next to fire first, as made here
    assert [c[1] for c in cells] == ["you", "chatbot", "you"]
    assert [c[2] for c in cells] == ["you", "you", "you"]
    assert "in 20 min" in cells[0][3]
    assert cells[0][4] == "“water the plants”"
    assert cells[1][4].startswith("“Teach me one Spanish word” · every day at 08:00")
    assert "skip" in cells[2][4]
    assert listing.data["schedules"][0]["prompt"] == "water the plants"  # the tool's answer
