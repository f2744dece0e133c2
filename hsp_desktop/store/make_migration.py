"""Write the next migration from the difference between the model and the current head.

    python -m hsp_desktop.store.make_migration "what changed"

Runs against a scratch SQLite database upgraded to the current head, so it needs no server.
Review the file it writes, then set ``SCHEMA_HEAD`` in ``migrate.py`` to the new revision.
"""

from __future__ import annotations

import sys
import tempfile
from pathlib import Path

from alembic import command
from alembic.script import ScriptDirectory

from hsp_desktop.store.database import Database, sqlite_url
from hsp_desktop.store.migrate import alembic_config


def main(argv: list[str]) -> int:
    if len(argv) != 1 or not argv[0].strip():
        print(__doc__, file=sys.stderr)
        return 2
    with tempfile.TemporaryDirectory() as tmp:
        db = Database(sqlite_url(Path(tmp) / "scratch.sqlite3"))
        cfg = alembic_config(db)
        heads = ScriptDirectory.from_config(cfg).get_heads()
        next_id = f"{max((int(h) for h in heads), default=0) + 1:04d}"
        with db.engine.begin() as conn:
            cfg.attributes["connection"] = conn
            command.upgrade(cfg, "head")
            command.revision(cfg, message=argv[0], autogenerate=True, rev_id=next_id)
        db.dispose()
    print(f"written revision {next_id}; now set SCHEMA_HEAD = {next_id!r} in store/migrate.py")
    return 0


if __name__ == "__main__":
    raise SystemExit(main(sys.argv[1:]))
