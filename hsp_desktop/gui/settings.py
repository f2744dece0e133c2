"""Preferences, declared in one place; window geometry kept apart from them."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from PySide6.QtCore import QByteArray, QSettings

from hsp_desktop import paths


@dataclass(frozen=True)
class Option:
    key: str
    type: type
    default: Any
    title: str


OPTIONS: dict[str, Option] = {
    o.key: o
    for o in (
        Option("login/last_username", str, "", "Last username used to sign in"),
        Option("ui/last_area", str, "home", "Area shown after signing in"),
    )
}


class Settings:
    """Typed access to declared options, stored in an INI file in the config folder."""

    def __init__(self, qsettings: QSettings | None = None) -> None:
        self._q = qsettings or QSettings(
            str(paths.config_dir() / "settings.ini"), QSettings.Format.IniFormat
        )

    def get(self, key: str) -> Any:
        option = OPTIONS[key]
        value = self._q.value(key, option.default)
        if option.type is bool and isinstance(value, str):
            return value.lower() in {"1", "true", "yes"}
        try:
            return option.type(value)
        except (TypeError, ValueError):
            return option.default

    def set(self, key: str, value: Any) -> None:
        OPTIONS[key]  # only declared options are stored
        self._q.setValue(key, value)

    # Free-form values owned by one screen (column choices, mappings), namespaced by the caller.
    def get_raw(self, key: str, default: Any = None) -> Any:
        return self._q.value(f"state/{key}", default)

    def set_raw(self, key: str, value: Any) -> None:
        self._q.setValue(f"state/{key}", value)

    def geometry(self, name: str) -> QByteArray | None:
        value = self._q.value(f"geometry/{name}")
        return value if isinstance(value, QByteArray) else None

    def set_geometry(self, name: str, value: QByteArray) -> None:
        self._q.setValue(f"geometry/{name}", value)

    def sync(self) -> None:
        self._q.sync()
