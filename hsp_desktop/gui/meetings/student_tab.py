"""The student file's "Meetings" section: the annual review position, every meeting of the
student, and interpreter bookings for calls."""

from __future__ import annotations

from PySide6.QtCore import Qt
from PySide6.QtWidgets import QHBoxLayout, QLabel, QPushButton, QVBoxLayout, QWidget

from hsp_desktop import errors
from hsp_desktop.gui.common.context import AppContext
from hsp_desktop.gui.common.errors import show_error
from hsp_desktop.gui.common.lazy_table import LazyColumn
from hsp_desktop.gui.meetings.common import RowsTable, day_text, time_text
from hsp_desktop.gui.meetings.dialog import BookingProposer, MeetingLauncher
from hsp_desktop.services.actor import Permission
from hsp_desktop.services.meetings import MeetingRow, MeetingStatus, MeetingType
from hsp_desktop.services.reviews import ReviewState

COLUMNS: list[LazyColumn[MeetingRow]] = [
    LazyColumn("day", "Date", lambda r: day_text(r.day), sort_key=lambda r: r.day),
    LazyColumn("time", "Time", lambda r: time_text(r.start_time)),
    LazyColumn("kind", "Meeting", lambda r: r.kind.label),
    LazyColumn("status", "Status", lambda r: r.status.label),
    LazyColumn("where", "Where", lambda r: r.where),
    LazyColumn("staff", "Staff", lambda r: r.staff),
    LazyColumn(
        "interpreter",
        "Interpreter",
        lambda r: r.interpreter,
        alert=lambda r: r.interpreter in ("Needed", "Requested"),
    ),
]


class StudentMeetingsTab(QWidget):
    def __init__(self, ctx: AppContext, student_id: int, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.ctx = ctx
        self.student_id = student_id
        self.launcher = MeetingLauncher(ctx, self)
        self.proposer = BookingProposer(ctx, self)
        layout = QVBoxLayout(self)
        self.review = QLabel()
        self.review.setObjectName("studentReview")
        self.review.setWordWrap(True)
        layout.addWidget(self.review)
        self.needs = QLabel()
        self.needs.setObjectName("studentInterpreterNeeds")
        self.needs.setWordWrap(True)
        layout.addWidget(self.needs)
        self.table: RowsTable[MeetingRow] = RowsTable(
            COLUMNS, key=lambda r: r.id, name="studentMeetings", stretch=4, parent=self
        )
        self.table.view.sortByColumn(0, Qt.SortOrder.DescendingOrder)  # newest first
        self.table.view.doubleClicked.connect(lambda _i: self.open_selected())
        layout.addWidget(self.table.view, 1)
        buttons = QHBoxLayout()
        may = ctx.actor.can(Permission.MANAGE_MEETINGS)
        self.plan_button = QPushButton("&Plan a meeting…")
        self.plan_button.clicked.connect(lambda: self.launcher.plan(self.student_id))
        self.review_button = QPushButton("Plan the annual &review…")
        self.review_button.clicked.connect(self.plan_review)
        self.open_button = QPushButton("&Open…")
        self.open_button.clicked.connect(self.open_selected)
        self.call_button = QPushButton("Interpreter for a &call…")
        self.call_button.setToolTip("Book an interpreter for a planned phone call")
        self.call_button.clicked.connect(self.book_for_call)
        for button in (self.plan_button, self.review_button, self.call_button):
            button.setEnabled(may)
        for button in (self.plan_button, self.review_button, self.open_button, self.call_button):
            buttons.addWidget(button)
        buttons.addStretch(1)
        layout.addLayout(buttons)
        ctx.hub.changed.connect(self._changed)
        self.refresh()

    def _changed(self, topic: str) -> None:
        if topic in ("meetings", "interpreters", "students", "families"):
            self.refresh()

    def refresh(self) -> None:
        services, actor = self.ctx.services, self.ctx.actor
        try:
            rows = services.meetings.for_student(actor, self.student_id)
            review = services.reviews.student_review(actor, self.student_id)
            needs = services.interpreters.needs(actor, self.student_id)
        except errors.KnownError as exc:
            self.review.setText(exc.message)
            return
        self.table.set_rows(rows)
        if review is None:
            self.review.setText("No EHCP: no annual review is due.")
            self.review_button.setVisible(False)
        else:
            colour = {
                ReviewState.OVERDUE: "#b71c1c",
                ReviewState.DUE_SOON: "#8a4b00",
            }.get(review.state, "#333")
            text = f"<b>Annual review:</b> <span style='color:{colour}'>{review.state.label}</span>"
            if review.review_by:
                text += f", due by <b>{day_text(review.review_by)}</b>"
            if review.last_review:
                text += f" (last {day_text(review.last_review)})"
            if review.planned and review.planned.status is MeetingStatus.PLANNED:
                text += f". Planned for {day_text(review.planned.day)}"
            if review.notes:
                text += ". " + ". ".join(review.notes)
            self.review.setText(text + ".")
        if needs:
            self.needs.setText(
                "Interpreter needed: "
                + "; ".join(f"{n.carer_name} ({n.language_label})" for n in needs)
            )
            self.needs.show()
        else:
            self.needs.hide()

    def plan_review(self) -> None:
        """Open the review already planned, or plan one."""
        review = self.ctx.services.reviews.student_review(self.ctx.actor, self.student_id)
        if review and review.planned and review.planned.status is MeetingStatus.PLANNED:
            self.launcher.open(review.planned.meeting_id)
        else:
            self.launcher.plan(self.student_id, MeetingType.ANNUAL_REVIEW)

    def open_selected(self) -> None:
        row = self.table.selected()
        if row is not None:
            self.launcher.open(row.id)

    def book_for_call(self) -> None:
        try:
            proposals = self.ctx.services.interpreters.propose(
                self.ctx.actor, student_id=self.student_id
            )
        except errors.KnownError as exc:
            show_error(self, exc)
            return
        if not proposals:
            show_error(self, errors.KnownError("Nobody in this family needs an interpreter."))
            return
        needs = self.ctx.services.interpreters.needs(self.ctx.actor, self.student_id)
        self.proposer.offer(proposals, {n.carer_id: n.carer_name for n in needs})


def meetings_tab(ctx: AppContext, student_id: int) -> QWidget:
    return StudentMeetingsTab(ctx, student_id)
