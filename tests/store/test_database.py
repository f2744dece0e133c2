"""The store against real SQLite files and a real PostgreSQL server."""

from __future__ import annotations

import os
import shutil
import sqlite3
import subprocess
import sys
import tempfile
from pathlib import Path

import pytest
from sqlalchemy import select

from hsp_desktop import errors
from hsp_desktop.model import School
from hsp_desktop.store import Database, sqlite_url
from hsp_desktop.store.backup import backup_sqlite
from hsp_desktop.store.migrate import upgrade
from hsp_desktop.store.open import open_database, url_for


def test_transaction_commits_and_rolls_back(db: Database) -> None:
    with db.transaction() as s:
        s.add(School(name="Kept"))
    with pytest.raises(RuntimeError), db.transaction() as s:
        s.add(School(name="Lost"))
        s.flush()
        raise RuntimeError("boom")
    with db.read() as s:
        assert s.scalars(select(School.name)).all() == ["Kept"]


def test_version_counter_bumps_on_update(db: Database) -> None:
    with db.transaction() as s:
        school = School(name="A")
        s.add(school)
    assert school.version == 1
    with db.transaction() as s:
        again = s.get(School, school.id)
        assert again is not None
        again.name = "B"
    assert again.version == 2


def test_sqlite_pragmas(sqlite_db: Database) -> None:
    with sqlite_db.engine.connect() as conn:
        assert conn.exec_driver_sql("PRAGMA journal_mode").scalar() == "wal"
        assert conn.exec_driver_sql("PRAGMA foreign_keys").scalar() == 1
        assert conn.exec_driver_sql("PRAGMA busy_timeout").scalar() == 5000


def test_a_file_that_is_not_a_database_is_refused_untouched(tmp_path: Path) -> None:
    path = tmp_path / "notes.sqlite3"
    path.write_bytes(b"Dear diary, this is not a database.\n" * 20)
    before = path.read_bytes()
    with pytest.raises(errors.NotADatabase, match="not an hsp-desktop database"):
        open_database(sqlite_url(path))
    assert path.read_bytes() == before


def test_a_foreign_sqlite_database_is_refused_untouched(tmp_path: Path) -> None:
    path = tmp_path / "other.sqlite3"
    con = sqlite3.connect(path)
    con.execute("CREATE TABLE invoices (id INTEGER PRIMARY KEY, total REAL)")
    con.commit()
    con.close()
    before = path.read_bytes()
    with pytest.raises(errors.ForeignDatabase, match="not an hsp-desktop database"):
        open_database(sqlite_url(path))
    assert path.read_bytes() == before


def test_a_database_from_a_newer_program_is_refused(sqlite_db: Database) -> None:
    with sqlite_db.engine.begin() as conn:
        # One row per schema branch: replace them all with a revision this program lacks.
        conn.exec_driver_sql("DELETE FROM alembic_version")
        conn.exec_driver_sql("INSERT INTO alembic_version (version_num) VALUES ('9999')")
    with pytest.raises(errors.NewerDatabase, match="newer version"):
        open_database(sqlite_db.safe_url())


def _as_unprivileged(cmd: list[str]) -> list[str]:
    """Root may write anywhere; drop to 'nobody' so permissions mean what they say."""
    if os.geteuid() != 0:
        return cmd
    return ["setpriv", "--reuid=65534", "--regid=65534", "--clear-groups", *cmd]


def _world_readable_dir() -> Path:
    folder = Path(tempfile.mkdtemp(prefix="hsp-ro-"))
    folder.chmod(0o755)
    return folder


@pytest.mark.parametrize("what", ["folder", "file"])
def test_a_read_only_place_is_reported_and_left_alone(what: str) -> None:
    folder = _world_readable_dir()
    target = folder / "school.sqlite3"
    try:
        if what == "file":
            db = Database(sqlite_url(target))
            upgrade(db)
            db.dispose()
            target.chmod(0o444)
        before = sorted(p.name for p in folder.iterdir())
        cmd = _as_unprivileged(
            [sys.executable, "-m", "hsp_desktop", "db", "upgrade", "--database", str(target)]
        )
        home = Path(tempfile.mkdtemp(prefix="hsp-home-"))
        home.chmod(0o777)
        env = {**os.environ, "HSP_DESKTOP_HOME": str(home)}
        result = subprocess.run(
            cmd,
            capture_output=True,
            text=True,
            env=env,
            timeout=60,
            cwd=Path(__file__).resolve().parents[2],
        )
        assert result.returncode == 1, result.stderr
        assert "read-only" in result.stderr
        assert "Traceback" not in result.stderr
        assert sorted(p.name for p in folder.iterdir()) == before
    finally:
        shutil.rmtree(folder, ignore_errors=True)


def test_a_locked_database_is_reported(sqlite_db: Database) -> None:
    assert sqlite_db.path is not None
    holder = sqlite3.connect(sqlite_db.path, isolation_level=None)
    holder.execute("BEGIN IMMEDIATE")
    holder.execute(
        "INSERT INTO school (name, address, postcode, phone, email, website, "
        "head_teacher, urn, la_code, estab_number, country, version, updated_at) "
        "VALUES ('Holder', '', '', '', '', '', '', '', '', '', 'england', 1, "
        "CURRENT_TIMESTAMP)"
    )
    impatient = Database(sqlite_db.safe_url(), busy_timeout_ms=50)
    try:
        with (
            pytest.raises(errors.DatabaseLocked, match="locked by another program"),
            impatient.transaction() as s,
        ):
            s.add(School(name="Blocked"))
    finally:
        holder.execute("ROLLBACK")
        holder.close()
        impatient.dispose()
    with sqlite_db.read() as s:
        assert s.scalars(select(School.name)).all() == []


def test_a_wrong_url_is_reported() -> None:
    with pytest.raises(errors.DatabaseUnavailable, match="not a database address"):
        Database("this is :// not a url")
    with pytest.raises(errors.DatabaseUnavailable, match="cannot talk to"):
        Database("oracle+nothing://user@host/db")


def test_an_unreachable_server_is_reported() -> None:
    # Port 1 on loopback: nothing listens there, so the connection is refused at once.
    with pytest.raises(errors.DatabaseUnavailable, match="Cannot reach the database server"):
        open_database("postgresql+psycopg://hsp:hsp@127.0.0.1:1/hsp")


def test_url_for_accepts_paths_and_urls(tmp_path: Path) -> None:
    default = tmp_path / "default.sqlite3"
    assert url_for(None, default) == sqlite_url(default)
    assert url_for(str(tmp_path / "x.db"), default) == sqlite_url(tmp_path / "x.db")
    assert url_for("postgresql+psycopg://a@b/c", default) == "postgresql+psycopg://a@b/c"


def test_backup_is_a_consistent_copy(sqlite_db: Database, tmp_path: Path) -> None:
    with sqlite_db.transaction() as s:
        s.add(School(name="Backed up"))
    assert sqlite_db.path is not None
    copy = backup_sqlite(sqlite_db.path, folder=tmp_path / "backups")
    con = sqlite3.connect(copy)
    assert con.execute("SELECT name FROM school").fetchall() == [("Backed up",)]
    con.close()


def test_location_describes_file_and_server(sqlite_db: Database) -> None:
    assert sqlite_db.location.kind == "sqlite"
    assert str(sqlite_db.path) == sqlite_db.location.description
    server = Database("postgresql+psycopg://u:secret@db.school.internal:5433/hsp")
    assert server.location.description == "hsp on db.school.internal:5433"
    assert "secret" not in server.safe_url()
