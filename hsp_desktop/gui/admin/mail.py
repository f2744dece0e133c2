"""Administration: the school's email server, for letters sent by email.

The password is kept in this computer's password store (keyring), never in the database. Where
there is no password store the page says so, and the password can be used for this session
only.
"""

from __future__ import annotations

from PySide6.QtCore import Signal
from PySide6.QtWidgets import (
    QCheckBox,
    QComboBox,
    QFormLayout,
    QHBoxLayout,
    QLabel,
    QLineEdit,
    QMessageBox,
    QPushButton,
    QSpinBox,
    QVBoxLayout,
    QWidget,
)

from hsp_desktop import errors
from hsp_desktop.gui.common.context import AppContext
from hsp_desktop.gui.common.form_errors import ErrorBanner
from hsp_desktop.gui.common.operations import Operation
from hsp_desktop.model.letters import MailSecurity
from hsp_desktop.services.mail import MailSettingsView, PasswordStoreUnavailable

_PASSWORD_TEXT = {
    "stored": "Saved in this computer's password store.",
    "session": "Kept for this session only (this computer has no password store).",
    "none": "No password on this computer yet.",
    "not needed": "No user name: the server does not ask for a password.",
}


class SessionOnly:
    @staticmethod
    def ask(parent: QWidget | None, message: str) -> bool:
        """Use the password for this session only? Tests replace this."""
        answer = QMessageBox.question(
            parent,
            "No password store",
            message + "\n\nUse the password until the program closes?",
        )
        return answer == QMessageBox.StandardButton.Yes


class MailSettingsPage(QWidget):
    saved = Signal()
    tested = Signal(str)

    def __init__(self, ctx: AppContext, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.ctx = ctx
        self.view: MailSettingsView | None = None
        self.enabled = QCheckBox("&Send letters by email to families who prefer it")
        self.host = QLineEdit()
        self.host.setObjectName("mailHost")
        self.host.setPlaceholderText("e.g. smtp.office365.com")
        self.port = QSpinBox()
        self.port.setRange(1, 65535)
        self.security = QComboBox()
        for option in MailSecurity:
            self.security.addItem(option.label, option.value)
        self.username = QLineEdit()
        self.password = QLineEdit()
        self.password.setEchoMode(QLineEdit.EchoMode.Password)
        self.password.setObjectName("mailPassword")
        self.password_state = QLabel()
        self.password_state.setObjectName("passwordState")
        self.password_state.setWordWrap(True)
        self.save_password = QPushButton("Keep the pass&word")
        self.from_address = QLineEdit()
        self.from_name = QLineEdit()
        self.timeout = QSpinBox()
        self.timeout.setRange(1, 600)
        self.timeout.setSuffix(" s")
        self.errors = ErrorBanner()
        self.save_button = QPushButton("&Save")
        self.test_button = QPushButton("&Test the connection")
        self.result = QLabel()
        self.result.setObjectName("mailResult")
        self.result.setWordWrap(True)

        form = QFormLayout()
        form.addRow(self.enabled)
        form.addRow("Ser&ver:", self.host)
        form.addRow("&Port:", self.port)
        form.addRow("Se&curity:", self.security)
        form.addRow("&User name:", self.username)
        password_row = QHBoxLayout()
        password_row.addWidget(self.password, 1)
        password_row.addWidget(self.save_password)
        form.addRow("Pass&word:", password_row)
        form.addRow("", self.password_state)
        form.addRow("Sender &address:", self.from_address)
        form.addRow("Sender &name:", self.from_name)
        form.addRow("Time &limit:", self.timeout)
        layout = QVBoxLayout(self)
        layout.addLayout(form)
        layout.addWidget(self.errors)
        buttons = QHBoxLayout()
        buttons.addWidget(self.save_button)
        buttons.addWidget(self.test_button)
        buttons.addStretch(1)
        layout.addLayout(buttons)
        layout.addWidget(self.result)
        layout.addStretch(1)
        self.save_button.clicked.connect(self.save)
        self.save_password.clicked.connect(self.keep_password)
        self.test_button.clicked.connect(self.test)
        self._operation: Operation | None = None
        self.load()

    def fields(self) -> dict[str, QWidget]:
        return {
            "Server": self.host,
            "Port": self.port,
            "User name": self.username,
            "Sender address": self.from_address,
            "Sender name": self.from_name,
            "Time limit": self.timeout,
            "Password": self.password,
        }

    def load(self) -> None:
        view = self.ctx.services.mail.settings(self.ctx.actor)
        self.view = view
        self.enabled.setChecked(view.enabled or view.version == 0)
        self.host.setText(view.host)
        self.port.setValue(view.port)
        self.security.setCurrentIndex(self.security.findData(view.security.value))
        self.username.setText(view.username)
        self.from_address.setText(view.from_address or self._school_email())
        self.from_name.setText(view.from_name or self._school_name())
        self.timeout.setValue(view.timeout_seconds)
        self._show_password_state()

    def _school_email(self) -> str:
        try:
            return self.ctx.services.school.get().email
        except errors.KnownError:
            return ""

    def _school_name(self) -> str:
        try:
            return self.ctx.services.school.get().name
        except errors.KnownError:
            return ""

    def _show_password_state(self) -> None:
        state = self.ctx.services.mail.password_state(self.ctx.actor)
        self.password_state.setText(_PASSWORD_TEXT.get(state, state))

    def save(self) -> bool:
        assert self.view is not None
        self.errors.clear()
        self.errors.hide()
        try:
            self.view = self.ctx.services.mail.save_settings(
                self.ctx.actor,
                self.view.version,
                host=self.host.text(),
                port=self.port.value(),
                security=str(self.security.currentData()),
                username=self.username.text(),
                from_address=self.from_address.text(),
                from_name=self.from_name.text(),
                timeout_seconds=self.timeout.value(),
                enabled=self.enabled.isChecked(),
            )
        except errors.ConflictError as exc:
            self.errors.show_error(exc)
            self.load()
            return False
        except errors.KnownError as exc:
            self.errors.show_error(exc, self.fields())
            return False
        if self.password.text():
            self.keep_password()
        self._show_password_state()
        self.result.setText("Saved.")
        self.ctx.hub.changed.emit("mail")
        self.saved.emit()
        return True

    def keep_password(self) -> None:
        password = self.password.text()
        if not password:
            self.errors.show_error(
                errors.ValidationError("Password", "type it first"), self.fields()
            )
            return
        mail, actor = self.ctx.services.mail, self.ctx.actor
        try:
            mail.set_password(actor, password)
        except PasswordStoreUnavailable as exc:
            if not SessionOnly.ask(self, exc.message):
                return
            mail.set_password(actor, password, session_only=True)
        except errors.KnownError as exc:
            self.errors.show_error(exc, self.fields())
            return
        finally:
            self.password.clear()
        self._show_password_state()
        self.ctx.hub.changed.emit("mail")

    def test(self) -> None:
        mail, actor = self.ctx.services.mail, self.ctx.actor
        self.test_button.setEnabled(False)
        self.result.setText("Connecting…")
        self._operation = Operation(lambda _p, _c: mail.test_connection(actor))
        self._operation.succeeded.connect(lambda text: self._tested(str(text), ok=True))
        self._operation.failed.connect(
            lambda exc: self._tested(
                exc.message if isinstance(exc, errors.KnownError) else str(exc), ok=False
            )
        )
        self._operation.start()

    def _tested(self, text: str, *, ok: bool) -> None:
        self.test_button.setEnabled(True)
        self.result.setText(text)
        self.result.setStyleSheet("color: #1b5e20" if ok else "color: #b71c1c")
        self.tested.emit(text)
