"""When a schedule fires: one-off instants, cron rules and intervals, with our DST guarantees.

Cron rules are iterated over *naive local wall times* and each wall time is then resolved to
instants here, rather than by croniter's own timezone handling, because croniter fires a fixed-time
rule twice when clocks fall back. Our rules:

* a wall time inside a skipped hour (spring forward) fires once, at the first valid instant after
  it, i.e. when the gap ends;
* a wall time inside a repeated hour (fall back) fires once, at its first occurrence, for rules with
  a fixed hour; rules whose hour field is `*` or a step (`every hour`, `every 30 minutes`) fire at
  both occurrences, because those are different real instants of an "every N" series.
"""

from __future__ import annotations

import heapq
from collections.abc import Iterator
from dataclasses import dataclass
from datetime import UTC, date, datetime, time, timedelta
from typing import Any
from zoneinfo import ZoneInfo

RULE_VERSION = 1
# A schedule's fire times are searched at most this far; a rule with nothing in range has ended.
_HORIZON = timedelta(days=366 * 8)


def resolve_wall(naive: datetime, tz: ZoneInfo) -> list[datetime]:
    """The instants (aware, in `tz`) a wall time denotes: one, two in a fold, or the gap end."""
    first = naive.replace(tzinfo=tz, fold=0)
    second = naive.replace(tzinfo=tz, fold=1)
    if first.utcoffset() == second.utcoffset():
        return [first]
    roundtrip = first.astimezone(UTC).astimezone(tz).replace(tzinfo=None)
    if roundtrip == naive:  # exists twice: clocks went back
        # Compare in UTC: aware datetimes sharing a tzinfo compare by wall time, ignoring fold.
        return [first, second] if _utc(first) < _utc(second) else [second, first]
    return [_gap_end(naive, tz)]


def _gap_end(naive: datetime, tz: ZoneInfo) -> datetime:
    """The first instant after a skipped wall time: the transition itself."""
    lo = naive.replace(tzinfo=tz, fold=1).astimezone(UTC)  # before the transition
    hi = naive.replace(tzinfo=tz, fold=0).astimezone(UTC)  # after it
    after_offset = hi.astimezone(tz).utcoffset()
    while hi - lo > timedelta(seconds=1):
        mid = lo + (hi - lo) / 2
        if mid.astimezone(tz).utcoffset() == after_offset:
            hi = mid
        else:
            lo = mid
    return hi.replace(microsecond=0).astimezone(tz)


def first_instant(naive: datetime, tz: ZoneInfo) -> datetime:
    return resolve_wall(naive, tz)[0]


def _utc(d: datetime) -> datetime:
    if d.tzinfo is None:
        raise ValueError("aware datetime required")
    return d.astimezone(UTC)


def _cron_fixed_hour(expr: str) -> bool:
    hour = expr.split()[1]
    return "*" not in hour and "/" not in hour


def _cron_valid(expr: str) -> bool:
    from croniter import croniter

    return bool(croniter.is_valid(expr))


def _iter_cron(expr: str, tz: ZoneInfo, after: datetime) -> Iterator[datetime]:
    """Instants after `after` at which the cron rule fires, ascending, de-duplicated."""
    fixed = _cron_fixed_hour(expr)
    after_u = _utc(after)
    # Start an hour of wall time early so that a fold just behind `after` is not missed.
    start = after_u.astimezone(tz).replace(tzinfo=None) - timedelta(hours=2)
    from croniter import CroniterBadDateError, croniter  # ~20 ms: kept off the app's start-up

    it = croniter(expr, start)
    heap: list[datetime] = []
    last: datetime | None = None
    limit = after_u + _HORIZON
    while True:
        try:
            naive = it.get_next(datetime)
        except CroniterBadDateError:  # no such date at all (e.g. 30 Feb): the rule never fires
            return
        instants = resolve_wall(naive, tz)
        if fixed:
            instants = instants[:1]
        for i in instants:
            heapq.heappush(heap, i.astimezone(UTC))
        # Every later wall time resolves no earlier than this one's first instant.
        floor = instants[0].astimezone(UTC)
        while heap and heap[0] <= floor:
            u = heapq.heappop(heap)
            if u > after_u and u != last:
                last = u
                yield u.astimezone(tz)
        if floor > limit:
            return


