"""The lists of the Returns area: slips still out per run, answers carers disagree on, and
home-school agreements with who has signed."""

from __future__ import annotations

from PySide6.QtCore import Signal
from PySide6.QtWidgets import (
    QCheckBox,
    QComboBox,
    QFormLayout,
    QGroupBox,
    QHBoxLayout,
    QLabel,
    QLineEdit,
    QPushButton,
    QVBoxLayout,
    QWidget,
)

from hsp_desktop import errors
from hsp_desktop.gui.common.context import AppContext
from hsp_desktop.gui.common.date_edit import DateEdit
from hsp_desktop.gui.common.form_errors import ErrorBanner
from hsp_desktop.gui.common.lazy_table import LazyColumn
from hsp_desktop.gui.letters.common import fit_columns, lazy_table
from hsp_desktop.services.actor import Permission
from hsp_desktop.services.returns import AgreementRow, Conflict, OutstandingRow


def outstanding_columns() -> list[LazyColumn[OutstandingRow]]:
    return [
        LazyColumn("class", "Class", lambda r: r.class_name),
        LazyColumn("student", "Student", lambda r: r.student_name),
        LazyColumn("to", "Sent to", lambda r: r.addressee),
        LazyColumn("how", "How", lambda r: r.channel),
        LazyColumn("code", "Code", lambda r: r.code),
        LazyColumn(
            "other",
            "Note",
            lambda r: "the other household has answered" if r.other_household_answered else "",
        ),
    ]


