"""Planning a meeting, and recording it once held: when and where, who is invited and who
came, the statutory papers of an annual review, the outcome, follow-up actions and the
interpreter the family needs."""

from __future__ import annotations

import datetime as dt
from dataclasses import asdict, replace
from pathlib import Path
from typing import Any

from PySide6.QtCore import QObject, Qt, Signal
from PySide6.QtGui import QCloseEvent, QKeySequence, QShortcut
from PySide6.QtWidgets import (
    QAbstractItemView,
    QCheckBox,
    QComboBox,
    QDateEdit,
    QDialog,
    QDialogButtonBox,
    QFormLayout,
    QGridLayout,
    QGroupBox,
    QHBoxLayout,
    QHeaderView,
    QLabel,
    QLineEdit,
    QPlainTextEdit,
    QPushButton,
    QScrollArea,
    QSpinBox,
    QTableWidget,
    QTableWidgetItem,
    QTimeEdit,
    QVBoxLayout,
    QWidget,
)

from hsp_desktop import errors, paths
from hsp_desktop.gui.common.conflict import handle_conflict
from hsp_desktop.gui.common.context import AppContext
from hsp_desktop.gui.common.date_edit import DateEdit
from hsp_desktop.gui.common.errors import show_error
from hsp_desktop.gui.common.operations import Operation
from hsp_desktop.gui.common.unsaved import UnsavedChangesPrompt, UnsavedChoice
from hsp_desktop.gui.meetings.booking import BookingDialog
from hsp_desktop.gui.meetings.common import (
    BookingDecision,
    Confirm,
    Notice,
    SavePath,
    day_text,
    from_qdate,
    from_qtime,
    to_qdate,
    to_qtime,
)
from hsp_desktop.services.actor import Permission
from hsp_desktop.services.caseload import ActionDraft
from hsp_desktop.services.interpreters import BookingDraft, BookingStatus
from hsp_desktop.services.meetings import (
    AttendeeDraft,
    AttendeeKind,
    BookingsNeedDecision,
    Invitations,
    MeetingDraft,
    MeetingForm,
    MeetingStatus,
    MeetingType,
    MeetingView,
    Place,
    ReviewNeedsConfirmation,
)
from hsp_desktop.services.reviews import StepState

LABELS = {
    "kind": "Type",
    "status": "Status",
    "day": "Date",
    "start_time": "Time",
    "duration_minutes": "Length",
    "place": "Where",
    "place_detail": "Room or address",
    "purpose": "Purpose",
    "outcome_notes": "Outcome",
    "invitations_sent_on": "Invitations sent on",
    "advice_circulated_on": "Advice circulated on",
    "report_sent_on": "Report sent on",
    "pfa_discussed": "Preparing for adulthood discussed",
}
KIND_ROLE = Qt.ItemDataRole.UserRole
ID_ROLE = Qt.ItemDataRole.UserRole + 1
STATE_COLOURS = {
    StepState.DONE: "#1b5e20",
    StepState.LATE: "#8a4b00",
    StepState.DUE: "#333333",
    StepState.OVERDUE: "#b71c1c",
}


def draft_fields(draft: MeetingDraft) -> dict[str, Any]:
    values = asdict(draft)
    values.pop("attendees")
    values.pop("student_id")
    return values


