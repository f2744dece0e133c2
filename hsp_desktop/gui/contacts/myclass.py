"""My class: which families are still owed a conversation this term, and a quick way to call.

One row per family of each student. The class teacher's own class opens first (the class
whose teacher is the signed-in person's staff record); others choose a class.
"""

from __future__ import annotations

import datetime as dt
from typing import Any

from PySide6.QtCore import (
    QAbstractTableModel,
    QModelIndex,
    QObject,
    QPersistentModelIndex,
    QSortFilterProxyModel,
    Qt,
)
from PySide6.QtGui import QBrush, QColor, QFont
from PySide6.QtWidgets import (
    QAbstractItemView,
    QCheckBox,
    QComboBox,
    QHBoxLayout,
    QHeaderView,
    QLabel,
    QPushButton,
    QTableView,
    QVBoxLayout,
    QWidget,
)

from hsp_desktop import errors
from hsp_desktop.gui.common.context import AppContext
from hsp_desktop.gui.contacts.form import ContactDialog
from hsp_desktop.gui.contacts.printing import ContactSheetDialog
from hsp_desktop.services.obligation import (
    ClassChoice,
    ClassDashboard,
    FamilyState,
    FamilyStatus,
    StudentStatusRow,
)

Index = QModelIndex | QPersistentModelIndex
Row = tuple[StudentStatusRow, FamilyStatus | None, bool]  # (student, family, first of student)

STATE_COLOURS = {
    FamilyState.CONTACTED: QColor("#d8f0dc"),
    FamilyState.ATTEMPTED: QColor("#fff1c7"),
    FamilyState.NOT_YET: QColor("#fbdada"),
    FamilyState.RESTRICTED: QColor("#e6e6e6"),
}
COLUMNS = ("Student", "Family", "This term", "Last conversation", "Interpreter", "+ : –")
STATE_ROLE = Qt.ItemDataRole.UserRole + 2


def when_text(moment: dt.datetime | None) -> str:
    return moment.astimezone().strftime("%a %d/%m %H:%M") if moment else ""


class FamiliesModel(QAbstractTableModel):
    """Rows of (student, family); a student with no family on record still has a row."""

    def __init__(self, parent: QObject | None = None) -> None:
        super().__init__(parent)
        self._rows: list[Row] = []

    def set_dashboard(self, dashboard: ClassDashboard | None) -> None:
        rows: list[Row] = []
        for student in dashboard.students if dashboard else ():
            if not student.families:
                rows.append((student, None, True))
            for i, family in enumerate(student.families):
                rows.append((student, family, i == 0))
        self.beginResetModel()
        self._rows = rows
        self.endResetModel()

    def row_at(self, row: int) -> Row:
        return self._rows[row]

    def rowCount(self, parent: Index = QModelIndex()) -> int:  # noqa: B008
        return 0 if parent.isValid() else len(self._rows)

    def columnCount(self, parent: Index = QModelIndex()) -> int:  # noqa: B008
        return 0 if parent.isValid() else len(COLUMNS)

    def headerData(
        self, section: int, orientation: Qt.Orientation, role: int = Qt.ItemDataRole.DisplayRole
    ) -> Any:
        if orientation == Qt.Orientation.Horizontal and role == Qt.ItemDataRole.DisplayRole:
            return COLUMNS[section]
        return None

    def data(self, index: Index, role: int = Qt.ItemDataRole.DisplayRole) -> Any:
        if not index.isValid():
            return None
        student, family, first = self._rows[index.row()]
        column = index.column()
        if role == Qt.ItemDataRole.DisplayRole:
            return self._text(student, family, first, column)
        if role == STATE_ROLE:
            return family.state.value if family else ""
        if role == Qt.ItemDataRole.BackgroundRole and column == 2 and family:
            return QBrush(STATE_COLOURS[family.state])
        if role == Qt.ItemDataRole.FontRole and column == 0 and first:
            font = QFont()
            font.setBold(True)
            return font
        if role == Qt.ItemDataRole.ForegroundRole and family and family.overdue and column == 2:
            return QBrush(QColor("#8b0000"))
        if role == Qt.ItemDataRole.ToolTipRole and family:
            tips = list(family.carers)
            if family.restriction_note:
                tips.append(family.restriction_note)
            if family.last_attempt_at:
                tips.append(f"Last attempt {when_text(family.last_attempt_at)}")
            return "\n".join(tips)
        if role == Qt.ItemDataRole.AccessibleTextRole:
            return self._text(student, family, True, column)
        return None

    @staticmethod
    def _text(
        student: StudentStatusRow, family: FamilyStatus | None, first: bool, column: int
    ) -> str:
        if column == 0:
            return student.name if first else ""
        if column == 5:
            return student.ratio if first else ""
        if family is None:
            return "No parent or carer on record" if column == 1 else ""
        if column == 1:
            return "; ".join(family.carers) + (
                "" if family.lives_with_student else " – lives apart"
            )
        if column == 2:
            text = family.state.label
            if family.state is FamilyState.ATTEMPTED and family.attempts:
                text += f" ({family.attempts})"
            return text + (" – overdue" if family.overdue else "")
        if column == 3:
            return f"{when_text(family.last_at)} · {family.last_by}" if family.last_at else ""
        if column == 4:
            return (
                "Needs interpreter: " + ", ".join(family.interpreter_languages)
                if (family.interpreter_needed)
                else ""
            )
        return ""


