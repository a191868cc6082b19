"""A local HTTP receiver for webhook tests and the bench: records every request it gets.

Each path answers its own way: /ok (200), /error (500), /slow (answers after `slow_seconds`, past the
worker's timeout), /redirect (302), /flaky (500 until `flaky_failures` requests have failed, then 200),
/switch (500 until `switch_ok` is set). Anything else gets 404.
"""

from __future__ import annotations

import hashlib
import hmac
import threading
import time
from dataclasses import dataclass, field
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer


@dataclass
class Received:
    path: str
    headers: dict[str, str]
    body: bytes
    at: float  # time.time() when the request was read


@dataclass
class Receiver:
    slow_seconds: float = 2.0
    flaky_failures: int = 2
    switch_ok: bool = False
    received: list[Received] = field(default_factory=list)
    lock: threading.Lock = field(default_factory=threading.Lock)
    server: ThreadingHTTPServer | None = None
    arrived: threading.Condition = field(default_factory=threading.Condition)

    @property
    def port(self) -> int:
        assert self.server is not None
        return self.server.server_address[1]

    def url(self, path: str) -> str:
        return f"http://127.0.0.1:{self.port}{path}"

    def start(self) -> Receiver:
        receiver = self

        class Handler(BaseHTTPRequestHandler):
            def do_POST(self) -> None:
                body = self.rfile.read(int(self.headers.get("Content-Length", "0")))
                now = time.time()
                path = self.path.split("?")[0]
                with receiver.lock:
                    receiver.received.append(Received(self.path, {k.lower(): v for k, v in self.headers.items()}, body, now))
                    failed_so_far = sum(1 for r in receiver.received if r.path.startswith("/flaky")) - 1
                with receiver.arrived:
                    receiver.arrived.notify_all()
                if path.startswith("/slow"):
                    time.sleep(receiver.slow_seconds)
                    self.answer(200, b"late")
                elif path.startswith("/error") or (path.startswith("/switch") and not receiver.switch_ok):
                    self.answer(500, b"receiver error")
                elif path.startswith("/flaky") and failed_so_far < receiver.flaky_failures:
                    self.answer(500, b"not yet")
                elif path.startswith("/redirect"):
                    self.send_response(302)
                    self.send_header("Location", receiver.url("/ok"))
                    self.send_header("Content-Length", "0")
                    self.end_headers()
                elif path.startswith(("/ok", "/flaky", "/switch")):
                    self.answer(200, b'{"received": true}')
                else:
                    self.answer(404, b"no such receiver")

            def answer(self, status: int, body: bytes) -> None:
                try:
                    self.send_response(status)
                    self.send_header("Content-Type", "application/json")
                    self.send_header("Content-Length", str(len(body)))
                    self.end_headers()
                    self.wfile.write(body)
                except (BrokenPipeError, ConnectionResetError):
                    pass  # the worker gave up waiting (the timeout case)

            def log_message(self, *args: object) -> None:
                pass

        self.server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        self.server.daemon_threads = True
        threading.Thread(target=self.server.serve_forever, daemon=True).start()
        return self

    def stop(self) -> None:
        if self.server:
            self.server.shutdown()
            self.server.server_close()

    def at(self, path: str) -> list[Received]:
        with self.lock:
            return [r for r in self.received if r.path == path]

    def wait_for(self, path: str, count: int = 1, seconds: float = 15) -> list[Received]:
        deadline = time.monotonic() + seconds
        with self.arrived:
            while len(self.at(path)) < count and time.monotonic() < deadline:
                self.arrived.wait(timeout=0.05)
        return self.at(path)


def signature(secret: str, timestamp: str, body: bytes) -> str:
    """What Pulse-Webhook-Signature must say (docs/platform/webhooks.md)."""
    return "v1=" + hmac.new(secret.encode(), timestamp.encode() + b"." + body, hashlib.sha256).hexdigest()
