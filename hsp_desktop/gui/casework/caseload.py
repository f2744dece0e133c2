"""The family support worker's caseload on one screen: families open and closed, the last
contact, open actions and the next visit; the selected family's actions below."""

from __future__ import annotations

import datetime as dt

from PySide6.QtCore import Qt
from PySide6.QtWidgets import (
    QComboBox,
    QDateEdit,
    QHBoxLayout,
    QLabel,
    QLineEdit,
    QPushButton,
    QSplitter,
    QVBoxLayout,
    QWidget,
)

from hsp_desktop import errors
from hsp_desktop.gui.casework.visits import VisitsPage
from hsp_desktop.gui.common.context import AppContext
from hsp_desktop.gui.common.errors import show_error
from hsp_desktop.gui.common.lazy_table import LazyColumn
from hsp_desktop.gui.meetings.calendar import ChooseStudentDialog
from hsp_desktop.gui.meetings.common import (
    AskText,
    Confirm,
    RowsTable,
    day_text,
    from_qdate,
    moment_text,
    to_qdate,
)
from hsp_desktop.services.caseload import ActionDraft, ActionView, CaseRow, CaseStatus
from hsp_desktop.services.search import fold

CASE_COLUMNS: list[LazyColumn[CaseRow]] = [
    LazyColumn("family", "Family of", lambda r: r.student_name),
    LazyColumn("class", "Class", lambda r: r.class_name),
    LazyColumn("carers", "Parents and carers", lambda r: r.carers),
    LazyColumn("language", "Language help", lambda r: r.language),
    LazyColumn(
        "status",
        "Case",
        lambda r: r.status.label,
        sort_key=lambda r: (r.status is not CaseStatus.OPEN, -r.overdue_actions, r.student_name),
    ),
    LazyColumn("opened", "Opened", lambda r: day_text(r.opened_on), sort_key=lambda r: r.opened_on),
    LazyColumn(
        "last",
        "Last contact",
        lambda r: f"{day_text(r.last_contact)} {r.last_contact_how}".strip(),
        sort_key=lambda r: r.last_contact,
    ),
    LazyColumn(
        "actions",
        "Open actions",
        lambda r: (
            f"{r.open_actions}" + (f" ({r.overdue_actions} late)" if r.overdue_actions else "")
        ),
        sort_key=lambda r: (r.overdue_actions, r.open_actions),
        alert=lambda r: r.overdue_actions > 0,
    ),
    LazyColumn(
        "visit", "Next visit", lambda r: moment_text(r.next_visit), sort_key=lambda r: r.next_visit
    ),
    LazyColumn("worker", "Worker", lambda r: r.worker_name),
]


def _action_columns(today: dt.date) -> list[LazyColumn[ActionView]]:
    return [
        LazyColumn("action", "Action", lambda a: a.description),
        LazyColumn("from", "From", lambda a: a.source),
        LazyColumn("owner", "Who", lambda a: a.owner_name),
        LazyColumn(
            "due",
            "Due",
            lambda a: day_text(a.due_on),
            sort_key=lambda a: a.due_on,
            alert=lambda a: a.overdue_on(today),
        ),
        LazyColumn("done", "Done", lambda a: day_text(a.done_on), sort_key=lambda a: a.done_on),
    ]


