"""The `medlegal` command: parses arguments, calls pipeline functions, maps errors to exit codes.

One module per sub-command, each with `add(sub)` (its arguments) and `run(args)` (its action). This package
is the only part of `pipeline/` that imports `flows/` or `web/`; heavy imports (pdfplumber, spaCy,
Prefect) happen inside the actions so `--help` stays fast. Exceptions become exit codes here, in `main`.
"""

from __future__ import annotations

import argparse
import io
import logging
import sys
from collections.abc import Callable, Sequence
from typing import TextIO

from pipeline import __version__
from pipeline.errors import ExitCode, MedlegalError
from pipeline.sanitize import printable

log = logging.getLogger("medlegal")


def _commands() -> list[Callable[[argparse._SubParsersAction], None]]:
    from pipeline.cli import (
        case,
        evaluate,
        export,
        extract,
        process,
        rate,
        read,
        review,
        run_demo,
        run_inbox,
        serve,
        users,
    )

    return [
        read.add,
        extract.add,
        evaluate.add,
        run_inbox.add,
        process.add,
        serve.add,
        run_demo.add,
        review.add,
        export.add,
        case.add,
        rate.add,
        users.add,
    ]


def build_parser() -> argparse.ArgumentParser:
    """The argument parser with every sub-command."""
    parser = argparse.ArgumentParser(prog="medlegal", description=__doc__.splitlines()[0])
    parser.add_argument("--version", action="version", version=f"medlegal {__version__}")
    parser.add_argument(
        "-v", "--verbose", action="count", default=0, help="more logging; -v shows tracebacks"
    )
    sub = parser.add_subparsers(dest="command", metavar="COMMAND")
    for add in _commands():
        add(sub)
    return parser


def _configure_logging(verbosity: int) -> None:
    level = logging.WARNING if verbosity == 0 else logging.INFO if verbosity == 1 else logging.DEBUG
    logging.basicConfig(level=level, format="%(levelname)s %(name)s: %(message)s", stream=sys.stderr)


def main(argv: Sequence[str] | None = None) -> int:
    """Entry point of the `medlegal` console script; returns the exit code."""
    parser = build_parser()
    args = parser.parse_args(argv)
    _configure_logging(args.verbose)
    if not getattr(args, "handler", None):
        parser.print_help(sys.stderr)
        return ExitCode.USAGE
    stdout = sys.stdout
    sys.stdout = _Printable(stdout)  # report text and file names reach a terminal: no escape sequences
    try:
        return int(args.handler(args))
    except MedlegalError as e:
        if args.verbose:
            log.exception("failed")
        sys.stderr.write(f"medlegal: error: {printable(e.one_line())}\n")
        return int(e.exit_code)
    except KeyboardInterrupt:
        sys.stderr.write("medlegal: interrupted\n")
        return 130
    finally:
        sys.stdout.flush()
        sys.stdout = stdout


class _Printable(io.TextIOBase):
    """Standard output through `printable`: what a command prints cannot drive the terminal."""

    def __init__(self, out: TextIO) -> None:
        self.out = out

    def write(self, text: str) -> int:
        self.out.write(printable(text))
        return len(text)

    def flush(self) -> None:
        self.out.flush()

    def isatty(self) -> bool:
        return self.out.isatty()

    @property
    def encoding(self) -> str:  # type: ignore[override]
        return str(getattr(self.out, "encoding", "utf-8"))

    def fileno(self) -> int:
        return self.out.fileno()
