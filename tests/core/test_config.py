"""Settings precedence (flags > env > .env > config file > defaults), validation, key masking."""

from __future__ import annotations

import os
from pathlib import Path

import pytest

from dynaprompt_tui.config import (
    ConfigError,
    Guardrails,
    Settings,
    load_settings,
    masked,
    warn_if_env_readable,
)

KEY = "sk-proj-0123456789SECRETabcd"


@pytest.fixture
def cfg(tmp_path: Path) -> Path:
    return tmp_path / "config" / "config.toml"


def write(path: Path, text: str) -> Path:
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(text, encoding="utf-8")
    return path


def load(tmp_path: Path, cfg: Path, cli=None, env=None, **kw) -> Settings:
    cwd = tmp_path / "work"
    cwd.mkdir(exist_ok=True)
    return load_settings(cli or {}, env=env or {}, cwd=cwd, config_path=cfg, **kw)


def test_defaults_and_demo(tmp_path: Path, cfg: Path) -> None:
    s = load(tmp_path, cfg)
    assert s.model == "gpt-4o-mini" and s.tools == "auto" and s.bell is True
    assert s.api_key is None and s.demo is True
    assert s.guardrails == Guardrails()
    assert s.guardrails.max_bot_pending == 10 and s.guardrails.max_days_ahead == 120
    assert s.config_path is None  # no file there


def test_precedence_all_layers(tmp_path: Path, cfg: Path) -> None:
    write(
        cfg,
        'model = "from-toml"\nbase_url = "http://toml/v1"\ntz = "Asia/Tokyo"\n'
        'db_path = "t.db"\nbell = false\n[keys]\nschedules = "ctrl+l"\n'
        "[guardrails]\nmax_bot_pending = 3\nauto_approve_bot_recurring = true\n",
    )
    write(
        tmp_path / "work" / ".env",
        f"OPENAI_API_KEY={KEY}\nDYNAPROMPT_MODEL=from-dotenv\nDYNAPROMPT_TZ=Europe/Paris\n",
    )
    env = {"DYNAPROMPT_MODEL": "from-env", "OPENAI_BASE_URL": "http://env/v1"}
    s = load(tmp_path, cfg, cli={"model": "from-flag", "db_path": None}, env=env)
    assert s.model == "from-flag"  # flag beats env, .env, toml
    assert s.base_url == "http://env/v1"  # env beats toml
    assert s.tz == "Europe/Paris"  # .env beats toml
    assert s.api_key == KEY and s.demo is False
    assert s.db_path == cfg.parent / "t.db"  # relative to the config file; None flag ignored
    assert s.bell is False and s.keys == {"schedules": "ctrl+l"}
    assert s.theme is None  # (Textual's default; the app keeps what the palette picks)
    assert s.guardrails.max_bot_pending == 3 and s.guardrails.auto_approve_bot_recurring
    assert s.guardrails.max_days_ahead == 120
    assert s.config_path == cfg


def test_env_beats_dotenv_and_dotenv_does_not_touch_environ(tmp_path: Path, cfg: Path) -> None:
    write(tmp_path / "work" / ".env", "OPENAI_API_KEY=sk-from-dotenv-xxxxxxxx\n")
    before = dict(os.environ)
    s = load(tmp_path, cfg, env={"OPENAI_API_KEY": "sk-from-env-yyyyyyyy"})
    assert s.api_key == "sk-from-env-yyyyyyyy"
    assert dict(os.environ) == before


def test_config_location_from_env(tmp_path: Path) -> None:
    other = write(tmp_path / "elsewhere.toml", 'model = "located"\n')
    cwd = tmp_path / "w"
    cwd.mkdir()
    s = load_settings({}, env={"DYNAPROMPT_CONFIG": str(other)}, cwd=cwd)
    assert s.model == "located"
    s = load_settings({"config": str(other)}, env={}, cwd=cwd)
    assert s.model == "located"


def test_missing_explicit_config_is_an_error(tmp_path: Path) -> None:
    with pytest.raises(ConfigError, match="does not exist"):
        load_settings({"config": str(tmp_path / "nope.toml")}, env={}, cwd=tmp_path)


