"""Persistence: the database, its migrations and backups."""

from hsp_desktop.store.database import Database, Location, sqlite_url

__all__ = ["Database", "Location", "sqlite_url"]