class MeetingDialog(QDialog):
    """``saved`` carries the ``MeetingView`` after a successful save; ``proposals`` then holds
    the interpreter bookings the program proposes for it."""

    saved = Signal(object)
    invitations_sent = Signal(object)

    def __init__(
        self,
        ctx: AppContext,
        form: MeetingForm,
        existing: MeetingView | None = None,
        *,
        kind: MeetingType = MeetingType.INFORMAL,
        day: dt.date | None = None,
        parent: QWidget | None = None,
    ) -> None:
        super().__init__(parent)
        self.ctx = ctx
        self.form = form
        self.existing = existing
        self.view: MeetingView | None = existing
        self.proposals: list[BookingDraft] = []
        self.booking_dialog: BookingDialog | None = None
        self.setWindowTitle(
            f"{'Meeting' if existing else 'Plan a meeting'}: {form.student_name}"
            + (f" ({form.class_name})" if form.class_name else "")
        )
        self.setObjectName("meetingDialog")
        outer = QVBoxLayout(self)
        scroll = QScrollArea()
        scroll.setWidgetResizable(True)
        body = QWidget()
        self.body = QVBoxLayout(body)
        scroll.setWidget(body)
        outer.addWidget(scroll, 1)

        self._build_when(kind, day)
        self.review_note = QLabel()
        self.review_note.setObjectName("reviewNote")
        self.review_note.setWordWrap(True)
        self.body.addWidget(self.review_note)
        self._build_people()
        self._build_interpreters()
        self._build_papers()
        self._build_outcome()
        self._build_actions()
        self.body.addStretch(1)

        self.message = QLabel()
        self.message.setObjectName("meetingMessage")
        self.message.setWordWrap(True)
        self.message.setStyleSheet("color: #b71c1c;")
        self.message.hide()
        outer.addWidget(self.message)
        self.buttons = QDialogButtonBox()
        self.save_button = self.buttons.addButton("&Save", QDialogButtonBox.ButtonRole.AcceptRole)
        self.save_button.setDefault(True)
        self.save_button.clicked.connect(self.save)
        self.cancel_meeting_button: QPushButton | None = None
        self.delete_button: QPushButton | None = None
        self.invite_button: QPushButton | None = None
        self.operation: Operation | None = None
        if (
            existing is not None
            and existing.status is MeetingStatus.PLANNED
            and ctx.actor.can(Permission.MANAGE_MEETINGS)
        ):
            self.invite_button = self.buttons.addButton(
                "Send &invitations…", QDialogButtonBox.ButtonRole.ActionRole
            )
            self.invite_button.setToolTip(
                "Print the invitation letters, one per household in its language, and log "
                "them on the contact log"
            )
            self.invite_button.clicked.connect(self.send_invitations)
        if existing is not None and ctx.actor.can(Permission.MANAGE_MEETINGS):
            self.cancel_meeting_button = self.buttons.addButton(
                "Ca&ncel meeting…", QDialogButtonBox.ButtonRole.DestructiveRole
            )
            self.cancel_meeting_button.clicked.connect(self.cancel_meeting)
            self.delete_button = self.buttons.addButton(
                "&Delete…", QDialogButtonBox.ButtonRole.DestructiveRole
            )
            self.delete_button.clicked.connect(self.delete_meeting)
        close = self.buttons.addButton(QDialogButtonBox.StandardButton.Close)
        close.clicked.connect(self.reject)
        outer.addWidget(self.buttons)
        QShortcut(QKeySequence("Ctrl+S"), self, lambda: self.save())

        self._fill(existing.as_draft() if existing else self._new_draft(kind, day))
        self.base = self._current_fields()
        self.kind.currentIndexChanged.connect(self._kind_changed)
        self.status.currentIndexChanged.connect(self._status_changed)
        self.day.dateChanged.connect(self._update_review_note)
        self._kind_changed()
        self._status_changed()
        self.resize(760, 760)

    # -- building ---------------------------------------------------------------------------
    def _build_when(self, kind: MeetingType, day: dt.date | None) -> None:
        box = QGroupBox("Meeting")
        grid = QFormLayout(box)
        self.kind = QComboBox()
        self.kind.setObjectName("meetingKind")
        for k in MeetingType:
            self.kind.addItem(k.label, k)
        grid.addRow("&Type:", self.kind)
        self.status = QComboBox()
        self.status.setObjectName("meetingStatus")
        for status in (MeetingStatus.PLANNED, MeetingStatus.HELD):
            self.status.addItem(status.label, status)
        grid.addRow("Stat&us:", self.status)
        self.day = QDateEdit()
        self.day.setObjectName("meetingDay")
        self.day.setCalendarPopup(True)
        self.day.setDisplayFormat("ddd dd/MM/yyyy")
        self.start = QTimeEdit()
        self.start.setDisplayFormat("HH:mm")
        self.length = QSpinBox()
        self.length.setRange(5, 600)
        self.length.setSingleStep(15)
        self.length.setSuffix(" min")
        when = QHBoxLayout()
        when.addWidget(self.day)
        when.addWidget(QLabel("at"))
        when.addWidget(self.start)
        when.addWidget(self.length)
        when.addStretch(1)
        day_label = QLabel("&Date:")
        day_label.setBuddy(self.day)
        grid.addRow(day_label, when)
        self.place = QComboBox()
        for place in Place:
            self.place.addItem(place.label, place)
        self.place_detail = QLineEdit()
        self.place_detail.setPlaceholderText("Room, address or link")
        where = QHBoxLayout()
        where.addWidget(self.place)
        where.addWidget(self.place_detail, 1)
        where_label = QLabel("&Where:")
        where_label.setBuddy(self.place)
        grid.addRow(where_label, where)
        self.purpose = QLineEdit()
        self.purpose.setPlaceholderText("What the meeting is about, in plain words")
        grid.addRow("&Purpose:", self.purpose)
        self.body.addWidget(box)

    def _build_people(self) -> None:
        box = QGroupBox("People")
        layout = QVBoxLayout(box)
        self.people = QTableWidget(0, 4)
        self.people.setObjectName("meetingPeople")
        self.people.setHorizontalHeaderLabels(["Who", "Role", "Invited", "Came"])
        self.people.verticalHeader().hide()
        self.people.setSelectionBehavior(QAbstractItemView.SelectionBehavior.SelectRows)
        header = self.people.horizontalHeader()
        header.setSectionResizeMode(0, QHeaderView.ResizeMode.Stretch)
        header.setSectionResizeMode(1, QHeaderView.ResizeMode.Stretch)
        self.people.setMinimumHeight(170)
        layout.addWidget(self.people)
        row = QHBoxLayout()
        self.staff_choice = QComboBox()
        self.staff_choice.setObjectName("staffChoice")
        for member in self.form.staff:
            label = f"{member.name} ({member.job_title})" if member.job_title else member.name
            self.staff_choice.addItem(label, member.id)
        add_staff = QPushButton("Add &staff")
        add_staff.clicked.connect(self._add_chosen_staff)
        add_professional = QPushButton("Add p&rofessional")
        add_professional.clicked.connect(
            lambda: self._add_row(AttendeeDraft(AttendeeKind.PROFESSIONAL), editable=True)
        )
        remove = QPushButton("Re&move")
        remove.clicked.connect(self._remove_person)
        row.addWidget(self.staff_choice, 1)
        row.addWidget(add_staff)
        row.addWidget(add_professional)
        row.addWidget(remove)
        layout.addLayout(row)
        self.body.addWidget(box)

    def _build_interpreters(self) -> None:
        self.interpreter_box = QGroupBox("Interpreter")
        self.interpreter_layout = QVBoxLayout(self.interpreter_box)
        self.body.addWidget(self.interpreter_box)

    def _build_papers(self) -> None:
        self.papers_box = QGroupBox("Annual review papers")
        grid = QGridLayout(self.papers_box)
        self.papers: dict[str, tuple[DateEdit, QLabel]] = {}
        for row, (key, label) in enumerate(
            (
                ("invitations_sent_on", "&Invitations sent on:"),
                ("advice_circulated_on", "&Advice circulated on:"),
                ("report_sent_on", "Re&port sent on:"),
            )
        ):
            edit = DateEdit()
            edit.setObjectName(key)
            state = QLabel()
            state.setObjectName(f"{key}_state")
            caption = QLabel(label)
            caption.setBuddy(edit)
            grid.addWidget(caption, row, 0)
            grid.addWidget(edit, row, 1)
            grid.addWidget(state, row, 2)
            self.papers[key] = (edit, state)
        grid.setColumnStretch(2, 1)
        self.pfa = QCheckBox("Preparing for adulthood &discussed (Year 9 onwards)")
        grid.addWidget(self.pfa, 3, 0, 1, 3)
        self.body.addWidget(self.papers_box)

    def _build_outcome(self) -> None:
        self.outcome_box = QGroupBox("Outcome")
        layout = QVBoxLayout(self.outcome_box)
        self.outcome = QPlainTextEdit()
        self.outcome.setObjectName("meetingOutcome")
        self.outcome.setTabChangesFocus(True)
        self.outcome.setPlaceholderText("What was agreed (recorded once the meeting is held)")
        self.outcome.setMinimumHeight(80)
        layout.addWidget(self.outcome)
        self.body.addWidget(self.outcome_box)

    def _build_actions(self) -> None:
        self.actions_box = QGroupBox("Follow-up actions")
        layout = QVBoxLayout(self.actions_box)
        self.action_table = QTableWidget(0, 4)
        self.action_table.setObjectName("meetingActions")
        self.action_table.setHorizontalHeaderLabels(["Action", "Who", "Due", "Done"])
        self.action_table.verticalHeader().hide()
        self.action_table.setEditTriggers(QAbstractItemView.EditTrigger.NoEditTriggers)
        self.action_table.horizontalHeader().setSectionResizeMode(0, QHeaderView.ResizeMode.Stretch)
        self.action_table.setMaximumHeight(120)
        layout.addWidget(self.action_table)
        row = QHBoxLayout()
        self.action_text = QLineEdit()
        self.action_text.setObjectName("actionText")
        self.action_text.setPlaceholderText("New action")
        self.action_owner = QComboBox()
        for member in self.form.staff:
            self.action_owner.addItem(member.name, member.id)
        if self.ctx.actor.staff_member_id is not None:
            self.action_owner.setCurrentIndex(
                max(0, self.action_owner.findData(self.ctx.actor.staff_member_id))
            )
        self.action_due = QDateEdit(to_qdate(self.form.today + dt.timedelta(days=14)))
        self.action_due.setCalendarPopup(True)
        self.action_due.setDisplayFormat("dd/MM/yyyy")
        add = QPushButton("Add a&ction")
        add.clicked.connect(self.add_action)
        row.addWidget(self.action_text, 1)
        row.addWidget(self.action_owner)
        row.addWidget(self.action_due)
        row.addWidget(add)
        layout.addLayout(row)
        self.body.addWidget(self.actions_box)

    # -- filling ----------------------------------------------------------------------------
    def _new_draft(self, kind: MeetingType, day: dt.date | None) -> MeetingDraft:
        people: list[AttendeeDraft] = [
            AttendeeDraft(AttendeeKind.STAFF, staff_member_id=i) for i in self.form.suggested_staff
        ]
        for member in self.form.family:
            if not member.restricted and member.parental_responsibility:
                people.append(AttendeeDraft(AttendeeKind.CARER, carer_id=member.carer_id))
        review = kind is MeetingType.ANNUAL_REVIEW
        default_day = day or (self.form.suggested_review_day if review else self.form.suggested_day)
        return MeetingDraft(
            student_id=self.form.student_id,
            kind=kind,
            day=default_day,
            start_time=dt.time(10, 0),
            duration_minutes=60 if kind is MeetingType.ANNUAL_REVIEW else 30,
            attendees=tuple(people),
        )

    def _fill(self, draft: MeetingDraft) -> None:
        self.kind.setCurrentIndex(list(MeetingType).index(draft.kind))
        found = self.status.findData(draft.status)
        self.status.setCurrentIndex(max(0, found))
        self.day.setDate(to_qdate(draft.day))
        self.start.setTime(to_qtime(draft.start_time or dt.time(10, 0)))
        self.length.setValue(draft.duration_minutes)
        self.place.setCurrentIndex(list(Place).index(draft.place))
        self.place_detail.setText(draft.place_detail)
        self.purpose.setText(draft.purpose)
        self.outcome.setPlainText(draft.outcome_notes)
        for key, (edit, _state) in self.papers.items():
            edit.set_value(getattr(draft, key))
        self.pfa.setChecked(draft.pfa_discussed)
        self.people.setRowCount(0)
        listed = set()
        for attendee in draft.attendees:
            self._add_row(attendee, editable=attendee.kind is AttendeeKind.PROFESSIONAL)
            if attendee.carer_id is not None:
                listed.add(attendee.carer_id)
        for member in self.form.family:  # carers not invited still show, unticked
            if member.carer_id not in listed:
                self._add_row(
                    AttendeeDraft(AttendeeKind.CARER, carer_id=member.carer_id, invited=False)
                )
        self._show_view_parts()

    def _show_view_parts(self) -> None:
        view = self.view
        steps = {s.key.value: s for s in view.steps} if view else {}
        for key, (_edit, state) in self.papers.items():
            step = steps.get(key.split("_")[0])
            if step is None:
                state.setText("")
                continue
            text = (
                step.describe
                if step.done_on
                else f"{step.state.label}: send by {day_text(step.send_by)}"
            )
            if step.note and not step.done_on:
                text += f" ({step.note})"
            state.setText(text)
            state.setStyleSheet(f"color: {STATE_COLOURS[step.state]};")
        self._fill_interpreters()
        self.action_table.setRowCount(0)
        for action in view.actions if view else ():
            row = self.action_table.rowCount()
            self.action_table.insertRow(row)
            for col, text in enumerate(
                (
                    action.description,
                    action.owner_name,
                    day_text(action.due_on),
                    day_text(action.done_on),
                )
            ):
                self.action_table.setItem(row, col, QTableWidgetItem(text))
        self.actions_box.setEnabled(view is not None)
        self.actions_box.setToolTip("" if view else "Save the meeting first")

    def _fill_interpreters(self) -> None:
        while self.interpreter_layout.count():
            item = self.interpreter_layout.takeAt(0)
            widget = item.widget() if item is not None else None
            if widget is not None:
                widget.deleteLater()
        bookings = list(self.view.bookings) if self.view else []
        if not self.form.needs and not bookings:
            self.interpreter_layout.addWidget(QLabel("Nobody in the family needs an interpreter."))
            return
        if self.view is None:
            hint = QLabel("When the meeting is saved you will be asked to book the interpreter.")
            hint.setWordWrap(True)
            self.interpreter_layout.addWidget(hint)
        for need in self.form.needs:
            mine = [
                b for b in bookings if b.carer_id == need.carer_id and b.language == need.language
            ]
            active = [b for b in mine if b.status is not BookingStatus.CANCELLED]
            line = QHBoxLayout()
            text = f"<b>{need.carer_name}</b> needs an interpreter: <b>{need.language_label}</b>"
            if need.notes:
                text += f" — {need.notes}"
            if active:
                b = active[0]
                colour = "#1b5e20" if b.status is BookingStatus.CONFIRMED else "#b71c1c"
                text += f"<br><span style='color:{colour}'>{b.status.label}: {b.who}</span>"
            elif self.view is not None:
                text += "<br><span style='color:#b71c1c'>No interpreter booked yet</span>"
            label = QLabel(text)
            label.setObjectName(f"need-{need.carer_id}")
            label.setWordWrap(True)
            line.addWidget(label, 1)
            if self.view is not None:
                button = QPushButton("Open &booking…" if active else "&Book interpreter…")
                button.setObjectName(f"book-{need.carer_id}")
                if active:
                    button.clicked.connect(lambda _=False, b=active[0]: self.open_booking(b))
                else:
                    button.clicked.connect(lambda _=False, n=need: self.book_for(n.carer_id))
                line.addWidget(button)
            holder = QWidget()
            holder.setLayout(line)
            self.interpreter_layout.addWidget(holder)

    def _add_row(self, attendee: AttendeeDraft, *, editable: bool = False) -> None:
        row = self.people.rowCount()
        self.people.insertRow(row)
        name, role, restricted = attendee.name, attendee.role, False
        if attendee.kind is AttendeeKind.STAFF:
            colleague = next((m for m in self.form.staff if m.id == attendee.staff_member_id), None)
            name = colleague.name if colleague else attendee.name
            role = role or (colleague.job_title if colleague else "")
        elif attendee.kind is AttendeeKind.CARER:
            member = next((f for f in self.form.family if f.carer_id == attendee.carer_id), None)
            if member is not None:
                name = member.name
                role = role or member.relationship
                if member.needs_interpreter:
                    role += f" · needs {member.language} interpreter"
                restricted = member.restricted
                if restricted:
                    role = f"Not invited: {member.restriction.label}"
        elif attendee.kind is AttendeeKind.STUDENT:
            name = name or self.form.student_name
            role = role or "Student"
        who = QTableWidgetItem(name)
        who.setData(KIND_ROLE, attendee.kind.value)
        who.setData(ID_ROLE, attendee.staff_member_id or attendee.carer_id)
        role_item = QTableWidgetItem(role)
        fixed = Qt.ItemFlag.ItemIsEnabled | Qt.ItemFlag.ItemIsSelectable
        if not editable:
            who.setFlags(fixed)
            role_item.setFlags(fixed)
        invited = QTableWidgetItem()
        invited.setFlags(fixed | Qt.ItemFlag.ItemIsUserCheckable)
        invited.setCheckState(
            Qt.CheckState.Checked
            if attendee.invited and not restricted
            else Qt.CheckState.Unchecked
        )
        came = QTableWidgetItem()
        came.setFlags(fixed | Qt.ItemFlag.ItemIsUserCheckable)
        came.setCheckState(Qt.CheckState.Checked if attendee.attended else Qt.CheckState.Unchecked)
        if restricted:
            for item in (who, role_item, invited, came):
                item.setFlags(Qt.ItemFlag.NoItemFlags)
        for col, item in enumerate((who, role_item, invited, came)):
            self.people.setItem(row, col, item)

    def _cell(self, row: int, column: int) -> QTableWidgetItem:
        item = self.people.item(row, column)
        assert item is not None
        return item

    def _add_chosen_staff(self) -> None:
        staff_id = self.staff_choice.currentData()
        if staff_id is None:
            return
        for row in range(self.people.rowCount()):
            item = self._cell(row, 0)
            if (
                AttendeeKind(item.data(KIND_ROLE)) is AttendeeKind.STAFF
                and item.data(ID_ROLE) == staff_id
            ):
                return
        self._add_row(AttendeeDraft(AttendeeKind.STAFF, staff_member_id=staff_id))

    def _remove_person(self) -> None:
        rows = sorted({i.row() for i in self.people.selectedIndexes()}, reverse=True)
        for row in rows:
            if AttendeeKind(self._cell(row, 0).data(KIND_ROLE)) is not AttendeeKind.CARER:
                self.people.removeRow(row)

    # -- reading ----------------------------------------------------------------------------
    def attendees(self) -> tuple[AttendeeDraft, ...]:
        held = MeetingStatus(self.status.currentData()) is MeetingStatus.HELD
        result = []
        for row in range(self.people.rowCount()):
            who = self._cell(row, 0)
            if not who.flags() & Qt.ItemFlag.ItemIsEnabled:
                continue  # a carer the school does not contact
            kind = AttendeeKind(who.data(KIND_ROLE))
            invited = self._cell(row, 2).checkState() is Qt.CheckState.Checked
            came = self._cell(row, 3).checkState() is Qt.CheckState.Checked
            if kind is AttendeeKind.CARER and not invited and not came:
                continue
            ident = who.data(ID_ROLE)
            result.append(
                AttendeeDraft(
                    kind,
                    staff_member_id=ident if kind is AttendeeKind.STAFF else None,
                    carer_id=ident if kind is AttendeeKind.CARER else None,
                    name=who.text(),
                    role=self._cell(row, 1).text() if kind is AttendeeKind.PROFESSIONAL else "",
                    invited=invited,
                    attended=came if held else None,
                )
            )
        return tuple(result)

    def current_draft(self) -> MeetingDraft:
        kind = MeetingType(self.kind.currentData())
        review = kind is MeetingType.ANNUAL_REVIEW
        papers: dict[str, Any] = {
            key: (edit.value() if review else None) for key, (edit, _s) in self.papers.items()
        }
        for key, value in papers.items():
            if isinstance(value, str):
                raise errors.ValidationError(LABELS[key], f"{value!r} is not a date (dd/mm/yyyy)")
        return MeetingDraft(
            student_id=self.form.student_id,
            kind=kind,
            day=from_qdate(self.day.date()),
            start_time=from_qtime(self.start.time()),
            duration_minutes=self.length.value(),
            place=Place(self.place.currentData()),
            place_detail=self.place_detail.text(),
            purpose=self.purpose.text(),
            status=MeetingStatus(self.status.currentData()),
            outcome_notes=self.outcome.toPlainText(),
            pfa_discussed=self.pfa.isChecked(),
            attendees=self.attendees(),
            **papers,
        )

    def _current_fields(self) -> dict[str, Any]:
        try:
            draft = self.current_draft()
        except errors.ValidationError:
            return {"invalid": True}
        values = draft_fields(draft)
        values["attendees"] = draft.attendees
        return values

    def is_dirty(self) -> bool:
        return self._current_fields() != self.base

    # -- reacting ---------------------------------------------------------------------------
    def _kind_changed(self) -> None:
        review = MeetingType(self.kind.currentData()) is MeetingType.ANNUAL_REVIEW
        self.papers_box.setVisible(review)
        self._update_review_note()

    def _status_changed(self) -> None:
        held = MeetingStatus(self.status.currentData()) is MeetingStatus.HELD
        self.outcome_box.setEnabled(True)
        self.people.setColumnHidden(3, not held)
        self.outcome.setPlaceholderText(
            "What was agreed" if held else "What was agreed (recorded once the meeting is held)"
        )

    def _update_review_note(self) -> None:
        review = self.form.review
        if MeetingType(self.kind.currentData()) is not MeetingType.ANNUAL_REVIEW or review is None:
            self.review_note.setText("")
            self.review_note.hide()
            return
        first = []
        if review.last_review:
            first.append(f"Last review {day_text(review.last_review)}")
        if review.review_by:
            first.append(f"next due by <b>{day_text(review.review_by)}</b>")
        parts = [", ".join(first)] if first else []
        parts.extend(review.notes)
        day = from_qdate(self.day.date())
        if review.review_by and day > review.review_by:
            parts.append("<span style='color:#b71c1c'>This date is after the review is due</span>")
        self.review_note.setText(". ".join(parts) + ".")
        self.review_note.show()

    # -- saving -----------------------------------------------------------------------------
    def save(self, *, confirmed: bool = False) -> bool:
        self.message.hide()
        try:
            draft = self.current_draft()
            if self.view is None:
                view = self.ctx.services.meetings.create(self.ctx.actor, draft, confirmed=confirmed)
            else:
                view = self.ctx.services.meetings.update(
                    self.ctx.actor, self.view.id, self.view.version, draft, confirmed=confirmed
                )
        except ReviewNeedsConfirmation as exc:
            if Confirm.ask(
                self, exc.title, exc.message + "\n\nSave the review on this date anyway?", "Save"
            ):
                return self.save(confirmed=True)
            return False
        except errors.ConflictError as exc:
            self._conflict(exc)
            return False
        except errors.KnownError as exc:
            self.message.setText(exc.message)
            self.message.show()
            return False
        self._saved(view, confirmed)
        return True

    def _saved(self, view: MeetingView, confirmed: bool) -> None:
        self.view = view
        self.proposals = (
            self.ctx.services.interpreters.propose(self.ctx.actor, meeting_id=view.id)
            if view.status is MeetingStatus.PLANNED
            else []
        )
        self.base = self._current_fields()
        self.saved.emit(view)
        self.ctx.hub.changed.emit("meetings")
        if view.warnings and not confirmed:  # confirmed ones the user has just read
            Notice.show(self.parentWidget(), "Please note", "\n".join(view.warnings))
        self.accept()

    def _conflict(self, exc: errors.ConflictError) -> None:
        assert self.view is not None
        mine = draft_fields(self.current_draft())
        base = {k: v for k, v in self.base.items() if k in mine}

        def reload() -> None:
            self.view = self.ctx.services.meetings.get(self.ctx.actor, exc.entity_id)
            self._fill(self.view.as_draft())
            self.base = self._current_fields()

        def reapply(changed: dict[str, Any]) -> None:
            self.view = self.ctx.services.meetings.get(self.ctx.actor, exc.entity_id)
            attendees = self.attendees()
            self._fill(replace(self.view.as_draft(), **changed, attendees=attendees))
            self.base = self._current_fields()
            self.save()

        handle_conflict(
            self, exc, base=base, mine=mine, reload=reload, reapply=reapply, labels=LABELS
        )

    # -- bookings, actions, removal ---------------------------------------------------------
    def book_for(self, carer_id: int) -> None:
        assert self.view is not None
        proposals = self.ctx.services.interpreters.propose(self.ctx.actor, meeting_id=self.view.id)
        draft = next((p for p in proposals if p.carer_id == carer_id), None)
        if draft is None:
            return
        self._open_booking(BookingDialog(self.ctx, draft, parent=self))

    def open_booking(self, booking: Any) -> None:
        self._open_booking(BookingDialog(self.ctx, booking.as_draft(), booking, parent=self))

    def _open_booking(self, dialog: BookingDialog) -> None:
        self.booking_dialog = dialog
        dialog.saved.connect(lambda _v: self._reload_view())
        dialog.open()

    def _reload_view(self) -> None:
        if self.view is None:
            return
        self.view = self.ctx.services.meetings.get(self.ctx.actor, self.view.id)
        self._show_view_parts()

    def add_action(self) -> None:
        if self.view is None:
            return
        try:
            self.ctx.services.caseload.add_action(
                self.ctx.actor,
                ActionDraft(
                    self.form.student_id,
                    self.action_text.text(),
                    self.action_owner.currentData(),
                    from_qdate(self.action_due.date()),
                    meeting_id=self.view.id,
                ),
            )
        except errors.KnownError as exc:
            show_error(self, exc)
            return
        self.action_text.clear()
        self.ctx.hub.changed.emit("actions")
        self._reload_view()

    def send_invitations(self) -> None:
        """Render the letters off the UI thread, then ask where to save them."""
        if self.view is None or self.operation is not None:
            return
        if self.is_dirty() and not self.save_quietly():
            return
        view = self.view
        services, actor = self.ctx.services.meetings, self.ctx.actor
        self.operation = Operation(
            lambda _progress, _cancelled: services.send_invitations(actor, view.id, view.version),
            self,
        )
        self.operation.succeeded.connect(self._invitations_ready)
        self.operation.failed.connect(lambda exc: show_error(self, exc))
        self.operation.finished.connect(self._invitations_done)
        if self.invite_button is not None:
            self.invite_button.setEnabled(False)
            self.invite_button.setText("Printing…")
        self.operation.start()

    def _invitations_done(self) -> None:
        self.operation = None
        if self.invite_button is not None:
            self.invite_button.setEnabled(True)
            self.invite_button.setText("Send &invitations…")

    def _invitations_ready(self, sent: Invitations) -> None:
        self.view = sent.meeting
        self._fill(sent.meeting.as_draft())
        self.base = self._current_fields()
        self.ctx.hub.changed.emit("meetings")
        self.ctx.hub.changed.emit("contacts")
        who = self.form.student_name.replace(" ", "-").lower()
        name = f"invitation-{who}-{sent.meeting.day:%Y%m%d}.pdf"
        path = SavePath.ask(self, "Save the invitation letters", str(paths.data_dir() / name))
        if path:
            Path(path).write_bytes(sent.pdf)
        copies = "; ".join(
            f"{c.addressed_to} ({c.language}{', bilingual' if c.bilingual else ''})"
            for c in sent.copies
        )
        Notice.show(
            self,
            "Invitations",
            f"{len(sent.copies)} letters: {copies}. Logged on the contact log"
            + (f"; saved to {path}." if path else "; not saved."),
        )
        self.invitations_sent.emit(sent)

    def save_quietly(self) -> bool:
        """Save the form without closing it (before printing from it)."""
        assert self.view is not None
        try:
            self.view = self.ctx.services.meetings.update(
                self.ctx.actor,
                self.view.id,
                self.view.version,
                self.current_draft(),
                confirmed=True,
            )
        except errors.KnownError as exc:
            show_error(self, exc)
            return False
        self.base = self._current_fields()
        return True

    def cancel_meeting(self) -> None:
        self._remove("cancel")

    def delete_meeting(self) -> None:
        self._remove("delete")

    def _remove(self, how: str) -> None:
        assert self.view is not None
        question = (
            "Cancel this meeting? It stays on the student's record as cancelled."
            if how == "cancel"
            else "Delete this meeting? Use this only for a meeting entered by mistake."
        )
        if not Confirm.ask(
            self, "Cancel meeting" if how == "cancel" else "Delete meeting", question, "Yes"
        ):
            return
        services, actor, view = self.ctx.services.meetings, self.ctx.actor, self.view
        decision: bool | None = None
        while True:
            try:
                if how == "cancel":
                    services.cancel(actor, view.id, view.version, cancel_bookings=decision)
                else:
                    services.delete(actor, view.id, view.version, cancel_bookings=decision)
            except BookingsNeedDecision as exc:
                decision = BookingDecision.ask(self, exc.message)
                if decision is None:
                    return
                continue
            except errors.KnownError as exc:
                show_error(self, exc)
                return
            break
        self.base = self._current_fields()
        self.ctx.hub.changed.emit("meetings")
        self.ctx.hub.changed.emit("interpreters")
        self.accept()

    # -- closing ----------------------------------------------------------------------------
    def reject(self) -> None:
        if self.is_dirty():
            choice = UnsavedChangesPrompt.ask(self, "This meeting")
            if choice is UnsavedChoice.CANCEL:
                return
            if choice is UnsavedChoice.SAVE:
                if not self.save():
                    return
                return
        super().reject()

    def closeEvent(self, event: QCloseEvent) -> None:
        if self.is_dirty():
            event.ignore()
            self.reject()
            return
        super().closeEvent(event)


