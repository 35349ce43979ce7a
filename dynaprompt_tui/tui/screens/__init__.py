"""Modal screens: schedule edit dialog, confirmation, help."""
