"""A private tmux server driven through one control-mode client, for bench_app.py.

started directly by tmux (no shell in between, so ``#{pane_pid}`` is the program's process). The
screen is read with ``capture-pane -p`` sent over the control client's stdin: no process is
spawned per poll, so polling every few milliseconds costs the machine little (a ``tmux`` client
per capture would cost a few ms of CPU each, on the same cores as the program measured).
"""

from __future__ import annotations

import contextlib
import os
import shlex
import subprocess
import time
from collections.abc import Mapping, Sequence
from pathlib import Path


class TmuxError(RuntimeError):
    pass


def _quote(arg: str) -> str:
    # tmux's command parser reads single quotes as the shell does (no escapes inside).
    return "'" + arg.replace("'", "'\\''") + "'" if arg else "''"


class Tmux:
    """A tmux server on its own socket with a control client attached to an idle session."""

    def __init__(self, workdir: Path, env: Mapping[str, str], size: tuple[int, int]) -> None:
        self.workdir = workdir
        self.env = dict(env)
        self.size = size
        self.socket = f"dp-bench-{os.getpid()}"
        self.conf = workdir / "tmux.conf"
        w, h = size
        self.conf.write_text(
            "set -g status off\n"
            "set -g history-limit 0\n"
            "set -g remain-on-exit off\n"
            f"set -g default-size {w}x{h}\n"
            "set -g escape-time 0\n"
        )
        self.base = ["tmux", "-u", "-L", self.socket, "-f", str(self.conf)]
        # An idle session keeps the server up between the programs' windows.
        subprocess.run(
            [
                *self.base,
                "new-session",
                "-d",
                "-s",
                "bench",
                "-x",
                str(w),
                "-y",
                str(h),
                "-c",
                str(workdir),
                "sleep",
                "1000000",
            ],
            env=self.env,
            cwd=workdir,
            check=True,
        )
        try:  # the server is up: do not leave it behind if the client fails
            self.proc = subprocess.Popen(
                [*self.base, "-C", "attach-session", "-t", "bench"],
                stdin=subprocess.PIPE,
                stdout=subprocess.PIPE,
                stderr=subprocess.DEVNULL,
                env=self.env,
                cwd=workdir,
                bufsize=0,
            )
            assert self.proc.stdin is not None and self.proc.stdout is not None
            self._in = self.proc.stdin
            self._out = self.proc.stdout
            self._buf = b""
            while not self._line().startswith((b"%end", b"%error")):
                pass  # the attach's own reply comes first
            # Pane output is not sent to this client (we read screens, not the byte stream).
            self.command("refresh-client -f no-output")
        except BaseException:
            subprocess.run([*self.base, "kill-server"], env=self.env, capture_output=True)
            raise

    # -- the control channel ------------------------------------------------------------------

    def _line(self) -> bytes:
        while b"\n" not in self._buf:
            chunk = os.read(self._out.fileno(), 1 << 16)
            if not chunk:
                raise TmuxError("the tmux control client went away")
            self._buf += chunk
        line, self._buf = self._buf.split(b"\n", 1)
        return line

    def command(self, line: str) -> list[str]:
        """Run one tmux command; its output lines (notifications in between are skipped)."""
        self._in.write(line.encode() + b"\n")
        while not self._line().startswith(b"%begin"):
            pass
        out: list[bytes] = []
        while True:
            ln = self._line()
            if ln.startswith(b"%end"):
                return [x.decode("utf-8", "replace") for x in out]
            if ln.startswith(b"%error"):
                raise TmuxError(f"{line}: {b' '.join(out).decode('utf-8', 'replace')}")
            out.append(ln)

    def run(self, *args: str) -> list[str]:
        return self.command(" ".join(_quote(a) for a in args))

    # -- programs -----------------------------------------------------------------------------

    def launch(
        self, argv: Sequence[str], env: Mapping[str, str] | None = None
    ) -> tuple[str, int, float]:
        """Start `argv` in a new window; (pane id, pid, perf_counter just before the spawn)."""
        args = ["new-window", "-d", "-P", "-F", "#{pane_id} #{pane_pid}", "-c", str(self.workdir)]
        for k, v in (env or {}).items():
            args += ["-e", f"{k}={v}"]
        line = " ".join(_quote(a) for a in args) + " " + shlex.join(argv)
        t0 = time.perf_counter()
        out = self.command(line)
        pane, pid = out[0].split()
        return pane, int(pid), t0

    def screen(self, pane: str) -> str:
        return "\n".join(self.command(f"capture-pane -p -t {pane}"))

    def keys(self, pane: str, *keys: str) -> float:
        """Send keys; perf_counter just before."""
        line = f"send-keys -t {pane} " + " ".join(_quote(k) for k in keys)
        t0 = time.perf_counter()
        self.command(line)
        return t0

    def stop(self, pane: str, pid: int, quit_keys: Sequence[str] = ("C-q",)) -> None:
        """Quit the program with its quit key; killed if it is still there after 10 s."""
        with contextlib.suppress(TmuxError):  # the window may be gone already
            self.keys(pane, *quit_keys)
        deadline = time.monotonic() + 10
        while alive(pid):
            if time.monotonic() > deadline:
                with contextlib.suppress(ProcessLookupError):
                    os.kill(pid, 9)
                deadline = time.monotonic() + 10
            time.sleep(0.01)

    def close(self) -> None:
        with contextlib.suppress(TmuxError, OSError):
            self.command("kill-server")
        with contextlib.suppress(OSError):
            self._in.close()
        try:
            self.proc.wait(timeout=5)
        except subprocess.TimeoutExpired:
            self.proc.kill()
        subprocess.run([*self.base, "kill-server"], env=self.env, capture_output=True)


def alive(pid: int) -> bool:
    """The process exists and is not a zombie (tmux reaps its panes' processes late)."""
    try:
        stat = Path(f"/proc/{pid}/stat").read_text()
    except (FileNotFoundError, ProcessLookupError):
        return False
    return stat.rsplit(")", 1)[1].split()[0] != "Z"


def rss_kib(pid: int) -> int:
    """VmRSS of a process, in KiB (0 once it is gone)."""
    try:
        for line in Path(f"/proc/{pid}/status").read_text().splitlines():
            if line.startswith("VmRSS:"):
                return int(line.split()[1])
    except (FileNotFoundError, ProcessLookupError):
        pass
    return 0


CLK_TCK = os.sysconf("SC_CLK_TCK")


def cpu_seconds(pid: int) -> float:
    """User + system CPU time of a process so far (its own threads; not its children)."""
    fields = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
    return (int(fields[11]) + int(fields[12])) / CLK_TCK
