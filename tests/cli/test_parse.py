"""`dynaprompt-tui parse WHEN`: what a phrase means at an injected time, in the zone."""

from __future__ import annotations

from tests.cli.conftest import Cli


def test_a_weekly_rule_as_json(cli: Cli) -> None:
    result = cli(
        "parse",
        "every weekday at 8am",
        "--now",
        "2026-03-05T10:15",
        "--tz",
        "Europe/Paris",
        "-n",
        "3",
        "--json",
        db=False,
    )
    assert result.code == 0, result.err
    assert result.json() == {
        "phrase": "every weekday at 8am",
        "now": "2026-03-05T10:15:00+01:00",
        "zone": "Europe/Paris",
        "kind": "cron",
        "recurring": True,
        "description": "every weekday at 08:00",
        "cron": "0 8 * * 1-5",
        "next_fires": [
            "2026-03-06T08:00:00+01:00",
            "2026-03-09T08:00:00+01:00",
            "2026-03-10T08:00:00+01:00",
        ],
    }


def test_the_fires_cross_a_dst_change_in_the_zone(cli: Cli) -> None:
    # Paris springs forward on 29 March 2026: the offset in the fires changes with it.
    result = cli(
        "parse",
        "every day at 9am",
        "--now",
        "2026-03-27T12:00+01:00",
        "--tz",
        "Europe/Paris",
        "-n",
        "3",
        "--json",
        db=False,
    )
    assert result.json()["next_fires"] == [
        "2026-03-28T09:00:00+01:00",
        "2026-03-29T09:00:00+02:00",
        "2026-03-30T09:00:00+02:00",
    ]


def test_a_one_off_in_words(cli: Cli) -> None:
    result = cli("parse", "in 2 hours", "--now", "2026-03-05T10:15:00+00:00", "--tz", "UTC")
    assert result.code == 0, result.err
    assert "kind:        once" in result.out
    assert "cron" not in result.out
    assert "  2026-03-05T12:15:00+00:00  (in 2 h)" in result.out
    assert not (cli.home / "chat.db").exists()  # parse reads no database


def test_an_unparseable_phrase_prints_the_parsers_message_and_exits_1(cli: Cli) -> None:
    result = cli("parse", "tomorrow at the dentist", db=False)
    assert result.code == 1
    assert result.out == ""
    assert result.error_line == (
        "dynaprompt-tui: error: 'at' must be followed by a time, not 'the'; "
        "e.g. 'at 9am' or 'at 17:45'."
    )


def test_bad_flags_are_usage_errors(cli: Cli) -> None:
    for args, needle in (
        (["--now", "yesterday"], "not an ISO 8601 time"),
        (["-n", "0"], "between 1 and 100"),
        (["-n", "many"], "not a whole number"),
        (["--tz", "Nowhere/Town"], "Nowhere/Town"),
    ):
        result = cli("parse", "in 1 hour", *args, db=False)
        assert result.code == 2, (args, result)
        assert needle in result.error_line
