"""Prefect's environment, set before Prefect is imported: state under the home folder, analytics off.

This module must not import Prefect: Prefect reads these variables when it is first imported.
"""

from __future__ import annotations

import os
from pathlib import Path

from models.settings import Settings


def prefect_environment(home: Path) -> dict[str, str]:
    """The PREFECT_* variables medlegal runs Prefect with (explicitly set variables win)."""
    return {
        "PREFECT_HOME": str((home / "prefect").resolve()),
        "PREFECT_SERVER_ANALYTICS_ENABLED": "false",
        "DO_NOT_TRACK": "1",
        "PREFECT_TELEMETRY_ENABLE_RESOURCE_METRICS": "false",
        # pipeline.* log lines name files (a file name is often a patient's name): they go to the console
        # and the worker's log only, never to Prefect's database or a remote Prefect server (issue 21).
        "PREFECT_LOGGING_TO_API_WHEN_MISSING_FLOW": "ignore",
        # A run of medlegal is one process; the ephemeral API should wait long enough on a busy machine.
        "PREFECT_SERVER_EPHEMERAL_STARTUP_TIMEOUT_SECONDS": "90",
    }


def configure_prefect(settings: Settings) -> None:
    """Export the Prefect environment for `settings.home` (keeps values already set by the user)."""
    home = Path(settings.home)
    (home / "prefect").mkdir(mode=0o700, parents=True, exist_ok=True)
    for key, value in prefect_environment(home).items():
        os.environ.setdefault(key, value)
    # Served flow runs start in subprocesses: they must see the same medlegal settings.
    os.environ["MEDLEGAL_HOME"] = str(home.resolve())
