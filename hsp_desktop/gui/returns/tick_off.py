"""Ticking off returned slips at the speed of a scanner.

Type or scan the code (a USB scanner types it and presses Enter); the slip appears with its
questions. Press 1, 2... to pick the answer to the first question (or use the mouse), type
anything written on the slip, and press Enter to record it. The code box is ready for the
next slip at once. A code with a typo, or a slip already ticked off, is said so plainly
without a dialog in the way.
"""

from __future__ import annotations

import datetime as dt

from PySide6.QtCore import Qt, Signal
from PySide6.QtGui import QKeyEvent, QKeySequence, QShortcut
from PySide6.QtWidgets import (
    QButtonGroup,
    QComboBox,
    QFormLayout,
    QGroupBox,
    QHBoxLayout,
    QLabel,
    QLineEdit,
    QListWidget,
    QPushButton,
    QRadioButton,
    QVBoxLayout,
    QWidget,
)

from hsp_desktop import errors
from hsp_desktop.gui.common.context import AppContext
from hsp_desktop.gui.common.date_edit import DateEdit
from hsp_desktop.gui.common.errors import show_error
from hsp_desktop.services.returns import AlreadyReturned, AnswerSpec, SlipView

_OK = "color: #1b5e20; font-weight: bold"
_WARN = "color: #8a4b00; font-weight: bold"
_BAD = "color: #b71c1c; font-weight: bold"


