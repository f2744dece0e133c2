"""Starting the GUI: Qt application, database, sign-in, main window."""

from __future__ import annotations

import logging
import sys

from PySide6.QtCore import Qt
from PySide6.QtGui import QGuiApplication
from PySide6.QtWidgets import QApplication, QDialog, QMessageBox

from hsp_desktop import __version__, errors
from hsp_desktop.gui.common.context import AppContext, ChangeHub
from hsp_desktop.gui.common.errors import install_crash_hook
from hsp_desktop.gui.login import LoginDialog, SetupDialog
from hsp_desktop.gui.main_window import MainWindow
from hsp_desktop.gui.settings import Settings
from hsp_desktop.services.actor import Actor
from hsp_desktop.services.container import Services

log = logging.getLogger("hsp.gui")


def make_qapplication(argv: list[str] | None = None) -> QApplication:
    app = QApplication.instance()
    if isinstance(app, QApplication):
        return app
    QApplication.setOrganizationName("hsp-desktop")
    QApplication.setApplicationName("hsp-desktop")
    QApplication.setApplicationVersion(__version__)
    QGuiApplication.setHighDpiScaleFactorRoundingPolicy(
        Qt.HighDpiScaleFactorRoundingPolicy.PassThrough
    )
    return QApplication(argv if argv is not None else sys.argv[:1])


def open_services(url: str, demo: bool) -> Services:
    """Open (and migrate) the database; for the demo, fill it on first use."""
    from hsp_desktop.store.open import open_database

    db = open_database(url)
    if demo:
        from hsp_desktop.services.demo import create_demo_school

        if Services.build(db).accounts.needs_setup():
            QGuiApplication.setOverrideCursor(Qt.CursorShape.WaitCursor)
            try:
                create_demo_school(db)
            finally:
                QGuiApplication.restoreOverrideCursor()
    return Services.build(db)


def make_sign_in(services: Services, settings: Settings) -> QDialog:
    if services.accounts.needs_setup():
        return SetupDialog(services.accounts)
    return LoginDialog(
        services.accounts,
        services.school.get().name,
        services.database_description,
        settings.get("login/last_username"),
    )


def make_main_window(services: Services, actor: Actor, settings: Settings) -> MainWindow:
    settings.set("login/last_username", actor.username)
    return MainWindow(AppContext(services, actor, settings, ChangeHub()))


def run(url: str, demo: bool = False) -> int:
    app = make_qapplication()
    install_crash_hook()
    try:
        services = open_services(url, demo)
    except errors.KnownError as exc:
        log.error("cannot open database: %s", exc.message)
        print(f"hsp-desktop: {exc.message}", file=sys.stderr)
        QMessageBox.critical(None, exc.title, exc.message)
        return 1
    settings = Settings()
    while True:
        dialog = make_sign_in(services, settings)
        if dialog.exec() != QDialog.DialogCode.Accepted:
            return 0
        actor = getattr(dialog, "actor", None)
        assert isinstance(actor, Actor)
        window = make_main_window(services, actor, settings)
        signed_out = _Flag()
        window.sign_out_requested.connect(signed_out.set)
        window.show()
        code = app.exec()
        if not signed_out.value:
            return code


class _Flag:
    def __init__(self) -> None:
        self.value = False

    def set(self) -> None:
        self.value = True
