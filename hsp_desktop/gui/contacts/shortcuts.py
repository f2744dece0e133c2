"""The window-wide "log a contact" action (Ctrl+L), for the main window to install."""

from __future__ import annotations

from PySide6.QtGui import QAction, QKeySequence
from PySide6.QtWidgets import QMainWindow, QStackedWidget, QWidget

from hsp_desktop.gui.common.context import AppContext
from hsp_desktop.gui.contacts.form import ContactDialog
from hsp_desktop.services.actor import Permission


def _current_student(window: QMainWindow) -> int | None:
    """The student the current page shows or has selected, if it says."""
    stack = window.findChild(QStackedWidget)
    widget: QWidget | None = stack.currentWidget() if stack else None
    while widget is not None:
        finder = getattr(widget, "current_student_id", None)
        if callable(finder):
            found = finder()
            return found if isinstance(found, int) else None
        current = getattr(widget, "currentWidget", None)
        widget = current() if callable(current) else None
    return None


def install_contact_actions(window: QMainWindow, ctx: AppContext) -> QAction | None:
    if not ctx.actor.can(Permission.LOG_CONTACTS):
        return None
    action = QAction("&Log a contact…", window)
    action.setObjectName("logContactAction")
    action.setShortcut(QKeySequence("Ctrl+L"))

    def open_form() -> None:
        dialog = ContactDialog(ctx, _current_student(window), parent=window)
        setattr(window, "contact_dialog", dialog)  # noqa: B010 - kept alive, found by tests
        dialog.open()

    action.triggered.connect(open_form)
    menu = window.menuBar().addMenu("&Contacts")
    menu.addAction(action)
    window.addAction(action)
    return action
