"""The ways a notification reaches the user: the desktop (freedesktop notifications over D-Bus,
Notification Center on macOS, through `desktop-notifier`), an ntfy topic and a webhook (JSON).

A channel's `send` raises `ChannelError` (its text safe to log: no token, no topic, no URL
credentials) when the notification was not delivered. HTTP runs in a thread (`urllib`), never on
the event loop."""

from __future__ import annotations

import asyncio
import base64
import json
import os
import sys
from pathlib import Path
from typing import Any, Protocol

from dynaprompt_tui.core.notify.notification import Notification
from dynaprompt_tui.core.notify.settings import endpoint, secrets_of, without_credentials

TIMEOUT = 10.0  # seconds for one HTTP request
USER_AGENT = "dynaprompt-tui"


class ChannelError(Exception):
    """A notification that did not go out, in one line that is safe to log."""


class Channel(Protocol):
    label: str  # for the log: "ntfy (https://ntfy.sh)", never a secret
    enabled: bool  # False once a channel that is only tried ("auto") has failed

    async def send(self, n: Notification) -> None: ...


def scrub(text: str, secrets: list[str]) -> str:
    for s in secrets:
        text = text.replace(s, "***")
    return " ".join(text.split())


def _header(value: str) -> str:
    """An HTTP header value: ASCII as is, anything else RFC 2047-encoded (which ntfy reads)."""
    value = " ".join(value.split())  # no line break ever reaches a header
    if value.isascii():
        return value
    return "=?UTF-8?B?" + base64.b64encode(value.encode()).decode("ascii") + "?="


def _post(url: str, body: bytes, headers: dict[str, str], timeout: float) -> int:
    """POST and return the status; raises on a refused connection, a timeout, HTTP >= 400."""
    import urllib.error
    import urllib.request

    request = urllib.request.Request(url, data=body, headers=headers, method="POST")
    try:
        with urllib.request.urlopen(request, timeout=timeout) as response:
            return int(response.status)
    except urllib.error.HTTPError as e:
        raise ChannelError(f"the server answered HTTP {e.code}") from None
    except urllib.error.URLError as e:
        raise ChannelError(f"could not connect ({e.reason})") from None
    except (OSError, ValueError) as e:  # a timeout, a reset, a bad URL
        raise ChannelError(f"{e.__class__.__name__}: {e}") from None


class _HttpChannel:
    name = "http"

    def __init__(self, url: str, token: str | None = None, timeout: float = TIMEOUT) -> None:
        self.url, self._basic = without_credentials(url)
        self._token = token
        self._secrets = secrets_of(url, token)
        self.timeout = timeout
        self.label = f"{self.name} ({endpoint(url)})"
        self.enabled = True

    def _auth(self) -> dict[str, str]:
        if self._token:
            return {"Authorization": f"Bearer {self._token}"}
        return {"Authorization": self._basic} if self._basic else {}

    async def _post(self, body: bytes, headers: dict[str, str]) -> None:
        headers = {"User-Agent": USER_AGENT, **headers, **self._auth()}
        try:
            await asyncio.to_thread(_post, self.url, body, headers, self.timeout)
        except ChannelError as e:
            raise ChannelError(scrub(str(e), self._secrets)) from None


class NtfyChannel(_HttpChannel):
    """POST to an ntfy topic URL: the body is the first line; Title, Priority and Tags
    headers; an access token as ``Authorization: Bearer``, or ``user:password@`` in the URL
    as Basic."""

    name = "ntfy"

    def __init__(
        self,
        url: str,
        token: str | None = None,
        *,
        priority: str = "default",
        tags: tuple[str, ...] = ("alarm_clock",),
        timeout: float = TIMEOUT,
    ) -> None:
        super().__init__(url, token, timeout)
        self.priority = priority
        self.tags = tags

    async def send(self, n: Notification) -> None:
        headers = {"Title": _header(n.title), "Priority": self.priority}
        if self.tags:
            headers["Tags"] = _header(",".join(self.tags))
        await self._post(n.text.encode("utf-8"), headers)


def webhook_body(n: Notification) -> dict[str, Any]:
    """The JSON a webhook receives (docs/notifications.md documents it)."""
    return {
        "app": n.app,
        "sender": n.sender,
        "title": n.title,
        "text": n.text,
        "at": n.at.isoformat(),
        "message_id": n.message_id,
        "schedule_id": n.schedule_id,
        "held": n.held,
        "conversation": n.conversation,
        "conversation_id": n.conversation_id,
    }


class WebhookChannel(_HttpChannel):
    """POST `webhook_body` as JSON; ``user:password@`` in the URL becomes a Basic header."""

    name = "webhook"

    async def send(self, n: Notification) -> None:
        body = json.dumps(webhook_body(n), ensure_ascii=False).encode("utf-8")
        await self._post(body, {"Content-Type": "application/json"})


def desktop_available() -> bool:
    """Whether a desktop notification service may be there: macOS and Windows have one; on
    Linux, a D-Bus session bus (a desktop session; not SSH or a container)."""
    if sys.platform in ("darwin", "win32"):
        return True
    if os.environ.get("DBUS_SESSION_BUS_ADDRESS"):
        return True
    uid = os.getuid() if hasattr(os, "getuid") else -1
    return Path(f"/run/user/{uid}/bus").exists()


class DesktopChannel:
    """A desktop notification through `desktop-notifier` (made on first use, in the running
    event loop). `tried`: the user did not ask for it ("auto"), so its first failure turns it
    off for the rest of the run instead of failing at every message."""

    label = "desktop"

    def __init__(self, app_name: str, *, tried: bool = False) -> None:
        self.app_name = app_name
        self.tried = tried
        self.enabled = True
        self._notifier: Any = None

    async def send(self, n: Notification) -> None:
        if self._notifier is None:
            # desktop-notifier and dbus-fast: loaded by the first notification, if any.
            from desktop_notifier import DesktopNotifier

            self._notifier = DesktopNotifier(app_name=self.app_name)
        shown: list[str] = []
        try:
            await self._notifier.send(
                title=n.title, message=n.text, on_dispatched=lambda: shown.append("yes")
            )
        except Exception as e:  # the library logs and swallows most failures itself
            shown.clear()
            why = f"{e.__class__.__name__}: {e}"
        else:
            why = "no notification service answered"
        if not shown:
            if self.tried:
                self.enabled = False
                why += " (desktop notifications are off until the next start)"
            raise ChannelError(why)
