"""Table-driven tests of `parse_when`, beyond the shared corpus.

`TABLE` is also the source of the examples in docs/time-phrases.md: `test_docs_table_is_current`
fails when they drift; regenerate with `python tests/core/test_timeparse.py --write-docs`.
"""

from __future__ import annotations

import contextlib
import sys
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta, timezone
from pathlib import Path
from zoneinfo import ZoneInfo

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from dynaprompt_tui.core.timephrases import TimePhraseError, When, parse_when

LON = "Europe/London"
NY = "America/New_York"
NOW = "2026-03-05T10:15"  # a Thursday


@dataclass(frozen=True)
class Case:
    phrase: str
    fires: tuple[str, ...] = ()  # local wall times; a one-off has one
    cron: str | None = None
    error: str | None = None  # a fragment of the error message
    tz: str = LON
    now: str = NOW
    kind: str | None = None  # when.kind, if it matters
    doc: bool = True  # show in docs/time-phrases.md

    @property
    def id(self) -> str:
        return f"{self.phrase}@{self.tz.split('/')[-1]}:{self.now}"


def once(phrase: str, at: str, **kw: object) -> Case:
    return Case(phrase, (at,), kind="once", **kw)  # type: ignore[arg-type]


def rec(phrase: str, cron: str | None, *fires: str, **kw: object) -> Case:
    return Case(phrase, tuple(fires), cron=cron, **kw)  # type: ignore[arg-type]


def bad(phrase: str, error: str, **kw: object) -> Case:
    return Case(phrase, error=error, **kw)  # type: ignore[arg-type]


