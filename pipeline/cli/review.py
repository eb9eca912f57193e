"""`medlegal review`: start the paralegal review web app"""

from __future__ import annotations

import argparse
import sys
from pathlib import Path

from pipeline.cli.common import settings_from_args
from pipeline.errors import ExitCode


def add(sub: argparse._SubParsersAction) -> None:
    """Register the sub-command."""
    p = sub.add_parser("review", help="start the paralegal review web app (http://127.0.0.1:8000)")
    p.add_argument("--home", type=Path, help="home folder (default: MEDLEGAL_HOME or ./var)")
    p.add_argument(
        "--host",
        default="127.0.0.1",
        help="address (beyond localhost needs review_tls_certfile/keyfile and an account or review_token)",
    )
    p.add_argument("--port", type=int, default=8000)
    p.set_defaults(handler=run)


def run(args: argparse.Namespace) -> int:
    """Run the sub-command; returns the exit code."""
    import os

    from web.app import check_bind, serve

    settings = settings_from_args(args)
    check_bind(args.host, settings)
    os.umask(0o077)
    sys.stderr.write(f"medlegal: review app on http://{args.host}:{args.port}/ (Ctrl-C stops it)\n")
    serve(settings, args.host, args.port)
    return ExitCode.OK
