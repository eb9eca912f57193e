"""Document worker processes: each document is read and extracted in a process of its own, with a memory
cap and a hard time limit, so a hostile file costs one worker, never the batch.

A thread cannot be stopped: a document past `document_timeout_s` kept running in its thread (holding the
PDFium lock), and a segfault or an out-of-memory kill in a library took the whole batch with it. Here the
batch's threads hand each document to a worker process and wait for its answer:

    batch thread ──(function, arguments)──► worker process (the pipeline and spaCy loaded once)
                 ◄── its log lines, then ("ok", result) | ("error", ErrorInfo, transient) | ("oom",)

- memory: a worker's address space is capped (`resource.setrlimit(RLIMIT_AS)`, `worker_memory_mb`, also
  for the Tesseract processes it starts); past it an allocation fails, the worker answers "oom" and
  exits: `MemoryLimitError` (exit 16, stage `worker`).
- time: past `document_timeout_s` the worker's process group (the worker and its Tesseract processes)
  is killed with SIGKILL: `DocumentTimeoutError` (exit 21, stage `timeout`).
- crash: a worker that dies (SIGSEGV in a library, SIGKILL from the kernel's out-of-memory killer):
  `WorkerCrashError` (exit 22, stage `worker`).

Only that worker is lost; the next document gets a new one. Workers are kept for the next document and
batch of the same process (`medlegal serve` keeps them warm) and killed when the process exits. They are
forked by a multiprocessing fork server that imported the pipeline and built the spaCy pipeline once
(`pipeline.operations.worker_preload`): a new worker starts in milliseconds, and none inherits the
threads of the batch process (Prefect's, the OCR pool's), as a plain fork would.

Functions and arguments travel pickled: a function is sent by its module and name, so tests inject faults
with module-level functions (`tests/support/faults.py`).
"""

from __future__ import annotations

import atexit
import contextlib
import ctypes
import logging
import multiprocessing
import os
import resource
import signal
import threading
import time
from collections.abc import Callable
from dataclasses import dataclass, field
from multiprocessing.connection import Connection
from multiprocessing.process import BaseProcess
from typing import Any, NoReturn, TypeVar

from pipeline.errors import (
    ConfigError,
    DocumentTimeoutError,
    MedlegalError,
    MemoryLimitError,
    WorkerCrashError,
)
from pipeline.operations.outcomes import ErrorInfo, ReportedError, error_info

log = logging.getLogger(__name__)

T = TypeVar("T")

#: The fork server imports this module first: the pipeline and the spaCy pipeline, loaded once.
PRELOAD = ["pipeline.operations.worker_preload"]
#: How long a new worker may take to answer "ready" (the fork server's first start loads everything).
START_TIMEOUT_S = 300.0
#: glibc malloc arenas a worker may create. Each reserves 64 MB of address space, and an OCR thread gets
#: its own: without a bound the cap would count reservations on a many-core machine, not memory used.
MALLOC_ARENAS = 4
_M_ARENA_MAX = -8

_CONTEXT = multiprocessing.get_context("forkserver")
_CONTEXT.set_forkserver_preload(PRELOAD)

#: The spaCy pipeline of this process, when it is a worker (built in the fork server, shared by forks).
_NLP: Any = None


def load_pipeline() -> None:
    """Import the reading and extraction stages and build the spaCy pipeline (in the fork server)."""
    global _NLP
    import pipeline.process  # noqa: F401

    if _NLP is None:
        try:
            from pipeline.extraction.nlp import build_nlp

            _NLP = build_nlp()
        except Exception:  # a bad rule file: each document reports it (RulesError) when it builds again
            log.debug("building the spaCy pipeline in the fork server failed", exc_info=True)


def worker_nlp() -> Any:
    """The spaCy pipeline of this worker process (built once, kept for every document it reads)."""
    global _NLP
    if _NLP is None:
        from pipeline.extraction.nlp import build_nlp

        _NLP = build_nlp()
    return _NLP


# --- in the worker process ----------------------------------------------------------------------------


class _Forward(logging.Handler):
    """Sends this worker's log records to the batch process, which logs them as its own."""

    def __init__(self, conn: Connection, lock: threading.Lock) -> None:
        super().__init__()
        self.conn = conn
        self.send_lock = lock

    def emit(self, record: logging.LogRecord) -> None:
        try:
            message = record.getMessage()
            with self.send_lock:
                self.conn.send(("log", record.name, record.levelno, message))
        except Exception:  # a log line is never worth a document
            pass


def _out_of_memory(exc: BaseException) -> bool:
    """Whether `exc` (or what caused it) is an allocation that failed against the memory cap."""
    seen: BaseException | None = exc
    for _ in range(10):
        if seen is None:
            return False
        if isinstance(seen, MemoryError) or "Insufficient memory" in str(seen):
            return True
        seen = seen.__cause__ or seen.__context__
    return False