D = "2026-03-"
TABLE: list[Case] = [
    # -- relative: hours/minutes/seconds are elapsed, days/weeks/months keep the wall time
    once("in 10 minutes", D + "05T10:25"),
    once("in 2 hours and 30 minutes", D + "05T12:45"),
    once("in 45 seconds", D + "05T10:15:45"),
    once("in 5m", D + "05T10:20"),
    once("in 2h", D + "05T12:15", doc=False),
    once("in half an hour", D + "05T10:45"),
    once("in an hour and a half", D + "05T11:45"),
    once("in a week", D + "12T10:15"),
    once("in 2 days at 5pm", D + "07T17:00"),
    once("in 1 month", "2026-04-05T10:15"),
    once("in a year", "2027-03-05T10:15", doc=False),
    once("10 minutes from now", D + "05T10:25"),
    once("in 3 hours", "2026-03-08T04:30", tz=NY, now="2026-03-08T00:30"),
    once("in 3 hours", "2026-03-29T04:30", now="2026-03-29T00:30"),
    once("in 1 day", "2026-03-08T23:30", tz=NY, now="2026-03-07T23:30", doc=False),
    once("in 2 hours", "2026-11-01T01:45", tz=NY, now="2026-10-31T23:45", doc=False),
    # -- day words and parts of the day
    once("today at 5pm", D + "05T17:00"),
    once("tomorrow", D + "06T09:00"),
    once("tomorrow morning", D + "06T09:00"),
    once("tomorrow afternoon", D + "06T14:00"),
    once("tomorrow morning at 8", D + "06T08:00"),
    once("tomorrow at 3", D + "06T15:00"),
    once("tonight", D + "05T21:00"),
    once("tonight at 8", D + "05T20:00"),
    once("this afternoon", D + "05T14:00"),
    once("at 7 in the evening", D + "05T19:00"),
    once("day after tomorrow at 2pm", D + "07T14:00"),
    once("9am tomorrow", D + "06T09:00", doc=False),
    once("noon tomorrow", D + "06T12:00", doc=False),
    # -- weekdays
    once("next Tuesday", D + "10T09:00"),
    once("on Friday at 17:45", D + "06T17:45"),
    once("Thursday at 9am", D + "12T09:00"),
    once("Thursday at 8pm", D + "05T20:00"),
    once("next Thursday", D + "12T09:00"),
    once("Friday 6 March", D + "06T09:00", doc=False),
    # -- dates
    once("15th March at 2pm", D + "15T14:00"),
    once("March 15", D + "15T09:00"),
    once("March 5", "2027-03-05T09:00"),
    once("15/03", D + "15T09:00"),
    once("03/15", D + "15T09:00", tz=NY),
    once("2027-01-02 09:00", "2027-01-02T09:00"),
    once("2026-03-06T07:00", D + "06T07:00"),
    once("on the 3rd", "2026-04-03T09:00"),
    once("Feb 29", "2028-02-29T09:00", doc=False),
    once("on 15 March 2027 at 10am", "2027-03-15T10:00", doc=False),
    # -- bare times: the next such time
    once("at noon", D + "05T12:00"),
    once("at 7:30", D + "06T07:30"),
    once("at 3", D + "05T15:00"),
    once("at 12", D + "05T12:00", doc=False),
    once("at 07:30", D + "06T07:30", doc=False),
    once("at 12am", D + "06T00:00", doc=False),
    once("at midnight", D + "06T00:00"),
    once("17:45", D + "05T17:45", doc=False),
    # -- other zones
    once("tomorrow at 9am", "2026-03-07T09:00", tz="Asia/Tokyo", now="2026-03-06T08:00"),
    once("at 6pm", "2026-03-05T18:00", tz="Australia/Sydney"),
    once("next Monday at 10am", "2026-03-09T10:00", tz="America/Los_Angeles"),
    once("in 2 hours", "2026-04-05T02:30", tz="Australia/Sydney", now="2026-04-05T01:30"),
    # -- DST: a skipped wall time fires when the gap ends; a repeated one at its first occurrence
    once("tomorrow at 2:30am", "2026-03-08T03:00", tz=NY, now="2026-03-07T12:00"),
    once("tomorrow at 1:30am", "2026-03-29T02:00", now="2026-03-28T12:00"),
    once("tomorrow at 1:30am", "2026-11-01T01:30-04:00", tz=NY, now="2026-10-31T12:00"),
    once("tomorrow at 1:30am", "2026-10-25T01:30+01:00", now="2026-10-24T12:00", doc=False),
    # -- recurring, cron
    rec("every day at 8am", "0 8 * * *", D + "06T08:00", D + "07T08:00", D + "08T08:00"),
    rec("every morning", "0 9 * * *", D + "06T09:00", D + "07T09:00", D + "08T09:00"),
    rec("every weekday at 9", "0 9 * * 1-5", D + "06T09:00", D + "09T09:00", D + "10T09:00"),
    rec("every weekend at 10am", "0 10 * * 6,0", D + "07T10:00", D + "08T10:00", D + "14T10:00"),
    rec(
        "every Monday and Thursday at 6pm",
        "0 18 * * 1,4",
        D + "05T18:00",
        D + "09T18:00",
        D + "12T18:00",
    ),
    rec("every hour", "0 * * * *", D + "05T11:00", D + "05T12:00", D + "05T13:00"),
    rec("hourly", "0 * * * *", D + "05T11:00", D + "05T12:00", D + "05T13:00", doc=False),
    rec("every 15 minutes", "*/15 * * * *", D + "05T10:30", D + "05T10:45", D + "05T11:00"),
    rec("every 2 hours", "0 */2 * * *", D + "05T12:00", D + "05T14:00", D + "05T16:00"),
    rec("daily", "0 9 * * *", D + "06T09:00", D + "07T09:00", D + "08T09:00"),
    rec("weekly on Sunday", "0 9 * * 0", D + "08T09:00", D + "15T09:00", D + "22T09:00"),
    rec(
        "every month on the 1st",
        "0 9 1 * *",
        "2026-04-01T09:00",
        "2026-05-01T09:00",
        "2026-06-01T09:00",
    ),
    rec(
        "on the first Monday of every month at 9am",
        "0 9 * * 1#1",
        "2026-04-06T09:00",
        "2026-05-04T09:00",
        "2026-06-01T09:00",
    ),
    rec(
        "on the last day of every month",
        "0 9 L * *",
        D + "31T09:00",
        "2026-04-30T09:00",
        "2026-05-31T09:00",
    ),
    rec(
        "last Friday of every month at 4pm",
        "0 16 * * L5",
        D + "27T16:00",
        "2026-04-24T16:00",
        "2026-05-29T16:00",
    ),
    rec(
        "every year on March 15 at 9am",
        "0 9 15 3 *",
        D + "15T09:00",
        "2027-03-15T09:00",
        "2028-03-15T09:00",
    ),
    rec("every day at 9am and 5pm", "0 9,17 * * *", D + "05T17:00", D + "06T09:00", D + "06T17:00"),
    rec(
        "to drink water at 3pm every day",
        "0 15 * * *",
        D + "05T15:00",
        D + "06T15:00",
        D + "07T15:00",
    ),
    rec("every hour on weekdays", "0 * * * 1-5", D + "05T11:00", D + "05T12:00", D + "05T13:00"),
    rec(
        "every weekday at 9am",
        "0 9 * * 1-5",
        "2026-03-06T09:00",
        "2026-03-09T09:00",
        "2026-03-10T09:00",
        tz="Asia/Tokyo",
    ),
    rec(
        "every Sunday at 9am",
        "0 9 * * 0",
        "2026-04-05T09:00",
        "2026-04-12T09:00",
        "2026-04-19T09:00",
        tz="Australia/Sydney",
        now="2026-04-01T12:00",
    ),
    rec(
        "every day at 7pm",
        "0 19 * * *",
        "2026-03-05T19:00",
        "2026-03-06T19:00",
        "2026-03-07T19:00",
        tz="America/Los_Angeles",
        doc=False,
    ),
    # -- recurring DST: gap -> gap end; fold -> once for a fixed time, both for "every hour"
    rec(
        "every day at 2:30am",
        "30 2 * * *",
        "2026-03-08T03:00",
        "2026-03-09T02:30",
        "2026-03-10T02:30",
        tz=NY,
        now="2026-03-07T12:00",
    ),
    rec(
        "every day at 1:30am",
        "30 1 * * *",
        "2026-11-01T01:30-04:00",
        "2026-11-02T01:30",
        "2026-11-03T01:30",
        tz=NY,
        now="2026-10-31T12:00",
    ),
    rec(
        "every day at 1:30am",
        "30 1 * * *",
        "2026-03-29T02:00",
        "2026-03-30T01:30",
        "2026-03-31T01:30",
        now="2026-03-28T12:00",
        doc=False,
    ),
    rec(
        "every day at 1:30am",
        "30 1 * * *",
        "2026-10-25T01:30+01:00",
        "2026-10-26T01:30",
        "2026-10-27T01:30",
        now="2026-10-24T12:00",
    ),
    rec(
        "every hour",
        "0 * * * *",
        "2026-11-01T01:00-04:00",
        "2026-11-01T01:00-05:00",
        "2026-11-01T02:00",
        tz=NY,
        now="2026-11-01T00:30",
    ),
    rec(
        "every hour",
        "0 * * * *",
        "2026-03-08T01:00",
        "2026-03-08T03:00",
        "2026-03-08T04:00",
        tz=NY,
        now="2026-03-08T00:30",
        doc=False,
    ),
    rec(
        "every day at 2:30am",
        "30 2 * * *",
        "2026-04-05T02:30+11:00",
        "2026-04-06T02:30",
        "2026-04-07T02:30",
        tz="Australia/Sydney",
        now="2026-04-04T12:00",
    ),
    once("in 1 hour", "2026-04-05T02:30+10:00", tz="Australia/Sydney", now="2026-04-05T02:30"),
    rec(
        "every weekday at 9:30",
        "30 9 * * 1-5",
        "2026-03-06T09:30",
        "2026-03-09T09:30",
        "2026-03-10T09:30",
        tz="Asia/Kolkata",
        doc=False,
    ),
    # -- recurring, not plain cron (never approximated)
    rec(
        "every other Friday", None, D + "06T09:00", D + "20T09:00", "2026-04-03T09:00", kind="days"
    ),
    rec("every 3 days at 8pm", None, D + "05T20:00", D + "08T20:00", D + "11T20:00", kind="days"),
    rec(
        "every 2 weeks on Monday at 10am",
        None,
        D + "09T10:00",
        D + "23T10:00",
        "2026-04-06T10:00",
        kind="days",
    ),
    rec("every 90 minutes", None, D + "05T11:45", D + "05T13:15", D + "05T14:45", kind="every"),
    rec("every 36 hours", None, D + "06T22:15", D + "08T10:15", D + "09T22:15", kind="every"),
    rec(
        "every 90 minutes",
        None,
        "2026-11-01T01:15-04:00",
        "2026-11-01T01:45-05:00",
        "2026-11-01T03:15",
        tz=NY,
        now="2026-10-31T23:45",
        kind="every",
        doc=False,
    ),
    rec(
        "every other day at 2:30am",
        None,
        "2026-03-08T03:00",
        "2026-03-10T02:30",
        "2026-03-12T02:30",
        tz=NY,
        now="2026-03-07T12:00",
        kind="days",
        doc=False,
    ),
    # -- ends
    rec("every day at 9am until Saturday", "0 9 * * *", D + "06T09:00", D + "07T09:00"),
    rec("every hour 3 times", "0 * * * *", D + "05T11:00", D + "05T12:00", D + "05T13:00"),
    rec("every hour for 2 times", "0 * * * *", D + "05T11:00", D + "05T12:00", doc=False),
    rec("every day for 2 days", "0 9 * * *", D + "06T09:00", D + "07T09:00"),
    rec("every 90 minutes 2 times", None, D + "05T11:45", D + "05T13:15", kind="every", doc=False),
    # -- errors: every one says what is wrong and gives an example
    bad("", "empty"),
    bad("asdf qwerty", "'asdf'"),
    bad("tomorrow at the dentist", "'at' must be followed by a time"),
    bad("every blue moon", "After 'every'"),
    bad("today at 8am", "already passed"),
    bad("yesterday", "past"),
    bad("5 minutes ago", "past"),
    bad("last Monday", "past"),
    bad("2020-01-01", "already passed"),
    bad("at 13pm", "hour is 1-12"),
    bad("at 9:75", "minute"),
    bad("at 25:00", "hours go 0-23"),
    bad("March 32", "no day 32"),
    bad("April 31", "no day 31", doc=False),
    bad("29 Feb 2027", "no day 29", doc=False),
    bad("2026-13-01 09:00", "no month 13"),
    once("15/03", D + "15T09:00", tz=NY),  # only one reading is a date
    bad("13/13", "month/day", tz=NY),
    bad("every 0 minutes", "at least 1"),
    bad("in -10 minutes", "negative"),
    bad("in 0 minutes", "now", doc=False),
    bad("in minutes", "needs an amount"),
    bad("at", "'at' must be followed"),
    bad("every 30 seconds", "shortest interval"),
    bad("every 5 months", "isn't supported"),
    bad("next week", "ambiguous"),
    bad("Monday 6 March", "is a Friday"),
    bad("every day at 9:15 and 17:45", "share their minutes"),
    bad("in 2 hours at 5pm", "drop the time", doc=False),
    bad("tomorrow at 9am until Friday", "repeating", doc=False),
    bad("Monday and Thursday", "every Monday and Thursday", doc=False),
    bad("every day on Monday", "either", doc=False),
    bad("now", "e.g.", doc=False),
    bad("tonight", "already passed", now="2026-03-05T22:00", doc=False),
    bad("5 minutes", "in 5", doc=False),
    bad("twice a day", "'twice'", doc=False),
    bad("in 1.5 months", "whole", doc=False),
    bad("every day until yesterday", "past", doc=False),
    bad("every 90 minutes on weekdays", "can't be limited", doc=False),
    bad("every month", "Say which day", now="2026-03-31T10:00", doc=False),
    bad("in 99999 years", "too far", doc=False),
    bad("9999-12-31 23:59", "e.g.", doc=False),
]