class BookingProposer(QObject):
    """After a meeting or visit is saved: offer each booking the program proposes, one
    dialog after another. ``current`` is the dialog on screen."""

    finished = Signal()

    def __init__(self, ctx: AppContext, parent: QWidget) -> None:
        super().__init__(parent)
        self.ctx = ctx
        self.parent_widget = parent
        self.queue: list[BookingDraft] = []
        self.current: BookingDialog | None = None

    def offer(self, proposals: list[BookingDraft], carer_names: dict[int, str]) -> None:
        self.queue = list(proposals)
        self.names = carer_names
        self._next()

    def _next(self) -> None:
        if not self.queue:
            self.current = None
            self.finished.emit()
            return
        draft = self.queue.pop(0)
        dialog = BookingDialog(
            self.ctx,
            draft,
            carer_name=self.names.get(draft.carer_id or 0, ""),
            parent=self.parent_widget,
        )
        dialog.setWindowTitle("Interpreter needed: book one?")
        dialog.finished.connect(lambda _r: self._next())
        self.current = dialog
        dialog.open()


class MeetingLauncher(QObject):
    """Opens the meeting dialog for a page, then offers the interpreter bookings the program
    proposes. ``dialog`` and ``proposer.current`` are the windows on screen (for tests)."""

    def __init__(self, ctx: AppContext, parent: QWidget) -> None:
        super().__init__(parent)
        self.ctx = ctx
        self.page = parent
        self.dialog: MeetingDialog | None = None
        self.proposer = BookingProposer(ctx, parent)

    def plan(
        self, student_id: int, kind: MeetingType = MeetingType.INFORMAL, day: dt.date | None = None
    ) -> MeetingDialog | None:
        try:
            form = self.ctx.services.meetings.form(self.ctx.actor, student_id)
        except errors.KnownError as exc:
            show_error(self.page, exc)
            return None
        return self._show(MeetingDialog(self.ctx, form, kind=kind, day=day, parent=self.page))

    def open(self, meeting_id: int) -> MeetingDialog | None:
        try:
            view = self.ctx.services.meetings.get(self.ctx.actor, meeting_id)
            form = self.ctx.services.meetings.form(self.ctx.actor, view.student_id)
        except errors.KnownError as exc:
            show_error(self.page, exc)
            return None
        return self._show(MeetingDialog(self.ctx, form, view, parent=self.page))

    def _show(self, dialog: MeetingDialog) -> MeetingDialog:
        self.dialog = dialog
        dialog.saved.connect(lambda _view: self._offer(dialog))
        dialog.open()
        return dialog

    def _offer(self, dialog: MeetingDialog) -> None:
        if dialog.proposals:
            names = {m.carer_id: m.name for m in dialog.form.family}
            self.proposer.offer(dialog.proposals, names)
