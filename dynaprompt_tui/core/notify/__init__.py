"""Reaching the user outside the window: desktop notifications, ntfy and webhooks, with quiet
hours. Read `dispatch.py` (the `Notifier`) first; `listener.py` connects it to a conversation."""