def _zone_now(c: Case) -> tuple[ZoneInfo, datetime]:
    tz = ZoneInfo(c.tz)
    return tz, datetime.fromisoformat(c.now).replace(tzinfo=tz)


def _as_key(d: datetime, want: str) -> str:
    """`d` written like `want`: with its UTC offset only when `want` has one (DST folds)."""
    has_offset = datetime.fromisoformat(want).tzinfo is not None
    shown = d if has_offset else d.replace(tzinfo=None)
    return shown.isoformat(timespec="seconds")


def _norm(want: str) -> str:
    return datetime.fromisoformat(want).isoformat(timespec="seconds")


@pytest.mark.parametrize("case", TABLE, ids=[c.id for c in TABLE])
def test_table(case: Case) -> None:
    tz, now = _zone_now(case)
    if case.error is not None:
        with pytest.raises(TimePhraseError) as exc:
            parse_when(case.phrase, now)
        msg = str(exc.value)
        assert case.error in msg
        assert "e.g." in msg, msg  # always an example of a right phrase
        return
    when = parse_when(case.phrase, now)
    assert isinstance(when, When)
    assert when.start == now
    assert when.cron == case.cron
    assert when.description
    if case.kind:
        assert when.kind == case.kind
    if case.kind == "once":
        assert not when.recurring
    else:
        assert when.recurring
    got = when.next_fires(now, 3)
    assert [_as_key(g, w) for g, w in zip(got, case.fires, strict=False)] == [
        _norm(w) for w in case.fires
    ]
    assert len(got) == len(case.fires)
    for g in got:
        assert g.tzinfo is not None and g.utcoffset() == g.astimezone(tz).utcoffset()


