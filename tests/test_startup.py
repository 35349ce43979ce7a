"""The CLI pauses the garbage collector until the app's first frame; nobody else is affected."""

import gc

import pytest

from dynaprompt_tui.cli import startup


@pytest.fixture(autouse=True)
def _restore_gc():
    yield
    gc.enable()
    gc.unfreeze()


def test_pause_then_resume_freezes_start_up_objects_and_collects_again():
    assert gc.isenabled()
    startup.pause()
    assert not gc.isenabled()
    survivor = [object() for _ in range(100)]
    startup.resume()
    assert gc.isenabled()
    assert gc.get_freeze_count() >= len(survivor)


def test_resume_without_pause_leaves_the_collector_alone():
    frozen = gc.get_freeze_count()
    gc.disable()  # someone else (an embedding program) manages it
    startup.resume()
    assert not gc.isenabled()
    assert gc.get_freeze_count() == frozen


def test_the_app_resumes_collection_after_its_first_frame(tmp_path):
    import asyncio

    from dynaprompt_tui.cli.main import build_app  # the app as the command starts it
    from dynaprompt_tui.config import load_settings

    settings = load_settings(
        {"db_path": str(tmp_path / "d.db"), "tz": "UTC", "demo": True},
        env={},
        cwd=tmp_path,
        config_path=tmp_path / "none.toml",
    )
    app = build_app(settings)  # pauses the collector
    assert not gc.isenabled()

    async def run() -> None:
        async with app.run_test() as pilot:
            await pilot.pause()
            await pilot.pause()
            assert gc.isenabled()

    asyncio.run(run())


def test_once_settled_what_the_warm_up_loaded_is_frozen_too(monkeypatch):
    import asyncio

    monkeypatch.setattr(startup, "SETTLED", 0)  # (no waiting for the real delay)

    async def run() -> None:
        startup.pause()
        startup.resume()  # (at the first frame, in the app's event loop)
        frozen = gc.get_freeze_count()
        loaded = [[object()] for _ in range(1000)]  # what the warm-up keeps
        for _ in range(3):  # the loop runs what resume() scheduled
            await asyncio.sleep(0)
        assert gc.get_freeze_count() >= frozen + len(loaded) // 2  # (others come and go)

    asyncio.run(run())
