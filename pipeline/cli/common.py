"""`medlegal *`: helpers shared by the sub-commands (settings from arguments, batch options)."""

from __future__ import annotations

import argparse
from collections.abc import Callable
from pathlib import Path
from typing import TypeVar

from models.settings import Settings

T = TypeVar("T")


def settings_from_args(args: argparse.Namespace) -> Settings:
    """Settings with the options a sub-command was given."""
    from pipeline.settings import load_settings

    return load_settings(
        ocr_mode=getattr(args, "ocr_mode", None),
        ocr_workers=getattr(args, "workers", None),
        home=getattr(args, "home", None),
    )


def add_batch_options(p: argparse.ArgumentParser) -> None:
    """The options every batch command takes."""
    p.add_argument("--home", type=Path, help="home folder (default: MEDLEGAL_HOME or ./var)")
    p.add_argument("--jobs", type=int, help="documents processed at once (default: batch_workers, 2)")
    p.add_argument("--dask", action="store_true", help="fan out on a local Dask cluster instead of threads")
    p.add_argument("--dask-address", help="fan out on an existing Dask scheduler, e.g. tcp://host:8786")
    p.add_argument("--no-progress", action="store_true", help="no progress bar")


def batch_settings(args: argparse.Namespace) -> Settings:
    """Settings for the batch commands, exported to the environment so flow runs see the same."""
    import os

    from flows.env import configure_prefect
    from pipeline.settings import load_settings

    exported = {
        "MEDLEGAL_HOME": str(args.home) if args.home else None,
        "MEDLEGAL_BATCH_WORKERS": str(args.jobs) if args.jobs else None,
        "MEDLEGAL_TASK_RUNNER": "dask" if args.dask or args.dask_address else None,
        "MEDLEGAL_DASK_ADDRESS": args.dask_address,
    }
    for key, value in exported.items():
        if value is not None:
            os.environ[key] = value
    settings = load_settings()
    os.umask(0o077)  # outputs, the store and Prefect's state hold medical records: owner only
    configure_prefect(settings)
    if not args.verbose:
        # One "Finished in state Completed()" per document says nothing; failures still show.
        os.environ.setdefault("PREFECT_LOGGING_LOGGERS_PREFECT_TASK_RUNS_LEVEL", "WARNING")
    return settings


def in_worker(fn: Callable[[Path, Settings], T], path: Path, settings: Settings) -> T:
    """`fn(path, settings)` in a document worker process under the batch's limits (worker_memory_mb,
    document_timeout_s), so one command on a hostile file costs what one batch document may; its error
    names the file."""
    from pipeline.errors import MedlegalError
    from pipeline.operations.workers import run_in_worker

    try:
        return run_in_worker(
            fn, path, settings, memory_mb=settings.worker_memory_mb, timeout_s=settings.document_timeout_s
        )
    except MedlegalError as e:
        if e.path is None:
            e.path = Path(path)
        raise
