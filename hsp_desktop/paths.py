"""Every folder the program reads or writes, in one place.

``HSP_DESKTOP_HOME`` puts data, config, logs and backups under one folder (tests, portable
installs, the demo school). Otherwise the platform's usual folders are used.
"""

from __future__ import annotations

import os
import sys
from pathlib import Path

import platformdirs

from hsp_desktop.errors import FolderError

APP_NAME = "hsp-desktop"
APP_AUTHOR = "hsp-desktop"
HOME_ENV = "HSP_DESKTOP_HOME"


def _home() -> Path | None:
    value = os.environ.get(HOME_ENV, "").strip()
    return Path(value).expanduser() if value else None


def _ensure(path: Path) -> Path:
    try:
        path.mkdir(parents=True, exist_ok=True)
    except OSError as exc:
        raise FolderError(f"Cannot create the folder {path}: {exc.strerror}.") from None
    return path


def data_dir() -> Path:
    home = _home()
    return _ensure(home / "data" if home else platformdirs.user_data_path(APP_NAME, APP_AUTHOR))


def config_dir() -> Path:
    home = _home()
    return _ensure(home / "config" if home else platformdirs.user_config_path(APP_NAME, APP_AUTHOR))


def log_dir() -> Path:
    home = _home()
    return _ensure(home / "logs" if home else platformdirs.user_log_path(APP_NAME, APP_AUTHOR))


def backup_dir() -> Path:
    return _ensure(data_dir() / "backups")


def demo_dir() -> Path:
    """The demo school lives apart from the real one so the two never mix."""
    return _ensure(data_dir() / "demo")


def default_database_path() -> Path:
    return data_dir() / "hsp-desktop.sqlite3"


def demo_database_path() -> Path:
    return demo_dir() / "demo-school.sqlite3"


def _data_root() -> Path:
    """Where ``resources/`` and ``translations/`` are: frozen bundle, wheel or checkout."""
    frozen = getattr(sys, "_MEIPASS", None)
    if frozen:
        return Path(frozen)
    package = Path(__file__).resolve().parent
    installed = package / "_data"
    if installed.is_dir():
        return installed
    return package.parent


def resources_dir() -> Path:
    return _data_root() / "resources"


def translations_dir() -> Path:
    return _data_root() / "translations"


def fonts_dir() -> Path:
    return resources_dir() / "fonts"


def letters_dir() -> Path:
    return resources_dir() / "letters"


def letter_catalogs_dir() -> Path:
    return translations_dir() / "letters"
