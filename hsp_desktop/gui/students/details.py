"""The Details section of the student file: an edit form with Save, leaver and conflict handling.

The same form, empty, creates a new student.
"""

from __future__ import annotations

import dataclasses
import datetime as dt
from typing import Any

from PySide6.QtCore import Qt, Signal
from PySide6.QtGui import QKeySequence, QShortcut
from PySide6.QtWidgets import (
    QComboBox,
    QDialog,
    QDialogButtonBox,
    QFormLayout,
    QGridLayout,
    QGroupBox,
    QHBoxLayout,
    QLabel,
    QLineEdit,
    QPlainTextEdit,
    QPushButton,
    QVBoxLayout,
    QWidget,
)

from hsp_desktop import errors
from hsp_desktop.gui.common.conflict import default_describe, handle_conflict
from hsp_desktop.gui.common.context import AppContext
from hsp_desktop.gui.common.date_edit import DateEdit
from hsp_desktop.gui.common.errors import show_error
from hsp_desktop.gui.common.form_errors import ErrorBanner
from hsp_desktop.gui.common.language_picker import LanguagePicker
from hsp_desktop.gui.students.columns import language_name
from hsp_desktop.model.enums import SenStatus, Sex, StudentStatus
from hsp_desktop.services.actor import Permission
from hsp_desktop.services.students import StudentFile, StudentInput

YEAR_GROUPS = ("", "N1", "N2", "R", *(str(n) for n in range(1, 15)))
SEX_LABELS = {Sex.FEMALE: "Female", Sex.MALE: "Male", Sex.UNKNOWN: "Not known"}

# StudentInput field -> label, as the services name fields in their messages.
LABELS = {
    "upn": "UPN",
    "first_name": "First name",
    "last_name": "Last name",
    "preferred_first_name": "Preferred first name",
    "preferred_last_name": "Preferred last name",
    "date_of_birth": "Date of birth",
    "sex": "Sex",
    "year_group": "Year group",
    "class_id": "Class",
    "key_worker_id": "Key worker",
    "tutor_id": "Tutor",
    "sen_status": "SEN status",
    "ehcp_issued": "EHCP issued",
    "ehcp_last_review": "EHCP last review",
    "first_language": "First language",
    "admission_date": "Admission date",
    "notes": "Notes",
}


def _combo(items: list[tuple[str, Any]], name: str) -> QComboBox:
    combo = QComboBox()
    combo.setObjectName(name)
    for text, data in items:
        combo.addItem(text, data)
    return combo


def _select(combo: QComboBox, data: Any) -> None:
    index = combo.findData(data)
    combo.setCurrentIndex(max(0, index))


