"""Progress of a batch: a bar on a terminal, plain lines otherwise; names and sha256 prefixes, never report text."""

from __future__ import annotations

import sys
from typing import Any

from pipeline.operations.outcomes import DocumentOutcome


class Progress:
    """A progress bar (files and pages) on a terminal, one plain line per file otherwise."""

    def __init__(self, total: int, *, enabled: bool = True, bar: bool | None = None) -> None:
        self.total = total
        self.done = 0
        self.pages = 0
        self.enabled = enabled and total > 0
        self._bar: Any = None
        if self.enabled and (sys.stderr.isatty() if bar is None else bar):
            from rich.progress import BarColumn, MofNCompleteColumn, TextColumn, TimeElapsedColumn
            from rich.progress import Progress as RichProgress

            self._bar = RichProgress(
                TextColumn("files"),
                BarColumn(),
                MofNCompleteColumn(),
                TextColumn("{task.fields[pages]} pages"),
                TimeElapsedColumn(),
                transient=False,
            )
            self._task = self._bar.add_task("files", total=total, pages=0)
            self._bar.start()

    def advance(self, outcome: DocumentOutcome) -> None:
        self.done += 1
        self.pages += outcome.pages
        if not self.enabled:
            return
        if self._bar is not None:
            self._bar.update(self._task, advance=1, pages=self.pages)
        else:
            sys.stderr.write(f"[{self.done}/{self.total}] {outcome.log_line()}\n")
            sys.stderr.flush()

    def close(self) -> None:
        if self._bar is not None:
            self._bar.stop()
