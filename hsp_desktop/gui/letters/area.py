"""The Letters area: send a letter, see what was sent, preview and translation checks."""

from __future__ import annotations

from PySide6.QtWidgets import QTabWidget, QVBoxLayout, QWidget

from hsp_desktop.gui.common.context import AppContext
from hsp_desktop.gui.letters.preview_page import PreviewPage
from hsp_desktop.gui.letters.run_page import RunPage
from hsp_desktop.gui.letters.runs_page import RunsPage
from hsp_desktop.services.actor import Permission


class LettersArea(QWidget):
    def __init__(self, ctx: AppContext, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.ctx = ctx
        self.tabs = QTabWidget()
        self.tabs.setObjectName("letterTabs")
        self.run: RunPage | None = None
        self.runs: RunsPage | None = None
        if ctx.actor.can(Permission.SEND_LETTERS):
            self.run = RunPage(ctx)
            self.runs = RunsPage(ctx)
            self.tabs.addTab(self.run, "&Send a letter")
            self.tabs.addTab(self.runs, "Letters s&ent")
            self.runs.reminder_requested.connect(self.send_reminder)
        self.preview = PreviewPage(ctx)
        self.tabs.addTab(self.preview, "&Preview and translations")
        layout = QVBoxLayout(self)
        layout.setContentsMargins(0, 0, 0, 0)
        layout.addWidget(self.tabs)

    def send_reminder(self, run_id: int) -> None:
        if self.run is None:
            return
        self.tabs.setCurrentWidget(self.run)
        self.run.plan_reminder(run_id)

    def may_close(self) -> bool:
        """Asked by the main window before it closes."""
        return self.run is None or self.run.may_close()

    def send_to(self, student_ids: list[int]) -> None:
        """Start a letter to these students (for a screen that lists students)."""
        if self.run is None:
            return
        self.tabs.setCurrentWidget(self.run)
        self.run.stack.setCurrentWidget(self.run.choose)
        self.run.choose.chosen.setChecked(True)
        self.run.choose.chosen_students.set_chosen(student_ids)
