"""The composition root: command line, logging, the database, the services, the window.

hsp-desktop [--database URL] [--demo]          start the program
hsp-desktop db upgrade|check [--database URL]  migrations; integrity and schema check
hsp-desktop demo create [--size N]             the demo school into a database
"""

from __future__ import annotations

import argparse
import logging
import sys
from collections.abc import Callable, Sequence
from pathlib import Path
from typing import TYPE_CHECKING

from hsp_desktop import __version__, errors, logs, paths
from hsp_desktop.dburl import url_for

if TYPE_CHECKING:
    from hsp_desktop.store import Database

log = logging.getLogger("hsp.app")

EXIT_OK = 0
EXIT_ERROR = 1
EXIT_USAGE = 2

Command = Callable[[argparse.Namespace], int]


def _database_option(parser: argparse.ArgumentParser, *, top: bool) -> None:
    parser.add_argument(
        "--database",
        metavar="URL",
        # On sub-commands, leave the value given before the sub-command alone when absent.
        default=None if top else argparse.SUPPRESS,
        help="a database file or URL, e.g. school.sqlite3 or "
        "postgresql+psycopg://user:password@server/hsp (default: the file in the data folder)",
    )


def build_parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(
        prog="hsp-desktop",
        description="The home-school partnership desk for small special schools.",
    )
    parser.add_argument("--version", action="version", version=f"hsp-desktop {__version__}")
    parser.add_argument(
        "--demo",
        action="store_true",
        help="open the demo school (created on first use in its own folder)",
    )
    _database_option(parser, top=True)
    sub = parser.add_subparsers(dest="command", metavar="COMMAND")

    db = sub.add_parser("db", help="database upkeep")
    db_sub = db.add_subparsers(dest="db_command", metavar="ACTION", required=True)
    for name, help_text in (
        ("upgrade", "bring the database schema up to date (backs up first)"),
        ("check", "check integrity and schema; non-zero exit on problems"),
    ):
        p = db_sub.add_parser(name, help=help_text)
        _database_option(p, top=False)
        p.set_defaults(func=_cmd_db_upgrade if name == "upgrade" else _cmd_db_check)
    _database_option(db, top=False)

    demo = sub.add_parser("demo", help="the demo school")
    demo_sub = demo.add_subparsers(dest="demo_command", metavar="ACTION", required=True)
    create = demo_sub.add_parser("create", help="create the demo school in an empty database")
    create.add_argument(
        "--size", type=int, default=90, metavar="N", help="number of students (default 90)"
    )
    _database_option(create, top=False)
    create.set_defaults(func=_cmd_demo_create)
    _database_option(demo, top=False)

    for register in EXTRA_COMMANDS:
        register(sub, _database_option)
    return parser


# Later features add their sub-commands here: each callable takes the sub-parser collection
# and the function that adds --database, and sets ``func`` on its parser.
EXTRA_COMMANDS: list[Callable[..., None]] = []


def _import_commands(
    sub: argparse._SubParsersAction[argparse.ArgumentParser], option: Callable[..., None]
) -> None:
    from hsp_desktop.services.imports.command import register

    register(sub, option, open_for_cli)


EXTRA_COMMANDS.append(_import_commands)


def _letter_commands(
    sub: argparse._SubParsersAction[argparse.ArgumentParser], option: Callable[..., None]
) -> None:
    from hsp_desktop.services.letters_command import register

    register(sub, option, open_for_cli)


EXTRA_COMMANDS.append(_letter_commands)


def database_url(args: argparse.Namespace) -> str:
    if args.database:
        return url_for(args.database, Path(args.database))
    if getattr(args, "demo", False):
        return url_for(None, paths.demo_database_path())
    return url_for(None, paths.default_database_path())


def open_for_cli(args: argparse.Namespace, *, migrate: bool = True) -> Database:
    from hsp_desktop.store.open import open_database

    return open_database(database_url(args), migrate=migrate)


def _cmd_db_upgrade(args: argparse.Namespace) -> int:
    from hsp_desktop.store.database import Database
    from hsp_desktop.store.migrate import SCHEMA_HEADS, describe, upgrade

    db = Database(database_url(args))
    try:
        db.ping()
        backup = upgrade(db)
    finally:
        db.dispose()
    print(
        f"{db.location.description}: schema at {describe(SCHEMA_HEADS)}"
        + (f" (backup taken: {backup})" if backup else "")
    )
    return EXIT_OK


def _cmd_db_check(args: argparse.Namespace) -> int:
    from hsp_desktop.store.database import Database
    from hsp_desktop.store.migrate import SCHEMA_HEADS, check_schema, describe

    db = Database(database_url(args))
    try:
        db.ping()
        revision = check_schema(db)
        problems = db.integrity_problems()
    finally:
        db.dispose()
    where = db.location.description
    if problems:
        print(f"{where}: damaged:", file=sys.stderr)
        for problem in problems[:20]:
            print(f"  {problem}", file=sys.stderr)
        return EXIT_ERROR
    if revision is None:
        print(f"{where}: empty database (run 'hsp-desktop db upgrade')", file=sys.stderr)
        return EXIT_ERROR
    if revision != SCHEMA_HEADS:
        print(
            f"{where}: schema {describe(revision)} is older than {describe(SCHEMA_HEADS)}; "
            "run 'hsp-desktop db upgrade'",
            file=sys.stderr,
        )
        return EXIT_ERROR
    print(f"{where}: ok (schema {describe(revision)})")
    return EXIT_OK


def _cmd_demo_create(args: argparse.Namespace) -> int:
    from hsp_desktop.services.demo import create_demo_school

    db = open_for_cli(args)
    try:
        result = create_demo_school(db, students=args.size)
    finally:
        db.dispose()
    print(
        f"{db.location.description}: demo school with {result.students} students, "
        f"{result.carers} carers in {result.households} households, {result.classes} classes"
    )
    return EXIT_OK


def _run_gui(args: argparse.Namespace) -> int:
    from hsp_desktop.gui.application import run

    return run(database_url(args), demo=args.demo)


def main(argv: Sequence[str] | None = None) -> int:
    parser = build_parser()
    args = parser.parse_args(argv)
    command: Command | None = getattr(args, "func", None)
    logs.setup(to_stderr=command is not None)
    if command is None:
        return _run_gui(args)
    try:
        return command(args)
    except errors.KnownError as exc:
        print(f"hsp-desktop: {exc.message}", file=sys.stderr)
        return EXIT_ERROR
    except KeyboardInterrupt:
        print("hsp-desktop: interrupted; nothing more was changed", file=sys.stderr)
        return EXIT_ERROR
