"""A D-Bus session bus for the desktop-notification tests: `dbus-daemon --session` started by the
test, and a notification server on it (org.freedesktop.Notifications, the interface desktop
environments implement) that records what it is asked to show."""

# (No `from __future__ import annotations`: dbus-fast reads the D-Bus signatures from the
# evaluated annotations.)

import contextlib
import shutil
import subprocess
from collections.abc import AsyncIterator, Iterator
from typing import Annotated

from dbus_fast import BusType, Variant
from dbus_fast.aio import MessageBus
from dbus_fast.annotations import DBusDict, DBusInt32, DBusSignature, DBusStr, DBusUInt32
from dbus_fast.service import ServiceInterface, method, signal

DBusStrList = Annotated[list[str], DBusSignature("as")]
DAEMON = shutil.which("dbus-daemon")


@contextlib.contextmanager
def session_bus() -> Iterator[str]:
    """A private session bus for the test; yields its address."""
    assert DAEMON is not None
    proc = subprocess.Popen(
        [DAEMON, "--session", "--nofork", "--print-address=1"],
        stdout=subprocess.PIPE,
        text=True,
    )
    try:
        assert proc.stdout is not None
        address = proc.stdout.readline().strip()
        assert address, "dbus-daemon printed no address"
        yield address
    finally:
        proc.terminate()
        proc.wait(10)


class NotificationServer(ServiceInterface):
    def __init__(self) -> None:
        super().__init__("org.freedesktop.Notifications")
        self.shown: list[dict[str, object]] = []

    @method()
    def Notify(  # D-Bus names its methods in CamelCase
        self,
        app_name: DBusStr,
        replaces_id: DBusUInt32,
        app_icon: DBusStr,
        summary: DBusStr,
        body: DBusStr,
        actions: DBusStrList,
        hints: DBusDict,
        expire_timeout: DBusInt32,
    ) -> DBusUInt32:
        self.shown.append({"app_name": app_name, "summary": summary, "body": body})
        return len(self.shown)

    @method()
    def GetCapabilities(self) -> DBusStrList:
        return ["body", "actions"]

    @method()
    def GetServerInformation(self) -> Annotated[list[str], DBusSignature("ssss")]:
        return ["test-notifications", "dynaprompt", "1.0", "1.2"]

    @method()
    def CloseNotification(self, nid: DBusUInt32) -> None:
        pass

    @signal()
    def NotificationClosed(self) -> Annotated[list[int], DBusSignature("uu")]:
        return [0, 0]

    @signal()
    def ActionInvoked(self) -> Annotated[list[object], DBusSignature("us")]:
        return [0, ""]


@contextlib.asynccontextmanager
async def notification_server(address: str) -> AsyncIterator[NotificationServer]:
    bus = await MessageBus(bus_address=address, bus_type=BusType.SESSION).connect()
    server = NotificationServer()
    bus.export("/org/freedesktop/Notifications", server)
    await bus.request_name("org.freedesktop.Notifications")
    try:
        yield server
    finally:
        bus.disconnect()


__all__ = ["DAEMON", "NotificationServer", "Variant", "notification_server", "session_bus"]
