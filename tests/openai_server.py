"""A small local server that speaks the OpenAI chat-completions protocol (stdlib only).

Used by the tests (in a background thread, see ``tests/conftest.py``), by the end-to-end tmux
test (as a separate process) and by the benchmark ("tokens" mode).

Replies are scripted as a queue of *specs* (plain dicts, so a JSON file can hold them):

    {"text": "Hello there"}                                  plain answer (streamed word by word)
    {"tool_calls": [{"name": "list_schedules", "arguments": {}}], "text": "optional"}
    {"fault": "http", "status": 500}                         any HTTP error status
    {"fault": "http", "status": 429, "retry_after": 0.01}    rate limit with Retry-After
    {"fault": "http", "status": 401}                         bad key
    {"fault": "cut", "text": "partial answer ...", "after": 3}   stream some chunks, then drop
    {"fault": "truncate", "text": "...", "after": 3}        stream some chunks, end body cleanly
    {"fault": "drop"}                                        close the socket without answering
    {"fault": "reject_tools"}                                400 if the request carries tools
    {"text": "late", "delay": 2.0}                           wait before the first byte
    {"tokens": 20000}                                        stream N tokens as fast as possible

Byte-for-byte replays of what real servers sent (see tests/core/test_server_quirks*.py):

    {"sse": ["data: {...}\n\n", ...]}     200 text/event-stream, each string one HTTP chunk, as is
    {"sse": [...], "then": "drop"}         ... then close the socket mid-body
    {"raw": {"status": 500, "body": "...", "content_type": "application/json"}}
                                           any status and body, verbatim (also a 200 JSON body
                                           answering a request that asked for a stream;
                                           "cut_after": N sends N bytes, then closes)

Every spec may carry ``"delay"`` (seconds before the first byte) and ``"repeat"`` (how many
requests it answers; ``-1`` = forever). With an empty queue the server echoes the last user
message. ``reject_tools`` makes it answer 400 to any request carrying ``tools``.

Script file (``--script FILE.json``): either a list of specs, or an object with the keys
``replies`` (list), ``reject_tools`` (bool), ``api_key`` (str, 401 on mismatch), ``tokens`` (int,
default reply becomes N tokens). While running, ``POST /_control/replies`` (JSON list of specs)
appends to the queue and ``GET /_control/requests`` returns the recorded request bodies.
"""

from __future__ import annotations

import argparse
import contextlib
import itertools
import json
import re
import socket
import sys
import threading
import time
from collections import deque
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Any

MODELS = ["gpt-4o-mini", "gpt-4o", "local-echo"]
_ids = itertools.count(1)


def _words(text: str) -> list[str]:
    """Split keeping whitespace attached, so joining the pieces gives the text back."""
    return re.findall(r"\s*\S+\s*|\s+", text) or [text]


def _sse(obj: Any) -> bytes:
    return b"data: " + json.dumps(obj, separators=(",", ":")).encode() + b"\n\n"


