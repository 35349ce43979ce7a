"""The API key and URL credentials never reach an error text, the database, an export or the
screen, whatever their bytes; bad keys and base URLs are refused at start-up (issue 11)."""

from __future__ import annotations

import json
import sqlite3
import urllib.parse
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

import pytest

from dynaprompt_tui.config import ConfigError, Settings, load_settings
from dynaprompt_tui.core.clock import FakeClock
from dynaprompt_tui.core.conversation import Conversation
from dynaprompt_tui.core.llm.events import ChatError
from dynaprompt_tui.core.llm.secrets import Scrubber, display_host, key_problem, url_problem
from tests.core.test_chat import closed_port, collect, make
from tests.openai_server import OpenAIServer

# A key as a quoted multi-line value in .env gives it: CR, LF and quotes inside.
BAD_KEY = "sk-proj-Ab12\"Cd34'Ef56\r\nGh78Ij90Kl12Mn34SECRET"
PIECES = ["sk-proj-Ab12", "Ef56", "Gh78Ij90Kl12Mn34SECRET", "Mn34SECRET"]


def leaks(text: str, key: str = BAD_KEY) -> list[str]:
    """Every recognisable form of the key (or a long piece of it) found in ``text``."""
    forms = {
        key,
        repr(key),
        repr(key.encode()),
        json.dumps(key),
        urllib.parse.quote(key),
        urllib.parse.quote_plus(key),
        key.encode("unicode_escape").decode(),
        " ".join(key.split()),
    }
    found = [f for f in forms if f in text]
    return found + [p for p in PIECES if len(p) >= 10 and p in text]


def test_scrubber_catches_escaped_forms() -> None:
    scrub = Scrubber(BAD_KEY)
    for form in (
        BAD_KEY,
        repr(BAD_KEY),
        repr(BAD_KEY.encode()),
        f"Illegal header value {('Bearer ' + BAD_KEY).encode()!r}",
        json.dumps({"auth": BAD_KEY}),
        urllib.parse.quote(BAD_KEY),
        urllib.parse.quote(BAD_KEY, safe=""),
        urllib.parse.quote_plus(BAD_KEY),
        BAD_KEY.encode("unicode_escape").decode(),
        " ".join(f"x {BAD_KEY} y".split()),
        "first line only: Gh78Ij90Kl12Mn34SECRET",
    ):
        out = scrub(form)
        assert leaks(out) == [], (form, out)
        assert "SECRET" not in out


def test_scrubber_catches_url_credentials() -> None:
    scrub = Scrubber(None, "http://alice:p%40ss-SECRET@proxy.example:8080/v1")
    text = scrub("GET http://alice:p%40ss-SECRET@proxy.example:8080/v1 failed (p@ss-SECRET)")
    assert "SECRET" not in text and "proxy.example" in text


def test_display_host_never_shows_credentials() -> None:
    assert display_host("http://bob:SECRET@10.0.0.5:11434/v1") == "10.0.0.5:11434"
    assert display_host(None) == "api.openai.com"
    assert display_host("http://[::1]:8080/v1") == "[::1]:8080"


async def test_key_with_cr_lf_and_quotes_is_never_in_the_error(
    openai_server: OpenAIServer,
) -> None:
    client, _ = make(openai_server.base_url, api_key=BAD_KEY, max_retries=0)
    with pytest.raises(ChatError) as ei:
        await collect(client)
    text = str(ei.value)
    assert ei.value.kind == "auth" and "line break" in text and openai_server.requests == []
    assert leaks(text) == [] and "SECRET" not in text and "\n" not in text


async def test_illegal_header_error_from_the_transport_is_scrubbed(
    openai_server: OpenAIServer,
) -> None:
    # Past the client's own check (defence in depth): h11 quotes the whole header value.
    client, _ = make(openai_server.base_url, api_key=BAD_KEY, max_retries=0)
    client._key_problem = None
    with pytest.raises(ChatError) as ei:
        await collect(client)
    text = str(ei.value)
    assert "Illegal header value" in text  # the transport's words, minus the key
    assert leaks(text) == [] and "SECRET" not in text and "\n" not in text


async def test_key_echoed_by_the_server_in_any_form_is_scrubbed(
    openai_server: OpenAIServer,
) -> None:
    key = "sk-live-0123456789abcdefSECRET"
    body = json.dumps(
        {"error": {"message": f"bad key {key!r} / {urllib.parse.quote(key)} / {key}"}}
    )
    openai_server.replay_http(400, body)
    client, _ = make(openai_server.base_url, api_key=key)
    with pytest.raises(ChatError) as ei:
        await collect(client)
    assert "SECRET" not in str(ei.value) and "bad key" in str(ei.value)


async def test_url_credentials_are_not_in_cannot_reach(openai_server: OpenAIServer) -> None:
    url = f"http://alice:hunter2SECRET@127.0.0.1:{closed_port()}/v1"
    client, _ = make(url, max_retries=0)
    with pytest.raises(ChatError) as ei:
        await collect(client)
    text = str(ei.value)
    assert ei.value.kind == "connection" and "Cannot reach" in text
    assert "SECRET" not in text and "alice" not in text and "127.0.0.1" in text


