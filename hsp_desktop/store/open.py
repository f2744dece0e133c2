"""Opening the database the program was asked for: check, migrate, hand over."""

from __future__ import annotations

import logging

from hsp_desktop.dburl import url_for
from hsp_desktop.store.database import Database
from hsp_desktop.store.migrate import upgrade

__all__ = ["open_database", "url_for"]

log = logging.getLogger("hsp.store")


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
