"""Backups of an SQLite database, taken with SQLite's online backup API."""

from __future__ import annotations

import datetime as dt
import sqlite3
from pathlib import Path

from hsp_desktop import errors, paths


def backup_sqlite(source: Path, reason: str = "manual", folder: Path | None = None) -> Path:
    """Copy a live SQLite database consistently (safe while others are using it)."""
    folder = folder or paths.backup_dir()
    folder.mkdir(parents=True, exist_ok=True)
    stamp = dt.datetime.now().strftime("%Y%m%d-%H%M%S-%f")
    target = folder / f"{source.stem}-{stamp}-{reason}.sqlite3"
    try:
        src = sqlite3.connect(f"file:{source}?mode=ro", uri=True)
        try:
            dst = sqlite3.connect(target)
            try:
                src.backup(dst)
            finally:
                dst.close()
        finally:
            src.close()
    except sqlite3.Error as exc:
        target.unlink(missing_ok=True)
        raise errors.StoreError(f"Could not back up {source} to {folder}: {exc}") from exc
    return target
