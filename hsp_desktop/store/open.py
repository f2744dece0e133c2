"""Opening the database the program was asked for: check, migrate, hand over."""

from __future__ import annotations

import logging
from pathlib import Path

from hsp_desktop.store.database import Database, sqlite_url
from hsp_desktop.store.migrate import upgrade

log = logging.getLogger("hsp.store")


def url_for(database: str | None, default: Path) -> str:
    """A URL from what the user typed: a URL, a file path, or nothing (the default file)."""
    if not database:
        return sqlite_url(default)
    if "://" in database:
        return database
    return sqlite_url(Path(database).expanduser().resolve())


def open_database(url: str, *, migrate: bool = True) -> Database:
    """Connect, refuse foreign or newer databases, upgrade ours. Raises ``StoreError``."""
    db = Database(url)
    try:
        db.ping()
        if migrate:
            upgrade(db)
    except BaseException:
        db.dispose()
        raise
    log.info("opened %s", db.safe_url())
    return db
