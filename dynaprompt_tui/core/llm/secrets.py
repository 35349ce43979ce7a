"""Secrets in text: how an API key may be shown (masked), scrubbing a key or URL credentials out
of any error text (raw, escaped or percent-encoded), and checking a key and a base URL before use.

Cheap to import (settings read it at start-up): stdlib ``urllib.parse`` only.
"""

from __future__ import annotations

from urllib.parse import quote, quote_plus, unquote, urlsplit

REDACTED = "***"


def masked(key: str | None) -> str:
    """``sk-…abcd``: enough to recognise a key, not enough to use it."""
    if not key:
        return "(none)"
    if len(key) < 12:
        return "…" if len(key) < 8 else "…" + key[-2:]
    return f"{key[:3]}…{key[-4:]}"


def _escaped_forms(secret: str) -> set[str]:
    """The ways a secret can be printed: raw, repr, bytes repr, JSON, percent-encoded, and
    with its whitespace collapsed (error texts are put on one line)."""
    forms = {secret, " ".join(secret.split())}
    forms.add(repr(secret)[1:-1])
    forms.add(repr(secret.encode("utf-8", "backslashreplace"))[2:-1])
    forms.add(secret.encode("unicode_escape").decode("ascii"))
    forms.add(
        secret.replace("\\", "\\\\").replace('"', '\\"').replace("\n", "\\n").replace("\r", "\\r")
    )
    forms.add(quote(secret, safe=""))
    forms.add(quote(secret))
    forms.add(quote_plus(secret))
    # A key broken by a line break may be printed one line at a time: each long piece is secret.
    for part in secret.replace("\r", "\n").split("\n"):
        if len(part.strip()) >= 8:
            forms.add(part.strip())
    return {f for f in forms if len(f) >= 4}


class Scrubber:
    """Removes the given secrets from texts, whatever form they were printed in."""

    def __init__(self, key: str | None, base_url: str | None = None) -> None:
        replacements: dict[str, str] = {}
        if key:
            for form in _escaped_forms(key):
                replacements[form] = masked(key.strip()) if form == key else REDACTED
        for secret in url_secrets(base_url):
            for form in _escaped_forms(secret):
                replacements.setdefault(form, REDACTED)
        # Longest first, so a whole key is replaced before any piece of it.
        self._forms = sorted(replacements.items(), key=lambda kv: -len(kv[0]))

    def __call__(self, text: str) -> str:
        for form, replacement in self._forms:
            if form in text:
                text = text.replace(form, replacement)
        return text


def url_secrets(url: str | None) -> list[str]:
    """The credentials written into a URL (``http://user:SECRET@host``), raw and decoded."""
    if not url:
        return []
    try:
        parts = urlsplit(url)
    except ValueError:
        return []
    netloc = parts.netloc
    if "@" not in netloc:
        return []
    userinfo = netloc.rpartition("@")[0]
    out = [userinfo, unquote(userinfo)]
    password = userinfo.partition(":")[2]
    if password:
        out += [password, unquote(password)]
    return [s for s in out if s]


def display_host(url: str | None) -> str:
    """``host:port`` of a URL, never its credentials (default: OpenAI's API host)."""
    if not url:
        return "api.openai.com"
    try:
        parts = urlsplit(url)
        port = parts.port
    except ValueError:
        return "the configured server"
    host = parts.hostname or "the configured server"
    if ":" in host:  # IPv6 literal
        host = f"[{host}]"
    return f"{host}:{port}" if port else host


def display_url(url: str) -> str:
    """A URL as it may be shown: the password in its user part replaced."""
    try:
        parts = urlsplit(url)
    except ValueError:
        return REDACTED
    if "@" not in parts.netloc:
        return url
    host = parts.netloc.rpartition("@")[2]
    return parts._replace(netloc=f"{REDACTED}@{host}").geturl()


def key_problem(key: str) -> str | None:
    """Why ``key`` cannot be sent as a bearer token (never quoting it), or None."""
    if any(c in "\r\n" for c in key):
        return "contains a line break (a multi-line value in .env?): put the key on one line"
    if any(c.isspace() for c in key):
        return "contains a space"
    if any(ord(c) < 0x20 or ord(c) == 0x7F for c in key):
        return "contains a control character"
    if "…" in key:
        return "looks masked (it contains '…'): paste the whole key"
    if not key.isascii():
        return "contains a character that is not ASCII"
    return None


def url_problem(url: str) -> str | None:
    """Why ``url`` is not a usable base URL, or None."""
    if any(ord(c) < 0x21 or ord(c) == 0x7F for c in url):
        return "contains a space or a control character"
    try:
        parts = urlsplit(url)
        parts.port  # noqa: B018  (raises ValueError on a bad port)
    except ValueError:
        return "is not a valid URL"
    if parts.scheme.lower() not in ("http", "https"):
        return "must start with http:// or https://, e.g. http://localhost:11434/v1"
    if not parts.hostname:
        return "has no host, e.g. http://localhost:11434/v1"
    return None
