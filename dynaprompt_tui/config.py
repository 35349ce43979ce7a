"""Settings: flags > environment > `.env` in the working directory > config file > defaults.

The config file is TOML at ``platformdirs.user_config_dir("dynaprompt-tui")/config.toml``
(or ``$DYNAPROMPT_CONFIG``). Documented keys::

    model = "gpt-4o-mini"
    base_url = "http://localhost:11434/v1"   # any OpenAI-compatible server
    api_key = "sk-..."                       # prefer OPENAI_API_KEY or a .env file
    temperature = 0.7
    system_prompt = "You are terse."         # or system_prompt_file = "~/prompt.md"
    tools = "auto"                           # auto | on | off
    db_path = "~/.local/share/dynaprompt-tui/dynaprompt.db"
    tz = "Europe/Paris"                      # IANA zone; default: the system zone
    demo = false
    bell = true
    theme = "nord"                           # until one is picked in the app (default textual-dark)
    request_timeout = 60
    max_retries = 3
    max_tokens = 1024                        # longest answer, in tokens; 0: the server decides
    model_titles = true                      # the model names a new conversation (else its words)

    [keys]          # binding id -> key, e.g. schedules = "ctrl+r"
    [guardrails]    # see Guardrails below
    [notify]        # desktop, ntfy_url, ntfy_token, webhook_url, quiet_hours: docs/notifications.md

The API key never leaves this module unmasked except to the HTTP client: use ``masked()``.
"""

from __future__ import annotations

import os
import stat
from collections.abc import Mapping
from pathlib import Path
from types import MappingProxyType
from typing import Any, NamedTuple
from zoneinfo import ZoneInfo

# Defined in the core, which reads them; re-exported here, where settings are made.
from dynaprompt_tui.core.llm.secrets import display_url, key_problem, masked, url_problem
from dynaprompt_tui.core.notify.settings import NotifyConfig, read_notify_table
from dynaprompt_tui.core.scheduling.guardrails import Guardrails
from dynaprompt_tui.envfile import read_env_file
from dynaprompt_tui.local_zone import local_zone_name, zone_name

APP_NAME = "dynaprompt-tui"
TOOLS_MODES = ("auto", "on", "off")
_TRUE = {"1", "true", "yes", "on"}
_FALSE = {"0", "false", "no", "off", ""}

# Environment variable -> settings field.
ENV_VARS = {
    "OPENAI_API_KEY": "api_key",
    "OPENAI_BASE_URL": "base_url",
    "DYNAPROMPT_MODEL": "model",
    "DYNAPROMPT_DB": "db_path",
    "DYNAPROMPT_TZ": "tz",
    "DYNAPROMPT_MAX_TOKENS": "max_tokens",
}
CONFIG_ENV = "DYNAPROMPT_CONFIG"


class ConfigError(Exception):
    """A one-line, user-facing description of a bad setting (never shows the API key)."""


def default_config_path() -> Path:
    import platformdirs  # only needed when no path is given

    return Path(platformdirs.user_config_dir(APP_NAME)) / "config.toml"


def default_db_path() -> Path:
    import platformdirs

    return Path(platformdirs.user_data_dir(APP_NAME)) / "dynaprompt.db"


class _Fields(NamedTuple):
    model: str = "gpt-4o-mini"
    api_key: str | None = None
    base_url: str | None = None
    temperature: float | None = None  # None: let the server choose (some models reject it)
    system_prompt_file: Path | None = None
    system_prompt: str | None = None  # the user's own text, appended to the protocol prompt
    tools: str = "auto"
    db_path: Path = None  # type: ignore[assignment]  # None: the platform's data dir
    tz: str = None  # type: ignore[assignment]  # None: the system's zone
    demo: bool = False
    bell: bool = True
    theme: str | None = None  # the theme to open with (one picked in the palette replaces it)
    keys: Mapping[str, str] = MappingProxyType({})
    guardrails: Guardrails = Guardrails()
    notify: NotifyConfig = NotifyConfig()  # its repr shows no token and no topic
    request_timeout: float = 60.0
    max_retries: int = 3
    max_tokens: int = 1024  # sent with every request (a looping model stops); 0: not sent
    model_titles: bool = True  # after a conversation's first exchange the model names it
    config_path: Path | None = None  # the config file that was read, if any
    warnings: tuple[str, ...] = ()  # non-fatal problems to show (lenient loading, .env mode)


