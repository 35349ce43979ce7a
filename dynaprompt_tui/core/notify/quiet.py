"""Quiet hours ("22:00-07:00" in the user's zone, crossing midnight or not): whether an instant
falls in them and when they end. Messages still arrive; their notifications wait."""

from __future__ import annotations

import re
from datetime import datetime, time, timedelta, tzinfo
from typing import NamedTuple

_SPAN = re.compile(r"^\s*(\d{1,2}):(\d{2})\s*-\s*(\d{1,2}):(\d{2})\s*$")


class QuietHours(NamedTuple):
    start: time
    end: time

    def __str__(self) -> str:
        return f"{self.start:%H:%M}-{self.end:%H:%M}"

    def active(self, instant: datetime, zone: tzinfo) -> bool:
        t = instant.astimezone(zone).time().replace(tzinfo=None)
        if self.start < self.end:
            return self.start <= t < self.end
        return t >= self.start or t < self.end  # crosses midnight

    def ends(self, instant: datetime, zone: tzinfo) -> datetime:
        """The instant the quiet hours around `instant` end (`instant` itself when not quiet)."""
        if not self.active(instant, zone):
            return instant
        local = instant.astimezone(zone)
        day = local.date()
        if local.time().replace(tzinfo=None) >= self.end:  # the evening part: ends tomorrow
            day += timedelta(days=1)
        return datetime.combine(day, self.end, tzinfo=zone).astimezone(instant.tzinfo)


def parse_quiet_hours(text: str) -> QuietHours:
    """``"22:00-07:00"`` -> QuietHours; ValueError with a one-line reason otherwise."""
    m = _SPAN.match(text)
    if not m:
        raise ValueError(f"must look like 22:00-07:00, not {text!r}")
    h1, m1, h2, m2 = (int(g) for g in m.groups())
    if h1 > 23 or h2 > 23 or m1 > 59 or m2 > 59:
        raise ValueError(f"has a time that does not exist: {text!r}")
    span = QuietHours(time(h1, m1), time(h2, m2))
    if span.start == span.end:
        raise ValueError(f"starts and ends at the same time: {text!r}")
    return span
