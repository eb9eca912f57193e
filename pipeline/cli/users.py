"""`medlegal users`: the review app's accounts (add, list, disable, enable, password, role)

Passwords are asked on the terminal (twice, never echoed) or read from standard input with
`--password-stdin` (one line, for scripts); they are stored only as argon2id hashes and never printed or
logged. Exit codes: 0 done, 1 no such account / the name is taken, 2 a bad name, role or password.
"""

from __future__ import annotations

import argparse
import sys
from pathlib import Path

from pipeline.cli.common import settings_from_args
from pipeline.errors import ExitCode, MedlegalError, UsageError

ROLE_CHOICES = ("reviewer", "admin")


def add(sub: argparse._SubParsersAction) -> None:
    """Register the sub-command."""
    p = sub.add_parser("users", help="manage the review app's accounts (user name, password, role)")
    p.add_argument("--home", type=Path, help="home folder (default: MEDLEGAL_HOME or ./var)")
    actions = p.add_subparsers(dest="action", metavar="ACTION", required=True)

    a = actions.add_parser(
        "add", help="add an account (the password is asked, or read with --password-stdin)"
    )
    a.add_argument("name", help="user name: letters, digits, '.', '_', '@', '-' (stored in lower case)")
    a.add_argument("--role", choices=ROLE_CHOICES, default="reviewer", help="reviewer (default) or admin")
    _password_stdin(a)

    ls = actions.add_parser("list", help="the accounts: name, role, status, created")
    ls.add_argument("--json", action="store_true", help="one JSON object per account")

    for action, text in (
        ("disable", "stop an account signing in (ends its sessions)"),
        ("enable", "let it again"),
    ):
        one = actions.add_parser(action, help=text)
        one.add_argument("name")

    pw = actions.add_parser("password", help="set a new password (ends the account's sessions)")
    pw.add_argument("name")
    _password_stdin(pw)

    role = actions.add_parser("role", help="make an account a reviewer or an admin")
    role.add_argument("name")
    role.add_argument("role", choices=ROLE_CHOICES)
    p.set_defaults(handler=run)


def _password_stdin(p: argparse.ArgumentParser) -> None:
    p.add_argument(
        "--password-stdin",
        action="store_true",
        help="read the password from the first line of standard input instead of asking",
    )


def read_password(name: str, from_stdin: bool) -> str:
    """The new password: the first line of stdin, or asked twice on the terminal (not echoed)."""
    import getpass

    if from_stdin:
        return sys.stdin.readline().rstrip("\r\n")
    if not sys.stdin.isatty():
        raise UsageError("no terminal to ask the password on; pipe it in and add --password-stdin")
    first = getpass.getpass(f"New password for {name}: ")
    if getpass.getpass("The same password again: ") != first:
        raise UsageError("the two passwords differ; nothing was changed, run the command again")
    return first


def run(args: argparse.Namespace) -> int:
    """Run the sub-command; returns the exit code."""
    import json

    from pipeline.operations.home import Home
    from pipeline.operations.store import Store
    from web.security import hash_password, user_name

    settings = settings_from_args(args)
    store = Store.for_home(Home(settings.home).ensure(), settings.database_url)
    if args.action == "list":
        for u in store.users():
            if args.json:
                print(json.dumps({**u, "created": u["created"].isoformat() if u["created"] else None}))
            else:
                status = "disabled" if u["disabled"] else "active"
                created = u["created"].strftime("%Y-%m-%d") if u["created"] else ""
                print(f"{u['name']:<24} {u['role']:<9} {status:<9} {created}")
        return ExitCode.OK
    try:
        name = user_name(args.name)
    except ValueError as e:
        raise UsageError(str(e)) from None
    if args.action == "add":
        if store.user(name) is not None:
            raise MedlegalError(
                f"there is already an account named {name}",
                hint=f"to give it a new password: medlegal users password {name}",
            )
        password = _checked_password(name, args.password_stdin)
        if not store.add_user(name, hash_password(password), args.role):
            raise MedlegalError(f"there is already an account named {name}")
        sys.stderr.write(f"medlegal: added {name} ({args.role})\n")
        return ExitCode.OK
    if store.user(name) is None:
        raise MedlegalError(f"no account named {name}", hint="`medlegal users list` shows them")
    if args.action == "password":
        store.update_user(name, password_hash=hash_password(_checked_password(name, args.password_stdin)))
        sys.stderr.write(f"medlegal: new password set for {name}; their sessions ended\n")
    elif args.action in ("disable", "enable"):
        store.update_user(name, disabled=args.action == "disable")
        sys.stderr.write(f"medlegal: {name} {args.action}d\n")
    elif args.action == "role":
        store.update_user(name, role=args.role)
        sys.stderr.write(f"medlegal: {name} is now {args.role}\n")
    return ExitCode.OK


def _checked_password(name: str, from_stdin: bool) -> str:
    from web.security import check_password

    password = read_password(name, from_stdin)
    try:
        check_password(password, name)
    except ValueError as e:
        raise UsageError(f"{e}; nothing was changed") from None
    return password
