"""Child process for bench_app.py: start one app headless, report its first frame, exit.

    python benchmarks/_first_frame.py minimal|app SPAWN_WALL_TIME [DB]

SPAWN_WALL_TIME is the parent's ``time.time()`` just before it spawned this process, so the
figure covers interpreter start, imports, settings, opening the database, compose, mount and
the first render. "First frame" is Textual's ``events.Ready``: posted by the screen right after
its first compositor refresh, i.e. when the first full frame has been produced. Peak memory is
``ru_maxrss`` of this process at that moment. One JSON line goes to stdout.
"""

import sys
import time

T_TOP = time.perf_counter()

import json  # noqa: E402
import os  # noqa: E402
import resource  # noqa: E402
from pathlib import Path  # noqa: E402

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

KIND = sys.argv[1]
SPAWN = float(sys.argv[2])
SIZE = (120, 36)


def report(app) -> None:
    now = time.time()
    rss_kb = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss  # kilobytes on Linux
    print(
        json.dumps(
            {
                "first_frame_s": now - SPAWN,
                "in_script_s": time.perf_counter() - T_TOP,
                "maxrss_kb": rss_kb,
            }
        ),
        flush=True,
    )
    if os.environ.get("DP_BENCH_STOP_AT_FRAME"):
        os._exit(0)  # counting instructions (bench_app, under valgrind): nothing after the frame
    app.exit()


def minimal() -> None:
    from textual.app import App, ComposeResult
    from textual.widgets import Footer, Header, Input

    class Minimal(App[None]):
        def compose(self) -> ComposeResult:
            yield Header()
            yield Input(placeholder="Message…")
            yield Footer()

        def on_ready(self) -> None:
            report(self)

    Minimal().run(headless=True, size=SIZE)


def app(db: str) -> None:
    # What the CLI does (dynaprompt_tui.cli.main): settings, then `build_app`, the command's
    # own start-up. A configured OpenAI-compatible server, as a real user has; its client is
    # built on first use. No zone given: the system's is looked up, as for most users.
    from dynaprompt_tui.cli.main import build_app
    from dynaprompt_tui.config import load_settings

    here = Path(db).parent
    settings = load_settings(
        {"db_path": db, "base_url": "http://127.0.0.1:9/v1"},
        env={"OPENAI_API_KEY": "bench-key"},
        cwd=here,
        config_path=here / "no-config.toml",
    )
    instance = build_app(settings)
    base = type(instance)

    class Timed(base):  # the real app's class, plus a Ready handler; CSS is already resolved
        def on_ready(self) -> None:
            report(self)

    instance.__class__ = Timed
    instance.run(headless=True, size=SIZE)


if __name__ == "__main__":
    if KIND == "minimal":
        minimal()
    else:
        app(sys.argv[3])
