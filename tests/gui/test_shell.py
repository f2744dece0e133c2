"""The shell driven as a user drives it: setup, sign-in, sidebar, status bar, crash dialog."""

from __future__ import annotations

import sys
from pathlib import Path

from PySide6.QtCore import Qt, QTimer
from PySide6.QtTest import QAbstractItemModelTester
from PySide6.QtWidgets import QDialogButtonBox, QLabel, QListWidget, QMessageBox
from pytestqt.qtbot import QtBot

from hsp_desktop import errors, paths
from hsp_desktop.gui.application import Starter, open_services
from hsp_desktop.gui.common import errors as gui_errors
from hsp_desktop.gui.home.page import HomePage
from hsp_desktop.gui.login import LoginDialog, SetupDialog
from hsp_desktop.gui.settings import Settings
from hsp_desktop.services.accounts import MAX_FAILURES
from hsp_desktop.services.container import Services
from hsp_desktop.store import Database


def _type_and_submit(qtbot: QtBot, dialog: SetupDialog | LoginDialog, **fields: str) -> None:
    for name, text in fields.items():
        edit = getattr(dialog, name)
        edit.clear()
        qtbot.keyClicks(edit, text)
    dialog.buttons.button(QDialogButtonBox.StandardButton.Ok).click()


def test_first_run_setup_creates_the_administrator(qtbot: QtBot, sqlite_db: Database) -> None:
    services = Services.build(sqlite_db)
    dialog = SetupDialog(services.accounts)
    qtbot.addWidget(dialog)
    dialog.show()
    _type_and_submit(
        qtbot,
        dialog,
        school_name="Hillside School",
        display_name="Ann Admin",
        username="ann",
        password="long enough",
        password2="not the same",
    )
    assert dialog.message.isVisible() and "does not match" in dialog.message.text()
    assert dialog.actor is None
    with qtbot.waitSignal(dialog.accepted):
        _type_and_submit(qtbot, dialog, password2="long enough")
    assert dialog.actor is not None and dialog.actor.username == "ann"
    assert services.school.get().name == "Hillside School"


def test_sign_in_wrong_then_right_then_lockout(qtbot: QtBot, gui_services: Services) -> None:
    dialog = LoginDialog("teacher")
    qtbot.addWidget(dialog)
    dialog.show()
    assert dialog.username.text() == "teacher"
    assert not dialog.sign_in_button.isEnabled()  # until the database is open
    dialog.ready(gui_services.accounts, "Brookfield", "test.sqlite3")
    assert "Brookfield" in dialog.windowTitle()
    _type_and_submit(qtbot, dialog, password="wrong password")
    assert "Wrong username or password" in dialog.message.text()
    assert dialog.password.text() == ""  # never left on screen
    with qtbot.waitSignal(dialog.accepted):
        _type_and_submit(qtbot, dialog, password="hsp-demo")
    assert dialog.actor is not None and dialog.actor.username == "teacher"

    locked = LoginDialog("office")
    locked.ready(gui_services.accounts, "Brookfield", "test.sqlite3")
    qtbot.addWidget(locked)
    locked.show()
    for _ in range(MAX_FAILURES):
        _type_and_submit(qtbot, locked, password="nope nope")
    assert "locked" in locked.message.text()
    _type_and_submit(qtbot, locked, password="hsp-demo")
    assert "locked" in locked.message.text()
    assert locked.actor is None


def test_main_window_sidebar_and_status_bar(qtbot: QtBot, main_window) -> None:  # type: ignore[no-untyped-def]
    window = main_window("admin")
    sidebar = window.findChild(QListWidget, "sidebar")
    titles = [sidebar.item(i).text() for i in range(sidebar.count())]
    assert titles[0] == "Home" and "Administration" in titles
    home = window.stack.currentWidget()
    assert isinstance(home, HomePage)
    assert home.findChild(QLabel, "students_on_roll").text() == "90"
    assert window.findChild(QLabel, "statusUser").text() == "Mrs Joan Ashby · Administrator"
    assert "File: " in window.findChild(QLabel, "statusDatabase").text()
    assert ".sqlite3" in window.findChild(QLabel, "statusDatabase").text()

    sidebar.setCurrentRow(titles.index("Administration"))
    assert window.current_area() == "admin"
    # Ctrl+1 goes home again, from the keyboard.
    window.activateWindow()
    qtbot.waitUntil(window.isActiveWindow)
    qtbot.keyClick(window.stack.currentWidget(), Qt.Key.Key_1, Qt.KeyboardModifier.ControlModifier)
    assert window.current_area() == "home"


