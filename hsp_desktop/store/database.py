"""The database: an engine from a URL, a unit of work, and the checks made when opening it."""

from __future__ import annotations

import logging
import os
import sqlite3
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from sqlalchemy import Engine, create_engine, event, inspect, text
from sqlalchemy.engine import make_url
from sqlalchemy.exc import ArgumentError, DBAPIError, NoSuchModuleError, OperationalError
from sqlalchemy.orm import Session, sessionmaker

from hsp_desktop import errors

log = logging.getLogger("hsp.store")

BUSY_TIMEOUT_MS = 5000


@dataclass(frozen=True)
class Location:
    """Where the data is, as the status bar shows it."""

    kind: str  # "sqlite" | "postgresql"
    description: str
    path: Path | None = None


def _sqlite_pragmas(busy_timeout_ms: int) -> Callable[[Any, Any], None]:
    def on_connect(dbapi_conn: Any, _record: Any) -> None:
        # Let SQLAlchemy, not the driver, decide when a transaction begins.
        dbapi_conn.isolation_level = None
        cur = dbapi_conn.cursor()
        cur.execute(f"PRAGMA busy_timeout = {int(busy_timeout_ms)}")
        cur.execute("PRAGMA foreign_keys = ON")
        cur.execute("PRAGMA journal_mode = WAL")
        cur.execute("PRAGMA synchronous = NORMAL")
        cur.close()

    return on_connect


def _begin_sqlite(conn: Any) -> None:
    conn.exec_driver_sql("BEGIN")


class Database:
    """Opened from a URL; ``transaction()`` is the unit of work every service call uses."""

    def __init__(
        self, url: str, *, echo: bool = False, busy_timeout_ms: int = BUSY_TIMEOUT_MS
    ) -> None:
        try:
            self.url = make_url(url)
        except ArgumentError:
            raise errors.DatabaseUnavailable(
                f"{url!r} is not a database address. Use a file path, sqlite:///path "
                "or postgresql+psycopg://user@host/dbname."
            ) from None
        self.is_sqlite = self.url.get_backend_name() == "sqlite"
        self.path: Path | None = None
        kwargs: dict[str, Any] = {"echo": echo, "future": True}
        if self.is_sqlite:
            if self.url.database and self.url.database != ":memory:":
                self.path = Path(self.url.database).expanduser().resolve()
            kwargs["connect_args"] = {"timeout": busy_timeout_ms / 1000}
        else:
            kwargs["pool_pre_ping"] = True
            kwargs["connect_args"] = {"connect_timeout": 10}
        try:
            self.engine: Engine = create_engine(self.url, **kwargs)
        except (NoSuchModuleError, ImportError) as exc:
            raise errors.DatabaseUnavailable(
                f"This program cannot talk to {self.url.get_backend_name()} databases ({exc}). "
                "For PostgreSQL install the 'postgres' extra: pip install '.[postgres]'."
            ) from None
        if self.is_sqlite:
            event.listen(self.engine, "connect", _sqlite_pragmas(busy_timeout_ms))
            event.listen(self.engine, "begin", _begin_sqlite)
        self._sessions = sessionmaker(self.engine, expire_on_commit=False, autoflush=True)

    # -- where ------------------------------------------------------------------------------
    @property
    def location(self) -> Location:
        if self.is_sqlite:
            return Location("sqlite", str(self.path) if self.path else "in memory", self.path)
        host = self.url.host or "localhost"
        port = f":{self.url.port}" if self.url.port else ""
        return Location("postgresql", f"{self.url.database} on {host}{port}")

    def safe_url(self) -> str:
        return self.url.render_as_string(hide_password=True)

    # -- unit of work -----------------------------------------------------------------------
    @contextmanager
    def transaction(self) -> Iterator[Session]:
        """One unit of work: commits when the block ends, rolls back if it raises."""
        session = self._sessions()
        try:
            with translate_errors(self):
                yield session
                session.commit()
        except BaseException:
            session.rollback()
            raise
        finally:
            session.close()

    @contextmanager
    def read(self) -> Iterator[Session]:
        """A read-only unit of work (rolled back at the end, never commits)."""
        session = self._sessions()
        try:
            with translate_errors(self):
                yield session
        finally:
            session.rollback()
            session.close()

    def dispose(self) -> None:
        self.engine.dispose()

    # -- checks -----------------------------------------------------------------------------
    def ping(self) -> None:
        """Connect once, so that a bad address fails here with a clear message."""
        if self.path is not None:
            check_sqlite_file(self.path)
        with translate_errors(self), self.engine.connect() as conn:
            conn.execute(text("SELECT 1"))

    def table_names(self) -> set[str]:
        with translate_errors(self), self.engine.connect() as conn:
            return set(inspect(conn).get_table_names())

    def integrity_problems(self) -> list[str]:
        """SQLite's own integrity and foreign key checks; empty when all is well."""
        if not self.is_sqlite:
            return []
        problems: list[str] = []
        with translate_errors(self), self.engine.connect() as conn:
            for (row,) in conn.exec_driver_sql("PRAGMA integrity_check").fetchall():
                if row != "ok":
                    problems.append(str(row))
            for row in conn.exec_driver_sql("PRAGMA foreign_key_check").fetchall():
                problems.append(f"row {row[1]} of {row[0]} points at a missing {row[2]}")
        return problems


