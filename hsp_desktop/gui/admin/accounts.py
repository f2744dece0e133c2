"""Administration: sign-in accounts and roles."""

from __future__ import annotations

from PySide6.QtWidgets import (
    QAbstractItemView,
    QCheckBox,
    QComboBox,
    QDialog,
    QDialogButtonBox,
    QFormLayout,
    QHBoxLayout,
    QHeaderView,
    QInputDialog,
    QLineEdit,
    QMessageBox,
    QPushButton,
    QTableView,
    QVBoxLayout,
    QWidget,
)

from hsp_desktop import errors
from hsp_desktop.gui.common.context import AppContext
from hsp_desktop.gui.common.errors import show_error
from hsp_desktop.gui.common.tables import Column, RowsModel
from hsp_desktop.model.enums import Role
from hsp_desktop.services.accounts import AccountView


class AccountDialog(QDialog):
    """New account (with password) or an existing one's name, role and active flag."""

    def __init__(self, existing: AccountView | None, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setWindowTitle("Edit account" if existing else "New account")
        form = QFormLayout(self)
        self.username = QLineEdit(existing.username if existing else "")
        self.username.setReadOnly(existing is not None)
        self.display_name = QLineEdit(existing.display_name if existing else "")
        self.role = QComboBox()
        for role in Role:
            self.role.addItem(role.label, role)
        if existing:
            self.role.setCurrentIndex(list(Role).index(existing.role))
        self.active = QCheckBox("Can sign in")
        self.active.setChecked(existing.active if existing else True)
        self.password = QLineEdit()
        self.password.setEchoMode(QLineEdit.EchoMode.Password)
        form.addRow("&Username:", self.username)
        form.addRow("&Name:", self.display_name)
        form.addRow("&Role:", self.role)
        form.addRow("", self.active)
        if existing is None:
            form.addRow("&Password:", self.password)
        buttons = QDialogButtonBox(
            QDialogButtonBox.StandardButton.Ok | QDialogButtonBox.StandardButton.Cancel
        )
        buttons.accepted.connect(self.accept)
        buttons.rejected.connect(self.reject)
        form.addRow(buttons)


class AccountsPage(QWidget):
    def __init__(self, ctx: AppContext, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.ctx = ctx
        layout = QVBoxLayout(self)
        self.model: RowsModel[AccountView] = RowsModel(
            [
                Column("Username", lambda a: a.username),
                Column("Name", lambda a: a.display_name),
                Column("Role", lambda a: a.role.label),
                Column("Active", lambda a: "yes" if a.active else "no"),
                Column("Locked", lambda a: "LOCKED" if a.locked else ""),
                Column(
                    "Last sign-in",
                    lambda a: (
                        a.last_login_at.astimezone().strftime("%d/%m/%Y %H:%M")
                        if a.last_login_at
                        else ""
                    ),
                ),
            ],
            self,
        )
        self.table = QTableView()
        self.table.setModel(self.model)
        self.table.setSelectionBehavior(QAbstractItemView.SelectionBehavior.SelectRows)
        self.table.setSelectionMode(QAbstractItemView.SelectionMode.SingleSelection)
        self.table.horizontalHeader().setSectionResizeMode(QHeaderView.ResizeMode.Stretch)
        self.table.doubleClicked.connect(lambda _i: self.edit_selected())
        layout.addWidget(self.table)
        buttons = QHBoxLayout()
        for text, slot in (
            ("&New account…", self.new_account),
            ("&Edit…", self.edit_selected),
            ("Set &password…", self.set_password),
            ("Un&lock", self.unlock),
        ):
            button = QPushButton(text)
            button.clicked.connect(slot)
            buttons.addWidget(button)
        buttons.addStretch(1)
        layout.addLayout(buttons)
        self.refresh()

    def refresh(self) -> None:
        self.model.set_rows(self.ctx.services.accounts.list_accounts(self.ctx.actor))

    def selected(self) -> AccountView | None:
        rows = self.table.selectionModel().selectedRows()
        return self.model.row(rows[0].row()) if rows else None

    def new_account(self) -> None:
        dialog = AccountDialog(None, self)
        while dialog.exec() == QDialog.DialogCode.Accepted:
            try:
                self.ctx.services.accounts.create_account(
                    self.ctx.actor,
                    dialog.username.text(),
                    dialog.display_name.text(),
                    dialog.role.currentData(),
                    dialog.password.text(),
                )
            except errors.KnownError as exc:
                show_error(self, exc)
                continue
            self.refresh()
            return

    def edit_selected(self) -> None:
        account = self.selected()
        if account is None:
            return
        dialog = AccountDialog(account, self)
        if dialog.exec() != QDialog.DialogCode.Accepted:
            return
        try:
            self.ctx.services.accounts.update_account(
                self.ctx.actor,
                account.id,
                account.version,
                display_name=dialog.display_name.text(),
                role=dialog.role.currentData(),
                active=dialog.active.isChecked(),
            )
        except errors.KnownError as exc:
            show_error(self, exc)
        self.refresh()

    def set_password(self) -> None:
        account = self.selected()
        if account is None:
            return
        password, ok = QInputDialog.getText(
            self,
            "Set password",
            f"New password for {account.username}:",
            QLineEdit.EchoMode.Password,
        )
        if not ok:
            return
        try:
            self.ctx.services.accounts.set_password(self.ctx.actor, account.id, password)
        except errors.KnownError as exc:
            show_error(self, exc)
            return
        QMessageBox.information(self, "Password set", f"{account.username}'s password was changed.")

    def unlock(self) -> None:
        account = self.selected()
        if account is None:
            return
        self.ctx.services.accounts.unlock(self.ctx.actor, account.id)
        self.refresh()
