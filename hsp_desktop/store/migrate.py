"""Schema migrations: run on open, after a backup copy of an existing SQLite file."""

from __future__ import annotations

import logging
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import TYPE_CHECKING

from sqlalchemy import text
from sqlalchemy.exc import OperationalError, ProgrammingError

from hsp_desktop import errors
from hsp_desktop.store.backup import backup_sqlite
from hsp_desktop.store.database import Database, translate_errors

if TYPE_CHECKING:
    from alembic.config import Config

log = logging.getLogger("hsp.store.migrate")

MIGRATIONS = Path(__file__).resolve().parent / "migrations"

# The newest revision of each branch in migrations/versions. The core schema is "0001"; each
# area of the program that adds tables has its own branch from it (labelled with the area,
# revisions named "<area>_NNN") so areas can grow their schema independently. Checked against
# Alembic by a test, so that opening an up-to-date database (every start-up) need not import
# Alembic at all.
SCHEMA_HEADS: frozenset[str] = frozenset({"contacts_002", "letters_001", "meetings_002"})


def current_revisions(db: Database) -> frozenset[str] | None:
    """The schema revisions stored in the database; None for a database without any."""
    with translate_errors(db), db.engine.connect() as conn:
        try:
            rows = conn.execute(text("SELECT version_num FROM alembic_version")).all()
        except (OperationalError, ProgrammingError) as exc:
            if "alembic_version" in str(exc.orig):
                return None
            raise
    return frozenset(r[0] for r in rows) or None


def describe(revisions: frozenset[str] | None) -> str:
    return ", ".join(sorted(revisions)) if revisions else "none"


def alembic_config(db: Database) -> Config:
    from alembic.config import Config

    cfg = Config()
    cfg.set_main_option("script_location", str(MIGRATIONS))
    cfg.set_main_option("sqlalchemy.url", db.safe_url())
    return cfg


def known_revisions(db: Database) -> set[str]:
    from alembic.script import ScriptDirectory

    return {
        rev.revision for rev in ScriptDirectory.from_config(alembic_config(db)).walk_revisions()
    }


def needs_upgrade(db: Database) -> bool:
    return current_revisions(db) != SCHEMA_HEADS


def check_schema(db: Database) -> frozenset[str] | None:
    """Raise if the database is foreign or newer than this program; return its revisions."""
    revision = current_revisions(db)
    if revision is None:
        tables = db.table_names()
        if tables:
            raise errors.ForeignDatabase(
                f"{db.location.description} holds tables ({', '.join(sorted(tables)[:5])}...) "
                "but is not an hsp-desktop database. Nothing was changed."
            )
        return None
    if revision != SCHEMA_HEADS and not revision <= known_revisions(db):
        raise errors.NewerDatabase(
            f"{db.location.description} was written by a newer version of hsp-desktop "
            f"(schema {describe(revision)}). Install the newer version to open it; nothing was "
            "changed."
        )
    return revision


def upgrade(db: Database) -> Path | None:
    """Bring the schema to the head revision. Returns the backup taken, if any."""
    revision = check_schema(db)
    if revision == SCHEMA_HEADS:
        return None
    backup = None
    if db.path is not None and revision is not None:
        backup = backup_sqlite(db.path, reason="before-upgrade")
        log.info("backed up %s to %s before upgrading", db.path, backup)
    from alembic import command

    cfg = alembic_config(db)
    with translate_errors(db), _connection(db) as conn:
        cfg.attributes["connection"] = conn
        command.upgrade(cfg, "heads")
    log.info(
        "database %s upgraded from %s to %s",
        db.safe_url(),
        describe(revision),
        describe(SCHEMA_HEADS),
    )
    return backup


@contextmanager
def _connection(db: Database) -> Iterator[object]:
    with db.engine.begin() as conn:
        yield conn