# -- properties -----------------------------------------------------------------------------------

_NOW = datetime(2026, 3, 5, 10, 15, tzinfo=ZoneInfo(LON))
_WORDS = [
    "in", "at", "on", "every", "the", "of", "and", "tomorrow", "today", "tonight", "next",
    "last", "this", "monday", "fri", "weekday", "weekends", "month", "day", "hours", "minutes",
    "2", "15", "0", "-3", "9am", "17:45", "noon", "midnight", "morning", "1st", "31st", "march",
    "15/03", "2026-04-01", "until", "times", "for", "other", "half", "an", "a", "ago", ",",
]  # fmt: skip


@settings(max_examples=400, deadline=None)
@given(st.text(max_size=60))
def test_any_text_raises_only_time_phrase_error(text: str) -> None:
    try:
        when = parse_when(text, _NOW)
    except TimePhraseError as e:
        assert "e.g." in str(e)
        return
    assert isinstance(when, When)


@settings(max_examples=600, deadline=None)
@given(st.lists(st.sampled_from(_WORDS), min_size=1, max_size=7))
def test_word_salad_raises_only_time_phrase_error(words: list[str]) -> None:
    try:
        when = parse_when(" ".join(words), _NOW)
    except TimePhraseError:
        return
    fires = when.next_fires(_NOW, 3)
    assert all(f > _NOW for f in fires)
    assert fires == sorted(set(fires), key=lambda f: f.astimezone(UTC))
    assert len(fires) == (1 if not when.recurring else len(fires))
    assert when.to_dict()["kind"] == when.kind


