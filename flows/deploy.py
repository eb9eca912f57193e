"""Serving the nightly deployment on a cron schedule, with a local Prefect server when none is configured.

Prefect's scheduler does not run on the ephemeral API, so `serve` needs a real server: PREFECT_API_URL
if set, else a `prefect server start` on 127.0.0.1 started here and stopped on exit. While it serves, it
also takes `medlegal process` requests (`on_demand_listener`: the process-report flow runs here, where
Prefect and spaCy are loaded already), and records the API URL and the listener in
`MEDLEGAL_HOME/prefect/server.json` (`flows.server`). Import this module only after
`flows.env.configure_prefect` (it does not import Prefect itself until `serve_nightly`).
"""

from __future__ import annotations

import contextlib
import contextvars
import logging
import os
import secrets
import signal
import socket
import socketserver
import subprocess
import sys
import threading
import time
from collections.abc import Iterator
from pathlib import Path
from typing import Any

from flows.server import (
    Listener,
    error_to_json,
    healthy,
    read_message,
    record_server,
    send_message,
    settings_fingerprint,
    summary_to_json,
    token_ok,
)
from models.settings import Settings
from pipeline.errors import ConfigError, DependencyError, MedlegalError

log = logging.getLogger(__name__)


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


@contextlib.contextmanager
def local_prefect_server(home: Path, timeout_s: float = 120.0) -> Iterator[str]:
    """Start `prefect server start` on 127.0.0.1 for the duration of the block; yields its API URL."""
    port = _free_port()
    api_url = f"http://127.0.0.1:{port}/api"
    log_path = home / "prefect" / "server.log"
    log_path.parent.mkdir(mode=0o700, parents=True, exist_ok=True)
    env = {**os.environ, "PREFECT_API_URL": ""}
    env.pop("PREFECT_API_URL")
    # Any local account can reach 127.0.0.1: the API asks for a password (basic auth, a random one per
    # start, given to this process's Prefect client and recorded in the 0600 server.json for `process`),
    # and answers no other web origin than its own (no `access-control-allow-origin: *`). A page in a
    # browser, DNS rebinding included, cannot send the password.
    auth = f"medlegal:{secrets.token_urlsafe(32)}"
    env["PREFECT_SERVER_API_AUTH_STRING"] = auth
    env["PREFECT_SERVER_API_CORS_ALLOWED_ORIGINS"] = f"http://127.0.0.1:{port}"
    env["PREFECT_SERVER_ANALYTICS_ENABLED"] = "false"
    previous_auth = os.environ.get("PREFECT_API_AUTH_STRING")
    os.environ["PREFECT_API_AUTH_STRING"] = auth
    with os.fdopen(os.open(log_path, os.O_WRONLY | os.O_APPEND | os.O_CREAT, 0o600), "ab") as out:
        proc = subprocess.Popen(
            [sys.executable, "-m", "prefect", "server", "start", "--host", "127.0.0.1", "--port", str(port)],
            stdout=out,
            stderr=subprocess.STDOUT,
            stdin=subprocess.DEVNULL,
            env=env,
            start_new_session=True,
            preexec_fn=_die_with_parent,
        )
    try:
        deadline = time.monotonic() + timeout_s
        while not healthy(api_url):
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
        if previous_auth is None:
            os.environ.pop("PREFECT_API_AUTH_STRING", None)
        else:
            os.environ["PREFECT_API_AUTH_STRING"] = previous_auth


def _die_with_parent() -> None:
    """In the server's process before it starts: SIGTERM when the process that started it dies, even by
    SIGKILL (Linux prctl PR_SET_PDEATHSIG), so no server outlives its run."""
    with contextlib.suppress(OSError, AttributeError):
        import ctypes

        ctypes.CDLL(None, use_errno=True).prctl(1, signal.SIGTERM)  # PR_SET_PDEATHSIG


@contextlib.contextmanager
def prefect_for_run(settings: Settings) -> Iterator[str | None]:
    """The Prefect API a run uses (`flows.server.use_prefect_api`: PREFECT_API_URL, or a `serve`'s); when
    none answers and the run fans out on Dask, one server for this run, started here, given to the
    workers (PREFECT_API_URL and its password in the environment they inherit and in the flow's settings
    context) and stopped at the end, or when this process dies. Without it every Dask worker started a
    temporary server of its own. Call before Prefect is imported."""
    from flows.server import use_prefect_api

    api = use_prefect_api(Path(settings.home))
    dask = settings.task_runner == "dask" or bool(settings.dask_address)
    if api.url or not dask:
        yield api.url
        return
    with local_prefect_server(Path(settings.home)) as url:
        os.environ["PREFECT_API_URL"] = url
        try:
            yield url
        finally:
            os.environ.pop("PREFECT_API_URL", None)


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


