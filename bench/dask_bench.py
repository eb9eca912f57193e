"""When does Dask pay? One inbox of generated reports through `medlegal run-inbox` three ways, each a fresh
command with a fresh home and no Prefect server running:

    threads         the default thread pool (document worker processes under it)
    local Dask      --dask: a TLS LocalCluster of batch_workers processes, and one Prefect server for the run
    external Dask   --dask-address: a `dask scheduler` and `dask worker` started beforehand (not timed),
                    non-daemonic as docs/operations.md says, on this machine

Wall seconds of the whole command (what the nightly job costs), documents per minute.

    .venv/bin/python bench/dask_bench.py [--docs 12] [--workers 2]
"""

from __future__ import annotations

import argparse
import os
import shutil
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from tests.support.batch import make_inbox  # noqa: E402
from tests.support.web import free_port  # noqa: E402

BIN = Path(sys.executable).parent


def _env(home: Path, workers: int) -> dict[str, str]:
    env = {k: v for k, v in os.environ.items() if not k.startswith(("MEDLEGAL_", "PREFECT_API", "DASK_"))}
    env.update(
        MEDLEGAL_HOME=str(home),
        MEDLEGAL_INBOX_SETTLE_S="0",
        MEDLEGAL_BATCH_WORKERS=str(workers),
        PREFECT_HOME=str(home.parent / "prefect"),
    )
    return env


def _run(src: Path, scratch: Path, name: str, workers: int, extra: list[str]) -> float:
    home = scratch / name / "home"
    shutil.copytree(src, home / "inbox")
    start = time.monotonic()
    done = subprocess.run(
        [str(BIN / "medlegal"), "run-inbox", "--no-progress", *extra],
        env=_env(home, workers),
        capture_output=True,
        text=True,
        check=False,
    )
    took = time.monotonic() - start
    if done.returncode != 0:
        raise SystemExit(f"{name}: exit {done.returncode}: {done.stderr[-400:]}")
    return took


def main() -> None:
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument("--docs", type=int, default=12)
    parser.add_argument("--workers", type=int, default=2)
    args = parser.parse_args()
    scratch = Path(tempfile.mkdtemp(prefix="medlegal-dask-bench-"))
    src = scratch / "src"
    make_inbox(src, args.docs)
    results = {
        "threads": _run(src, scratch, "threads", args.workers, []),
        "local Dask": _run(src, scratch, "local", args.workers, ["--dask"]),
    }
    port = free_port()
    env = {k: v for k, v in os.environ.items() if not k.startswith("DASK_")}
    env["DASK_DISTRIBUTED__WORKER__DAEMON"] = "False"
    scheduler = subprocess.Popen(
        [str(BIN / "dask"), "scheduler", "--host", "127.0.0.1", "--port", str(port), "--no-dashboard"],
        env=env,
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
    )
    worker_command = [str(BIN / "dask"), "worker", f"tcp://127.0.0.1:{port}", "--nworkers", str(args.workers)]
    worker = subprocess.Popen(
        [*worker_command, "--nthreads", "1", "--no-dashboard"],
        env=env,
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
    )
    try:
        from distributed import Client

        with Client(f"tcp://127.0.0.1:{port}", timeout=60) as client:
            client.wait_for_workers(args.workers, timeout=120)
        results["external Dask"] = _run(
            src, scratch, "external", args.workers, ["--dask-address", f"tcp://127.0.0.1:{port}"]
        )
    finally:
        for p in (worker, scheduler):
            p.terminate()
            p.wait(timeout=30)
        shutil.rmtree(scratch, ignore_errors=True)
    print(f"{args.docs} two-page reports, {args.workers} workers, {os.cpu_count()} cores")
    print(f"{'runner':<15} {'wall s':>8} {'docs/min':>9}")
    for name, took in results.items():
        print(f"{name:<15} {took:8.1f} {60 * args.docs / took:9.1f}")


if __name__ == "__main__":
    main()
