"""Zone names are case-insensitive where unambiguous: `--tz utc` is UTC (issue 16, bug 9)."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

import pytest

from dynaprompt_tui.local_zone import zone_name

APP = Path(sys.executable).parent / "dynaprompt-tui"


@pytest.mark.parametrize(
    ("typed", "zone"),
    [
        ("utc", "UTC"),
        ("UTC", "UTC"),
        ("europe/paris", "Europe/Paris"),
        ("AMERICA/NEW_YORK", "America/New_York"),
    ],
)
def test_a_zone_in_any_case_is_its_iana_name(typed: str, zone: str) -> None:
    assert zone_name(typed) == zone


def test_a_zone_that_does_not_exist_in_any_case_is_none() -> None:
    assert zone_name("Nowhere/Land") is None
    assert zone_name("../etc/passwd") is None


def test_the_command_line_takes_tz_utc(tmp_path: Path) -> None:
    if not APP.exists():
        pytest.skip(f"the console script is not installed at {APP}")
    done = subprocess.run(
        [str(APP), "--tz", "utc", "--db", str(tmp_path / "c.db"), "parse", "tomorrow at 9am"],
        capture_output=True,
        text=True,
        timeout=60,
        env={"PATH": "/usr/bin:/bin", "HOME": str(tmp_path)},
        cwd=tmp_path,
    )
    assert done.returncode == 0, done.stderr
    assert "09:00:00+00:00" in done.stdout