def test_roles_decide_the_sidebar(main_window) -> None:  # type: ignore[no-untyped-def]
    window = main_window("teacher")
    titles = [window.sidebar.item(i).text() for i in range(window.sidebar.count())]
    assert "Administration" not in titles
    assert "Class teacher" in window.user_label.text()


def test_window_geometry_and_last_area_are_kept(qtbot: QtBot, main_window) -> None:  # type: ignore[no-untyped-def]
    first = main_window("admin")
    first.resize(700, 500)
    first.show_area("admin")
    first.close()
    kept = Settings().geometry("main")
    assert kept is not None and kept == first.saveGeometry()
    second = main_window("admin")
    assert second.current_area() == "admin"


def test_home_languages_model_is_well_behaved(main_window) -> None:  # type: ignore[no-untyped-def]
    window = main_window("office")
    home = window.stack.currentWidget()
    assert isinstance(home, HomePage)
    QAbstractItemModelTester(
        home.languages_model, QAbstractItemModelTester.FailureReportingMode.Fatal
    )
    rows = [home.languages_model.row(i) for i in range(home.languages_model.rowCount())]
    assert sum(n for _, n in rows) == 90
    assert rows[0][0] == "English"


def test_crash_hook_logs_saves_and_shows(qtbot: QtBot, home: Path) -> None:
    gui_errors.install_crash_hook()
    try:
        raise ZeroDivisionError("a bug in a slot")
    except ZeroDivisionError:
        sys.excepthook(*sys.exc_info())
    qtbot.waitUntil(
        lambda: (
            gui_errors.last_crash_dialog is not None and gui_errors.last_crash_dialog.isVisible()
        )
    )
    dialog = gui_errors.last_crash_dialog
    assert dialog is not None
    qtbot.addWidget(dialog)
    assert "ZeroDivisionError: a bug in a slot" in dialog.details.toPlainText()
    assert dialog.saved_to is not None and dialog.saved_to.parent == paths.log_dir()
    assert "a bug in a slot" in dialog.saved_to.read_text()
    sys.excepthook = sys.__excepthook__


def test_known_errors_become_plain_messages(qtbot: QtBot, monkeypatch) -> None:  # type: ignore[no-untyped-def]
    shown: list[tuple[str, str]] = []
    monkeypatch.setattr(
        QMessageBox, "warning", lambda parent, title, text: shown.append((title, text))
    )
    gui_errors.show_error(None, errors.ValidationError("Surname", "must not be empty"))
    assert shown == [("Please check the form", "Surname: must not be empty")]
    QTimer.singleShot(0, lambda: None)


def test_start_opens_the_database_behind_the_sign_in_dialog(
    qtbot: QtBot, sqlite_demo_db: Database
) -> None:
    starter = Starter(sqlite_demo_db.safe_url(), False, Settings())
    qtbot.addWidget(starter.login)
    starter.login.show()
    qtbot.waitUntil(lambda: starter.login.sign_in_button.isEnabled(), timeout=20_000)
    assert starter.opened is not None and not starter.opened.needs_setup
    assert starter.opened.school_name == "Brookfield Special School"
    assert "demo.sqlite3" in starter.login.where.text()


def test_start_on_an_empty_database_asks_for_setup(qtbot: QtBot, sqlite_db: Database) -> None:
    starter = Starter(sqlite_db.safe_url(), False, Settings())
    qtbot.addWidget(starter.login)
    with qtbot.waitSignal(starter.login.finished, timeout=20_000) as blocker:
        starter.login.open()
    assert blocker.args == [Starter.SETUP]
    assert starter.opened is not None and starter.opened.needs_setup


def test_start_on_a_bad_file_reports_and_touches_nothing(qtbot: QtBot, tmp_path: Path) -> None:
    junk = tmp_path / "junk.sqlite3"
    junk.write_bytes(b"not a database at all" * 10)
    starter = Starter(f"sqlite+pysqlite:///{junk}", False, Settings())
    qtbot.addWidget(starter.login)
    with qtbot.waitSignal(starter.login.rejected, timeout=20_000):
        starter.login.open()
    assert isinstance(starter.error, errors.NotADatabase)
    assert junk.read_bytes() == b"not a database at all" * 10


def test_demo_flag_fills_an_empty_database(qtbot: QtBot, tmp_path: Path) -> None:
    url = f"sqlite+pysqlite:///{tmp_path / 'demo.sqlite3'}"
    opened = open_services(url, demo=True)
    assert opened.school_name == "Brookfield Special School" and not opened.needs_setup