class CaseloadPage(QWidget):
    def __init__(
        self, ctx: AppContext, visits: VisitsPage | None = None, parent: QWidget | None = None
    ) -> None:
        super().__init__(parent)
        self.ctx = ctx
        self.visits = visits
        self.chooser: ChooseStudentDialog | None = None
        layout = QVBoxLayout(self)
        line = QHBoxLayout()
        self.heading = QLabel()
        self.heading.setObjectName("caseloadHeading")
        self.heading.setStyleSheet("font-weight: 600;")
        self.worker = QComboBox()
        self.worker.setObjectName("caseloadWorker")
        self.worker.addItem("My families", "mine")
        self.worker.addItem("Everyone's", "all")
        self.search = QLineEdit()
        self.search.setPlaceholderText("Find a family")
        self.search.setClearButtonEnabled(True)
        self.scope = QComboBox()
        self.scope.setObjectName("caseloadScope")
        self.scope.addItem("Open, and closed this year", "year")
        self.scope.addItem("Open cases only", "open")
        self.scope.addItem("Every case", "all")
        line.addWidget(self.heading, 1)
        line.addWidget(self.search)
        line.addWidget(self.scope)
        line.addWidget(self.worker)
        layout.addLayout(line)
        splitter = QSplitter(Qt.Orientation.Vertical)
        self.table: RowsTable[CaseRow] = RowsTable(
            CASE_COLUMNS, key=lambda r: r.case_id, name="caseload", stretch=2, parent=self
        )
        self.table.view.sortByColumn(4, Qt.SortOrder.AscendingOrder)
        splitter.addWidget(self.table.view)
        lower = QWidget()
        lower_layout = QVBoxLayout(lower)
        lower_layout.setContentsMargins(0, 0, 0, 0)
        self.family_label = QLabel("Choose a family to see its actions.")
        self.family_label.setObjectName("caseFamily")
        lower_layout.addWidget(self.family_label)
        today = ctx.services.caseload.today()
        self.action_table: RowsTable[ActionView] = RowsTable(
            _action_columns(today), key=lambda a: a.id, name="caseActions", stretch=0, parent=self
        )
        lower_layout.addWidget(self.action_table.view, 1)
        add_line = QHBoxLayout()
        self.action_text = QLineEdit()
        self.action_text.setObjectName("caseActionText")
        self.action_text.setPlaceholderText("New action for this family")
        self.action_owner = QComboBox()
        for staff_id, name in self._staff():
            self.action_owner.addItem(name, staff_id)
        if ctx.actor.staff_member_id is not None:
            self.action_owner.setCurrentIndex(
                max(0, self.action_owner.findData(ctx.actor.staff_member_id))
            )
        self.action_due = QDateEdit(to_qdate(today + dt.timedelta(days=7)))
        self.action_due.setCalendarPopup(True)
        self.action_due.setDisplayFormat("dd/MM/yyyy")
        add = QPushButton("&Add action")
        add.clicked.connect(self.add_action)
        done = QPushButton("&Done")
        done.clicked.connect(self.action_done)
        for widget in (self.action_text, self.action_owner, self.action_due, add, done):
            add_line.addWidget(widget, 1 if widget is self.action_text else 0)
        lower_layout.addLayout(add_line)
        splitter.addWidget(lower)
        splitter.setStretchFactor(0, 3)
        splitter.setStretchFactor(1, 2)
        layout.addWidget(splitter, 1)
        buttons = QHBoxLayout()
        open_case = QPushButton("&Open a case…")
        open_case.clicked.connect(self.open_case)
        close_case = QPushButton("&Close case…")
        close_case.clicked.connect(self.close_case)
        plan_visit = QPushButton("Plan a &visit…")
        plan_visit.clicked.connect(self.plan_visit)
        for button in (open_case, close_case, plan_visit):
            buttons.addWidget(button)
        buttons.addStretch(1)
        layout.addLayout(buttons)
        self.table.view.selectionModel().selectionChanged.connect(lambda *_a: self._show_actions())
        self.worker.currentIndexChanged.connect(self.refresh)
        self.scope.currentIndexChanged.connect(self.refresh)
        self.search.textChanged.connect(self._filter)
        ctx.hub.changed.connect(
            lambda topic: (
                self.refresh()
                if topic in ("visits", "actions", "caseload", "meetings", "contacts")
                else None
            )
        )
        self.refresh()

    def _staff(self) -> list[tuple[int, str]]:
        return [(s.id, s.name) for s in self.ctx.services.contacts.staff(self.ctx.actor)]

    def refresh(self) -> None:
        everyone = self.worker.currentData() == "all"
        scope = self.scope.currentData()
        year_ago = self.ctx.services.caseload.today() - dt.timedelta(days=365)
        try:
            rows = self.ctx.services.caseload.caseload(
                self.ctx.actor,
                everyone=everyone,
                include_closed=scope != "open",
                closed_since=year_ago if scope == "year" else None,
            )
        except errors.KnownError as exc:
            self.heading.setText(exc.message)
            return
        self.table.set_rows(rows)
        if self.table.selected() is None and self.table.proxy.rowCount():
            self.table.view.selectRow(0)
        open_cases = [r for r in rows if r.status is CaseStatus.OPEN]
        late = sum(r.overdue_actions for r in open_cases)
        self.heading.setText(
            f"{len(open_cases)} open cases, {len(rows) - len(open_cases)} closed"
            + (f" — {late} actions late" if late else "")
        )
        self._show_actions()

    def _filter(self) -> None:
        needle = fold(self.search.text())
        self.table.proxy.set_predicate(
            (lambda r: needle in fold(f"{r.student_name} {r.carers} {r.class_name}"))
            if needle
            else None
        )

    def _show_actions(self) -> None:
        row = self.table.selected()
        if row is None:
            self.family_label.setText("Choose a family to see its actions.")
            self.action_table.set_rows([])
            return
        self.family_label.setText(
            f"Actions for the family of <b>{row.student_name}</b> ({row.carers})"
        )
        try:
            actions = self.ctx.services.caseload.actions(
                self.ctx.actor, student_id=row.student_id, open_only=False
            )
        except errors.KnownError as exc:
            show_error(self, exc)
            return
        self.action_table.set_rows(actions)

    def add_action(self) -> None:
        row = self.table.selected()
        if row is None:
            return
        try:
            self.ctx.services.caseload.add_action(
                self.ctx.actor,
                ActionDraft(
                    row.student_id,
                    self.action_text.text(),
                    self.action_owner.currentData(),
                    from_qdate(self.action_due.date()),
                ),
            )
        except errors.KnownError as exc:
            show_error(self, exc)
            return
        self.action_text.clear()
        self.ctx.hub.changed.emit("actions")

    def action_done(self) -> None:
        action = self.action_table.selected()
        if action is None:
            return
        try:
            self.ctx.services.caseload.set_action_done(
                self.ctx.actor,
                action.id,
                action.version,
                None if action.done_on else self.ctx.services.caseload.today(),
            )
        except errors.KnownError as exc:
            show_error(self, exc)
        self.ctx.hub.changed.emit("actions")

    def open_case(self) -> None:
        self.chooser = ChooseStudentDialog(self.ctx, self)
        self.chooser.setWindowTitle("Open a family support case")
        self.chooser.kind.hide()
        self.chooser.accepted.connect(self._open_chosen)
        self.chooser.open()

    def _open_chosen(self) -> None:
        assert self.chooser is not None
        student_id = self.chooser.student_id()
        if student_id is None:
            return
        reason = AskText.ask(self, "Open a case", "Why the family needs support (restricted):")
        if reason is None:
            return
        try:
            self.ctx.services.caseload.open_case(self.ctx.actor, student_id, reason)
        except errors.KnownError as exc:
            show_error(self, exc)
            return
        self.ctx.hub.changed.emit("caseload")

    def close_case(self) -> None:
        row = self.table.selected()
        if row is None or row.status is not CaseStatus.OPEN:
            return
        if row.open_actions and not Confirm.ask(
            self,
            "Close the case",
            f"The family of {row.student_name} still has {row.open_actions} open actions. "
            "Close the case anyway?",
            "Close the case",
        ):
            return
        note = AskText.ask(self, "Close the case", "Closing note:")
        if note is None:
            return
        try:
            self.ctx.services.caseload.close_case(self.ctx.actor, row.case_id, row.version, note)
        except errors.KnownError as exc:
            show_error(self, exc)
            return
        self.ctx.hub.changed.emit("caseload")

    def plan_visit(self) -> None:
        row = self.table.selected()
        if row is not None and self.visits is not None:
            self.visits._plan_for(row.student_id)
