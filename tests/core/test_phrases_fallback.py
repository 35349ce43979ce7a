"""The strict parsedatetime fallback: one-off phrases the grammar doesn't know, never a guess."""

from __future__ import annotations

import subprocess
import sys
from datetime import datetime, timedelta
from zoneinfo import ZoneInfo

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from dynaprompt_tui.core.timephrases import TimePhraseError, parse_when
from dynaprompt_tui.core.timephrases import fallback as phrases_fallback
from dynaprompt_tui.core.timephrases.fallback import fallback_once
from dynaprompt_tui.core.timephrases.grammar import Grammar
from dynaprompt_tui.core.timephrases.lexicon import tokenize

LON = ZoneInfo("Europe/London")
NY = ZoneInfo("America/New_York")
NOW = datetime(2026, 3, 5, 10, 15, tzinfo=LON)  # a Thursday; BST starts Sun 29 Mar


def _grammar_error(text: str) -> TimePhraseError:
    with pytest.raises(TimePhraseError) as exc:
        Grammar(tokenize(text)).parse()
    return exc.value


# phrase, now, expected local wall time, description
ACCEPTED = [
    ("a week from tomorrow", NOW, "2026-03-13T09:00", "Fri 13 Mar 09:00"),
    ("1 week from today", NOW, "2026-03-12T09:00", "Thu 12 Mar 09:00"),
    ("two weeks from tomorrow at 3pm", NOW, "2026-03-20T15:00", "Fri 20 Mar 15:00"),
    ("3 days from today at noon", NOW, "2026-03-08T12:00", "Sun 8 Mar 12:00"),
    ("1 month from today", NOW, "2026-04-05T09:00", "Sun 5 Apr 09:00"),  # in BST
    ("1 year from today", NOW, "2027-03-05T09:00", "Fri 5 Mar 2027 09:00"),
    ("5 minutes before noon", NOW, "2026-03-05T11:55", "Thu 5 Mar 11:55"),
    ("tomorrow 1730", NOW, "2026-03-06T17:30", "Fri 6 Mar 17:30"),
    ("friday 0800", NOW, "2026-03-06T08:00", "Fri 6 Mar 08:00"),
    ("eod friday", NOW, "2026-03-06T17:00", "Fri 6 Mar 17:00"),
    ("end of day", NOW, "2026-03-05T17:00", "Thu 5 Mar 17:00"),
    ("tomorrow at lunch", NOW, "2026-03-06T12:00", "Fri 6 Mar 12:00"),
    ("dinner friday", NOW, "2026-03-06T19:00", "Fri 6 Mar 19:00"),
    # Our conventions over parsedatetime's: today's weekday is today while the time is ahead ...
    ("thursday lunch", NOW, "2026-03-05T12:00", "Thu 5 Mar 12:00"),
    ("thursday lunch", NOW.replace(hour=13), "2026-03-12T12:00", "Thu 12 Mar 12:00"),
    # ... and a bare time of day is its next occurrence.
    ("lunch", NOW.replace(hour=18), "2026-03-06T12:00", "Fri 6 Mar 12:00"),
]


@pytest.mark.parametrize(("phrase", "now", "wall", "desc"), ACCEPTED)
def test_fallback_accepts(phrase: str, now: datetime, wall: str, desc: str) -> None:
    assert _grammar_error(phrase).unknown  # the grammar doesn't know it; the fallback does
    when = parse_when(phrase, now)
    assert when.kind == "once"
    assert when.start == now
    assert when.at is not None and when.at > now
    assert when.at.tzinfo == LON
    assert when.at.replace(tzinfo=None).isoformat(timespec="minutes") == wall
    assert when.description == desc
    assert when.next_fires(now, 2) == [when.at]


def test_fallback_uses_the_zone_and_dst() -> None:
    when = parse_when("1 month from today", NOW.astimezone(NY))
    assert when.at == datetime(2026, 4, 5, 9, 0, tzinfo=NY)
    assert when.at.utcoffset() == timedelta(hours=-4)
    # 01:30 on 29 Mar doesn't exist in London: the first instant after the gap, like the grammar.
    when = parse_when("tomorrow 0130", datetime(2026, 3, 28, 10, 0, tzinfo=LON))
    assert when.at == datetime(2026, 3, 29, 2, 0, tzinfo=LON)
    assert when.at.utcoffset() == timedelta(hours=1)


