"""`When` and wall-time resolution: fire times, DST guarantees, ends, storage round-trips."""

from __future__ import annotations

import json
from datetime import UTC, datetime, time, timedelta
from zoneinfo import ZoneInfo

import pytest

from dynaprompt_tui.core.scheduling.rules import When, first_instant, resolve_wall

LON = ZoneInfo("Europe/London")
NY = ZoneInfo("America/New_York")


def at(tz: ZoneInfo, *args: int, fold: int = 0) -> datetime:
    return datetime(*args, tzinfo=tz, fold=fold)  # type: ignore[misc]


def utc(d: datetime) -> datetime:
    return d.astimezone(UTC)


# -- resolve_wall ---------------------------------------------------------------------------------


def test_ordinary_wall_time_is_one_instant() -> None:
    (i,) = resolve_wall(datetime(2026, 3, 5, 9, 0), LON)
    assert utc(i) == datetime(2026, 3, 5, 9, 0, tzinfo=UTC)


@pytest.mark.parametrize(
    ("tz", "naive", "gap_end_utc"),
    [
        (LON, datetime(2026, 3, 29, 1, 30), datetime(2026, 3, 29, 1, 0, tzinfo=UTC)),
        (NY, datetime(2026, 3, 8, 2, 30), datetime(2026, 3, 8, 7, 0, tzinfo=UTC)),
    ],
)
def test_skipped_wall_time_resolves_to_gap_end(
    tz: ZoneInfo, naive: datetime, gap_end_utc: datetime
) -> None:
    (i,) = resolve_wall(naive, tz)
    assert utc(i) == gap_end_utc
    assert first_instant(naive, tz) == i


@pytest.mark.parametrize(
    ("tz", "naive", "first_utc"),
    [
        (LON, datetime(2026, 10, 25, 1, 30), datetime(2026, 10, 25, 0, 30, tzinfo=UTC)),
        (NY, datetime(2026, 11, 1, 1, 30), datetime(2026, 11, 1, 5, 30, tzinfo=UTC)),
    ],
)
def test_repeated_wall_time_resolves_to_both_first_first(
    tz: ZoneInfo, naive: datetime, first_utc: datetime
) -> None:
    a, b = resolve_wall(naive, tz)
    assert utc(a) == first_utc
    assert utc(b) == first_utc + timedelta(hours=1)


# -- fire times -----------------------------------------------------------------------------------

NOW = at(LON, 2026, 3, 5, 10, 15)


def test_once_fires_once_after_after() -> None:
    w = When(kind="once", tz=LON, description="x", start=NOW, at=at(LON, 2026, 3, 6, 9))
    assert w.next_fires(NOW, 3) == [at(LON, 2026, 3, 6, 9)]
    assert w.next_fires(at(LON, 2026, 3, 6, 9), 3) == []
    assert w.next_fires(NOW, 0) == []
    assert not w.recurring


@pytest.mark.parametrize(
    ("tz", "now", "cron", "want_utc"),
    [
        # fixed time in a repeated hour: once, at the first occurrence
        (LON, at(LON, 2026, 10, 24, 12), "30 1 * * *", ["2026-10-25T00:30", "2026-10-26T01:30"]),
        (NY, at(NY, 2026, 10, 31, 12), "30 1 * * *", ["2026-11-01T05:30", "2026-11-02T06:30"]),
        # fixed time in a skipped hour: at the gap end
        (LON, at(LON, 2026, 3, 28, 12), "30 1 * * *", ["2026-03-29T01:00", "2026-03-30T00:30"]),
        (NY, at(NY, 2026, 3, 7, 12), "30 2 * * *", ["2026-03-08T07:00", "2026-03-09T06:30"]),
        # every hour: both 01:00s when clocks go back, no duplicate when they go forward
        (
            LON,
            at(LON, 2026, 10, 25, 0, 10),
            "0 * * * *",
            ["2026-10-25T00:00", "2026-10-25T01:00", "2026-10-25T02:00"],
        ),
        (
            NY,
            at(NY, 2026, 11, 1, 0, 30),
            "0 * * * *",
            ["2026-11-01T05:00", "2026-11-01T06:00", "2026-11-01T07:00"],
        ),
        (
            NY,
            at(NY, 2026, 3, 8, 0, 30),
            "0 * * * *",
            ["2026-03-08T06:00", "2026-03-08T07:00", "2026-03-08T08:00"],
        ),
    ],
)
def test_cron_dst(tz: ZoneInfo, now: datetime, cron: str, want_utc: list[str]) -> None:
    w = When(kind="cron", tz=tz, description="x", start=now, cron=cron)
    got = w.next_fires(now, len(want_utc))
    assert [utc(g).replace(tzinfo=None).isoformat(timespec="minutes") for g in got] == want_utc
    assert all(g.tzinfo is not None for g in got)


def test_impossible_cron_never_fires() -> None:
    w = When(kind="cron", tz=LON, description="x", start=NOW, cron="0 9 30 2 *")
    assert w.next_fires(NOW, 3) == []


