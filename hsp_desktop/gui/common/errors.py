"""Turning exceptions into dialogs, and the crash hook."""

from __future__ import annotations

import datetime as dt
import logging
import sys
import traceback
from pathlib import Path
from types import TracebackType

from PySide6.QtCore import QObject, Qt, QUrl, Signal
from PySide6.QtGui import QDesktopServices, QFontDatabase
from PySide6.QtWidgets import (
    QApplication,
    QDialog,
    QDialogButtonBox,
    QLabel,
    QMessageBox,
    QPlainTextEdit,
    QVBoxLayout,
    QWidget,
)

from hsp_desktop import errors, paths

log = logging.getLogger("hsp.gui.crash")


def show_error(parent: QWidget | None, exc: BaseException) -> None:
    """The one way an exception becomes a message on screen."""
    if isinstance(exc, errors.KnownError):
        QMessageBox.warning(parent, exc.title, exc.message)
    elif isinstance(exc, errors.Cancelled):
        return
    else:
        report_crash(type(exc), exc, exc.__traceback__, parent)


class CrashDialog(QDialog):
    """Shows what went wrong, where the details were saved, and lets the user carry on."""

    def __init__(self, details: str, saved_to: Path | None, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setWindowTitle("hsp-desktop: something went wrong")
        self.resize(640, 420)
        layout = QVBoxLayout(self)
        where = (
            f"The details were saved to:\n{saved_to}"
            if saved_to
            else ("The details could not be saved to a file.")
        )
        intro = QLabel(
            "The program hit an unexpected problem. Your saved work is safe; the action you "
            f"were doing was not completed.\n\n{where}\n\nPlease send this file to whoever "
            "looks after hsp-desktop at your school."
        )
        intro.setWordWrap(True)
        intro.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)
        layout.addWidget(intro)
        self.details = QPlainTextEdit(details)
        self.details.setReadOnly(True)
        self.details.setFont(QFontDatabase.systemFont(QFontDatabase.SystemFont.FixedFont))
        layout.addWidget(self.details, 1)
        buttons = QDialogButtonBox(QDialogButtonBox.StandardButton.Close)
        self.open_folder = buttons.addButton(
            "Open log folder", QDialogButtonBox.ButtonRole.ActionRole
        )
        self.open_folder.clicked.connect(
            lambda: QDesktopServices.openUrl(QUrl.fromLocalFile(str(paths.log_dir())))
        )
        buttons.rejected.connect(self.reject)
        layout.addWidget(buttons)
        self.saved_to = saved_to


def write_crash_file(text: str) -> Path | None:
    try:
        stamp = dt.datetime.now().strftime("%Y%m%d-%H%M%S-%f")
        path = paths.log_dir() / f"crash-{stamp}.txt"
        path.write_text(text, encoding="utf-8")
        return path
    except OSError:
        return None


class _CrashSignal(QObject):
    """Carries exceptions from any thread to the GUI thread."""

    raised = Signal(str, object)


_crash_signal: _CrashSignal | None = None
last_crash_dialog: CrashDialog | None = None


def report_crash(
    exc_type: type[BaseException],
    exc: BaseException,
    tb: TracebackType | None,
    parent: QWidget | None = None,
) -> None:
    global last_crash_dialog
    if isinstance(exc, errors.KnownError):
        QMessageBox.warning(parent, exc.title, exc.message)
        return
    text = "".join(traceback.format_exception(exc_type, exc, tb))
    log.error("unhandled exception\n%s", text)
    saved = write_crash_file(text)
    if QApplication.instance() is None:
        print(text, file=sys.stderr)
        return
    dialog = CrashDialog(text, saved, parent or QApplication.activeWindow())
    last_crash_dialog = dialog
    dialog.open()


def install_crash_hook() -> None:
    """Uncaught exceptions anywhere are logged, saved to a file and shown."""
    global _crash_signal
    _crash_signal = _CrashSignal()
    _crash_signal.raised.connect(lambda _text, info: report_crash(*info))

    def hook(exc_type: type[BaseException], exc: BaseException, tb: TracebackType | None) -> None:
        if issubclass(exc_type, KeyboardInterrupt):
            sys.__excepthook__(exc_type, exc, tb)
            return
        assert _crash_signal is not None
        _crash_signal.raised.emit("", (exc_type, exc, tb))

    sys.excepthook = hook
