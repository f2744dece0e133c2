"""Shared fixtures: a real database per test, on SQLite and on PostgreSQL.

* ``db`` is parametrised: every test that uses it runs against a fresh SQLite file (schema
  built once by the real migrations, then copied) and against a real PostgreSQL server (tables
  emptied between tests). Set ``HSP_TEST_POSTGRES_URL`` to a database the tests may empty;
  without it the PostgreSQL cases are skipped locally, and fail under CI.
* ``demo_db`` is the same with the 90-student demo school in it.
* ``home`` points ``HSP_DESKTOP_HOME`` at a temporary folder so nothing touches real data.
"""

from __future__ import annotations

import datetime as dt
import os
import shutil
from collections.abc import Iterator
from pathlib import Path

import pytest
from sqlalchemy import text

from hsp_desktop.model import Base
from hsp_desktop.services.container import Services
from hsp_desktop.store import Database, sqlite_url
from hsp_desktop.store.migrate import upgrade

PG_ENV = "HSP_TEST_POSTGRES_URL"
IN_CI = os.environ.get("CI", "").lower() == "true"


@pytest.fixture(autouse=True)
def home(tmp_path_factory: pytest.TempPathFactory, monkeypatch: pytest.MonkeyPatch) -> Path:
    folder = tmp_path_factory.mktemp("home")
    monkeypatch.setenv("HSP_DESKTOP_HOME", str(folder))
    return folder


@pytest.fixture(scope="session")
def _sqlite_template(tmp_path_factory: pytest.TempPathFactory) -> Path:
    path = tmp_path_factory.mktemp("template") / "schema.sqlite3"
    db = Database(sqlite_url(path))
    upgrade(db)
    with db.engine.connect() as conn:
        conn.exec_driver_sql("PRAGMA wal_checkpoint(TRUNCATE)")
    db.dispose()
    return path


@pytest.fixture(scope="session")
def _sqlite_demo_template(tmp_path_factory: pytest.TempPathFactory, _sqlite_template: Path) -> Path:
    from hsp_desktop.services.demo import create_demo_school

    path = tmp_path_factory.mktemp("demo-template") / "demo.sqlite3"
    shutil.copy(_sqlite_template, path)
    db = Database(sqlite_url(path))
    create_demo_school(db, 90, today=_demo_today())
    with db.engine.connect() as conn:
        conn.exec_driver_sql("PRAGMA wal_checkpoint(TRUNCATE)")
    db.dispose()
    return path


def _demo_today() -> dt.date:
    return dt.date.today()


@pytest.fixture(scope="session")
def _postgres_url() -> str | None:
    url = os.environ.get(PG_ENV)
    if not url:
        return None
    db = Database(url)
    with db.engine.begin() as conn:
        # Start from an empty database each session: drop whatever a previous run left.
        conn.execute(text("DROP SCHEMA IF EXISTS public CASCADE"))
        conn.execute(text("CREATE SCHEMA public"))
    upgrade(db)
    db.dispose()
    return url


def _empty_postgres(db: Database) -> None:
    names = ", ".join(f'"{t.name}"' for t in Base.metadata.sorted_tables)
    with db.engine.begin() as conn:
        conn.execute(text(f"TRUNCATE {names} RESTART IDENTITY CASCADE"))


def _open(
    request: pytest.FixtureRequest, tmp_path: Path, template: Path, demo: bool
) -> Iterator[Database]:
    if request.param == "sqlite":
        path = tmp_path / "test.sqlite3"
        shutil.copy(template, path)
        db = Database(sqlite_url(path))
        yield db
        db.dispose()
        return
    url = request.getfixturevalue("_postgres_url")
    if url is None:
        if IN_CI:
            pytest.fail(f"{PG_ENV} is not set: CI must run every test on PostgreSQL too")
        pytest.skip(f"PostgreSQL not configured (set {PG_ENV} to run these cases)")
    db = Database(url)
    _empty_postgres(db)
    if demo:
        from hsp_desktop.services.demo import create_demo_school

        create_demo_school(db, 90, today=_demo_today())
    yield db
    db.dispose()


@pytest.fixture(params=["sqlite", "postgresql"])
def db(
    request: pytest.FixtureRequest, tmp_path: Path, _sqlite_template: Path
) -> Iterator[Database]:
    yield from _open(request, tmp_path, _sqlite_template, demo=False)


@pytest.fixture(params=["sqlite", "postgresql"])
def demo_db(
    request: pytest.FixtureRequest, tmp_path: Path, _sqlite_demo_template: Path
) -> Iterator[Database]:
    yield from _open(request, tmp_path, _sqlite_demo_template, demo=True)


@pytest.fixture
def sqlite_db(tmp_path: Path, _sqlite_template: Path) -> Iterator[Database]:
    """SQLite only: for GUI tests and file-level checks where one backend is enough."""
    path = tmp_path / "test.sqlite3"
    shutil.copy(_sqlite_template, path)
    db = Database(sqlite_url(path))
    yield db
    db.dispose()


@pytest.fixture
def sqlite_demo_db(tmp_path: Path, _sqlite_demo_template: Path) -> Iterator[Database]:
    path = tmp_path / "demo.sqlite3"
    shutil.copy(_sqlite_demo_template, path)
    db = Database(sqlite_url(path))
    yield db
    db.dispose()


@pytest.fixture
def services(db: Database) -> Services:
    return Services.build(db)


@pytest.fixture
def demo_services(demo_db: Database) -> Services:
    return Services.build(demo_db)
