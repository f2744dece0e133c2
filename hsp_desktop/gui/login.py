"""First-run setup and the sign-in dialog."""

from __future__ import annotations

from typing import TYPE_CHECKING

from PySide6.QtCore import Qt
from PySide6.QtWidgets import (
    QDialog,
    QDialogButtonBox,
    QFormLayout,
    QLabel,
    QLineEdit,
    QVBoxLayout,
    QWidget,
)

from hsp_desktop import errors

if TYPE_CHECKING:  # the services load in the background while this dialog is shown
    from hsp_desktop.services.accounts import AccountService
    from hsp_desktop.services.actor import Actor


class _FormDialog(QDialog):
    def __init__(self, title: str, intro: str, parent: QWidget | None) -> None:
        super().__init__(parent)
        self.setWindowTitle(title)
        self.setMinimumWidth(420)
        self.actor: Actor | None = None
        layout = QVBoxLayout(self)
        heading = QLabel(intro)
        heading.setWordWrap(True)
        layout.addWidget(heading)
        self.form = QFormLayout()
        layout.addLayout(self.form)
        self.message = QLabel()
        self.message.setWordWrap(True)
        self.message.setObjectName("errorMessage")
        self.message.setStyleSheet("color: #b00020;")
        self.message.setAccessibleName("Error message")
        self.message.hide()
        layout.addWidget(self.message)
        self.buttons = QDialogButtonBox(
            QDialogButtonBox.StandardButton.Ok | QDialogButtonBox.StandardButton.Cancel
        )
        self.buttons.accepted.connect(self._submit)
        self.buttons.rejected.connect(self.reject)
        layout.addWidget(self.buttons)

    def _field(self, label: str, name: str, *, password: bool = False) -> QLineEdit:
        edit = QLineEdit()
        edit.setObjectName(name)
        if password:
            edit.setEchoMode(QLineEdit.EchoMode.Password)
        self.form.addRow(label, edit)
        return edit

    def show_message(self, text: str) -> None:
        self.message.setText(text)
        self.message.show()

    def _submit(self) -> None:
        try:
            self.actor = self.attempt()
        except errors.KnownError as exc:
            self.show_message(exc.message)
            return
        self.accept()

    def attempt(self) -> Actor:
        raise NotImplementedError  # each dialog says how it signs the user in


class SetupDialog(_FormDialog):
    """On an empty database: the school's name and the first administrator."""

    def __init__(self, accounts: AccountService, parent: QWidget | None = None) -> None:
        super().__init__(
            "Set up hsp-desktop",
            "<b>Welcome.</b> This database is new. Give the school's name and create the first "
            "administrator account; you can add everything else afterwards.",
            parent,
        )
        self.accounts = accounts
        self.school_name = self._field("School &name:", "schoolName")
        self.display_name = self._field("Your &full name:", "displayName")
        self.username = self._field("&Username:", "username")
        self.password = self._field("&Password:", "password", password=True)
        self.password2 = self._field("&Repeat password:", "password2", password=True)
        self.buttons.button(QDialogButtonBox.StandardButton.Ok).setText("Create")

    def attempt(self) -> Actor:
        if self.password.text() != self.password2.text():
            raise errors.ValidationError("Repeat password", "does not match the password")
        return self.accounts.setup(
            self.school_name.text(),
            self.username.text(),
            self.display_name.text(),
            self.password.text(),
        )


class LoginDialog(_FormDialog):
    """Sign-in. Shown at once; usable when ``ready`` hands it the accounts service."""

    def __init__(self, last_username: str = "", parent: QWidget | None = None) -> None:
        super().__init__(
            "Sign in – hsp-desktop", "<b>hsp-desktop</b><br>Opening the database…", parent
        )
        self.accounts: AccountService | None = None
        self.intro = self.findChild(QLabel)
        self.username = self._field("&Username:", "username")
        self.password = self._field("&Password:", "password", password=True)
        self.where = QLabel("")
        self.where.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)
        self.where.setStyleSheet("color: palette(mid);")
        self.form.addRow(self.where)
        self.sign_in_button = self.buttons.button(QDialogButtonBox.StandardButton.Ok)
        self.sign_in_button.setText("Sign in")
        self.sign_in_button.setEnabled(False)
        if last_username:
            self.username.setText(last_username)
            self.password.setFocus()

    def ready(self, accounts: AccountService, school_name: str, database: str) -> None:
        self.accounts = accounts
        self.setWindowTitle(f"Sign in – {school_name}")
        if self.intro is not None:
            self.intro.setText(f"<b>{_escape(school_name)}</b><br>Sign in to hsp-desktop.")
        self.where.setText(f"Database: {_escape(database)}")
        self.sign_in_button.setEnabled(True)

    def attempt(self) -> Actor:
        if self.accounts is None:
            raise errors.KnownError("Still opening the database; one moment.")
        try:
            return self.accounts.login(self.username.text(), self.password.text())
        finally:
            self.password.clear()
            self.password.setFocus()


def _escape(text: str) -> str:
    return text.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;")