@pytest.mark.parametrize(
    "text", ["\x00", "tomorrow\x07", "at 9\u202e", "\ud800", "9" * 300, "in 9999999999 days",
             "every 99999999 minutes", "٣ minutes", "in ３ minutes", "İn 5 minutes"]
)  # fmt: skip
def test_odd_text(text: str) -> None:
    with contextlib.suppress(TimePhraseError):
        parse_when(text, _NOW)


@pytest.mark.parametrize(
    "tzinfo",
    [UTC, timezone(timedelta(hours=5)), timezone(timedelta(hours=5, minutes=30))],
)
def test_non_zoneinfo_now(tzinfo: timezone) -> None:
    now = datetime(2026, 3, 5, 10, 15, tzinfo=tzinfo)
    when = parse_when("tomorrow at 9am", now)
    (at,) = when.next_fires(now, 1)
    assert at.utcoffset() == now.utcoffset()
    assert (at.hour, at.minute, at.day) == (9, 0, 6)
    assert parse_when("every day at 9am", now).next_fires(now, 2)[1].day == 7


def test_naive_now_is_an_error() -> None:
    with pytest.raises(TimePhraseError):
        parse_when("tomorrow", datetime(2026, 3, 5, 10, 15))


def test_past_errors_are_marked() -> None:
    with pytest.raises(TimePhraseError) as exc:
        parse_when("today at 8am", _NOW)
    assert exc.value.past
    with pytest.raises(TimePhraseError) as exc:
        parse_when("asdf", _NOW)
    assert not exc.value.past


