"""Absence calls for the day, and each person's follow-ups."""

from __future__ import annotations

import datetime as dt

from PySide6.QtCore import QDate
from PySide6.QtWidgets import (
    QAbstractItemView,
    QCheckBox,
    QComboBox,
    QDateEdit,
    QFormLayout,
    QGroupBox,
    QHBoxLayout,
    QHeaderView,
    QInputDialog,
    QLabel,
    QLineEdit,
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
from hsp_desktop.gui.contacts.form import StudentPicker
from hsp_desktop.gui.contacts.printing import pydate
from hsp_desktop.services.actor import Permission
from hsp_desktop.services.contacts import AttendanceCallView, Outcome
from hsp_desktop.services.followups import FollowUpView


class AttendancePage(QWidget):
    """The call in the first half of the morning when an absence is unexplained."""

    def __init__(self, ctx: AppContext, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.ctx = ctx
        layout = QVBoxLayout(self)
        quick = QGroupBox("Record a call about an unexplained absence")
        form = QFormLayout(quick)
        self.student = StudentPicker(ctx.services.contacts.students(ctx.actor))
        self.student.currentIndexChanged.connect(lambda _i: self._student_chosen())
        self.carer = QComboBox()
        self.carer.setObjectName("attendanceCarer")
        self.outcome = QComboBox()
        self.outcome.setObjectName("attendanceOutcome")
        for outcome in (Outcome.SPOKE, Outcome.NO_ANSWER, Outcome.VOICEMAIL, Outcome.WRONG_NUMBER):
            self.outcome.addItem("Reached" if outcome is Outcome.SPOKE else outcome.label, outcome)
        self.reason = QLineEdit()
        self.reason.setObjectName("attendanceReason")
        self.reason.setPlaceholderText("Reason given (when someone was reached)")
        self.record_button = QPushButton("&Record call")
        self.record_button.clicked.connect(self.record)
        self.reason.returnPressed.connect(self.record)
        form.addRow("&Student:", self.student)
        form.addRow("&Called:", self.carer)
        form.addRow("O&utcome:", self.outcome)
        form.addRow("R&eason:", self.reason)
        form.addRow("", self.record_button)
        layout.addWidget(quick)
        top = QHBoxLayout()
        self.day = QDateEdit(QDate.currentDate())
        self.day.setCalendarPopup(True)
        self.day.setDisplayFormat("dddd dd/MM/yyyy")
        label = QLabel("Calls &on:")
        label.setBuddy(self.day)
        top.addWidget(label)
        top.addWidget(self.day)
        top.addStretch(1)
        layout.addLayout(top)
        self.model: RowsModel[AttendanceCallView] = RowsModel(
            [
                Column("Time", lambda c: c.at.astimezone().strftime("%H:%M")),
                Column("Student", lambda c: c.student_name),
                Column("Class", lambda c: c.class_name),
                Column("Called", lambda c: f"{c.carer_name} {c.phone}".strip()),
                Column(
                    "Outcome",
                    lambda c: "Reached" if c.outcome is Outcome.SPOKE else c.outcome.label,
                ),
                Column("Reason given", lambda c: c.reason_given),
                Column("By", lambda c: c.staff_name),
            ],
            self,
        )
        self.table = QTableView()
        self.table.setObjectName("attendanceTable")
        self.table.setModel(self.model)
        self.table.verticalHeader().hide()
        self.table.horizontalHeader().setSectionResizeMode(5, QHeaderView.ResizeMode.Stretch)
        layout.addWidget(self.table, 1)
        self.day.dateChanged.connect(lambda _d: self.refresh())
        ctx.hub.changed.connect(lambda topic: self.refresh() if topic == "contacts" else None)
        self.refresh()

    def _student_chosen(self) -> None:
        self.carer.clear()
        student_id = self.student.currentData()
        if not isinstance(student_id, int):
            return
        form = self.ctx.services.contacts.form(self.ctx.actor, student_id)
        for carer in form.carers:
            if carer.restricted:
                continue
            self.carer.addItem(f"{carer.name} ({carer.relationship}) {carer.phone}", carer.carer_id)

    def refresh(self) -> None:
        self.model.set_rows(
            self.ctx.services.contacts.attendance_calls(self.ctx.actor, pydate(self.day.date()))
        )

    def record(self) -> None:
        student_id = self.student.currentData()
        if not isinstance(student_id, int):
            show_error(self, errors.ValidationError("Student", "choose the absent student"))
            return
        try:
            self.ctx.services.contacts.record_attendance_call(
                self.ctx.actor,
                student_id,
                carer_id=self.carer.currentData(),
                outcome=Outcome(self.outcome.currentData()),
                reason_given=self.reason.text(),
            )
        except errors.KnownError as exc:
            show_error(self, exc)
            return
        self.reason.clear()
        self.student.setCurrentIndex(-1)
        self.day.setDate(QDate.currentDate())
        self.ctx.hub.changed.emit("contacts")


class FollowUpsPage(QWidget):
    """Each follow-up on its owner's list: done, or passed to someone else, in one step."""

    def __init__(self, ctx: AppContext, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.ctx = ctx
        layout = QVBoxLayout(self)
        top = QHBoxLayout()
        self.owner = QComboBox()
        self.owner.setObjectName("followupOwnerFilter")
        self.staff = ctx.services.contacts.staff(ctx.actor)
        for member in self.staff:
            self.owner.addItem(member.name, member.id)
        if ctx.actor.staff_member_id is not None:
            self.owner.setCurrentIndex(max(0, self.owner.findData(ctx.actor.staff_member_id)))
        self.owner.setEnabled(ctx.actor.can(Permission.VIEW_ALL_CLASSES))
        label = QLabel("&Follow-ups of:")
        label.setBuddy(self.owner)
        self.show_done = QCheckBox("Show &done")
        top.addWidget(label)
        top.addWidget(self.owner)
        top.addWidget(self.show_done)
        top.addStretch(1)
        layout.addLayout(top)
        self.model: RowsModel[FollowUpView] = RowsModel(
            [
                Column(
                    "Due",
                    lambda a: (
                        a.due_date.strftime("%a %d/%m/%Y") + ("  OVERDUE" if a.overdue else "")
                    ),
                ),
                Column("Student", lambda a: a.student_name),
                Column("What", lambda a: a.description),
                Column("Status", lambda a: "Done" if a.status == "done" else "Open"),
            ],
            self,
        )
        self.table = QTableView()
        self.table.setObjectName("followupsTable")
        self.table.setModel(self.model)
        self.table.setSelectionBehavior(QAbstractItemView.SelectionBehavior.SelectRows)
        self.table.setSelectionMode(QAbstractItemView.SelectionMode.SingleSelection)
        self.table.verticalHeader().hide()
        self.table.horizontalHeader().setSectionResizeMode(2, QHeaderView.ResizeMode.Stretch)
        layout.addWidget(self.table, 1)
        buttons = QHBoxLayout()
        self.done_button = QPushButton("Mark &done")
        self.done_button.setObjectName("followupDone")
        self.done_button.clicked.connect(self.mark_done)
        self.reassign_button = QPushButton("&Pass to…")
        self.reassign_button.clicked.connect(self.reassign)
        buttons.addWidget(self.done_button)
        buttons.addWidget(self.reassign_button)
        buttons.addStretch(1)
        layout.addLayout(buttons)
        self.owner.currentIndexChanged.connect(lambda _i: self.refresh())
        self.show_done.toggled.connect(lambda _b: self.refresh())
        ctx.hub.changed.connect(lambda topic: self.refresh() if topic == "contacts" else None)
        self.refresh()

    def refresh(self) -> None:
        owner = self.owner.currentData()
        self.model.set_rows(
            self.ctx.services.followups.for_owner(
                self.ctx.actor, owner, include_done=self.show_done.isChecked()
            )
            if isinstance(owner, int)
            else []
        )

    def selected(self) -> FollowUpView | None:
        rows = self.table.selectionModel().selectedRows()
        return self.model.row(rows[0].row()) if rows else None

    def mark_done(self) -> None:
        action = self.selected()
        if action is None:
            return
        self._apply(
            lambda: self.ctx.services.followups.complete(self.ctx.actor, action.id, action.version)
        )

    @staticmethod
    def ask_owner(parent: QWidget, names: list[str]) -> str | None:
        """Whom to pass a follow-up to; tests replace this."""
        name, ok = QInputDialog.getItem(
            parent, "Pass to", "Pass this follow-up to:", names, 0, False
        )
        return name if ok else None

    def reassign(self) -> None:
        action = self.selected()
        if action is None:
            return
        others = [m for m in self.staff if m.id != action.owner_id]
        name = type(self).ask_owner(self, [m.name for m in others])
        chosen = next((m for m in others if m.name == name), None)
        if chosen is None:
            return
        self._apply(
            lambda: self.ctx.services.followups.reassign(
                self.ctx.actor, action.id, action.version, chosen.id
            )
        )

    def _apply(self, change: object) -> None:
        assert callable(change)
        try:
            change()
        except errors.ConflictError as exc:
            ConflictDialog.show_conflict(self, exc)
        except errors.KnownError as exc:
            show_error(self, exc)
        self.ctx.hub.changed.emit("contacts")
        self.refresh()


def today() -> dt.date:
    return dt.date.today()
