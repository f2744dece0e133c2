"""Persistence: the database, its migrations and backups."""

from hsp_desktop.dburl import sqlite_url
from hsp_desktop.store.database import Database, Location

__all__ = ["Database", "Location", "sqlite_url"]
