"""Home visits: planning one (who goes, a second member of staff or a lone-working
arrangement, when they will be back), checking out and in, and the list of visits."""

from __future__ import annotations

import datetime as dt

from PySide6.QtCore import QDateTime, Qt, Signal
from PySide6.QtWidgets import (
    QComboBox,
    QDateTimeEdit,
    QDialog,
    QDialogButtonBox,
    QFormLayout,
    QHBoxLayout,
    QLabel,
    QLineEdit,
    QPlainTextEdit,
    QPushButton,
    QTimeEdit,
    QVBoxLayout,
    QWidget,
)

from hsp_desktop import errors
from hsp_desktop.gui.common.context import AppContext
from hsp_desktop.gui.common.errors import show_error
from hsp_desktop.gui.common.lazy_table import LazyColumn
from hsp_desktop.gui.common.unsaved import UnsavedChangesPrompt, UnsavedChoice
from hsp_desktop.gui.meetings.calendar import ChooseStudentDialog
from hsp_desktop.gui.meetings.common import (
    AskText,
    BookingDecision,
    Notice,
    RowsTable,
    moment_text,
    to_qtime,
)
from hsp_desktop.gui.meetings.dialog import BookingProposer
from hsp_desktop.services.actor import Permission
from hsp_desktop.services.meetings import BookingsNeedDecision
from hsp_desktop.services.visits import VisitDraft, VisitForm, VisitRow, VisitStatus, VisitView

VISIT_COLUMNS: list[LazyColumn[VisitRow]] = [
    LazyColumn(
        "leaves", "Leaves", lambda v: moment_text(v.leaves_at), sort_key=lambda v: v.leaves_at
    ),
    LazyColumn(
        "back",
        "Back by",
        lambda v: v.expected_return.astimezone().strftime("%H:%M"),
        sort_key=lambda v: v.expected_return,
    ),
    LazyColumn("family", "Family of", lambda v: v.student_name),
    LazyColumn("address", "Address", lambda v: v.address),
    LazyColumn("purpose", "Purpose", lambda v: v.purpose),
    LazyColumn("staff", "Staff", lambda v: v.staff),
    LazyColumn("state", "State", lambda v: v.state, alert=lambda v: v.overdue),
]


def _to_qdatetime(moment: dt.datetime) -> QDateTime:
    local = moment.astimezone()
    return QDateTime.fromSecsSinceEpoch(int(local.timestamp()))


def _from_qdatetime(value: QDateTime) -> dt.datetime:
    return dt.datetime.fromtimestamp(value.toSecsSinceEpoch()).astimezone()


