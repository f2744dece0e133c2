"""The "Family support" area: the caseload and home visits."""

from __future__ import annotations

from PySide6.QtWidgets import QTabWidget, QWidget

from hsp_desktop.gui.casework.caseload import CaseloadPage
from hsp_desktop.gui.casework.visits import VisitsPage
from hsp_desktop.gui.common.context import AppContext


class FamilySupportArea(QTabWidget):
    def __init__(self, ctx: AppContext, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.visits = VisitsPage(ctx)
        self.caseload = CaseloadPage(ctx, self.visits)
        self.addTab(self.caseload, "&Caseload")
        self.addTab(self.visits, "&Home visits")

    def _show_visits(self) -> None:
        self.setCurrentWidget(self.visits)


def family_support_area(ctx: AppContext) -> QWidget:
    return FamilySupportArea(ctx)
