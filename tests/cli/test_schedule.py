"""`dynaprompt-tui schedule ...` as a script uses it: add, list, cancel, pause, resume, history,
with the app's own rules, one-line errors and the documented exit codes and JSON."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from pathlib import Path

import pytest

from dynaprompt_tui.core.models import Party, Role
from dynaprompt_tui.core.storage.store import Store
from tests.cli.conftest import Cli

SCHEDULE_KEYS = {
    "on_missed",
    "id",
    "conversation",
    "conversation_title",
    "to",
    "by",
    "when",
    "kind",
    "description",
    "cron",
    "recurring",
    "next_fire",
    "state",
    "awaiting_approval",
    "message",
    "zone",
    "created_at",
    "fire_count",
    "failures",
    "last_error",
}


def add(cli: Cli, when: str, message: str, to: str = "user") -> dict:
    result = cli("schedule", "add", "--to", to, when, message, "--json")
    assert result.code == 0, result.err
    return result.json()["schedule"]


def test_add_then_list_as_json(cli: Cli) -> None:
    before = datetime.now(UTC)
    once = add(cli, "in 2 hours", "drink water")
    weekly = add(cli, "every weekday at 8am", "a Spanish word", to="chatbot")
    assert set(once) == SCHEDULE_KEYS
    assert once["to"] == "user" and once["by"] == "user" and once["conversation"] == 1
    assert (once["when"], once["kind"], once["cron"], once["state"]) == (
        "in 2 hours",
        "once",
        None,
        "pending",
    )
    fire = datetime.fromisoformat(once["next_fire"])
    assert fire.utcoffset() is not None  # ISO 8601 with its offset, in the user's zone
    assert timedelta(hours=2) <= fire - before < timedelta(hours=2, minutes=1)
    assert weekly["cron"] == "0 8 * * 1-5" and weekly["recurring"] is True
    assert weekly["description"] == "every weekday at 08:00"
    assert weekly["to"] == "chatbot" and weekly["message"] == "a Spanish word"

    listed = cli("schedule", "list", "--json")
    assert listed.code == 0 and listed.err == ""
    # Soonest first: which of the two that is depends on the hour the test runs.
    soonest = sorted([once, weekly], key=lambda s: datetime.fromisoformat(s["next_fire"]))
    assert [s["id"] for s in listed.json()["schedules"]] == [s["id"] for s in soonest]


def test_add_plain_output_and_the_card_in_the_chat(cli: Cli) -> None:
    result = cli("schedule", "add", "--to", "u", "tomorrow 9am", "stretch")
    assert result.code == 0, result.err
    assert result.out.startswith("you scheduled a message to you · ")
    sid = result.out.split("id ")[-1].strip()
    store = Store(cli.db)
    try:
        [card] = store.messages()  # the card the app's dialog leaves: the app shows it too
        assert card.role is Role.NOTICE and card.meta["card"] == "scheduled"
        assert card.meta["schedule_id"] == sid
        [s] = store.schedules()
        assert (s.created_by, s.recipient, s.prompt) == (Party.USER, Party.USER, "stretch")
    finally:
        store.close()
    listed = cli("schedule", "list")
    assert listed.out.startswith(f"{sid} · to you · by you · next ")
    assert "“stretch”" in listed.out


def test_message_from_stdin(cli: Cli) -> None:
    result = cli(
        "schedule", "add", "--to", "chatbot", "in 1 hour", "-", "--json", stdin="line 1\nline 2\n"
    )
    assert result.code == 0, result.err
    assert result.json()["schedule"]["message"] == "line 1\nline 2"


def test_cancel_pause_resume_by_id_and_prefix(cli: Cli) -> None:
    a = add(cli, "in 1 hour", "first")["id"]
    b = add(cli, "in 2 hours", "second")["id"]
    paused = cli("schedule", "pause", a[:3] if a[:3] != b[:3] else a)
    assert paused.code == 0, paused.err
    assert paused.out == f"paused {a} (“first”)\n"
    states = {s["id"]: s["state"] for s in cli("schedule", "list", "--json").json()["schedules"]}
    assert states == {a: "paused", b: "pending"}
    assert cli("schedule", "resume", a).out == f"resumed {a} (“first”)\n"

    cancelled = cli("schedule", "cancel", a, b, "--json")
    assert cancelled.code == 0, cancelled.err
    doc = cancelled.json()
    assert [s["state"] for s in doc["schedules"]] == ["cancelled", "cancelled"]
    assert doc["errors"] == []
    assert [s["next_fire"] for s in doc["schedules"]] == [None, None]  # never fires again
    assert cli("schedule", "list").out == "no pending schedules\n"
    everything = cli("schedule", "list", "--finished", "--json").json()["schedules"]
    assert {s["id"]: s["state"] for s in everything} == {a: "cancelled", b: "cancelled"}
    assert f"{a} · cancelled · to you" in cli("schedule", "list", "--finished").out


def test_one_bad_id_fails_the_command_but_not_the_others(cli: Cli) -> None:
    a = add(cli, "in 1 hour", "first")["id"]
    result = cli("schedule", "cancel", "ffffff", a)
    assert result.code == 1
    assert result.out == f"cancelled {a} (“first”)\n"
    assert result.error_line == (
        "dynaprompt-tui: error: no schedule with id 'ffffff'; `schedule list` shows them"
    )
    again = cli("schedule", "pause", a)  # cancelled: the app refuses it too
    assert again.code == 1
    assert "is cancelled; only pending or paused ones change" in again.error_line


def test_history_lists_the_fires(cli: Cli) -> None:
    sid = add(cli, "every 2 hours", "stand up")["id"]
    empty = cli("schedule", "history", sid, "--json")
    assert empty.code == 0 and empty.json()["fires"] == []
    assert empty.json()["schedule"]["id"] == sid
    # A delivery as the engine makes it: claim, then deliver (late: ten minutes after it was due).
    from dynaprompt_tui.core.scheduling.book import ScheduleBook

    store = Store(cli.db)
    try:
        s = store.get_schedule(sid)
        assert s.next_fire is not None
        late = s.next_fire + timedelta(minutes=10)
        fire = store.claim(s, now=late, owner="test")
        assert fire is not None
        ScheduleBook(store).deliver(fire, now=late, late_after=timedelta(seconds=90))
    finally:
        store.close()
    result = cli("schedule", "history", sid[:3], "--json")
    assert result.code == 0, result.err
    [f] = result.json()["fires"]
    assert f["status"] == "delivered" and f["late"] is True and f["error"] is None
    due, delivered = (datetime.fromisoformat(f[k]) for k in ("due", "delivered"))
    assert delivered - due == timedelta(minutes=10)
    assert (f["outcome"], f["model"], f["missed"]) == ("late", None, 0)
    plain = cli("schedule", "history", sid)
    assert plain.code == 0
    assert "· delivered " in plain.out and "(late)" in plain.out


def test_add_with_a_missed_clause_and_a_skipped_fire_in_the_history(cli: Cli) -> None:
    s = add(cli, "every 2 hours (skip if missed)", "stand up")
    assert (s["on_missed"], s["when"]) == ("skip", "every 2 hours")
    assert "every 2 hours · next " in cli("schedule", "list").out
    assert " · skips missed · “stand up”" in cli("schedule", "list").out
    from dynaprompt_tui.core.scheduling.book import ScheduleBook
    from dynaprompt_tui.core.storage import FireSkippedError

    store = Store(cli.db)
    try:
        schedule = store.get_schedule(s["id"])
        assert schedule.next_fire is not None
        late = schedule.next_fire + timedelta(hours=5)  # two more fires passed meanwhile
        fire = store.claim(schedule, now=late, owner="test")
        assert fire is not None
        with pytest.raises(FireSkippedError):
            ScheduleBook(store).deliver(fire, now=late, late_after=timedelta(seconds=90))
    finally:
        store.close()
    [f] = cli("schedule", "history", s["id"], "--json").json()["fires"]
    assert (f["outcome"], f["missed"], f["message_id"]) == ("skipped", 2, None)
    plain = cli("schedule", "history", s["id"])
    assert "· skipped · 2 more missed (skipped)" in plain.out


@pytest.mark.parametrize(
    ("args", "code", "needle"),
    [
        (["schedule", "add", "--to", "user", "tomorrow at the dentist", "x"], 1, "'at' must"),
        (["schedule", "add", "--to", "user", "in 1 hour", "   "], 2, "the message is empty"),
        (["schedule", "add", "--to", "bob", "in 1 hour", "x"], 2, "invalid choice: 'bob'"),
        (["schedule", "add", "in 1 hour", "x"], 2, "required: --to"),
        (["schedule"], 2, "required"),
        (["schedule", "explode"], 2, "invalid choice: 'explode'"),
        (["schedule", "history", "zz"], 1, "no schedule with id 'zz'"),
        (["schedule", "cancel"], 2, "required: ID"),
        (["schedule", "list", "--tz", "Mars/Olympus"], 2, "Mars/Olympus"),
    ],
)
def test_bad_input_is_one_line_with_its_exit_code(
    cli: Cli, args: list[str], code: int, needle: str
) -> None:
    add(cli, "in 1 hour", "keep me")  # (the database exists)
    result = cli(*args)
    assert result.code == code, result
    assert needle in result.error_line
    listed = cli("schedule", "list", "--json").json()["schedules"]
    assert [s["message"] for s in listed] == ["keep me"]  # bad input loses nothing


def test_a_missing_database_is_not_created_by_reading_commands(cli: Cli) -> None:
    for args in (["list"], ["cancel", "abcd"], ["history", "abcd"], ["pause", "abcd"]):
        result = cli("schedule", *args)
        assert result.code == 1
        assert "no conversation at" in result.error_line
    assert not cli.db.exists()


def test_an_unreadable_database_is_one_line(cli: Cli, tmp_path: Path) -> None:
    cli.db.write_bytes(b"this is not a database, just text " * 100)
    for args in (
        ["schedule", "list"],
        ["schedule", "add", "--to", "user", "in 1 hour", "x"],
        ["export"],
    ):
        result = cli(*args)
        assert result.code == 1, result
        assert "cannot open the database" in result.error_line
    assert cli.db.read_bytes().startswith(b"this is not a database")


def test_the_environment_and_config_file_are_read(cli: Cli, tmp_path: Path) -> None:
    """No --db: DYNAPROMPT_DB from a .env file in the working directory, --tz from a config."""
    (tmp_path / ".env").write_text(f"DYNAPROMPT_DB={tmp_path / 'from-env.db'}\n")
    (tmp_path / ".env").chmod(0o600)
    config = tmp_path / "c.toml"
    config.write_text('tz = "Asia/Tokyo"\n')
    cli.env = {"DYNAPROMPT_TZ": ""}
    result = cli(
        "schedule",
        "add",
        "--to",
        "user",
        "in 1 hour",
        "x",
        "--config",
        str(config),
        "--json",
        db=False,
    )
    assert result.code == 0, result.err
    assert result.json()["schedule"]["next_fire"].endswith("+09:00")
    assert (tmp_path / "from-env.db").exists() and not cli.db.exists()