@dataclass(frozen=True)
class When:
    """What a time prompt means: a one-off instant or a recurring rule, in one zone.

    kind: "once" (at), "cron" (cron), "every" (a fixed elapsed `seconds` from `anchor`), or
    "days" (every `days` calendar days at wall time `at_time`, from the local date of `anchor`).
    Recurring rules fire strictly after `start`, at most `count` times, and not after `until`.
    """

    kind: str
    tz: ZoneInfo
    description: str
    start: datetime
    at: datetime | None = None
    cron: str | None = None
    seconds: int | None = None
    days: int | None = None
    at_time: time | None = None
    anchor: datetime | None = None
    until: datetime | None = None
    count: int | None = None

    def __post_init__(self) -> None:
        if self.kind not in ("once", "cron", "every", "days"):
            raise ValueError(f"unknown rule kind {self.kind!r}")
        if self.kind == "cron" and not _cron_valid(self.cron or ""):
            raise ValueError(f"invalid cron expression {self.cron!r}")
        if self.kind == "every" and not (self.seconds and self.seconds > 0 and self.anchor):
            raise ValueError("an interval needs a positive length and an anchor")
        if self.kind == "days" and not (
            self.days and self.days > 0 and self.at_time is not None and self.anchor
        ):
            raise ValueError("a day interval needs a positive length, a time and an anchor")
        if self.count is not None and self.count < 1:
            raise ValueError("count must be at least 1")

    @property
    def recurring(self) -> bool:
        return self.kind != "once"

    # -- fire times -------------------------------------------------------------------------

    def _raw(self, after: datetime) -> Iterator[datetime]:
        """Fire instants strictly after `after`, ignoring start/until/count."""
        after_u = _utc(after)
        if self.kind == "once":
            assert self.at is not None
            if _utc(self.at) > after_u:
                yield self.at.astimezone(self.tz)
        elif self.kind == "cron":
            assert self.cron is not None
            yield from _iter_cron(self.cron, self.tz, after)
        elif self.kind == "every":
            assert self.anchor is not None and self.seconds is not None
            anchor = _utc(self.anchor)
            step = timedelta(seconds=self.seconds)
            k = max(0, (after_u - anchor) // step)
            u = anchor + k * step
            while True:
                if u > after_u:
                    yield u.astimezone(self.tz)
                u += step
        else:
            assert self.anchor is not None and self.days and self.at_time is not None
            d0 = self.anchor.astimezone(self.tz).date()
            local_after = after_u.astimezone(self.tz).date()
            k = max(0, (local_after - d0).days // self.days - 1)
            last: datetime | None = None
            while True:
                day: date = d0 + timedelta(days=k * self.days)
                inst = first_instant(datetime.combine(day, self.at_time), self.tz)
                if _utc(inst) > after_u and _utc(inst) != last:
                    last = _utc(inst)
                    yield inst
                k += 1

    def _iter(self, after: datetime) -> Iterator[datetime]:
        start_u = _utc(self.start)
        after_u = max(_utc(after), start_u)
        until_u = _utc(self.until) if self.until else None
        if self.count is None:
            source: Iterator[datetime] = self._raw(after_u)
        else:
            # Count from the first fire so that "3 times" means three in all.
            def counted() -> Iterator[datetime]:
                for i, t in enumerate(self._raw(start_u)):
                    if i >= (self.count or 0):
                        return
                    if _utc(t) > after_u:
                        yield t

            source = counted()
        for t in source:
            if until_u is not None and _utc(t) > until_u:
                return
            if _utc(t) > start_u + _HORIZON * 4:
                return
            yield t

    def next_fires(self, after: datetime, n: int) -> list[datetime]:
        """The next `n` fire times strictly after `after`, aware, in this rule's zone."""
        out: list[datetime] = []
        if n <= 0:
            return out
        for t in self._iter(after):
            out.append(t)
            if len(out) >= n:
                break
        return out

    def next_fire(self, after: datetime) -> datetime | None:
        fires = self.next_fires(after, 1)
        return fires[0] if fires else None

    # -- storage -----------------------------------------------------------------------------

    def to_dict(self) -> dict[str, Any]:
        def iso(d: datetime | None) -> str | None:
            return _utc(d).isoformat() if d else None

        return {
            "v": RULE_VERSION,
            "kind": self.kind,
            "description": self.description,
            "start": iso(self.start),
            "at": iso(self.at),
            "cron": self.cron,
            "seconds": self.seconds,
            "days": self.days,
            "at_time": self.at_time.isoformat() if self.at_time else None,
            "anchor": iso(self.anchor),
            "until": iso(self.until),
            "count": self.count,
        }

    @classmethod
    def from_dict(cls, d: dict[str, Any], tz: ZoneInfo) -> When:
        def dt(key: str) -> datetime | None:
            v = d.get(key)
            return datetime.fromisoformat(v).astimezone(tz) if v else None

        start = dt("start")
        if start is None:
            raise ValueError("stored rule has no start")
        return cls(
            kind=d["kind"],
            tz=tz,
            description=d.get("description", ""),
            start=start,
            at=dt("at"),
            cron=d.get("cron"),
            seconds=d.get("seconds"),
            days=d.get("days"),
            at_time=time.fromisoformat(d["at_time"]) if d.get("at_time") else None,
            anchor=dt("anchor"),
            until=dt("until"),
            count=d.get("count"),
        )
