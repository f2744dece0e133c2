"""Administration: the school's details (letterhead)."""

from __future__ import annotations

from PySide6.QtWidgets import (
    QComboBox,
    QFormLayout,
    QLineEdit,
    QMessageBox,
    QPlainTextEdit,
    QPushButton,
    QWidget,
)

from hsp_desktop import errors
from hsp_desktop.gui.common.context import AppContext
from hsp_desktop.gui.common.errors import show_error
from hsp_desktop.model.enums import Country
from hsp_desktop.services.school import SchoolView

_FIELDS = (
    ("name", "School &name"),
    ("postcode", "&Postcode"),
    ("phone", "P&hone"),
    ("email", "&Email"),
    ("website", "&Website"),
    ("head_teacher", "Head &teacher"),
    ("urn", "&URN"),
    ("la_code", "&LA code"),
    ("estab_number", "Establishment &number"),
)


class SchoolPage(QWidget):
    def __init__(self, ctx: AppContext, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.ctx = ctx
        form = QFormLayout(self)
        self.edits: dict[str, QLineEdit] = {}
        for key, label in _FIELDS:
            edit = QLineEdit()
            edit.setObjectName(key)
            self.edits[key] = edit
            form.addRow(label + ":", edit)
            if key == "name":
                self.address = QPlainTextEdit()
                self.address.setTabChangesFocus(True)
                self.address.setFixedHeight(80)
                form.addRow("&Address:", self.address)
        self.country = QComboBox()
        self.country.addItem("England", Country.ENGLAND)
        self.country.addItem("Wales", Country.WALES)
        form.addRow("&Country:", self.country)
        self.save_button = QPushButton("&Save")
        self.save_button.clicked.connect(self.save)
        form.addRow(self.save_button)
        self._loaded: SchoolView | None = None
        self.load()

    def load(self) -> None:
        view = self.ctx.services.school.get()
        self._loaded = view
        for key, edit in self.edits.items():
            edit.setText(getattr(view, key))
        self.address.setPlainText(view.address)
        self.country.setCurrentIndex(0 if view.country is Country.ENGLAND else 1)

    def save(self) -> None:
        assert self._loaded is not None
        values = {key: edit.text() for key, edit in self.edits.items()}
        try:
            self._loaded = self.ctx.services.school.update(
                self.ctx.actor,
                self._loaded.version,
                address=self.address.toPlainText(),
                country=self.country.currentData(),
                **values,
            )
        except errors.ConflictError as exc:
            show_error(self, exc)
            self.load()
            return
        except errors.KnownError as exc:
            show_error(self, exc)
            return
        self.ctx.hub.changed.emit("school")
        QMessageBox.information(self, "Saved", "The school's details were saved.")
