"""The `medlegal` command: parses arguments, calls pipeline functions, maps errors to exit codes.

Each sub-command has an `_add_<name>` (arguments) and a `_cmd_<name>` (action) pair below.
Heavy imports (pdfplumber, spaCy, Prefect) happen inside the actions so `--help` stays fast.
"""

from __future__ import annotations

import argparse
import json
import logging
import sys
from collections.abc import Callable, Sequence
from pathlib import Path

from pipeline import __version__
from pipeline.errors import ExitCode, MedlegalError

log = logging.getLogger("medlegal")

Handler = Callable[[argparse.Namespace], int]


def _settings(args: argparse.Namespace):  # type: ignore[no-untyped-def]
    from pipeline.settings import load_settings

    return load_settings(
        ocr_mode=getattr(args, "ocr_mode", None),
        ocr_workers=getattr(args, "workers", None),
        home=getattr(args, "home", None),
    )


# --- read -------------------------------------------------------------------------------------------------


def _add_read(sub: argparse._SubParsersAction) -> None:
    p = sub.add_parser("read", help="read a report and print its text page by page")
    p.add_argument("file", type=Path)
    p.add_argument("--json", action="store_true", help="print the Document as JSON")
    p.add_argument("--ocr-mode", choices=["auto", "force_ocr", "never_ocr"])
    p.add_argument("--workers", type=int, help="OCR processes (default: one per core)")
    p.set_defaults(handler=_cmd_read)


def _cmd_read(args: argparse.Namespace) -> int:
    from pipeline.read import read_document

    doc = read_document(args.file, _settings(args))
    if args.json:
        sys.stdout.write(doc.model_dump_json(indent=2) + "\n")
        return ExitCode.OK
    for page in doc.pages:
        detail = f"{page.text_source}"
        if page.ocr_confidence is not None:
            detail += f", confidence {page.ocr_confidence:.1f}"
        if page.rotation:
            detail += f", rotated {page.rotation}"
        sys.stdout.write(f"=== page {page.number} ({detail}) ===\n{page.text}\n")
    return ExitCode.OK


# --- extract ----------------------------------------------------------------------------------------------


def _add_extract(sub: argparse._SubParsersAction) -> None:
    p = sub.add_parser("extract", help="read a report and print its record (JSON) on stdout")
    p.add_argument("file", type=Path)
    p.add_argument("--ocr-mode", choices=["auto", "force_ocr", "never_ocr"])
    p.add_argument("--workers", type=int, help="OCR processes (default: one per core)")
    p.set_defaults(handler=_cmd_extract)


def _cmd_extract(args: argparse.Namespace) -> int:
    from pipeline.process import process_file

    result = process_file(args.file, _settings(args))
    sys.stdout.write(json.dumps(result.record.model_dump(mode="json"), indent=2) + "\n")
    return ExitCode.OK


# --- main -------------------------------------------------------------------------------------------------

_COMMANDS: list[Callable[[argparse._SubParsersAction], None]] = [_add_read, _add_extract]


def build_parser() -> argparse.ArgumentParser:
    """The argument parser with every sub-command."""
    parser = argparse.ArgumentParser(prog="medlegal", description=__doc__.splitlines()[0])
    parser.add_argument("--version", action="version", version=f"medlegal {__version__}")
    parser.add_argument("-v", "--verbose", action="count", default=0, help="more logging; -v shows tracebacks")
    sub = parser.add_subparsers(dest="command", metavar="COMMAND")
    for add in _COMMANDS:
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
    try:
        return int(args.handler(args))
    except MedlegalError as e:
        if args.verbose:
            log.exception("failed")
        sys.stderr.write(f"medlegal: error: {e.one_line()}\n")
        return int(e.exit_code)
    except KeyboardInterrupt:
        sys.stderr.write("medlegal: interrupted\n")
        return 130


if __name__ == "__main__":
    sys.exit(main())
