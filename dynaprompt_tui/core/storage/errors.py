"""The store's exceptions: each message is fit to show the user as it is."""

from __future__ import annotations


class StoreError(Exception):
    """A request the store cannot carry out; the message is fit to show the user."""


class UnknownScheduleError(StoreError):
    """No schedule has this id (or it is a prefix shared by several)."""


class ClaimLostError(StoreError):
    """`deliver` was handed a fire that is no longer ours to deliver (taken over, or abandoned)."""
