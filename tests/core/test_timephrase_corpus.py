"""Every case of our own time-phrase corpus, by id (vendored from ../shared/timephrases into
tests/data/timephrases/internal.jsonl, so a fresh clone runs it; the conventions are CONVENTIONS.md
beside it)."""

from __future__ import annotations

import json
from datetime import datetime
from pathlib import Path
from typing import Any
from zoneinfo import ZoneInfo

import pytest

from dynaprompt_tui.core.timephrases import TimePhraseError, When, parse_when

CORPUS = Path(__file__).resolve().parents[1] / "data" / "timephrases" / "internal.jsonl"
CASES: list[dict[str, Any]] = [
    json.loads(line) for line in CORPUS.read_text().splitlines() if line.strip()
]


def _key(s: str) -> tuple[str, str | None]:
    """Naive wall time, plus the UTC offset when the corpus gives one (DST folds)."""
    d = datetime.fromisoformat(s)
    off = d.utcoffset()
    return d.replace(tzinfo=None).isoformat(), (str(off) if off is not None else None)


def _got(d: datetime, with_offset: bool) -> tuple[str, str | None]:
    return d.replace(tzinfo=None).isoformat(), (str(d.utcoffset()) if with_offset else None)


def _matches(got: list[datetime], want: list[str]) -> bool:
    keys = [_key(w) for w in want]
    return [_got(g, k[1] is not None) for g, k in zip(got, keys, strict=False)] == keys and len(
        got
    ) == len(want)


def test_corpus_is_present() -> None:
    assert len(CASES) >= 149, f"corpus missing or short at {CORPUS}"


@pytest.mark.parametrize("case", CASES, ids=[c["id"] for c in CASES])
def test_corpus_case(case: dict[str, Any]) -> None:
    tz = ZoneInfo(case["tz"])
    now = datetime.fromisoformat(case["now"]).replace(tzinfo=tz)
    if case["kind"] == "invalid":
        with pytest.raises(TimePhraseError) as exc:
            parse_when(case["phrase"], now)
        assert "e.g." in str(exc.value)
        return
    when = parse_when(case["phrase"], now)
    assert isinstance(when, When)
    assert when.start == now
    if case["kind"] == "once":
        assert not when.recurring
        assert when.cron is None
        got = when.next_fires(now, 3)
        assert len(got) == 1
        answers = [case["expect"], *case.get("alt", [])]
        assert any(_matches(got, [a]) for a in answers), (got, answers)
    else:
        assert when.recurring
        expect = case["expect"]
        got = when.next_fires(now, 3)
        answers = [expect["next"], *expect.get("next_alt", [])]
        assert any(_matches(got, a) for a in answers), (got, answers)
        if "cron" in expect:
            assert when.cron is not None
        else:
            assert when.cron is None
    assert when.description
    assert all(d.tzinfo is not None and d.utcoffset() == d.astimezone(tz).utcoffset() for d in got)


def test_corpus_has_all_cases() -> None:
    assert len(CASES) == 149
    assert len({c["id"] for c in CASES}) == len(CASES)
