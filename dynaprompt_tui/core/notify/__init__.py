"""Reaching the user outside the window: desktop notifications, ntfy and webhooks, with quiet
hours."""