class Settings(_Fields):
    """Immutable; a changed copy is ``settings._replace(...)``. A NamedTuple, like the core's
    models: a dataclass costs start-up several times as much to define."""

    __slots__ = ()

    def __new__(cls, *args: Any, **kwargs: Any) -> Settings:
        self = super().__new__(cls, *args, **kwargs)
        if self.db_path is None or self.tz is None:  # the defaults that are looked up
            self = self._replace(
                db_path=default_db_path() if self.db_path is None else self.db_path,
                tz=local_zone_name() if self.tz is None else self.tz,
            )
        return self

    def __repr__(self) -> str:
        parts = []
        for name, value in zip(self._fields, self, strict=True):
            if name == "api_key":
                parts.append(f"api_key={masked(self.api_key)!r}")
            elif name == "base_url" and self.base_url:
                parts.append(f"base_url={display_url(self.base_url)!r}")
            else:
                parts.append(f"{name}={value!r}")
        return f"Settings({', '.join(parts)})"

    __str__ = __repr__

    @property
    def zone(self) -> ZoneInfo:
        return ZoneInfo(self.tz)


# -- value parsing ----------------------------------------------------------------------------


def _bool(name: str, v: Any) -> bool:
    if isinstance(v, bool):
        return v
    s = str(v).strip().lower()
    if s in _TRUE:
        return True
    if s in _FALSE:
        return False
    raise ConfigError(f"Setting '{name}' must be true or false, not {v!r}")


def _int(name: str, v: Any, minimum: int = 0) -> int:
    try:
        if isinstance(v, bool):
            raise ValueError
        n = int(v)
        if isinstance(v, float) and n != v:
            raise ValueError
    except (TypeError, ValueError):
        raise ConfigError(f"Setting '{name}' must be a whole number, not {v!r}") from None
    if n < minimum:
        raise ConfigError(f"Setting '{name}' must be at least {minimum}, not {n}")
    return n


def _float(name: str, v: Any, lo: float, hi: float) -> float:
    try:
        if isinstance(v, bool):
            raise ValueError
        x = float(v)
    except (TypeError, ValueError):
        raise ConfigError(f"Setting '{name}' must be a number, not {v!r}") from None
    if not lo <= x <= hi:
        raise ConfigError(f"Setting '{name}' must be between {lo:g} and {hi:g}, not {x:g}")
    return x


def _str(name: str, v: Any) -> str:
    if not isinstance(v, str):
        raise ConfigError(f"Setting '{name}' must be text, not {v!r}")
    return v


def _path(name: str, v: Any, base: Path) -> Path:
    p = Path(_str(name, v) if not isinstance(v, Path) else v).expanduser()
    return p if p.is_absolute() else base / p


def _zone(v: Any) -> str:
    name = _str("tz", v).strip()
    canonical = zone_name(name)  # "utc" is UTC: the case does not matter where unambiguous
    if canonical is None:
        raise ConfigError(f"Unknown time zone {name!r}: use an IANA name such as Europe/Paris")
    return canonical


def _guardrails(v: Any) -> Guardrails:
    if not isinstance(v, Mapping):
        raise ConfigError("[guardrails] must be a table")
    known = Guardrails._fields
    out: dict[str, Any] = {}
    for k, val in v.items():
        if k not in known:
            raise ConfigError(f"Unknown guardrail '{k}' (known: {', '.join(known)})")
        if k == "auto_approve_bot_recurring":
            out[k] = _bool(f"guardrails.{k}", val)
        else:
            out[k] = _int(f"guardrails.{k}", val, minimum=1 if "interval" in k else 0)
    return Guardrails(**out)


