"""Serving the nightly deployment on a cron schedule, with a local Prefect server when none is configured.

Prefect's scheduler does not run on the ephemeral API, so `serve` needs a real server: PREFECT_API_URL
if set, else a `prefect server start` on 127.0.0.1 started here and stopped on exit. Import this module
only after `flows.env.configure_prefect` (it does not import Prefect itself until `serve_nightly`).
"""

from __future__ import annotations

import contextlib
import logging
import os
import signal
import socket
import subprocess
import sys
import time
import urllib.error
import urllib.request
from collections.abc import Iterator
from pathlib import Path

from models.settings import Settings
from pipeline.errors import ConfigError, DependencyError

log = logging.getLogger(__name__)


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


def _healthy(api_url: str) -> bool:
    try:
        with urllib.request.urlopen(f"{api_url}/health", timeout=2) as r:
            return r.status == 200
    except (urllib.error.URLError, OSError):
        return False


@contextlib.contextmanager
def local_prefect_server(home: Path, timeout_s: float = 120.0) -> Iterator[str]:
    """Start `prefect server start` on 127.0.0.1 for the duration of the block; yields its API URL."""
    port = _free_port()
    api_url = f"http://127.0.0.1:{port}/api"
    log_path = home / "prefect" / "server.log"
    log_path.parent.mkdir(mode=0o700, parents=True, exist_ok=True)
    env = {**os.environ, "PREFECT_API_URL": ""}
    env.pop("PREFECT_API_URL")
    with log_path.open("ab") as out:
        proc = subprocess.Popen(
            [sys.executable, "-m", "prefect", "server", "start", "--host", "127.0.0.1", "--port", str(port)],
            stdout=out,
            stderr=subprocess.STDOUT,
            stdin=subprocess.DEVNULL,
            env=env,
            start_new_session=True,
        )
    try:
        deadline = time.monotonic() + timeout_s
        while not _healthy(api_url):
            if proc.poll() is not None:
                raise DependencyError(
                    f"the local Prefect server exited (code {proc.returncode}); see {log_path}",
                    hint="check the log, or set PREFECT_API_URL to a running server",
                )
            if time.monotonic() > deadline:
                raise DependencyError(
                    f"the local Prefect server did not answer within {timeout_s:g} s", hint=f"see {log_path}"
                )
            time.sleep(0.5)
        log.info("local Prefect server at %s (pid %d)", api_url, proc.pid)
        yield api_url
    finally:
        _stop(proc)


def _stop(proc: subprocess.Popen[bytes]) -> None:
    """Stop the server we started (and its children: it runs in its own session)."""
    if proc.poll() is not None:
        return
    with contextlib.suppress(ProcessLookupError):
        os.killpg(proc.pid, signal.SIGTERM)
    try:
        proc.wait(timeout=20)
    except subprocess.TimeoutExpired:
        with contextlib.suppress(ProcessLookupError):
            os.killpg(proc.pid, signal.SIGKILL)
        proc.wait()


def _interrupt(signum: int, frame: object) -> None:
    raise KeyboardInterrupt


def stop_on_signals() -> None:
    """Ctrl-C (SIGINT) and SIGTERM both stop the process through KeyboardInterrupt.

    A process started in the background by a non-interactive shell inherits SIGINT as *ignored*, and Python
    then installs no KeyboardInterrupt handler: such a `serve` could not be stopped with Ctrl-C or SIGINT.
    """
    signal.signal(signal.SIGINT, signal.default_int_handler)
    signal.signal(signal.SIGTERM, _interrupt)


def serve_nightly(settings: Settings, *, deployment_name: str = "nightly") -> None:
    """Serve the nightly-inbox deployment on `settings.schedule_cron` until Ctrl-C or SIGTERM; a Prefect
    server this call started is stopped on the way out."""
    stop_on_signals()
    api_url = os.environ.get("PREFECT_API_URL")
    with contextlib.ExitStack() as stack:
        if not api_url:
            api_url = stack.enter_context(local_prefect_server(Path(settings.home)))
            os.environ["PREFECT_API_URL"] = api_url
        elif not _healthy(api_url):
            raise ConfigError(f"no Prefect server answers at PREFECT_API_URL={api_url}")
        from prefect.schedules import Cron

        from flows.inbox import nightly_inbox

        sys.stderr.write(
            f"medlegal: serving '{nightly_inbox.name}/{deployment_name}' on cron '{settings.schedule_cron}' "
            f"({settings.timezone}); Prefect API {api_url}; home {Path(settings.home).resolve()}\n"
        )
        nightly_inbox.serve(
            name=deployment_name,
            schedules=[Cron(settings.schedule_cron, timezone=settings.timezone)],
            parameters={"progress": False},
            pause_on_shutdown=False,
        )
