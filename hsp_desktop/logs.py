"""Logging: a named logger per subsystem ("hsp.store", "hsp.gui", ...), one rotating file."""

from __future__ import annotations

import logging
import logging.handlers
from pathlib import Path

from hsp_desktop import paths

LOG_FILE = "hsp-desktop.log"


def setup(level: int = logging.INFO, *, to_stderr: bool = False) -> Path | None:
    root = logging.getLogger("hsp")
    root.setLevel(level)
    formatter = logging.Formatter("%(asctime)s %(levelname)-7s %(name)s: %(message)s")
    path: Path | None = None
    try:
        path = paths.log_dir() / LOG_FILE
        handler: logging.Handler = logging.handlers.RotatingFileHandler(
            path, maxBytes=2_000_000, backupCount=5, encoding="utf-8"
        )
    except OSError:
        handler = logging.StreamHandler()
        path = None
    handler.setFormatter(formatter)
    root.addHandler(handler)
    if to_stderr:
        err = logging.StreamHandler()
        err.setLevel(logging.WARNING)
        err.setFormatter(logging.Formatter("%(levelname)s: %(message)s"))
        root.addHandler(err)
    return path
