"""The Letters section of the student file: every letter about this student, as issued,
with its slip, and a reprint of any copy exactly as it went out."""

from __future__ import annotations

from PySide6.QtWidgets import QHBoxLayout, QLabel, QPushButton, QVBoxLayout, QWidget

from hsp_desktop import errors
from hsp_desktop.gui.common.context import AppContext
from hsp_desktop.gui.letters.common import ReprintDialog, fit_columns, issued_columns, lazy_table
from hsp_desktop.services.actor import Permission
from hsp_desktop.services.letter_runs import IssuedView


class StudentLettersTab(QWidget):
    def __init__(self, ctx: AppContext, student_id: int, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.ctx = ctx
        self.student_id = student_id
        self.model, self.proxy, self.view = lazy_table(
            issued_columns(), lambda i: i.id, "studentLetters"
        )
        self.message = QLabel()
        self.message.setWordWrap(True)
        self.reprint = QPushButton("&Reprint the chosen letter…")
        self.reprint.setEnabled(False)
        self.reprint.setVisible(ctx.actor.can(Permission.SEND_LETTERS))
        self.reprint.clicked.connect(self.reprint_selected)
        self.view.doubleClicked.connect(lambda _i: self.reprint_selected())
        self.view.selectionModel().selectionChanged.connect(
            lambda *_: self.reprint.setEnabled(self.selected() is not None)
        )
        self.dialog: ReprintDialog | None = None
        layout = QVBoxLayout(self)
        layout.addWidget(self.message)
        layout.addWidget(self.view, 1)
        buttons = QHBoxLayout()
        buttons.addWidget(self.reprint)
        buttons.addStretch(1)
        layout.addLayout(buttons)
        ctx.hub.changed.connect(
            lambda topic: self.refresh() if topic in {"letters", "returns"} else None
        )
        self.refresh()

    def refresh(self) -> None:
        try:
            letters = self.ctx.services.letter_runs.issued_for_student(
                self.ctx.actor, self.student_id
            )
        except errors.KnownError as exc:
            self.message.setText(exc.message)
            return
        self.model.set_rows(letters)
        fit_columns(self.view)
        waiting = sum(1 for i in letters if i.return_code and not i.returned)
        text = f"{len(letters)} letter(s) sent about this student."
        if waiting:
            text += f" {waiting} slip(s) not back yet."
        self.message.setText(text if letters else "No letters have been sent about this student.")

    def selected(self) -> IssuedView | None:
        rows = self.view.selectionModel().selectedRows()
        return self.proxy.row_at(rows[0].row()) if rows else None

    def reprint_selected(self) -> ReprintDialog | None:
        issued = self.selected()
        if issued is None or not self.ctx.actor.can(Permission.SEND_LETTERS):
            return None
        self.dialog = ReprintDialog(self.ctx, issued, self)
        self.dialog.open()
        return self.dialog
