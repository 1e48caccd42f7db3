"""Run the app on uvicorn: ``searchkit serve``.

The socket is bound here first, so a port in use is one clear error (not a
log line and exit 1 from inside uvicorn). SIGTERM and Ctrl-C stop it:
uvicorn closes the socket, lets answers under way finish (a few seconds at
most) and returns; the command then exits 0.
"""

from __future__ import annotations

import socket
import sys
from collections.abc import Sequence
from pathlib import Path
from typing import Any

from ..errors import ConfigError

#: Seconds the answers under way get to finish after SIGTERM or Ctrl-C.
GRACE = 5


def bind(host: str, port: int) -> socket.socket:
    """A listening socket on ``host:port``, or :class:`ConfigError` saying why not."""
    try:
        info = socket.getaddrinfo(host, port, type=socket.SOCK_STREAM, flags=socket.AI_PASSIVE)
    except socket.gaierror as exc:
        raise ConfigError(f"cannot listen on {host}:{port}: {exc.strerror}") from None
    family, kind, proto, _, address = info[0]
    sock = socket.socket(family, kind, proto)
    sock.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
    try:
        sock.bind(address)
        sock.listen(2048)
    except OSError as exc:
        sock.close()
        raise ConfigError(f"cannot listen on {host}:{port}: {exc.strerror}") from None
    sock.set_inheritable(True)
    return sock


def _server_class() -> type:
    import uvicorn

    class Server(uvicorn.Server):
        """uvicorn's server, but a stop asked for by SIGTERM or Ctrl-C is a clean
        exit (code 0): uvicorn itself raises the signal again once it has shut
        down, and the process would die of it."""

        def handle_exit(self, sig: int, frame: Any) -> None:
            super().handle_exit(sig, frame)
            captured = getattr(self, "_captured_signals", None)
            if isinstance(captured, list):
                captured.clear()

    return Server


def url_of(host: str, port: int) -> str:
    shown = f"[{host}]" if ":" in host else host
    return f"http://{shown}:{port}/"


def serve(
    index_dir: Path | str,
    host: str = "127.0.0.1",
    port: int = 8080,
    *,
    workers: int = 1,
    threads: int | None = None,
    time_budget: float | None = None,
    cors_origins: Sequence[str] = (),
    access_log: bool = False,
) -> int:
    """Serve the index until SIGTERM or Ctrl-C; the exit code (0)."""
    import uvicorn

    from .app import app_from_environment, settings_to_environment
    from .service import THREADS, TIME_BUDGET

    settings = {
        "index_dir": str(Path(index_dir).resolve()),
        "time_budget": TIME_BUDGET if time_budget is None else time_budget,
        "threads": THREADS if threads is None else threads,
        "cors_origins": list(cors_origins),
    }
    sock = bind(host, port)
    actual = sock.getsockname()[1]
    settings_to_environment(settings)
    options = {
        "log_level": "warning",
        "access_log": access_log,
        "timeout_graceful_shutdown": GRACE,
        "server_header": False,
        "proxy_headers": False,
    }
    print(f"searchkit: serving {index_dir} at {url_of(host, actual)} (Ctrl-C stops)", flush=True)
    if workers > 1:
        config = uvicorn.Config(
            "searchkit.web.app:app_from_environment",
            factory=True,
            workers=workers,
            **options,  # type: ignore[arg-type]
        )
        from uvicorn.supervisors import Multiprocess

        Multiprocess(config, sockets=[sock]).run()
    else:
        config = uvicorn.Config(app_from_environment(), **options)  # type: ignore[arg-type]
        _server_class()(config).run(sockets=[sock])
    sock.close()
    print("searchkit: stopped", file=sys.stderr, flush=True)
    return 0
