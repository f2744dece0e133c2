"""The command line: hsp-desktop render TEMPLATE --lang CODE --student UPN -o FILE.pdf.

TEMPLATE is a template id (its file name in ``resources/letters`` without ``.toml``); CODE a DfE
language code as stored (``URD``) or a BCP 47 tag (``ur``). The letter is made exactly as the
preview in the program makes it: addressed to the student's first household, bilingual while
the translation is a draft. The template's own fields take their sample values unless given
with ``--set NAME=VALUE``.
"""

from __future__ import annotations

import argparse
import sys
from collections.abc import Callable
from functools import partial
from pathlib import Path
from typing import TYPE_CHECKING, Any

from hsp_desktop.errors import ValidationError

if TYPE_CHECKING:
    from hsp_desktop.store import Database

EXIT_OK = 0
EXIT_ERROR = 1

OpenDatabase = Callable[[argparse.Namespace], "Database"]


def register(sub: Any, database_option: Callable[..., None], open_database: OpenDatabase) -> None:
    parser = sub.add_parser(
        "render", help="make one letter or form as a PDF for a student (as the preview shows it)"
    )
    parser.add_argument("template", metavar="TEMPLATE", help="template id, e.g. trip_permission")
    parser.add_argument(
        "--lang", required=True, metavar="CODE", help="DfE language code (URD) or BCP 47 tag (ur)"
    )
    parser.add_argument("--student", required=True, metavar="UPN", help="the student's UPN")
    parser.add_argument("-o", "--output", required=True, type=Path, metavar="FILE.pdf")
    parser.add_argument(
        "--set",
        action="append",
        default=[],
        metavar="NAME=VALUE",
        help="a value for one of the template's own fields (repeatable)",
    )
    database_option(parser, top=False)
    parser.set_defaults(func=partial(run, open_database=open_database))


def _values(pairs: list[str]) -> dict[str, str]:
    values: dict[str, str] = {}
    for pair in pairs:
        name, sep, value = pair.partition("=")
        if not sep or not name.strip():
            raise ValidationError("--set", f"{pair!r} should be NAME=VALUE")
        values[name.strip()] = value
    return values


def run(args: argparse.Namespace, open_database: OpenDatabase) -> int:
    from hsp_desktop.services.actor import SYSTEM
    from hsp_desktop.services.letter_recipients import language_name
    from hsp_desktop.services.letters import LetterService, find_template, written_code

    output: Path = args.output
    if not output.parent.is_dir():
        print(f"hsp-desktop: the folder {output.parent} does not exist", file=sys.stderr)
        return EXIT_ERROR
    template = find_template(args.template)  # before opening the database: fail fast
    written_code(args.lang)
    values = _values(args.set)
    db = open_database(args)
    try:
        preview = LetterService(db).render_for_upn(
            SYSTEM, template.id, args.lang, args.student, values
        )
    finally:
        db.dispose()
    try:
        output.write_bytes(preview.pdf)
    except OSError as exc:
        print(f"hsp-desktop: cannot write {output}: {exc.strerror}", file=sys.stderr)
        return EXIT_ERROR
    state = preview.translation
    how = language_name(preview.language) + (" with English" if preview.variant.bilingual else "")
    print(f"{output}: {template.title}, {how}, for {preview.addressed_to}")
    print(f"translation: {state.summary}")
    return EXIT_OK
