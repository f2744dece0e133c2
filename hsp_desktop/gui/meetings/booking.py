"""Requesting, confirming and cancelling an interpreter booking.

The dialog opens filled in from the program's proposal (the carer's language and dialect, the
meeting's time, a member of staff who speaks the language if there is one). Who interprets is
chosen from an agency, a telephone service or a member of staff: never a family member.
"""

from __future__ import annotations

from dataclasses import replace

from PySide6.QtCore import Signal
from PySide6.QtWidgets import (
    QComboBox,
    QDateEdit,
    QDialog,
    QDialogButtonBox,
    QFormLayout,
    QHBoxLayout,
    QLabel,
    QLineEdit,
    QPlainTextEdit,
    QPushButton,
    QSpinBox,
    QTimeEdit,
    QVBoxLayout,
    QWidget,
)

from hsp_desktop import errors
from hsp_desktop.gui.common.context import AppContext
from hsp_desktop.gui.common.errors import show_error
from hsp_desktop.gui.meetings.common import (
    Confirm,
    day_text,
    from_qdate,
    from_qtime,
    to_qdate,
    to_qtime,
)
from hsp_desktop.services.interpreters import (
    BookingDraft,
    BookingStatus,
    BookingView,
    ProviderKind,
    format_money,
    language_name,
    parse_money,
)