class _OnDemandServer(socketserver.ThreadingTCPServer):
    """The listener: 127.0.0.1, a free port, a random token; one thread per request."""

    daemon_threads = True  # a request still running when `serve` stops is recovered by the next run

    def __init__(self, settings: Settings) -> None:
        super().__init__(("127.0.0.1", 0), _OnDemandRequest)
        self.settings = settings
        self.fingerprint = settings_fingerprint(settings)
        self.listener = Listener(port=int(self.server_address[1]), token=secrets.token_urlsafe(32))
        # Prefect keeps its settings in context variables, which a new thread does not inherit: requests
        # run with those of the thread that started the listener (as Prefect does for its heartbeats).
        self._context = contextvars.copy_context()

    def process_request_thread(self, request: Any, client_address: Any) -> None:
        self._context.copy().run(super().process_request_thread, request, client_address)


class _OnDemandRequest(socketserver.StreamRequestHandler):
    """One `medlegal process` request: the process-report flow, in this process, on this thread."""

    server: _OnDemandServer
    timeout = 10  # to read the request; processing has no limit here (documents have theirs)

    def handle(self) -> None:
        try:
            send_message(self.wfile, self._answer())
        except (OSError, ValueError) as e:  # the client went away, or sent garbage
            log.warning("on-demand request dropped: %s", e.__class__.__name__)

    def _answer(self) -> dict[str, Any]:
        request = read_message(self.rfile)
        if not token_ok(request.get("token"), self.server.listener.token):
            return {"refused": "the on-demand token does not match"}
        if request.get("settings") != self.server.fingerprint:
            return {
                "refused": "the `medlegal serve` process runs with other settings (MEDLEGAL_* variables, "
                "medlegal.toml, options) or another medlegal or rules version (restart it after an "
                "upgrade); processing in this process instead"
            }
        files = request.get("files")
        if not (
            isinstance(files, list)
            and files
            and all(isinstance(f, str) and Path(f).is_absolute() for f in files)
        ):
            return {"refused": "the request names no files"}
        from flows.on_demand import run_process_report
        from flows.tasks import build_task_runner

        settings = self.server.settings
        log.info("on-demand request: %d file(s)", len(files))
        send_message(self.wfile, {"accepted": True})
        self.connection.settimeout(None)
        try:
            summary = run_process_report(
                files,
                home=str(settings.home),
                task_runner=build_task_runner(settings),
                reprocess=bool(request.get("reprocess")),
                progress=False,
            )
        except MedlegalError as e:
            return {"error": error_to_json(e)}
        except Exception as e:  # the client runs the files itself; a document already stored is a duplicate
            log.exception("on-demand request failed")
            return {
                "refused": f"the `medlegal serve` process failed ({e.__class__.__name__}); "
                "processing in this process instead"
            }
        return {"summary": summary_to_json(summary)}


def _warm_up(settings: Settings) -> None:
    """Load what the first on-demand run would otherwise load: the document workers, with spaCy and the
    rules (`pipeline.operations.workers`)."""
    try:
        from pipeline.operations.workers import warm_workers

        warm_workers(settings.batch_workers, settings.worker_memory_mb, wait=True)
    except Exception:
        log.exception("warming up for on-demand requests failed (the first request will load it)")


@contextlib.contextmanager
def on_demand_listener(settings: Settings) -> Iterator[Listener]:
    """Take `medlegal process` requests for the duration of the block; yields where (the token is for
    server.json, which only the owner of the home folder can read)."""
    server = _OnDemandServer(settings)
    threading.Thread(target=server.serve_forever, name="medlegal-on-demand", daemon=True).start()
    threading.Thread(target=_warm_up, args=(settings,), name="medlegal-warm-up", daemon=True).start()
    try:
        yield server.listener
    finally:
        server.shutdown()
        server.server_close()


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
        elif not healthy(api_url):
            raise ConfigError(f"no Prefect server answers at PREFECT_API_URL={api_url}")
        from prefect.schedules import Cron

        import flows.on_demand  # noqa: F401  (imported here, before the listener's threads need it)
        from flows.inbox import nightly_inbox

        # `medlegal process` in another shell finds this server and the listener here.
        listener = stack.enter_context(on_demand_listener(settings))
        auth = os.environ.get("PREFECT_API_AUTH_STRING")
        stack.enter_context(record_server(Path(settings.home), api_url, listener, auth=auth))
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
