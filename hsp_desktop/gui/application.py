"""Starting the GUI: Qt application, sign-in, main window.

The sign-in dialog appears as soon as Qt is up. The database layer (SQLAlchemy and the
services) is imported and the database opened and checked in the background meanwhile; the
dialog becomes usable when that is done, or turns into the first-run setup on a new database.
"""

from __future__ import annotations

import logging
import sys
from dataclasses import dataclass
from typing import TYPE_CHECKING

from PySide6.QtCore import QEventLoop, Qt, QTimer
from PySide6.QtGui import QGuiApplication
from PySide6.QtWidgets import QApplication, QDialog, QMessageBox

from hsp_desktop import __version__, errors
from hsp_desktop.gui.common.errors import install_crash_hook, show_error
from hsp_desktop.gui.common.operations import Operation
from hsp_desktop.gui.login import LoginDialog, SetupDialog
from hsp_desktop.gui.settings import Settings

if TYPE_CHECKING:
    from hsp_desktop.gui.main_window import MainWindow
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


@dataclass(frozen=True)
class Opened:
    services: Services
    needs_setup: bool
    school_name: str


def open_services(url: str, demo: bool) -> Opened:
    """Open (and migrate) the database; the demo school is filled on first use. Any thread."""
    from hsp_desktop.services.container import Services

    services = Services.open(url)
    if demo:
        services.fill_demo_if_empty()
    needs_setup = services.accounts.needs_setup()
    name = "" if needs_setup else services.school.get().name
    return Opened(services, needs_setup, name)


def make_main_window(services: Services, actor: Actor, settings: Settings) -> MainWindow:
    from hsp_desktop.gui.common.context import AppContext, ChangeHub
    from hsp_desktop.gui.main_window import MainWindow

    settings.set("login/last_username", actor.username)
    return MainWindow(AppContext(services, actor, settings, ChangeHub()))


class Starter:
    """Shows the sign-in dialog at once and opens the database behind it."""

    SETUP = 2

    def __init__(self, url: str, demo: bool, settings: Settings) -> None:
        self.settings = settings
        self.opened: Opened | None = None
        self.error: BaseException | None = None
        self.login = LoginDialog(settings.get("login/last_username"))
        self._op = Operation(lambda _progress, _cancelled: open_services(url, demo))
        self._op.succeeded.connect(self._on_opened)
        self._op.failed.connect(self._on_failed)
        # Start once the dialog is on screen: the imports behind it would hold the
        # interpreter and delay the first paint.
        QTimer.singleShot(0, self._op.start)

    def _on_opened(self, opened: Opened) -> None:
        self.opened = opened
        if opened.needs_setup:
            self.login.done(self.SETUP)
        else:
            self.login.ready(
                opened.services.accounts, opened.school_name, opened.services.database_description
            )

    def _on_failed(self, exc: BaseException) -> None:
        self.error = exc
        self.login.reject()

    def wait_opened(self) -> None:
        """For the next sign-in after signing out: the database is already open."""
        while self.opened is None and self.error is None:
            QApplication.processEvents(QEventLoop.ProcessEventsFlag.WaitForMoreEvents, 50)

    def sign_in(self) -> Actor | None:
        result = self.login.exec()
        if self.error is not None:
            raise self.error
        if result == self.SETUP and self.opened is not None:
            setup = SetupDialog(self.opened.services.accounts)
            return setup.actor if setup.exec() == QDialog.DialogCode.Accepted else None
        return self.login.actor if result == QDialog.DialogCode.Accepted else None

    def sign_in_again(self) -> Actor | None:
        assert self.opened is not None
        self.login = LoginDialog(self.settings.get("login/last_username"))
        self.login.ready(
            self.opened.services.accounts,
            self.opened.services.school.get().name,
            self.opened.services.database_description,
        )
        return self.login.actor if self.login.exec() == QDialog.DialogCode.Accepted else None


def run(url: str, demo: bool = False) -> int:
    app = make_qapplication()
    install_crash_hook()
    settings = Settings()
    starter = Starter(url, demo, settings)
    try:
        actor = starter.sign_in()
    except errors.KnownError as exc:
        log.error("cannot open database: %s", exc.message)
        print(f"hsp-desktop: {exc.message}", file=sys.stderr)
        QMessageBox.critical(None, exc.title, exc.message)
        return 1
    except Exception as exc:  # a bug while opening: the crash dialog, then stop
        show_error(None, exc)
        app.exec()
        return 1
    while actor is not None:
        assert starter.opened is not None
        window = make_main_window(starter.opened.services, actor, settings)
        signed_out = _Flag()
        window.sign_out_requested.connect(signed_out.set)
        window.show()
        code = app.exec()
        if not signed_out.value:
            return code
        actor = starter.sign_in_again()
    return 0


class _Flag:
    def __init__(self) -> None:
        self.value = False

    def set(self) -> None:
        self.value = True