class VisitDialog(QDialog):
    saved = Signal(object)

    def __init__(
        self,
        ctx: AppContext,
        form: VisitForm,
        existing: VisitView | None = None,
        parent: QWidget | None = None,
    ) -> None:
        super().__init__(parent)
        self.ctx = ctx
        self.form = form
        self.existing = existing
        self.view: VisitView | None = existing
        self.proposals: list[object] = []
        self.setWindowTitle(
            f"{'Home visit' if existing else 'Plan a home visit'}: family of {form.student_name}"
        )
        layout = QVBoxLayout(self)
        grid = QFormLayout()
        self.address = QComboBox()
        self.address.setObjectName("visitAddress")
        for address in form.addresses:
            self.address.addItem(address.label, address.household_id)
        self.address.addItem("(somewhere else: say where in the purpose)", None)
        grid.addRow("&Address:", self.address)
        self.purpose = QLineEdit()
        self.purpose.setObjectName("visitPurpose")
        grid.addRow("&Purpose:", self.purpose)
        self.leaves = QDateTimeEdit()
        self.leaves.setObjectName("visitLeaves")
        self.leaves.setCalendarPopup(True)
        self.leaves.setDisplayFormat("ddd dd/MM/yyyy HH:mm")
        self.back = QTimeEdit()
        self.back.setObjectName("visitBack")
        self.back.setDisplayFormat("HH:mm")
        when = QHBoxLayout()
        when.addWidget(self.leaves)
        when.addWidget(QLabel("back by"))
        when.addWidget(self.back)
        when.addStretch(1)
        leaves_label = QLabel("&Leaves:")
        leaves_label.setBuddy(self.leaves)
        grid.addRow(leaves_label, when)
        self.lead = QComboBox()
        self.lead.setObjectName("visitLead")
        self.second = QComboBox()
        self.second.setObjectName("visitSecond")
        self.second.addItem("Nobody: lone working", None)
        for member in form.staff:
            self.lead.addItem(member.name, member.id)
            self.second.addItem(member.name, member.id)
        grid.addRow("&Staff going:", self.lead)
        grid.addRow("Se&cond member of staff:", self.second)
        self.lone = QPlainTextEdit()
        self.lone.setObjectName("visitLoneWorking")
        self.lone.setTabChangesFocus(True)
        self.lone.setMaximumHeight(60)
        self.lone.setPlaceholderText(
            "Who you tell when you arrive and leave; what happens if you do not call"
        )
        self.lone_label = QLabel("Lone-&working arrangement:")
        self.lone_label.setBuddy(self.lone)
        grid.addRow(self.lone_label, self.lone)
        if form.needs:
            needs = QLabel(
                "Interpreter needed: "
                + "; ".join(f"{n.carer_name} ({n.language_label})" for n in form.needs)
            )
            needs.setWordWrap(True)
            needs.setStyleSheet("color: #8a4b00;")
            grid.addRow("", needs)
        self.outcome: QPlainTextEdit | None = None
        if existing is not None and ctx.actor.can(Permission.VIEW_RESTRICTED):
            self.outcome = QPlainTextEdit(existing.outcome_notes)
            self.outcome.setObjectName("visitOutcome")
            self.outcome.setTabChangesFocus(True)
            self.outcome.setPlaceholderText("Restricted: family support and senior staff only")
            grid.addRow("&Outcome notes:", self.outcome)
        layout.addLayout(grid)
        if existing is not None:
            status = QLabel(self._status_text(existing))
            status.setObjectName("visitState")
            status.setWordWrap(True)
            layout.addWidget(status)
        self.message = QLabel()
        self.message.setObjectName("visitMessage")
        self.message.setWordWrap(True)
        self.message.setStyleSheet("color: #b71c1c;")
        self.message.hide()
        layout.addWidget(self.message)
        buttons = QDialogButtonBox()
        self.save_button = buttons.addButton("&Save", QDialogButtonBox.ButtonRole.AcceptRole)
        self.save_button.setDefault(True)
        self.save_button.clicked.connect(self.save)
        self.cancel_visit_button: QPushButton | None = None
        if existing is not None and existing.status is VisitStatus.PLANNED:
            self.cancel_visit_button = buttons.addButton(
                "Ca&ncel visit…", QDialogButtonBox.ButtonRole.DestructiveRole
            )
            self.cancel_visit_button.clicked.connect(self.cancel_visit)
        close = buttons.addButton(QDialogButtonBox.StandardButton.Close)
        close.clicked.connect(self.reject)
        layout.addWidget(buttons)
        self.second.currentIndexChanged.connect(self._second_changed)
        self._fill(existing.as_draft() if existing else self._new_draft())
        if existing is not None and existing.status is not VisitStatus.PLANNED:
            for widget in (
                self.address,
                self.purpose,
                self.leaves,
                self.back,
                self.lead,
                self.second,
                self.lone,
            ):
                widget.setEnabled(False)
        self.base = self._snapshot()
        self.resize(560, 0)

    @staticmethod
    def _status_text(view: VisitView) -> str:
        parts = [f"Status: <b>{view.status.label}</b>"]
        if view.checked_out_at:
            parts.append(f"checked out {moment_text(view.checked_out_at)}")
        if view.checked_in_at:
            parts.append(f"checked in {moment_text(view.checked_in_at)}")
        if view.alert_closed_at:
            parts.append(f"alert closed by {view.alert_closed_by}: {view.alert_note}")
        if view.notes_hidden:
            parts.append("outcome notes are restricted")
        return ", ".join(parts)

    def _new_draft(self) -> VisitDraft:
        now = self.form.now.astimezone()
        start = (now + dt.timedelta(days=1)).replace(hour=10, minute=0, second=0, microsecond=0)
        return VisitDraft(
            self.form.student_id,
            "",
            start,
            start + dt.timedelta(minutes=90),
            self.form.default_lead,
            household_id=self.form.addresses[0].household_id if self.form.addresses else None,
        )

    def _fill(self, draft: VisitDraft) -> None:
        found = self.address.findData(draft.household_id)
        self.address.setCurrentIndex(found if found >= 0 else self.address.count() - 1)
        self.purpose.setText(draft.purpose)
        self.leaves.setDateTime(_to_qdatetime(draft.leaves_at))
        self.back.setTime(to_qtime(draft.expected_return.astimezone().time()))
        lead = self.lead.findData(draft.lead_staff_id)
        self.lead.setCurrentIndex(max(0, lead))
        second = self.second.findData(draft.second_staff_id)
        self.second.setCurrentIndex(max(0, second))
        self.lone.setPlainText(draft.lone_working)
        self._second_changed()

    def _second_changed(self) -> None:
        alone = self.second.currentData() is None
        self.lone.setEnabled(alone)
        self.lone_label.setEnabled(alone)

    def current_draft(self) -> VisitDraft:
        leaves = _from_qdatetime(self.leaves.dateTime())
        back_time = self.back.time()
        back = leaves.replace(hour=back_time.hour(), minute=back_time.minute())
        return VisitDraft(
            self.form.student_id,
            self.purpose.text(),
            leaves,
            back,
            self.lead.currentData(),
            self.second.currentData(),
            self.lone.toPlainText() if self.second.currentData() is None else "",
            self.address.currentData(),
        )

    def _snapshot(self) -> tuple[object, ...]:
        notes = self.outcome.toPlainText() if self.outcome else ""
        return (self.current_draft(), notes)

    def save(self) -> bool:
        self.message.hide()
        services, actor = self.ctx.services, self.ctx.actor
        try:
            if self.view is None:
                view = services.visits.plan(actor, self.current_draft())
            else:
                view = self.view
                if view.status is VisitStatus.PLANNED and self.current_draft() != view.as_draft():
                    view = services.visits.update(
                        actor, view.id, view.version, self.current_draft()
                    )
                if self.outcome is not None and self.outcome.toPlainText() != view.outcome_notes:
                    view = services.visits.record_outcome(
                        actor, view.id, view.version, self.outcome.toPlainText()
                    )
        except errors.ConflictError as exc:
            show_error(self, exc)
            return False
        except errors.KnownError as exc:
            self.message.setText(exc.message)
            self.message.show()
            return False
        self.view = view
        self.proposals = (
            list(services.interpreters.propose(actor, visit_id=view.id))
            if view.status is VisitStatus.PLANNED
            else []
        )
        self.base = self._snapshot()
        self.saved.emit(view)
        self.ctx.hub.changed.emit("visits")
        if view.warnings:
            Notice.show(self.parentWidget(), "Please note", "\n".join(view.warnings))
        self.accept()
        return True

    def cancel_visit(self) -> None:
        assert self.view is not None
        decision: bool | None = None
        while True:
            try:
                self.ctx.services.visits.cancel(
                    self.ctx.actor, self.view.id, self.view.version, cancel_bookings=decision
                )
            except BookingsNeedDecision as exc:
                decision = BookingDecision.ask(self, exc.message)
                if decision is None:
                    return
                continue
            except errors.KnownError as exc:
                show_error(self, exc)
                return
            break
        self.base = self._snapshot()
        self.ctx.hub.changed.emit("visits")
        self.ctx.hub.changed.emit("interpreters")
        self.accept()

    def reject(self) -> None:
        if self._snapshot() != self.base:
            choice = UnsavedChangesPrompt.ask(self, "This visit")
            if choice is UnsavedChoice.CANCEL:
                return
            if choice is UnsavedChoice.SAVE:
                self.save()
                return
        super().reject()