def _keys(v: Any) -> dict[str, str]:
    if not isinstance(v, Mapping) or not all(
        isinstance(k, str) and isinstance(x, str) for k, x in v.items()
    ):
        raise ConfigError('[keys] must map binding ids to key names, e.g. schedules = "ctrl+r"')
    return dict(v)


def _convert(name: str, v: Any, base: Path) -> Any:
    """Turn one raw value (TOML value or string from env/flags) into its settings type."""
    match name:
        case "model":
            s = _str(name, v).strip()
            if not s:
                raise ConfigError("Setting 'model' must not be empty")
            return s
        case "api_key":
            if not isinstance(v, str):  # (the message must not echo what may be the key)
                raise ConfigError("Setting 'api_key' must be text")
            problem = key_problem(v.strip())
            if problem:
                raise ConfigError(f"Setting 'api_key' {problem}")
            return v.strip() or None
        case "base_url":
            s = _str(name, v).strip()
            problem = url_problem(s) if s else None
            if problem:
                raise ConfigError(f"Setting 'base_url' {problem}, not {display_url(s)!r}")
            return s or None
        case "system_prompt":
            return _str(name, v) or None
        case "temperature":
            return None if v is None or v == "" else _float(name, v, 0.0, 2.0)
        case "system_prompt_file" | "db_path":
            return _path(name, v, base)
        case "tools":
            s = _str(name, v).strip().lower()
            if s not in TOOLS_MODES:
                raise ConfigError(f"Setting 'tools' must be one of auto, on, off, not {v!r}")
            return s
        case "tz":
            return _zone(v)
        case "demo" | "bell" | "model_titles":
            return _bool(name, v)
        case "theme":  # (a name Textual does not know is said by the app, which knows them)
            return _str(name, v).strip() or None
        case "request_timeout":
            return _float(name, v, 0.001, 3600.0)
        case "max_retries":
            return _int(name, v)
        case "max_tokens":
            n = _int(name, v)
            if n > 1_000_000:
                raise ConfigError(f"Setting 'max_tokens' must be at most 1000000, not {n}")
            return n
        case "keys":
            return _keys(v)
        case "guardrails":
            return v if isinstance(v, Guardrails) else _guardrails(v)
        case "notify":
            try:
                return v if isinstance(v, NotifyConfig) else read_notify_table(v)
            except ValueError as e:  # one line, with no token and no URL path in it
                raise ConfigError(str(e)) from None
    raise ConfigError(f"Unknown setting '{name}'")


_SETTABLE = set(Settings._fields) - {"config_path", "warnings"}


def _read_toml(path: Path) -> dict[str, Any]:
    if not path.exists():  # the common case: no config file, and no 17 ms tomllib import
        return {}
    import tomllib

    try:
        with path.open("rb") as fh:
            return tomllib.load(fh)
    except FileNotFoundError:
        return {}
    except tomllib.TOMLDecodeError as e:
        raise ConfigError(f"Config file {path} is not valid TOML: {e}") from None
    except (OSError, UnicodeDecodeError) as e:
        raise ConfigError(f"Cannot read config file {path}: {e.__class__.__name__}") from None


