"""The student file's "Home-school book" section: the pages, the family's, and the fields."""

from __future__ import annotations

import datetime as dt

from PySide6.QtCore import QDate
from PySide6.QtWidgets import (
    QAbstractItemView,
    QCheckBox,
    QComboBox,
    QDateEdit,
    QDialog,
    QDialogButtonBox,
    QFormLayout,
    QGroupBox,
    QHBoxLayout,
    QHeaderView,
    QPlainTextEdit,
    QPushButton,
    QTableView,
    QVBoxLayout,
    QWidget,
)

from hsp_desktop import errors
from hsp_desktop.gui.common.context import AppContext
from hsp_desktop.gui.common.errors import show_error
from hsp_desktop.gui.common.tables import Column, RowsModel
from hsp_desktop.gui.contacts.conflict import ConflictDialog
from hsp_desktop.gui.contacts.printing import PdfSaver, pydate
from hsp_desktop.services.homebook import EntryView, FamilyEntryKind, StructuredField


def _entry_text(e: EntryView) -> str:
    if e.author == "family":
        if e.family_kind is FamilyEntryKind.RECEIVED and not e.message:
            return "(Family wrote in the paper book)"
        return e.message
    parts = [e.activities]
    if e.achievements:
        parts.append(f"★ {e.achievements}")
    if e.events:
        parts.append(e.events)
    parts += [f"{f.label}: {v}" for f, v in e.structured]
    return " · ".join(p for p in parts if p)


class FamilyEntryDialog(QDialog):
    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setWindowTitle("The family wrote in the book")
        form = QFormLayout(self)
        self.day = QDateEdit(QDate.currentDate())
        self.day.setCalendarPopup(True)
        self.day.setDisplayFormat("dd/MM/yyyy")
        self.kind = QComboBox()
        self.kind.addItem("Typed in here", FamilyEntryKind.TRANSCRIBED)
        self.kind.addItem("Only note that they wrote", FamilyEntryKind.RECEIVED)
        self.message = QPlainTextEdit()
        self.message.setTabChangesFocus(True)
        self.needs_reply = QCheckBox("&Needs a reply")
        self.needs_reply.setChecked(True)
        form.addRow("&Day:", self.day)
        form.addRow("&How:", self.kind)
        form.addRow("&What they wrote:", self.message)
        form.addRow("", self.needs_reply)
        buttons = QDialogButtonBox(
            QDialogButtonBox.StandardButton.Save | QDialogButtonBox.StandardButton.Cancel
        )
        buttons.accepted.connect(self.accept)
        buttons.rejected.connect(self.reject)
        form.addRow(buttons)


class StudentHomebookTab(QWidget):
    def __init__(self, ctx: AppContext, student_id: int, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.ctx = ctx
        self.student_id = student_id
        layout = QVBoxLayout(self)
        fields_box = QGroupBox("Recorded for this student")
        fields_row = QHBoxLayout(fields_box)
        self.field_checks: dict[StructuredField, QCheckBox] = {}
        for f in StructuredField:
            check = QCheckBox(f.label)
            self.field_checks[f] = check
            fields_row.addWidget(check)
        self.save_fields_button = QPushButton("Save")
        self.save_fields_button.clicked.connect(self.save_fields)
        fields_row.addWidget(self.save_fields_button)
        layout.addWidget(fields_box)
        self.model: RowsModel[EntryView] = RowsModel(
            [
                Column("Day", lambda e: e.day.strftime("%a %d/%m/%Y")),
                Column(
                    "From",
                    lambda e: (
                        "School"
                        if e.author == "school"
                        else "Family" + (" – awaiting reply" if e.needs_reply else "")
                    ),
                ),
                Column("Mood", lambda e: e.mood.label if e.mood else ""),
                Column("Page", _entry_text),
                Column("By", lambda e: e.staff_name),
            ],
            self,
        )
        self.table = QTableView()
        self.table.setObjectName("studentHomebook")
        self.table.setModel(self.model)
        self.table.setSelectionBehavior(QAbstractItemView.SelectionBehavior.SelectRows)
        self.table.verticalHeader().hide()
        self.table.horizontalHeader().setSectionResizeMode(3, QHeaderView.ResizeMode.Stretch)
        layout.addWidget(self.table, 1)
        buttons = QHBoxLayout()
        for text, slot in (
            ("&Family page…", self.family_page),
            ("Mark &answered", self.mark_answered),
            ("Print this &week…", self.print_week),
        ):
            button = QPushButton(text)
            button.clicked.connect(slot)
            buttons.addWidget(button)
        buttons.addStretch(1)
        layout.addLayout(buttons)
        self.saver = PdfSaver(self)
        self.fields_version = 0
        ctx.hub.changed.connect(lambda topic: self.refresh() if topic == "homebook" else None)
        self.refresh()

    def current_student_id(self) -> int:
        return self.student_id

    def refresh(self) -> None:
        homebook = self.ctx.services.homebook
        ids = homebook.entry_ids(self.ctx.actor, self.student_id)[:400]
        entries = homebook.entries(self.ctx.actor, ids)
        self.model.set_rows([entries[i] for i in ids if i in entries])
        fields, self.fields_version = homebook.fields(self.ctx.actor, self.student_id)
        for f, check in self.field_checks.items():
            check.setChecked(f in fields)

    def save_fields(self) -> None:
        chosen = [f for f, c in self.field_checks.items() if c.isChecked()]
        try:
            self.ctx.services.homebook.set_fields(
                self.ctx.actor, self.student_id, self.fields_version, chosen
            )
        except errors.ConflictError as exc:
            ConflictDialog.show_conflict(self, exc)
        except errors.KnownError as exc:
            show_error(self, exc)
        self.ctx.hub.changed.emit("homebook")

    def family_page(self) -> None:
        dialog = FamilyEntryDialog(self)
        while dialog.exec() == QDialog.DialogCode.Accepted:
            try:
                self.ctx.services.homebook.record_family_entry(
                    self.ctx.actor,
                    self.student_id,
                    pydate(dialog.day.date()),
                    FamilyEntryKind(dialog.kind.currentData()),
                    dialog.message.toPlainText(),
                    needs_reply=dialog.needs_reply.isChecked(),
                )
            except errors.KnownError as exc:
                show_error(self, exc)
                continue
            self.ctx.hub.changed.emit("homebook")
            return

    def mark_answered(self) -> None:
        rows = self.table.selectionModel().selectedRows()
        if not rows:
            return
        entry = self.model.row(rows[0].row())
        if not entry.needs_reply:
            return
        try:
            self.ctx.services.homebook.mark_answered(self.ctx.actor, entry.id, entry.version)
        except errors.KnownError as exc:
            show_error(self, exc)
        self.ctx.hub.changed.emit("homebook")

    def print_week(self) -> None:
        today = dt.date.today()
        monday = today - dt.timedelta(days=today.weekday())
        actor, homebook, student = self.ctx.actor, self.ctx.services.homebook, self.student_id
        self.saver.save(
            f"home-school-book-{monday:%Y%m%d}.pdf",
            lambda: homebook.week_pages_pdf(actor, [student], monday),
        )
