"""The Family section of the student file: carers, their links, addresses and restrictions.

A restricted carer shows in red wherever they appear: their row, their details, and the
banner at the top of the file.
"""

from __future__ import annotations

import html
from typing import Any

from PySide6.QtCore import (
    QAbstractTableModel,
    QItemSelectionModel,
    QModelIndex,
    QObject,
    QPersistentModelIndex,
    Qt,
    Signal,
)
from PySide6.QtGui import QBrush, QColor, QFont
from PySide6.QtWidgets import (
    QAbstractItemView,
    QDialog,
    QHBoxLayout,
    QHeaderView,
    QLabel,
    QMessageBox,
    QPushButton,
    QSplitter,
    QTableView,
    QVBoxLayout,
    QWidget,
)

from hsp_desktop import errors
from hsp_desktop.gui.common.context import AppContext
from hsp_desktop.gui.common.errors import show_error
from hsp_desktop.gui.common.lazy_table import ALERT_COLOUR
from hsp_desktop.gui.students.family_dialogs import (
    AddCarerDialog,
    EditAddressDialog,
    EditCarerDialog,
    EditLinkDialog,
    LinkExistingCarerDialog,
    MoveCarerDialog,
)
from hsp_desktop.model.enums import Restriction
from hsp_desktop.services.actor import Permission
from hsp_desktop.services.families import FamilyMember
from hsp_desktop.services.students import display_phone

Index = QModelIndex | QPersistentModelIndex
ALERT_CSS = "color:#b71c1c; font-weight:600"


def _yes(flag: bool) -> str:
    return "Yes" if flag else "No"


def _phone(member: FamilyMember) -> str:
    phones = member.carer.phones
    return display_phone(phones[0][1]) if phones else ""


_COLUMNS: tuple[tuple[str, Any], ...] = (
    ("Name", lambda m: m.carer.full_name),
    ("Relationship", lambda m: m.link.relationship_to_student.label),
    ("Restriction", lambda m: ("⚠ " + m.link.restriction.label) if m.link.is_restricted else ""),
    ("Parental resp.", lambda m: _yes(m.link.parental_responsibility)),
    ("Lives with", lambda m: _yes(m.link.lives_with_student)),
    ("Letters", lambda m: _yes(m.link.receives_correspondence)),
    ("Order", lambda m: str(m.link.contact_order)),
    ("Phone", _phone),
    ("Contact by", lambda m: m.carer.preferred_contact.label),
    ("Language and access", lambda m: m.carer.access_summary),
)
_RESTRICTION_COLUMN = 2


class FamilyModel(QAbstractTableModel):
    """The few carers of one student (a short list: no lazy loading needed)."""

    def __init__(self, parent: QObject | None = None) -> None:
        super().__init__(parent)
        self.members: tuple[FamilyMember, ...] = ()

    def set_members(self, members: tuple[FamilyMember, ...]) -> None:
        self.beginResetModel()
        self.members = members
        self.endResetModel()

    def rowCount(self, parent: Index = QModelIndex()) -> int:  # noqa: B008
        return 0 if parent.isValid() else len(self.members)

    def columnCount(self, parent: Index = QModelIndex()) -> int:  # noqa: B008
        return 0 if parent.isValid() else len(_COLUMNS)

    def data(self, index: Index, role: int = Qt.ItemDataRole.DisplayRole) -> Any:
        if not index.isValid():
            return None
        member = self.members[index.row()]
        if role == Qt.ItemDataRole.DisplayRole:
            return _COLUMNS[index.column()][1](member)
        if role == Qt.ItemDataRole.ToolTipRole and index.column() == _RESTRICTION_COLUMN:
            return member.link.restriction_text or None
        if member.link.is_restricted:
            if role == Qt.ItemDataRole.ForegroundRole:
                return QBrush(ALERT_COLOUR)
            if role == Qt.ItemDataRole.FontRole:
                font = QFont()
                font.setBold(True)
                return font
            if role == Qt.ItemDataRole.BackgroundRole:
                return QBrush(QColor("#fdecea"))
        return None

    def headerData(
        self, section: int, orientation: Qt.Orientation, role: int = Qt.ItemDataRole.DisplayRole
    ) -> Any:
        if orientation == Qt.Orientation.Horizontal and role == Qt.ItemDataRole.DisplayRole:
            return _COLUMNS[section][0]
        return None