def _worker_main(conn: Connection, memory_mb: int) -> None:
    """A worker's life: cap its memory, say it is ready, then run one job after another until the batch
    process goes away."""
    os.setpgid(0, 0)  # its own process group: a kill reaches its Tesseract processes too
    signal.signal(signal.SIGINT, signal.SIG_IGN)  # Ctrl-C is the batch process's to handle
    with contextlib.suppress(OSError, AttributeError):
        ctypes.CDLL(None).mallopt(_M_ARENA_MAX, MALLOC_ARENAS)
    if memory_mb:
        limit = memory_mb << 20
        resource.setrlimit(resource.RLIMIT_AS, (limit, limit))
    lock = threading.Lock()
    root = logging.getLogger()
    root.handlers[:] = [_Forward(conn, lock)]
    with lock:
        conn.send(("ready", os.getpid()))
    while True:
        reply: tuple[Any, ...]
        try:
            _, fn, args, level = conn.recv()
        except (EOFError, OSError):
            return  # the batch process is gone
        except Exception as e:  # a job that does not unpickle here (a function this worker cannot import)
            if _out_of_memory(e):  # or the cap was reached while unpickling it
                _answer_oom(conn, lock)
            with lock:
                conn.send(("error", error_info(e), False))
            continue
        root.setLevel(level)
        try:
            reply = ("ok", fn(*args))
        except BaseException as e:
            if _out_of_memory(e):
                _answer_oom(conn, lock)
            reply = ("error", error_info(e), isinstance(e, MedlegalError) and e.transient)
        try:
            with lock:
                conn.send(reply)
        except MemoryError:
            _answer_oom(conn, lock)
        except Exception as e:  # a result that does not pickle: a bug, reported as one
            with lock:
                conn.send(("error", error_info(e), False))


def _answer_oom(conn: Connection, lock: threading.Lock) -> NoReturn:
    """Tell the batch process this worker ran out of memory, and exit at once (its heap may be broken)."""
    with contextlib.suppress(Exception), lock:
        conn.send(("oom",))
    os._exit(3)


# --- in the batch process -----------------------------------------------------------------------------


@dataclass(eq=False)
class _Worker:
    process: BaseProcess
    conn: Connection
    memory_mb: int
    pid: int = 0

    def kill(self) -> None:
        """SIGKILL the worker's process group (the worker and its Tesseract processes) and reap it."""
        if self.process.exitcode is None:
            with contextlib.suppress(ProcessLookupError, PermissionError):
                os.killpg(self.process.pid or 0, signal.SIGKILL)
            with contextlib.suppress(ProcessLookupError):
                os.kill(self.process.pid or 0, signal.SIGKILL)
        self.process.join(10)
        # Tesseract processes left by a worker that crashed on its own are still in its group.
        with contextlib.suppress(ProcessLookupError, PermissionError):
            os.killpg(self.process.pid or 0, signal.SIGKILL)
        self.conn.close()

    def how_it_died(self) -> str:
        """Why the worker is gone, for the quarantine reason."""
        self.process.join(10)
        code = self.process.exitcode
        if code is None:
            return "it stopped answering"
        if code < 0:
            try:
                name = signal.Signals(-code).name
            except ValueError:
                name = f"signal {-code}"
            if -code == signal.SIGKILL:
                return f"killed by {name}, often the kernel's out-of-memory killer"
            return f"killed by {name}, a crash in a library reading the file"
        return f"it exited with code {code}"


