"""The `[notify]` table of the config file: values read, one-line errors that echo no token or
topic, and a repr of the settings that shows neither."""

from __future__ import annotations

from datetime import time
from pathlib import Path

import pytest

from dynaprompt_tui.config import ConfigError, Settings, load_settings
from dynaprompt_tui.core.notify.quiet import QuietHours
from dynaprompt_tui.core.notify.settings import NotifyConfig

TOKEN = "tk_AbCdEf0123456789secret"


def load(tmp_path: Path, toml: str, **kw) -> Settings:
    cfg = tmp_path / "config.toml"
    cfg.write_text(toml, encoding="utf-8")
    cwd = tmp_path / "work"
    cwd.mkdir(exist_ok=True)
    return load_settings({}, env={}, cwd=cwd, config_path=cfg, **kw)


def test_the_defaults(tmp_path: Path) -> None:
    assert load(tmp_path, "").notify == NotifyConfig(desktop="auto")


def test_a_full_table(tmp_path: Path) -> None:
    s = load(
        tmp_path,
        f"""
[notify]
desktop = false
ntfy_url = "https://ntfy.example.org/my-secret-topic"
ntfy_token = "{TOKEN}"
ntfy_priority = "high"
ntfy_tags = ["alarm_clock", "robot"]
webhook_url = "https://hooks:pw1234@example.com/in/abc"
quiet_hours = "22:00-07:00"
""",
    )
    n = s.notify
    assert n.desktop == "off" and n.ntfy_token == TOKEN and n.ntfy_priority == "high"
    assert n.ntfy_tags == ("alarm_clock", "robot")
    assert n.quiet_hours == QuietHours(time(22), time(7))
    shown = repr(s) + str(s)
    for secret in (TOKEN, "my-secret-topic", "pw1234", "/in/abc"):
        assert secret not in shown
    assert "https://ntfy.example.org" in shown and "22:00-07:00" in shown


@pytest.mark.parametrize(
    ("toml", "says"),
    [
        ('desktop = "sometimes"', 'notify.desktop\' must be true, false or "auto"'),
        ('ntfy_url = "ftp://x/secret-topic"', "notify.ntfy_url' must be an http"),
        ("webhook_url = 3", "notify.webhook_url' must be text"),
        ('ntfy_token = "tk_abc secret"', "notify.ntfy_token' must be text without spaces"),
        ('ntfy_priority = "loud"', "notify.ntfy_priority' must be 1-5"),
        ("ntfy_tags = [1]", "notify.ntfy_tags' must be a list"),
        ('quiet_hours = "10pm-7am"', "notify.quiet_hours' must look like 22:00-07:00"),
        ('quiet_hours = "07:00-07:00"', "starts and ends at the same time"),
        ("colour = 1", "Unknown setting 'notify.colour'"),
    ],
)
def test_bad_values_are_one_line_errors(tmp_path: Path, toml: str, says: str) -> None:
    with pytest.raises(ConfigError) as e:
        load(tmp_path, f"[notify]\n{toml}\n")
    text = str(e.value)
    assert says in text and "\n" not in text
    assert "secret" not in text


def test_not_a_table(tmp_path: Path) -> None:
    with pytest.raises(ConfigError, match=r"\[notify\] must be a table"):
        load(tmp_path, 'notify = "yes"\n')


def test_lenient_loading_keeps_the_default(tmp_path: Path) -> None:
    s = load(tmp_path, '[notify]\nquiet_hours = "late"\n', strict=False)
    assert s.notify == NotifyConfig() and "quiet_hours" in s.warnings[0]