def member_details_html(member: FamilyMember) -> str:
    carer, link = member.carer, member.link
    e = html.escape
    parts = [
        f"<h3 style='margin:0'>{e(carer.full_name)} — {e(link.relationship_to_student.label)}</h3>"
    ]
    if link.is_restricted:
        parts.append(
            "<p style='color:#ffffff; background:#b71c1c; padding:4px; font-weight:600'>"
            f"⚠ {e(link.restriction_text)}</p>"
        )
    phones = " · ".join(f"{kind} {e(display_phone(n))}" for kind, n in carer.phones) or "none"
    rows = [
        ("Phones", phones),
        ("Email", e(carer.email) or "none"),
        ("Prefers", e(carer.preferred_contact.label)),
    ]
    household = carer.household
    if household is not None:
        others = [name for cid, name in household.members if cid != carer.id]
        address = e(household.one_line)
        if others:
            address += " <i>(also lives here: " + e(", ".join(others)) + ")</i>"
        rows.append(("Address", address))
    else:
        rows.append(("Address", "not recorded"))
    rows.append(("Language and access", f"<b>{e(carer.access_summary)}</b>"))
    if carer.interpreter_notes:
        rows.append(("Interpreter notes", e(carer.interpreter_notes).replace("\n", "<br>")))
    rows.append(
        (
            "For this student",
            f"Parental responsibility: {_yes(link.parental_responsibility)} · "
            f"Lives with: {_yes(link.lives_with_student)} · "
            f"Receives letters: {_yes(link.receives_correspondence)} · "
            f"Contact order {link.contact_order}",
        )
    )
    siblings = [s for s in carer.students if s.student_id != link.student_id]
    if siblings:
        shown = []
        for s in siblings:
            text = f"{e(s.name)} ({e(s.relationship.label.lower())})"
            if s.restriction is not Restriction.NONE:
                text = f"<span style='{ALERT_CSS}'>{text}: {e(s.restriction.label)}</span>"
            shown.append(text)
        rows.append(("Also carer of", ", ".join(shown)))
    parts.append(
        "<table cellspacing='2'>"
        + "".join(f"<tr><td><b>{k}:</b>&nbsp;</td><td>{v}</td></tr>" for k, v in rows)
        + "</table>"
    )
    return "".join(parts)


class ConfirmUnlink:
    @classmethod
    def ask(cls, parent: QWidget | None, member: FamilyMember, student_name: str) -> bool:
        """Confirm removing the link (tests replace this classmethod)."""
        answer = QMessageBox.question(
            parent,
            "Remove from this student",
            f"Remove {member.carer.full_name} from {student_name}'s family?\n\n"
            "The carer's record is kept (with any brothers or sisters they are linked to).",
        )
        return answer == QMessageBox.StandardButton.Yes


