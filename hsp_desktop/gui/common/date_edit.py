"""A date typed as dd/mm/yyyy that may be left blank (a QDateEdit cannot be empty).

``value()`` is a date when the text is one, None when blank, and the text itself otherwise,
so the service can refuse it with a message naming the field.
"""

from __future__ import annotations

import datetime as dt

from PySide6.QtWidgets import QLineEdit, QWidget

FORMATS = ("%d/%m/%Y", "%Y-%m-%d", "%d.%m.%Y", "%d-%m-%Y")


def parse(text: str) -> dt.date | None:
    for fmt in FORMATS:
        try:
            return dt.datetime.strptime(text.strip(), fmt).date()
        except ValueError:
            continue
    return None


class DateEdit(QLineEdit):
    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setPlaceholderText("dd/mm/yyyy")
        self.setMaxLength(10)
        self.setClearButtonEnabled(True)
        self.editingFinished.connect(self._tidy)

    def value(self) -> dt.date | str | None:
        text = self.text().strip()
        if not text:
            return None
        return parse(text) or text

    def set_value(self, day: dt.date | None) -> None:
        self.setText(f"{day:%d/%m/%Y}" if day else "")

    def _tidy(self) -> None:
        day = parse(self.text())
        if day is not None:
            self.set_value(day)
