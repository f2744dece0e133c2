"""The contact form: log a call in seconds. Remembers the last channel; defaults the rest.

Open with ``ContactDialog.for_student(...)`` (or with no student: a picker comes first), then
``open()``; ``saved`` is emitted with the stored contact. Enter saves from anywhere in the
form. A date outside the term dates asks first (``confirm`` can be replaced in tests).
"""

from __future__ import annotations

import datetime as dt

from PySide6.QtCore import QDate, QDateTime, Qt, Signal
from PySide6.QtWidgets import (
    QButtonGroup,
    QCheckBox,
    QComboBox,
    QCompleter,
    QDateEdit,
    QDateTimeEdit,
    QDialog,
    QDialogButtonBox,
    QFormLayout,
    QGroupBox,
    QHBoxLayout,
    QLabel,
    QLineEdit,
    QMessageBox,
    QPlainTextEdit,
    QRadioButton,
    QVBoxLayout,
    QWidget,
)

from hsp_desktop import errors
from hsp_desktop.gui.common.context import AppContext
from hsp_desktop.gui.common.errors import show_error
from hsp_desktop.gui.contacts.conflict import ConflictDialog
from hsp_desktop.services.contacts import (
    Channel,
    ContactDraft,
    ContactForm,
    ContactView,
    Direction,
    FollowUpDraft,
    InterpreterKind,
    NeedsConfirmation,
    Outcome,
    Purpose,
    StudentChoice,
    Tone,
)

LAST_CHANNEL = "contacts/last_channel"
LAST_DIRECTION = "contacts/last_direction"


def _combo(items: list[tuple[str, object]], name: str) -> QComboBox:
    combo = QComboBox()
    combo.setObjectName(name)
    for label, value in items:
        combo.addItem(label, value)
    return combo


def _buddy(text: str, field: QWidget) -> QLabel:
    """A row label whose mnemonic reaches the first field of a row holding several."""
    label = QLabel(text)
    label.setBuddy(field)
    return label


def _select(combo: QComboBox, value: object) -> None:
    index = combo.findData(value)
    if index >= 0:
        combo.setCurrentIndex(index)