def test_corrupt_toml(tmp_path: Path, cfg: Path) -> None:
    write(cfg, 'model = "unterminated\n')
    with pytest.raises(ConfigError) as ei:
        load(tmp_path, cfg)
    msg = str(ei.value)
    assert "not valid TOML" in msg and str(cfg) in msg and "\n" not in msg


def test_lenient_loading_keeps_going(tmp_path: Path, cfg: Path) -> None:
    write(cfg, "model = = broken\n")
    s = load(tmp_path, cfg, cli={"tz": "Not/AZone", "model": "m"}, strict=False)
    assert s.model == "m" and s.tz != "Not/AZone"
    assert any("TOML" in w for w in s.warnings) and any("time zone" in w for w in s.warnings)


@pytest.mark.parametrize("tz", ["Mars/Olympus", "../etc/passwd", ""])
def test_bad_zone(tmp_path: Path, cfg: Path, tz: str) -> None:
    with pytest.raises(ConfigError, match="time zone"):
        load(tmp_path, cfg, env={"DYNAPROMPT_TZ": tz} if tz else None, cli={"tz": tz})


@pytest.mark.parametrize(
    ("toml", "match"),
    [
        ("temperature = 5\n", "between 0 and 2"),
        ('temperature = "hot"\n', "must be a number"),
        ('tools = "sometimes"\n', "auto, on, off"),
        ("bell = 3\n", "true or false"),
        ("theme = 1\n", "'theme' must be text"),
        ("max_retries = -1\n", "at least 0"),
        ("[guardrails]\nmax_bot_pending = 'x'\n", "whole number"),
        ("[guardrails]\nbogus = 1\n", "Unknown guardrail"),
        ("[keys]\nquit = 1\n", r"\[keys\]"),
        ("modle = 'typo'\n", "Unknown key 'modle'"),
    ],
)
def test_bad_values(tmp_path: Path, cfg: Path, toml: str, match: str) -> None:
    write(cfg, toml)
    with pytest.raises(ConfigError, match=match):
        load(tmp_path, cfg)


def test_env_string_values_are_converted(tmp_path: Path, cfg: Path) -> None:
    s = load(
        tmp_path,
        cfg,
        cli={"temperature": "0.4", "bell": "no", "tools": "OFF", "request_timeout": "2.5"},
    )
    assert s.temperature == 0.4 and s.bell is False and s.tools == "off"
    assert s.request_timeout == 2.5


def test_forced_demo_and_base_url_only(tmp_path: Path, cfg: Path) -> None:
    assert load(tmp_path, cfg, env={"OPENAI_API_KEY": KEY}, cli={"demo": True}).demo is True
    assert load(tmp_path, cfg, env={"OPENAI_BASE_URL": "http://localhost:1/v1"}).demo is False


def test_system_prompt_file(tmp_path: Path, cfg: Path) -> None:
    p = write(tmp_path / "work" / "prompt.md", "Be a pirate.\n")
    s = load(tmp_path, cfg, cli={"system_prompt_file": "prompt.md"})
    assert s.system_prompt == "Be a pirate." and s.system_prompt_file == p
    with pytest.raises(ConfigError, match="system prompt file"):
        load(tmp_path, cfg, cli={"system_prompt_file": "missing.md"})


def test_key_never_in_repr_or_errors(tmp_path: Path, cfg: Path) -> None:
    s = load(tmp_path, cfg, env={"OPENAI_API_KEY": KEY})
    assert KEY not in repr(s) and KEY not in str(s) and KEY not in f"{s}"
    assert "sk-…abcd" in repr(s) and masked(s.api_key) == "sk-…abcd"
    write(cfg, f"api_key = 123\nmodel = '{KEY}x'\n")
    with pytest.raises(ConfigError) as ei:
        load(tmp_path, cfg)
    assert KEY not in str(ei.value)


