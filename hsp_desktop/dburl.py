"""Database addresses from what the user typed (kept free of SQLAlchemy: used at start-up)."""

from __future__ import annotations

from pathlib import Path


def sqlite_url(path: Path) -> str:
    return f"sqlite+pysqlite:///{path}"


def url_for(database: str | None, default: Path) -> str:
    """A URL from a URL, a file path, or nothing (the default file)."""
    if not database:
        return sqlite_url(default)
    if "://" in database:
        return database
    return sqlite_url(Path(database).expanduser().resolve())
