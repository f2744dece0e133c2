"""Upcoming meetings, calendar style: a month with the meeting days in bold, and the meetings
of the weeks from the chosen day."""

from __future__ import annotations

import datetime as dt

from PySide6.QtCore import QDate, Qt
from PySide6.QtGui import QTextCharFormat
from PySide6.QtWidgets import (
    QCalendarWidget,
    QCheckBox,
    QComboBox,
    QCompleter,
    QDialog,
    QDialogButtonBox,
    QFormLayout,
    QHBoxLayout,
    QLabel,
    QPushButton,
    QSplitter,
    QVBoxLayout,
    QWidget,
)

from hsp_desktop import errors
from hsp_desktop.gui.common.context import AppContext
from hsp_desktop.gui.common.lazy_table import LazyColumn
from hsp_desktop.gui.meetings.common import RowsTable, from_qdate, long_day, time_text, to_qdate
from hsp_desktop.gui.meetings.dialog import MeetingLauncher
from hsp_desktop.services.actor import Permission
from hsp_desktop.services.meetings import MeetingRow, MeetingType

COLUMNS: list[LazyColumn[MeetingRow]] = [
    LazyColumn(
        "day",
        "Day",
        lambda r: long_day(r.day),
        sort_key=lambda r: (r.day, r.start_time or dt.time()),
    ),
    LazyColumn("time", "Time", lambda r: time_text(r.start_time)),
    LazyColumn("student", "Student", lambda r: r.student_name),
    LazyColumn("class", "Class", lambda r: r.class_name),
    LazyColumn("kind", "Meeting", lambda r: r.kind.label),
    LazyColumn("where", "Where", lambda r: r.where),
    LazyColumn("staff", "Staff", lambda r: r.staff),
    LazyColumn(
        "interpreter",
        "Interpreter",
        lambda r: r.interpreter,
        alert=lambda r: r.interpreter in ("Needed", "Requested"),
    ),
]
RANGES = (("One week", 7), ("Four weeks", 28), ("Twelve weeks", 84))


