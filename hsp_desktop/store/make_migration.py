"""Write the next migration of one area from the difference between the model and the heads.

    python -m hsp_desktop.store.make_migration AREA "what changed" [--tables t1,t2,...]

AREA labels a branch from the core schema ("students", "contacts", "letters", ...): its first
migration starts the branch from "0001", later ones follow the branch's head. Revisions are
named "<area>_NNN". ``--tables`` limits the comparison to the named tables, so that work on
another area in the same tree is not swept in. Runs against a scratch SQLite database, so it
needs no server. Review the file it writes, then put the new revision in ``SCHEMA_HEADS``
(store/migrate.py) in place of the branch's previous head.
"""

from __future__ import annotations

import argparse
import sys
import tempfile
from pathlib import Path
from typing import Any

from alembic import command
from alembic.script import ScriptDirectory

from hsp_desktop.dburl import sqlite_url
from hsp_desktop.store.database import Database
from hsp_desktop.store.migrate import alembic_config


def main(argv: list[str]) -> int:
    parser = argparse.ArgumentParser(prog="python -m hsp_desktop.store.make_migration")
    parser.add_argument("area")
    parser.add_argument("message")
    parser.add_argument("--tables", default="", help="comma-separated table names to compare")
    args = parser.parse_args(argv)
    tables = {t.strip() for t in args.tables.split(",") if t.strip()}
    with tempfile.TemporaryDirectory() as tmp:
        db = Database(sqlite_url(Path(tmp) / "scratch.sqlite3"))
        cfg = alembic_config(db)
        script = ScriptDirectory.from_config(cfg)
        branch = [r for r in script.walk_revisions() if args.area in (r.branch_labels or ())]
        area_revs = [r for r in script.walk_revisions() if r.revision.startswith(f"{args.area}_")]
        number = len(area_revs) + 1
        rev_id = f"{args.area}_{number:03d}"

        def include(
            obj: Any, name: str | None, type_: str, reflected: bool, compare_to: Any
        ) -> bool:
            if not tables:
                return True
            table = name if type_ == "table" else getattr(getattr(obj, "table", None), "name", None)
            return table in tables

        with db.engine.begin() as conn:
            cfg.attributes["connection"] = conn
            cfg.attributes["include_object"] = include
            command.upgrade(cfg, "heads")
            if branch or area_revs:
                head = f"{args.area}@head"
                command.revision(
                    cfg, message=args.message, autogenerate=True, rev_id=rev_id, head=head
                )
            else:
                command.revision(
                    cfg,
                    message=args.message,
                    autogenerate=True,
                    rev_id=rev_id,
                    head="0001",
                    branch_label=args.area,
                    splice=True,
                )
        db.dispose()
    print(f"written {rev_id}; now put {rev_id!r} in SCHEMA_HEADS in store/migrate.py")
    return 0


if __name__ == "__main__":
    raise SystemExit(main(sys.argv[1:]))
