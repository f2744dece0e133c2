"""Migrations: the heads the program expects are Alembic's, and they build exactly the model."""

from __future__ import annotations

from alembic.autogenerate import compare_metadata
from alembic.migration import MigrationContext
from alembic.script import ScriptDirectory

from hsp_desktop.model import Base
from hsp_desktop.store import Database
from hsp_desktop.store.migrate import (
    SCHEMA_HEADS,
    alembic_config,
    current_revisions,
    needs_upgrade,
    upgrade,
)


def test_schema_heads_match_the_migration_scripts(db: Database) -> None:
    script = ScriptDirectory.from_config(alembic_config(db))
    assert frozenset(script.get_heads()) == SCHEMA_HEADS


def test_upgrade_from_empty_reaches_the_heads(db: Database) -> None:
    # The fixture database was built by upgrade(); it is at the heads and needs nothing.
    assert current_revisions(db) == SCHEMA_HEADS
    assert not needs_upgrade(db)
    assert upgrade(db) is None


def test_migrations_build_exactly_the_model(db: Database) -> None:
    """Alembic's own check: no difference between the migrated database and the model."""
    with db.engine.connect() as conn:
        context = MigrationContext.configure(conn, opts={"compare_type": True})
        diff = compare_metadata(context, Base.metadata)
    assert diff == []


def test_an_older_sqlite_database_is_backed_up_then_upgraded(tmp_path, home) -> None:  # type: ignore[no-untyped-def]
    from alembic import command

    from hsp_desktop import paths
    from hsp_desktop.model import School
    from hsp_desktop.store import sqlite_url

    db = Database(sqlite_url(tmp_path / "old.sqlite3"))
    cfg = alembic_config(db)
    with db.engine.begin() as conn:
        cfg.attributes["connection"] = conn
        command.upgrade(cfg, "0001")  # the core schema only, as an early version left it
    with db.transaction() as s:
        s.add(School(name="Old School"))
    assert current_revisions(db) == frozenset({"0001"})
    assert needs_upgrade(db)  # the areas' branches are still to come
    backup = upgrade(db)
    assert current_revisions(db) == SCHEMA_HEADS
    assert backup is not None and backup.parent == paths.backup_dir()
    copy = Database(sqlite_url(backup))
    assert current_revisions(copy) == frozenset({"0001"})
    with copy.read() as s:
        assert s.query(School.name).scalar() == "Old School"
    copy.dispose()
    db.dispose()
