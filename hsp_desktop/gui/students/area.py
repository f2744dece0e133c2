"""The Students area: the list, and each opened student file in a tab beside it.

Ctrl+W closes the current file (asking about unsaved changes); Ctrl+F goes back to the
search box.
"""

from __future__ import annotations

from PySide6.QtCore import Qt
from PySide6.QtGui import QKeySequence, QShortcut
from PySide6.QtWidgets import QDialog, QTabWidget, QVBoxLayout, QWidget

from hsp_desktop import errors
from hsp_desktop.gui.common.context import AppContext
from hsp_desktop.gui.common.errors import show_error
from hsp_desktop.gui.students.details import NewStudentDialog
from hsp_desktop.gui.students.file_page import StudentFilePage
from hsp_desktop.gui.students.list_page import StudentListPage
from hsp_desktop.services.students import StudentFile


class StudentsArea(QWidget):
    def __init__(self, ctx: AppContext, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.ctx = ctx
        self.active_dialog: QDialog | None = None
        self.tabs = QTabWidget()
        self.tabs.setObjectName("studentTabs")
        self.tabs.setTabsClosable(True)
        self.tabs.setMovable(True)
        self.tabs.tabCloseRequested.connect(self.close_tab)
        self.list = StudentListPage(ctx)
        self.tabs.addTab(self.list, "All students")
        bar = self.tabs.tabBar()
        bar.setTabButton(0, bar.ButtonPosition.RightSide, None)  # the list stays
        bar.setTabButton(0, bar.ButtonPosition.LeftSide, None)
        layout = QVBoxLayout(self)
        layout.setContentsMargins(0, 0, 0, 0)
        layout.addWidget(self.tabs)
        self.list.open_requested.connect(self.open_student)
        self.list.new_requested.connect(self.new_student)
        self.list.letter_requested.connect(self.send_letter)
        close = QShortcut(self)
        close.setKeys(QKeySequence.StandardKey.Close)  # every binding: Ctrl+W and Ctrl+F4
        close.setContext(Qt.ShortcutContext.WidgetWithChildrenShortcut)
        close.activated.connect(lambda: self.close_tab(self.tabs.currentIndex()))
        find = QShortcut(QKeySequence.StandardKey.Find, self)
        find.setContext(Qt.ShortcutContext.WidgetWithChildrenShortcut)
        find.activated.connect(self.show_search)
        ctx.hub.changed.connect(self._on_changed)

    def files(self) -> list[StudentFilePage]:
        return [
            page
            for i in range(self.tabs.count())
            if isinstance(page := self.tabs.widget(i), StudentFilePage)
        ]

    def open_student(self, student_id: int) -> StudentFilePage | None:
        for page in self.files():
            if page.student_id == student_id:
                self.tabs.setCurrentWidget(page)
                return page
        try:
            page = StudentFilePage(self.ctx, student_id)
        except errors.KnownError as exc:
            show_error(self, exc)
            return None
        index = self.tabs.addTab(page, page.tab_title())
        self.tabs.setTabToolTip(index, f"{page.view.legal_name} ({page.view.upn}) — Ctrl+W closes")
        page.title_changed.connect(lambda title, p=page: self._retitle(p, title))
        self.tabs.setCurrentIndex(index)
        page.details.first_name.setFocus()
        return page

    def _retitle(self, page: StudentFilePage, title: str) -> None:
        index = self.tabs.indexOf(page)
        if index >= 0:
            self.tabs.setTabText(index, title)

    def close_tab(self, index: int) -> bool:
        page = self.tabs.widget(index)
        if not isinstance(page, StudentFilePage):
            return False
        if not page.may_close():
            return False
        self.tabs.removeTab(index)
        page.deleteLater()
        return True

    def show_search(self) -> None:
        self.tabs.setCurrentWidget(self.list)
        self.list.focus_search()

    def send_letter(self, student_ids: list[int]) -> None:
        """Hand the filtered students to the Letters area's "Send a letter" screen."""
        show_area = getattr(self.window(), "show_area", None)
        if show_area is None or not student_ids:
            return
        letters = show_area("letters")
        letters.send_to(student_ids)

    def new_student(self) -> QDialog:
        dialog = NewStudentDialog(self.ctx, self)
        self.active_dialog = dialog
        dialog.created.connect(self._created)
        dialog.finished.connect(lambda _r: dialog.deleteLater())
        dialog.open()
        return dialog

    def _created(self, view: StudentFile) -> None:
        self.ctx.hub.changed.emit("students")
        self.open_student(view.id)

    def _on_changed(self, topic: str) -> None:
        if topic in ("students", "families"):
            for page in self.files():
                page.refresh()

    def may_close(self) -> bool:
        """Asked by the main window before it closes: every open file may say no."""
        for page in self.files():
            self.tabs.setCurrentWidget(page)
            if not page.may_close():
                return False
        return True