class VisitsPage(QWidget):
    """Visits still planned (out now, today's and later), and the last weeks' visits."""

    def __init__(self, ctx: AppContext, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.ctx = ctx
        self.dialog: VisitDialog | None = None
        self.chooser: ChooseStudentDialog | None = None
        self.proposer = BookingProposer(ctx, self)
        layout = QVBoxLayout(self)
        self.heading = QLabel()
        self.heading.setObjectName("visitsHeading")
        layout.addWidget(self.heading)
        self.table: RowsTable[VisitRow] = RowsTable(
            VISIT_COLUMNS, key=lambda v: v.id, name="visitList", stretch=4, parent=self
        )
        self.table.view.sortByColumn(0, Qt.SortOrder.AscendingOrder)
        self.table.view.doubleClicked.connect(lambda _i: self.open_selected())
        layout.addWidget(self.table.view, 1)
        buttons = QHBoxLayout()
        self.plan_button = QPushButton("&Plan a visit…")
        self.plan_button.clicked.connect(self.plan)
        self.check_out_button = QPushButton("Check &out")
        self.check_out_button.setObjectName("checkOut")
        self.check_out_button.clicked.connect(self.check_out)
        self.check_in_button = QPushButton("Check &in")
        self.check_in_button.setObjectName("checkIn")
        self.check_in_button.clicked.connect(self.check_in)
        open_button = QPushButton("Op&en…")
        open_button.clicked.connect(self.open_selected)
        for button in (self.plan_button, self.check_out_button, self.check_in_button, open_button):
            buttons.addWidget(button)
        buttons.addStretch(1)
        layout.addLayout(buttons)
        self.plan_button.setEnabled(ctx.actor.can(Permission.MANAGE_VISITS))
        ctx.hub.changed.connect(lambda topic: self.refresh() if topic == "visits" else None)
        self.refresh()

    def refresh(self) -> None:
        services, actor = self.ctx.services, self.ctx.actor
        now = services.visits.now()
        try:
            planned = services.visits.planned(actor)
            recent = services.visits.between(actor, now - dt.timedelta(days=28), now)
        except errors.KnownError as exc:
            self.heading.setText(exc.message)
            return
        rows = {v.id: v for v in recent}
        rows.update({v.id: v for v in planned})
        self.table.set_rows(list(rows.values()))
        out = sum(1 for v in planned if v.checked_out and not v.checked_in)
        late = sum(1 for v in planned if v.overdue)
        self.heading.setText(
            f"{len(planned)} visits planned, {out} out now"
            + (f", <b style='color:#b71c1c'>{late} overdue</b>" if late else "")
            + ". Also the visits of the last four weeks."
        )

    def plan(self, student_id: int | None = None) -> None:
        if student_id:
            self._plan_for(student_id)
            return
        self.chooser = ChooseStudentDialog(self.ctx, self)
        self.chooser.setWindowTitle("Plan a home visit")
        self.chooser.kind.hide()
        self.chooser.accepted.connect(self._plan_chosen)
        self.chooser.open()

    def _plan_chosen(self) -> None:
        assert self.chooser is not None
        student_id = self.chooser.student_id()
        if student_id is not None:
            self._plan_for(student_id)

    def _plan_for(self, student_id: int) -> VisitDialog | None:
        try:
            form = self.ctx.services.visits.form(self.ctx.actor, student_id)
        except errors.KnownError as exc:
            show_error(self, exc)
            return None
        return self._show(VisitDialog(self.ctx, form, parent=self))

    def _show(self, dialog: VisitDialog) -> VisitDialog:
        self.dialog = dialog
        dialog.saved.connect(lambda _v: self._offer(dialog))
        dialog.open()
        return dialog

    def _offer(self, dialog: VisitDialog) -> None:
        if dialog.proposals:
            names = {n.carer_id: n.carer_name for n in dialog.form.needs}
            self.proposer.offer(dialog.proposals, names)  # type: ignore[arg-type]

    def open_selected(self) -> None:
        row = self.table.selected()
        if row is None:
            return
        try:
            view = self.ctx.services.visits.get(self.ctx.actor, row.id)
            form = self.ctx.services.visits.form(self.ctx.actor, view.student_id)
        except errors.KnownError as exc:
            show_error(self, exc)
            return
        self._show(VisitDialog(self.ctx, form, view, parent=self))

    def check_out(self) -> None:
        row = self.table.selected()
        if row is None:
            return
        try:
            self.ctx.services.visits.check_out(self.ctx.actor, row.id, row.version)
        except errors.KnownError as exc:
            show_error(self, exc)
        self.ctx.hub.changed.emit("visits")

    def check_in(self) -> None:
        row = self.table.selected()
        if row is None:
            return
        try:
            self.ctx.services.visits.check_in(self.ctx.actor, row.id, row.version)
        except errors.KnownError as exc:
            show_error(self, exc)
        self.ctx.hub.changed.emit("visits")


def close_alert(ctx: AppContext, parent: QWidget, visit_id: int, version: int) -> bool:
    """Ask what the office did to make sure the staff are safe, then close the alert."""
    note = AskText.ask(
        parent,
        "Close the overdue alert",
        "What did you do to make sure they are safe? (e.g. 'Rang Amina: running late')",
    )
    if note is None:
        return False
    try:
        ctx.services.visits.close_alert(ctx.actor, visit_id, version, note)
    except errors.KnownError as exc:
        show_error(parent, exc)
        return False
    ctx.hub.changed.emit("visits")
    return True