class StudentPicker(QComboBox):
    """An editable combo that finds a student by typing part of the name."""

    def __init__(self, students: list[StudentChoice], parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setObjectName("studentPicker")
        self.setEditable(True)
        self.setInsertPolicy(QComboBox.InsertPolicy.NoInsert)
        for s in students:
            self.addItem(f"{s.name} ({s.class_name})" if s.class_name else s.name, s.id)
        completer = QCompleter(self.model(), self)
        completer.setFilterMode(Qt.MatchFlag.MatchContains)
        completer.setCaseSensitivity(Qt.CaseSensitivity.CaseInsensitive)
        self.setCompleter(completer)
        self.setCurrentIndex(-1)


class ContactDialog(QDialog):
    saved = Signal(object)  # ContactView

    def __init__(
        self,
        ctx: AppContext,
        student_id: int | None = None,
        *,
        carer_ids: tuple[int, ...] = (),
        existing: ContactView | None = None,
        parent: QWidget | None = None,
    ) -> None:
        super().__init__(parent)
        self.ctx = ctx
        self.existing = existing
        self.form_data: ContactForm | None = None
        self._preselect = existing.carer_ids if existing else carer_ids
        self.setWindowTitle("Edit contact" if existing else "Log a contact")
        self.setObjectName("contactDialog")
        self.resize(640, 620)
        layout = QVBoxLayout(self)
        top = QFormLayout()
        layout.addLayout(top)
        self.picker: StudentPicker | None = None
        self.student_label = QLabel()
        self.student_label.setObjectName("contactStudent")
        self.student_label.setStyleSheet("font-weight: 600; font-size: 12pt;")
        if student_id is None:
            self.picker = StudentPicker(ctx.services.contacts.students(ctx.actor))
            self.picker.activated.connect(lambda _i: self._student_chosen())
            self.picker.currentIndexChanged.connect(lambda _i: self._student_chosen())
            top.addRow("Stu&dent:", self.picker)
        else:
            top.addRow("Student:", self.student_label)

        self.interpreter_banner = QLabel()
        self.interpreter_banner.setObjectName("interpreterBanner")
        self.interpreter_banner.setWordWrap(True)
        self.interpreter_banner.setStyleSheet(
            "background: #fff3cd; color: #5c4400; padding: 6px; border-radius: 3px;"
        )
        self.interpreter_banner.hide()
        layout.addWidget(self.interpreter_banner)

        self.carers_box = QGroupBox("&Who (carers spoken to or tried)")
        self.carers_layout = QVBoxLayout(self.carers_box)
        self.carer_checks: dict[int, QCheckBox] = {}
        layout.addWidget(self.carers_box)

        form = QFormLayout()
        layout.addLayout(form)
        self.when = QDateTimeEdit(QDateTime.currentDateTime())
        self.when.setObjectName("when")
        self.when.setCalendarPopup(True)
        self.when.setDisplayFormat("dd/MM/yyyy HH:mm")
        self.when.setMaximumDateTime(QDateTime.currentDateTime().addSecs(600))
        form.addRow("Wh&en:", self.when)
        self.channel = _combo([(c.label, c) for c in Channel], "channel")
        self.direction = _combo([(d.label, d) for d in Direction], "direction")
        how = QHBoxLayout()
        how.addWidget(self.channel)
        how.addWidget(self.direction)
        form.addRow(_buddy("&How:", self.channel), how)
        self.purpose = _combo([(p.label, p) for p in Purpose], "purpose")
        form.addRow("&Purpose:", self.purpose)

        self.outcome_group = QButtonGroup(self)
        outcome_row = QHBoxLayout()
        self.outcome_buttons: dict[Outcome, QRadioButton] = {}
        for outcome, text in (
            (Outcome.SPOKE, "&Spoke"),
            (Outcome.NO_ANSWER, "&No answer"),
            (Outcome.VOICEMAIL, "&Voicemail"),
            (Outcome.WRONG_NUMBER, "Wrong n&umber"),
        ):
            button = QRadioButton(text)
            button.setObjectName(f"outcome_{outcome.value}")
            self.outcome_group.addButton(button)
            self.outcome_buttons[outcome] = button
            outcome_row.addWidget(button)
        self.outcome_buttons[Outcome.SPOKE].setChecked(True)
        form.addRow("Outcome:", outcome_row)

        self.tone_group = QButtonGroup(self)
        tone_row = QHBoxLayout()
        self.tone_buttons: dict[Tone, QRadioButton] = {}
        for tone, text in (
            (Tone.POSITIVE, "P&ositive"),
            (Tone.NEUTRAL, "Neu&tral"),
            (Tone.CONCERN, "&Concern"),
        ):
            button = QRadioButton(text)
            button.setObjectName(f"tone_{tone.value}")
            self.tone_group.addButton(button)
            self.tone_buttons[tone] = button
            tone_row.addWidget(button)
        self.tone_buttons[Tone.POSITIVE].setChecked(True)
        form.addRow("Tone:", tone_row)

        interp = QHBoxLayout()
        self.interpreter = _combo([(k.label, k) for k in InterpreterKind], "interpreter")
        self.interpreter_staff = QComboBox()
        self.interpreter_staff.setObjectName("interpreterStaff")
        self.interpreter_name = QLineEdit()
        self.interpreter_name.setObjectName("interpreterName")
        self.interpreter_name.setPlaceholderText("Agency or service, interpreter's name")
        interp.addWidget(self.interpreter)
        interp.addWidget(self.interpreter_staff, 1)
        interp.addWidget(self.interpreter_name, 1)
        form.addRow(_buddy("&Interpreter:", self.interpreter), interp)
        self.interpreter.currentIndexChanged.connect(lambda _i: self._interpreter_changed())

        self.summary = QPlainTextEdit()
        self.summary.setObjectName("summary")
        self.summary.setTabChangesFocus(True)
        self.summary.setPlaceholderText("What was said, agreed or asked")
        form.addRow("Su&mmary:", self.summary)
        self.restricted = QCheckBox("&Restricted (only designated staff can read it)")
        self.restricted.setObjectName("restricted")
        form.addRow("", self.restricted)

        self.followup = QGroupBox("&Follow-up")
        self.followup.setObjectName("followup")
        self.followup.setCheckable(True)
        self.followup.setChecked(False)
        fl = QFormLayout(self.followup)
        self.followup_text = QLineEdit()
        self.followup_text.setObjectName("followupText")
        self.followup_owner = QComboBox()
        self.followup_owner.setObjectName("followupOwner")
        self.followup_due = QDateEdit(QDate.currentDate().addDays(7))
        self.followup_due.setObjectName("followupDue")
        self.followup_due.setCalendarPopup(True)
        self.followup_due.setDisplayFormat("dd/MM/yyyy")
        fl.addRow("What:", self.followup_text)
        fl.addRow("Who:", self.followup_owner)
        fl.addRow("By:", self.followup_due)
        layout.addWidget(self.followup)

        self.buttons = QDialogButtonBox(
            QDialogButtonBox.StandardButton.Save | QDialogButtonBox.StandardButton.Cancel
        )
        self.buttons.accepted.connect(self.save)
        self.buttons.rejected.connect(self.reject)
        layout.addWidget(self.buttons)

        self._load_staff()
        self._apply_defaults()
        if student_id is not None:
            self._load_student(student_id)
        if existing is not None:
            self._fill(existing)
        self._interpreter_changed()

    # -- loading ---------------------------------------------------------------------------
    def _load_staff(self) -> None:
        staff = self.ctx.services.contacts.staff(self.ctx.actor)
        for combo in (self.interpreter_staff, self.followup_owner):
            combo.clear()
            for member in staff:
                combo.addItem(member.name, member.id)
        for member in staff:
            if member.languages:
                i = self.interpreter_staff.findData(member.id)
                self.interpreter_staff.setItemText(
                    i, f"{member.name} ({', '.join(member.languages)})"
                )
        if self.ctx.actor.staff_member_id is not None:
            _select(self.followup_owner, self.ctx.actor.staff_member_id)

    def _apply_defaults(self) -> None:
        settings = self.ctx.settings
        channel = settings.get_raw(LAST_CHANNEL, Channel.PHONE.value)
        _select(self.channel, Channel(channel) if channel in set(Channel) else Channel.PHONE)
        direction = settings.get_raw(LAST_DIRECTION, Direction.TO_HOME.value)
        _select(
            self.direction,
            Direction(direction) if direction in set(Direction) else Direction.TO_HOME,
        )

    def _student_chosen(self) -> None:
        assert self.picker is not None
        student_id = self.picker.currentData()
        if isinstance(student_id, int) and (
            self.form_data is None or self.form_data.student.id != student_id
        ):
            self._load_student(student_id)

    def _load_student(self, student_id: int) -> None:
        try:
            self.form_data = self.ctx.services.contacts.form(self.ctx.actor, student_id)
        except errors.KnownError as exc:
            show_error(self, exc)
            return
        data = self.form_data
        self.student_label.setText(
            data.student.name + (f" · {data.student.class_name}" if data.student.class_name else "")
        )
        for check in self.carer_checks.values():
            check.deleteLater()
        self.carer_checks.clear()
        first_contactable = next(
            (c.carer_id for c in data.carers if not c.restricted and c.parental_responsibility),
            None,
        )
        wanted = set(self._preselect) or ({first_contactable} if first_contactable else set())
        for carer in data.carers:
            text = f"{carer.name} ({carer.relationship})"
            if carer.phone:
                text += f" · {carer.phone}"
            if not carer.lives_with_student:
                text += " · lives apart"
            if carer.needs_interpreter:
                text += f" · interpreter: {carer.language}"
            if carer.restricted:
                text += f" · {carer.restriction.label.upper()}"
            check = QCheckBox(text)
            check.setObjectName(f"carer_{carer.carer_id}")
            check.setChecked(carer.carer_id in wanted)
            if carer.restricted:
                check.setToolTip(carer.restriction_note or carer.restriction.label)
                check.setStyleSheet("color: #b71c1c;")
            self.carers_layout.addWidget(check)
            self.carer_checks[carer.carer_id] = check
        if not data.carers:
            note = QCheckBox("No parent or carer is recorded for this student")
            note.setEnabled(False)
            self.carers_layout.addWidget(note)
        languages = data.interpreter_languages
        if languages:
            self.interpreter_banner.setText(
                "Interpreter needed: " + ", ".join(languages) + ". Use a member of staff, an "
                "agency or a telephone service – never a child or relative."
            )
            self.interpreter_banner.show()
            if self.existing is None and self.interpreter.currentData() == InterpreterKind.NONE:
                _select(self.interpreter, InterpreterKind.TELEPHONE)
        else:
            self.interpreter_banner.hide()

    def _fill(self, view: ContactView) -> None:
        self.when.setDateTime(QDateTime.fromSecsSinceEpoch(int(view.at.timestamp())))
        _select(self.channel, view.channel)
        _select(self.direction, view.direction)
        _select(self.purpose, view.purpose)
        self.outcome_buttons[view.outcome].setChecked(True)
        self.tone_buttons[view.tone].setChecked(True)
        _select(self.interpreter, view.interpreter)
        if view.interpreter_staff_id is not None:
            _select(self.interpreter_staff, view.interpreter_staff_id)
        if view.interpreter is not InterpreterKind.STAFF:
            self.interpreter_name.setText(view.interpreter_name)
        self.summary.setPlainText(view.summary)
        self.restricted.setChecked(view.restricted)

    def _interpreter_changed(self) -> None:
        kind = InterpreterKind(self.interpreter.currentData())
        self.interpreter_staff.setVisible(kind is InterpreterKind.STAFF)
        self.interpreter_name.setVisible(
            kind in (InterpreterKind.AGENCY, InterpreterKind.TELEPHONE)
        )

    # -- saving ----------------------------------------------------------------------------
    def draft(self) -> ContactDraft:
        if self.form_data is None:
            raise errors.ValidationError("Student", "choose the student first")
        moment = self.when.dateTime().toSecsSinceEpoch()
        outcome = next(o for o, b in self.outcome_buttons.items() if b.isChecked())
        tone = next(t for t, b in self.tone_buttons.items() if b.isChecked())
        kind = InterpreterKind(self.interpreter.currentData())
        followup = None
        if self.followup.isChecked():
            due = self.followup_due.date()
            followup = FollowUpDraft(
                self.followup_text.text(),
                self.followup_owner.currentData(),
                dt.date(due.year(), due.month(), due.day()),
            )
        language = ""
        if kind is not InterpreterKind.NONE:
            needing = [
                c.spoken_language
                for c in self.form_data.carers
                if c.needs_interpreter
                and self.carer_checks.get(c.carer_id)
                and self.carer_checks[c.carer_id].isChecked()
            ]
            language = needing[0] if needing else ""
        return ContactDraft(
            student_id=self.form_data.student.id,
            at=dt.datetime.fromtimestamp(moment, dt.UTC),
            channel=Channel(self.channel.currentData()),
            direction=Direction(self.direction.currentData()),
            purpose=Purpose(self.purpose.currentData()),
            tone=tone,
            outcome=outcome,
            carer_ids=tuple(cid for cid, check in self.carer_checks.items() if check.isChecked()),
            staff_id=self.existing.staff_id if self.existing else self.ctx.actor.staff_member_id,
            interpreter=kind,
            interpreter_staff_id=self.interpreter_staff.currentData()
            if kind is InterpreterKind.STAFF
            else None,
            interpreter_name=self.interpreter_name.text(),
            interpreter_language=language,
            summary=self.summary.toPlainText(),
            restricted=self.restricted.isChecked(),
            followup=followup,
        )

    @staticmethod
    def confirm(parent: QWidget, message: str) -> bool:
        """Asked when a contact is unusual but allowed; tests replace this."""
        answer = QMessageBox.question(parent, "Please confirm", message)
        return answer == QMessageBox.StandardButton.Yes

    def save(self) -> None:
        confirmed = False
        while True:
            try:
                draft = self.draft()
                contacts = self.ctx.services.contacts
                if self.existing is None:
                    view = contacts.log(self.ctx.actor, draft, confirmed=confirmed)
                else:
                    view = contacts.update(
                        self.ctx.actor,
                        self.existing.id,
                        self.existing.version,
                        draft,
                        confirmed=confirmed,
                    )
            except NeedsConfirmation as exc:
                if not confirmed and type(self).confirm(self, exc.message):
                    confirmed = True
                    continue
                return
            except errors.ConflictError as exc:
                ConflictDialog.show_conflict(self, exc)
                if self.existing is not None:
                    self.existing = self.ctx.services.contacts.get(self.ctx.actor, self.existing.id)
                    self._fill(self.existing)
                return
            except errors.KnownError as exc:
                show_error(self, exc)
                return
            break
        self.ctx.settings.set_raw(LAST_CHANNEL, view.channel.value)
        self.ctx.settings.set_raw(LAST_DIRECTION, view.direction.value)
        self.saved.emit(view)
        self.ctx.hub.changed.emit("contacts")
        self.accept()
