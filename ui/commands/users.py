"""`communique users add|remove|list NAME --auth-file FILE`: who may log in to `communique serve`.

The password is read from the terminal (asked twice, not echoed) or, when stdin is not a
terminal, from the first line of stdin — never from the command line, where `ps` and the shell
history would keep it.
"""
from __future__ import annotations

import argparse
import getpass
import sys
from pathlib import Path


def register(subparsers: argparse._SubParsersAction) -> None:
    p = subparsers.add_parser("users", help="add, remove or list the people who may log in to the chat",
                              description="Manage the auth file read by `communique serve --auth-file FILE`.")
    sub = p.add_subparsers(dest="action", required=True, metavar="ACTION")
    for action, help_text in (("add", "add a user or change a password (read from stdin or the terminal)"),
                              ("remove", "remove a user"), ("list", "list the user names")):
        q = sub.add_parser(action, help=help_text)
        if action != "list":
            q.add_argument("name")
        q.add_argument("--auth-file", required=True, metavar="FILE", help="the users file (created by `add`)")
    p.set_defaults(func=run)


def _read_password() -> str:
    if sys.stdin.isatty():
        first = getpass.getpass("password: ")
        if getpass.getpass("again: ") != first:
            raise ValueError("the two passwords differ")
        return first
    line = sys.stdin.readline()
    return line.rstrip("\r\n")


def run(args: argparse.Namespace) -> int:
    from communique.ui.auth import AuthFileError, read_users, remove_user, write_user

    path = Path(args.auth_file)
    try:
        if args.action == "list":
            for name in sorted(read_users(path)):
                print(name)
            return 0
        if args.action == "remove":
            if not remove_user(path, args.name):
                print(f"communique users: no user {args.name!r} in {path}", file=sys.stderr)
                return 1
            print(f"removed {args.name} from {path}")
            return 0
        new = write_user(path, args.name, _read_password())
    except AuthFileError as exc:
        print(f"communique users: {exc}", file=sys.stderr)
        return 1
    except ValueError as exc:
        print(f"communique users: {exc}", file=sys.stderr)
        return 2
    print(f"{'added' if new else 'changed the password of'} {args.name} in {path}")
    return 0