class ChooseStudentDialog(QDialog):
    """Which student the new meeting is about (type to find)."""

    def __init__(self, ctx: AppContext, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setWindowTitle("Plan a meeting")
        form = QFormLayout(self)
        self.student = QComboBox()
        self.student.setObjectName("chooseStudent")
        self.student.setEditable(True)
        self.student.setInsertPolicy(QComboBox.InsertPolicy.NoInsert)
        for choice in ctx.services.contacts.students(ctx.actor):
            label = f"{choice.name} ({choice.class_name})" if choice.class_name else choice.name
            self.student.addItem(label, choice.id)
        completer = self.student.completer()
        if completer is not None:
            completer.setFilterMode(Qt.MatchFlag.MatchContains)
            completer.setCompletionMode(QCompleter.CompletionMode.PopupCompletion)
        self.kind = QComboBox()
        for kind in MeetingType:
            self.kind.addItem(kind.label, kind)
        form.addRow("&Student:", self.student)
        form.addRow("&Type:", self.kind)
        buttons = QDialogButtonBox(
            QDialogButtonBox.StandardButton.Ok | QDialogButtonBox.StandardButton.Cancel
        )
        buttons.accepted.connect(self.accept)
        buttons.rejected.connect(self.reject)
        form.addRow(buttons)

    def student_id(self) -> int | None:
        found = self.student.findText(self.student.currentText())
        return self.student.itemData(found) if found >= 0 else None


class MeetingCalendarPage(QWidget):
    def __init__(self, ctx: AppContext, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.ctx = ctx
        self.launcher = MeetingLauncher(ctx, self)
        self.chooser: ChooseStudentDialog | None = None
        layout = QVBoxLayout(self)
        splitter = QSplitter()
        left = QWidget()
        left_layout = QVBoxLayout(left)
        self.calendar = QCalendarWidget()
        self.calendar.setObjectName("meetingCalendar")
        self.calendar.setFirstDayOfWeek(Qt.DayOfWeek.Monday)
        self.calendar.setGridVisible(True)
        self.calendar.setVerticalHeaderFormat(QCalendarWidget.VerticalHeaderFormat.NoVerticalHeader)
        today = ctx.services.meetings.today()
        self.calendar.setSelectedDate(to_qdate(today))
        left_layout.addWidget(self.calendar)
        hint = QLabel("Bold: days with meetings. Red: an interpreter still to confirm.")
        hint.setWordWrap(True)
        left_layout.addWidget(hint)
        left_layout.addStretch(1)
        splitter.addWidget(left)

        right = QWidget()
        right_layout = QVBoxLayout(right)
        line = QHBoxLayout()
        self.heading = QLabel()
        self.heading.setObjectName("calendarHeading")
        self.heading.setStyleSheet("font-weight: 600;")
        self.range = QComboBox()
        for label, days in RANGES:
            self.range.addItem(label, days)
        self.range.setCurrentIndex(1)
        self.only_interpreters = QCheckBox("Only &interpreters to confirm")
        line.addWidget(self.heading, 1)
        line.addWidget(self.only_interpreters)
        line.addWidget(self.range)
        right_layout.addLayout(line)
        self.table: RowsTable[MeetingRow] = RowsTable(
            COLUMNS, key=lambda r: r.id, name="calendarMeetings", stretch=4, parent=self
        )
        self.table.view.sortByColumn(0, Qt.SortOrder.AscendingOrder)
        self.table.view.doubleClicked.connect(lambda _i: self.open_selected())
        right_layout.addWidget(self.table.view, 1)
        buttons = QHBoxLayout()
        self.plan_button = QPushButton("&Plan a meeting…")
        self.plan_button.clicked.connect(self.plan)
        self.plan_button.setEnabled(ctx.actor.can(Permission.MANAGE_MEETINGS))
        open_button = QPushButton("&Open…")
        open_button.clicked.connect(self.open_selected)
        today_button = QPushButton("&Today")
        today_button.clicked.connect(
            lambda: self.calendar.setSelectedDate(to_qdate(ctx.services.meetings.today()))
        )
        buttons.addWidget(self.plan_button)
        buttons.addWidget(open_button)
        buttons.addWidget(today_button)
        buttons.addStretch(1)
        right_layout.addLayout(buttons)
        splitter.addWidget(right)
        splitter.setStretchFactor(1, 1)
        layout.addWidget(splitter)

        self.calendar.selectionChanged.connect(self.refresh)
        self.calendar.currentPageChanged.connect(lambda _y, _m: self._mark_month())
        self.range.currentIndexChanged.connect(self.refresh)
        self.only_interpreters.toggled.connect(self._filter)
        ctx.hub.changed.connect(self._changed)
        self.refresh()

    def _changed(self, topic: str) -> None:
        if topic in ("meetings", "interpreters"):
            self.refresh()

    def first_day(self) -> dt.date:
        return from_qdate(self.calendar.selectedDate())

    def refresh(self) -> None:
        first = self.first_day()
        last = first + dt.timedelta(days=self.range.currentData() - 1)
        try:
            rows = self.ctx.services.meetings.between(self.ctx.actor, first, last)
        except errors.KnownError as exc:
            self.heading.setText(exc.message)
            return
        self.table.set_rows(rows)
        self.heading.setText(f"{len(rows)} meetings from {long_day(first)} to {long_day(last)}")
        self._mark_month()

    def _filter(self, only: bool) -> None:
        self.table.proxy.set_predicate(
            (lambda r: r.interpreter in ("Needed", "Requested")) if only else None
        )

    def _mark_month(self) -> None:
        year, month = self.calendar.yearShown(), self.calendar.monthShown()
        first = dt.date(year, month, 1) - dt.timedelta(days=7)
        last = dt.date(year + month // 12, month % 12 + 1, 1) + dt.timedelta(days=7)
        try:
            rows = self.ctx.services.meetings.between(self.ctx.actor, first, last)
        except errors.KnownError:
            return
        self.calendar.setDateTextFormat(QDate(), QTextCharFormat())  # a null date clears all
        busy: dict[dt.date, bool] = {}
        for row in rows:
            busy[row.day] = busy.get(row.day, False) or row.interpreter in ("Needed", "Requested")
        for day, alert in busy.items():
            marked = QTextCharFormat()
            marked.setFontWeight(700)
            if alert:
                marked.setForeground(Qt.GlobalColor.red)
            self.calendar.setDateTextFormat(to_qdate(day), marked)

    def open_selected(self) -> None:
        row = self.table.selected()
        if row is not None:
            self.launcher.open(row.id)

    def plan(self) -> None:
        self.chooser = ChooseStudentDialog(self.ctx, self)
        self.chooser.accepted.connect(self._plan_chosen)
        self.chooser.open()

    def _plan_chosen(self) -> None:
        assert self.chooser is not None
        student_id = self.chooser.student_id()
        if student_id is None:
            return
        day = max(self.first_day(), self.ctx.services.meetings.today())
        self.launcher.plan(student_id, MeetingType(self.chooser.kind.currentData()), day)
