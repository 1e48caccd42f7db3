"""``searchkit serve`` as a real process on a free port of 127.0.0.1, for the web tests."""

from __future__ import annotations

import http.client
import json
import os
import shutil
import signal
import socket
import subprocess
import sys
import time
from dataclasses import dataclass
from pathlib import Path
from typing import Any
from urllib.parse import urlencode

ROOT = Path(__file__).resolve().parent.parent
CORPUS = ROOT / "corpus"


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        port: int = s.getsockname()[1]
        return port


def port_is_free(port: int) -> bool:
    with socket.socket() as s:
        try:
            s.bind(("127.0.0.1", port))
        except OSError:
            return False
        return True


def bundled_corpus(target: Path) -> Path:
    """A writable copy of the bundled corpus (its documents only)."""
    shutil.copytree(CORPUS, target, ignore=shutil.ignore_patterns("SOURCE.md"))
    return target


def searchkit(*args: str, check: bool = True) -> subprocess.CompletedProcess[str]:
    """The command in a new process, as a user runs it."""
    return subprocess.run(
        [sys.executable, "-m", "searchkit", *args],
        capture_output=True,
        text=True,
        check=check,
        cwd=ROOT,
    )


@dataclass
class Answer:
    status: int
    headers: dict[str, str]
    body: bytes

    @property
    def text(self) -> str:
        return self.body.decode("utf-8")

    def json(self) -> Any:
        assert self.headers["content-type"].startswith("application/json"), self.headers
        return json.loads(self.body)


class Server:
    """A ``searchkit serve`` process; ``get`` asks it over HTTP."""

    def __init__(self, index: Path, *extra: str) -> None:
        self.port = free_port()
        self.url = f"http://127.0.0.1:{self.port}"
        argv = [sys.executable, "-m", "searchkit", "serve", "--index", str(index)]
        argv += ["--port", str(self.port), *extra]
        self.proc = subprocess.Popen(
            argv, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True, cwd=ROOT
        )
        self.first_line = self.proc.stdout.readline() if self.proc.stdout else ""
        self._wait_listening()

    def _wait_listening(self, timeout: float = 30) -> None:
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            if self.proc.poll() is not None:
                raise RuntimeError(
                    f"serve exited {self.proc.returncode}: {self.proc.stderr.read()}"
                )  # type: ignore[union-attr]
            try:
                self.request("GET", "/static/style.css")
                return
            except OSError:
                time.sleep(0.05)
        raise RuntimeError("serve did not answer")

    def request(
        self, method: str, path: str, headers: dict[str, str] | None = None, timeout: float = 30
    ) -> Answer:
        conn = http.client.HTTPConnection("127.0.0.1", self.port, timeout=timeout)
        try:
            conn.request(method, path, headers=headers or {})
            response = conn.getresponse()
            body = response.read()
            return Answer(response.status, {k.lower(): v for k, v in response.getheaders()}, body)
        finally:
            conn.close()

    def get(self, path: str, **params: Any) -> Answer:
        if params:
            path = f"{path}?{urlencode(params)}"
        return self.request("GET", path)

    def stop(self, sig: int = signal.SIGTERM, timeout: float = 20) -> int:
        if self.proc.poll() is None:
            os.kill(self.proc.pid, sig)
            try:
                self.proc.wait(timeout)
            except subprocess.TimeoutExpired:
                self.proc.kill()
                self.proc.wait()
                raise
        for stream in (self.proc.stdout, self.proc.stderr):
            if stream:
                stream.close()
        return self.proc.returncode