class LeavingDateDialog(QDialog):
    def __init__(self, default: dt.date, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setWindowTitle("Mark as left")
        form = QFormLayout(self)
        form.addRow(QLabel("The file is kept; the student no longer shows as on roll."))
        self.date = DateEdit()
        self.date.set_value(default)
        form.addRow("&Leaving date:", self.date)
        buttons = QDialogButtonBox(
            QDialogButtonBox.StandardButton.Ok | QDialogButtonBox.StandardButton.Cancel
        )
        buttons.accepted.connect(self.accept)
        buttons.rejected.connect(self.reject)
        form.addRow(buttons)

    @classmethod
    def ask(cls, parent: QWidget | None, default: dt.date) -> dt.date | str | None:
        """The leaving date typed, or None if cancelled (tests replace this classmethod)."""
        dialog = cls(default, parent)
        if dialog.exec() != QDialog.DialogCode.Accepted:
            return None
        return dialog.date.value() or ""


class DetailsForm(QWidget):
    saved = Signal(object)  # StudentFile
    dirty_changed = Signal(bool)

    def __init__(
        self, ctx: AppContext, view: StudentFile | None = None, parent: QWidget | None = None
    ) -> None:
        super().__init__(parent)
        self.ctx = ctx
        self.loaded: StudentFile | None = None
        self._baseline: StudentInput | None = None
        self._dirty = False
        self.editable = ctx.actor.can(Permission.EDIT_STUDENTS)
        self._classes = ctx.services.students.classes(ctx.actor)
        self._staff = ctx.services.students.staff(ctx.actor)
        self._build()
        if view is not None:
            self.load(view)
        else:
            self._baseline = self.values()

    # -- layout -----------------------------------------------------------------------------
    def _build(self) -> None:
        outer = QVBoxLayout(self)
        self.errors = ErrorBanner()
        outer.addWidget(self.errors)

        self.upn = QLineEdit()
        self.upn.setMaxLength(13)
        self.first_name = QLineEdit()
        self.last_name = QLineEdit()
        self.preferred_first_name = QLineEdit()
        self.preferred_last_name = QLineEdit()
        self.date_of_birth = DateEdit()
        self.sex = _combo([(SEX_LABELS[s], s) for s in Sex], "sex")
        self.year_group = _combo([(y or "(none)", y) for y in YEAR_GROUPS], "year_group")
        self.class_id = _combo(
            [("(no class)", None), *((c.label, c.id) for c in self._classes)], "class_id"
        )
        staff = [("(nobody)", None), *((p.label, p.id) for p in self._staff)]
        self.key_worker_id = _combo(staff, "key_worker_id")
        self.tutor_id = _combo(staff, "tutor_id")
        self.sen_status = _combo(
            [
                ("EHCP", SenStatus.EHCP),
                ("SEN support", SenStatus.SEN_SUPPORT),
                ("None", SenStatus.NONE),
            ],
            "sen_status",
        )
        self.ehcp_issued = DateEdit()
        self.ehcp_last_review = DateEdit()
        self.next_review = QLabel()
        self.next_review.setObjectName("nextReview")
        self.first_language = LanguagePicker()
        self.admission_date = DateEdit()
        self.leaving = QLabel()
        self.leaving.setObjectName("leaving")
        self.notes = QPlainTextEdit()
        self.notes.setTabChangesFocus(True)
        self.notes.setPlaceholderText("Anything staff should know")
        self.notes.setMinimumHeight(80)
        for name in LABELS:
            getattr(self, name).setObjectName(name)

        widget: QWidget
        person = QGroupBox("Student")
        person_form = QFormLayout(person)
        for label, widget in (
            ("&UPN:", self.upn),
            ("&First name:", self.first_name),
            ("&Last name:", self.last_name),
            ("&Preferred first name:", self.preferred_first_name),
            ("Preferred last na&me:", self.preferred_last_name),
            ("Date of &birth:", self.date_of_birth),
            ("Se&x:", self.sex),
            ("First lan&guage:", self.first_language),
        ):
            person_form.addRow(label, widget)

        school = QGroupBox("School")
        school_form = QFormLayout(school)
        for label, widget in (
            ("&Year group:", self.year_group),
            ("&Class:", self.class_id),
            ("&Key worker:", self.key_worker_id),
            ("&Tutor:", self.tutor_id),
            ("A&dmission date:", self.admission_date),
            ("Leaving:", self.leaving),
        ):
            school_form.addRow(label, widget)

        sen = QGroupBox("SEN and EHCP")
        sen_form = QFormLayout(sen)
        for label, widget in (
            ("S&EN status:", self.sen_status),
            ("EHCP &issued:", self.ehcp_issued),
            ("EHCP last re&view:", self.ehcp_last_review),
            ("Next review due:", self.next_review),
        ):
            sen_form.addRow(label, widget)

        grid = QGridLayout()
        grid.addWidget(person, 0, 0, 2, 1)
        grid.addWidget(school, 0, 1)
        grid.addWidget(sen, 1, 1)
        grid.setColumnStretch(0, 1)
        grid.setColumnStretch(1, 1)
        outer.addLayout(grid)
        notes_label = QLabel("&Notes:")
        notes_label.setBuddy(self.notes)
        outer.addWidget(notes_label)
        outer.addWidget(self.notes, 1)

        buttons = QHBoxLayout()
        self.save_button = QPushButton("&Save")
        self.save_button.setToolTip("Save the details (Ctrl+S)")
        self.save_button.clicked.connect(self.save)
        self.revert_button = QPushButton("&Revert")
        self.revert_button.clicked.connect(self.revert)
        self.leave_button = QPushButton("Mark as le&ft…")
        self.leave_button.clicked.connect(self.mark_left)
        self.readmit_button = QPushButton("Back on r&oll")
        self.readmit_button.clicked.connect(self.readmit)
        for button in (self.save_button, self.revert_button):
            buttons.addWidget(button)
        buttons.addStretch(1)
        buttons.addWidget(self.leave_button)
        buttons.addWidget(self.readmit_button)
        outer.addLayout(buttons)
        save = QShortcut(QKeySequence.StandardKey.Save, self)
        save.setContext(Qt.ShortcutContext.WidgetWithChildrenShortcut)
        save.activated.connect(self.save)

        for widget in self.field_widgets().values():
            if isinstance(widget, QLineEdit):
                widget.textChanged.connect(self._check_dirty)
            elif isinstance(widget, QComboBox):
                widget.currentIndexChanged.connect(self._check_dirty)
                widget.editTextChanged.connect(self._check_dirty)
            elif isinstance(widget, QPlainTextEdit):
                widget.textChanged.connect(self._check_dirty)
        self._set_editable(self.editable)

    def _set_editable(self, editable: bool) -> None:
        for widget in self.field_widgets().values():
            if isinstance(widget, QLineEdit | QPlainTextEdit):
                widget.setReadOnly(not editable)
            else:
                widget.setEnabled(editable)
        for button in (
            self.save_button,
            self.revert_button,
            self.leave_button,
            self.readmit_button,
        ):
            button.setVisible(editable)

    def field_widgets(self) -> dict[str, QWidget]:
        """Widgets by the field label the services use in their messages."""
        return {label: getattr(self, name) for name, label in LABELS.items()}

    # -- values -----------------------------------------------------------------------------
    def load(self, view: StudentFile) -> None:
        self.loaded = view
        self.errors.clear()
        for name in (
            "upn",
            "first_name",
            "last_name",
            "preferred_first_name",
            "preferred_last_name",
        ):
            getattr(self, name).setText(getattr(view, name))
        for name in ("date_of_birth", "ehcp_issued", "ehcp_last_review", "admission_date"):
            getattr(self, name).set_value(getattr(view, name))
        for name in ("sex", "year_group", "class_id", "key_worker_id", "tutor_id", "sen_status"):
            _select(getattr(self, name), getattr(view, name))
        self.first_language.set_code(view.first_language)
        self.notes.setPlainText(view.notes)
        if view.next_review_due:
            overdue = " — overdue" if view.review_overdue else ""
            self.next_review.setText(f"{view.next_review_due:%d/%m/%Y}{overdue}")
            self.next_review.setStyleSheet("color: #b71c1c; font-weight: 600;" if overdue else "")
        else:
            self.next_review.setText("—")
            self.next_review.setStyleSheet("")
        left = view.status is StudentStatus.LEFT
        self.leaving.setText(
            f"Left on {view.leaving_date:%d/%m/%Y}" if left and view.leaving_date else "On roll"
        )
        if self.editable:
            self.leave_button.setVisible(not left)
            self.readmit_button.setVisible(left)
        self._baseline = self.values()
        self._set_dirty(False)

    def values(self) -> StudentInput:
        return StudentInput(
            upn=self.upn.text(),
            first_name=self.first_name.text(),
            last_name=self.last_name.text(),
            date_of_birth=self.date_of_birth.value(),
            preferred_first_name=self.preferred_first_name.text(),
            preferred_last_name=self.preferred_last_name.text(),
            sex=Sex(self.sex.currentData()),
            year_group=self.year_group.currentData(),
            class_id=self.class_id.currentData(),
            key_worker_id=self.key_worker_id.currentData(),
            tutor_id=self.tutor_id.currentData(),
            sen_status=SenStatus(self.sen_status.currentData()),
            ehcp_issued=self.ehcp_issued.value(),
            ehcp_last_review=self.ehcp_last_review.value(),
            first_language=self.first_language.code(),
            admission_date=self.admission_date.value(),
            notes=self.notes.toPlainText(),
        )

    def apply(self, changes: dict[str, Any]) -> None:
        """Put these field values into the form (the user's own changes, after a reload)."""
        for name, value in changes.items():
            widget = getattr(self, name)
            if isinstance(widget, DateEdit):
                if isinstance(value, dt.date) or value is None:
                    widget.set_value(value)
                else:
                    widget.setText(str(value))
            elif isinstance(widget, LanguagePicker):
                widget.set_code(str(value))
            elif isinstance(widget, QComboBox):
                _select(widget, value)
            elif isinstance(widget, QPlainTextEdit):
                widget.setPlainText(str(value))
            elif isinstance(widget, QLineEdit):
                widget.setText(str(value))

    def is_dirty(self) -> bool:
        return self._dirty

    def _check_dirty(self, *_args: object) -> None:
        self._set_dirty(self._baseline is not None and self.values() != self._baseline)

    def _set_dirty(self, dirty: bool) -> None:
        if dirty != self._dirty:
            self._dirty = dirty
            self.dirty_changed.emit(dirty)

    def describe(self, field: str, value: Any) -> str:
        """How a value reads in the conflict dialog."""
        if field == "class_id":
            return next((c.label for c in self._classes if c.id == value), "(no class)")
        if field in ("key_worker_id", "tutor_id"):
            return next((p.label for p in self._staff if p.id == value), "(nobody)")
        if field == "first_language" and value:
            return language_name(str(value))
        if field == "sex" and value:
            return SEX_LABELS.get(Sex(value), str(value))
        if field == "sen_status" and value:
            return SenStatus(value).label
        return default_describe(field, value)

    # -- actions ----------------------------------------------------------------------------
    def save(self) -> bool:
        if not self.editable:
            return False
        data = self.values()
        students = self.ctx.services.students
        try:
            if self.loaded is None:
                view = students.create_student(self.ctx.actor, data)
            else:
                view = students.update_student(
                    self.ctx.actor, self.loaded.id, self.loaded.version, data
                )
        except errors.ConflictError as exc:
            assert self._baseline is not None
            handle_conflict(
                self,
                exc,
                base=dataclasses.asdict(self._baseline),
                mine=dataclasses.asdict(data),
                reload=self.reload_saved,
                reapply=self._reapply,
                labels=LABELS,
                describe=self.describe,
            )
            return not self._dirty
        except errors.KnownError as exc:
            self.errors.show_error(exc, self.field_widgets())
            return False
        self.load(view)
        self.saved.emit(view)
        return True

    def reload_saved(self) -> None:
        if self.loaded is not None:
            self.load(self.ctx.services.students.get_file(self.ctx.actor, self.loaded.id))

    def _reapply(self, changes: dict[str, Any]) -> None:
        self.reload_saved()
        self.apply(changes)
        self.save()

    def revert(self) -> None:
        if self.loaded is not None:
            self.load(self.loaded)
        else:
            self.errors.clear()

    def mark_left(self) -> None:
        if self.loaded is None:
            return
        day = LeavingDateDialog.ask(self, dt.date.today())
        if day is None:
            return
        self._write(
            lambda view: self.ctx.services.students.mark_left(
                self.ctx.actor, view.id, view.version, day
            )
        )

    def readmit(self) -> None:
        if self.loaded is not None:
            self._write(
                lambda view: self.ctx.services.students.readmit(
                    self.ctx.actor, view.id, view.version
                )
            )

    def _write(self, action: Any) -> None:
        """Leave or readmit: refused while there are unsaved edits, so they are not lost."""
        assert self.loaded is not None
        if self._dirty:
            self.errors.show_error(
                errors.KnownError("Save or revert your changes to the details first.")
            )
            return
        try:
            view = action(self.loaded)
        except errors.ConflictError as exc:
            show_error(self, exc)
            self.reload_saved()
            return
        except errors.KnownError as exc:
            self.errors.show_error(exc, {"Leaving date": self.leave_button})
            return
        self.load(view)
        self.saved.emit(view)


class NewStudentDialog(QDialog):
    created = Signal(object)  # StudentFile

    def __init__(self, ctx: AppContext, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setWindowTitle("New student")
        layout = QVBoxLayout(self)
        self.form = DetailsForm(ctx)
        self.form.save_button.hide()
        self.form.revert_button.hide()
        self.form.leave_button.hide()
        self.form.readmit_button.hide()
        self.form.leaving.setText("New")
        layout.addWidget(self.form)
        buttons = QDialogButtonBox(
            QDialogButtonBox.StandardButton.Save | QDialogButtonBox.StandardButton.Cancel
        )
        buttons.accepted.connect(self.accept)
        buttons.rejected.connect(self.reject)
        layout.addWidget(buttons)
        self.form.saved.connect(self.created.emit)
        self.resize(900, 620)

    def accept(self) -> None:
        if self.form.save():
            super().accept()