def test_every_is_elapsed_time_across_dst() -> None:
    now = at(NY, 2026, 3, 7, 23, 0)
    w = When(kind="every", tz=NY, description="x", start=now, seconds=5400, anchor=now)
    got = w.next_fires(now, 3)
    assert [utc(g) - utc(now) for g in got] == [timedelta(minutes=90 * k) for k in (1, 2, 3)]
    # from a later point, the series stays on its grid
    later = w.next_fires(got[1], 1)
    assert later == [got[2]]


def test_days_keeps_wall_time_and_resolves_gaps() -> None:
    now = at(NY, 2026, 3, 7, 12)
    anchor = first_instant(datetime(2026, 3, 8, 2, 30), NY)
    w = When(
        kind="days", tz=NY, description="x", start=now, days=2, at_time=time(2, 30), anchor=anchor
    )
    got = w.next_fires(now, 3)
    assert [g.replace(tzinfo=None).isoformat(timespec="minutes") for g in got] == [
        "2026-03-08T03:00",
        "2026-03-10T02:30",
        "2026-03-12T02:30",
    ]


def test_days_in_a_fold_fires_once() -> None:
    now = at(LON, 2026, 10, 24, 12)
    anchor = first_instant(datetime(2026, 10, 25, 1, 30), LON)
    w = When(
        kind="days", tz=LON, description="x", start=now, days=1, at_time=time(1, 30), anchor=anchor
    )
    got = w.next_fires(now, 2)
    assert [utc(g).isoformat(timespec="minutes") for g in got] == [
        "2026-10-25T00:30+00:00",
        "2026-10-26T01:30+00:00",
    ]


def test_count_counts_from_the_first_fire() -> None:
    w = When(kind="cron", tz=LON, description="x", start=NOW, cron="0 * * * *", count=3)
    got = w.next_fires(NOW, 10)
    assert len(got) == 3
    assert w.next_fires(got[0], 10) == got[1:]
    assert w.next_fires(got[-1], 10) == []


def test_until_is_inclusive() -> None:
    until = at(LON, 2026, 3, 7, 9)
    w = When(kind="cron", tz=LON, description="x", start=NOW, cron="0 9 * * *", until=until)
    assert w.next_fires(NOW, 10) == [at(LON, 2026, 3, 6, 9), until]


def test_nothing_before_start() -> None:
    w = When(kind="cron", tz=LON, description="x", start=NOW, cron="0 9 * * *")
    assert w.next_fires(NOW - timedelta(days=3), 1) == [at(LON, 2026, 3, 6, 9)]


@pytest.mark.parametrize(
    "kw",
    [
        {"kind": "nope"},
        {"kind": "cron", "cron": "not a cron"},
        {"kind": "every", "seconds": 0, "anchor": NOW},
        {"kind": "every", "seconds": 60},
        {"kind": "days", "days": 2, "anchor": NOW},
        {"kind": "cron", "cron": "* * * * *", "count": 0},
    ],
)
def test_invalid_rules_are_rejected(kw: dict[str, object]) -> None:
    with pytest.raises(ValueError):
        When(tz=LON, description="x", start=NOW, **kw)  # type: ignore[arg-type]


# -- storage --------------------------------------------------------------------------------------

ALL_KINDS = [
    When(kind="once", tz=LON, description="Fri 6 Mar 09:00", start=NOW, at=at(LON, 2026, 3, 6, 9)),
    When(kind="cron", tz=LON, description="every weekday", start=NOW, cron="0 9 * * 1-5"),
    When(kind="every", tz=LON, description="every 90 minutes", start=NOW, seconds=5400, anchor=NOW),
    When(
        kind="days",
        tz=LON,
        description="every other Friday at 09:00",
        start=NOW,
        days=14,
        at_time=time(9, 0),
        anchor=at(LON, 2026, 3, 6, 9),
    ),
    When(
        kind="cron",
        tz=LON,
        description="every hour, 3 times",
        start=NOW,
        cron="0 * * * *",
        count=3,
        until=at(LON, 2026, 4, 1, 0),
    ),
    When(
        kind="cron",
        tz=LON,
        description="in a fold",
        start=at(LON, 2026, 10, 25, 1, 30, fold=1),
        cron="*/30 * * * *",
    ),
]


@pytest.mark.parametrize("when", ALL_KINDS, ids=[w.description for w in ALL_KINDS])
def test_to_dict_from_dict_round_trip(when: When) -> None:
    d = json.loads(json.dumps(when.to_dict()))  # storable as JSON
    again = When.from_dict(d, LON)
    assert again.kind == when.kind
    assert again.description == when.description
    assert utc(again.start) == utc(when.start)
    assert again.cron == when.cron and again.seconds == when.seconds and again.days == when.days
    assert again.at_time == when.at_time and again.count == when.count
    for f in ("at", "anchor", "until"):
        a, b = getattr(again, f), getattr(when, f)
        assert (a is None and b is None) or utc(a) == utc(b)
    assert again.next_fires(when.start, 5) == when.next_fires(when.start, 5)


def test_round_trip_to_another_zone_keeps_instants() -> None:
    when = ALL_KINDS[0]
    again = When.from_dict(when.to_dict(), NY)
    assert utc(again.next_fires(NOW, 1)[0]) == utc(when.next_fires(NOW, 1)[0])


def test_from_dict_needs_a_start() -> None:
    d = ALL_KINDS[1].to_dict()
    d["start"] = None
    with pytest.raises(ValueError):
        When.from_dict(d, LON)