class ChoiceAnswer(QWidget):
    def __init__(self, spec: AnswerSpec, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.spec = spec
        self.group = QButtonGroup(self)
        layout = QVBoxLayout(self)
        layout.setContentsMargins(0, 0, 0, 0)
        self.buttons: list[QRadioButton] = []
        for number, (value, text) in enumerate(spec.options, start=1):
            button = QRadioButton(f"&{number}  {text}" if number < 10 else text)
            button.setProperty("value", value)
            self.group.addButton(button)
            self.buttons.append(button)
            layout.addWidget(button)

    def value(self) -> str:
        checked = self.group.checkedButton()
        return str(checked.property("value")) if checked else ""

    def choose(self, number: int) -> bool:
        if 1 <= number <= len(self.buttons):
            self.buttons[number - 1].setChecked(True)
            return True
        return False


class CodeEdit(QLineEdit):
    """The code box: Enter (what a scanner sends last) looks the code up and goes no further,
    so it cannot also record the slip that appears."""

    submitted = Signal()

    def keyPressEvent(self, event: QKeyEvent) -> None:
        if event.key() in (Qt.Key.Key_Return, Qt.Key.Key_Enter):
            event.accept()
            self.submitted.emit()
            return
        super().keyPressEvent(event)


class TickOffPage(QWidget):
    recorded = Signal(object)  # Recorded
    refused = Signal(str)

    def __init__(self, ctx: AppContext, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.ctx = ctx
        self.slip: SlipView | None = None
        self.code = CodeEdit()
        self.code.setObjectName("returnCode")
        self.code.setPlaceholderText("Type or scan the code on the slip, then press Enter")
        self.code.setClearButtonEnabled(True)
        font = self.code.font()
        font.setPointSize(font.pointSize() + 4)
        self.code.setFont(font)
        self.find_button = QPushButton("&Find")
        self.status = QLabel("Ready for the first slip.")
        self.status.setObjectName("returnStatus")
        self.status.setWordWrap(True)

        self.slip_box = QGroupBox("The slip")
        self.slip_box.setObjectName("slipBox")
        self.about = QLabel()
        self.about.setWordWrap(True)
        self.answers_form = QFormLayout()
        self.signed_by = QComboBox()
        self.signed_by.setEditable(True)
        self.signed_by.setObjectName("signedBy")
        self.received = DateEdit()
        self.received.setObjectName("receivedOn")
        self.record_button = QPushButton("&Record  (Enter)")
        self.record_button.setObjectName("recordSlip")
        self.clear_button = QPushButton("&Not this slip")
        box = QVBoxLayout(self.slip_box)
        box.addWidget(self.about)
        box.addLayout(self.answers_form)
        extra = QFormLayout()
        extra.addRow("Si&gned by:", self.signed_by)
        extra.addRow("Recei&ved on:", self.received)
        box.addLayout(extra)
        row = QHBoxLayout()
        row.addWidget(self.clear_button)
        row.addStretch(1)
        row.addWidget(self.record_button)
        box.addLayout(row)
        self.slip_box.setVisible(False)

        self.log = QListWidget()
        self.log.setObjectName("returnLog")
        self.log.setAccessibleName("Slips ticked off just now")

        layout = QVBoxLayout(self)
        top = QHBoxLayout()
        label = QLabel("&Code:")
        label.setBuddy(self.code)
        top.addWidget(label)
        top.addWidget(self.code, 1)
        top.addWidget(self.find_button)
        layout.addLayout(top)
        layout.addWidget(self.status)
        layout.addWidget(self.slip_box)
        layout.addWidget(QLabel("Ticked off in this session:"))
        layout.addWidget(self.log, 1)

        self.choices: list[ChoiceAnswer] = []
        self.lines: dict[str, QLineEdit] = {}
        self.code.submitted.connect(self.look_up)
        self.find_button.clicked.connect(self.look_up)
        self.record_button.clicked.connect(self.record)
        self.clear_button.clicked.connect(lambda: self.reset())
        record = QShortcut(QKeySequence("Ctrl+Return"), self)
        record.setContext(Qt.ShortcutContext.WidgetWithChildrenShortcut)
        record.activated.connect(self.record)

    # -- finding -----------------------------------------------------------------------------
    def look_up(self) -> None:
        text = self.code.text()
        if not text.strip():
            return
        try:
            slip = self.ctx.services.returns.lookup(self.ctx.actor, text)
        except errors.KnownError as exc:
            self._say(exc.message, _BAD)
            self.code.selectAll()
            self.refused.emit(exc.message)
            return
        if slip.returned is not None:
            back = slip.returned
            message = (
                f"Slip {slip.code} ({slip.student_name}, {slip.addressee}) was already ticked off "
                f"on {back.received_on:%d/%m/%Y} by {back.recorded_by}: "
                f"{slip.summary(back.answers) or 'answers recorded'}. Not counted again."
            )
            self._say(message, _WARN)
            self.code.selectAll()
            self.refused.emit(message)
            return
        self.show_slip(slip)

    def show_slip(self, slip: SlipView) -> None:
        self.slip = slip
        while self.answers_form.rowCount():
            self.answers_form.removeRow(0)
        self.choices = []
        self.lines = {}
        for spec in slip.answers:
            if spec.kind == "choice":
                widget = ChoiceAnswer(spec)
                self.choices.append(widget)
                self.answers_form.addRow(QLabel(f"<b>{spec.question}</b>"))
                self.answers_form.addRow(widget)
            else:
                edit = QLineEdit()
                edit.setObjectName(f"answer-{spec.name}")
                self.lines[spec.name] = edit
                self.answers_form.addRow(spec.question, edit)
        self.about.setText(
            f"<b>{slip.title}</b><br>{slip.student_name}"
            + (f" · {slip.class_name}" if slip.class_name else "")
            + f"<br>Sent to {slip.addressee} on {slip.issued_on:%d/%m/%Y} ({slip.language_name})"
        )
        self.signed_by.clear()
        self.signed_by.addItems(["", *slip.carers])
        self.received.set_value(dt.date.today())
        self.slip_box.setVisible(True)
        hint = "Press 1, 2… to choose the answer, then Enter." if self.choices else "Press Enter."
        self._say(f"Slip {slip.code} found. {hint}", _OK)
        if self.choices and self.choices[0].buttons:
            self.choices[0].buttons[0].setFocus()
        else:
            self.record_button.setFocus()

    # -- keys --------------------------------------------------------------------------------
    def keyPressEvent(self, event: QKeyEvent) -> None:
        if self.slip is not None and not isinstance(self.focusWidget(), QLineEdit):
            key = event.key()
            if Qt.Key.Key_1 <= key <= Qt.Key.Key_9 and self.choices:
                target = next((c for c in self.choices if not c.value()), self.choices[-1])
                if target.choose(key - Qt.Key.Key_0):
                    return
            if key in (Qt.Key.Key_Return, Qt.Key.Key_Enter):
                self.record()
                return
        super().keyPressEvent(event)

    # -- recording ---------------------------------------------------------------------------
    def answers(self) -> dict[str, str]:
        values = {c.spec.name: c.value() for c in self.choices}
        values.update({name: edit.text() for name, edit in self.lines.items()})
        return {k: v for k, v in values.items() if v}

    def record(self) -> None:
        slip = self.slip
        if slip is None:
            return
        received = self.received.value()
        if isinstance(received, str):
            self._say(f"Received on: {received!r} is not a date (use dd/mm/yyyy).", _BAD)
            return
        try:
            done = self.ctx.services.returns.record(
                self.ctx.actor,
                slip.code,
                self.answers(),
                signed_by=self.signed_by.currentText(),
                received_on=received,
            )
        except AlreadyReturned as exc:
            self._say(exc.message, _WARN)
            self.reset(keep_status=True)
            return
        except errors.KnownError as exc:
            self._say(exc.message, _BAD)
            return
        except Exception as exc:  # a bug: shown by the crash dialog, the slip stays on screen
            show_error(self, exc)
            return
        answered = slip.summary(done.slip.returned.answers if done.slip.returned else {})
        line = f"{slip.code} · {slip.student_name} · {slip.addressee}: {answered or 'back'}"
        self.log.insertItem(0, line)
        message = f"Recorded: {answered or 'slip back'} ({slip.student_name}, {slip.addressee})."
        style = _OK
        if done.conflicts:
            message += (
                " The carers' answers differ between their homes: a senior leader will decide "
                "(see “To decide”)."
            )
            style = _WARN
        self.reset(keep_status=True)
        self._say(message, style)
        self.ctx.hub.changed.emit("returns")
        self.recorded.emit(done)

    def reset(self, *, keep_status: bool = False) -> None:
        self.slip = None
        self.slip_box.setVisible(False)
        self.code.clear()
        self.code.setFocus()
        if not keep_status:
            self._say("Ready for the next slip.", "")

    def _say(self, text: str, style: str) -> None:
        self.status.setText(text)
        self.status.setStyleSheet(style)
