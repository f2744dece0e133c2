"""The student file's "Contacts" section: the student's contact log, newest first."""

from __future__ import annotations

from typing import Any

from PySide6.QtCore import QAbstractTableModel, QModelIndex, QObject, QPersistentModelIndex, Qt
from PySide6.QtWidgets import (
    QAbstractItemView,
    QHBoxLayout,
    QHeaderView,
    QPushButton,
    QTableView,
    QVBoxLayout,
    QWidget,
)

from hsp_desktop import errors
from hsp_desktop.gui.common.context import AppContext
from hsp_desktop.gui.common.errors import show_error
from hsp_desktop.gui.contacts.form import ContactDialog
from hsp_desktop.services.contacts import ContactRow

Index = QModelIndex | QPersistentModelIndex
COLUMNS = ("When", "How", "With", "Outcome", "Tone", "By", "Summary")


class ContactLogModel(QAbstractTableModel):
    """Contact ids with a lazy row cache: rows are fetched in blocks as they are shown."""

    BLOCK = 100

    def __init__(self, ctx: AppContext, parent: QObject | None = None) -> None:
        super().__init__(parent)
        self.ctx = ctx
        self.ids: list[int] = []
        self.cache: dict[int, ContactRow] = {}

    def set_ids(self, ids: list[int]) -> None:
        self.beginResetModel()
        self.ids = ids
        self.cache.clear()
        self.endResetModel()

    def row(self, index: int) -> ContactRow | None:
        contact_id = self.ids[index]
        if contact_id not in self.cache:
            start = (index // self.BLOCK) * self.BLOCK
            block = [i for i in self.ids[start : start + self.BLOCK] if i not in self.cache]
            self.cache.update(self.ctx.services.contacts.rows(self.ctx.actor, block))
        return self.cache.get(contact_id)

    def rowCount(self, parent: Index = QModelIndex()) -> int:  # noqa: B008
        return 0 if parent.isValid() else len(self.ids)

    def columnCount(self, parent: Index = QModelIndex()) -> int:  # noqa: B008
        return 0 if parent.isValid() else len(COLUMNS)

    def headerData(
        self, section: int, orientation: Qt.Orientation, role: int = Qt.ItemDataRole.DisplayRole
    ) -> Any:
        if orientation == Qt.Orientation.Horizontal and role == Qt.ItemDataRole.DisplayRole:
            return COLUMNS[section]
        return None

    def data(self, index: Index, role: int = Qt.ItemDataRole.DisplayRole) -> Any:
        if not index.isValid() or role not in (
            Qt.ItemDataRole.DisplayRole,
            Qt.ItemDataRole.ToolTipRole,
        ):
            return None
        row = self.row(index.row())
        if row is None:
            return ""
        if role == Qt.ItemDataRole.ToolTipRole:
            return row.summary[:2000]
        return (
            row.at.astimezone().strftime("%d/%m/%Y %H:%M"),
            row.channel.label,
            row.carers,
            row.outcome.label,
            row.tone.label,
            row.staff_name,
            row.summary.replace("\n", " ")[:200],
        )[index.column()]


class StudentContactsTab(QWidget):
    def __init__(self, ctx: AppContext, student_id: int, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.ctx = ctx
        self.student_id = student_id
        layout = QVBoxLayout(self)
        self.model = ContactLogModel(ctx, self)
        self.table = QTableView()
        self.table.setObjectName("studentContacts")
        self.table.setModel(self.model)
        self.table.setSelectionBehavior(QAbstractItemView.SelectionBehavior.SelectRows)
        self.table.setSelectionMode(QAbstractItemView.SelectionMode.SingleSelection)
        self.table.verticalHeader().hide()
        self.table.horizontalHeader().setSectionResizeMode(6, QHeaderView.ResizeMode.Stretch)
        self.table.doubleClicked.connect(lambda _i: self.edit_selected())
        layout.addWidget(self.table, 1)
        buttons = QHBoxLayout()
        log = QPushButton("&Log a contact…")
        log.clicked.connect(self.log_contact)
        edit = QPushButton("&Open…")
        edit.clicked.connect(self.edit_selected)
        buttons.addWidget(log)
        buttons.addWidget(edit)
        buttons.addStretch(1)
        layout.addLayout(buttons)
        self.dialog: ContactDialog | None = None
        ctx.hub.changed.connect(lambda topic: self.refresh() if topic == "contacts" else None)
        self.refresh()

    def current_student_id(self) -> int:
        return self.student_id

    def refresh(self) -> None:
        self.model.set_ids(
            self.ctx.services.contacts.ids(self.ctx.actor, student_id=self.student_id)
        )

    def log_contact(self) -> None:
        self.dialog = ContactDialog(self.ctx, self.student_id, parent=self)
        self.dialog.open()

    def edit_selected(self) -> None:
        rows = self.table.selectionModel().selectedRows()
        if not rows:
            return
        row = self.model.row(rows[0].row())
        if row is None or row.hidden:
            return
        try:
            view = self.ctx.services.contacts.get(self.ctx.actor, row.id)
        except errors.KnownError as exc:
            show_error(self, exc)
            return
        self.dialog = ContactDialog(self.ctx, self.student_id, existing=view, parent=self)
        self.dialog.open()
