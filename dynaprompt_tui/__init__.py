"""dynaprompt-tui: a terminal chat app for LLMs in which either side can schedule messages."""

__version__ = "0.1.0"
