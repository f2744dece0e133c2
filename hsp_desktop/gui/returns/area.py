"""The Returns area: tick off slips, see what is still out, decide conflicting answers,
follow home-school agreements."""

from __future__ import annotations

from PySide6.QtGui import QShowEvent
from PySide6.QtWidgets import QDialog, QTabWidget, QVBoxLayout, QWidget

from hsp_desktop.gui.common.context import AppContext
from hsp_desktop.gui.letters.common import CloseAnyway
from hsp_desktop.gui.returns.lists import AgreementsPage, ConflictsPage, OutstandingPage
from hsp_desktop.gui.returns.tick_off import TickOffPage
from hsp_desktop.services.actor import Permission


class ReturnsArea(QWidget):
    def __init__(self, ctx: AppContext, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.ctx = ctx
        self.tabs = QTabWidget()
        self.tabs.setObjectName("returnTabs")
        self.tick_off = TickOffPage(ctx)
        self.outstanding = OutstandingPage(ctx)
        self.conflicts = ConflictsPage(ctx)
        self.agreements = AgreementsPage(ctx)
        if ctx.actor.can(Permission.SEND_LETTERS):
            self.tabs.addTab(self.tick_off, "&Tick off slips")
        self.tabs.addTab(self.outstanding, "&Outstanding")
        self.tabs.addTab(self.conflicts, "To &decide")
        self.tabs.addTab(self.agreements, "Home-school &agreements")
        layout = QVBoxLayout(self)
        layout.setContentsMargins(0, 0, 0, 0)
        layout.addWidget(self.tabs)
        self.outstanding.reminder_requested.connect(self.send_reminder)
        self.reminder_dialog: QDialog | None = None

    def send_reminder(self, run_id: int) -> None:
        """Go to the Letters area to send the reminder; on its own, open it in a window."""
        window = self.window()
        show_area = getattr(window, "show_area", None)
        if show_area is not None:
            letters = show_area("letters")
            letters.send_reminder(run_id)
            return
        from hsp_desktop.gui.letters.run_page import RunPage

        dialog = QDialog(self)
        dialog.setWindowTitle("Send a reminder")
        dialog.resize(1100, 760)
        page = RunPage(self.ctx, dialog)
        QVBoxLayout(dialog).addWidget(page)
        self.reminder_dialog = dialog
        dialog.open()
        page.plan_reminder(run_id)

    def may_close(self) -> bool:
        """Asked by the main window before it closes: a slip on screen is not recorded yet."""
        slip = self.tick_off.slip
        if slip is None:
            return True
        return CloseAnyway.ask(
            self, f"The slip {slip.code} ({slip.student_name}) is on screen but not recorded."
        )

    def showEvent(self, event: QShowEvent) -> None:
        super().showEvent(event)
        if self.tabs.currentWidget() is self.tick_off:
            self.tick_off.code.setFocus()
