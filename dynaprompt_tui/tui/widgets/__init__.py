"""Widgets: chat pane, composer, schedule sidebar."""