SQLITE_MAGIC = b"SQLite format 3\x00"


def check_sqlite_file(path: Path) -> None:
    """Refuse, before SQLite touches it, a file that is not a database or cannot be written."""
    folder = path.parent
    if path.exists():
        if path.is_dir():
            raise errors.NotADatabase(f"{path} is a folder, not a database file.")
        try:
            with path.open("rb") as fh:
                head = fh.read(16)
        except PermissionError:
            raise errors.DatabaseUnavailable(
                f"{path} cannot be read (permission denied)."
            ) from None
        if head and head != SQLITE_MAGIC:
            raise errors.NotADatabase(
                f"{path} is not an hsp-desktop database (it is not an SQLite file)."
            )
        if not os.access(path, os.W_OK) or not os.access(folder, os.W_OK):
            raise errors.DatabaseUnavailable(
                f"{path} is read-only here. The program needs to write to the file and its "
                "folder; ask your administrator to check the permissions."
            )
        if head:
            _refuse_foreign_sqlite(path)
    else:
        if not folder.exists():
            try:
                folder.mkdir(parents=True)
            except OSError as exc:
                raise errors.DatabaseUnavailable(
                    f"Cannot create the folder {folder}: {exc.strerror}."
                ) from None
        if not os.access(folder, os.W_OK):
            raise errors.DatabaseUnavailable(
                f"Cannot create a database in {folder}: the folder is read-only."
            )


def _refuse_foreign_sqlite(path: Path) -> None:
    """Look inside read-only, so that a file which is not ours is not changed by opening it."""
    try:
        con = sqlite3.connect(f"file:{path}?mode=ro", uri=True)
        try:
            tables = {
                row[0] for row in con.execute("SELECT name FROM sqlite_master WHERE type = 'table'")
            }
        finally:
            con.close()
    except sqlite3.DatabaseError as exc:
        raise errors.NotADatabase(f"{path} is damaged or is not a database ({exc}).") from None
    if tables and "alembic_version" not in tables:
        shown = ", ".join(sorted(tables)[:5])
        raise errors.ForeignDatabase(
            f"{path} is an SQLite database but not an hsp-desktop database (it holds {shown}). "
            "Nothing was changed."
        )


@contextmanager
def translate_errors(db: Database) -> Iterator[None]:
    """Turn driver errors about the environment into the domain's ``StoreError`` kinds."""
    try:
        yield
    except OperationalError as exc:
        raise _store_error(db, exc) from exc
    except DBAPIError as exc:
        low = str(exc.orig).lower()
        if isinstance(exc.orig, sqlite3.DatabaseError) and (
            "not a database" in low or "malformed" in low or "encrypted" in low
        ):
            raise errors.NotADatabase(
                f"{db.location.description} is damaged or is not a database ({exc.orig}). "
                "Restore the latest backup (see the backups folder) or ask for help."
            ) from exc
        raise


def _store_error(db: Database, exc: OperationalError) -> errors.StoreError:
    message = str(exc.orig).strip()
    where = db.location.description
    low = message.lower()
    if "locked" in low or "busy" in low:
        return errors.DatabaseLocked(
            f"The database {where} is locked by another program. Try again in a moment; "
            "if it stays locked, close other copies of hsp-desktop."
        )
    if "not a database" in low or "malformed" in low or "file is encrypted" in low:
        return errors.NotADatabase(f"{where} is damaged or is not a database ({message}).")
    if "readonly" in low or "read-only" in low:
        return errors.DatabaseUnavailable(f"{where} is read-only: {message}.")
    if "unable to open" in low:
        return errors.DatabaseUnavailable(f"Cannot open {where}: {message}.")
    if db.is_sqlite:
        return errors.StoreError(f"Database error on {where}: {message}")
    first = message.splitlines()[0] if message else "no answer"
    return errors.DatabaseUnavailable(f"Cannot reach the database server ({where}): {first}")
