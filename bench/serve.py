"""Serving the app for the HTTP figures: gunicorn on 127.0.0.1, and a small HTTP client.

The server is the production one: `gunicorn wsgi:app` with sync workers and
`--no-control-socket` (so parallel servers don't clash), on a free port, with `PARCOURS_BENCH=1`
so the app also answers `/_bench/hello` (a fixed string: the baseline of the HTTP figures).
The client opens a connection per request (sync workers close it after each answer anyway).
"""

from __future__ import annotations

import http.client
import json
import os
import re
import signal
import socket
import subprocess
import sys
import time
from dataclasses import dataclass
from http.cookies import SimpleCookie
from pathlib import Path
from urllib.parse import urlencode

ROOT = Path(__file__).resolve().parent.parent


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


@dataclass
class Response:
    status: int
    headers: dict[str, str]
    cookies: list[str]
    body: bytes
    seconds: float

    def json(self):
        return json.loads(self.body)


class Client:
    """HTTP/1.1 to the bench server, one connection per request, cookies and bearer kept."""

    def __init__(self, port: int, host: str = "127.0.0.1", timeout: float = 600) -> None:
        self.host, self.port, self.timeout = host, port, timeout
        self.cookies: dict[str, str] = {}
        self.token: str | None = None

    def request(self, method: str, path: str, *, body: bytes | None = None, headers: dict | None = None) -> Response:
        sent = {"Host": f"{self.host}:{self.port}", **(headers or {})}
        if self.cookies:
            sent["Cookie"] = "; ".join(f"{k}={v}" for k, v in self.cookies.items())
        if self.token:
            sent["Authorization"] = f"Bearer {self.token}"
        started = time.perf_counter()
        connection = http.client.HTTPConnection(self.host, self.port, timeout=self.timeout)
        try:
            connection.request(method, path, body=body, headers=sent)
            answer = connection.getresponse()
            data = answer.read()
        finally:
            connection.close()
        seconds = time.perf_counter() - started
        set_cookies = answer.headers.get_all("Set-Cookie") or []
        for raw in set_cookies:
            for name, morsel in SimpleCookie(raw).items():
                self.cookies[name] = morsel.value
        return Response(answer.status, dict(answer.headers.items()), set_cookies, data, seconds)

    def get(self, path: str) -> Response:
        return self.request("GET", path)

    def post_json(self, path: str, payload: dict) -> Response:
        return self.request("POST", path, body=json.dumps(payload).encode(),
                            headers={"Content-Type": "application/json"})

    def sign_in(self, email: str, password: str) -> None:
        """The login form, with its CSRF token: leaves the session cookie in the client."""
        page = self.get("/login")
        match = re.search(rb'name="csrf_token"[^>]*value="([^"]+)"', page.body)
        form = {"email": email, "password": password, "csrf_token": match.group(1).decode() if match else ""}
        answer = self.request("POST", "/login", body=urlencode(form).encode(),
                              headers={"Content-Type": "application/x-www-form-urlencoded"})
        if answer.status != 302:
            raise RuntimeError(f"bench: signing in as {email} answered {answer.status}")

    def bearer(self, email: str, password: str) -> str:
        answer = self.post_json("/api/v1/tokens", {"email": email, "password": password})
        if answer.status != 201:
            raise RuntimeError(f"bench: POST /api/v1/tokens answered {answer.status}: {answer.body[:300]!r}")
        return answer.json()["token"]


class Server:
    """`gunicorn wsgi:app` on a free port of 127.0.0.1, sync workers, no control socket."""

    def __init__(self, database_url: str, *, workers: int, log_dir: Path, name: str) -> None:
        self.database_url, self.workers = database_url, workers
        self.port = free_port()
        self.log = log_dir / f"gunicorn-{name}.log"
        self.process: subprocess.Popen | None = None

    @property
    def description(self) -> str:
        return f"gunicorn, {self.workers} sync workers, --no-control-socket, 127.0.0.1"

    def __enter__(self) -> Server:
        env = {**os.environ, "DATABASE_URL": self.database_url, "SECRET_KEY": "bench-not-secret",
               "PARCOURS_BENCH": "1", "SCHEDULER_ENABLED": "0", "SESSION_COOKIE_SECURE": "0",
               "SMTP_HOST": "127.0.0.1", "SMTP_PORT": "9", "FLASK_DEBUG": "0"}
        command = [sys.executable, "-m", "gunicorn", "--no-control-socket", "--worker-class", "sync",
                   "--workers", str(self.workers), "--bind", f"127.0.0.1:{self.port}", "--timeout", "900",
                   "--log-level", "warning", "wsgi:app"]
        with open(self.log, "ab") as log:
            self.process = subprocess.Popen(command, cwd=ROOT, env=env, stdout=log, stderr=subprocess.STDOUT,
                                            start_new_session=True)
        deadline = time.monotonic() + 120
        while time.monotonic() < deadline:
            if self.process.poll() is not None:
                raise RuntimeError(f"bench: gunicorn exited ({self.process.returncode}); see {self.log}")
            try:
                if Client(self.port, timeout=5).get("/healthz").status == 200 and len(self.worker_pids()) >= 1:
                    return self
            except OSError:
                pass
            time.sleep(0.1)
        self.__exit__(None, None, None)
        raise RuntimeError(f"bench: gunicorn did not answer within 120 s; see {self.log}")

    def __exit__(self, *exc) -> None:
        if self.process is None or self.process.poll() is not None:
            return
        self.process.send_signal(signal.SIGTERM)
        try:
            self.process.wait(timeout=30)
        except subprocess.TimeoutExpired:
            self.process.kill()
            self.process.wait(timeout=10)

    def worker_pids(self) -> list[int]:
        if self.process is None:
            return []
        try:
            children = Path(f"/proc/{self.process.pid}/task/{self.process.pid}/children").read_text().split()
        except OSError:
            return []
        return [int(pid) for pid in children]

    def peak_rss_mb(self) -> float:
        """The largest peak resident set (VmHWM) among the workers, in MB."""
        peak = 0
        for pid in self.worker_pids():
            try:
                for line in Path(f"/proc/{pid}/status").read_text().splitlines():
                    if line.startswith("VmHWM:"):
                        peak = max(peak, int(line.split()[1]))
            except OSError:
                continue
        return peak / 1024