class FamilyPanel(QWidget):
    changed = Signal()  # a carer, link or address was saved

    def __init__(self, ctx: AppContext, student_id: int, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.ctx = ctx
        self.student_id = student_id
        self.student_name = ""
        self.active_dialog: QDialog | None = None
        self.editable = ctx.actor.can(Permission.EDIT_FAMILIES)

        self.model = FamilyModel(self)
        self.table = QTableView()
        self.table.setObjectName("familyTable")
        self.table.setModel(self.model)
        self.table.setSelectionBehavior(QAbstractItemView.SelectionBehavior.SelectRows)
        self.table.setSelectionMode(QAbstractItemView.SelectionMode.SingleSelection)
        self.table.setEditTriggers(QAbstractItemView.EditTrigger.NoEditTriggers)
        self.table.verticalHeader().hide()
        self.table.setWordWrap(False)
        header = self.table.horizontalHeader()
        header.setSectionResizeMode(QHeaderView.ResizeMode.ResizeToContents)
        header.setStretchLastSection(True)
        self.table.selectionModel().currentRowChanged.connect(lambda *_: self._show_details())
        if self.editable:
            self.table.doubleClicked.connect(lambda _i: self.edit_carer())

        self.details = QLabel()
        self.details.setObjectName("carerDetails")
        self.details.setWordWrap(True)
        self.details.setTextFormat(Qt.TextFormat.RichText)
        self.details.setAlignment(Qt.AlignmentFlag.AlignTop | Qt.AlignmentFlag.AlignLeft)
        self.details.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)
        self.details.setMargin(6)

        splitter = QSplitter(Qt.Orientation.Vertical)
        splitter.addWidget(self.table)
        splitter.addWidget(self.details)
        splitter.setStretchFactor(0, 1)
        splitter.setStretchFactor(1, 1)
        layout = QVBoxLayout(self)
        layout.addWidget(splitter, 1)

        self.buttons: dict[str, QPushButton] = {}
        if self.editable:
            row = QHBoxLayout()
            for key, text, slot in (
                ("add", "&Add carer…", self.add_carer),
                ("link", "Link &existing carer…", self.link_existing),
                ("edit", "Edit ca&rer…", self.edit_carer),
                ("edit_link", "Edit lin&k…", self.edit_link),
                ("address", "Edit addre&ss…", self.edit_address),
                ("move", "Mo&ve…", self.move_carer),
                ("unlink", "&Unlink", self.unlink),
            ):
                button = QPushButton(text)
                button.setObjectName(f"family_{key}")
                button.clicked.connect(slot)
                self.buttons[key] = button
                row.addWidget(button)
            row.addStretch(1)
            layout.addLayout(row)
        self._enable_buttons()

    # -- data -------------------------------------------------------------------------------
    def set_family(self, members: tuple[FamilyMember, ...], student_name: str) -> None:
        current = self.selected()
        self.student_name = student_name
        self.model.set_members(members)
        row = 0
        if current is not None:
            row = next((i for i, m in enumerate(members) if m.carer.id == current.carer.id), 0)
        if members:
            self.table.selectionModel().setCurrentIndex(
                self.model.index(row, 0),
                QItemSelectionModel.SelectionFlag.ClearAndSelect
                | QItemSelectionModel.SelectionFlag.Rows,
            )
        self._show_details()

    def selected(self) -> FamilyMember | None:
        index = self.table.currentIndex()
        if not index.isValid() or index.row() >= len(self.model.members):
            return None
        return self.model.members[index.row()]

    def select_carer(self, carer_id: int) -> None:
        for row, member in enumerate(self.model.members):
            if member.carer.id == carer_id:
                self.table.selectRow(row)

    def _show_details(self) -> None:
        member = self.selected()
        if member is None:
            self.details.setText(
                "<i>No parents or carers recorded yet.</i>"
                + (" Use <b>Add carer</b> to add one." if self.editable else "")
            )
        else:
            self.details.setText(member_details_html(member))
        self._enable_buttons()

    def _enable_buttons(self) -> None:
        has = self.selected() is not None
        for key in ("edit", "edit_link", "address", "move", "unlink"):
            if key in self.buttons:
                self.buttons[key].setEnabled(has)

    # -- actions ----------------------------------------------------------------------------
    def _open(self, dialog: QDialog) -> QDialog:
        self.active_dialog = dialog
        dialog.saved.connect(self.changed.emit)  # type: ignore[attr-defined]
        dialog.finished.connect(lambda _r: dialog.deleteLater())
        dialog.open()
        return dialog

    def add_carer(self) -> QDialog:
        return self._open(AddCarerDialog(self.ctx, self.student_id, self.model.members, self))

    def link_existing(self) -> QDialog:
        linked = {m.carer.id for m in self.model.members}
        return self._open(LinkExistingCarerDialog(self.ctx, self.student_id, linked, self))

    def edit_carer(self) -> QDialog | None:
        member = self.selected()
        return self._open(EditCarerDialog(self.ctx, member, self)) if member else None

    def edit_link(self) -> QDialog | None:
        member = self.selected()
        return self._open(EditLinkDialog(self.ctx, member, self)) if member else None

    def edit_address(self) -> QDialog | None:
        member = self.selected()
        if member is None:
            return None
        if member.carer.household is None:
            return self._open(MoveCarerDialog(self.ctx, member, self.model.members, self))
        return self._open(EditAddressDialog(self.ctx, member.carer.household, self))

    def move_carer(self) -> QDialog | None:
        member = self.selected()
        if member is None:
            return None
        return self._open(MoveCarerDialog(self.ctx, member, self.model.members, self))

    def unlink(self) -> None:
        member = self.selected()
        if member is None or not ConfirmUnlink.ask(self, member, self.student_name):
            return
        try:
            self.ctx.services.families.unlink_carer(
                self.ctx.actor, member.link.id, member.link.version
            )
        except errors.KnownError as exc:
            show_error(self, exc)
        self.changed.emit()