class BookingDialog(QDialog):
    """``saved`` carries the ``BookingView`` after each successful request, save, confirmation
    or cancellation."""

    saved = Signal(object)

    def __init__(
        self,
        ctx: AppContext,
        draft: BookingDraft,
        existing: BookingView | None = None,
        *,
        carer_name: str = "",
        parent: QWidget | None = None,
    ) -> None:
        super().__init__(parent)
        self.ctx = ctx
        self.draft = draft
        self.existing = existing
        self.result_view: BookingView | None = None
        self.setWindowTitle("Interpreter booking" if existing else "Book an interpreter")
        layout = QVBoxLayout(self)
        who = carer_name or (existing.carer_name if existing else "")
        language = language_name(draft.language, draft.dialect)
        intro = QLabel(
            f"<b>{language}</b> interpreter"
            + (f" for {who}" if who else "")
            + (f"<br>{draft.purpose}" if draft.purpose else "")
        )
        intro.setObjectName("bookingIntro")
        intro.setWordWrap(True)
        layout.addWidget(intro)
        if existing is not None:
            state = (
                f"Status: <b>{existing.status.label}</b>, "
                f"requested {day_text(existing.requested_on)}"
            )
            if existing.confirmed_on:
                state += f", confirmed {day_text(existing.confirmed_on)}"
            status = QLabel(state)
            status.setObjectName("bookingStatus")
            layout.addWidget(status)
        form = QFormLayout()
        self.day = QDateEdit(to_qdate(draft.day))
        self.day.setCalendarPopup(True)
        self.day.setDisplayFormat("dd/MM/yyyy")
        self.start = QTimeEdit()
        self.start.setDisplayFormat("HH:mm")
        if draft.start_time:
            self.start.setTime(to_qtime(draft.start_time))
        self.length = QSpinBox()
        self.length.setRange(5, 600)
        self.length.setSingleStep(15)
        self.length.setSuffix(" min")
        self.length.setValue(draft.duration_minutes)
        when = QHBoxLayout()
        when.addWidget(self.day)
        when.addWidget(self.start)
        when.addWidget(self.length)
        when_label = QLabel("&When:")
        when_label.setBuddy(self.day)
        form.addRow(when_label, when)
        self.kind = QComboBox()
        self.kind.setObjectName("providerKind")
        for kind in ProviderKind:
            self.kind.addItem(kind.label, kind)
        self.kind.setCurrentIndex(list(ProviderKind).index(draft.provider_kind))
        form.addRow("&Provider:", self.kind)
        self.staff = QComboBox()
        self.staff.setObjectName("staffInterpreter")
        speakers = ctx.services.interpreters.staff_speakers(ctx.actor, draft.language)
        for member in speakers:
            self.staff.addItem(member.name, member.id)
        if draft.staff_member_id is not None:
            found = self.staff.findData(draft.staff_member_id)
            if found >= 0:
                self.staff.setCurrentIndex(found)
        self.staff_label = QLabel("Member of &staff:")
        self.staff_label.setBuddy(self.staff)
        form.addRow(self.staff_label, self.staff)
        self.provider = QLineEdit(draft.provider_name)
        self.provider.setPlaceholderText("Agency or telephone service")
        self.provider_label = QLabel("Agency or &service:")
        self.provider_label.setBuddy(self.provider)
        form.addRow(self.provider_label, self.provider)
        self.interpreter = QLineEdit(draft.interpreter_name)
        self.interpreter.setObjectName("interpreterName")
        self.interpreter.setPlaceholderText("Name given by the agency, once known")
        self.interpreter_label = QLabel("&Interpreter:")
        self.interpreter_label.setBuddy(self.interpreter)
        form.addRow(self.interpreter_label, self.interpreter)
        self.cost = QLineEdit(format_money(draft.cost_pence) if draft.cost_pence else "")
        self.cost.setObjectName("bookingCost")
        self.cost.setPlaceholderText("£0.00")
        form.addRow("&Cost:", self.cost)
        self.notes = QPlainTextEdit(draft.notes)
        self.notes.setTabChangesFocus(True)
        self.notes.setMaximumHeight(70)
        form.addRow("&Notes:", self.notes)
        layout.addLayout(form)
        warning = QLabel(
            "Family members, children and friends must never interpret for formal matters."
        )
        warning.setWordWrap(True)
        warning.setStyleSheet("color: #555;")
        layout.addWidget(warning)
        self.message = QLabel()
        self.message.setObjectName("bookingMessage")
        self.message.setWordWrap(True)
        self.message.setStyleSheet("color: #b71c1c;")
        self.message.hide()
        layout.addWidget(self.message)

        self.buttons = QDialogButtonBox()
        done = existing is not None and existing.status is BookingStatus.CANCELLED
        self.request_button: QPushButton | None = None
        self.save_button: QPushButton | None = None
        self.confirm_button: QPushButton | None = None
        self.cancel_booking_button: QPushButton | None = None
        if existing is None:
            self.request_button = self.buttons.addButton(
                "&Request", QDialogButtonBox.ButtonRole.AcceptRole
            )
            self.request_button.clicked.connect(self.request)
            self.request_button.setDefault(True)
        elif not done:
            self.save_button = self.buttons.addButton(
                "&Save", QDialogButtonBox.ButtonRole.AcceptRole
            )
            self.save_button.clicked.connect(self.save)
            if existing.status is not BookingStatus.CONFIRMED:
                self.confirm_button = self.buttons.addButton(
                    "C&onfirmed", QDialogButtonBox.ButtonRole.AcceptRole
                )
                self.confirm_button.setToolTip("The provider has confirmed who is coming")
                self.confirm_button.clicked.connect(self.confirm)
                self.confirm_button.setDefault(True)
            self.cancel_booking_button = self.buttons.addButton(
                "Cancel &booking…", QDialogButtonBox.ButtonRole.DestructiveRole
            )
            self.cancel_booking_button.clicked.connect(self.cancel_booking)
        close = self.buttons.addButton(QDialogButtonBox.StandardButton.Close)
        close.clicked.connect(self.reject)
        layout.addWidget(self.buttons)
        self.kind.currentIndexChanged.connect(self._kind_changed)
        self.staff.currentIndexChanged.connect(self._kind_changed)
        self._kind_changed()
        if done:
            for widget in (self.day, self.start, self.length, self.kind, self.staff):
                widget.setEnabled(False)
        self.resize(480, 0)

    # -- form -------------------------------------------------------------------------------
    def _kind_changed(self) -> None:
        kind = ProviderKind(self.kind.currentData())
        staff = kind is ProviderKind.STAFF
        for shown in (self.staff, self.staff_label):
            shown.setVisible(staff)
        for hidden in (self.provider, self.provider_label):
            hidden.setVisible(not staff)
        self.interpreter.setReadOnly(staff)
        if staff:
            self.interpreter.setText(self.staff.currentText())
        if staff and self.staff.count() == 0:
            self._say(f"Nobody on the staff lists {language_name(self.draft.language)}.")
        else:
            self.message.hide()

    def _say(self, text: str) -> None:
        self.message.setText(text)
        self.message.show()

    def current_draft(self) -> BookingDraft:
        kind = ProviderKind(self.kind.currentData())
        return replace(
            self.draft,
            day=from_qdate(self.day.date()),
            start_time=from_qtime(self.start.time()),
            duration_minutes=self.length.value(),
            provider_kind=kind,
            staff_member_id=self.staff.currentData() if kind is ProviderKind.STAFF else None,
            provider_name=self.provider.text() if kind is not ProviderKind.STAFF else "",
            interpreter_name=self.interpreter.text(),
            cost_pence=parse_money("Cost", self.cost.text()),
            notes=self.notes.toPlainText(),
        )

    # -- actions ----------------------------------------------------------------------------
    def request(self) -> None:
        try:
            view = self.ctx.services.interpreters.request(self.ctx.actor, self.current_draft())
        except errors.KnownError as exc:
            self._say(exc.message)
            return
        self._done(view)

    def save(self) -> None:
        assert self.existing is not None
        try:
            view = self.ctx.services.interpreters.update(
                self.ctx.actor, self.existing.id, self.existing.version, self.current_draft()
            )
        except errors.ConflictError as exc:
            show_error(self, exc)
            self.reject()
            return
        except errors.KnownError as exc:
            self._say(exc.message)
            return
        self._done(view)

    def confirm(self) -> None:
        assert self.existing is not None
        try:
            draft = self.current_draft()
            current = self.ctx.services.interpreters.update(
                self.ctx.actor, self.existing.id, self.existing.version, draft
            )
            view = self.ctx.services.interpreters.confirm(
                self.ctx.actor,
                current.id,
                current.version,
                interpreter_name=draft.interpreter_name,
                cost_pence=draft.cost_pence,
            )
        except errors.ConflictError as exc:
            show_error(self, exc)
            self.reject()
            return
        except errors.KnownError as exc:
            self._say(exc.message)
            return
        self._done(view)

    def cancel_booking(self) -> None:
        assert self.existing is not None
        if not Confirm.ask(
            self,
            "Cancel the booking",
            "Cancel this interpreter booking? Tell the provider too: a late cancellation may "
            "still be charged (record the fee as the cost).",
            "Cancel the booking",
        ):
            return
        try:
            self.ctx.services.interpreters.update(
                self.ctx.actor, self.existing.id, self.existing.version, self.current_draft()
            )
            current = self.ctx.services.interpreters.get(self.ctx.actor, self.existing.id)
            self.ctx.services.interpreters.cancel(self.ctx.actor, current.id, current.version)
            view = self.ctx.services.interpreters.get(self.ctx.actor, self.existing.id)
        except errors.KnownError as exc:
            self._say(exc.message)
            return
        self._done(view)

    def _done(self, view: BookingView) -> None:
        self.result_view = view
        self.saved.emit(view)
        self.ctx.hub.changed.emit("interpreters")
        self.accept()