class OutstandingPage(QWidget):
    reminder_requested = Signal(int)

    def __init__(self, ctx: AppContext, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.ctx = ctx
        self.runs = QComboBox()
        self.runs.setObjectName("outstandingRun")
        self.count = QLabel()
        self.count.setObjectName("outstandingCount")
        self.model, self.proxy, self.view = lazy_table(
            outstanding_columns(), lambda r: r.issued_id, "outstandingTable"
        )
        self.reminder = QPushButton("Send a re&minder to these households…")
        self.reminder.setVisible(ctx.actor.can(Permission.SEND_LETTERS))
        layout = QVBoxLayout(self)
        form = QFormLayout()
        form.addRow("&Letter run:", self.runs)
        layout.addLayout(form)
        layout.addWidget(self.count)
        layout.addWidget(self.view, 1)
        row = QHBoxLayout()
        row.addStretch(1)
        row.addWidget(self.reminder)
        layout.addLayout(row)
        self.runs.currentIndexChanged.connect(lambda _i: self.show_run())
        self.reminder.clicked.connect(self._remind)
        ctx.hub.changed.connect(self._on_hub)
        self.refresh()

    def _on_hub(self, topic: str) -> None:
        if topic in {"letters", "returns"}:
            self.refresh()

    def refresh(self) -> None:
        current = self.runs.currentData()
        self.runs.blockSignals(True)
        self.runs.clear()
        for run in self.ctx.services.letter_runs.runs(self.ctx.actor):
            if run.slips and run.reminder_of is None:
                when = run.created_at.astimezone()
                label = f"{run.title} — {run.scope} ({when:%d/%m/%Y}): {run.outstanding} out"
                self.runs.addItem(label, run.id)
        index = self.runs.findData(current) if current is not None else 0
        self.runs.setCurrentIndex(max(0, index))
        self.runs.blockSignals(False)
        self.show_run()

    def run_id(self) -> int | None:
        data = self.runs.currentData()
        return int(data) if data is not None else None

    def select_run(self, run_id: int) -> None:
        index = self.runs.findData(run_id)
        if index < 0:
            raise KeyError(run_id)
        self.runs.setCurrentIndex(index)

    def show_run(self) -> None:
        run_id = self.run_id()
        rows = (
            [] if run_id is None else self.ctx.services.returns.outstanding(self.ctx.actor, run_id)
        )
        self.model.set_ids([])
        self.model.set_rows(rows)
        fit_columns(self.view)
        self.count.setText(
            f"{len(rows)} slip(s) not back yet." if run_id is not None else "No run has slips."
        )
        self.reminder.setEnabled(bool(rows))

    def _remind(self) -> None:
        run_id = self.run_id()
        if run_id is not None:
            self.reminder_requested.emit(run_id)


def conflict_columns() -> list[LazyColumn[Conflict]]:
    return [
        LazyColumn("student", "Student", lambda c: c.student_name),
        LazyColumn("class", "Class", lambda c: c.class_name),
        LazyColumn("letter", "Letter", lambda c: c.title),
        LazyColumn("question", "Question", lambda c: c.question_text),
        LazyColumn(
            "answers",
            "Answers",
            lambda c: "; ".join(f"{a.addressee}: {a.text}" for a in c.answers),
        ),
    ]


class ConflictsPage(QWidget):
    """Carers in separate homes gave different answers: a senior user decides what stands."""

    def __init__(self, ctx: AppContext, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.ctx = ctx
        self.may_decide = ctx.actor.can(Permission.RESOLVE_SLIP_CONFLICTS)
        self.count = QLabel()
        self.count.setObjectName("conflictCount")
        self.model, self.proxy, self.view = lazy_table(
            conflict_columns(), lambda c: (c.run_id, c.student_id, c.question), "conflictTable"
        )
        self.decision = QGroupBox("Decide")
        self.answer = QComboBox()
        self.answer.setObjectName("conflictAnswer")
        self.reason = QLineEdit()
        self.reason.setObjectName("conflictReason")
        self.reason.setPlaceholderText("Why this answer stands (e.g. spoke to both parents)")
        self.decide_button = QPushButton("&Record the decision")
        self.errors = ErrorBanner()
        form = QFormLayout(self.decision)
        form.addRow("&Answer that stands:", self.answer)
        form.addRow("&Reason:", self.reason)
        form.addRow(self.errors)
        form.addRow(self.decide_button)
        self.decision.setVisible(self.may_decide)
        note = QLabel(
            "When carers who live apart answer a slip differently, the program does not take "
            "the first answer. A senior leader talks to the family and records what stands."
        )
        note.setWordWrap(True)
        layout = QVBoxLayout(self)
        layout.addWidget(note)
        layout.addWidget(self.count)
        layout.addWidget(self.view, 1)
        layout.addWidget(self.decision)
        self.view.selectionModel().selectionChanged.connect(lambda *_: self._chosen())
        self.decide_button.clicked.connect(self.decide)
        ctx.hub.changed.connect(lambda topic: self.refresh() if topic == "returns" else None)
        self.refresh()

    def refresh(self) -> None:
        rows = self.ctx.services.returns.conflicts(self.ctx.actor)
        self.model.set_ids([])
        self.model.set_rows(rows)
        fit_columns(self.view)
        self.count.setText(
            f"{len(rows)} answer(s) to decide." if rows else "No conflicting answers."
        )
        self._chosen()

    def selected(self) -> Conflict | None:
        rows = self.view.selectionModel().selectedRows()
        return self.proxy.row_at(rows[0].row()) if rows else None

    def _chosen(self) -> None:
        conflict = self.selected()
        self.answer.clear()
        self.decide_button.setEnabled(conflict is not None)
        if conflict is None:
            return
        for value, text in conflict.options:
            self.answer.addItem(text, value)

    def decide(self) -> None:
        conflict = self.selected()
        if conflict is None:
            return
        self.errors.clear()
        self.errors.hide()
        try:
            self.ctx.services.returns.decide(
                self.ctx.actor,
                conflict.run_id,
                conflict.student_id,
                conflict.question,
                str(self.answer.currentData()),
                self.reason.text(),
            )
        except errors.KnownError as exc:
            self.errors.show_error(exc, {"Reason": self.reason})
            return
        self.reason.clear()
        self.ctx.hub.changed.emit("returns")


def agreement_columns() -> list[LazyColumn[AgreementRow]]:
    return [
        LazyColumn("class", "Class", lambda r: r.class_name),
        LazyColumn("student", "Student", lambda r: r.student_name),
        LazyColumn("version", "Version", lambda r: r.version),
        LazyColumn(
            "issued", "Issued", lambda r: f"{r.issued_on:%d/%m/%Y}", sort_key=lambda r: r.issued_on
        ),
        LazyColumn(
            "family",
            "Parent/carer signed",
            lambda r: "; ".join(
                f"{h.addressee}: {h.signed_on:%d/%m/%Y}"
                if h.signed_on
                else f"{h.addressee}: not yet"
                for h in r.households
            ),
        ),
        LazyColumn(
            "head",
            "Head teacher signed",
            lambda r: f"{r.head_signed_on:%d/%m/%Y}" if r.head_signed_on else "",
        ),
        LazyColumn("status", "Status", lambda r: r.status, alert=lambda r: not r.family_signed),
    ]


class AgreementsPage(QWidget):
    def __init__(self, ctx: AppContext, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.ctx = ctx
        note = QLabel(
            "Home-school agreements from their returned forms. An unsigned agreement never "
            "stops anything else: no pupil is treated differently because it is not signed."
        )
        note.setWordWrap(True)
        self.unsigned = QCheckBox("Show only agreements &not signed yet")
        self.count = QLabel()
        self.count.setObjectName("agreementCount")
        self.model, self.proxy, self.view = lazy_table(
            agreement_columns(), lambda r: r.student_id, "agreementTable"
        )
        self.head_date = DateEdit()
        self.head_button = QPushButton("Record the &head teacher's signature")
        self.head_button.setVisible(ctx.actor.can(Permission.SEND_LETTERS))
        self.head_date.setVisible(ctx.actor.can(Permission.SEND_LETTERS))
        self.errors = ErrorBanner()
        layout = QVBoxLayout(self)
        layout.addWidget(note)
        top = QHBoxLayout()
        top.addWidget(self.unsigned)
        top.addStretch(1)
        top.addWidget(self.count)
        layout.addLayout(top)
        layout.addWidget(self.view, 1)
        row = QHBoxLayout()
        row.addWidget(QLabel("Signed on:"))
        row.addWidget(self.head_date)
        row.addWidget(self.head_button)
        row.addStretch(1)
        layout.addLayout(row)
        layout.addWidget(self.errors)
        self.unsigned.toggled.connect(lambda _b: self.refresh())
        self.head_button.clicked.connect(self.record_head)
        ctx.hub.changed.connect(
            lambda topic: self.refresh() if topic in {"returns", "letters"} else None
        )
        self.refresh()

    def refresh(self) -> None:
        rows = self.ctx.services.returns.agreements(
            self.ctx.actor, unsigned_only=self.unsigned.isChecked()
        )
        self.model.set_ids([])
        self.model.set_rows(rows)
        fit_columns(self.view)
        waiting = sum(1 for r in rows if not r.family_signed)
        self.count.setText(f"{len(rows)} agreement(s), {waiting} not signed by the family yet.")

    def selected(self) -> AgreementRow | None:
        rows = self.view.selectionModel().selectedRows()
        return self.proxy.row_at(rows[0].row()) if rows else None

    def record_head(self) -> None:
        row = self.selected()
        self.errors.clear()
        self.errors.hide()
        if row is None or row.return_id is None:
            self.errors.show_error(
                errors.KnownError("Choose an agreement that has come back from the family.")
            )
            return
        day = self.head_date.value()
        if not hasattr(day, "year"):
            self.errors.show_error(
                errors.ValidationError("Signed on", "type the date the head teacher signed")
            )
            return
        try:
            self.ctx.services.returns.record_head_signature(
                self.ctx.actor,
                row.return_id,
                row.return_version,
                day,  # type: ignore[arg-type]
            )
        except errors.KnownError as exc:
            self.errors.show_error(exc)
            return
        self.ctx.hub.changed.emit("returns")