@dataclass
class WorkerPool:
    """Worker processes of this process: leased to one document at a time, kept while they are healthy."""

    _idle: list[_Worker] = field(default_factory=list)
    _all: list[_Worker] = field(default_factory=list)
    _lock: threading.Condition = field(default_factory=threading.Condition)
    #: Workers `warm` is starting, per memory cap: a lease waits for one rather than start another.
    _warming: dict[int, int] = field(default_factory=dict)

    def _start(self, memory_mb: int) -> _Worker:
        if multiprocessing.current_process().daemon:
            raise ConfigError(
                "document worker processes cannot start in a daemonic process (a Dask worker with its "
                "default distributed.worker.daemon=True)",
                hint="start the Dask workers with DASK_DISTRIBUTED__WORKER__DAEMON=False (docs/operations.md)",
            )
        parent, child = _CONTEXT.Pipe()
        process = _CONTEXT.Process(
            target=_worker_main, args=(child, memory_mb), name="medlegal-document-worker", daemon=True
        )
        process.start()
        child.close()
        worker = _Worker(process, parent, memory_mb)
        with self._lock:
            self._all.append(worker)
        try:
            if not parent.poll(START_TIMEOUT_S):
                raise WorkerCrashError(f"a worker process did not start within {START_TIMEOUT_S:g} s")
            try:
                _, worker.pid = parent.recv()
            except (EOFError, OSError) as e:
                raise WorkerCrashError(f"a worker process failed to start: {worker.how_it_died()}") from e
        except BaseException:
            self._discard(worker)
            raise
        return worker

    def _discard(self, worker: _Worker) -> None:
        worker.kill()
        with self._lock:
            if worker in self._all:
                self._all.remove(worker)

    def _lease(self, memory_mb: int) -> _Worker:
        with self._lock:
            while True:
                for worker in list(self._idle):
                    self._idle.remove(worker)
                    if worker.memory_mb == memory_mb and worker.process.is_alive():
                        return worker
                    threading.Thread(target=self._discard, args=(worker,), daemon=True).start()
                if not self._warming.get(memory_mb):
                    break
                self._lock.wait()
        return self._start(memory_mb)

    def _release(self, worker: _Worker) -> None:
        with self._lock:
            self._idle.append(worker)
            self._lock.notify_all()

    def warm(self, count: int, memory_mb: int) -> None:
        """Start workers until `count` are idle or starting (the first start also starts the fork
        server); documents that arrive meanwhile wait for these rather than start their own."""
        while True:
            with self._lock:
                ready = sum(w.memory_mb == memory_mb for w in self._idle)
                if ready + self._warming.get(memory_mb, 0) >= count:
                    return
                self._warming[memory_mb] = self._warming.get(memory_mb, 0) + 1
            worker: _Worker | None = None
            try:
                worker = self._start(memory_mb)
            finally:
                with self._lock:
                    self._warming[memory_mb] -= 1
                    if worker is not None:
                        self._idle.append(worker)
                    self._lock.notify_all()

    def run(self, fn: Callable[..., T], args: tuple[Any, ...], *, memory_mb: int, timeout_s: float) -> T:
        """`fn(*args)` in a worker; raises what it raised (as ReportedError), or DocumentTimeoutError,
        MemoryLimitError, WorkerCrashError when the worker had to be, or was, lost."""
        worker = self._lease(memory_mb)
        healthy = False
        try:
            level = logging.getLogger("pipeline").getEffectiveLevel()
            try:
                worker.conn.send(("job", fn, args, level))
            except OSError as e:
                raise WorkerCrashError(
                    f"the worker process was gone before the document started ({worker.how_it_died()})"
                ) from e
            deadline = time.monotonic() + timeout_s
            while True:
                remaining = deadline - time.monotonic()
                if remaining <= 0 or not worker.conn.poll(remaining):
                    raise DocumentTimeoutError(
                        f"not finished after {timeout_s:g} s; its worker process was killed"
                    )
                try:
                    message = worker.conn.recv()
                except (EOFError, OSError) as e:
                    raise WorkerCrashError(
                        f"the worker process reading it died ({worker.how_it_died()})"
                    ) from e
                kind = message[0]
                if kind == "log":
                    logging.getLogger(message[1]).log(message[2], "%s", message[3])
                elif kind == "ok":
                    healthy = True
                    result: T = message[1]
                    return result
                elif kind == "error":
                    healthy = True
                    info: ErrorInfo = message[1]
                    raise ReportedError(info, transient=bool(message[2]))
                else:  # "oom"
                    raise MemoryLimitError(
                        f"it needed more memory than a worker may use ({memory_mb} MB, worker_memory_mb)"
                    )
        finally:
            if healthy:
                self._release(worker)
            else:
                self._discard(worker)

    def shutdown(self) -> None:
        """Kill every worker of this process (at exit: workers still reading are killed too)."""
        with self._lock:
            workers = list(self._all)
            self._all.clear()
            self._idle.clear()
        for worker in workers:
            with contextlib.suppress(Exception):
                worker.kill()


_POOL = WorkerPool()
atexit.register(_POOL.shutdown)


def run_in_worker(fn: Callable[..., T], *args: Any, memory_mb: int, timeout_s: float) -> T:
    """Run `fn(*args)` in a document worker process of this process (see the module docstring)."""
    return _POOL.run(fn, args, memory_mb=memory_mb, timeout_s=timeout_s)


def warm_workers(count: int, memory_mb: int, *, wait: bool = False) -> None:
    """Start `count` idle workers now (in the background unless `wait`), so the first documents do not
    wait for the fork server to load the pipeline."""
    if count < 1 or multiprocessing.current_process().daemon:
        return

    def warm() -> None:
        try:
            _POOL.warm(count, memory_mb)
        except Exception:  # the first document reports the same problem with its file
            log.debug("warming up document workers failed", exc_info=True)

    if wait:
        warm()
    else:
        threading.Thread(target=warm, name="medlegal-warm-workers", daemon=True).start()


def live_worker_pids() -> list[int]:
    """The pids of this process's workers (for tests and diagnostics)."""
    with _POOL._lock:
        return [w.pid for w in _POOL._all if w.process.exitcode is None]
