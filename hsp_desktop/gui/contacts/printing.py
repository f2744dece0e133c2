"""Saving a PDF the program made: ask where, write it off the UI thread, offer to open it."""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable
from pathlib import Path

from PySide6.QtCore import QDate, QObject, QUrl, Signal
from PySide6.QtGui import QDesktopServices
from PySide6.QtWidgets import (
    QButtonGroup,
    QDateEdit,
    QDialog,
    QDialogButtonBox,
    QFileDialog,
    QFormLayout,
    QRadioButton,
    QWidget,
)

from hsp_desktop import paths
from hsp_desktop.gui.common.context import AppContext
from hsp_desktop.gui.common.errors import show_error
from hsp_desktop.gui.common.operations import Operation


def qdate(day: dt.date) -> QDate:
    return QDate(day.year, day.month, day.day)


def pydate(day: QDate) -> dt.date:
    return dt.date(day.year(), day.month(), day.day())


class PdfSaver(QObject):
    """Makes a PDF with ``make()`` in the background and writes it where the user chose."""

    done = Signal(object)  # Path
    failed = Signal(object)

    def __init__(self, parent: QWidget) -> None:
        super().__init__(parent)
        self._parent = parent
        self.operation: Operation | None = None

    @staticmethod
    def ask_path(parent: QWidget, suggested: str) -> Path | None:
        """Where to save; tests replace this."""
        folder = Path.home() / "Documents"
        start = str((folder if folder.is_dir() else paths.data_dir()) / suggested)
        name, _ = QFileDialog.getSaveFileName(parent, "Save PDF", start, "PDF files (*.pdf)")
        return Path(name) if name else None

    @staticmethod
    def open_file(path: Path) -> None:
        """Show the saved PDF in the system's viewer; tests replace this."""
        QDesktopServices.openUrl(QUrl.fromLocalFile(str(path)))

    def save(self, suggested: str, make: Callable[[], bytes]) -> None:
        path = type(self).ask_path(self._parent, suggested)
        if path is None:
            return
        if path.suffix.lower() != ".pdf":
            path = path.with_suffix(".pdf")

        def work(_progress: Callable[[int, int], None], _cancelled: Callable[[], bool]) -> Path:
            path.write_bytes(make())
            return path

        self.operation = Operation(work, self)
        self.operation.succeeded.connect(self._succeeded)
        self.operation.failed.connect(self._failed)
        self.operation.start()

    def _succeeded(self, path: object) -> None:
        assert isinstance(path, Path)
        type(self).open_file(path)
        self.done.emit(path)

    def _failed(self, exc: object) -> None:
        assert isinstance(exc, BaseException)
        show_error(self._parent, exc)
        self.failed.emit(exc)


class ContactSheetDialog(QDialog):
    """The School-Home Contact Sheet for a student or the whole class, over chosen dates."""

    def __init__(
        self,
        ctx: AppContext,
        *,
        class_id: int | None,
        class_name: str = "",
        student_id: int | None = None,
        student_name: str = "",
        first: dt.date,
        last: dt.date,
        parent: QWidget | None = None,
    ) -> None:
        super().__init__(parent)
        self.ctx = ctx
        self.setWindowTitle("School – Home Contact Sheet")
        self.class_id, self.student_id = class_id, student_id
        form = QFormLayout(self)
        self.group = QButtonGroup(self)
        self.for_student = QRadioButton(f"&Student: {student_name}")
        self.for_class = QRadioButton(f"&Whole class: {class_name}")
        self.for_student.setEnabled(student_id is not None)
        self.for_class.setEnabled(class_id is not None)
        (self.for_student if student_id is not None else self.for_class).setChecked(True)
        for button in (self.for_student, self.for_class):
            self.group.addButton(button)
            form.addRow(button)
        self.first = QDateEdit(qdate(first))
        self.last = QDateEdit(qdate(last))
        for edit in (self.first, self.last):
            edit.setCalendarPopup(True)
            edit.setDisplayFormat("dd/MM/yyyy")
        form.addRow("&From:", self.first)
        form.addRow("&To:", self.last)
        buttons = QDialogButtonBox(QDialogButtonBox.StandardButton.Cancel)
        self.save_button = buttons.addButton("Save &PDF…", QDialogButtonBox.ButtonRole.AcceptRole)
        buttons.accepted.connect(self.save)
        buttons.rejected.connect(self.reject)
        form.addRow(buttons)
        self.saver = PdfSaver(self)
        self.saver.done.connect(lambda _p: self.accept())

    def save(self) -> None:
        first, last = pydate(self.first.date()), pydate(self.last.date())
        student = self.student_id if self.for_student.isChecked() else None
        cls = None if student is not None else self.class_id
        actor, contacts = self.ctx.actor, self.ctx.services.contacts
        self.saver.save(
            f"contact-sheet-{first:%Y%m%d}-{last:%Y%m%d}.pdf",
            lambda: contacts.contact_sheet_pdf(
                actor, student_id=student, class_id=cls, first=first, last=last
            ),
        )