REJECTED = [
    "tomorrow at the dentist",  # parsedatetime: tomorrow, "at the dentist" dropped
    "lunch at the dentist",
    "asdf qwerty",
    "tomorrow 2500",  # parsedatetime: tomorrow, the number dropped
    "tomorrow 1230 please",
    "end of day friday",  # parsedatetime: today 17:00, "friday" ignored
    "a week from monday",  # parsedatetime: the coming Monday
    "3 days after friday",
    "2 hours from today",  # parsedatetime counts from 09:00
    "after tomorrow",  # parsedatetime: tomorrow
    "thursday week",
    "next friday at lunch",  # "next" is ours: parsedatetime's differs
    "morning lunch",  # parts of the day are ours (parsedatetime: afternoon 13:00)
    "tomorrow afternoon lunch",
    "10 minutes after midnight tomorrow",  # midnight too (ours ends the day)
    "eod",
]


@pytest.mark.parametrize("phrase", REJECTED)
def test_fallback_rejects_ignored_or_misread_words(phrase: str) -> None:
    original = _grammar_error(phrase)
    with pytest.raises(TimePhraseError) as exc:
        parse_when(phrase, NOW)
    assert str(exc.value) == str(original)  # the grammar's own message stands
    assert not exc.value.past


@pytest.mark.parametrize(
    "phrase",
    [
        "every blue moon",  # repeating: grammar only
        "every friday at lunch",
        "next week",  # ambiguous, said so by the grammar
        "in 2 weeks on friday",  # parsedatetime would drop "friday"; the grammar says why not
        "5 minutes",  # in or every? the grammar asks
        "3 days at 5pm",
        "yesterday at lunch",
    ],
)
def test_reasoned_grammar_errors_never_reach_the_fallback(
    phrase: str, monkeypatch: pytest.MonkeyPatch
) -> None:
    def boom(*a: object, **k: object) -> None:
        raise AssertionError("parsedatetime consulted")

    monkeypatch.setattr(phrases_fallback._CAL, "nlp", boom)
    with pytest.raises(TimePhraseError):
        parse_when(phrase, NOW)


def test_answers_from_the_real_clock_are_refused(monkeypatch: pytest.MonkeyPatch) -> None:
    # parsedatetime reads "this morning" off the real clock, whatever the source time.
    monkeypatch.setattr(phrases_fallback, "_REFUSED", frozenset())
    assert phrases_fallback._instant("this morning", NOW, LON) is None


# fallback phrase, grammar phrase that must mean the same at every `now`
SAME = [
    ("eod friday", "friday at 5pm"),
    ("tomorrow at lunch", "tomorrow at noon"),
    ("dinner friday", "friday at 7pm"),
    ("thursday lunch", "thursday at noon"),
    ("lunch", "at noon"),
    ("5 minutes before noon", "at 11:55"),
    ("tomorrow 1730", "tomorrow at 17:30"),
    ("friday 0800", "friday at 8am"),
    ("a week from tomorrow", "in 8 days at 9am"),
    ("1 month from today", "in 1 month at 9am"),
    ("two weeks from tomorrow at 3pm", "in 15 days at 3pm"),
    ("end of day", "today at 5pm"),
]


@pytest.mark.parametrize("tz", [LON, NY, ZoneInfo("Australia/Sydney")], ids=str)
def test_fallback_agrees_with_the_grammar_over_time(tz: ZoneInfo) -> None:
    """Across 40 days (DST changes included), at every 7th hour."""
    start = datetime(2026, 3, 1, 0, 7, tzinfo=tz)
    for k in range(0, 24 * 40, 7):
        now = start + timedelta(hours=k)
        for ours, grammar in SAME:
            got = [_outcome(ours, now), _outcome(grammar, now)]
            assert got[0] == got[1], (ours, grammar, now)


def _outcome(phrase: str, now: datetime) -> object:
    try:
        return parse_when(phrase, now).at
    except TimePhraseError as e:
        return ("error", e.past)


