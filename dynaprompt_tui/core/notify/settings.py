"""What the notifications read from the user's settings (the `[notify]` table), and the URL
helpers that keep its secrets out of sight: an access token or a URL's credentials are shown
only as ``scheme://host``."""

from __future__ import annotations

import base64
from collections.abc import Mapping
from typing import Any, NamedTuple
from urllib.parse import unquote, urlsplit, urlunsplit

from dynaprompt_tui.core.notify.quiet import QuietHours, parse_quiet_hours

DESKTOP_MODES = ("auto", "on", "off")
NTFY_PRIORITIES = ("min", "low", "default", "high", "max", "urgent", "1", "2", "3", "4", "5")


class NotifyConfig(NamedTuple):
    desktop: str = "auto"  # auto: where a notification service is there (D-Bus, macOS)
    ntfy_url: str | None = None  # a topic URL: https://ntfy.sh/my-topic
    ntfy_token: str | None = None  # an access token (tk_...), sent as a Bearer header
    ntfy_priority: str = "default"
    ntfy_tags: tuple[str, ...] = ("alarm_clock",)
    webhook_url: str | None = None
    quiet_hours: QuietHours | None = None

    def __repr__(self) -> str:
        return (
            f"NotifyConfig(desktop={self.desktop!r}, ntfy_url={endpoint(self.ntfy_url)!r}, "
            f"ntfy_token={'***' if self.ntfy_token else None!r}, "
            f"ntfy_priority={self.ntfy_priority!r}, ntfy_tags={self.ntfy_tags!r}, "
            f"webhook_url={endpoint(self.webhook_url)!r}, "
            f"quiet_hours={str(self.quiet_hours) if self.quiet_hours else None!r})"
        )


def endpoint(url: str | None) -> str | None:
    """``scheme://host[:port]``: where a URL goes, without its path (an ntfy topic is a
    secret on a public server), query or credentials."""
    if not url:
        return None
    try:
        parts = urlsplit(url)
        host = parts.hostname or "?"
        port = f":{parts.port}" if parts.port else ""
    except ValueError:
        return "(a malformed URL)"
    return f"{parts.scheme}://{host}{port}"


def url_problem(url: str) -> str | None:
    """Why `url` cannot be posted to (one line, no secret in it), or None."""
    try:
        parts = urlsplit(url)
        _ = parts.port
    except ValueError:
        return "is not a valid URL"
    if parts.scheme not in ("http", "https") or not parts.hostname:
        return "must be an http:// or https:// URL"
    if any(c.isspace() for c in url):
        return "must not contain spaces"
    return None


def without_credentials(url: str) -> tuple[str, str | None]:
    """The URL without ``user:password@``, and the Basic Authorization header they make."""
    parts = urlsplit(url)
    if "@" not in parts.netloc:
        return url, None
    userinfo, _, host = parts.netloc.rpartition("@")
    user, _, password = userinfo.partition(":")
    token = base64.b64encode(f"{unquote(user)}:{unquote(password)}".encode()).decode("ascii")
    return urlunsplit(parts._replace(netloc=host)), f"Basic {token}"


def secrets_of(url: str | None, token: str | None = None) -> list[str]:
    """Every text that must not be shown: the token, the URL, its credentials and its path."""
    out = [s for s in (token, url) if s]
    if url:
        try:
            parts = urlsplit(url)
        except ValueError:
            return out
        userinfo = parts.netloc.rpartition("@")[0]
        out += [userinfo, unquote(userinfo), userinfo.partition(":")[2]]
        if parts.path.strip("/"):
            out.append(parts.path)
    return sorted({s for s in out if len(s) >= 3}, key=len, reverse=True)


def read_notify_table(v: Any) -> NotifyConfig:
    """The `[notify]` table of the config file; ValueError (one line that echoes no token and
    no URL) for a bad value."""
    if not isinstance(v, Mapping):
        raise ValueError("[notify] must be a table")
    out: dict[str, Any] = {}
    for k, val in v.items():
        name = f"notify.{k}"
        if k == "desktop":
            s = str(val).lower() if isinstance(val, str) else None
            if isinstance(val, bool):
                out[k] = "on" if val else "off"
            elif s in DESKTOP_MODES:
                out[k] = s
            else:
                raise ValueError(f"Setting '{name}' must be true, false or \"auto\", not {val!r}")
        elif k in ("ntfy_url", "webhook_url"):
            if not isinstance(val, str):
                raise ValueError(f"Setting '{name}' must be text (a URL)")
            problem = url_problem(val.strip()) if val.strip() else None
            if problem:
                raise ValueError(f"Setting '{name}' {problem}")
            out[k] = val.strip() or None
        elif k == "ntfy_token":
            if not isinstance(val, str) or not all(33 <= ord(c) < 127 for c in val.strip()):
                raise ValueError(f"Setting '{name}' must be text without spaces (an access token)")
            out[k] = val.strip() or None
        elif k == "ntfy_priority":
            s = str(val).strip().lower()
            if s not in NTFY_PRIORITIES or isinstance(val, bool):
                raise ValueError(f"Setting '{name}' must be 1-5 or min, low, default, high, max")
            out[k] = s
        elif k == "ntfy_tags":
            tags = val.split(",") if isinstance(val, str) else val
            if not isinstance(tags, list) or not all(isinstance(t, str) for t in tags):
                raise ValueError(f"Setting '{name}' must be a list of tags, e.g. [\"alarm_clock\"]")
            out[k] = tuple(t.strip() for t in tags if t.strip())
        elif k == "quiet_hours":
            if not isinstance(val, str):
                raise ValueError(f"Setting '{name}' must be text, e.g. \"22:00-07:00\"")
            try:
                out[k] = parse_quiet_hours(val) if val.strip() else None
            except ValueError as e:
                raise ValueError(f"Setting '{name}' {e}") from None
        else:
            known = ", ".join(NotifyConfig._fields)
            raise ValueError(f"Unknown setting '{name}' (known: {known})")
    return NotifyConfig(**out)