def test_settings_look_up_what_is_not_given_and_stay_immutable(monkeypatch, tmp_path) -> None:
    import dynaprompt_tui.config as config

    monkeypatch.setattr(config, "local_zone_name", lambda: "Asia/Tokyo")
    monkeypatch.setattr(config, "default_db_path", lambda: tmp_path / "d.db")
    s = Settings(model="m")
    assert (s.model, s.tz, s.db_path) == ("m", "Asia/Tokyo", tmp_path / "d.db")
    given = Settings(tz="UTC", db_path=tmp_path / "x.db")
    assert (given.tz, given.db_path) == ("UTC", tmp_path / "x.db")
    changed = s._replace(bell=False)
    assert isinstance(changed, Settings) and changed.bell is False and s.bell is True
    assert changed.tz == "Asia/Tokyo" and changed.zone.key == "Asia/Tokyo"
    with pytest.raises(AttributeError):
        s.model = "other"  # type: ignore[misc]
    assert dict(Settings().keys) == {} and Settings().guardrails == Guardrails()


def test_the_default_database_is_in_the_platform_data_dir() -> None:
    from dynaprompt_tui.config import default_db_path

    p = default_db_path()
    assert p.name == "dynaprompt.db" and "dynaprompt-tui" in str(p)


def _link(tmp_path: Path, target: str) -> Path:
    link = tmp_path / "localtime"
    link.symlink_to(tmp_path / target)
    return link


def test_local_zone_from_tz_then_the_localtime_link(tmp_path: Path, monkeypatch) -> None:
    import tzlocal

    from dynaprompt_tui.config import local_zone_name

    asked: list[str] = []
    monkeypatch.setattr(tzlocal, "get_localzone_name", lambda: asked.append("") or "Asia/Tokyo")
    paris = _link(tmp_path, "usr/share/zoneinfo/Europe/Paris")
    assert local_zone_name({"TZ": "America/New_York"}, paris) == "America/New_York"
    assert local_zone_name({"TZ": ":Australia/Sydney"}, paris) == "Australia/Sydney"
    assert local_zone_name({"TZ": "/usr/share/zoneinfo/Asia/Kolkata"}, paris) == "Asia/Kolkata"
    # A TZ that names no zone (a POSIX rule, a typo) leaves it to /etc/localtime.
    for tz in ("CET-1CEST,M3.5.0", "Mars/Olympus", "../etc/passwd", ""):
        assert local_zone_name({"TZ": tz}, paris) == "Europe/Paris"
    assert local_zone_name({}, paris) == "Europe/Paris"
    posix = tmp_path / "p"
    posix.mkdir()
    assert local_zone_name({}, _link(posix, "zoneinfo/posix/Europe/Berlin")) == "Europe/Berlin"
    assert not asked  # all of the above without tzlocal
    # Not a link into a zoneinfo tree (a copied file, another layout): tzlocal decides.
    plain = tmp_path / "plain"
    plain.write_bytes(b"TZif")
    assert local_zone_name({}, plain) == "Asia/Tokyo" and len(asked) == 1
    elsewhere = tmp_path / "e"
    elsewhere.mkdir()
    assert local_zone_name({}, _link(elsewhere, "etc/zone")) == "Asia/Tokyo"
    monkeypatch.setattr(tzlocal, "get_localzone_name", lambda: "Not/AZone")
    assert local_zone_name({}, plain) == "UTC"  # never a zone the app cannot load


def test_masked() -> None:
    assert masked(KEY) == "sk-…abcd"
    assert masked(None) == "(none)" and masked("") == "(none)"
    assert masked("short") == "…"  # too short to show any of it


@pytest.mark.skipif(os.name != "posix", reason="POSIX permissions")
def test_warn_if_env_readable(tmp_path: Path) -> None:
    assert warn_if_env_readable(tmp_path) is None
    env = write(tmp_path / ".env", f"OPENAI_API_KEY={KEY}\n")
    env.chmod(0o644)
    msg = warn_if_env_readable(tmp_path)
    assert msg and "chmod 600" in msg and KEY not in msg
    env.chmod(0o600)
    assert warn_if_env_readable(tmp_path) is None


def test_theme_from_the_config_file(tmp_path: Path, cfg: Path) -> None:
    """Any name: whether Textual has such a theme, the app says (it knows the themes)."""
    write(cfg, 'theme = " nord "\n')
    assert load(tmp_path, cfg).theme == "nord"
    write(cfg, 'theme = ""\n')
    assert load(tmp_path, cfg).theme is None