class _Handler(BaseHTTPRequestHandler):
    protocol_version = "HTTP/1.1"  # chunked bodies: a cut stream is detectably incomplete
    server: _Server

    def log_message(self, format: str, *args: Any) -> None:  # keep test output quiet
        pass

    # -- plumbing ---------------------------------------------------------------------------
    def _json(self, status: int, obj: Any, headers: dict[str, str] | None = None) -> None:
        body = json.dumps(obj).encode()
        self.send_response(status)
        self.send_header("Content-Type", "application/json")
        self.send_header("Content-Length", str(len(body)))
        for k, v in (headers or {}).items():
            self.send_header(k, v)
        self.end_headers()
        self.wfile.write(body)

    def _error(self, status: int, message: str, headers: dict[str, str] | None = None) -> None:
        kind = {401: "invalid_request_error", 429: "rate_limit_exceeded"}.get(
            status, "server_error"
        )
        if status in (400, 404, 422):
            kind = "invalid_request_error"
        self._json(status, {"error": {"message": message, "type": kind, "code": None}}, headers)

    def _start_stream(self) -> None:
        self.send_response(200)
        self.send_header("Content-Type", "text/event-stream")
        self.send_header("Cache-Control", "no-cache")
        self.send_header("Transfer-Encoding", "chunked")
        self.end_headers()

    def _chunk(self, data: bytes) -> None:
        self.wfile.write(b"%x\r\n%s\r\n" % (len(data), data))

    def _end_stream(self) -> None:
        self.wfile.write(b"0\r\n\r\n")
        self.wfile.flush()

    def _drop(self) -> None:
        """Close the socket abruptly, as a dying proxy or server would."""
        with contextlib.suppress(OSError):
            self.wfile.flush()
            self.connection.shutdown(socket.SHUT_RDWR)
        self.close_connection = True

    def _authorised(self) -> bool:
        key = self.server.owner.api_key
        return not key or self.headers.get("Authorization") == f"Bearer {key}"

    # -- routes -----------------------------------------------------------------------------
    def do_GET(self) -> None:
        path = self.path.split("?")[0].rstrip("/")
        owner = self.server.owner
        if path.endswith("/models") and not self._authorised():
            self._error(401, "Incorrect API key provided.")
        elif path.endswith("/models"):
            data = [{"id": m, "object": "model", "created": 0, "owned_by": "local"} for m in MODELS]
            self._json(200, {"object": "list", "data": data})
        elif path == "/_control/requests":
            self._json(200, owner.bodies)
        else:
            self._error(404, f"Unknown path {self.path}")

    def do_POST(self) -> None:
        length = int(self.headers.get("Content-Length") or 0)
        raw = self.rfile.read(length) if length else b""
        path = self.path.split("?")[0].rstrip("/")
        try:
            body = json.loads(raw or b"{}")
        except ValueError:
            self._error(400, "Request body is not valid JSON")
            return
        if path == "/_control/replies":
            self.server.owner.script(body if isinstance(body, list) else [body])
            self._json(200, {"queued": len(self.server.owner.queue)})
            return
        if not path.endswith("/chat/completions"):
            self._error(404, f"Unknown path {self.path}")
            return
        owner = self.server.owner
        owner._record(
            self.command, self.path, {k.lower(): v for k, v in self.headers.items()}, body
        )
        # Like a real server without tool support: the rejected request consumes no reply.
        if body.get("tools") and owner.reject_tools:
            self._error(400, "'tools' is not supported by this model")
            return
        spec = owner._next_spec(body)
        delay = float(spec.get("delay", 0) or 0)
        if delay and owner._stopping.wait(delay):
            self._drop()
            return
        if not self._authorised():
            self._error(401, "Incorrect API key provided.")
            return
        if body.get("tools") and spec.get("fault") == "reject_tools":
            self._error(400, "'tools' is not supported by this model")
            return
        if "raw" in spec:
            self._raw(spec["raw"])
            return
        if "sse" in spec:
            self._replay_sse(spec)
            return
        fault = spec.get("fault")
        if fault == "http":
            status = int(spec.get("status", 500))
            headers = {}
            if "retry_after" in spec:
                headers["Retry-After"] = str(spec["retry_after"])
            message = spec.get("message") or {
                401: "Incorrect API key provided.",
                429: "Rate limit reached, please retry later.",
            }.get(status, f"Scripted failure {status}")
            self._error(status, message, headers)
            return
        if fault == "drop":  # connection closed before any response
            self._drop()
            return
        if body.get("stream"):
            self._stream(body, spec)
        else:
            self._complete(body, spec)

    # -- replays -----------------------------------------------------------------------------
    def _raw(self, raw: dict[str, Any]) -> None:
        body = raw.get("body", "")
        data = body.encode("utf-8") if isinstance(body, str) else json.dumps(body).encode()
        self.send_response(int(raw.get("status", 200)))
        self.send_header("Content-Type", raw.get("content_type", "application/json"))
        self.send_header("Content-Length", str(len(data)))
        for k, v in (raw.get("headers") or {}).items():
            self.send_header(k, v)
        self.end_headers()
        if "cut_after" in raw:  # the promised length never arrives
            self.wfile.write(data[: int(raw["cut_after"])])
            self._drop()
            return
        self.wfile.write(data)

    def _replay_sse(self, spec: dict[str, Any]) -> None:
        self.send_response(200)
        self.send_header("Content-Type", spec.get("content_type", "text/event-stream"))
        self.send_header("Transfer-Encoding", "chunked")
        self.end_headers()
        for piece in spec["sse"]:
            self._chunk(piece.encode("utf-8") if isinstance(piece, str) else bytes(piece))
        if spec.get("then") == "drop":
            self._drop()
        else:
            self._end_stream()

    # -- answers ----------------------------------------------------------------------------
    def _complete(self, body: dict[str, Any], spec: dict[str, Any]) -> None:
        if spec.get("fault") == "cut":
            self._drop()
            return
        text = spec.get("text")
        if "tokens" in spec:
            text = "tok " * int(spec["tokens"])
        calls = _tool_calls(spec)
        message: dict[str, Any] = {"role": "assistant", "content": text}
        if calls:
            message["tool_calls"] = [
                {
                    "id": c["id"],
                    "type": "function",
                    "function": {"name": c["name"], "arguments": c["args"]},
                }
                for c in calls
            ]
        finish = spec.get("finish_reason") or ("tool_calls" if calls else "stop")
        self._json(
            200,
            {
                "id": f"chatcmpl-{next(_ids)}",
                "object": "chat.completion",
                "created": int(time.time()),
                "model": body.get("model", "local"),
                "choices": [{"index": 0, "message": message, "finish_reason": finish}],
                "usage": _usage(body, text or ""),
            },
        )

    def _stream(self, body: dict[str, Any], spec: dict[str, Any]) -> None:
        cid = f"chatcmpl-{next(_ids)}"
        base = {"id": cid, "object": "chat.completion.chunk", "created": int(time.time())}
        base["model"] = body.get("model", "local")

        def chunk(delta: dict[str, Any], finish: str | None = None) -> bytes:
            choice = {"index": 0, "delta": delta, "finish_reason": finish}
            return _sse({**base, "choices": [choice]})

        self._start_stream()
        if "tokens" in spec:  # benchmark: pre-encoded, several events per HTTP chunk
            n = int(spec["tokens"])
            self._chunk(chunk({"role": "assistant", "content": ""}))
            one = chunk({"content": "tok "})
            batch = 64
            for start in range(0, n, batch):
                self._chunk(one * min(batch, n - start))
            self._chunk(chunk({}, "stop") + b"data: [DONE]\n\n")
            self._end_stream()
            return
        events: list[bytes] = [chunk({"role": "assistant", "content": ""})]
        text = spec.get("text") or ""
        events += [chunk({"content": w}) for w in _words(text)] if text else []
        calls = _tool_calls(spec)
        for i, c in enumerate(calls):
            # Real API: first fragment carries id/name and empty arguments, then argument pieces.
            head = {"index": i, "id": c["id"], "type": "function"}
            head["function"] = {"name": c["name"], "arguments": ""}
            events.append(chunk({"tool_calls": [head]}))
            args = c["args"]
            for j in range(0, len(args), 7):
                frag = {"index": i, "function": {"arguments": args[j : j + 7]}}
                events.append(chunk({"tool_calls": [frag]}))
        finish = spec.get("finish_reason") or ("tool_calls" if calls else "stop")
        events.append(chunk({}, finish))
        if (body.get("stream_options") or {}).get("include_usage"):
            events.append(_sse({**base, "choices": [], "usage": _usage(body, text)}))
        events.append(b"data: [DONE]\n\n")
        if spec.get("fault") in ("cut", "truncate"):
            after = int(spec.get("after", max(1, len(events) // 2)))
            for e in events[:after]:
                self._chunk(e)
            if spec["fault"] == "cut":
                self._drop()
            else:  # a well-formed body that simply stops: no finish_reason, no [DONE]
                self._end_stream()
            return
        gap = float(spec.get("chunk_delay", 0) or 0)
        for e in events:
            self._chunk(e)
            if gap:
                self.wfile.flush()
                time.sleep(gap)
        self._end_stream()


def _tool_calls(spec: dict[str, Any]) -> list[dict[str, str]]:
    out = []
    for i, c in enumerate(spec.get("tool_calls") or []):
        args = c.get("arguments", {})
        out.append(
            {
                "id": c.get("id") or f"call_{next(_ids)}_{i}",
                "name": c["name"],
                "args": args if isinstance(args, str) else json.dumps(args),
            }
        )
    return out


def _usage(body: dict[str, Any], text: str) -> dict[str, int]:
    prompt = sum(len(str(m.get("content") or "").split()) for m in body.get("messages") or [])
    completion = len(text.split())
    return {
        "prompt_tokens": prompt,
        "completion_tokens": completion,
        "total_tokens": prompt + completion,
    }


class _Server(ThreadingHTTPServer):
    daemon_threads = True
    block_on_close = False
    allow_reuse_address = True
    owner: OpenAIServer


class OpenAIServer:
    """The scriptable server. ``start()`` serves in a background thread; ``stop()`` ends it."""

    def __init__(self, host: str = "127.0.0.1", port: int = 0) -> None:
        self.host = host
        self.port = port
        self.queue: deque[dict[str, Any]] = deque()
        self.requests: list[
            dict[str, Any]
        ] = []  # {"method", "path", "headers" (lower-case), "body"}
        self.reject_tools = False
        self.api_key: str | None = None  # when set, other keys get 401
        self.default: dict[str, Any] | None = None  # reply when the queue is empty
        self._lock = threading.Lock()
        self._stopping = threading.Event()
        self._httpd: _Server | None = None
        self._thread: threading.Thread | None = None

    # -- life cycle -------------------------------------------------------------------------
    def start(self) -> OpenAIServer:
        self._httpd = _Server((self.host, self.port), _Handler)
        self._httpd.owner = self
        self.port = self._httpd.server_address[1]
        self._thread = threading.Thread(
            target=self._httpd.serve_forever, kwargs={"poll_interval": 0.02}, daemon=True
        )
        self._thread.start()
        return self

    def stop(self) -> None:
        self._stopping.set()  # wakes handlers sleeping on a "delay"
        if self._httpd is not None:
            self._httpd.shutdown()
            self._httpd.server_close()
        if self._thread is not None:
            self._thread.join(timeout=5)

    def serve_forever(self) -> None:
        self._httpd = _Server((self.host, self.port), _Handler)
        self._httpd.owner = self
        self.port = self._httpd.server_address[1]
        print(f"listening on {self.base_url}", flush=True)
        with contextlib.suppress(KeyboardInterrupt):
            self._httpd.serve_forever()

    def __enter__(self) -> OpenAIServer:
        return self.start()

    def __exit__(self, *exc: object) -> None:
        self.stop()

    @property
    def base_url(self) -> str:
        return f"http://{self.host}:{self.port}/v1"

    # -- scripting --------------------------------------------------------------------------
    def script(self, specs: list[dict[str, Any]]) -> None:
        """Append reply specs to the queue (answered in order, one per request)."""
        with self._lock:
            self.queue.extend(dict(s) for s in specs)

    def reply(self, text: str, **extra: Any) -> None:
        self.script([{"text": text, **extra}])

    def reply_tool_calls(self, *calls: dict[str, Any], text: str = "", **extra: Any) -> None:
        """Queue a reply with tool calls: ``{"name": ..., "arguments": {...}, "id": optional}``."""
        self.script([{"tool_calls": list(calls), "text": text, **extra}])

    def fail(self, status: int, times: int = 1, retry_after: float | None = None) -> None:
        """Queue ``times`` HTTP errors (``times=-1``: every request from now on)."""
        spec: dict[str, Any] = {"fault": "http", "status": status, "repeat": times}
        if retry_after is not None:
            spec["retry_after"] = retry_after
        self.script([spec])

    def cut(self, text: str, after: int = 3) -> None:
        """Queue a streamed answer that stops after ``after`` SSE events, socket closed."""
        self.script([{"fault": "cut", "text": text, "after": after}])

    def replay_sse(self, chunks: list[str], *, drop: bool = False, **extra: Any) -> None:
        """Queue a 200 event stream made of exactly these HTTP chunks (``drop``: then cut)."""
        self.script([{"sse": list(chunks), **({"then": "drop"} if drop else {}), **extra}])

    def replay_http(
        self, status: int, body: str, *, content_type: str = "application/json", **extra: Any
    ) -> None:
        """Queue one answer with exactly this status and body."""
        self.script(
            [{"raw": {"status": status, "body": body, "content_type": content_type}, **extra}]
        )

    def slow(self, delay: float, text: str = "finally") -> None:
        self.script([{"text": text, "delay": delay}])

    def tokens(self, n: int) -> None:
        self.script([{"tokens": n}])

    def clear(self) -> None:
        with self._lock:
            self.queue.clear()
            self.requests.clear()

    # -- inspection -------------------------------------------------------------------------
    @property
    def bodies(self) -> list[dict[str, Any]]:
        with self._lock:
            return [r["body"] for r in self.requests]

    @property
    def last_body(self) -> dict[str, Any]:
        with self._lock:
            return self.requests[-1]["body"]

    # -- internals --------------------------------------------------------------------------
    def _record(self, method: str, path: str, headers: dict[str, str], body: Any) -> None:
        with self._lock:
            self.requests.append({"method": method, "path": path, "headers": headers, "body": body})

    def _next_spec(self, body: dict[str, Any]) -> dict[str, Any]:
        with self._lock:
            if self.queue:
                spec = self.queue[0]
                repeat = int(spec.get("repeat", 1))
                if repeat == 1:
                    self.queue.popleft()
                elif repeat > 1:
                    spec["repeat"] = repeat - 1
                return spec
        if self.default is not None:
            return self.default
        last = ""
        for m in reversed(body.get("messages") or []):
            if m.get("role") == "user":
                c = m.get("content")
                last = c if isinstance(c, str) else json.dumps(c)
                break
        return {"text": f"Echo: {last}" if last else "Hello from the local test server."}


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description="Local OpenAI-protocol test server")
    ap.add_argument("--host", default="127.0.0.1")
    ap.add_argument("--port", type=int, default=0, help="0 picks a free port (printed)")
    ap.add_argument("--script", help="JSON file: list of reply specs, or an object (see doc)")
    ap.add_argument("--tokens", type=int, help="answer every request with N streamed tokens")
    ap.add_argument("--reject-tools", action="store_true")
    args = ap.parse_args(argv)
    server = OpenAIServer(args.host, args.port)
    if args.script:
        with open(args.script, encoding="utf-8") as f:
            data = json.load(f)
        if isinstance(data, list):
            data = {"replies": data}
        server.script(data.get("replies") or [])
        server.reject_tools = bool(data.get("reject_tools"))
        server.api_key = data.get("api_key")
        if data.get("tokens"):
            server.default = {"tokens": int(data["tokens"])}
        if data.get("default"):
            server.default = data["default"]
    if args.tokens:
        server.default = {"tokens": args.tokens}
    server.reject_tools = server.reject_tools or args.reject_tools
    server.serve_forever()
    return 0


if __name__ == "__main__":
    sys.exit(main())