@pytest.mark.parametrize("case", ["key with CR LF and quotes", "credentials in the URL"])
async def test_secrets_never_reach_db_export_or_screen(
    tmp_path: Path, openai_server: OpenAIServer, case: str
) -> None:
    shown: list[Any] = []

    class Screen:
        def __getattr__(self, name: str) -> Any:
            return lambda *args: shown.append(args)

    if case == "credentials in the URL":
        key, url = "sk-fine-0123456789", f"http://alice:hunter2SECRET@127.0.0.1:{closed_port()}/v1"
    else:
        key, url = BAD_KEY, openai_server.base_url
    settings = Settings(
        api_key=key,
        base_url=url,
        db_path=tmp_path / "db.sqlite",
        tz="UTC",
        max_retries=0,
        request_timeout=5,
    )
    conv = Conversation.open(
        settings, clock=FakeClock(datetime(2026, 3, 5, 10, tzinfo=UTC)), listener=Screen()
    )
    try:
        await conv.send("hello")
        errors = [m.content for m in conv.messages(limit=50) if "model call failed" in m.content]
        assert errors, "the failed call is shown"
        exported = conv.export("md") + conv.export("json")
    finally:
        await conv.stop()
    with sqlite3.connect(tmp_path / "db.sqlite") as db:
        dump = "\n".join(db.iterdump())
    for where in (dump, exported, repr(shown), repr(settings)):
        assert leaks(where) == [] and "SECRET" not in where


# -- start-up validation ------------------------------------------------------------------------


def _load(tmp_path: Path, **cli: Any) -> Settings:
    return load_settings(cli, env={}, cwd=tmp_path, config_path=tmp_path / "none.toml")


@pytest.mark.parametrize(
    ("key", "why"),
    [
        ("sk-abc\r\ndef0123456789", "line break"),
        ("sk-abc def0123456789", "space"),
        ("sk-abc\x00def0123456789", "control character"),
        ("sk-…abcd", "masked"),
        ("sk-abcdéf0123456789", "ASCII"),
    ],
)
def test_bad_key_is_a_one_line_config_error(tmp_path: Path, key: str, why: str) -> None:
    with pytest.raises(ConfigError) as ei:
        _load(tmp_path, api_key=key)
    text = str(ei.value)
    assert why in text and "\n" not in text and "def0" not in text and "abcd" not in text


def test_multi_line_key_in_dotenv_is_refused_without_echo(tmp_path: Path) -> None:
    (tmp_path / ".env").write_text('OPENAI_API_KEY="sk-first\nsecond-half-SECRET"\n')
    (tmp_path / ".env").chmod(0o600)
    with pytest.raises(ConfigError) as ei:
        _load(tmp_path)
    assert "line break" in str(ei.value) and "(from .env)" in str(ei.value)
    assert "SECRET" not in str(ei.value)
    lenient = load_settings(
        {}, env={}, cwd=tmp_path, config_path=tmp_path / "none.toml", strict=False
    )
    assert lenient.api_key is None and any("line break" in w for w in lenient.warnings)


@pytest.mark.parametrize(
    "url",
    ["notaurl", "localhost:11434/v1", "ftp://host/v1", "http:///v1", "http://host:99999/v1"],
)
def test_bad_base_url_is_a_one_line_config_error(tmp_path: Path, url: str) -> None:
    with pytest.raises(ConfigError) as ei:
        _load(tmp_path, base_url=url)
    assert str(ei.value).startswith("Setting 'base_url' ") and "\n" not in str(ei.value)


def test_base_url_error_hides_credentials(tmp_path: Path) -> None:
    with pytest.raises(ConfigError) as ei:
        _load(tmp_path, base_url="ftp://bob:SECRET@host/v1")
    assert "SECRET" not in str(ei.value)


def test_good_keys_and_urls_pass() -> None:
    assert key_problem("sk-proj-abc_DEF-123") is None
    for url in ("http://localhost:11434/v1", "https://api.groq.com/openai/v1", "http://[::1]:8080"):
        assert url_problem(url) is None


def test_max_tokens_setting(tmp_path: Path) -> None:
    assert _load(tmp_path).max_tokens == 1024
    assert _load(tmp_path, max_tokens=0).max_tokens == 0
    env = {"DYNAPROMPT_MAX_TOKENS": "256"}
    assert load_settings({}, env=env, cwd=tmp_path, config_path=tmp_path / "x").max_tokens == 256
    with pytest.raises(ConfigError, match="max_tokens"):
        _load(tmp_path, max_tokens=-5)
    with pytest.raises(ConfigError, match="max_tokens"):
        _load(tmp_path, max_tokens="lots")


def test_malformed_dotenv_is_a_warning_in_the_app_not_silence(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    env = tmp_path / ".env"
    env.write_text('OPENAI_API_KEY="sk-unclosed-0123456789\nDYNAPROMPT_MODEL=llama3.1\n')
    env.chmod(0o600)
    s = _load(tmp_path)
    assert s.model == "llama3.1" and s.api_key is None and s.demo
    assert any("line 1 cannot be read" in w for w in s.warnings)
    assert capsys.readouterr().err == ""  # nothing written under the full-screen app
