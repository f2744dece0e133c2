"""The command line: hsp-desktop import csv|ctf FILE [--dry-run] [--database URL].

A CSV file is read with the column mapping saved from the GUI, or else by recognising the
usual MIS export headings. Exit status 0 when the import was applied (or the dry run found
something to import), 1 when the file cannot be read or every pupil in it is refused.
"""

from __future__ import annotations

import argparse
import sys
from collections.abc import Callable
from functools import partial
from pathlib import Path
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from hsp_desktop.services.imports.report import ImportPlan
    from hsp_desktop.store import Database

EXIT_OK = 0
EXIT_ERROR = 1

OpenDatabase = Callable[[argparse.Namespace], "Database"]


def register(sub: Any, database_option: Callable[..., None], open_database: OpenDatabase) -> None:
    """Add ``import csv|ctf`` to the program's sub-commands."""
    parser = sub.add_parser(
        "import", help="import pupils and families from the MIS (CSV or Common Transfer File)"
    )
    kinds = parser.add_subparsers(dest="import_kind", metavar="FORMAT", required=True)
    for kind, help_text in (
        ("csv", "a CSV export (the column mapping saved from the program, or usual headings)"),
        ("ctf", "a DfE Common Transfer File (XML)"),
    ):
        command = kinds.add_parser(kind, help=help_text)
        command.add_argument("file", type=Path, metavar="FILE")
        command.add_argument(
            "--dry-run", action="store_true", help="show what would change and write nothing"
        )
        database_option(command, top=False)
        command.set_defaults(func=partial(run, open_database=open_database))
    database_option(parser, top=False)


def run(args: argparse.Namespace, open_database: OpenDatabase) -> int:
    from hsp_desktop.services.actor import SYSTEM
    from hsp_desktop.services.imports.service import ImportService, read_file
    from hsp_desktop.services.imports.source import SourceKind, detect_kind

    path: Path = args.file
    if not path.is_file():
        print(f"hsp-desktop: {path} is not a file", file=sys.stderr)
        return EXIT_ERROR
    kind = SourceKind(args.import_kind)
    found = detect_kind(path)
    if found is not kind:
        print(
            f"hsp-desktop: {path.name} looks like a {found.label}, not a {kind.label}; "
            f"use 'hsp-desktop import {found.value} {path}'",
            file=sys.stderr,
        )
        return EXIT_ERROR
    source = read_file(path, kind)
    db = open_database(args)
    try:
        service = ImportService(db)
        if args.dry_run or source.problems:
            plan = service.plan(SYSTEM, source)
            result = None
        else:
            result = service.apply(SYSTEM, source)
            plan = result.plan
    finally:
        db.dispose()
    _print_plan(plan)
    if plan.problems:
        for problem in plan.problems:
            print(f"hsp-desktop: {problem}", file=sys.stderr)
        return EXIT_ERROR
    if result is None:
        print("Dry run: nothing was written.")
    else:
        print(result.summary())
    if not plan.items or plan.all_refused:
        print("hsp-desktop: nothing in the file can be imported", file=sys.stderr)
        return EXIT_ERROR
    return EXIT_OK


def _print_plan(plan: ImportPlan) -> None:
    from hsp_desktop.services.imports.report import Action

    print(f"{plan.source_name} ({plan.kind.label})")
    for note in plan.notes:
        print(f"  {note}")
    if plan.problems:
        return
    for item in plan.items:
        if item.action in (Action.CREATE, Action.UPDATE):
            details = f": {item.details}" if item.details else ""
            print(f"  {item.where} {item.name} ({item.upn}): {item.action.label}{details}")
    print(plan.summary())
    if plan.refused:
        print("Refused (not imported):")
        for item in plan.refused:
            for reason in item.reasons:
                print(f"  {reason}")