def load_settings(
    cli: Mapping[str, Any] | None = None,
    env: Mapping[str, str] | None = None,
    cwd: Path | None = None,
    config_path: Path | None = None,
    *,
    strict: bool = True,
) -> Settings:
    """Merge all sources. ``cli`` uses field names; ``None`` values mean "not given".

    ``strict=False`` skips a bad source or value, keeps the default and records the problem in
    ``settings.warnings`` so the app can show it and still start.
    """
    cli = {k: v for k, v in (cli or {}).items() if v is not None}
    env = os.environ if env is None else env
    cwd = Path.cwd() if cwd is None else cwd
    problems: list[str] = []

    def fail(e: ConfigError) -> None:
        if strict:
            raise e
        problems.append(str(e))

    dotenv_path = cwd / ".env"
    dot: dict[str, str] = {}
    if dotenv_path.is_file():
        try:
            dot, unreadable = read_env_file(dotenv_path)
            problems += unreadable  # shown in the app, never fatal
        except (OSError, UnicodeDecodeError) as e:
            fail(ConfigError(f"Cannot read {dotenv_path}: {e.__class__.__name__}"))

    # Where is the config file? explicit argument > flag > env > .env > platform default.
    # A path the user typed (flag, env) must exist; the ``config_path`` argument, like the
    # platform default, is only where to look.
    cfg_path: Path | None = config_path
    explicit = False
    for source in (cli.get("config"), env.get(CONFIG_ENV), dot.get(CONFIG_ENV)):
        if cfg_path is None and source:
            cfg_path, explicit = Path(str(source)).expanduser(), True
    if cfg_path is None:
        cfg_path = default_config_path()
    if explicit and not cfg_path.is_file():
        fail(ConfigError(f"Config file {cfg_path} does not exist"))

    # Lowest to highest priority; later layers overwrite earlier ones.
    layers: list[tuple[str, dict[str, Any], Path]] = []
    try:
        toml = _read_toml(cfg_path)
        layers.append((f"config file {cfg_path}", toml, cfg_path.parent))
    except ConfigError as e:
        fail(e)
        toml = {}
    layers.append((".env", {ENV_VARS[k]: v for k, v in dot.items() if k in ENV_VARS}, cwd))
    env_layer = {ENV_VARS[k]: v for k, v in env.items() if k in ENV_VARS}
    if "DYNAPROMPT_DEMO" in env:
        env_layer["demo"] = env["DYNAPROMPT_DEMO"]
    layers.append(("environment", env_layer, cwd))
    layers.append(("command line", {k: v for k, v in cli.items() if k != "config"}, cwd))

    values: dict[str, Any] = {}
    for source, raw, base in layers:
        for name, v in raw.items():
            if name not in _SETTABLE:
                if source.startswith("config file"):
                    fail(ConfigError(f"Unknown key '{name}' in {source}"))
                continue
            try:
                values[name] = _convert(name, v, base)
            except ConfigError as e:
                # Which source matters for the fix, so say it (no message echoes a key).
                fail(ConfigError(f"{e} (from {source})"))

    # A separate prompt file wins over inline text from the same or a lower layer.
    if values.get("system_prompt_file") is not None:
        p = values["system_prompt_file"]
        try:
            values["system_prompt"] = p.read_text(encoding="utf-8").strip() or None
        except (OSError, UnicodeDecodeError) as e:
            fail(ConfigError(f"Cannot read system prompt file {p}: {e.__class__.__name__}"))

    forced_demo = values.pop("demo", False)
    values["demo"] = bool(forced_demo) or not (values.get("api_key") or values.get("base_url"))
    warn = warn_if_env_readable(cwd)
    if warn:
        problems.append(warn)
    s = Settings(**values, config_path=cfg_path if toml else None)
    return s._replace(warnings=tuple(problems)) if problems else s


def warn_if_env_readable(cwd: Path) -> str | None:
    """A warning when ``.env`` (which may hold the API key) is readable by group or others."""
    path = Path(cwd) / ".env"
    if os.name != "posix":
        return None
    try:
        mode = path.stat().st_mode
    except OSError:
        return None
    if mode & (stat.S_IRGRP | stat.S_IROTH):
        return (
            f"{path} is readable by other users (mode {stat.S_IMODE(mode):o}); "
            f"run: chmod 600 {path}"
        )
    return None
