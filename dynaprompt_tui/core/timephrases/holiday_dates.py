"""The dates of named holidays ("christmas", "next thanksgiving", "easter"), from the `holidays`
library, in the user's country: the one set with `set_holiday_country`, else the country of the
user's zone (zone.tab), else the holiday's home country (Thanksgiving: the US; Boxing Day: GB).

The library costs ~50 ms to import, so it is loaded on the first phrase that names a holiday.
"""

from __future__ import annotations

import functools
import zoneinfo
from datetime import date
from pathlib import Path
from typing import NamedTuple

from dynaprompt_tui.core.timephrases.lexicon import TimePhraseError


class Holiday(NamedTuple):
    """A holiday as the library names it, and the country it belongs to. A `local` one (Mother's
    Day: March in GB, May in the US) is taken from the home country only when the user's country
    is unknown; the others (Christmas) fall back to it when the user's calendar lacks them."""

    names: tuple[str, ...]
    home: str
    shown: str
    local: bool = False


HOLIDAYS: dict[str, Holiday] = {
    "christmas": Holiday(("Christmas Day",), "US", "Christmas"),
    "christmas eve": Holiday(("Christmas Eve",), "US", "Christmas Eve"),
    "new years day": Holiday(("New Year's Day",), "US", "New Year's Day"),
    "new years eve": Holiday(("New Year's Eve",), "US", "New Year's Eve"),
    "easter": Holiday(("Easter Sunday",), "US", "Easter"),
    "good friday": Holiday(("Good Friday",), "US", "Good Friday"),
    "easter monday": Holiday(("Easter Monday",), "IE", "Easter Monday"),
    "thanksgiving": Holiday(("Thanksgiving Day", "Thanksgiving"), "US", "Thanksgiving", local=True),
    "halloween": Holiday(("Halloween",), "US", "Halloween"),
    "valentines day": Holiday(("Valentine's Day",), "US", "Valentine's Day"),
    "mothers day": Holiday(("Mother's Day",), "US", "Mother's Day", local=True),
    "fathers day": Holiday(("Father's Day",), "US", "Father's Day", local=True),
    "memorial day": Holiday(("Memorial Day",), "US", "Memorial Day", local=True),
    "labor day": Holiday(("Labor Day", "Labour Day"), "US", "Labor Day", local=True),
    "independence day": Holiday(("Independence Day",), "US", "Independence Day", local=True),
    "boxing day": Holiday(("Boxing Day",), "GB", "Boxing Day"),
    "st patricks day": Holiday(("Saint Patrick's Day",), "IE", "St Patrick's Day"),
    "mlk day": Holiday(
        ("Martin Luther King Jr. Day",), "US", "Martin Luther King Jr. Day", local=True
    ),
    "juneteenth": Holiday(
        ("Juneteenth National Independence Day",), "US", "Juneteenth", local=True
    ),
    "veterans day": Holiday(("Veterans Day",), "US", "Veterans Day", local=True),
    "presidents day": Holiday(("Washington's Birthday",), "US", "Presidents' Day", local=True),
}

_override: str | None = None


def set_holiday_country(code: str | None) -> None:
    """Use this ISO country code ("GB", "US") for holidays; None: the country of the zone."""
    global _override
    _override = code.upper() if code else None


@functools.cache
def _zone_countries() -> dict[str, str]:
    """IANA zone -> ISO country code, from the system's zone.tab."""
    for root in zoneinfo.TZPATH:
        tab = Path(root) / "zone.tab"
        if tab.exists():
            rows = (line.split("\t") for line in tab.read_text().splitlines())
            return {r[2]: r[0] for r in rows if len(r) >= 3 and not r[0].startswith("#")}
    return {}


def country_of(zone: str) -> str | None:
    return _override or _zone_countries().get(zone)


@functools.cache
def _dates(country: str, year: int) -> dict[str, date]:
    """Holiday name -> date in `country` and `year` (public and unofficial days)."""
    import holidays  # ~50 ms: only for phrases that name a holiday

    try:
        cls = holidays.country_holidays(country)
    except NotImplementedError:
        return {}
    cats = tuple(c for c in ("public", "unofficial") if c in cls.supported_categories)
    days = holidays.country_holidays(country, years=year, categories=cats)
    return {name: d for d, names in days.items() for name in names.split("; ")}


def holiday_days(key: str, zone: str, first_year: int, years: int = 3) -> tuple[list[date], str]:
    """The dates of holiday `key` in `years` years from `first_year`, and its name to show."""
    holiday = HOLIDAYS[key]
    mine = country_of(zone)
    countries = [mine] if mine and holiday.local else [mine, holiday.home]
    for country in dict.fromkeys(c for c in countries if c):
        found = []
        for year in range(first_year, first_year + years):
            named = _dates(country, year)
            found += [named[n] for n in holiday.names if n in named]
        if found:
            return sorted(set(found)), holiday.shown
    where = f" in {mine}" if mine else ""
    raise TimePhraseError(
        f"I don't know the date of {holiday.shown}{where}; give the date, e.g. 'on 25 Dec'."
    )