def test_descriptions() -> None:
    assert parse_when("every weekday at 9", _NOW).description == "every weekday at 09:00"
    assert parse_when("on Friday at 17:45", _NOW).description == "Fri 6 Mar 17:45"
    assert parse_when("every day at 9am and 5pm", _NOW).description == (
        "every day at 09:00 and 17:00"
    )
    assert parse_when("every 90 minutes", _NOW).description == "every 90 minutes"
    assert parse_when("2027-01-02 09:00", _NOW).description == "Sat 2 Jan 2027 09:00"
    assert "until Sat 7 Mar" in parse_when("every day until Saturday", _NOW).description


@pytest.mark.parametrize("phrase", [c.phrase for c in TABLE if c.error is None and c.tz == LON])
def test_round_trip_through_storage(phrase: str) -> None:
    when = parse_when(phrase, _NOW)
    again = When.from_dict(when.to_dict(), ZoneInfo(LON))
    assert again.next_fires(_NOW, 3) == when.next_fires(_NOW, 3)
    assert again.description == when.description


# -- docs -----------------------------------------------------------------------------------------

DOCS = Path(__file__).resolve().parents[2] / "docs" / "time-phrases.md"
BEGIN, END = "<!-- examples:begin -->", "<!-- examples:end -->"


def _short(iso: str) -> str:
    d = datetime.fromisoformat(iso)
    s = d.strftime("%a %d %b %Y %H:%M" + (":%S" if d.second else ""))
    if d.tzinfo is not None:
        s += f" (UTC{d.strftime('%z')[:3]})"
    return s


def render_examples() -> str:
    """The docs' example table, from `TABLE` (now = Thu 5 Mar 2026 10:15 unless stated)."""
    rows = [
        "| Phrase | Zone | Now | Result | cron |",
        "|---|---|---|---|---|",
    ]
    for c in TABLE:
        if not c.doc:
            continue
        now = "" if c.now == NOW else _short(c.now)
        zone = c.tz
        if c.error is not None:
            result = f"error: …{c.error}…"
        else:
            shown = ", ".join(_short(f) for f in c.fires)
            result = shown if c.kind == "once" else f"{shown}, …"
        cron = f"`{c.cron}`" if c.cron else ("" if c.kind == "once" or c.error else c.kind or "")
        phrase = f"`{c.phrase}`" if c.phrase else "(empty)"
        rows.append(f"| {phrase} | {zone} | {now} | {result} | {cron} |")
    return "\n".join(rows)


def test_docs_table_is_current() -> None:
    text = DOCS.read_text()
    inner = text.split(BEGIN, 1)[1].split(END, 1)[0].strip()
    assert inner == render_examples(), "run: python tests/core/test_timeparse.py --write-docs"


if __name__ == "__main__" and "--write-docs" in sys.argv:
    text = DOCS.read_text()
    head, rest = text.split(BEGIN, 1)
    tail = rest.split(END, 1)[1]
    DOCS.write_text(f"{head}{BEGIN}\n{render_examples()}\n{END}{tail}")
    print(f"wrote {DOCS}")