class OwedFilter(QSortFilterProxyModel):
    def __init__(self, parent: QObject | None = None) -> None:
        super().__init__(parent)
        self.only_owed = False

    def set_only_owed(self, value: bool) -> None:
        self.beginFilterChange()
        self.only_owed = value
        self.endFilterChange(QSortFilterProxyModel.Direction.Rows)

    def filterAcceptsRow(self, source_row: int, source_parent: Index) -> bool:
        if not self.only_owed:
            return True
        state = self.sourceModel().index(source_row, 2, source_parent).data(STATE_ROLE)
        return state in (FamilyState.NOT_YET.value, FamilyState.ATTEMPTED.value)


class ClassCombo(QComboBox):
    """The classes a user may open; their own class first."""

    def __init__(self, ctx: AppContext, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setObjectName("classCombo")
        obligation = ctx.services.obligation
        mine = obligation.my_classes(ctx.actor)
        others = [c for c in obligation.classes(ctx.actor) if c.id not in {m.id for m in mine}]
        self.choices: list[ClassChoice] = [*mine, *others]
        for choice in self.choices:
            label = choice.name + (f" – {choice.teacher_name}" if choice.teacher_name else "")
            self.addItem(label, choice.id)

    def current_choice(self) -> ClassChoice | None:
        index = self.currentIndex()
        return self.choices[index] if 0 <= index < len(self.choices) else None


class MyClassPage(QWidget):
    def __init__(self, ctx: AppContext, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.ctx = ctx
        self.dashboard: ClassDashboard | None = None
        layout = QVBoxLayout(self)
        top = QHBoxLayout()
        self.classes = ClassCombo(ctx)
        label = QLabel("&Class:")
        label.setBuddy(self.classes)
        top.addWidget(label)
        top.addWidget(self.classes)
        self.term = QLabel()
        self.term.setObjectName("termNote")
        top.addWidget(self.term, 1)
        layout.addLayout(top)
        self.tally = QLabel()
        self.tally.setObjectName("tally")
        self.tally.setStyleSheet("font-size: 11pt;")
        layout.addWidget(self.tally)
        self.only_owed = QCheckBox("Show &only families still owed a conversation")
        layout.addWidget(self.only_owed)

        self.model = FamiliesModel(self)
        self.proxy = OwedFilter(self)
        self.proxy.setSourceModel(self.model)
        self.table = QTableView()
        self.table.setObjectName("familiesTable")
        self.table.setModel(self.proxy)
        self.table.setSelectionBehavior(QAbstractItemView.SelectionBehavior.SelectRows)
        self.table.setSelectionMode(QAbstractItemView.SelectionMode.SingleSelection)
        self.table.setEditTriggers(QAbstractItemView.EditTrigger.NoEditTriggers)
        self.table.verticalHeader().hide()
        self.table.setWordWrap(False)
        header = self.table.horizontalHeader()
        header.setSectionResizeMode(QHeaderView.ResizeMode.ResizeToContents)
        header.setSectionResizeMode(1, QHeaderView.ResizeMode.Stretch)
        self.table.doubleClicked.connect(lambda _i: self.log_contact())
        self.table.activated.connect(lambda _i: self.log_contact())
        layout.addWidget(self.table, 1)

        buttons = QHBoxLayout()
        self.log_button = QPushButton("&Log a contact…")
        self.log_button.setObjectName("logContact")
        self.log_button.setToolTip("Log a call or meeting with the selected family (Ctrl+L)")
        self.log_button.clicked.connect(self.log_contact)
        self.sheet_button = QPushButton("Contact &sheet…")
        self.sheet_button.clicked.connect(self.contact_sheet)
        buttons.addWidget(self.log_button)
        buttons.addWidget(self.sheet_button)
        buttons.addStretch(1)
        layout.addLayout(buttons)

        self.dialog: ContactDialog | None = None
        self.classes.currentIndexChanged.connect(lambda _i: self.refresh())
        self.only_owed.toggled.connect(self.proxy.set_only_owed)
        ctx.hub.changed.connect(self._changed)
        self.refresh()

    def _changed(self, topic: str) -> None:
        if topic in ("contacts", "homebook", "students", "families", "terms", "school"):
            self.refresh()

    def refresh(self) -> None:
        choice = self.classes.current_choice()
        if choice is None:
            self.term.setText("No class to show: you are not the teacher of a class.")
            self.model.set_dashboard(None)
            return
        try:
            self.dashboard = self.ctx.services.obligation.class_dashboard(self.ctx.actor, choice.id)
        except errors.KnownError as exc:
            self.dashboard = None
            self.model.set_dashboard(None)
            self.term.setText(exc.message)
            return
        board = self.dashboard
        selected = self.selected_student_id()
        self.model.set_dashboard(board)
        self.term.setText(board.position.note)
        t = board.tally
        self.tally.setText(
            f"<b>{t.contacted} of {t.owed}</b> families spoken to ({t.percent_done:.0f}%) · "
            f"{t.attempted} attempted only · {t.not_yet} not yet"
            + (f" · <span style='color:#8b0000'>{t.overdue} overdue</span>" if t.overdue else "")
            + f" · positive : concern {t.ratio}"
        )
        if selected is not None:
            self.select_student(selected)

    # -- selection -------------------------------------------------------------------------
    def selected_row(self) -> Row | None:
        rows = self.table.selectionModel().selectedRows()
        if not rows:
            return None
        return self.model.row_at(self.proxy.mapToSource(rows[0]).row())

    def selected_student_id(self) -> int | None:
        row = self.selected_row()
        return row[0].student_id if row else None

    def current_student_id(self) -> int | None:
        """For the global "log a contact" shortcut."""
        return self.selected_student_id()

    def select_student(self, student_id: int, family_key: int | None = None) -> None:
        for r in range(self.proxy.rowCount()):
            student, family, _ = self.model.row_at(
                self.proxy.mapToSource(self.proxy.index(r, 0)).row()
            )
            if student.student_id == student_id and (
                family_key is None or (family is not None and family.key == family_key)
            ):
                self.table.selectRow(r)
                return

    # -- actions ---------------------------------------------------------------------------
    def log_contact(self) -> ContactDialog | None:
        row = self.selected_row()
        if row is None:
            if self.model.rowCount() == 0:
                return None
            self.table.selectRow(0)
            row = self.selected_row()
            assert row is not None
        student, family, _ = row
        carers: tuple[int, ...] = ()
        if family is not None and family.state is not FamilyState.RESTRICTED:
            carers = family.carer_ids[:1]
        self.dialog = ContactDialog(self.ctx, student.student_id, carer_ids=carers, parent=self)
        self.dialog.open()
        return self.dialog

    def contact_sheet(self) -> ContactSheetDialog | None:
        choice = self.classes.current_choice()
        if choice is None or self.dashboard is None:
            return None
        row = self.selected_row()
        term = self.dashboard.position.term
        dialog = ContactSheetDialog(
            self.ctx,
            class_id=choice.id,
            class_name=choice.name,
            student_id=row[0].student_id if row else None,
            student_name=row[0].name if row else "",
            first=term.start_date,
            last=min(term.end_date, dt.date.today()),
            parent=self,
        )
        dialog.open()
        return dialog