def test_past_moment_via_fallback_is_a_past_error() -> None:
    with pytest.raises(TimePhraseError) as exc:
        parse_when("end of day", NOW.replace(hour=18))
    assert exc.value.past
    assert "has already passed" in str(exc.value) and "e.g." in str(exc.value)
    with pytest.raises(TimePhraseError) as exc:
        parse_when("end of day", NOW.replace(hour=17, minute=0))  # now is not ahead
    assert exc.value.past


@pytest.mark.parametrize(
    "phrase", ["tomorrow at 9am", "in 20 minutes", "every weekday at 9", "friday", "at noon"]
)
def test_grammar_phrases_never_touch_parsedatetime(
    phrase: str, monkeypatch: pytest.MonkeyPatch
) -> None:
    def boom(*a: object, **k: object) -> None:
        raise AssertionError("parsedatetime consulted")

    monkeypatch.setattr(phrases_fallback._CAL, "nlp", boom)
    assert parse_when(phrase, NOW)


def test_parsedatetime_is_not_imported_for_grammar_phrases() -> None:
    code = (
        "import sys\n"
        "from datetime import datetime\nfrom zoneinfo import ZoneInfo\n"
        "from dynaprompt_tui.core.timephrases.parse import parse_when\n"
        "now = datetime(2026, 3, 5, 10, 15, tzinfo=ZoneInfo('Europe/London'))\n"
        "for p in ('tomorrow at 9am', 'every day at 8', 'in 2 hours', '15/03'):\n"
        "    parse_when(p, now)\n"
        "print('parsedatetime' in sys.modules)\n"
    )
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
    assert out.stdout.strip() == "False"


_UNITS = {"day": 1, "days": 1, "week": 7, "weeks": 7}


@settings(max_examples=150, deadline=None)
@given(
    n=st.integers(1, 20),
    unit=st.sampled_from(sorted(_UNITS)),
    anchor=st.sampled_from(["today", "tomorrow"]),
    hour=st.none() | st.integers(1, 11),
    now=st.datetimes(datetime(2026, 1, 1), datetime(2030, 12, 31)),
    tz=st.sampled_from([LON, NY, ZoneInfo("Asia/Tokyo")]),
)
def test_amount_from_anchor_is_exact(
    n: int, unit: str, anchor: str, hour: int | None, now: datetime, tz: ZoneInfo
) -> None:
    now = now.replace(tzinfo=tz)
    phrase = f"{n} {unit} from {anchor}" + (f" at {hour}pm" if hour else "")
    day = now.date() + timedelta(days=n * _UNITS[unit] + (anchor == "tomorrow"))
    when = parse_when(phrase, now)
    assert when.at is not None
    assert when.at.date() == day
    assert (when.at.hour, when.at.minute) == ((hour + 12, 0) if hour else (9, 0))


@settings(max_examples=300, deadline=None)
@given(st.text(max_size=40))
def test_fallback_raises_only_time_phrase_error(text: str) -> None:
    error = TimePhraseError("grammar's error", unknown=True)
    try:
        when = fallback_once(text, NOW, LON, error)
    except TimePhraseError:
        return
    assert when.kind == "once" and when.at is not None and when.at > NOW


_WORDS = [
    "tomorrow", "today", "friday", "lunch", "dinner", "eod", "end", "of", "day", "at", "the",
    "noon", "midnight", "a", "week", "from", "after", "before", "3", "1730", "pm", "5pm", "in",
    "dentist", "next", "every", "minutes", "days", "weeks", "month", "april", "1st", ",", "2500",
]  # fmt: skip


@settings(max_examples=400, deadline=None)
@given(st.lists(st.sampled_from(_WORDS), min_size=1, max_size=6), st.sampled_from([LON, NY]))
def test_fallback_word_salad_raises_only_time_phrase_error(words: list[str], tz: ZoneInfo) -> None:
    now = NOW.astimezone(tz)
    try:
        when = fallback_once(" ".join(words), now, tz, TimePhraseError("x", unknown=True))
    except TimePhraseError:
        return
    assert when.kind == "once" and when.at is not None and when.at > now
    assert "dentist" not in words and "2500" not in words
