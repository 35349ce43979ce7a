"""The background service: runs the scheduler with no window open, and writes the systemd and
launchd units that start it at login."""
